//! DataLoaders of the tenancy domain, built per request with the principal inside.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{tenant, user};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::scope;
use crate::auth::Principal;
use crate::error::AppError;

/// Loads tenants by id in one statement per batch. With a principal, only the principal's own
/// tenant can be loaded; without one (the payload of a sign-in), the keys come from the user
/// rows the request has just authenticated.
pub struct TenantLoader {
    db: DatabaseConnection,
    principal: Option<Principal>,
}

impl TenantLoader {
    pub fn new(db: DatabaseConnection, principal: Option<Principal>) -> Self {
        TenantLoader { db, principal }
    }
}

impl Loader<Uuid> for TenantLoader {
    type Value = tenant::Model;
    type Error = async_graphql::Error;

    #[expect(
        clippy::disallowed_methods,
        reason = "without a principal, the keys come from user rows the request just authenticated"
    )]
    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, tenant::Model>, Self::Error> {
        let select = match &self.principal {
            Some(p) => scope::tenant(p),
            None => tenant::Entity::find(),
        };
        let rows = select
            .filter(tenant::Column::Id.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|t| (t.id, t)).collect())
    }
}

/// Loads users by id, in the principal's scope, in one statement per batch.
pub struct UserLoader {
    db: DatabaseConnection,
    principal: Principal,
}

impl UserLoader {
    pub fn new(db: DatabaseConnection, principal: Principal) -> Self {
        UserLoader { db, principal }
    }
}

impl Loader<Uuid> for UserLoader {
    type Value = user::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, user::Model>, Self::Error> {
        let rows = scope::users(&self.principal)
            .filter(user::Column::Id.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|u| (u.id, u)).collect())
    }
}

/// The tenancy loaders of a request: organisations by id (anonymous requests too), users
/// once signed in.
pub fn register(
    request: async_graphql::Request,
    setup: &crate::graphql::context::LoaderSetup<'_>,
) -> async_graphql::Request {
    let tenants = async_graphql::dataloader::DataLoader::new(
        TenantLoader::new(setup.db.clone(), setup.principal.cloned()),
        crate::db::spawn_counted,
    );
    let request = request.data(tenants);
    let Some(principal) = setup.principal else {
        return request;
    };
    request.data(setup.batched(UserLoader::new(setup.db.clone(), principal.clone())))
}
