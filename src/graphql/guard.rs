//! Guards declared on fields: permission checks that answer `FORBIDDEN` and audit the denial.

use async_graphql::{Context, Guard};

use super::context::{ContextExt as _, DeniedLog};
use crate::audit;
use crate::auth::Permission;
use crate::error::AppError;

/// Requires a signed-in principal holding the permission.
pub struct PermissionGuard(pub Permission);

impl Guard for PermissionGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let allowed = ctx.principal()?.can(self.0);
        guard_field(ctx, self.0, allowed).await
    }
}

/// Requires any signed-in principal.
pub struct Authenticated;

impl Guard for Authenticated {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        ctx.principal().map(|_| ()).map_err(Into::into)
    }
}

/// Records a denial in the audit log, once per request and permission (and aggregated per
/// user, permission and window across requests: `audit::record_denial`).
async fn audit_denial(ctx: &Context<'_>, permission: Permission) -> async_graphql::Result<()> {
    let principal = ctx.principal()?;
    // A shared subscription's: each member it reaches audits it as its own.
    if let Some(feed) = ctx.data_opt::<std::sync::Arc<super::multiplex::Feed>>() {
        let path = ctx.path_node.map(|p| p.to_string()).unwrap_or_default();
        feed.denied(permission, path);
        return Ok(());
    }
    let first = ctx
        .data_opt::<DeniedLog>()
        .is_none_or(|log| log.first_denial(permission));
    if first {
        let path = ctx.path_node.map(|p| p.to_string()).unwrap_or_default();
        let state = ctx.state()?;
        // A denial in a query is written by the writer: the request's own connection only reads.
        audit::record_denial(
            state.writer(),
            principal,
            &ctx.request_meta(),
            permission.as_str(),
            &path,
            state.config.audit.denial_window,
        )
        .await?;
    }
    Ok(())
}

/// A guard on an operation or a non-null field: when `allowed` is false the field fails with
/// `FORBIDDEN` (and the denial is audited).
pub async fn guard_field(
    ctx: &Context<'_>,
    permission: Permission,
    allowed: bool,
) -> async_graphql::Result<()> {
    if allowed {
        return Ok(());
    }
    Box::pin(audit_denial(ctx, permission)).await?;
    Err(AppError::Forbidden.into())
}

/// A guard on a nullable sensitive field that depends on the row as well as the principal (own
/// profile, own company): when `allowed` is false, the caller answers `null` and a `FORBIDDEN`
/// error is added at the field's path, so the rest of the response still returns.
pub async fn field_allowed(
    ctx: &Context<'_>,
    permission: Permission,
    allowed: bool,
) -> async_graphql::Result<bool> {
    if allowed {
        return Ok(true);
    }
    Box::pin(audit_denial(ctx, permission)).await?;
    let error = async_graphql::Error::from(AppError::Forbidden).into_server_error(ctx.item.pos);
    ctx.add_error(ctx.set_error_path(error));
    Ok(false)
}
