//! AES-256-GCM sealing in the `v1:<kid>:<base64(nonce || ciphertext)>` format, master keys,
//! tenant keys and the HMAC blind index.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroizing;

/// Length of every symmetric key, in bytes (AES-256, HMAC-SHA256).
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const FORMAT: &str = "v1";
/// Key id written in field values sealed by a tenant's data key.
const DEK_KID: &str = "d1";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("value is not in the `v1:<kid>:<base64>` format")]
    Malformed,
    #[error("no key `{0}` is configured")]
    UnknownKey(String),
    #[error("value failed authentication (tampered, or bound to another row or tenant)")]
    Authentication,
    #[error("the tenant's data key has been destroyed")]
    KeyDestroyed,
}

/// Fills an array from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS RNG failing is an unrecoverable environment fault, not something a request causes.
    getrandom::fill(&mut buf).expect("the operating system's random number generator failed");
    buf
}

fn seal(key: &[u8; KEY_LEN], kid: &str, aad: &[u8], plaintext: &[u8]) -> String {
    format!(
        "{FORMAT}:{kid}:{}",
        B64.encode(seal_raw(key, aad, plaintext))
    )
}

/// `nonce || ciphertext` of `plaintext` under `key` and `aad`.
fn seal_raw(key: &[u8; KEY_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(&(*key).into());
    let nonce_bytes: [u8; NONCE_LEN] = random_bytes();
    let nonce = Nonce::from(nonce_bytes);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("AES-GCM encryption of an in-memory buffer cannot fail");
    let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(&ciphertext);
    out
}

/// Splits a sealed value into its key id and raw bytes.
fn parse(value: &str) -> Result<(&str, Vec<u8>), CryptoError> {
    let mut parts = value.splitn(3, ':');
    let (Some(FORMAT), Some(kid), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(CryptoError::Malformed);
    };
    let bytes = B64.decode(body).map_err(|_| CryptoError::Malformed)?;
    if bytes.len() < NONCE_LEN + 16 {
        return Err(CryptoError::Malformed);
    }
    Ok((kid, bytes))
}

fn open(key: &[u8; KEY_LEN], aad: &[u8], bytes: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let cipher = Aes256Gcm::new(&(*key).into());
    let (nonce, ciphertext) = bytes
        .split_at_checked(NONCE_LEN)
        .ok_or(CryptoError::Malformed)?;
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
    cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| CryptoError::Authentication)
}

/// A master key (KEK) with its id.
pub struct MasterKey {
    id: String,
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl MasterKey {
    pub fn new(id: String, key: [u8; KEY_LEN]) -> Self {
        MasterKey {
            id,
            key: Zeroizing::new(key),
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The configured master keys; the first is current, the others only unwrap.
pub struct MasterKeyRing {
    keys: Vec<MasterKey>,
}

impl std::fmt::Debug for MasterKeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MasterKeyRing")
            .field("ids", &self.ids())
            .finish_non_exhaustive()
    }
}

impl MasterKeyRing {
    /// `None` when no key is given.
    pub fn new(keys: Vec<MasterKey>) -> Option<Self> {
        (!keys.is_empty()).then_some(MasterKeyRing { keys })
    }

    pub fn current(&self) -> &MasterKey {
        &self.keys[0]
    }

    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(|k| k.id.as_str()).collect()
    }

    fn get(&self, kid: &str) -> Result<&MasterKey, CryptoError> {
        self.keys
            .iter()
            .find(|k| k.id == kid)
            .ok_or_else(|| CryptoError::UnknownKey(kid.to_owned()))
    }

    /// Wraps a tenant key under the current master key.
    pub(super) fn wrap(&self, tenant_id: Uuid, purpose: &str, key: &[u8; KEY_LEN]) -> String {
        let kek = self.current();
        seal(
            &kek.key,
            &kek.id,
            wrap_aad(tenant_id, purpose).as_bytes(),
            key,
        )
    }

    /// Unwraps a tenant key with whichever configured master key wrapped it.
    pub(super) fn unwrap_key(
        &self,
        tenant_id: Uuid,
        purpose: &str,
        wrapped: &str,
    ) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
        let (kid, bytes) = parse(wrapped)?;
        let kek = self.get(kid)?;
        let plain = Zeroizing::new(open(
            &kek.key,
            wrap_aad(tenant_id, purpose).as_bytes(),
            &bytes,
        )?);
        let key: [u8; KEY_LEN] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Malformed)?;
        Ok(Zeroizing::new(key))
    }

    /// The id of the master key that wrapped `wrapped`.
    pub(super) fn wrapped_by(wrapped: &str) -> Result<&str, CryptoError> {
        parse(wrapped).map(|(kid, _)| kid)
    }
}

