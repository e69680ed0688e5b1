//! Row scopes of the tenancy domain: every read of users and the tenant starts here, filtered
//! by the principal's tenant and role.

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::{invitation, tenant, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use crate::auth::{Permission, Principal};

/// Users the principal may see: the whole tenant with `user:read`, otherwise only themselves.
pub fn users(p: &Principal) -> Select<user::Entity> {
    let select = user::Entity::find().filter(user::Column::TenantId.eq(p.tenant_id));
    if p.can(Permission::UserRead) {
        select
    } else {
        select.filter(user::Column::Id.eq(p.user_id))
    }
}

/// Invitations: the whole tenant's for those who may invite, none otherwise.
pub fn invitations(p: &Principal) -> Select<invitation::Entity> {
    let select = invitation::Entity::find().filter(invitation::Column::TenantId.eq(p.tenant_id));
    if p.can(Permission::UserInvite) {
        select
    } else {
        select.filter(invitation::Column::Id.is_null())
    }
}

/// The principal's own tenant.
pub fn tenant(p: &Principal) -> Select<tenant::Entity> {
    tenant::Entity::find_by_id(p.tenant_id)
}
