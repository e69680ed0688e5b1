//! The documents this server trusts (`TALENTGRAPH_TRUSTED_DOCUMENTS`, and the playground's own):
//! a manifest of hash → document, as graphql-codegen's client preset writes
//! `persisted-documents.json`, or Apollo's persisted query manifest. Loaded and checked at
//! start-up (`config`); requests name them by hash (`graphql::persisted`).

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The playground's operations (`npm run codegen` in playground/ writes these manifests).
const PLAYGROUND: [&str; 2] = [
    include_str!("../playground/src/gql/client/persisted-documents.json"),
    include_str!("../playground/src/gql/staff/persisted-documents.json"),
];

/// The documents this server trusts, by the lowercase hex SHA-256 of their text.
#[derive(Debug, Default)]
pub struct TrustedDocuments {
    by_hash: HashMap<String, Arc<str>>,
    /// Only trusted documents run.
    pub strict: bool,
}

/// Apollo's persisted query manifest (`generate-persisted-query-manifest`).
#[derive(Deserialize)]
struct ApolloManifest {
    operations: Vec<ApolloOperation>,
}

#[derive(Deserialize)]
struct ApolloOperation {
    id: String,
    body: String,
}

/// The lowercase hex SHA-256 of `text`, as manifests and clients name documents.
pub fn sha256_hex(text: &str) -> String {
    use std::fmt::Write as _;
    Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

impl TrustedDocuments {
    /// The playground's documents, and those of `manifest` (its text) when given. Each hash
    /// must be the SHA-256 of its document: a manifest written with another algorithm is
    /// refused here rather than matching nothing at run time.
    pub fn load(manifest: Option<&str>, strict: bool, playground: bool) -> Result<Self, String> {
        let mut trusted = TrustedDocuments {
            by_hash: HashMap::new(),
            strict,
        };
        if playground {
            for built_in in PLAYGROUND {
                trusted.add_manifest(built_in)?;
            }
        }
        if let Some(manifest) = manifest {
            trusted.add_manifest(manifest)?;
        }
        Ok(trusted)
    }

    fn add_manifest(&mut self, text: &str) -> Result<(), String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let entries: Vec<(String, String)> = if value.get("operations").is_some() {
            let manifest: ApolloManifest = serde_json::from_value(value)
                .map_err(|e| format!("not an Apollo persisted query manifest: {e}"))?;
            manifest
                .operations
                .into_iter()
                .map(|op| (op.id, op.body))
                .collect()
        } else {
            serde_json::from_value::<HashMap<String, String>>(value)
                .map_err(|_| "expected an object of hash → document".to_owned())?
                .into_iter()
                .collect()
        };
        for (hash, document) in entries {
            let hash = hash
                .strip_prefix("sha256:")
                .unwrap_or(&hash)
                .to_ascii_lowercase();
            if sha256_hex(&document) != hash {
                return Err(format!(
                    "`{hash}` is not the SHA-256 of its document (hashAlgorithm must be sha256)"
                ));
            }
            self.by_hash.insert(hash, Arc::from(document));
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    pub fn get(&self, hash: &str) -> Option<Arc<str>> {
        self.by_hash.get(hash).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_must_hash_their_documents_with_sha256() {
        let doc = "query A { me { id } }";
        let good = format!(r#"{{"{}": "{doc}"}}"#, sha256_hex(doc));
        assert!(TrustedDocuments::load(Some(&good), false, false).is_ok());
        let apollo = format!(
            r#"{{"format":"apollo-persisted-query-manifest","version":1,"operations":[{{"id":"{}","body":"{doc}","name":"A","type":"query"}}]}}"#,
            sha256_hex(doc)
        );
        assert!(TrustedDocuments::load(Some(&apollo), false, false).is_ok());
        let bad = format!(r#"{{"{}": "{doc}"}}"#, "ab".repeat(32));
        assert!(TrustedDocuments::load(Some(&bad), false, false).is_err());
        assert!(TrustedDocuments::load(Some("[]"), false, false).is_err());
        // The playground's own are always there.
        assert!(TrustedDocuments::load(None, true, true).is_ok_and(|t| t.len() >= 10));
        assert!(TrustedDocuments::load(None, true, false).is_ok_and(|t| t.is_empty()));
    }
}
