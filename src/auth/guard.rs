//! Guards declared on fields: permission checks that answer `FORBIDDEN` and audit the denial.

use async_graphql::{Context, Guard};

use super::Permission;
use crate::audit::{self, AuditRecord};
use crate::error::AppError;
use crate::graphql::context::{ContextExt as _, DeniedLog};

/// Requires a signed-in principal holding the permission.
pub struct PermissionGuard(pub Permission);

impl Guard for PermissionGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        let principal = ctx.principal()?;
        if principal.can(self.0) {
            return Ok(());
        }
        let first = ctx
            .data_opt::<DeniedLog>()
            .is_none_or(|log| log.first_denial(self.0));
        if !first {
            return Err(AppError::Forbidden.into());
        }
        let path = ctx.path_node.map(|p| p.to_string()).unwrap_or_default();
        let state = ctx.state()?;
        let record = AuditRecord::new("access.denied", "permission", None)
            .changes(serde_json::json!({ "permission": self.0.as_str(), "path": path }));
        audit::record_standalone(&state.db, principal, ctx.request_meta(), record).await?;
        Err(AppError::Forbidden.into())
    }
}

/// Requires any signed-in principal.
pub struct Authenticated;

impl Guard for Authenticated {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        ctx.principal().map(|_| ()).map_err(Into::into)
    }
}
