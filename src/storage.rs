//! Object storage for uploaded files (DESIGN §7 Resume): one port over `object_store`, the local
//! filesystem by default or any S3-compatible store (S3, MinIO, …) by URL. Every object is
//! sealed with its tenant's data key before it leaves the process (AES-256-GCM, bound to the
//! tenant and the object's key), so the store never holds a readable file and destroying a
//! tenant's key makes its files unreadable with its columns. Keys are opaque: the tenant's id
//! and a random name, never a file name or a person.
//!
//! Plumbing: it names no domain.

use std::path::PathBuf;
use std::sync::Arc;

use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};
use uuid::Uuid;

use crate::crypto::TenantKeys;
use crate::error::{AppError, Result};

/// Where objects are kept, as configured (`TALENTGRAPH_STORAGE_URL`).
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// A folder of the local filesystem (created when missing).
    Folder(PathBuf),
    /// An S3-compatible bucket, with an optional key prefix and the client's options
    /// (`endpoint`, `region`, `access_key_id`, `allow_http`, …) from the URL's query, on top
    /// of the `AWS_*` environment variables.
    S3 {
        bucket: String,
        prefix: String,
        options: Vec<(String, String)>,
    },
}

impl Location {
    /// Parses `file:///abs/path`, a plain path, or `s3://bucket[/prefix][?option=value&…]`.
    /// The error says what is wrong, without echoing the URL (it may hold a secret).
    pub fn parse(value: &str) -> std::result::Result<Location, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("is empty".to_owned());
        }
        if let Some(path) = value.strip_prefix("file://") {
            if path.is_empty() {
                return Err("a file:// URL needs a path".to_owned());
            }
            return Ok(Location::Folder(PathBuf::from(path)));
        }
        if value.starts_with("s3://") {
            let url = url::Url::parse(value).map_err(|_| "is not a valid s3:// URL".to_owned())?;
            let bucket = url
                .host_str()
                .filter(|b| !b.is_empty())
                .ok_or_else(|| "an s3:// URL needs a bucket: s3://<bucket>[/prefix]".to_owned())?
                .to_owned();
            let prefix = url.path().trim_matches('/').to_owned();
            let mut options = Vec::new();
            for (key, val) in url.query_pairs() {
                key.parse::<object_store::aws::AmazonS3ConfigKey>()
                    .map_err(|_| format!("unknown S3 option `{key}`"))?;
                options.push((key.into_owned(), val.into_owned()));
            }
            return Ok(Location::S3 {
                bucket,
                prefix,
                options,
            });
        }
        if value.contains("://") {
            return Err("must be a file:// or s3:// URL, or a folder".to_owned());
        }
        Ok(Location::Folder(PathBuf::from(value)))
    }

    /// What the location is, for logs: no credentials.
    pub fn describe(&self) -> String {
        match self {
            Location::Folder(path) => format!("folder {}", path.display()),
            Location::S3 { bucket, prefix, .. } => format!("s3://{bucket}/{prefix}"),
        }
    }
}

/// The store, shared by every request and job.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Prepended to every key (an S3 URL's path), `""` for none.
    prefix: String,
    description: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("location", &self.description)
            .finish()
    }
}

/// What sealed objects start with: the format's version.
const MAGIC: &[u8; 4] = b"TGF1";

fn storage_error(what: &str, err: object_store::Error) -> AppError {
    AppError::internal(format!("object storage: {what}: {err}"))
}

impl Storage {
    /// Opens the store at `location` (a folder is created when missing).
    pub fn open(location: &Location) -> std::result::Result<Storage, String> {
        match location {
            Location::Folder(path) => {
                std::fs::create_dir_all(path)
                    .map_err(|err| format!("cannot create {}: {err}", path.display()))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(path)
                    .map_err(|err| format!("cannot use {}: {err}", path.display()))?
                    .with_automatic_cleanup(true);
                Ok(Storage {
                    store: Arc::new(store),
                    prefix: String::new(),
                    description: location.describe(),
                })
            }
            Location::S3 {
                bucket,
                prefix,
                options,
            } => {
                let mut builder =
                    object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
                for (key, value) in options {
                    let key = key
                        .parse::<object_store::aws::AmazonS3ConfigKey>()
                        .map_err(|_| format!("unknown S3 option `{key}`"))?;
                    builder = builder.with_config(key, value);
                }
                let store = builder
                    .build()
                    .map_err(|err| format!("S3 store not usable: {err}"))?;
                Ok(Storage {
                    store: Arc::new(store),
                    prefix: if prefix.is_empty() {
                        String::new()
                    } else {
                        format!("{prefix}/")
                    },
                    description: location.describe(),
                })
            }
        }
    }

