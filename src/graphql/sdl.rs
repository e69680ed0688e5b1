//! Role-aware SDL: what each role sees in introspection, printed as SDL. async-graphql's own
//! `sdl()` ignores `visible`, so the SDL is rebuilt from an introspection query run as the role.

use async_graphql::Request;
use cynic_introspection::{IntrospectionQuery, SpecificationVersion};
use entity::Role;
use uuid::Uuid;

use super::AppSchema;
use crate::auth::Principal;
use crate::error::{AppError, Result};

/// The SDL visible to `role` (`None`: an anonymous client).
pub async fn export_sdl(schema: &AppSchema, role: Option<Role>) -> Result<String> {
    let operation =
        IntrospectionQuery::with_capabilities(SpecificationVersion::October2021.capabilities());
    let mut request = Request::new(operation.query);
    if let Some(role) = role {
        request = request.data(Principal {
            user_id: Uuid::nil(),
            tenant_id: Uuid::nil(),
            role,
            company_id: None,
            consultant_id: None,
            token: None,
        });
    }
    let response = schema.execute(request).await;
    if let Some(err) = response.errors.first() {
        return Err(AppError::internal(format!(
            "introspection failed: {}",
            err.message
        )));
    }
    let data = response.data.into_json().map_err(AppError::internal)?;
    let introspection: IntrospectionQuery =
        serde_json::from_value(data).map_err(AppError::internal)?;
    let schema = introspection.into_schema().map_err(AppError::internal)?;
    Ok(schema.to_sdl())
}
