//! Role-aware SDL: what each role sees in introspection, printed as SDL. async-graphql's own
//! `sdl()` ignores `visible`, so the SDL is rebuilt from an introspection query run as the role.

use async_graphql::Request;
use cynic_introspection::{IntrospectionQuery, SpecificationVersion};
use entity::Role;
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::{AppError, Result};

/// The SDL visible to `role` (`None`: an anonymous client).
pub async fn export_sdl<Q, M, S>(
    schema: &async_graphql::Schema<Q, M, S>,
    role: Option<Role>,
) -> Result<String>
where
    Q: async_graphql::ObjectType + 'static,
    M: async_graphql::ObjectType + 'static,
    S: async_graphql::SubscriptionType + 'static,
{
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
    // cynic-introspection drops `specifiedByURL` when it builds its schema (and would print
    // it unquoted): the directive is written back here.
    let specified: Vec<(String, String)> = introspection
        .introspected_schema
        .as_ref()
        .map(|s| {
            s.types
                .iter()
                .filter_map(|t| Some((t.name.clone()?, t.specified_by_url.clone()?)))
                .collect()
        })
        .unwrap_or_default();
    let schema = introspection.into_schema().map_err(AppError::internal)?;
    let mut sdl = schema.to_sdl();
    for (name, url) in specified {
        let url = serde_json::to_string(&url).map_err(AppError::internal)?;
        sdl = sdl.replace(
            &format!("\nscalar {name}\n"),
            &format!("\nscalar {name} @specifiedBy(url: {url})\n"),
        );
    }
    Ok(sdl)
}
