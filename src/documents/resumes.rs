//! Résumés: an upload is checked (size, format from the content), sealed and stored first,
//! then recorded with its extraction queued, its audit and its event in one unit of work (a
//! failed unit takes the stored object away again); a deletion removes the row in a unit of
//! work that also queues the removal of its object, so the object goes even if this process
//! does not live to do it.

use chrono::Utc;
use entity::{ResumeFormat, ResumeStatus, resume};
use sea_orm::{ActiveModelTrait, ModelTrait as _, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Digest as _;
use uuid::Uuid;

use super::scope;
use crate::audit::AuditRecord;
use crate::auth::{Permission, Principal};
use crate::db::Lock;
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::jobs::NewJob;
use crate::state::AppState;
use crate::storage::Storage;
use crate::unit::UnitOfWork;

/// The job that reads a résumé (`documents::extract`).
pub const EXTRACT_KIND: &str = "resume.extract";
/// The job that removes a deleted file's object.
pub const DELETE_OBJECT_KIND: &str = "storage.delete_object";

/// What the extraction job is given.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtractJob {
    pub tenant_id: Uuid,
    pub resume_id: Uuid,
}

/// What the object-removal job is given.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteObjectJob {
    pub object_key: String,
}

pub async fn find(state: &AppState, p: &Principal, id: Uuid) -> Result<resume::Model> {
    crate::db::find_in_scope(
        &state.db,
        scope::resumes(p),
        resume::Column::Id,
        id,
        "resume",
    )
    .await
}

/// A file as it was uploaded.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A checked file, sealed and stored, waiting to be recorded: dropped before [`Stored::keep`]
/// (the unit of work failed, the client went away, the request timed out), it removes its
/// object.
pub struct Stored {
    storage: Storage,
    kept: bool,
    id: Uuid,
    consultant_id: Uuid,
    file_name: String,
    format: ResumeFormat,
    size: usize,
    sha256: String,
    object_key: String,
}

impl Stored {
    /// Its record committed: the object stays.
    pub fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Stored {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        let (storage, key) = (self.storage.clone(), self.object_key.clone());
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(err) = storage.delete(&key).await {
                        tracing::warn!(error = %err, "an uploaded file whose record failed stays in storage");
                    }
                });
            }
            Err(_) => tracing::warn!("an uploaded file whose record failed stays in storage"),
        }
    }
}

/// Unicode format characters (bidi overrides and isolates, zero-width characters): they make
/// `cv\u{202e}fdp.exe` read as `cvexe.pdf`.
fn is_format_char(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{061c}'
    )
}

/// A file name fit for display and for `Content-Disposition`: its last path segment, without
/// control or format characters, ending in the extension of the format its content has (a
/// text file called `run.bat` downloads as `run.bat.txt`), at most 255 bytes.
fn clean_file_name(name: &str, format: ResumeFormat) -> String {
    let extension = match format {
        ResumeFormat::Pdf => ".pdf",
        ResumeFormat::Docx => ".docx",
        ResumeFormat::Text => ".txt",
    };
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .collect::<String>()
        .trim()
        .trim_matches('.')
        .to_owned();
    if cleaned.is_empty() {
        cleaned = "resume".to_owned();
    }
    // The extension as written when it is the right one (`CV.DOCX` stays), else appended.
    let (mut stem, ending) = match cleaned.len().checked_sub(extension.len()) {
        Some(cut)
            if cut > 0
                && cleaned.is_char_boundary(cut)
                && cleaned[cut..].eq_ignore_ascii_case(extension) =>
        {
            (cleaned[..cut].to_owned(), cleaned[cut..].to_owned())
        }
        _ => (cleaned, extension.to_owned()),
    };
    while stem.len() + ending.len() > 255 {
        stem.pop();
    }
    stem + &ending
}

/// Checks an upload for `consultant_id` and stores it sealed with the tenant's key; nothing is
/// stored when the consultant is not the principal's to change or the file is refused.
pub async fn store(
    state: &AppState,
    p: &Principal,
    consultant_id: Uuid,
    upload: Upload,
) -> Result<Stored> {
    p.require(Permission::ResumeWrite)?;
    crate::db::find_in_scope(
        &state.db,
        crate::talent::scope::consultants(p),
        entity::consultant::Column::Id,
        consultant_id,
        "consultant",
    )
    .await?;
    let max = state.config.limits.max_upload_bytes;
    if upload.bytes.len() > max {
        return Err(AppError::invalid(
            "file",
            format!("must be at most {max} bytes"),
        ));
    }
    let Upload { file_name, bytes } = upload;
    // Parsed where a hostile file can do no harm (`reader`).
    let (bytes, format) = super::reader::Reader::of(&state.config)
        .detect(bytes)
        .await?;
    let keys =
        crate::crypto::load_tenant_keys(&state.db, &state.config.master_keys, p.tenant_id).await?;
    let object_key = Storage::new_key(p.tenant_id);
    state.storage.put_sealed(&keys, &object_key, &bytes).await?;
    Ok(Stored {
        storage: state.storage.clone(),
        kept: false,
        id: Uuid::now_v7(),
        consultant_id,
        file_name: clean_file_name(&file_name, format),
        format,
        size: bytes.len(),
        sha256: crate::crypto::hex_digest(&sha2::Sha256::digest(&bytes)),
        object_key,
    })
}

