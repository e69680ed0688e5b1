//! DataLoaders of the automation domain: workflows by id (a run's `workflow`), in the
//! principal's scope.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::workflow;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::AppError;

/// Workflows by id, in scope.
pub struct WorkflowLoader {
    db: DatabaseConnection,
    principal: Principal,
}

impl Loader<Uuid> for WorkflowLoader {
    type Value = workflow::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = super::scope::workflows(&self.principal)
            .filter(workflow::Column::Id.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|w| (w.id, w)).collect())
    }
}

pub fn register(
    request: async_graphql::Request,
    setup: &crate::graphql::context::LoaderSetup<'_>,
) -> async_graphql::Request {
    let Some(principal) = setup.principal else {
        return request;
    };
    request.data(setup.batched(WorkflowLoader {
        db: setup.db.clone(),
        principal: principal.clone(),
    }))
}
