//! `visible` predicates of the role-aware schema: what a principal's introspection shows.
//! They read the same permission table as the guards.

use async_graphql::Context;

use super::{Permission, Principal};

fn principal_can(ctx: &Context<'_>, permission: Permission) -> bool {
    ctx.data_opt::<Principal>()
        .is_some_and(|p| p.can(permission))
}

/// Any signed-in principal.
pub fn authenticated(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<Principal>().is_some()
}

pub fn user_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::UserRead)
}

pub fn user_invite(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::UserInvite)
}

pub fn user_manage(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::UserManage)
}

pub fn audit_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::AuditRead)
}