fn wrap_aad(tenant_id: Uuid, purpose: &str) -> String {
    format!("talentgraph/key/v1|{tenant_id}|{purpose}")
}

fn field_aad(tenant_id: Uuid, table: &str, column: &str, row_id: Uuid) -> String {
    format!("talentgraph/field/v1|{tenant_id}|{table}|{column}|{row_id}")
}

/// A tenant's unwrapped keys, for the duration of one operation.
pub struct TenantKeys {
    tenant_id: Uuid,
    dek: Zeroizing<[u8; KEY_LEN]>,
    index_key: Zeroizing<[u8; KEY_LEN]>,
}

impl TenantKeys {
    pub(super) fn new(
        tenant_id: Uuid,
        dek: Zeroizing<[u8; KEY_LEN]>,
        index_key: Zeroizing<[u8; KEY_LEN]>,
    ) -> Self {
        TenantKeys {
            tenant_id,
            dek,
            index_key,
        }
    }

    pub fn tenant_id(&self) -> Uuid {
        self.tenant_id
    }

    /// Encrypts a column value bound to (tenant, table, column, row).
    pub fn encrypt(&self, table: &str, column: &str, row_id: Uuid, plaintext: &str) -> String {
        let aad = field_aad(self.tenant_id, table, column, row_id);
        seal(&self.dek, DEK_KID, aad.as_bytes(), plaintext.as_bytes())
    }

