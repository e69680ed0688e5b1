//! DataLoaders of the talent domain: one statement per relation and batch, built per request
//! with the principal inside, so every batch goes through the principal's row scope and a cache
//! can never mix tenants.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{company, consultant, consultant_skill, skill, tender, tender_skill};
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::scope;
use crate::auth::Principal;
use crate::error::AppError;

/// What every loader of a request shares.
#[derive(Clone)]
pub struct LoaderContext {
    db: DatabaseConnection,
    principal: Principal,
}

fn db_error(err: sea_orm::DbErr) -> async_graphql::Error {
    AppError::from(err).into()
}

macro_rules! by_id_loader {
    ($(#[$doc:meta])* $name:ident, $entity:ident, $scope:path) => {
        $(#[$doc])*
        pub struct $name(LoaderContext);

        impl Loader<Uuid> for $name {
            type Value = $entity::Model;
            type Error = async_graphql::Error;

            async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
                let rows = $scope(&self.0.principal)
                    .filter($entity::Column::Id.is_in(keys.iter().copied()))
                    .all(&self.0.db)
                    .await
                    .map_err(db_error)?;
                Ok(rows.into_iter().map(|r| (r.id, r)).collect())
            }
        }
    };
}

by_id_loader!(
    /// Companies by id, in scope.
    CompanyLoader,
    company,
    scope::companies
);
by_id_loader!(
    /// Skills by id, in scope.
    SkillLoader,
    skill,
    scope::skills
);
by_id_loader!(
    /// Consultants by id, in scope (soft-deleted ones included: a match still shows who it was).
    ConsultantLoader,
    consultant,
    scope::consultants_including_deleted
);
by_id_loader!(
    /// Tenders by id, in scope.
    TenderLoader,
    tender,
    scope::tenders
);

/// A skill entry (of a consultant or a tender) with its skill of the catalogue, loaded in the
/// same statement: the skill is handed to the entry's `skill` field instead of going through
/// a second DataLoader round trip per entry.
pub type WithSkill<M> = (M, skill::Model);

/// The skills of consultants, by consultant id (the consultant itself was loaded in scope),
/// each with its skill of the catalogue (in scope: the tenant's).
pub struct ConsultantSkillsLoader(LoaderContext);

impl Loader<Uuid> for ConsultantSkillsLoader {
    type Value = Vec<WithSkill<consultant_skill::Model>>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = scope::consultant_skills(&self.0.principal)
            .filter(consultant_skill::Column::ConsultantId.is_in(keys.iter().copied()))
            .find_also_related(skill::Entity)
            .filter(skill::Column::TenantId.eq(self.0.principal.tenant_id))
            .order_by_asc(consultant_skill::Column::SkillId)
            .all(&self.0.db)
            .await
            .map_err(db_error)?;
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for (row, skill) in rows {
            if let Some(skill) = skill {
                map.entry(row.consultant_id).or_default().push((row, skill));
            }
        }
        Ok(map)
    }
}

/// The required skills of tenders, by tender id (the tender itself was loaded in scope), each
/// with its skill of the catalogue (in scope: the tenant's).
pub struct TenderSkillsLoader(LoaderContext);

impl Loader<Uuid> for TenderSkillsLoader {
    type Value = Vec<WithSkill<tender_skill::Model>>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = scope::tender_skills(&self.0.principal)
            .filter(tender_skill::Column::TenderId.is_in(keys.iter().copied()))
            .find_also_related(skill::Entity)
            .filter(skill::Column::TenantId.eq(self.0.principal.tenant_id))
            .order_by_asc(tender_skill::Column::SkillId)
            .all(&self.0.db)
            .await
            .map_err(db_error)?;
        let mut map: HashMap<Uuid, Self::Value> = HashMap::new();
        for (row, skill) in rows {
            if let Some(skill) = skill {
                map.entry(row.tender_id).or_default().push((row, skill));
            }
        }
        Ok(map)
    }
}

