//! Live tenders over `/graphql/ws`: `tenderUpdated`. Each event is offered to a subscriber only
//! when the tender, as the event left it, is in their row scope.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Subscription};
use entity::tender;
use futures_util::Stream;
use sea_orm::{ColumnTrait as _, DatabaseConnection, PaginatorTrait as _, QueryFilter as _};
use uuid::Uuid;

use super::enums::TenderStatus;
use super::tender::Tender;
use crate::auth::{Permission, Principal, visibility};
use crate::error::Result;
use crate::events::{DomainEvent, StoredEvent};
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::live::{self, Picked};
use crate::talent::scope;

/// What happened to a tender.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum TenderEventKind {
    /// It was created (DRAFT).
    Created,
    /// Its details or required skills changed.
    Updated,
    /// DRAFT → OPEN.
    Published,
    /// Another move of its life cycle.
    StatusChanged,
    /// It was deleted (the tender shown is the last state it had).
    Deleted,
}

/// What a subscriber receives of a committed change (see the `Object` impl).
pub struct TenderEvent {
    kind: TenderEventKind,
    /// The committed event (shared by every subscriber it goes to); `tender` is read from it.
    event: Arc<StoredEvent>,
    previous_status: Option<entity::TenderStatus>,
    sequence: i64,
}

/// A change of a tender, as it was committed.
#[Object]
impl TenderEvent {
    /// What happened.
    async fn kind(&self) -> TenderEventKind {
        self.kind
    }
    /// The tender as the change left it.
    async fn tender(&self) -> Result<Tender> {
        match tender_of(&self.event.event) {
            Some((_, model, _)) => Ok(Tender::from(model.clone())),
            None => Err(crate::error::AppError::internal(
                "a tender event without its tender",
            )),
        }
    }
    /// The status before, for `PUBLISHED` and `STATUS_CHANGED`.
    async fn previous_status(&self) -> Option<TenderStatus> {
        self.previous_status.map(Into::into)
    }
    /// The event's number in the organisation's sequence (see `matchUpdated`).
    async fn sequence(&self) -> i64 {
        self.sequence
    }
}

fn tender_of(
    event: &DomainEvent,
) -> Option<(
    TenderEventKind,
    &tender::Model,
    Option<entity::TenderStatus>,
)> {
    Some(match event {
        DomainEvent::TenderCreated { tender } => (TenderEventKind::Created, tender, None),
        DomainEvent::TenderUpdated { tender } => (TenderEventKind::Updated, tender, None),
        DomainEvent::TenderPublished { tender } => (
            TenderEventKind::Published,
            tender,
            Some(entity::TenderStatus::Draft),
        ),
        DomainEvent::TenderStatusChanged {
            tender,
            previous_status,
        } => (
            TenderEventKind::StatusChanged,
            tender,
            Some(*previous_status),
        ),
        DomainEvent::TenderDeleted { tender } => (TenderEventKind::Deleted, tender, None),
        _ => return None,
    })
}

/// The event for this subscriber, if it is one they watch and may see: decided from the event
/// alone, except for a CONSULTANT and a tender that is not OPEN (theirs only through a match or
/// a collaboration), which the database decides.
fn pick(
    db: &DatabaseConnection,
    p: Arc<Principal>,
    stored: Arc<StoredEvent>,
    id: Option<Uuid>,
) -> Picked<TenderEvent> {
    let Some((kind, model, previous_status)) = tender_of(&stored.event) else {
        return Picked::Now(Ok(None));
    };
    if id.is_some_and(|id| id != model.id) {
        return Picked::Now(Ok(None));
    }
    let tender_id = model.id;
    let event = TenderEvent {
        kind,
        event: stored.clone(),
        previous_status,
        sequence: stored.seq,
    };
    match scope::tender_visible(&p, model) {
        Some(visible) => Picked::Now(Ok(visible.then_some(event))),
        // A deleted tender is no longer anyone's through a match.
        None if kind == TenderEventKind::Deleted => Picked::Now(Ok(None)),
        None => {
            let db = db.clone();
            Picked::Later(Box::pin(async move {
                let visible = scope::tenders_through_own_work(&p)
                    .filter(tender::Column::Id.eq(tender_id))
                    .count(&db)
                    .await?
                    > 0;
                Ok(visible.then_some(event))
            }))
        }
    }
}

#[derive(Default)]
pub struct TenderSubscription;

#[Subscription]
impl TenderSubscription {
    /// Tenders created, changed, published, moved along their life cycle or deleted, as they
    /// are committed, on whichever server instance: one tender, or all that the subscriber may
    /// see. With `after`, the events after that sequence number come first, in order.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderRead)",
        visible = "visibility::tender_read"
    )]
    async fn tender_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this tender.")] id: Option<ID>,
        #[graphql(desc = "Replay the events after this sequence number first.")] after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<TenderEvent>> + use<>> {
        let id = id.map(|id| parse_id("id", &id)).transpose()?;
        let db = ctx.state()?.for_reads().db;
        let events = live::watch(
            ctx,
            live::after(after)?,
            move |p: Arc<Principal>, stored: Arc<StoredEvent>| pick(&db, p, stored, id),
        )
        .await?;
        Ok(futures_util::StreamExt::map(events, |item| {
            item.map_err(async_graphql::Error::from)
        }))
    }
}
