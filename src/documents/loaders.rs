//! DataLoaders of the documents domain: a consultant's résumés and portfolio, a project's
//! skills; one statement per batch (two for skills), in the principal's scope.

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

/// Portfolio projects by consultant, latest first, in scope.
pub struct ProjectsByConsultant {
    db: DatabaseConnection,
    principal: Principal,
}

impl Loader<Uuid> for ProjectsByConsultant {
    type Value = Vec<entity::portfolio_project::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        use entity::portfolio_project::Column;
        let rows = super::scope::portfolio_projects(&self.principal)
            .filter(Column::ConsultantId.is_in(keys.iter().copied()))
            .order_by_desc(Column::StartDate)
            .order_by_desc(Column::Id)
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        let mut by_consultant: HashMap<Uuid, Self::Value> = HashMap::new();
        for row in rows {
            by_consultant
                .entry(row.consultant_id)
                .or_default()
                .push(row);
        }
        Ok(by_consultant)
    }
}

/// The skills of portfolio projects, by project, in the project's order.
pub struct ProjectSkills {
    db: DatabaseConnection,
    principal: Principal,
}

impl Loader<Uuid> for ProjectSkills {
    type Value = Vec<entity::skill::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        use entity::portfolio_project_skill::Column;
        let links = super::scope::portfolio_skills(&self.principal)
            .filter(Column::ProjectId.is_in(keys.iter().copied()))
            .order_by_asc(Column::Position)
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        let skills: HashMap<Uuid, entity::skill::Model> =
            crate::talent::scope::skills(&self.principal)
                .filter(entity::skill::Column::Id.is_in(links.iter().map(|l| l.skill_id)))
                .all(&self.db)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|s| (s.id, s))
                .collect();
        let mut by_project: HashMap<Uuid, Self::Value> = HashMap::new();
        for link in links {
            if let Some(skill) = skills.get(&link.skill_id) {
                by_project
                    .entry(link.project_id)
                    .or_default()
                    .push(skill.clone());
            }
        }
        Ok(by_project)
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
        .data(setup.batched(ResumesByConsultant {
            db: setup.db.clone(),
            principal: principal.clone(),
        }))
        .data(setup.batched(ProjectsByConsultant {
            db: setup.db.clone(),
            principal: principal.clone(),
        }))
        .data(setup.batched(ProjectSkills {
            db: setup.db.clone(),
            principal: principal.clone(),
        }))
}
