//! Reading a résumé, as a job of the durable queue: `PENDING → PROCESSING → DONE | FAILED`.
//! The file is fetched from storage and opened with the tenant's key, its text read by
//! `pdf-extract` or `docx-rs` off the async runtime under a time bound, analysed against the
//! organisation's skill catalogue (`analysis`), and both stored encrypted;
//! a file that cannot be read fails at once (`FAILED` with the reason), a storage or database
//! error is retried (the job's backoff) and fails the résumé after the last attempt.

use std::time::Duration;

use chrono::Utc;
use entity::{ResumeFormat, ResumeStatus, resume};
use futures_util::future::BoxFuture;
use sea_orm::{ActiveModelTrait as _, IntoActiveModel as _, Set};

use super::analysis::{self, CatalogueSkill};
use super::resumes::{DeleteObjectJob, ExtractJob};
use super::scope;
use crate::audit::RequestMeta;
use crate::db::Lock;
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::jobs::{Attempt, Job, Outcome};
use crate::state::AppState;
use crate::unit::{Actor, UnitOfWork};

/// How long reading one file may take.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The most text kept of one file (characters).
const MAX_TEXT_CHARS: usize = 1_000_000;

pub fn run<'a>(state: &'a AppState, attempt: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(extract(state, attempt))
}

/// The extraction's last attempt ended without recording its end: the résumé fails.
pub fn on_dead<'a>(state: &'a AppState, job: &'a Job, error: &'a str) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let payload: ExtractJob = parse(job)?;
        // The cause (storage, database) is for the logs: users, events and workflows get a
        // plain reason.
        tracing::warn!(resume = %payload.resume_id, error, "résumé extraction died");
        fail(
            state,
            &payload,
            "the file could not be read; upload it again, or ask an administrator",
        )
        .await
    })
}

/// Removes a deleted résumé's object.
pub fn delete_object<'a>(
    state: &'a AppState,
    attempt: &'a Attempt,
) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(async move {
        let payload: DeleteObjectJob = parse(&attempt.job)?;
        state.storage.delete(&payload.object_key).await?;
        Ok(Outcome::Done)
    })
}

fn parse<T: serde::de::DeserializeOwned>(job: &Job) -> Result<T> {
    serde_json::from_str(&job.payload)
        .map_err(|err| AppError::internal(format!("malformed {} job: {err}", job.kind)))
}

fn meta(resume_id: uuid::Uuid) -> RequestMeta {
    RequestMeta {
        request_id: Some(format!("resume-{resume_id}")),
        ..RequestMeta::default()
    }
}

async fn unit(state: &AppState, job: &ExtractJob) -> Result<UnitOfWork> {
    state.unit_of_work(Actor::System, meta(job.resume_id)).await
}

