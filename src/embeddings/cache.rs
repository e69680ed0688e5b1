//! Each tenant's stored vectors (`search_chunk`) in memory, for exact cosine search: a scan of
//! 10,000 vectors of 384 dimensions is a few milliseconds on one core, so no approximate index
//! is needed at this size (`cargo bench --bench search`). A tenant's vectors are read on its
//! first search and read again when they may have changed — its newest vector or its newest
//! index entry differ (an entry whose text changed loses its vectors in the same transaction;
//! a deleted entry's vectors stay cached until the next reload, but search only returns
//! entries that exist) — checked with two indexed look-ups in one statement per search, so
//! every instance sees every instance's writes. (Counting the vectors instead took 56 ms per
//! search at 30,000 on SQLite.)

#![expect(
    clippy::disallowed_methods,
    reason = "the cache holds a tenant's vectors; search filters what a reader may find"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use entity::{search_chunk, search_entry};
use sea_orm::sea_query::{Alias, Expr, Func, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
    QueryTrait,
};
use uuid::Uuid;

/// One stored passage's vector.
#[derive(Debug)]
pub struct Row {
    pub chunk_id: Uuid,
    pub entry_id: Uuid,
    pub staff_only: bool,
    pub vector: Box<[f32]>,
}

/// What identifies a state of a tenant's vectors.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
struct Signature {
    newest_vector: Option<DateTime<Utc>>,
    newest_entry: Option<DateTime<Utc>>,
}

struct Tenant {
    signature: Signature,
    rows: Arc<Vec<Row>>,
}

/// A passage close to the query.
#[derive(Debug, Clone, Copy)]
pub struct Near {
    pub entry_id: Uuid,
    pub chunk_id: Uuid,
    pub similarity: f32,
}

/// The tenants' vectors of one model.
#[derive(Default)]
pub struct VectorCache {
    tenants: Mutex<HashMap<(Uuid, String), Arc<Tenant>>>,
}

#[derive(FromQueryResult)]
struct Stored {
    id: Uuid,
    entry_id: Uuid,
    staff_only: bool,
    vector: Vec<u8>,
}

impl VectorCache {
    /// `tenant_id`'s vectors of `model`, read again if they changed.
    pub async fn rows(
        &self,
        db: &impl ConnectionTrait,
        tenant_id: Uuid,
        model: &str,
    ) -> Result<Arc<Vec<Row>>, DbErr> {
        // Both newest rows in one round trip: two scalar subqueries.
        let newest_vector = search_chunk::Entity::find()
            .select_only()
            .expr(Func::max(Expr::col(search_chunk::Column::CreatedAt)))
            .filter(search_chunk::Column::TenantId.eq(tenant_id))
            .filter(search_chunk::Column::Model.eq(model))
            .into_query();
        let newest_entry = search_entry::Entity::find()
            .select_only()
            .expr(Func::max(Expr::col(search_entry::Column::UpdatedAt)))
            .filter(search_entry::Column::TenantId.eq(tenant_id))
            .into_query();
        let mut both = Query::select();
        both.expr_as(
            SimpleExpr::SubQuery(None, Box::new(newest_vector.into())),
            Alias::new("newest_vector"),
        )
        .expr_as(
            SimpleExpr::SubQuery(None, Box::new(newest_entry.into())),
            Alias::new("newest_entry"),
        );
        let signature = Signature::find_by_statement(db.get_database_backend().build(&both))
            .one(db)
            .await?
            .unwrap_or(Signature {
                newest_vector: None,
                newest_entry: None,
            });
        let key = (tenant_id, model.to_owned());
        if let Some(cached) = self.lock().get(&key)
            && cached.signature == signature
        {
            return Ok(cached.rows.clone());
        }
        let stored = search_chunk::Entity::find()
            .select_only()
            .columns([
                search_chunk::Column::Id,
                search_chunk::Column::EntryId,
                search_chunk::Column::StaffOnly,
                search_chunk::Column::Vector,
            ])
            .filter(search_chunk::Column::TenantId.eq(tenant_id))
            .filter(search_chunk::Column::Model.eq(model))
            .into_model::<Stored>()
            .all(db)
            .await?;
        let rows: Vec<Row> = stored
            .into_iter()
            .filter_map(|s| {
                Some(Row {
                    chunk_id: s.id,
                    entry_id: s.entry_id,
                    staff_only: s.staff_only,
                    vector: super::from_bytes(&s.vector)?.into_boxed_slice(),
                })
            })
            .collect();
        let rows = Arc::new(rows);
        self.lock().insert(
            key,
            Arc::new(Tenant {
                signature,
                rows: rows.clone(),
            }),
        );
        Ok(rows)
    }

    /// Forgets every tenant's vectors (tests, benchmarks).
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Bytes held by the cached vectors (their rows, not the map's own overhead).
    pub fn bytes(&self) -> usize {
        self.lock()
            .values()
            .map(|t| t.rows.len() * (std::mem::size_of::<Row>() + super::DIMENSIONS * 4))
            .sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Uuid, String), Arc<Tenant>>> {
        self.tenants.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The passages of `rows` closest to `query`, best first, one per entry (its best), at least
/// `min_similarity` alike; staff-only passages only when `staff`.
pub fn nearest(
    rows: &[Row],
    query: &[f32],
    staff: bool,
    min_similarity: f32,
    limit: usize,
) -> Vec<Near> {
    let mut best: HashMap<Uuid, Near> = HashMap::new();
    for row in rows {
        if row.staff_only && !staff {
            continue;
        }
        let similarity = super::dot(&row.vector, query);
        if similarity < min_similarity {
            continue;
        }
        let near = Near {
            entry_id: row.entry_id,
            chunk_id: row.chunk_id,
            similarity,
        };
        best.entry(row.entry_id)
            .and_modify(|b| {
                if similarity > b.similarity {
                    *b = near;
                }
            })
            .or_insert(near);
    }
    let mut found: Vec<Near> = best.into_values().collect();
    found.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
    found.truncate(limit);
    found
}
