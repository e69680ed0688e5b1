//! Résumés over GraphQL: `uploadResume` (GraphQL multipart request), `deleteResume`,
//! `resume(id)`, `Consultant.resumes`, and each résumé's short-lived `downloadUrl`.

use std::io::Read as _;

use async_graphql::{Context, Enum, ID, InputObject, Object, Upload};
use entity::resume;

use super::resumes::{self, Upload as File};
use crate::auth::{Permission, visibility};
use crate::error::{AppError, Result};
use crate::graphql::context::{ContextExt as _, load_related, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::scalars::DateTime;
use crate::talent::graphql::consultant::{Consultant, ConsultantDocuments};

/// What kind of file a résumé is, decided from its content (never its name).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ResumeFormat")]
pub enum ResumeFormat {
    /// A PDF document.
    Pdf,
    /// A Word document (Office Open XML).
    Docx,
    /// Plain text (UTF-8).
    Text,
}

/// Where a résumé's reading stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ResumeStatus")]
pub enum ResumeStatus {
    /// Uploaded; waiting to be read.
    Pending,
    /// Being read.
    Processing,
    /// Read: its text is available.
    Done,
    /// Could not be read (`error` says why).
    Failed,
}

pub struct Resume(pub resume::Model);

/// A consultant's uploaded CV: the file (sealed in storage, downloaded through `downloadUrl`)
/// and what was read from it.
#[Object]
impl Resume {
    /// The résumé's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// Whose résumé it is.
    async fn consultant(&self, ctx: &Context<'_>) -> async_graphql::Result<Consultant> {
        load_related::<crate::talent::loaders::ConsultantLoader>(
            ctx,
            self.0.consultant_id,
            "consultant",
        )
        .await
        .map(Consultant::from)
    }
    /// The name it was uploaded with (display only).
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// Its format, as read from its content.
    async fn format(&self) -> ResumeFormat {
        self.0.format.into()
    }
    /// Its size in bytes.
    async fn size_bytes(&self) -> i64 {
        self.0.size_bytes
    }
    /// SHA-256 of the file, hex: to tell two uploads of the same file apart from two files.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
    /// Where its reading stands.
    async fn status(&self) -> ResumeStatus {
        self.0.status.into()
    }
    /// Why it could not be read (`FAILED` only).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// The text read from it (`DONE` only).
    async fn text(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        let Some(sealed) = &self.0.text else {
            return Ok(None);
        };
        let keys = ctx.tenant_keys(self.0.tenant_id).await?;
        Ok(Some(
            keys.decrypt("resume", "text", self.0.id, sealed)
                .map_err(|err| AppError::internal(format!("resume text: {err}")))?,
        ))
    }
    /// A link that downloads the file (as an attachment) for a few minutes: a path on this
    /// server, `/files/<token>`. Whoever holds it may download the file until it expires.
    async fn download_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(super::files::download_path(
            ctx.state()?,
            self.0.tenant_id,
            self.0.id,
        ))
    }
    /// When it was uploaded.
    async fn uploaded_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When its reading ended (done or failed).
    async fn processed_at(&self) -> Option<DateTime> {
        self.0.processed_at.map(DateTime)
    }
}

/// `Consultant.resumes`: the documents domain's part of talent's `Consultant`.
#[Object]
impl ConsultantDocuments {
    /// The consultant's résumés, newest first (`resume:read`: staff, and the consultant
    /// themself).
    #[graphql(
        guard = "PermissionGuard(Permission::ResumeRead)",
        visible = "visibility::resume_read"
    )]
    async fn resumes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Resume>> {
        let loader = crate::graphql::context::loader::<super::loaders::ResumesByConsultant>(ctx)?;
        Ok(Box::pin(loader.load_one(self.0))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Resume)
            .collect())
    }
}

#[derive(Default)]
pub struct DocumentsQuery;

#[Object]
impl DocumentsQuery {
    /// One résumé; `NOT_FOUND` outside what the caller may see.
    #[graphql(
        guard = "PermissionGuard(Permission::ResumeRead)",
        visible = "visibility::resume_read"
    )]
    async fn resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The résumé's id.")] id: ID,
    ) -> Result<Resume> {
        let id = parse_id("id", &id)?;
        resumes::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Resume)
    }
}

/// A CV to upload for a consultant.
#[derive(InputObject)]
pub struct UploadResumeInput {
    /// The consultant (a consultant: themself).
    pub consultant_id: ID,
    /// The file, as a part of a GraphQL multipart request: a PDF, a DOCX or plain text, at
    /// most `TALENTGRAPH_MAX_UPLOAD_BYTES` (10 MiB by default). Its type is read from its
    /// content, not its name.
    pub file: Upload,
}

#[derive(Default)]
pub struct DocumentsMutation;

#[Object]
impl DocumentsMutation {
    /// Uploads a résumé: checked, stored encrypted, and queued to be read (`status` goes
    /// `PENDING → PROCESSING → DONE | FAILED`). A file that is not a readable PDF, DOCX or
    /// text, or too large, is `BAD_USER_INPUT` on `file` and nothing is stored.
    #[graphql(
        guard = "PermissionGuard(Permission::ResumeWrite)",
        visible = "visibility::resume_write"
    )]
    async fn upload_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consultant and the file.")] input: UploadResumeInput,
    ) -> Result<Resume> {
        let consultant_id = parse_id("consultantId", &input.consultant_id)?;
        let state = ctx.state()?;
        let file = read_upload(ctx, &input.file, state.config.limits.max_upload_bytes).await?;
        let stored = resumes::store(state, ctx.principal()?, consultant_id, file).await?;
        let uow = ctx.unit_of_work().await?;
        let done = resumes::record(&uow, &stored).await;
        let result = uow.finish(done).await;
        if result.is_err() {
            stored.discard(&state.storage).await;
        }
        result.map(Resume)
    }

    /// Deletes a résumé and its file; returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::ResumeWrite)",
        visible = "visibility::resume_write"
    )]
    async fn delete_resume(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The résumé's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = resumes::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }
}

/// The uploaded file's name and at most `max + 1` of its bytes (one more tells it is too
/// large).
async fn read_upload(ctx: &Context<'_>, upload: &Upload, max: usize) -> Result<File> {
    let value = upload
        .value(ctx)
        .map_err(|_| AppError::invalid("file", "is missing from the multipart request"))?;
    let file_name = value.filename.clone();
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let bytes = tokio::task::spawn_blocking(move || {
        let mut bytes = Vec::new();
        value
            .content
            .take(limit)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    })
    .await
    .map_err(|err| AppError::internal(format!("upload read did not finish: {err}")))?
    .map_err(|err| AppError::internal(format!("upload not readable: {err}")))?;
    Ok(File { file_name, bytes })
}