/// The résumé, locked in `uow`; `None` when it was deleted meanwhile.
async fn lock(uow: &UnitOfWork, job: &ExtractJob) -> Result<Option<resume::Model>> {
    match crate::db::lock_in_scope(
        uow.txn(),
        scope::resumes_of_tenant(job.tenant_id),
        resume::Column::Id,
        job.resume_id,
        "resume",
        Lock::Update,
    )
    .await
    {
        Ok(model) => Ok(Some(model)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(err) => Err(err),
    }
}

async fn extract(state: &AppState, attempt: &Attempt) -> Result<Outcome> {
    let job: ExtractJob = parse(&attempt.job)?;
    // PROCESSING, visibly, before the work.
    let uow = unit(state, &job).await?;
    let Some(current) = lock(&uow, &job).await? else {
        return Ok(Outcome::Done);
    };
    if current.status == ResumeStatus::Done {
        return Ok(Outcome::Done);
    }
    let mut processing = current.clone().into_active_model();
    processing.status = Set(ResumeStatus::Processing);
    processing.error = Set(None);
    processing.updated_at = Set(Utc::now());
    processing.update(uow.txn()).await?;
    uow.commit().await?;

    let keys =
        crate::crypto::load_tenant_keys(state.writer(), &state.config.master_keys, job.tenant_id)
            .await?;
    let max = u64::try_from(state.config.limits.max_upload_bytes).unwrap_or(u64::MAX);
    let Some(bytes) = state
        .storage
        .get_sealed(&keys, &current.object_key, max)
        .await?
    else {
        fail(state, &job, "the file is missing from storage").await?;
        return Ok(Outcome::Done);
    };
    let reading = super::reader::Reader::of(&state.config)
        .text(current.format, bytes)
        .await?;
    let text = match reading {
        Ok(text) => text,
        Err(reason) => {
            fail(state, &job, &reason).await?;
            return Ok(Outcome::Done);
        }
    };
    let catalogue: Vec<CatalogueSkill> = scope::catalogue(job.tenant_id)
        .all(state.writer())
        .await?
        .into_iter()
        .map(|s| CatalogueSkill {
            id: s.id,
            name: s.name,
        })
        .collect();
    let (text, searchable, found) = tokio::task::spawn_blocking(move || {
        let found = analysis::analyse(&text, &catalogue, Utc::now().date_naive());
        let searchable = analysis::without_contacts(&text);
        (text, searchable, found)
    })
    .await
    .map_err(|err| AppError::internal(format!("résumé analysis did not finish: {err}")))?;
    let found = serde_json::to_string(&found)
        .map_err(|err| AppError::internal(format!("analysis does not serialise: {err}")))?;

    let ending = Ending::Read {
        text: keys.encrypt("resume", "text", job.resume_id, &text),
        analysis: keys.encrypt("resume", "analysis", job.resume_id, &found),
        searchable,
    };
    end(state, &job, Some(attempt), ending).await?;
    Ok(Outcome::Done)
}

/// The texts read in a unit of work, by résumé, without contact data: for the reactions to
/// `ResumeProcessed` that index them (the stored text is encrypted).
#[derive(Debug, Default)]
pub struct ReadTexts(pub std::collections::HashMap<uuid::Uuid, String>);

/// How a reading ended.
enum Ending {
    /// DONE, with the text and the analysis, encrypted, and the text without contact data
    /// for the search index.
    Read {
        text: String,
        analysis: String,
        searchable: String,
    },
    /// FAILED, with a reason for a person.
    Failed(String),
}

/// Marks the résumé FAILED with `reason` (a résumé deleted meanwhile is left alone).
async fn fail(state: &AppState, job: &ExtractJob, reason: &str) -> Result<()> {
    end(state, job, None, Ending::Failed(reason.to_owned())).await
}

/// Records how the reading ended, with its event (a résumé deleted meanwhile is left alone);
/// within `attempt`'s lease when one is given.
async fn end(
    state: &AppState,
    job: &ExtractJob,
    attempt: Option<&Attempt>,
    ending: Ending,
) -> Result<()> {
    let uow = unit(state, job).await?;
    let Some(current) = lock(&uow, job).await? else {
        return Ok(());
    };
    if let Some(attempt) = attempt {
        attempt.fence(uow.txn()).await?;
    }
    let (resume_id, consultant_id) = (job.resume_id, current.consultant_id);
    let mut model = current.into_active_model();
    let now = Utc::now();
    model.processed_at = Set(Some(now));
    model.updated_at = Set(now);
    let event = match ending {
        Ending::Read {
            text,
            analysis,
            searchable,
        } => {
            uow.with_local::<ReadTexts, _>(|texts| texts.0.insert(resume_id, searchable));
            model.status = Set(ResumeStatus::Done);
            model.error = Set(None);
            model.text = Set(Some(text));
            model.analysis = Set(Some(analysis));
            DomainEvent::ResumeProcessed {
                resume_id,
                consultant_id,
            }
        }
        Ending::Failed(reason) => {
            model.status = Set(ResumeStatus::Failed);
            model.error = Set(Some(reason.clone()));
            DomainEvent::ResumeFailed {
                resume_id,
                consultant_id,
                error: reason,
            }
        }
    };
    model.update(uow.txn()).await?;
    uow.raise_for(job.tenant_id, event);
    uow.commit().await
}

/// The text of a file, read off the runtime within [`READ_TIMEOUT`]; `Err` says, for a person,
/// why it could not be read.
pub async fn read_text(
    format: ResumeFormat,
    bytes: Vec<u8>,
) -> std::result::Result<String, String> {
    let reading = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(|| text_of(format, &bytes))
            .unwrap_or_else(|_| Err("the file could not be read".to_owned()))
    });
    match tokio::time::timeout(READ_TIMEOUT, reading).await {
        Ok(Ok(result)) => result.map(|text| tidy(&text)),
        Ok(Err(_)) => Err("the file could not be read".to_owned()),
        Err(_) => Err(format!(
            "reading the file took longer than {} s",
            READ_TIMEOUT.as_secs()
        )),
    }
}

