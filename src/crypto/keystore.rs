//! Storage of tenant keys: creation at sign-up, loading, master-key rotation and crypto-shredding.

#![expect(
    clippy::disallowed_methods,
    reason = "the key store serves every tenant by id (sign-in, rotation)"
)]

use chrono::Utc;
use entity::tenant_key;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::cipher::{CryptoError, KEY_LEN, MasterKeyRing, TenantKeys, random_bytes};
use crate::audit::{self, AuditRecord, RequestMeta};
use crate::error::{AppError, Result};
use zeroize::Zeroizing;

const DEK: &str = "dek";
const INDEX: &str = "index";

/// Creates and stores a tenant's fresh data and index keys, wrapped by the current master key.
pub async fn create_tenant_keys(
    conn: &impl ConnectionTrait,
    ring: &MasterKeyRing,
    tenant_id: Uuid,
) -> Result<TenantKeys> {
    let dek = Zeroizing::new(random_bytes::<KEY_LEN>());
    let index_key = Zeroizing::new(random_bytes::<KEY_LEN>());
    tenant_key::ActiveModel {
        tenant_id: Set(tenant_id),
        kek_id: Set(ring.current().id().to_owned()),
        wrapped_dek: Set(ring.wrap(tenant_id, DEK, &dek)),
        wrapped_index_key: Set(ring.wrap(tenant_id, INDEX, &index_key)),
        created_at: Set(Utc::now()),
        rotated_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(TenantKeys::new(tenant_id, dek, index_key))
}

/// Loads and unwraps a tenant's keys; a destroyed key is an internal error for the caller.
pub async fn load_tenant_keys(
    conn: &impl ConnectionTrait,
    ring: &MasterKeyRing,
    tenant_id: Uuid,
) -> Result<TenantKeys> {
    let row = tenant_key::Entity::find_by_id(tenant_id)
        .one(conn)
        .await?
        .ok_or(AppError::internal(CryptoError::KeyDestroyed))?;
    let dek = ring
        .unwrap_key(tenant_id, DEK, &row.wrapped_dek)
        .map_err(AppError::internal)?;
    let index_key = ring
        .unwrap_key(tenant_id, INDEX, &row.wrapped_index_key)
        .map_err(AppError::internal)?;
    Ok(TenantKeys::new(tenant_id, dek, index_key))
}

/// Crypto-shredding: forgets the tenant's keys, leaving every value encrypted under them unreadable.
pub async fn destroy_tenant_keys(conn: &impl ConnectionTrait, tenant_id: Uuid) -> Result<bool> {
    let res = tenant_key::Entity::delete_by_id(tenant_id)
        .exec(conn)
        .await?;
    Ok(res.rows_affected > 0)
}

/// What `rotate-encryption-key` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RotationReport {
    /// Tenants whose keys were re-wrapped under the current master key.
    pub rewrapped: Vec<Uuid>,
    /// Tenants already under the current master key.
    pub already_current: usize,
}

/// Re-wraps every tenant key not yet under the current master key. Each tenant is re-wrapped
/// in a transaction of its own, together with its audit event, so an interrupted rotation can
/// simply be run again.
pub async fn rotate_master_key(
    db: &DatabaseConnection,
    ring: &MasterKeyRing,
) -> Result<RotationReport> {
    let current = ring.current().id().to_owned();
    let mut report = RotationReport::default();
    for row in tenant_key::Entity::find().all(db).await? {
        let dek_kid = MasterKeyRing::wrapped_by(&row.wrapped_dek).map_err(AppError::internal)?;
        let idx_kid =
            MasterKeyRing::wrapped_by(&row.wrapped_index_key).map_err(AppError::internal)?;
        if dek_kid == current && idx_kid == current {
            report.already_current += 1;
            continue;
        }
        let tenant_id = row.tenant_id;
        let previous = row.kek_id.clone();
        let dek = ring
            .unwrap_key(tenant_id, DEK, &row.wrapped_dek)
            .map_err(AppError::internal)?;
        let index_key = ring
            .unwrap_key(tenant_id, INDEX, &row.wrapped_index_key)
            .map_err(AppError::internal)?;
        let txn = db.begin().await?;
        let mut active: tenant_key::ActiveModel = row.into();
        active.kek_id = Set(current.clone());
        active.wrapped_dek = Set(ring.wrap(tenant_id, DEK, &dek));
        active.wrapped_index_key = Set(ring.wrap(tenant_id, INDEX, &index_key));
        active.rotated_at = Set(Some(Utc::now()));
        active.update(&txn).await?;
        audit::record(
            &txn,
            tenant_id,
            None,
            &RequestMeta::default(),
            AuditRecord::new("encryption_key.rotated", "tenant", Some(tenant_id))
                .changes(json!({ "masterKeyId": { "from": previous, "to": current } })),
        )
        .await?;
        txn.commit().await?;
        report.rewrapped.push(tenant_id);
    }
    Ok(report)
}
