//! Résumés over GraphQL: `uploadResume` (GraphQL multipart request), `deleteResume`,
//! `resume(id)`, `Consultant.resumes`, and each résumé's short-lived `downloadUrl`.

use std::io::Read as _;

use async_graphql::{Context, Enum, ID, InputObject, Object, Upload};
use entity::resume;

use super::analysis::{Analysis, EducationFound, ExperienceFound, Found, SkillFound};
use super::resumes::{self, Upload as File};
use super::suggestions;
use crate::auth::{Permission, visibility};
use crate::error::{AppError, Result};
use crate::graphql::context::{ContextExt as _, parse_id};
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
        Consultant::related(ctx, self.0.consultant_id).await
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
    /// What was found in it, as suggestions to apply (`applyResumeSuggestions`); `null`
    /// until it was read.
    async fn analysis(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ResumeAnalysis>> {
        let keys = ctx.tenant_keys(self.0.tenant_id).await?;
        Ok(suggestions::analysis_of(&keys, &self.0)?.map(ResumeAnalysis))
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

pub struct ResumeAnalysis(Analysis);

/// What a résumé says, each item with the line it came from; items with an `id` can be
/// copied into the consultant's profile with `applyResumeSuggestions`.
#[Object]
impl ResumeAnalysis {
    /// E-mail addresses (`email:<n>` copies one into the profile).
    async fn emails(&self) -> Vec<ResumeSuggestion> {
        suggestions_of("email", &self.0.emails)
    }
    /// Phone numbers (`phone:<n>`).
    async fn phones(&self) -> Vec<ResumeSuggestion> {
        suggestions_of("phone", &self.0.phones)
    }
    /// Links (web sites, GitHub, LinkedIn): for reading; the profile has no place for them.
    async fn links(&self) -> Vec<ResumeFinding> {
        self.0.links.iter().cloned().map(ResumeFinding).collect()
    }
    /// Skills of the organisation's catalogue it names, with the years of the dated
    /// experiences that mention them (`skill:<skill id>`).
    async fn skills(&self) -> Vec<ResumeSkillSuggestion> {
        self.0
            .skills
            .iter()
            .cloned()
            .map(ResumeSkillSuggestion)
            .collect()
    }
    /// Dated experiences, in the order written.
    async fn experiences(&self) -> Vec<ResumeExperience> {
        self.0
            .experiences
            .iter()
            .cloned()
            .map(ResumeExperience)
            .collect()
    }
    /// Degrees and schools.
    async fn education(&self) -> Vec<ResumeEducation> {
        self.0
            .education
            .iter()
            .cloned()
            .map(ResumeEducation)
            .collect()
    }
    /// A title for the profile: the latest experience's (`title`).
    async fn title(&self) -> Option<ResumeSuggestion> {
        self.0.title.as_ref().map(|t| ResumeSuggestion {
            id: "title".to_owned(),
            found: t.clone(),
        })
    }
    /// Years of experience in all: the dated experiences, overlaps counted once
    /// (`totalYears`).
    async fn total_years(&self) -> Option<ResumeYears> {
        self.0.total_years.clone().map(ResumeYears)
    }
}

fn suggestions_of(kind: &str, found: &[Found<String>]) -> Vec<ResumeSuggestion> {
    found
        .iter()
        .enumerate()
        .map(|(i, f)| ResumeSuggestion {
            id: format!("{kind}:{i}"),
            found: f.clone(),
        })
        .collect()
}

pub struct ResumeSuggestion {
    id: String,
    found: Found<String>,
}

/// A value found in a résumé that can be copied into the profile.
#[Object]
impl ResumeSuggestion {
    /// What to pass in `applyResumeSuggestions(input: { accept })`.
    async fn id(&self) -> &str {
        &self.id
    }
    /// The value found (an address, a number, a title).
    async fn value(&self) -> &str {
        &self.found.value
    }
    /// The line it was found on.
    async fn evidence(&self) -> &str {
        &self.found.evidence
    }
}

pub struct ResumeFinding(Found<String>);

/// A value found in a résumé, for reading.
#[Object]
impl ResumeFinding {
    /// The value found (a link).
    async fn value(&self) -> &str {
        &self.0.value
    }
    /// The line it was found on.
    async fn evidence(&self) -> &str {
        &self.0.evidence
    }
}

pub struct ResumeYears(Found<f64>);

/// Years of experience found in a résumé.
#[Object]
impl ResumeYears {
    /// `totalYears`.
    async fn id(&self) -> &str {
        "totalYears"
    }
    /// Years, to one decimal.
    async fn value(&self) -> f64 {
        self.0.value
    }
    /// The dated lines they were counted from.
    async fn evidence(&self) -> &str {
        &self.0.evidence
    }
}

pub struct ResumeSkillSuggestion(SkillFound);

/// A skill of the catalogue a résumé names.
#[Object]
impl ResumeSkillSuggestion {
    /// `skill:<skill id>`.
    async fn id(&self) -> String {
        suggestions::skill_key(self.0.skill_id)
    }
    /// The skill of the catalogue (`null` once deleted from it).
    async fn skill(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::talent::graphql::skill::Skill>> {
        let loader = crate::graphql::context::loader::<crate::talent::loaders::SkillLoader>(ctx)?;
        Ok(Box::pin(loader.load_one(self.0.skill_id))
            .await?
            .map(crate::talent::graphql::skill::Skill::from))
    }
    /// Its name in the catalogue when the résumé was read.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Years of the dated experiences that mention it; `null` when none does.
    async fn years(&self) -> Option<f64> {
        self.0.years
    }
    /// The first line that names it.
    async fn evidence(&self) -> &str {
        &self.0.evidence
    }
}

pub struct ResumeExperience(ExperienceFound);

fn month_text((year, month): super::analysis::Month) -> String {
    format!("{year:04}-{month:02}")
}

/// A dated experience found in a résumé.
#[Object]
impl ResumeExperience {
    /// The role held, when the line names one.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// The employer or client, when the line names one.
    async fn employer(&self) -> Option<&str> {
        self.0.employer.as_deref()
    }
    /// The first month, `YYYY-MM` (January when only the year is written).
    async fn start(&self) -> String {
        month_text(self.0.start)
    }
    /// The last month, `YYYY-MM`; `null` while ongoing.
    async fn end(&self) -> Option<String> {
        self.0.end.map(month_text)
    }
    /// The dated line.
    async fn evidence(&self) -> &str {
        &self.0.evidence
    }
}

pub struct ResumeEducation(EducationFound);

/// A degree or school found in a résumé.
#[Object]
impl ResumeEducation {
    /// The line, as written.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// The year written on its line, if any.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }
    /// The line it was found on.
    async fn evidence(&self) -> &str {
        &self.0.evidence
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

    /// The consultant's past projects, latest first (for a client, those not marked
    /// internal).
    #[graphql(
        guard = "PermissionGuard(Permission::PortfolioRead)",
        visible = "visibility::portfolio_read"
    )]
    async fn portfolio(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::portfolio_graphql::PortfolioProject>> {
        let loader = crate::graphql::context::loader::<super::loaders::ProjectsByConsultant>(ctx)?;
        Ok(Box::pin(loader.load_one(self.0))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(super::portfolio_graphql::PortfolioProject)
            .collect())
    }
}

/// The documents domain's queries.
#[derive(async_graphql::MergedObject, Default)]
pub struct DocumentsQuery(ResumeQuery, super::portfolio_graphql::PortfolioQuery);

/// The documents domain's mutations.
#[derive(async_graphql::MergedObject, Default)]
pub struct DocumentsMutation(ResumeMutation, super::portfolio_graphql::PortfolioMutation);

#[derive(Default)]
pub struct ResumeQuery;

#[Object]
impl ResumeQuery {
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

/// Suggestions of a résumé to copy into its consultant's profile.
#[derive(InputObject)]
pub struct ApplyResumeSuggestionsInput {
    /// The résumé (its status `DONE`).
    pub resume_id: ID,
    /// Ids of its analysis' suggestions: `title`, `totalYears`, `email:<n>`, `phone:<n>`,
    /// `skill:<skill id>`.
    pub accept: Vec<String>,
}

fn apply_visible(ctx: &Context<'_>) -> bool {
    visibility::resume_write(ctx) && visibility::consultant_write(ctx)
}

#[derive(Default)]
pub struct ResumeMutation;

#[Object]
impl ResumeMutation {
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
        // Dropped on any error (or if this future is), `stored` removes its object.
        let uow = ctx.unit_of_work().await?;
        let done = resumes::record(&uow, &stored).await;
        let recorded = uow.finish(done).await?;
        stored.keep();
        Ok(Resume(recorded))
    }

    /// Copies what was accepted of a résumé's analysis into its consultant's profile: the
    /// title, the total years, an e-mail or phone (encrypted as always), skills (added, or
    /// their years raised; levels from the years). Ids not suggested by that résumé are
    /// `BAD_USER_INPUT` on `accept[i]`; a résumé not read yet is a `CONFLICT`. Needs
    /// `consultant:write` too (staff).
    #[graphql(
        guard = "PermissionGuard(Permission::ResumeWrite).and(PermissionGuard(Permission::ConsultantWrite))",
        visible = "apply_visible"
    )]
    async fn apply_resume_suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The résumé and the suggestions accepted.")]
        input: ApplyResumeSuggestionsInput,
    ) -> Result<Consultant> {
        let id = parse_id("resumeId", &input.resume_id)?;
        let p = ctx.principal()?;
        let keys = ctx.tenant_keys(p.tenant_id).await?;
        let uow = ctx.unit_of_work().await?;
        let done = suggestions::apply(&uow, &keys, id, input.accept).await;
        uow.finish(done).await.map(Consultant::from)
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
