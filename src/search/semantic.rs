//! Search by meaning: each entry's text in passages (`search_chunk`), each with its sentence
//! embedding, computed by a job after the entry changed (never on the request path of a
//! write); a query's embedding compared with the tenant's vectors in memory
//! (`embeddings::VectorCache`), exact cosine. What a reader finds is limited as for words:
//! staff-only passages only with `internal_notes:read`, entries only within the row scopes.

use std::time::Duration;

use chrono::Utc;
use entity::{search_chunk, search_entry};
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Condition, Expr, ExprTrait as _, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Set};
use uuid::Uuid;

use super::index::EmbedJob;
use super::scope;
use crate::audit::RequestMeta;
use crate::auth::Principal;
use crate::db::Lock;
use crate::embeddings::{self, Embedder, cache::Near};
use crate::error::{AppError, Result};
use crate::jobs::{Attempt, Outcome};
use crate::state::AppState;
use crate::unit::Actor;

/// Words per passage: all-MiniLM-L6-v2 reads 256 tokens, about 180 English words; shorter
/// passages keep one topic each.
pub const CHUNK_WORDS: usize = 80;

/// Passages less alike than this are not hits (all-MiniLM-L6-v2 puts unrelated English texts
/// between about -0.1 and 0.25).
pub const MIN_SIMILARITY: f32 = 0.3;

/// Of the passages the reader may find, only those at least this share as alike as the best
/// one count as found by meaning: a passage that barely clears [`MIN_SIMILARITY`] and shares a
/// word with the query would otherwise outrank, through fusion, the passage that means it.
pub const RELATIVE_SIMILARITY: f32 = 0.75;

/// The passages of an entry: its public text's, then its staff-only text's.
pub fn passages(entry: &search_entry::Model) -> Vec<(bool, String)> {
    let public = embeddings::chunks(&entry.public_text, CHUNK_WORDS)
        .into_iter()
        .map(|c| (false, c));
    let staff = embeddings::chunks(&entry.staff_text, CHUNK_WORDS)
        .into_iter()
        .map(|c| (true, c));
    public.chain(staff).collect()
}

/// The embedding job's handler.
pub fn run_embed_job<'a>(
    state: &'a AppState,
    attempt: &'a Attempt,
) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(embed_entry(state, attempt))
}

async fn embed_entry(state: &AppState, attempt: &Attempt) -> Result<Outcome> {
    let job: EmbedJob = serde_json::from_str(&attempt.job.payload)
        .map_err(|err| AppError::internal(format!("malformed embedding job: {err}")))?;
    let Some(embedder) = &state.embedder else {
        return Ok(Outcome::Done);
    };
    let current = scope::entries(job.tenant_id)
        .filter(search_entry::Column::Id.eq(job.entry_id))
        .one(state.writer())
        .await?;
    let Some(entry) = current.filter(|e| e.digest == job.digest) else {
        // Gone, or changed since: a later job has the newer text.
        return Ok(Outcome::Done);
    };
    let passages = passages(&entry);
    let texts: Vec<String> = passages.iter().map(|(_, text)| text.clone()).collect();
    let vectors = match embedder.embed(texts).await {
        Ok(vectors) => vectors,
        Err(err) => {
            return Ok(Outcome::Retry {
                error: err.to_string(),
                delay: Duration::from_secs(30),
            });
        }
    };
    let meta = RequestMeta {
        request_id: Some(format!("embed-{}", job.entry_id)),
        ..RequestMeta::default()
    };
    let uow = state.unit_of_work(Actor::System, meta).await?;
    let locked = crate::db::lock_in_scope(
        uow.txn(),
        scope::entries(job.tenant_id),
        search_entry::Column::Id,
        job.entry_id,
        "search entry",
        Lock::Update,
    )
    .await;
    match locked {
        Ok(entry) if entry.digest == job.digest => {}
        Ok(_) | Err(AppError::NotFound(_)) => return Ok(Outcome::Done),
        Err(err) => return Err(err),
    }
    attempt.fence(uow.txn()).await?;
    search_chunk::Entity::delete_many()
        .filter(search_chunk::Column::TenantId.eq(job.tenant_id))
        .filter(search_chunk::Column::EntryId.eq(job.entry_id))
        .exec(uow.txn())
        .await?;
    let now = Utc::now();
    let rows: Vec<search_chunk::ActiveModel> = passages
        .into_iter()
        .zip(vectors)
        .enumerate()
        .map(
            |(position, ((staff_only, text), vector))| search_chunk::ActiveModel {
                id: Set(Uuid::now_v7()),
                tenant_id: Set(job.tenant_id),
                entry_id: Set(job.entry_id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                staff_only: Set(staff_only),
                text: Set(text),
                model: Set(embedder.name().to_owned()),
                vector: Set(embeddings::to_bytes(&vector)),
                created_at: Set(now),
            },
        )
        .collect();
    for batch in rows.chunks(100) {
        search_chunk::Entity::insert_many(batch.to_vec())
            .exec_without_returning(uow.txn())
            .await?;
    }
    uow.commit().await?;
    Ok(Outcome::Done)
}

/// The embedding of a query, or `None` (search is by words only) without a model or when it
/// failed (logged).
pub async fn query_vector(embedder: Option<&Embedder>, query: &str) -> Option<Vec<f32>> {
    let embedder = embedder?;
    let embedded = tokio::time::timeout(
        QUERY_EMBEDDING_TIMEOUT,
        embedder.embed(vec![query.to_owned()]),
    );
    match embedded.await {
        Ok(Ok(mut vectors)) => vectors.pop(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "search by meaning skipped");
            None
        }
        Err(_) => {
            tracing::warn!("search by meaning skipped: the query's embedding took too long");
            None
        }
    }
}

