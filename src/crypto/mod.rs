//! Envelope encryption of sensitive columns (DESIGN §11).
//!
//! A master key (KEK) from configuration wraps one data key (DEK) and one blind-index key per
//! tenant; the DEK encrypts values with AES-256-GCM under additional data that binds each
//! ciphertext to its tenant, table, column and row. Stored values read `v1:<kid>:<base64>`.

mod cipher;
mod keystore;

pub use cipher::{
    CryptoError, KEY_LEN, MasterKey, MasterKeyRing, TenantKeys, hex as hex_digest, random_bytes,
};
pub use keystore::{
    all_tenant_keys, create_tenant_keys, destroy_tenant_keys, load_tenant_keys, rewrap_tenant_keys,
    tenant_keys_are_current,
};
