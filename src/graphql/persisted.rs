//! Persisted documents: a request may name its document by the SHA-256 of its text
//! (`extensions.persistedQuery.sha256Hash`, as Apollo's automatic persisted queries and
//! graphql-codegen's persisted documents send it) instead of sending the text.
//!
//! - **Trusted documents**: a manifest (`TALENTGRAPH_TRUSTED_DOCUMENTS`, hash → document, the
//!   format graphql-codegen's client preset writes, or Apollo's persisted query manifest) plus
//!   the playground's own, built in. With `TALENTGRAPH_TRUSTED_DOCUMENTS_MODE=strict` only these
//!   documents run, by hash or by their exact text.
//! - **Automatic persisted queries** (not in strict mode): an unknown hash is answered
//!   `PERSISTED_QUERY_NOT_FOUND`; the client sends the text with its hash once, and the hash
//!   alone from then on. Kept per instance (an instance that does not know the hash asks for
//!   the text again).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::{Request, ServerError};

use crate::error::ErrorCode;
use crate::trusted_documents::{TrustedDocuments, sha256_hex};

/// Automatic persisted queries kept per instance, and the longest text kept.
const AUTOMATIC_ENTRIES: usize = 2048;
const AUTOMATIC_MAX_BYTES: usize = 16 * 1024;

/// Resolves persisted documents for the requests of one server.
pub struct Persisted {
    trusted: Arc<TrustedDocuments>,
    automatic: Mutex<lru::LruCache<String, Arc<str>>>,
}

fn error(code: ErrorCode, message: &str) -> ServerError {
    super::prepare::with_code(ServerError::new(message, None), code)
}

/// The hash a request names, if it names one.
fn named_hash(request: &Request) -> Result<Option<String>, ServerError> {
    let Some(persisted) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let persisted = persisted.clone().into_json().unwrap_or_default();
    if let Some(version) = persisted.get("version")
        && version != 1
    {
        return Err(error(
            ErrorCode::BadUserInput,
            "extensions.persistedQuery.version: only version 1 is supported",
        ));
    }
    match persisted.get("sha256Hash").and_then(|h| h.as_str()) {
        Some(hash) if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => Err(error(
            ErrorCode::BadUserInput,
            "extensions.persistedQuery.sha256Hash: expected the hex SHA-256 of the document",
        )),
    }
}

impl Persisted {
    pub fn new(trusted: Arc<TrustedDocuments>) -> Self {
        Persisted {
            trusted,
            automatic: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(AUTOMATIC_ENTRIES).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }

    /// Puts the named document's text into `request`, or refuses it: `PERSISTED_QUERY_NOT_FOUND`
    /// for a hash this server does not know (send the text with it), `BAD_USER_INPUT` for a
    /// hash that is not the text's, `FORBIDDEN` in strict mode for a document not trusted.
    /// Returns the hash a client registers with its text: kept ([`Persisted::register`]) only
    /// once the document has parsed and passed the limits.
    pub fn resolve(&self, request: &mut Request) -> Result<Option<String>, ServerError> {
        let hash = named_hash(request)?;
        match hash {
            None if !self.trusted.strict => Ok(None),
            None => {
                if self.trusted.get(&sha256_hex(&request.query)).is_some() {
                    Ok(None)
                } else {
                    Err(not_trusted())
                }
            }
            Some(hash) if request.query.is_empty() => {
                if let Some(document) = self.trusted.get(&hash) {
                    request.query = document.to_string();
                    return Ok(None);
                }
                let automatic = if self.trusted.strict {
                    None
                } else {
                    self.automatic
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get(&hash)
                        .cloned()
                };
                match automatic {
                    Some(document) => {
                        request.query = document.to_string();
                        Ok(None)
                    }
                    None if self.trusted.strict => Err(not_trusted()),
                    // The message is what Apollo's and urql's clients look for.
                    None => Err(error(
                        ErrorCode::PersistedQueryNotFound,
                        "PersistedQueryNotFound",
                    )),
                }
            }
            Some(hash) => {
                if sha256_hex(&request.query) != hash {
                    return Err(error(
                        ErrorCode::BadUserInput,
                        "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
                    ));
                }
                if self.trusted.get(&hash).is_some() {
                    return Ok(None);
                }
                if self.trusted.strict {
                    return Err(not_trusted());
                }
                Ok(Some(hash))
            }
        }
    }

    /// Keeps a client's document under its hash (automatic persisted queries), once it has
    /// parsed and passed the limits; long documents are not kept (they are sent each time).
    pub fn register(&self, hash: String, query: &str) {
        if query.len() <= AUTOMATIC_MAX_BYTES {
            self.automatic
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .put(hash, Arc::from(query));
        }
    }
}

fn not_trusted() -> ServerError {
    error(
        ErrorCode::Forbidden,
        "only trusted documents run on this server (TALENTGRAPH_TRUSTED_DOCUMENTS_MODE=strict)",
    )
}
