//! Keeping the index up to date: search's reaction to the events of a unit of work (registered
//! in `schema::REACTIONS`), so an entry is written in the transaction that changed its row and
//! a rolled-back write leaves the index as it was. Each entry holds the row's text in two parts
//! (see `search_entry`): what every reader of the row may read, and what only readers of
//! internal notes may. Contact data is never indexed (it is encrypted at rest); a résumé's text
//! is indexed without its e-mail addresses, phone numbers and links. A changed entry queues the
//! job that embeds it (`semantic`).

use std::collections::HashMap;

use chrono::Utc;
use entity::{search_entry, skill};
use futures_util::future::BoxFuture;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Kind;
use super::scope;
use crate::documents::extract::ReadTexts;
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::jobs::NewJob;
use crate::unit::UnitOfWork;

/// The most characters of one entry's text that are indexed.
const MAX_TEXT_CHARS: usize = 100_000;

/// The job that embeds an entry's text.
pub const EMBED_KIND: &str = "search.embed";

/// What the embedding job is given.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedJob {
    pub tenant_id: Uuid,
    pub entry_id: Uuid,
    /// The text's digest when the job was queued: a job for older text does nothing.
    pub digest: String,
}

/// Search's [`crate::unit::Reaction`].
pub fn react<'a>(
    uow: &'a UnitOfWork,
    tenant_id: Uuid,
    event: &'a DomainEvent,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let _written = match event {
            DomainEvent::ConsultantCreated { consultant_id }
            | DomainEvent::ConsultantUpdated { consultant_id } => {
                consultant(uow, tenant_id, *consultant_id).await
            }
            DomainEvent::TenderCreated { tender }
            | DomainEvent::TenderUpdated { tender }
            | DomainEvent::TenderPublished { tender }
            | DomainEvent::TenderStatusChanged { tender, .. } => {
                self::tender(uow, tenant_id, tender.id).await
            }
            DomainEvent::TenderDeleted { tender } => {
                remove(uow, tenant_id, Kind::Tender, tender.id).await
            }
            DomainEvent::ResumeProcessed {
                resume_id,
                consultant_id,
            } => resume(uow, tenant_id, *resume_id, *consultant_id).await,
            DomainEvent::ResumeDeleted { resume_id, .. } => {
                remove(uow, tenant_id, Kind::Resume, *resume_id).await
            }
            DomainEvent::PortfolioProjectChanged { project_id, .. } => {
                project(uow, tenant_id, *project_id).await
            }
            DomainEvent::PortfolioProjectDeleted { project_id, .. } => {
                remove(uow, tenant_id, Kind::Portfolio, *project_id).await
            }
            _ => Ok(false),
        }?;
        Ok(())
    })
}

