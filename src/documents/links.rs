//! Short-lived download links: `/files/<token>`, where the token names a file of one tenant and
//! an expiry, signed with HMAC-SHA256 under a key derived from the server's secret. Whoever
//! holds a link may download that one file until it expires (as with S3's pre-signed URLs); an
//! expired, altered or foreign token is a plain 404.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Utc};
use hmac::{KeyInit as _, Mac as _};
use uuid::Uuid;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

const VERSION: u8 = 1;
/// version, tenant, file, expiry (seconds since the epoch, big-endian).
const PAYLOAD_LEN: usize = 1 + 16 + 16 + 8;

/// What a link grants: one file of one tenant, until `expires_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLink {
    pub tenant_id: Uuid,
    pub file_id: Uuid,
    pub expires_at: i64,
}

/// The signing key: derived from the server's secret, for this purpose only.
pub struct LinkKey([u8; 32]);

impl LinkKey {
    pub fn derive(server_secret: &[u8]) -> LinkKey {
        let mut mac =
            HmacSha256::new_from_slice(server_secret).expect("HMAC accepts keys of any length");
        mac.update(b"talentgraph/file-links/v1");
        LinkKey(mac.finalize().into_bytes().into())
    }

    fn mac(&self, payload: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(payload);
        mac
    }

    /// The token of `link`.
    pub fn sign(&self, link: FileLink) -> String {
        let mut payload = Vec::with_capacity(PAYLOAD_LEN);
        payload.push(VERSION);
        payload.extend_from_slice(link.tenant_id.as_bytes());
        payload.extend_from_slice(link.file_id.as_bytes());
        payload.extend_from_slice(&link.expires_at.to_be_bytes());
        let tag = self.mac(&payload).finalize().into_bytes();
        format!("{}.{}", B64.encode(&payload), B64.encode(tag))
    }

    /// The link `token` grants at `now`, if it is one of ours, unaltered and unexpired.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<FileLink> {
        let (payload, tag) = token.split_once('.')?;
        let payload = B64.decode(payload).ok()?;
        let tag = B64.decode(tag).ok()?;
        if payload.len() != PAYLOAD_LEN || payload[0] != VERSION {
            return None;
        }
        // Constant time.
        self.mac(&payload).verify_slice(&tag).ok()?;
        let tenant_id = Uuid::from_slice(&payload[1..17]).ok()?;
        let file_id = Uuid::from_slice(&payload[17..33]).ok()?;
        let expires_at = i64::from_be_bytes(payload[33..41].try_into().ok()?);
        (now.timestamp() < expires_at).then_some(FileLink {
            tenant_id,
            file_id,
            expires_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_until_it_expires_and_not_once_altered() {
        let key = LinkKey::derive(b"a server secret of enough bytes....");
        let now = Utc::now();
        let link = FileLink {
            tenant_id: Uuid::now_v7(),
            file_id: Uuid::now_v7(),
            expires_at: now.timestamp() + 300,
        };
        let token = key.sign(link);
        assert_eq!(key.verify(&token, now), Some(link));
        assert_eq!(
            key.verify(&token, now + chrono::Duration::seconds(301)),
            None
        );
        // Another server's key, a flipped character, a truncated tag, garbage.
        assert_eq!(LinkKey::derive(b"another secret").verify(&token, now), None);
        let mut bytes = token.clone().into_bytes();
        bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(bytes).expect("ascii");
        assert_eq!(key.verify(&altered, now), None);
        assert_eq!(key.verify(&token[..token.len() - 2], now), None);
        for junk in ["", ".", "x.y", "....", "😀.😀"] {
            assert_eq!(key.verify(junk, now), None, "{junk}");
        }
    }
}
