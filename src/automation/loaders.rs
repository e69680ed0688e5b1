//! DataLoaders of the automation domain: workflows by id (a run's `workflow`), in the
//! principal's scope.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{job, workflow};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait as _, QueryFilter};
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

/// The jobs of runs by id, in the principal's organisation (staff only, as runs are).
pub struct JobLoader {
    db: DatabaseConnection,
    principal: Principal,
}

impl Loader<Uuid> for JobLoader {
    type Value = job::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        if self.principal.row_rule() != crate::auth::RowRule::WholeTenant {
            return Ok(HashMap::new());
        }
        #[expect(
            clippy::disallowed_methods,
            reason = "jobs are read by the ids of runs in scope, within the principal's organisation"
        )]
        let rows = job::Entity::find()
            .filter(job::Column::Id.is_in(keys.iter().copied()))
            .filter(job::Column::TenantId.eq(self.principal.tenant_id))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        Ok(rows.into_iter().map(|j| (j.id, j)).collect())
    }
}

pub fn register(
    request: async_graphql::Request,
    setup: &crate::graphql::context::LoaderSetup<'_>,
) -> async_graphql::Request {
    let Some(principal) = setup.principal else {
        return request;
    };
    request
        .data(setup.batched(WorkflowLoader {
            db: setup.db.clone(),
            principal: principal.clone(),
        }))
        .data(setup.batched(JobLoader {
            db: setup.db.clone(),
            principal: principal.clone(),
        }))
}
