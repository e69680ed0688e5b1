//! DataLoaders of the documents domain: a consultant's résumés (`Consultant.resumes`), one
//! statement per batch of consultants, in the principal's scope.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::resume;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder as _};
use uuid::Uuid;

use crate::auth::Principal;
use crate::error::AppError;

/// Résumés by consultant, newest first, in scope.
pub struct ResumesByConsultant {
    db: DatabaseConnection,
    principal: Principal,
}

impl Loader<Uuid> for ResumesByConsultant {
    type Value = Vec<resume::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = super::scope::resumes(&self.principal)
            .filter(resume::Column::ConsultantId.is_in(keys.iter().copied()))
            .order_by_desc(resume::Column::CreatedAt)
            .order_by_desc(resume::Column::Id)
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        let mut by_consultant: HashMap<Uuid, Vec<resume::Model>> = HashMap::new();
        for row in rows {
            by_consultant
                .entry(row.consultant_id)
                .or_default()
                .push(row);
        }
        Ok(by_consultant)
    }
}

pub fn register(
    request: async_graphql::Request,
    setup: &crate::graphql::context::LoaderSetup<'_>,
) -> async_graphql::Request {
    let Some(principal) = setup.principal else {
        return request;
    };
    request.data(setup.batched(ResumesByConsultant {
        db: setup.db.clone(),
        principal: principal.clone(),
    }))
}
