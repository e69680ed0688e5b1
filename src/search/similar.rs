//! Search's part in matching: the likeness of a tender's text to each consultant's portfolio
//! projects and résumés (`matching::similarity`), from the stored passage embeddings — the
//! best cosine between any passage of the tender and any of the consultant's, and where it
//! was found.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{portfolio_project, search_entry};
use futures_util::future::BoxFuture;
use sea_orm::{ColumnTrait, DatabaseTransaction, FromQueryResult, QueryFilter, QuerySelect as _};
use uuid::Uuid;

use super::{Kind, scope};
use crate::embeddings::VectorCache;
use crate::error::{AppError, Result};
use crate::matching::scoring::{Closest, PastWork};
use crate::matching::similarity::{PastWorkSource, Source};
use crate::state::AppState;

/// Past work measured with the state's model and vectors.
pub struct FromEmbeddings {
    model: String,
    vectors: Arc<VectorCache>,
}

/// The source for matching, when the state has an embedding model.
pub fn source(state: &AppState) -> Option<Source> {
    let embedder = state.embedder.as_ref()?;
    Some(Source(Arc::new(FromEmbeddings {
        model: embedder.name().to_owned(),
        vectors: state.vectors.clone(),
    })))
}

#[derive(FromQueryResult)]
struct Owner {
    id: Uuid,
    kind: String,
    entity_id: Uuid,
    consultant_id: Option<Uuid>,
}

#[derive(FromQueryResult)]
struct Project {
    id: Uuid,
    title: String,
    internal: bool,
}

impl PastWorkSource for FromEmbeddings {
    fn past_work<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant_id: Uuid,
        tender_id: Uuid,
        only: Option<&'a [Uuid]>,
    ) -> BoxFuture<'a, Result<Option<HashMap<Uuid, PastWork>>>> {
        Box::pin(async move {
            let Some(tender_entry) = scope::entries(tenant_id)
                .select_only()
                .column(search_entry::Column::Id)
                .filter(search_entry::Column::Kind.eq(Kind::Tender.as_str()))
                .filter(search_entry::Column::EntityId.eq(tender_id))
                .into_tuple::<Uuid>()
                .one(txn)
                .await?
            else {
                return Ok(None);
            };
            let rows = self.vectors.rows(txn, tenant_id, &self.model).await?;
            let tender: Vec<Vec<f32>> = rows
                .iter()
                .filter(|r| r.entry_id == tender_entry && !r.staff_only)
                .map(|r| r.vector.to_vec())
                .collect();
            if tender.is_empty() {
                return Ok(None);
            }
            let mut owners = scope::entries(tenant_id)
                .select_only()
                .columns([
                    search_entry::Column::Id,
                    search_entry::Column::Kind,
                    search_entry::Column::EntityId,
                    search_entry::Column::ConsultantId,
                ])
                .filter(
                    search_entry::Column::Kind
                        .is_in([Kind::Portfolio.as_str(), Kind::Resume.as_str()]),
                );
            if let Some(only) = only {
                owners =
                    owners.filter(search_entry::Column::ConsultantId.is_in(only.iter().copied()));
            }
            let owners: HashMap<Uuid, Owner> = owners
                .into_model::<Owner>()
                .all(txn)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect();
            // The scan is milliseconds of CPU over a large tenant: off the async workers.
            let (best, owners) = tokio::task::spawn_blocking(move || {
                let best = closest(&rows, &tender, &owners);
                (best, owners)
            })
            .await
            .map_err(|err| AppError::internal(format!("past work scan: {err}")))?;
            let project_ids: Vec<Uuid> = best
                .values()
                .filter_map(|(_, entry)| owners.get(entry))
                .filter(|o| o.kind == Kind::Portfolio.as_str())
                .map(|o| o.entity_id)
                .collect();
            let projects: HashMap<Uuid, Project> = if project_ids.is_empty() {
                HashMap::new()
            } else {
                scope::projects(tenant_id)
                    .select_only()
                    .columns([
                        portfolio_project::Column::Id,
                        portfolio_project::Column::Title,
                        portfolio_project::Column::Internal,
                    ])
                    .filter(portfolio_project::Column::Id.is_in(project_ids))
                    .into_model::<Project>()
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p))
                    .collect()
            };
            Ok(Some(
                best.into_iter()
                    .filter_map(|(consultant_id, (similarity, entry))| {
                        let owner = owners.get(&entry)?;
                        let closest = match projects.get(&owner.entity_id) {
                            Some(p) if p.internal => Closest::InternalProject,
                            Some(p) => Closest::Project(p.title.clone()),
                            None if owner.kind == Kind::Portfolio.as_str() => {
                                Closest::InternalProject
                            }
                            None => Closest::Resume,
                        };
                        Some((
                            consultant_id,
                            PastWork {
                                similarity: f64::from(similarity),
                                closest,
                            },
                        ))
                    })
                    .collect(),
            ))
        })
    }
}

/// The best passage of each consultant's past work against the tender's passages:
/// `consultant → (cosine, entry)`.
fn closest(
    rows: &[crate::embeddings::cache::Row],
    tender: &[Vec<f32>],
    owners: &HashMap<Uuid, Owner>,
) -> HashMap<Uuid, (f32, Uuid)> {
    let mut best: HashMap<Uuid, (f32, Uuid)> = HashMap::new();
    for row in rows {
        let Some(consultant_id) = owners.get(&row.entry_id).and_then(|o| o.consultant_id) else {
            continue;
        };
        let similarity = tender
            .iter()
            .map(|t| crate::embeddings::dot(t, &row.vector))
            .fold(f32::MIN, f32::max);
        best.entry(consultant_id)
            .and_modify(|b| {
                if similarity > b.0 {
                    *b = (similarity, row.entry_id);
                }
            })
            .or_insert((similarity, row.entry_id));
    }
    best
}
