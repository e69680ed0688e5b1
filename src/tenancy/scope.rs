//! Row scopes of the tenancy domain: every read of users and the tenant starts here, filtered
//! by the principal's tenant and role.

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::{company, consultant, invitation, tenant, user};
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

/// Companies a user may be linked to (a CLIENT's own company): the tenant's, for those who may
/// invite, none otherwise. Read here rather than through the talent domain's scopes, which
/// build on tenancy; an inviter (`user:invite`) sees the whole tenant there too.
pub fn linkable_companies(p: &Principal) -> Select<company::Entity> {
    let select = company::Entity::find().filter(company::Column::TenantId.eq(p.tenant_id));
    if p.can(Permission::UserInvite) {
        select
    } else {
        select.filter(company::Column::Id.is_null())
    }
}

/// Consultants a user may be linked to (a CONSULTANT's own profile): the tenant's, not
/// deleted, for those who may invite; none otherwise.
pub fn linkable_consultants(p: &Principal) -> Select<consultant::Entity> {
    let select = consultant::Entity::find()
        .filter(consultant::Column::TenantId.eq(p.tenant_id))
        .filter(consultant::Column::DeletedAt.is_null());
    if p.can(Permission::UserInvite) {
        select
    } else {
        select.filter(consultant::Column::Id.is_null())
    }
}