/// The text of a file, by its format (blocking).
pub fn text_of(format: ResumeFormat, bytes: &[u8]) -> std::result::Result<String, String> {
    match format {
        ResumeFormat::Pdf => pdf_extract::extract_text_from_mem(bytes)
            .map_err(|err| format!("the PDF's text could not be read ({err})")),
        ResumeFormat::Docx => docx_rs::read_docx(bytes)
            .map(|docx| docx_text(&docx.document.children))
            .map_err(|err| format!("the DOCX could not be read ({err})")),
        ResumeFormat::Text => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            String::from_utf8(bytes.to_vec()).map_err(|_| "the text is not UTF-8".to_owned())
        }
    }
}

fn docx_text(children: &[docx_rs::DocumentChild]) -> String {
    let mut out = String::new();
    for child in children {
        match child {
            docx_rs::DocumentChild::Paragraph(p) => paragraph_text(&p.children, &mut out),
            docx_rs::DocumentChild::Table(t) => table_text(t, &mut out, 0),
            _ => {}
        }
    }
    out
}

fn paragraph_text(children: &[docx_rs::ParagraphChild], out: &mut String) {
    inline_text(children, out);
    out.push('\n');
}

fn inline_text(children: &[docx_rs::ParagraphChild], out: &mut String) {
    for child in children {
        match child {
            docx_rs::ParagraphChild::Run(run) => run_text(run, out),
            docx_rs::ParagraphChild::Hyperlink(link) => inline_text(&link.children, out),
            _ => {}
        }
    }
}

fn run_text(run: &docx_rs::Run, out: &mut String) {
    for child in &run.children {
        match child {
            docx_rs::RunChild::Text(t) => out.push_str(&t.text),
            docx_rs::RunChild::Tab(_) | docx_rs::RunChild::PTab(_) => out.push('\t'),
            docx_rs::RunChild::Break(_) | docx_rs::RunChild::CarriageReturn(_) => out.push('\n'),
            _ => {}
        }
    }
}

fn table_text(table: &docx_rs::Table, out: &mut String, depth: usize) {
    // The upload check refuses deeper nesting; this walk stops there whatever it is given.
    if depth > 8 {
        return;
    }
    for docx_rs::TableChild::TableRow(row) in &table.rows {
        for docx_rs::TableRowChild::TableCell(cell) in &row.cells {
            for content in &cell.children {
                match content {
                    docx_rs::TableCellContent::Paragraph(p) => paragraph_text(&p.children, out),
                    docx_rs::TableCellContent::Table(t) => table_text(t, out, depth + 1),
                    _ => {}
                }
            }
        }
    }
}

/// The text as kept: normalised and bounded.
pub fn tidy(text: &str) -> String {
    bound(normalise(text))
}

/// Lines trimmed at their ends, runs of blank lines folded into one.
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.lines().map(str::trim_end) {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn bound(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_TEXT_CHARS) {
        text.truncate(cut);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_normalised_and_bounded() {
        assert_eq!(normalise("a  \n\n\n  \nb\r\n"), "a\n\nb\n");
        assert_eq!(normalise("\n\nfirst"), "first\n");
        assert_eq!(
            bound("é".repeat(MAX_TEXT_CHARS + 5)).chars().count(),
            MAX_TEXT_CHARS
        );
    }
}
