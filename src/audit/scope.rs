//! Row scope of the audit log: the principal's tenant, and only with `audit:read`.

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use crate::auth::{Permission, Principal};

pub fn audit_events(p: &Principal) -> Select<audit_event::Entity> {
    let select = audit_event::Entity::find().filter(audit_event::Column::TenantId.eq(p.tenant_id));
    if p.can(Permission::AuditRead) {
        select
    } else {
        select.filter(audit_event::Column::Id.is_null())
    }
}
