//! Master-key rotation over every organisation: each tenant's keys re-wrapped under the current
//! master key (`crypto`), with the organisation's audit event in the same transaction.

use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditRecord, RequestMeta};
use crate::crypto::{self, MasterKeyRing};
use crate::error::Result;
use crate::state::AppState;
use crate::unit::Actor;

/// What `rotate-encryption-key` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RotationReport {
    /// Tenants whose keys were re-wrapped under the current master key.
    pub rewrapped: Vec<Uuid>,
    /// Tenants already under the current master key.
    pub already_current: usize,
}

/// Re-wraps every tenant key not yet under the current master key. Each tenant is re-wrapped
/// in a unit of work of its own (the server acting), together with its audit event, so an
/// interrupted rotation can simply be run again.
pub async fn rotate_master_key(state: &AppState, ring: &MasterKeyRing) -> Result<RotationReport> {
    let db = state.writer();
    let current = ring.current().id().to_owned();
    let mut report = RotationReport::default();
    for row in crypto::all_tenant_keys(db).await? {
        if crypto::tenant_keys_are_current(ring, &row)? {
            report.already_current += 1;
            continue;
        }
        let tenant_id = row.tenant_id;
        let uow = state
            .unit_of_work(Actor::System, RequestMeta::default())
            .await?;
        let previous = crypto::rewrap_tenant_keys(uow.txn(), ring, row).await?;
        uow.audit_for(
            tenant_id,
            AuditRecord::new("encryption_key.rotated", "tenant", Some(tenant_id))
                .changes(json!({ "masterKeyId": { "from": previous, "to": current } })),
        )
        .await?;
        uow.commit().await?;
        report.rewrapped.push(tenant_id);
    }
    Ok(report)
}
