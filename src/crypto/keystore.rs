//! Storage of tenant keys: creation at sign-up, loading, re-wrapping under a new master key
//! (the rotation itself, with its audit, is `tenancy::keys`) and crypto-shredding.

#![expect(
    clippy::disallowed_methods,
    reason = "the key store serves every tenant by id (sign-in, rotation)"
)]

use chrono::Utc;
use entity::tenant_key;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use super::cipher::{CryptoError, KEY_LEN, MasterKeyRing, TenantKeys, random_bytes};
use crate::error::{AppError, Result};
use zeroize::Zeroizing;

const DEK: &str = "dek";
/// An unwrapped key, wiped when dropped.
type Key = Zeroizing<[u8; KEY_LEN]>;
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
    let (dek, index_key) = unwrap_keys(ring, &row)?;
    Ok(TenantKeys::new(tenant_id, dek, index_key))
}

/// A stored row's data and index keys, unwrapped.
fn unwrap_keys(ring: &MasterKeyRing, row: &tenant_key::Model) -> Result<(Key, Key)> {
    let dek = ring
        .unwrap_key(row.tenant_id, DEK, &row.wrapped_dek)
        .map_err(AppError::internal)?;
    let index_key = ring
        .unwrap_key(row.tenant_id, INDEX, &row.wrapped_index_key)
        .map_err(AppError::internal)?;
    Ok((dek, index_key))
}

/// Crypto-shredding: forgets the tenant's keys, leaving every value encrypted under them unreadable.
pub async fn destroy_tenant_keys(conn: &impl ConnectionTrait, tenant_id: Uuid) -> Result<bool> {
    let res = tenant_key::Entity::delete_by_id(tenant_id)
        .exec(conn)
        .await?;
    Ok(res.rows_affected > 0)
}

/// Whether a tenant's keys are both wrapped by the ring's current master key.
pub fn tenant_keys_are_current(ring: &MasterKeyRing, row: &tenant_key::Model) -> Result<bool> {
    let current = ring.current().id();
    let dek_kid = MasterKeyRing::wrapped_by(&row.wrapped_dek).map_err(AppError::internal)?;
    let idx_kid = MasterKeyRing::wrapped_by(&row.wrapped_index_key).map_err(AppError::internal)?;
    Ok(dek_kid == current && idx_kid == current)
}

/// Every tenant's stored keys (rotation goes through all of them).
pub async fn all_tenant_keys(db: &impl ConnectionTrait) -> Result<Vec<tenant_key::Model>> {
    Ok(tenant_key::Entity::find().all(db).await?)
}

/// Re-wraps one tenant's keys under the current master key, on `conn` (the caller's
/// transaction, which records the rotation beside it). Returns the id of the master key that
/// wrapped them before.
pub async fn rewrap_tenant_keys(
    conn: &impl ConnectionTrait,
    ring: &MasterKeyRing,
    row: tenant_key::Model,
) -> Result<String> {
    let tenant_id = row.tenant_id;
    let previous = row.kek_id.clone();
    let (dek, index_key) = unwrap_keys(ring, &row)?;
    let mut active: tenant_key::ActiveModel = row.into();
    active.kek_id = Set(ring.current().id().to_owned());
    active.wrapped_dek = Set(ring.wrap(tenant_id, DEK, &dek));
    active.wrapped_index_key = Set(ring.wrap(tenant_id, INDEX, &index_key));
    active.rotated_at = Set(Some(Utc::now()));
    active.update(conn).await?;
    Ok(previous)
}