/// Adds the talent loaders of a signed-in principal to a request.
pub fn register(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    principal: &Principal,
    delay: std::time::Duration,
) -> async_graphql::Request {
    let ctx = LoaderContext {
        db: db.clone(),
        principal: principal.clone(),
    };
    request
        .data(DataLoader::new(CompanyLoader(ctx.clone()), tokio::spawn).delay(delay))
        .data(DataLoader::new(SkillLoader(ctx.clone()), tokio::spawn).delay(delay))
        .data(DataLoader::new(ConsultantLoader(ctx.clone()), tokio::spawn).delay(delay))
        .data(DataLoader::new(TenderLoader(ctx.clone()), tokio::spawn).delay(delay))
        .data(DataLoader::new(ConsultantSkillsLoader(ctx.clone()), tokio::spawn).delay(delay))
        .data(DataLoader::new(TenderSkillsLoader(ctx.clone()), tokio::spawn).delay(delay))
        .data(DataLoader::new(TenderPageLoader(ctx), tokio::spawn).delay(delay))
        .data(
            DataLoader::new(
                crate::matching::loaders::MatchPageLoader::new(db.clone(), principal.clone()),
                tokio::spawn,
            )
            .delay(delay),
        )
        .data(
            DataLoader::new(
                crate::matching::loaders::CollaborationByMatchLoader::new(
                    db.clone(),
                    principal.clone(),
                ),
                tokio::spawn,
            )
            .delay(delay),
        )
}

/// One first page of a company's tenders (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenderPageKey {
    pub company_id: Uuid,
    pub limit: u64,
    /// Sorted, deduplicated; empty means every status.
    pub statuses: Vec<entity::TenderStatus>,
    pub want_total: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TenderPage {
    pub rows: Vec<tender::Model>,
    pub has_next: bool,
    pub total: u64,
}

/// `company.tenders(first: N)` for every company of a batch in one statement.
pub struct TenderPageLoader(LoaderContext);

impl TenderPageLoader {
    async fn load_group(
        &self,
        keys: &[&TenderPageKey],
    ) -> Result<HashMap<TenderPageKey, TenderPage>, async_graphql::Error> {
        let Some(first) = keys.first() else {
            return Ok(HashMap::new());
        };
        let mut base = scope::tenders(&self.0.principal)
            .filter(tender::Column::CompanyId.is_in(keys.iter().map(|k| k.company_id)));
        if !first.statuses.is_empty() {
            base = base.filter(tender::Column::Status.is_in(first.statuses.clone()));
        }
        let rows = crate::db::first_rows_per_parent(
            &self.0.db,
            base.clone(),
            tender::Column::CompanyId,
            &[(tender::Column::Id, sea_orm::sea_query::Order::Desc)],
            first.limit + 1,
        )
        .await
        .map_err(db_error)?;
        let totals: HashMap<Uuid, u64> = if first.want_total {
            crate::db::count_per_parent(
                &self.0.db,
                base,
                tender::Column::CompanyId,
                tender::Column::Id,
            )
            .await
            .map_err(db_error)?
        } else {
            HashMap::new()
        };
        let mut by_company: HashMap<Uuid, Vec<tender::Model>> = HashMap::new();
        for row in rows {
            by_company.entry(row.company_id).or_default().push(row);
        }
        Ok(keys
            .iter()
            .map(|key| {
                let mut rows = by_company.remove(&key.company_id).unwrap_or_default();
                rows.sort_by_key(|t| std::cmp::Reverse(t.id));
                let limit = usize::try_from(key.limit).unwrap_or(usize::MAX);
                let has_next = rows.len() > limit;
                rows.truncate(limit);
                let total = totals.get(&key.company_id).copied().unwrap_or(0);
                (
                    (*key).clone(),
                    TenderPage {
                        rows,
                        has_next,
                        total,
                    },
                )
            })
            .collect())
    }
}

impl Loader<TenderPageKey> for TenderPageLoader {
    type Value = TenderPage;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[TenderPageKey],
    ) -> Result<HashMap<TenderPageKey, TenderPage>, Self::Error> {
        let mut groups: HashMap<(u64, Vec<entity::TenderStatus>, bool), Vec<&TenderPageKey>> =
            HashMap::new();
        for key in keys {
            groups
                .entry((key.limit, key.statuses.clone(), key.want_total))
                .or_default()
                .push(key);
        }
        let mut out = HashMap::new();
        for group in groups.values() {
            out.extend(self.load_group(group).await?);
        }
        Ok(out)
    }
}
