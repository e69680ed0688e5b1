//! Live résumés over `/graphql/ws`: `resumeUpdated`, for whoever may read the résumé (staff,
//! and the consultant it belongs to): uploaded, read, failed, deleted; in order, from whichever
//! instance (or worker) made the change; `after` replays what was missed.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Subscription};
use futures_util::Stream;
use uuid::Uuid;

use super::graphql::Resume;
use crate::auth::{Permission, Principal, RowRule, visibility};
use crate::events::{DomainEvent, StoredEvent};
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::live::{self, Picked};

/// What happened to a résumé.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ResumeEventKind {
    /// Uploaded; its reading is queued.
    Uploaded,
    /// Read: its text and analysis are ready.
    Processed,
    /// Could not be read (`error` says why).
    Failed,
    /// Deleted, with its file.
    Deleted,
}

pub struct ResumeEvent {
    kind: ResumeEventKind,
    resume_id: Uuid,
    consultant_id: Uuid,
    error: Option<String>,
    sequence: i64,
}

/// A change of a résumé, as it was committed.
#[Object]
impl ResumeEvent {
    /// What happened.
    async fn kind(&self) -> ResumeEventKind {
        self.kind
    }
    /// The résumé's id.
    async fn resume_id(&self) -> ID {
        crate::graphql::scalars::id(self.resume_id)
    }
    /// Whose résumé it is.
    async fn consultant_id(&self) -> ID {
        crate::graphql::scalars::id(self.consultant_id)
    }
    /// Why its reading failed (`FAILED` only).
    async fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }
    /// The résumé as it is now; `null` once deleted.
    async fn resume(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Resume>> {
        match super::resumes::find(ctx.state()?, ctx.principal()?, self.resume_id).await {
            Ok(model) => Ok(Some(Resume(model))),
            Err(crate::error::AppError::NotFound(_)) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }
    /// The event's number in the organisation's sequence (pass it as `after` to resume).
    async fn sequence(&self) -> i64 {
        self.sequence
    }
}

/// Whether `p` may read the résumés of `consultant_id` (`documents::scope::resumes`, decided
/// from the event).
fn visible(p: &Principal, consultant_id: Uuid) -> bool {
    p.can(Permission::ResumeRead)
        && match p.row_rule() {
            RowRule::WholeTenant => true,
            RowRule::OwnConsultantProfile => p.consultant_id == Some(consultant_id),
            RowRule::OwnCompany => false,
        }
}

fn pick(
    p: &Principal,
    stored: &StoredEvent,
    consultant: Option<Uuid>,
    resume: Option<Uuid>,
) -> Option<ResumeEvent> {
    let (kind, resume_id, consultant_id, error) = match &stored.event {
        DomainEvent::ResumeUploaded {
            resume_id,
            consultant_id,
        } => (ResumeEventKind::Uploaded, resume_id, consultant_id, None),
        DomainEvent::ResumeProcessed {
            resume_id,
            consultant_id,
        } => (ResumeEventKind::Processed, resume_id, consultant_id, None),
        DomainEvent::ResumeFailed {
            resume_id,
            consultant_id,
            error,
        } => (
            ResumeEventKind::Failed,
            resume_id,
            consultant_id,
            Some(error.clone()),
        ),
        DomainEvent::ResumeDeleted {
            resume_id,
            consultant_id,
        } => (ResumeEventKind::Deleted, resume_id, consultant_id, None),
        _ => return None,
    };
    let wanted = consultant.is_none_or(|id| id == *consultant_id)
        && resume.is_none_or(|id| id == *resume_id);
    (wanted && visible(p, *consultant_id)).then_some(ResumeEvent {
        kind,
        resume_id: *resume_id,
        consultant_id: *consultant_id,
        error,
        sequence: stored.seq,
    })
}

#[derive(Default)]
pub struct DocumentsSubscription;

#[Subscription]
impl DocumentsSubscription {
    /// Every change of the résumés of one consultant, or of one résumé, or of all those the
    /// caller may read: uploaded, read, failed, deleted.
    #[graphql(
        guard = "PermissionGuard(Permission::ResumeRead)",
        visible = "visibility::resume_read"
    )]
    async fn resume_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this consultant's résumés.")] consultant_id: Option<ID>,
        #[graphql(desc = "Only this résumé.")] resume_id: Option<ID>,
        #[graphql(desc = "Replay the events after this sequence number first.")] after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<ResumeEvent>> + use<>> {
        let consultant = consultant_id
            .map(|id| parse_id("consultantId", &id))
            .transpose()?;
        let resume = resume_id.map(|id| parse_id("resumeId", &id)).transpose()?;
        let events = live::watch(
            ctx,
            live::after(after)?,
            move |p: Arc<Principal>, stored: Arc<StoredEvent>| {
                Picked::Now(Ok(pick(&p, &stored, consultant, resume)))
            },
        )
        .await?;
        Ok(futures_util::StreamExt::map(events, |item| {
            item.map_err(async_graphql::Error::from)
        }))
    }
}