    /// Decrypts a column value; fails when it was tampered with or copied from another row,
    /// column or tenant.
    pub fn decrypt(
        &self,
        table: &str,
        column: &str,
        row_id: Uuid,
        value: &str,
    ) -> Result<String, CryptoError> {
        let (kid, bytes) = parse(value)?;
        if kid != DEK_KID {
            return Err(CryptoError::UnknownKey(kid.to_owned()));
        }
        let aad = field_aad(self.tenant_id, table, column, row_id);
        let plain = open(&self.dek, aad.as_bytes(), &bytes)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Malformed)
    }

    /// Seals bytes (a file) with the data key, bound to `aad`: `nonce || ciphertext`.
    pub fn seal_bytes(&self, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        seal_raw(&self.dek, aad, plaintext)
    }

    /// Opens what [`TenantKeys::seal_bytes`] sealed under the same `aad`; fails when it was
    /// altered or sealed for another object or tenant.
    pub fn open_bytes(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open(&self.dek, aad, sealed)
    }

    /// Deterministic HMAC-SHA256 of a normalised value, hex, for equality look-ups of encrypted
    /// columns. `purpose` separates indexes (e.g. `user.email`).
    pub fn blind_index(&self, purpose: &str, normalized: &str) -> String {
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(self.index_key.as_slice())
            .expect("HMAC accepts keys of any length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(normalized.as_bytes());
        hex(&mac.finalize().into_bytes())
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(tenant: Uuid, seed: u8) -> TenantKeys {
        TenantKeys::new(
            tenant,
            Zeroizing::new([seed; 32]),
            Zeroizing::new([seed ^ 0xff; 32]),
        )
    }

    #[test]
    fn round_trip_and_format() {
        let t = Uuid::now_v7();
        let row = Uuid::now_v7();
        let k = keys(t, 7);
        let sealed = k.encrypt("app_user", "email", row, "ada@example.com");
        assert!(sealed.starts_with("v1:d1:"), "{sealed}");
        assert_eq!(
            k.decrypt("app_user", "email", row, &sealed).as_deref(),
            Ok("ada@example.com")
        );
        // Random nonce: the same value never encrypts the same way twice.
        assert_ne!(
            sealed,
            k.encrypt("app_user", "email", row, "ada@example.com")
        );
    }

    #[test]
    fn tampered_ciphertext_is_refused() {
        let t = Uuid::now_v7();
        let row = Uuid::now_v7();
        let k = keys(t, 1);
        let sealed = k.encrypt("app_user", "email", row, "secret");
        let (prefix, body) = sealed.rsplit_once(':').expect("format");
        let mut raw = B64.decode(body).expect("base64");
        let last = raw.len() - 1;
        raw[last] ^= 1;
        let tampered = format!("{prefix}:{}", B64.encode(raw));
        assert_eq!(
            k.decrypt("app_user", "email", row, &tampered),
            Err(CryptoError::Authentication)
        );
        assert_eq!(
            k.decrypt("app_user", "email", row, "garbage"),
            Err(CryptoError::Malformed)
        );
    }

    #[test]
    fn value_bound_to_row_column_and_tenant() {
        let t = Uuid::now_v7();
        let row = Uuid::now_v7();
        let k = keys(t, 1);
        let sealed = k.encrypt("app_user", "email", row, "secret");
        assert_eq!(
            k.decrypt("app_user", "email", Uuid::now_v7(), &sealed),
            Err(CryptoError::Authentication)
        );
        assert_eq!(
            k.decrypt("app_user", "phone", row, &sealed),
            Err(CryptoError::Authentication)
        );
        let other_tenant_same_key = keys(Uuid::now_v7(), 1);
        assert_eq!(
            other_tenant_same_key.decrypt("app_user", "email", row, &sealed),
            Err(CryptoError::Authentication)
        );
    }

    #[test]
    fn blind_index_is_deterministic_and_keyed() {
        let t = Uuid::now_v7();
        let a = keys(t, 1);
        let b = keys(t, 2);
        assert_eq!(
            a.blind_index("user.email", "x@y.z"),
            a.blind_index("user.email", "x@y.z")
        );
        assert_ne!(
            a.blind_index("user.email", "x@y.z"),
            b.blind_index("user.email", "x@y.z")
        );
        assert_ne!(
            a.blind_index("user.email", "x@y.z"),
            a.blind_index("invitation.email", "x@y.z")
        );
        assert_eq!(a.blind_index("user.email", "x@y.z").len(), 64);
    }

    #[test]
    fn wrapped_keys_unwrap_with_old_master_key_after_rotation() {
        let old = MasterKeyRing::new(vec![MasterKey::new("old".into(), [3; 32])]).expect("ring");
        let t = Uuid::now_v7();
        let wrapped = old.wrap(t, "dek", &[9; 32]);
        assert_eq!(MasterKeyRing::wrapped_by(&wrapped), Ok("old"));
        let both = MasterKeyRing::new(vec![
            MasterKey::new("new".into(), [4; 32]),
            MasterKey::new("old".into(), [3; 32]),
        ])
        .expect("ring");
        assert_eq!(
            *both.unwrap_key(t, "dek", &wrapped).expect("unwrap"),
            [9; 32]
        );
        assert!(both.wrap(t, "dek", &[9; 32]).starts_with("v1:new:"));
        // Bound to the tenant and purpose.
        assert!(both.unwrap_key(Uuid::now_v7(), "dek", &wrapped).is_err());
        assert!(both.unwrap_key(t, "index", &wrapped).is_err());
    }
}