/// How long a search waits for its query's embedding before searching by words only.
const QUERY_EMBEDDING_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(FromQueryResult)]
struct Visible {
    id: Uuid,
    kind: String,
    entity_id: Uuid,
}

/// A passage found by meaning, with its entry's row.
#[derive(Debug, Clone)]
pub struct Found {
    pub near: Near,
    pub kind: String,
    pub entity_id: Uuid,
}

/// The `limit` entries whose passages are closest to `query`, among those `scope` admits.
pub async fn find(
    state: &AppState,
    p: &Principal,
    query: &[f32],
    scope: Condition,
    limit: usize,
) -> Result<Vec<Found>> {
    let Some(embedder) = &state.embedder else {
        return Ok(Vec::new());
    };
    let rows = state
        .vectors
        .rows(&state.db, p.tenant_id, embedder.name())
        .await?;
    let staff = super::fulltext::reads_staff_text(p);
    // A scan of the tenant's vectors is milliseconds of CPU: off the async workers. Scope is
    // applied after, so more than needed are taken.
    let query = query.to_vec();
    let near = tokio::task::spawn_blocking(move || {
        embeddings::cache::nearest(&rows, &query, staff, MIN_SIMILARITY, limit * 4)
    })
    .await
    .map_err(|err| AppError::internal(format!("vector scan: {err}")))?;
    if near.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = Query::select();
    select
        .columns([
            (search_entry::Entity, search_entry::Column::Id),
            (search_entry::Entity, search_entry::Column::Kind),
            (search_entry::Entity, search_entry::Column::EntityId),
        ])
        .from(search_entry::Entity)
        .cond_where(scope)
        .and_where(
            Expr::col((search_entry::Entity, search_entry::Column::Id))
                .is_in(near.iter().map(|n| n.entry_id)),
        );
    let backend = state.db.get_database_backend();
    let visible: std::collections::HashMap<Uuid, Visible> =
        Visible::find_by_statement(backend.build(&select))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
    let found: Vec<Found> = near
        .into_iter()
        .filter_map(|near| {
            let v = visible.get(&near.entry_id)?;
            Some(Found {
                near,
                kind: v.kind.clone(),
                entity_id: v.entity_id,
            })
        })
        .collect();
    let best = found.first().map_or(1.0, |f| f.near.similarity);
    Ok(found
        .into_iter()
        .take_while(|f| f.near.similarity >= best * RELATIVE_SIMILARITY)
        .take(limit)
        .collect())
}

/// The texts of passages, by id.
pub async fn passage_texts(
    db: &impl ConnectionTrait,
    tenant_id: Uuid,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(scope::chunks(tenant_id)
        .filter(search_chunk::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.text))
        .collect())
}
