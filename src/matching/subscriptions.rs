//! Live matches over `/graphql/ws`: `matchUpdated`. Each event is offered to a subscriber only
//! when the match, as the event left it, is in their row scope (`scope::match_visible`, in this folder); the
//! fields they select then pass their guards as in any query.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Subscription};
use entity::tender_match;
use futures_util::Stream;
use uuid::Uuid;

use super::enums::MatchStatus;
use super::graphql::Match;
use crate::auth::{Permission, Principal, visibility};
use crate::events::{DomainEvent, StoredEvent};
use crate::graphql::context::parse_id;
use crate::graphql::guard::PermissionGuard;
use crate::graphql::live;

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
    model: tender_match::Model,
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
    async fn matched(&self) -> Match {
        Match(self.model.clone())
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
    stored: &StoredEvent,
    tender_id: Option<Uuid>,
    consultant_id: Option<Uuid>,
) -> Option<MatchEvent> {
    let (kind, model, company_id, previous_status) = match &stored.event {
        DomainEvent::MatchCreated {
            r#match,
            company_id,
        } => (MatchEventKind::Created, r#match, *company_id, None),
        DomainEvent::MatchScoreChanged {
            r#match,
            company_id,
            ..
        } => (MatchEventKind::ScoreChanged, r#match, *company_id, None),
        DomainEvent::MatchStatusChanged {
            r#match,
            company_id,
            previous_status,
        } => (
            MatchEventKind::StatusChanged,
            r#match,
            *company_id,
            Some(*previous_status),
        ),
        _ => return None,
    };
    let wanted = tender_id.is_none_or(|id| id == model.tender_id)
        && consultant_id.is_none_or(|id| id == model.consultant_id);
    (wanted && super::scope::match_visible(p, model, company_id)).then(|| MatchEvent {
        kind,
        model: model.clone(),
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
                Box::pin(async move { Ok(item) })
            },
        )
        .await?;
        Ok(futures_util::StreamExt::map(events, |item| {
            item.map_err(async_graphql::Error::from)
        }))
    }
}