/// Skill names by id, for the skills of one row.
async fn skill_names(
    uow: &UnitOfWork,
    tenant_id: Uuid,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(scope::skills(tenant_id)
        .filter(skill::Column::Id.is_in(ids))
        .all(uow.txn())
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// Lines joined, the empty ones left out.
fn lines<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn consultant(uow: &UnitOfWork, tenant_id: Uuid, id: Uuid) -> Result<bool> {
    use entity::{consultant, consultant_skill};
    let Some(c) = scope::consultants(tenant_id)
        .filter(consultant::Column::Id.eq(id))
        .one(uow.txn())
        .await?
    else {
        return remove(uow, tenant_id, Kind::Consultant, id).await;
    };
    let skills = scope::consultant_skills(tenant_id)
        .filter(consultant_skill::Column::ConsultantId.eq(id))
        .all(uow.txn())
        .await?;
    let names = skill_names(uow, tenant_id, skills.iter().map(|s| s.skill_id)).await?;
    let mut skill_line: Vec<&str> = skills
        .iter()
        .filter_map(|s| names.get(&s.skill_id).map(String::as_str))
        .collect();
    skill_line.sort_unstable();
    let name = format!("{} {}", c.first_name, c.last_name);
    let skill_line = skill_line.join(", ");
    let public = lines([
        Some(name.as_str()),
        Some(c.title.as_str()),
        Some(skill_line.as_str()),
        c.location.as_deref(),
        c.bio.as_deref(),
    ]);
    let staff = lines([c.internal_notes.as_deref()]);
    put(
        uow,
        tenant_id,
        Kind::Consultant,
        id,
        Some(id),
        &public,
        &staff,
    )
    .await
}

async fn tender(uow: &UnitOfWork, tenant_id: Uuid, id: Uuid) -> Result<bool> {
    use entity::{company, tender, tender_skill};
    let Some(t) = scope::tenders(tenant_id)
        .filter(tender::Column::Id.eq(id))
        .one(uow.txn())
        .await?
    else {
        return remove(uow, tenant_id, Kind::Tender, id).await;
    };
    let company = scope::companies(tenant_id)
        .filter(company::Column::Id.eq(t.company_id))
        .one(uow.txn())
        .await?
        .map(|c| c.name);
    let skills = scope::tender_skills(tenant_id)
        .filter(tender_skill::Column::TenderId.eq(id))
        .all(uow.txn())
        .await?;
    let names = skill_names(uow, tenant_id, skills.iter().map(|s| s.skill_id)).await?;
    let mut skill_line: Vec<&str> = skills
        .iter()
        .filter_map(|s| names.get(&s.skill_id).map(String::as_str))
        .collect();
    skill_line.sort_unstable();
    let skill_line = skill_line.join(", ");
    let public = lines([
        Some(t.title.as_str()),
        company.as_deref(),
        Some(skill_line.as_str()),
        t.location.as_deref(),
        t.description.as_deref(),
    ]);
    put(uow, tenant_id, Kind::Tender, id, None, &public, "").await
}

async fn resume(uow: &UnitOfWork, tenant_id: Uuid, id: Uuid, consultant_id: Uuid) -> Result<bool> {
    // The text is in hand only in the unit that read it (it is stored encrypted).
    let Some(text) = uow.with_local::<ReadTexts, _>(|texts| texts.0.remove(&id)) else {
        return Ok(false);
    };
    put(
        uow,
        tenant_id,
        Kind::Resume,
        id,
        Some(consultant_id),
        &text,
        "",
    )
    .await
}

async fn project(uow: &UnitOfWork, tenant_id: Uuid, id: Uuid) -> Result<bool> {
    use entity::{company, portfolio_project, portfolio_project_skill};
    let Some(p) = scope::projects(tenant_id)
        .filter(portfolio_project::Column::Id.eq(id))
        .one(uow.txn())
        .await?
    else {
        return remove(uow, tenant_id, Kind::Portfolio, id).await;
    };
    let company = match p.company_id {
        Some(company_id) => scope::companies(tenant_id)
            .filter(company::Column::Id.eq(company_id))
            .one(uow.txn())
            .await?
            .map(|c| c.name),
        None => None,
    };
    let skills = scope::project_skills(tenant_id)
        .filter(portfolio_project_skill::Column::ProjectId.eq(id))
        .order_by_asc(portfolio_project_skill::Column::Position)
        .all(uow.txn())
        .await?;
    let names = skill_names(uow, tenant_id, skills.iter().map(|s| s.skill_id)).await?;
    let skill_line: Vec<&str> = skills
        .iter()
        .filter_map(|s| names.get(&s.skill_id).map(String::as_str))
        .collect();
    let skill_line = skill_line.join(", ");
    let public = lines([
        Some(p.title.as_str()),
        p.client_name.as_deref(),
        Some(skill_line.as_str()),
        p.description.as_deref(),
    ]);
    // A client company's name is for those who may see that company: the agency.
    let staff = lines([company.as_deref()]);
    put(
        uow,
        tenant_id,
        Kind::Portfolio,
        id,
        Some(p.consultant_id),
        &public,
        &staff,
    )
    .await
}

/// Text as indexed: bounded, without the characters snippets mark matches with.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(*c, super::MARK_START | super::MARK_END | '\0'))
        .take(MAX_TEXT_CHARS)
        .collect()
}

fn digest(public: &str, staff: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(public.as_bytes());
    hash.update([0]);
    hash.update(staff.as_bytes());
    crate::crypto::hex_digest(&hash.finalize())
}

/// Writes the entry of `(kind, entity_id)` in `uow` unless its text is unchanged, and queues
/// its embedding; whether it wrote.
async fn put(
    uow: &UnitOfWork,
    tenant_id: Uuid,
    kind: Kind,
    entity_id: Uuid,
    consultant_id: Option<Uuid>,
    public: &str,
    staff: &str,
) -> Result<bool> {
    let (public, staff) = (clean(public), clean(staff));
    let digest = digest(&public, &staff);
    let current = scope::entries(tenant_id)
        .filter(search_entry::Column::Kind.eq(kind.as_str()))
        .filter(search_entry::Column::EntityId.eq(entity_id))
        .one(uow.txn())
        .await?;
    let now = Utc::now();
    let entry_id = match current {
        Some(current) if current.digest == digest => return Ok(false),
        Some(current) => {
            let id = current.id;
            // The old text's passages go with it: until the new ones are embedded, the entry is
            // found by its words only, never by text it no longer has.
            entity::search_chunk::Entity::delete_many()
                .filter(entity::search_chunk::Column::TenantId.eq(tenant_id))
                .filter(entity::search_chunk::Column::EntryId.eq(id))
                .exec(uow.txn())
                .await?;
            let mut model = current.into_active_model();
            model.public_text = Set(public);
            model.staff_text = Set(staff);
            model.digest = Set(digest.clone());
            model.consultant_id = Set(consultant_id);
            model.updated_at = Set(now);
            model.update(uow.txn()).await?;
            id
        }
        None => {
            let id = Uuid::now_v7();
            search_entry::ActiveModel {
                id: Set(id),
                tenant_id: Set(tenant_id),
                kind: Set(kind.as_str().to_owned()),
                entity_id: Set(entity_id),
                consultant_id: Set(consultant_id),
                doc_id: Set(doc_id()),
                public_text: Set(public),
                staff_text: Set(staff),
                digest: Set(digest.clone()),
                updated_at: Set(now),
            }
            .insert(uow.txn())
            .await?;
            id
        }
    };
    queue_embedding(uow, tenant_id, entry_id, digest).await?;
    Ok(true)
}

/// Queues the job that embeds entry `entry_id` as of `digest`.
async fn queue_embedding(
    uow: &UnitOfWork,
    tenant_id: Uuid,
    entry_id: Uuid,
    digest: String,
) -> Result<()> {
    let job = EmbedJob {
        tenant_id,
        entry_id,
        digest,
    };
    uow.enqueue(
        NewJob::new(EMBED_KIND, &job)?
            .tenant(tenant_id)
            .max_attempts(5),
    )
    .await?;
    Ok(())
}

/// A random positive row number for SQLite's full-text table (unique: `uq_search_entry_doc`).
fn doc_id() -> i64 {
    i64::from_le_bytes(crate::crypto::random_bytes::<8>()) & i64::MAX
}

/// Removes the entry of `(kind, entity_id)` and its chunks; whether there was one.
async fn remove(uow: &UnitOfWork, tenant_id: Uuid, kind: Kind, entity_id: Uuid) -> Result<bool> {
    let ids: Vec<Uuid> = scope::entries(tenant_id)
        .filter(search_entry::Column::Kind.eq(kind.as_str()))
        .filter(search_entry::Column::EntityId.eq(entity_id))
        .all(uow.txn())
        .await?
        .into_iter()
        .map(|e| e.id)
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    entity::search_chunk::Entity::delete_many()
        .filter(entity::search_chunk::Column::TenantId.eq(tenant_id))
        .filter(entity::search_chunk::Column::EntryId.is_in(ids.clone()))
        .exec(uow.txn())
        .await?;
    search_entry::Entity::delete_many()
        .filter(search_entry::Column::TenantId.eq(tenant_id))
        .filter(search_entry::Column::Id.is_in(ids))
        .exec(uow.txn())
        .await?;
    Ok(true)
}

/// Rows re-indexed per unit of work.
const REINDEX_BATCH: usize = 200;

/// Re-indexes every organisation ([`reindex`]); returns how many entries were written.
pub async fn reindex_all(state: &crate::state::AppState) -> Result<usize> {
    let tenants = scope::tenant_ids().all(state.writer()).await?;
    let mut written = 0;
    for tenant_id in tenants {
        written += reindex(state, tenant_id).await?;
    }
    Ok(written)
}

/// Queues the embedding of `tenant_id`'s entries that have no passages (written while no model
/// was configured, or whose jobs died).
async fn embed_missing(state: &crate::state::AppState, tenant_id: Uuid) -> Result<()> {
    use entity::search_chunk;
    use sea_orm::QuerySelect as _;
    use sea_orm::sea_query::Query;
    let embedded = Query::select()
        .distinct()
        .column(search_chunk::Column::EntryId)
        .from(search_chunk::Entity)
        .and_where(search_chunk::Column::TenantId.eq(tenant_id))
        .to_owned();
    let missing: Vec<(Uuid, String)> = scope::entries(tenant_id)
        .select_only()
        .columns([search_entry::Column::Id, search_entry::Column::Digest])
        .filter(search_entry::Column::Id.not_in_subquery(embedded))
        .into_tuple()
        .all(state.writer())
        .await?;
    for batch in missing.chunks(REINDEX_BATCH) {
        let uow = state
            .unit_of_work(
                crate::unit::Actor::System,
                crate::audit::RequestMeta::default(),
            )
            .await?;
        for (entry_id, digest) in batch {
            queue_embedding(&uow, tenant_id, *entry_id, digest.clone()).await?;
        }
        uow.commit().await?;
    }
    if !missing.is_empty() {
        tracing::info!(tenant = %tenant_id, entries = missing.len(), "embedding queued for entries without vectors");
    }
    Ok(())
}

/// Re-indexes every consultant, tender and portfolio project of `tenant_id`, and the text of
/// its résumés read so far (decrypted with the tenant's key, contact data removed): for rows
/// written before the index existed, or to repair it. Unchanged entries are left alone; each
/// batch is one unit of work; changed entries, and with a model any entry without vectors
/// (written while there was none), are embedded by jobs. Returns how many entries were
/// written.
pub async fn reindex(state: &crate::state::AppState, tenant_id: Uuid) -> Result<usize> {
    use entity::{ResumeStatus, consultant, portfolio_project, resume, tender};
    use sea_orm::QuerySelect as _;
    let db = state.writer();
    // First, so that the entries written below (which queue their own) are not queued twice.
    if state.embedder.is_some() {
        embed_missing(state, tenant_id).await?;
    }
    let mut written = 0;
    let unit = || async {
        state
            .unit_of_work(
                crate::unit::Actor::System,
                crate::audit::RequestMeta {
                    request_id: Some(format!("reindex-{tenant_id}")),
                    ..crate::audit::RequestMeta::default()
                },
            )
            .await
    };
    for kind in [Kind::Consultant, Kind::Tender, Kind::Portfolio] {
        let ids: Vec<Uuid> = match kind {
            Kind::Consultant => {
                let ids = scope::consultants(tenant_id).select_only();
                ids.column(consultant::Column::Id)
                    .into_tuple()
                    .all(db)
                    .await?
            }
            Kind::Tender => {
                let ids = scope::tenders(tenant_id).select_only();
                ids.column(tender::Column::Id).into_tuple().all(db).await?
            }
            Kind::Portfolio => {
                let ids = scope::projects(tenant_id).select_only();
                ids.column(portfolio_project::Column::Id)
                    .into_tuple()
                    .all(db)
                    .await?
            }
            Kind::Resume => Vec::new(),
        };
        for batch in ids.chunks(REINDEX_BATCH) {
            let uow = unit().await?;
            for id in batch {
                let changed = match kind {
                    Kind::Consultant => consultant(&uow, tenant_id, *id).await?,
                    Kind::Tender => self::tender(&uow, tenant_id, *id).await?,
                    Kind::Portfolio => project(&uow, tenant_id, *id).await?,
                    // Read below, from their decrypted text.
                    Kind::Resume => false,
                };
                written += usize::from(changed);
            }
            uow.commit().await?;
        }
    }
    let read = crate::documents::scope::resumes_of_tenant(tenant_id)
        .filter(resume::Column::Status.eq(ResumeStatus::Done))
        .all(db)
        .await?;
    if !read.is_empty() {
        let keys =
            crate::crypto::load_tenant_keys(db, &state.config.master_keys, tenant_id).await?;
        for batch in read.chunks(REINDEX_BATCH) {
            let uow = unit().await?;
            for r in batch {
                let Some(sealed) = &r.text else { continue };
                let text: String = keys
                    .decrypt("resume", "text", r.id, sealed)
                    .map_err(|err| AppError::internal(format!("résumé text: {err}")))?;
                let text = crate::documents::analysis::without_contacts(&text);
                let put = put(
                    &uow,
                    tenant_id,
                    Kind::Resume,
                    r.id,
                    Some(r.consultant_id),
                    &text,
                    "",
                );
                written += usize::from(put.await?);
            }
            uow.commit().await?;
        }
    }
    Ok(written)
}
