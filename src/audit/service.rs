//! Appending to and verifying the per-tenant audit chain.

#![expect(
    clippy::disallowed_methods,
    reason = "the chain head and the verification walk are internal to one tenant's chain"
)]

use std::net::IpAddr;

use chrono::{DateTime, SubsecRound as _, Utc};
use entity::{audit_event, audit_head};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::auth::Principal;
use crate::crypto::hex_digest;
use crate::error::Result;

/// What replaces a sensitive value in `changes`.
pub const REDACTED: &str = "[REDACTED]";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a request came from; attached to every audit event it writes.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub ip: Option<IpAddr>,
}

/// One event to append: what happened to which entity, with the changed fields.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    action: &'static str,
    entity_type: &'static str,
    entity_id: Option<String>,
    changes: serde_json::Value,
    actor_override: Option<(Option<Uuid>, Option<String>)>,
}

impl AuditRecord {
    pub fn new(action: &'static str, entity_type: &'static str, entity_id: Option<Uuid>) -> Self {
        AuditRecord {
            action,
            entity_type,
            entity_id: entity_id.map(|id| id.to_string()),
            changes: json!({}),
            actor_override: None,
        }
    }

    /// The changed fields; callers put [`REDACTED`] in place of sensitive values.
    pub fn changes(mut self, changes: serde_json::Value) -> Self {
        self.changes = changes;
        self
    }

    /// Names the actor when there is no principal yet (sign-up, sign-in, invitation acceptance).
    pub fn actor(mut self, user_id: Option<Uuid>, role: Option<entity::Role>) -> Self {
        self.actor_override = Some((user_id, role.map(|r| r.as_str().to_owned())));
        self
    }

    /// Names an actor that is not a user (a workflow): its id and what it is.
    pub fn actor_label(mut self, id: Option<Uuid>, label: &str) -> Self {
        self.actor_override = Some((id, Some(label.to_owned())));
        self
    }
}

/// Canonical hash of an event: SHA-256 over a JSON array of every stored field but `hash`.
fn event_hash(e: &audit_event::Model) -> String {
    let canonical = json!([
        e.prev_hash,
        e.id,
        e.tenant_id,
        e.seq,
        e.actor_id,
        e.actor_role,
        e.action,
        e.entity_type,
        e.entity_id,
        e.changes,
        e.request_id,
        e.ip,
        e.created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    ]);
    hex_digest(Sha256::digest(canonical.to_string().as_bytes()).as_slice())
}

/// Appends an event to the tenant's chain inside the caller's transaction. The chain head row
/// is locked (`FOR UPDATE` on PostgreSQL; SQLite serialises writers) so the chain stays linear.
pub async fn record(
    txn: &impl ConnectionTrait,
    tenant_id: Uuid,
    principal: Option<&Principal>,
    meta: &RequestMeta,
    record: AuditRecord,
) -> Result<audit_event::Model> {
    audit_head::Entity::insert(audit_head::ActiveModel {
        tenant_id: Set(tenant_id),
        last_seq: Set(0),
        last_hash: Set(GENESIS.to_owned()),
    })
    .on_conflict_do_nothing_on([audit_head::Column::TenantId])
    .exec(txn)
    .await?;
    let head = audit_head::Entity::find_by_id(tenant_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| {
            crate::error::AppError::internal("audit head vanished inside its transaction")
        })?;

    let (actor_id, actor_role) = match (record.actor_override, principal) {
        (Some(actor), _) => actor,
        (None, Some(p)) => (Some(p.user_id), Some(p.role.as_str().to_owned())),
        (None, None) => (None, None),
    };
    let mut event = audit_event::Model {
        id: Uuid::now_v7(),
        tenant_id,
        seq: head.last_seq + 1,
        actor_id,
        actor_role,
        action: record.action.to_owned(),
        entity_type: record.entity_type.to_owned(),
        entity_id: record.entity_id,
        changes: record.changes.to_string(),
        request_id: meta.request_id.clone(),
        ip: meta.ip.map(|ip| ip.to_string()),
        created_at: now_micros(),
        prev_hash: head.last_hash.clone(),
        hash: String::new(),
    };
    event.hash = event_hash(&event);
    let inserted = audit_event::ActiveModel::from(event.clone())
        .insert(txn)
        .await?;
    let mut head: audit_head::ActiveModel = head.into();
    head.last_seq = Set(event.seq);
    head.last_hash = Set(event.hash);
    head.update(txn).await?;
    Ok(inserted)
}

/// Appends an event in a transaction of its own: for events that must persist even though the
/// request fails (denied access, failed sign-in).
pub async fn record_standalone(
    db: &DatabaseConnection,
    principal: &Principal,
    meta: RequestMeta,
    audit: AuditRecord,
) -> Result<()> {
    let txn = db.begin().await?;
    record(&txn, principal.tenant_id, Some(principal), &meta, audit).await?;
    txn.commit().await?;
    Ok(())
}

fn now_micros() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The result of walking a tenant's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditChainReport {
    pub valid: bool,
    pub checked_events: u64,
    pub first_broken_event_id: Option<Uuid>,
}

/// Recomputes every hash of the tenant's chain in order and reports the first broken link
/// (an altered event, a removed or reordered one, or a head that does not match the tip).
pub async fn verify_chain(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
) -> Result<AuditChainReport> {
    const PAGE: u64 = 500;
    let mut prev_hash = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    let mut checked = 0u64;
    let mut last_id = None;
    loop {
        let page = audit_event::Entity::find()
            .filter(audit_event::Column::TenantId.eq(tenant_id))
            .filter(audit_event::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_event::Column::Seq)
            .limit(PAGE)
            .all(conn)
            .await?;
        let done = (page.len() as u64) < PAGE;
        for event in page {
            checked += 1;
            if event.seq != expected_seq
                || event.prev_hash != prev_hash
                || event_hash(&event) != event.hash
            {
                return Ok(AuditChainReport {
                    valid: false,
                    checked_events: checked,
                    first_broken_event_id: Some(event.id),
                });
            }
            prev_hash = event.hash;
            expected_seq += 1;
            last_id = Some(event.id);
        }
        if done {
            break;
        }
    }
    let head = audit_head::Entity::find_by_id(tenant_id).one(conn).await?;
    let head_ok = match &head {
        Some(h) => h.last_seq == expected_seq - 1 && h.last_hash == prev_hash,
        None => checked == 0,
    };
    Ok(AuditChainReport {
        valid: head_ok,
        checked_events: checked,
        first_broken_event_id: if head_ok { None } else { last_id },
    })
}