/// Records a stored upload: the row, its audit, its extraction job and its event.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn record(uow: &UnitOfWork, stored: &Stored) -> Result<resume::Model> {
    let p = uow.principal()?;
    p.require(Permission::ResumeWrite)?;
    let txn = uow.txn();
    // The consultant stays while the résumé is recorded.
    crate::db::lock_in_scope(
        txn,
        crate::talent::scope::consultants(p),
        entity::consultant::Column::Id,
        stored.consultant_id,
        "consultant",
        Lock::Parent,
    )
    .await?;
    let now = Utc::now();
    let created = resume::ActiveModel {
        id: Set(stored.id),
        tenant_id: Set(p.tenant_id),
        consultant_id: Set(stored.consultant_id),
        file_name: Set(stored.file_name.clone()),
        format: Set(stored.format),
        size_bytes: Set(i64::try_from(stored.size).unwrap_or(i64::MAX)),
        sha256: Set(stored.sha256.clone()),
        object_key: Set(stored.object_key.clone()),
        status: Set(ResumeStatus::Pending),
        error: Set(None),
        text: Set(None),
        analysis: Set(None),
        uploaded_by: Set(Some(p.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        processed_at: Set(None),
    }
    .insert(txn)
    .await?;
    uow.audit(
        AuditRecord::new("resume.uploaded", "resume", Some(created.id)).changes(json!({
            "consultantId": created.consultant_id,
            "fileName": created.file_name,
            "format": created.format,
            "sizeBytes": created.size_bytes,
        })),
    )
    .await?;
    uow.enqueue(
        NewJob::new(
            EXTRACT_KIND,
            &ExtractJob {
                tenant_id: p.tenant_id,
                resume_id: created.id,
            },
        )?
        .tenant(p.tenant_id)
        .max_attempts(3),
    )
    .await?;
    uow.raise(DomainEvent::ResumeUploaded {
        resume_id: created.id,
        consultant_id: created.consultant_id,
    })?;
    Ok(created)
}

/// Deletes a résumé; its object is removed by a job queued in the same unit of work.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::ResumeWrite)?;
    let txn = uow.txn();
    let current = crate::db::lock_in_scope(
        txn,
        scope::resumes(p),
        resume::Column::Id,
        id,
        "resume",
        Lock::Update,
    )
    .await?;
    let (consultant_id, object_key) = (current.consultant_id, current.object_key.clone());
    current.delete(txn).await?;
    uow.audit(
        AuditRecord::new("resume.deleted", "resume", Some(id))
            .changes(json!({ "consultantId": consultant_id })),
    )
    .await?;
    uow.enqueue(
        NewJob::new(DELETE_OBJECT_KIND, &DeleteObjectJob { object_key })?
            .tenant(p.tenant_id)
            .max_attempts(10),
    )
    .await?;
    uow.raise(DomainEvent::ResumeDeleted {
        resume_id: id,
        consultant_id,
    })?;
    Ok(id)
}

/// The résumé a verified download link names, if it still exists.
pub async fn of_link(
    state: &AppState,
    tenant_id: Uuid,
    resume_id: Uuid,
) -> Result<Option<resume::Model>> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _};
    Ok(scope::resumes_of_tenant(tenant_id)
        .filter(resume::Column::Id.eq(resume_id))
        .one(&state.db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn file_names_keep_their_last_segment_and_the_extension_of_their_content() {
        use entity::ResumeFormat::{Docx, Pdf, Text};
        assert_eq!(
            clean_file_name("C:\\Users\\jane\\CV 2026.pdf", Pdf),
            "CV 2026.pdf"
        );
        assert_eq!(clean_file_name("../../etc/passwd", Text), "passwd.txt");
        assert_eq!(clean_file_name("cv\r\n.pdf", Pdf), "cv.pdf");
        assert_eq!(clean_file_name("run.bat", Text), "run.bat.txt");
        assert_eq!(clean_file_name("CV.DOCX", Docx), "CV.DOCX");
        assert_eq!(clean_file_name("cv\u{202e}fdp.exe", Pdf), "cvfdp.exe.pdf");
        assert_eq!(clean_file_name("..", Pdf), "resume.pdf");
        assert_eq!(clean_file_name("", Text), "resume.txt");
        let long = clean_file_name(&"é".repeat(300), Docx);
        assert!(long.len() <= 255 && long.ends_with(".docx"), "{long}");
    }
}