    /// Where the objects are, for logs.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// A new opaque key for an object of `tenant_id`.
    pub fn new_key(tenant_id: Uuid) -> String {
        format!(
            "{}/{}",
            tenant_id.simple(),
            crate::crypto::hex_digest(&crate::crypto::random_bytes::<16>())
        )
    }

    fn path(&self, key: &str) -> Result<Path> {
        Path::parse(format!("{}{key}", self.prefix))
            .map_err(|_| AppError::internal("object storage: malformed object key"))
    }

    /// Seals `plaintext` with the tenant's data key and stores it under `key`.
    pub async fn put_sealed(&self, keys: &TenantKeys, key: &str, plaintext: &[u8]) -> Result<()> {
        let sealed = seal(keys, key, plaintext);
        self.store
            .put(&self.path(key)?, PutPayload::from(sealed))
            .await
            .map_err(|err| storage_error("put", err))?;
        Ok(())
    }

    /// Reads and opens the object under `key`; `None` when it is gone. An object past
    /// `max_bytes`, or one that does not open with the tenant's key (altered, another tenant's,
    /// or its key destroyed), is an error.
    pub async fn get_sealed(
        &self,
        keys: &TenantKeys,
        key: &str,
        max_bytes: u64,
    ) -> Result<Option<Vec<u8>>> {
        let result = match self.store.get(&self.path(key)?).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(err) => return Err(storage_error("get", err)),
        };
        let overhead = (MAGIC.len() + 12 + 16) as u64;
        if result.meta.size > max_bytes.saturating_add(overhead) {
            return Err(AppError::internal(
                "object storage: object larger than any upload",
            ));
        }
        let sealed = result
            .bytes()
            .await
            .map_err(|err| storage_error("read", err))?;
        open(keys, key, &sealed).map(Some)
    }

    /// Deletes the object under `key`; one already gone is fine.
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.store.delete(&self.path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(storage_error("delete", err)),
        }
    }
}

fn aad(tenant_id: Uuid, key: &str) -> String {
    format!("talentgraph/object/v1|{tenant_id}|{key}")
}

fn seal(keys: &TenantKeys, key: &str, plaintext: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend(keys.seal_bytes(aad(keys.tenant_id(), key).as_bytes(), plaintext));
    out
}

fn open(keys: &TenantKeys, key: &str, sealed: &[u8]) -> Result<Vec<u8>> {
    let body = sealed
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| AppError::internal("object storage: not a sealed object"))?;
    keys.open_bytes(aad(keys.tenant_id(), key).as_bytes(), body)
        .map_err(|err| AppError::internal(format!("object storage: object does not open: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_never_echo_secrets() {
        assert_eq!(
            Location::parse("file:///var/lib/tg").expect("file"),
            Location::Folder(PathBuf::from("/var/lib/tg"))
        );
        assert_eq!(
            Location::parse(".talentgraph/files").expect("folder"),
            Location::Folder(PathBuf::from(".talentgraph/files"))
        );
        let s3 = Location::parse(
            "s3://cvs/prod/eu?endpoint=http://127.0.0.1:9000&allow_http=true&secret_access_key=hunter2",
        )
        .expect("s3");
        let Location::S3 {
            bucket,
            prefix,
            options,
        } = &s3
        else {
            panic!("not s3: {s3:?}");
        };
        assert_eq!((bucket.as_str(), prefix.as_str()), ("cvs", "prod/eu"));
        assert_eq!(options.len(), 3);
        assert!(!s3.describe().contains("hunter2"));
        for bad in ["", "s3://", "http://x/y", "s3://b?colour=red", "file://"] {
            let err = Location::parse(bad).expect_err(bad);
            assert!(!err.contains("hunter2"), "{err}");
        }
    }
}
