//! One tenant's committed events as a stream: in sequence order, each once, replaying from the
//! outbox what came after a given number before going live.

use std::collections::VecDeque;
use std::sync::Arc;

use entity::event_head;
use futures_util::Stream;
use sea_orm::{DatabaseConnection, EntityTrait};
use tokio::sync::broadcast::{self, error::RecvError};
use uuid::Uuid;

use super::bus::{EventBus, PAGE, StoredEvent, read_after};
use crate::error::Result;

/// The first number of the tenant's events still in the outbox (`None` when none is).
async fn oldest(db: &DatabaseConnection, tenant_id: Uuid) -> Result<Option<i64>> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _, QueryOrder as _};
    #[expect(
        clippy::disallowed_methods,
        reason = "the outbox is read by the tenant id of the caller's principal"
    )]
    let first = entity::domain_event::Entity::find()
        .filter(entity::domain_event::Column::TenantId.eq(tenant_id))
        .order_by_asc(entity::domain_event::Column::Seq)
        .one(db)
        .await?;
    Ok(first.map(|e| e.seq))
}

/// The tenant's last event number now (0 before its first event).
pub async fn head(db: &DatabaseConnection, tenant_id: Uuid) -> Result<i64> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the head is read by the tenant id of the caller's principal"
    )]
    let head = event_head::Entity::find_by_id(tenant_id).one(db).await?;
    Ok(head.map_or(0, |h| h.last_seq))
}

/// One tenant's events from a position on: see [`events`]. Its [`Events::next`] is awaited in
/// place by the subscription it feeds (no boxed stream per subscriber in between).
pub struct Events {
    live: broadcast::Receiver<Arc<StoredEvent>>,
    db: DatabaseConnection,
    tenant_id: Uuid,
    /// The last number handed out.
    position: i64,
    /// Read from the outbox, not yet handed out.
    backlog: VecDeque<Arc<StoredEvent>>,
    /// The outbox holds events after `position` that the live channel will not bring.
    catch_up: bool,
}

impl Events {
    /// The next event in order; `None` once the bus is gone.
    pub async fn next(&mut self) -> Option<Result<Arc<StoredEvent>>> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                return Some(Ok(event));
            }
            if self.catch_up {
                match read_after(&self.db, self.tenant_id, self.position, PAGE).await {
                    Ok(page) => {
                        self.catch_up = page.len() as u64 == PAGE;
                        if let Some(last) = page.last() {
                            self.position = last.seq;
                        }
                        self.backlog.extend(page.into_iter().map(Arc::new));
                        continue;
                    }
                    Err(err) => return Some(Err(err)),
                }
            }
            match self.live.recv().await {
                Ok(event) if event.tenant_id != self.tenant_id || event.seq <= self.position => {}
                Ok(event) if event.seq == self.position + 1 => {
                    self.position = event.seq;
                    return Some(Ok(event));
                }
                // Something between was not seen live: the outbox has it.
                Ok(_) | Err(RecvError::Lagged(_)) => self.catch_up = true,
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// The tenant's events after `after` (replayed from the outbox, in order), then live ones;
/// without `after`, those committed from now on. A subscriber that falls behind the bus (it
/// holds a bounded number of events for it) reads what it missed from the outbox, so it never
/// sees a gap nor a duplicate, and a slow one costs the server no more memory than that bound.
pub async fn events(
    bus: &EventBus,
    db: DatabaseConnection,
    tenant_id: Uuid,
    after: Option<i64>,
) -> Result<impl Stream<Item = Result<Arc<StoredEvent>>> + Send + 'static> {
    let events = open(bus, db, tenant_id, after).await?;
    Ok(futures_util::stream::unfold(
        events,
        |mut events| async move {
            let event = events.next().await?;
            Some((event, events))
        },
    ))
}

/// [`events`], to be read with [`Events::next`].
pub async fn open(
    bus: &EventBus,
    db: DatabaseConnection,
    tenant_id: Uuid,
    after: Option<i64>,
) -> Result<Events> {
    // Subscribed before the position is read: nothing committed in between is missed.
    let live = bus.subscribe_tenant(tenant_id);
    let now = head(&db, tenant_id).await?;
    let position = match after {
        Some(after) if after > now => {
            return Err(crate::error::AppError::invalid(
                "after",
                format!("is past the organisation's last event ({now})"),
            ));
        }
        Some(after) if after < now => {
            // Events older than the retention are gone: a replay from there would have a gap.
            let first = oldest(&db, tenant_id).await?.unwrap_or(now + 1);
            if after + 1 < first {
                return Err(crate::error::AppError::invalid(
                    "after",
                    format!(
                        "events up to {} are no longer kept; subscribe without `after`",
                        first - 1
                    ),
                ));
            }
            after.max(0)
        }
        Some(after) => after.max(0),
        None => now,
    };
    Ok(Events {
        live,
        db,
        tenant_id,
        position,
        backlog: VecDeque::new(),
        catch_up: after.is_some(),
    })
}
