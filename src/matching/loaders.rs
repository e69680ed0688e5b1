//! Batched loaders of the matching domain. `tender.matches(first: N)` and
//! `consultant.matches(first: N)` load the first N matches of every parent in a batch with one
//! window-function statement (ROW_NUMBER() OVER (PARTITION BY parent)), so the number of
//! statements never depends on the number of parents.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::{MatchStatus, collaboration, tender_match};
use sea_orm::sea_query::Order;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter};
use uuid::Uuid;

use super::matches::{MatchFilter, filtered};
use super::score_view::ScoreView;
use crate::auth::Principal;
use crate::error::AppError;

fn db_error(err: sea_orm::DbErr) -> async_graphql::Error {
    AppError::from(err).into()
}

/// Whose matches a page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchParent {
    Tender(Uuid),
    Consultant(Uuid),
}

impl MatchParent {
    pub fn id(self) -> Uuid {
        match self {
            MatchParent::Tender(id) | MatchParent::Consultant(id) => id,
        }
    }

    pub fn column(self) -> tender_match::Column {
        match self {
            MatchParent::Tender(_) => tender_match::Column::TenderId,
            MatchParent::Consultant(_) => tender_match::Column::ConsultantId,
        }
    }

    fn of(self, m: &tender_match::Model) -> Uuid {
        match self {
            MatchParent::Tender(_) => m.tender_id,
            MatchParent::Consultant(_) => m.consultant_id,
        }
    }
}

/// The filter part of a page key: hashable, so equal pages batch together.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PageFilter {
    pub tender_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    /// Sorted, deduplicated.
    pub statuses: Vec<MatchStatus>,
    /// Minimum score in ten-thousandths (scores are stored with four decimals).
    pub min_score_e4: Option<i64>,
}

impl PageFilter {
    pub fn new(filter: &MatchFilter) -> Self {
        let mut statuses = filter.status.clone().unwrap_or_default();
        statuses.sort_by_key(|s| format!("{s:?}"));
        statuses.dedup();
        PageFilter {
            tender_id: filter.tender_id,
            consultant_id: filter.consultant_id,
            statuses,
            min_score_e4: filter.min_score.map(|s| (s * 10_000.0).round() as i64),
        }
    }

    pub fn to_match_filter(&self) -> MatchFilter {
        MatchFilter {
            tender_id: self.tender_id,
            consultant_id: self.consultant_id,
            status: (!self.statuses.is_empty()).then(|| self.statuses.clone()),
            min_score: self.min_score_e4.map(|s| s as f64 / 10_000.0),
        }
    }
}

/// One first page of a parent's matches (best score first).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MatchPageKey {
    pub parent: MatchParent,
    pub limit: u64,
    pub filter: PageFilter,
    pub want_total: bool,
}

#[derive(Debug, Clone, Default)]
pub struct MatchPage {
    pub rows: Vec<tender_match::Model>,
    pub has_next: bool,
    pub total: u64,
}

pub struct MatchPageLoader {
    db: DatabaseConnection,
    principal: Principal,
}

impl MatchPageLoader {
    pub fn new(db: DatabaseConnection, principal: Principal) -> Self {
        MatchPageLoader { db, principal }
    }

    /// Every key of one group shares kind, limit, filter and total flag.
    async fn load_group(
        &self,
        keys: &[&MatchPageKey],
    ) -> Result<HashMap<MatchPageKey, MatchPage>, async_graphql::Error> {
        let Some(first) = keys.first() else {
            return Ok(HashMap::new());
        };
        let column = first.parent.column();
        let parents: Vec<Uuid> = keys.iter().map(|k| k.parent.id()).collect();
        let view = ScoreView::of(&self.principal);
        let base = filtered(
            super::scope::matches(&self.principal),
            &first.filter.to_match_filter(),
            view,
        )?
        .filter(column.is_in(parents.iter().copied()));

        let rows = crate::db::first_rows_per_parent(
            &self.db,
            base.clone(),
            column,
            &[
                (view.column(), Order::Desc),
                (tender_match::Column::Id, Order::Desc),
            ],
            first.limit + 1,
        )
        .await
        .map_err(db_error)?;

        let totals: HashMap<Uuid, u64> = if first.want_total {
            crate::db::count_per_parent(&self.db, base, column, tender_match::Column::Id)
                .await
                .map_err(db_error)?
        } else {
            HashMap::new()
        };

        let mut by_parent: HashMap<Uuid, Vec<tender_match::Model>> = HashMap::new();
        for row in rows {
            by_parent
                .entry(first.parent.of(&row))
                .or_default()
                .push(row);
        }
        Ok(keys
            .iter()
            .map(|key| {
                let mut rows = by_parent.remove(&key.parent.id()).unwrap_or_default();
                rows.sort_by(|a, b| {
                    view.score(b)
                        .total_cmp(&view.score(a))
                        .then(b.id.cmp(&a.id))
                });
                let limit = usize::try_from(key.limit).unwrap_or(usize::MAX);
                let has_next = rows.len() > limit;
                rows.truncate(limit);
                let page = MatchPage {
                    rows,
                    has_next,
                    total: totals.get(&key.parent.id()).copied().unwrap_or(0),
                };
                ((*key).clone(), page)
            })
            .collect())
    }
}

impl Loader<MatchPageKey> for MatchPageLoader {
    type Value = MatchPage;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[MatchPageKey],
    ) -> Result<HashMap<MatchPageKey, MatchPage>, Self::Error> {
        let mut groups: HashMap<(bool, u64, PageFilter, bool), Vec<&MatchPageKey>> = HashMap::new();
        for key in keys {
            let kind = matches!(key.parent, MatchParent::Tender(_));
            groups
                .entry((kind, key.limit, key.filter.clone(), key.want_total))
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

/// The collaboration of a match, by match id, in scope.
pub struct CollaborationByMatchLoader {
    db: DatabaseConnection,
    principal: Principal,
}

impl CollaborationByMatchLoader {
    pub fn new(db: DatabaseConnection, principal: Principal) -> Self {
        CollaborationByMatchLoader { db, principal }
    }
}

impl Loader<Uuid> for CollaborationByMatchLoader {
    type Value = collaboration::Model;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = super::scope::collaborations(&self.principal)
            .filter(collaboration::Column::MatchId.is_in(keys.iter().copied()))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(|c| (c.match_id, c)).collect())
    }
}

/// Adds the matching loaders of a signed-in principal to a request.
pub fn register(
    request: async_graphql::Request,
    setup: &crate::graphql::context::LoaderSetup<'_>,
) -> async_graphql::Request {
    let Some(principal) = setup.principal else {
        return request;
    };
    request
        .data(setup.batched(MatchPageLoader::new(setup.db.clone(), principal.clone())))
        .data(setup.batched(CollaborationByMatchLoader::new(
            setup.db.clone(),
            principal.clone(),
        )))
}
