//! DataLoaders of the talent domain: one statement per relation and batch, built per request
//! with the principal inside, so every batch goes through the principal's row scope and a cache
//! can never mix tenants.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{company, consultant, consultant_skill, skill, tender, tender_skill};
use sea_orm::{
    ColumnTrait, ConnectionTrait as _, DatabaseConnection, EntityTrait, Iterable as _, QueryFilter,
    QuerySelect as _, QueryTrait as _, Related, Select,
};
use uuid::Uuid;

use super::scope;
use crate::auth::Principal;
use crate::db::rows::{ByPosition, Columns};
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
                let select = $scope(&self.0.principal)
                    .filter($entity::Column::Id.is_in(keys.iter().copied()));
                let rows = crate::db::rows::all(&self.0.db, select)
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
/// a second DataLoader round trip per entry. A batch decodes each skill once and shares it
/// between the entries that name it.
pub type WithSkill<M> = (M, Arc<skill::Model>);

/// A parent's skill entries, by skill id. Shared: a DataLoader hands a copy of the value to
/// every field that asked for it, and this makes the copy a reference count.
pub type SkillEntries<M> = Arc<[WithSkill<M>]>;

/// The columns of a skill, in the order of `skill::Column` (what `ByPosition` reads).
const SKILL_COLUMNS: [skill::Column; 7] = [
    skill::Column::Id,
    skill::Column::TenantId,
    skill::Column::Name,
    skill::Column::NameKey,
    skill::Column::Category,
    skill::Column::CreatedAt,
    skill::Column::UpdatedAt,
];

/// The rows of `entries` (scoped, and filtered to a batch's parents), each joined to its
/// skill of the catalogue (in scope: the tenant's), grouped by parent and sorted by skill id.
///
/// Columns are read by position and each skill is decoded once per batch: decoding by name
/// (with the prefixes of a two-model select) cost more than the rest of the request together
/// on the nested tender query, which reads 3,200 entries naming 120 skills.
async fn skill_entries<E>(
    ctx: &LoaderContext,
    entries: Select<E>,
    parent_of: impl Fn(&E::Model) -> Uuid,
    skill_of: impl Fn(&E::Model) -> Uuid,
) -> Result<HashMap<Uuid, SkillEntries<E::Model>>, async_graphql::Error>
where
    E: EntityTrait + Related<skill::Entity>,
    E::Model: ByPosition,
{
    let width = E::Column::iter().count();
    let mut select = entries
        .select_only()
        .columns(E::Column::iter())
        .inner_join(skill::Entity)
        .filter(skill::Column::TenantId.eq(ctx.principal.tenant_id));
    for column in SKILL_COLUMNS {
        select = select.column(column);
    }
    let rows = ctx
        .db
        .query_all(&select.into_query())
        .await
        .map_err(db_error)?;
    let mut skills: HashMap<Uuid, Arc<skill::Model>> = HashMap::new();
    let mut by_parent: HashMap<Uuid, Vec<WithSkill<E::Model>>> = HashMap::new();
    for row in &rows {
        let entry = E::Model::read(&mut Columns::new(row)).map_err(db_error)?;
        let parent = parent_of(&entry);
        let skill = match skills.get(&skill_of(&entry)) {
            Some(skill) => skill.clone(),
            None => {
                let skill =
                    skill::Model::read(&mut Columns::starting_at(row, width)).map_err(db_error)?;
                let skill = Arc::new(skill);
                skills.insert(skill.id, skill.clone());
                skill
            }
        };
        by_parent.entry(parent).or_default().push((entry, skill));
    }
    Ok(by_parent
        .into_iter()
        .map(|(parent, mut entries)| {
            entries.sort_by_key(|(_, skill)| skill.id);
            (parent, entries.into())
        })
        .collect())
}

/// The skills of consultants, by consultant id (the consultant itself was loaded in scope).
pub struct ConsultantSkillsLoader(LoaderContext);

impl Loader<Uuid> for ConsultantSkillsLoader {
    type Value = SkillEntries<consultant_skill::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let entries = scope::consultant_skills(&self.0.principal)
            .filter(consultant_skill::Column::ConsultantId.is_in(keys.iter().copied()));
        skill_entries(&self.0, entries, |e| e.consultant_id, |e| e.skill_id).await
    }
}

/// The required skills of tenders, by tender id (the tender itself was loaded in scope).
pub struct TenderSkillsLoader(LoaderContext);

impl Loader<Uuid> for TenderSkillsLoader {
    type Value = SkillEntries<tender_skill::Model>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let entries = scope::tender_skills(&self.0.principal)
            .filter(tender_skill::Column::TenderId.is_in(keys.iter().copied()));
        skill_entries(&self.0, entries, |e| e.tender_id, |e| e.skill_id).await
    }
}

/// Adds the talent loaders of a signed-in principal to a request.
pub fn register(
    request: async_graphql::Request,
    setup: &crate::graphql::context::LoaderSetup<'_>,
) -> async_graphql::Request {
    let Some(principal) = setup.principal else {
        return request;
    };
    let ctx = LoaderContext {
        db: setup.db.clone(),
        principal: principal.clone(),
    };
    request
        .data(setup.batched(CompanyLoader(ctx.clone())))
        .data(setup.batched(SkillLoader(ctx.clone())))
        .data(setup.batched(ConsultantLoader(ctx.clone())))
        .data(setup.batched(TenderLoader(ctx.clone())))
        .data(setup.batched(ConsultantSkillsLoader(ctx.clone())))
        .data(setup.batched(TenderSkillsLoader(ctx.clone())))
        .data(setup.batched(TenderPageLoader(ctx)))
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
