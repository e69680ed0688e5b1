//! Live matches over `/graphql/ws`: `matchUpdated`. Each event is offered to a subscriber only
//! when the match, as the event left it, is in their row scope (`scope::match_visible`, in this folder); the
//! fields they select then pass their guards as in any query.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Subscription};
use futures_util::Stream;
use uuid::Uuid;

use super::enums::MatchStatus;
use super::graphql::Match;
use crate::auth::{Permission, Principal, visibility};
use crate::error::{AppError, Result};
use crate::events::{DomainEvent, StoredEvent};
use crate::graphql::context::parse_id;
use crate::graphql::guard::PermissionGuard;
use crate::graphql::live::{self, Picked};

/// What happened to a match.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum MatchEventKind {
    /// The match was made (generated or by hand).
    Created,
    /// Its score moved (the tender or the consultant changed).
    ScoreChanged,
    /// It moved along its life cycle.
    StatusChanged,
}

/// What a subscriber receives of a committed change (see the `Object` impl).
pub struct MatchEvent {
    kind: MatchEventKind,
    /// The committed event (shared by every subscriber it goes to); `match` is read from it.
    event: Arc<StoredEvent>,
    previous_status: Option<entity::MatchStatus>,
    sequence: i64,
}

/// A change of a match, as it was committed.
#[Object]
impl MatchEvent {
    /// What happened.
    async fn kind(&self) -> MatchEventKind {
        self.kind
    }
    /// The match as the change left it.
    #[graphql(name = "match")]
    async fn matched(&self) -> Result<Match> {
        match self.event.event.r#match() {
            Some((m, _)) => Ok(Match(m.clone())),
            None => Err(AppError::internal("a match event without its match")),
        }
    }
    /// The status before, for `STATUS_CHANGED`.
    async fn previous_status(&self) -> Option<MatchStatus> {
        self.previous_status.map(Into::into)
    }
    /// The event's number in the organisation's sequence: pass the last one seen as `after`
    /// when subscribing again, to receive what was missed.
    async fn sequence(&self) -> i64 {
        self.sequence
    }
}

/// The event for this subscriber, if it is one they watch and may see.
fn pick(
    p: &Principal,
    stored: &Arc<StoredEvent>,
    tender_id: Option<Uuid>,
    consultant_id: Option<Uuid>,
) -> Option<MatchEvent> {
    let (kind, previous_status) = match &stored.event {
        DomainEvent::MatchCreated { .. } => (MatchEventKind::Created, None),
        DomainEvent::MatchScoreChanged { .. } => (MatchEventKind::ScoreChanged, None),
        DomainEvent::MatchStatusChanged {
            previous_status, ..
        } => (MatchEventKind::StatusChanged, Some(*previous_status)),
        _ => return None,
    };
    let (model, company_id) = stored.event.r#match()?;
    let wanted = tender_id.is_none_or(|id| id == model.tender_id)
        && consultant_id.is_none_or(|id| id == model.consultant_id);
    (wanted && super::scope::match_visible(p, model, company_id)).then(|| MatchEvent {
        kind,
        event: stored.clone(),
        previous_status,
        sequence: stored.seq,
    })
}

#[derive(Default)]
pub struct MatchingSubscription;

#[Subscription]
impl MatchingSubscription {
    /// Matches created, re-scored or moved along their life cycle, as they are committed, on
    /// whichever server instance: those of one tender, or one consultant, or all that the
    /// subscriber may see (a CLIENT sees its tenders' matches once proposed, a CONSULTANT their
    /// own). With `after`, the events after that sequence number come first, in order.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchRead)",
        visible = "visibility::match_read"
    )]
    async fn match_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this tender's matches.")] tender_id: Option<ID>,
        #[graphql(desc = "Only this consultant's matches.")] consultant_id: Option<ID>,
        #[graphql(desc = "Replay the events after this sequence number first.")] after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<MatchEvent>> + use<>> {
        let tender_id = tender_id.map(|id| parse_id("tenderId", &id)).transpose()?;
        let consultant_id = consultant_id
            .map(|id| parse_id("consultantId", &id))
            .transpose()?;
        let events = live::watch(
            ctx,
            live::after(after)?,
            move |p: Arc<Principal>, stored: Arc<StoredEvent>| {
                let item = pick(&p, &stored, tender_id, consultant_id);
                Picked::Now(Ok(item))
            },
        )
        .await?;
        Ok(futures_util::StreamExt::map(events, |item| {
            item.map_err(async_graphql::Error::from)
        }))
    }
}
