//! The event bus of one instance: committed outbox rows, handed to this instance's subscribers
//! in each tenant's sequence order, each once.
//!
//! A unit of work that commits tells the bus which tenant's sequence moved (`committed`); on
//! PostgreSQL it also sends `NOTIFY talentgraph_events, '<tenant>:<seq>'` inside its
//! transaction, which PostgreSQL delivers to every listening instance at commit and never for a
//! rolled-back one. The payload is a pointer, never the event: the dispatcher reads the rows
//! past its cursor from the outbox, so the 8,000-byte limit of a notification never matters and
//! a lost notification loses nothing (a sweep over `event_head` every few seconds, and on every
//! reconnection of the listener, catches up with whatever was missed).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{domain_event, event_head};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::{Notify, broadcast};
use uuid::Uuid;

use super::DomainEvent;
use crate::error::{AppError, Result};

/// The PostgreSQL channel every instance listens on.
pub const CHANNEL: &str = "talentgraph_events";

/// Rows read from the outbox per statement, when catching up or replaying.
pub const PAGE: u64 = 500;

/// A committed event, as subscribers receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Position in the tenant's sequence: gap-free, in commit order.
    pub seq: i64,
    pub actor_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub event: DomainEvent,
}

impl TryFrom<domain_event::Model> for StoredEvent {
    type Error = AppError;

    fn try_from(row: domain_event::Model) -> Result<Self> {
        let event = serde_json::from_str(&row.payload).map_err(|err| {
            AppError::internal(format!(
                "outbox row {} ({}) does not parse: {err}",
                row.id, row.kind
            ))
        })?;
        Ok(StoredEvent {
            id: row.id,
            tenant_id: row.tenant_id,
            seq: row.seq,
            actor_id: row.actor_id,
            created_at: row.created_at,
            event,
        })
    }
}

/// The `NOTIFY` payload of a commit: the tenant and the last number it reached.
pub fn pointer(tenant_id: Uuid, seq: i64) -> String {
    format!("{tenant_id}:{seq}")
}

fn parse_pointer(payload: &str) -> Option<(Uuid, i64)> {
    let (tenant, seq) = payload.split_once(':')?;
    Some((Uuid::parse_str(tenant).ok()?, seq.parse().ok()?))
}

/// Cheap to clone handle on the instance's bus.
#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    /// Every tenant's events (for consumers of all of them).
    sender: broadcast::Sender<Arc<StoredEvent>>,
    /// One tenant's events, for its subscribers: a subscriber is woken by its tenant's events
    /// only. Created on the first subscription, dropped once nobody listens.
    tenants: std::sync::Mutex<HashMap<Uuid, broadcast::Sender<Arc<StoredEvent>>>>,
    capacity: usize,
    /// Tenants whose sequence moved past what was dispatched, with the number it reached.
    pending: std::sync::Mutex<HashMap<Uuid, i64>>,
    /// Set when every tenant must be compared with the outbox (start, lost notifications).
    sweep: AtomicBool,
    /// What the dispatcher handed out, per tenant (a copy, for the outbox lag in `/metrics`).
    dispatched: std::sync::Mutex<HashMap<Uuid, i64>>,
    wake: Notify,
}

impl EventBus {
    /// A bus whose subscribers may fall `capacity` events behind before they must catch up
    /// from the outbox.
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(16);
        let (sender, _) = broadcast::channel(capacity);
        EventBus {
            inner: Arc::new(Inner {
                sender,
                tenants: std::sync::Mutex::new(HashMap::new()),
                capacity,
                pending: std::sync::Mutex::new(HashMap::new()),
                sweep: AtomicBool::new(true),
                dispatched: std::sync::Mutex::new(HashMap::new()),
                wake: Notify::new(),
            }),
        }
    }

    /// Live events from now on, every tenant's; see `stream::events` for a tenant's, in order,
    /// with replay.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<StoredEvent>> {
        self.inner.sender.subscribe()
    }

    /// Live events of one tenant from now on.
    pub fn subscribe_tenant(&self, tenant_id: Uuid) -> broadcast::Receiver<Arc<StoredEvent>> {
        let mut tenants = self.inner.tenants.lock().unwrap_or_else(|p| p.into_inner());
        tenants
            .entry(tenant_id)
            .or_insert_with(|| broadcast::channel(self.inner.capacity).0)
            .subscribe()
    }

    /// Hands a committed event to those listening: every tenant's consumers and its tenant's.
    fn publish(&self, event: StoredEvent) {
        let event = Arc::new(event);
        {
            let mut tenants = self.inner.tenants.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(sender) = tenants.get(&event.tenant_id) {
                if sender.receiver_count() == 0 {
                    tenants.remove(&event.tenant_id);
                } else {
                    let _ = sender.send(event.clone());
                }
            }
        }
        // No receiver is not an error: nobody on this instance is watching.
        let _ = self.inner.sender.send(event);
    }

    /// A unit of work committed the tenant's events up to `seq`.
    pub fn committed(&self, tenant_id: Uuid, seq: i64) {
        {
            let mut pending = self.inner.pending.lock().unwrap_or_else(|p| p.into_inner());
            let reached = pending.entry(tenant_id).or_insert(seq);
            *reached = (*reached).max(seq);
        }
        self.inner.wake.notify_one();
    }

    /// Every tenant is compared with the outbox on the dispatcher's next turn.
    pub fn request_sweep(&self) {
        self.inner.sweep.store(true, Ordering::SeqCst);
        self.inner.wake.notify_one();
    }

    /// Committed events this instance has not handed to its subscribers yet, given every
    /// tenant's last number (`heads`); tenants the dispatcher has not met yet count in full
    /// (it starts from the heads of its start, so they are the ones created since).
    pub fn lag(&self, heads: &HashMap<Uuid, i64>) -> i64 {
        let dispatched = self
            .inner
            .dispatched
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        heads
            .iter()
            .map(|(tenant, head)| (head - dispatched.get(tenant).copied().unwrap_or(0)).max(0))
            .sum()
    }

    fn take_pending(&self) -> HashMap<Uuid, i64> {
        std::mem::take(&mut *self.inner.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// The last number of every tenant's sequence.
pub async fn heads(db: &DatabaseConnection) -> Result<HashMap<Uuid, i64>> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the dispatcher serves every tenant of the instance"
    )]
    let rows = event_head::Entity::find().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|h| (h.tenant_id, h.last_seq))
        .collect())
}

/// A page of the tenant's committed events after `after`, in order.
pub async fn read_after(
    db: &DatabaseConnection,
    tenant_id: Uuid,
    after: i64,
    limit: u64,
) -> Result<Vec<StoredEvent>> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the outbox is read by tenant id, which every caller holds from its principal"
    )]
    let rows = domain_event::Entity::find()
        .filter(domain_event::Column::TenantId.eq(tenant_id))
        .filter(domain_event::Column::Seq.gt(after))
        .order_by_asc(domain_event::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter().map(StoredEvent::try_from).collect()
}

/// Deletes the events committed before `cutoff` from the outbox (every tenant's); returns how
/// many. The sequence heads stay: numbering goes on, and a subscriber asking for what was
/// pruned is told so (`stream::events`).
pub async fn prune(db: &DatabaseConnection, cutoff: DateTime<Utc>) -> Result<u64> {
    Ok(domain_event::Entity::delete_many()
        .filter(domain_event::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// The instance's dispatcher: until aborted, hands every committed event to the bus's
/// subscribers once, in each tenant's order. Starts from the sequence heads of the moment (the
/// past is for replays, `after`), and compares every tenant with the outbox every `sweep_every`
/// in case a notification was lost.
pub async fn dispatch(bus: EventBus, db: DatabaseConnection, sweep_every: Duration) {
    let mut cursors = loop {
        match heads(&db).await {
            Ok(heads) => break heads,
            Err(err) => {
                err.log_if_internal();
                tracing::warn!("event dispatcher waits for the database");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    bus.inner.sweep.store(false, Ordering::SeqCst);
    bus.inner
        .dispatched
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone_from(&cursors);
    let mut tick = tokio::time::interval(sweep_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = bus.inner.wake.notified() => {}
            _ = tick.tick() => bus.inner.sweep.store(true, Ordering::SeqCst),
        }
        let mut due = bus.take_pending();
        if bus.inner.sweep.swap(false, Ordering::SeqCst) {
            match heads(&db).await {
                Ok(heads) => due.extend(heads),
                Err(err) => {
                    err.log_if_internal();
                    bus.inner.sweep.store(true, Ordering::SeqCst);
                }
            }
        }
        for (tenant_id, reached) in due {
            let cursor = cursors.entry(tenant_id).or_insert(0);
            if let Err(err) = deliver(&bus, &db, tenant_id, cursor, reached).await {
                err.log_if_internal();
                // Tried again on the next sweep.
                bus.inner.sweep.store(true, Ordering::SeqCst);
            }
            let at = *cursor;
            bus.inner
                .dispatched
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(tenant_id, at);
        }
    }
}

/// Sends the tenant's events after `cursor` up to at least `reached`, moving the cursor.
async fn deliver(
    bus: &EventBus,
    db: &DatabaseConnection,
    tenant_id: Uuid,
    cursor: &mut i64,
    reached: i64,
) -> Result<()> {
    while *cursor < reached {
        let page = read_after(db, tenant_id, *cursor, PAGE).await?;
        let Some(last) = page.last().map(|e| e.seq) else {
            // The pointer ran ahead of what this connection sees yet; the sweep comes back.
            return Ok(());
        };
        for event in page {
            bus.publish(event);
        }
        *cursor = last;
    }
    Ok(())
}

/// Listens for other instances' commits on PostgreSQL until aborted, re-connecting after a
/// loss (and asking for a sweep, since notifications sent meanwhile are gone).
pub async fn listen(bus: EventBus, url: String) {
    loop {
        match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    bus.request_sweep();
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(note)) => match parse_pointer(note.payload()) {
                                Some((tenant_id, seq)) => bus.committed(tenant_id, seq),
                                None => tracing::warn!(
                                    payload = note.payload(),
                                    "ignored a malformed event notification"
                                ),
                            },
                            Ok(None) => bus.request_sweep(),
                            Err(err) => {
                                tracing::warn!(error = %err, "event listener lost PostgreSQL");
                                break;
                            }
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "cannot LISTEN for events"),
            },
            Err(err) => tracing::warn!(error = %err, "event listener cannot connect"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lag_counts_what_was_committed_and_not_handed_out() {
        let bus = EventBus::new(16);
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        bus.inner
            .dispatched
            .lock()
            .expect("lock")
            .extend([(a, 10), (b, 4)]);
        let heads = HashMap::from([(a, 12), (b, 4), (Uuid::now_v7(), 3)]);
        // 2 of a, none of b, all 3 of a tenant the dispatcher has not met.
        assert_eq!(bus.lag(&heads), 5);
    }

    #[test]
    fn pointers_round_trip_and_malformed_ones_are_refused() {
        let tenant = Uuid::now_v7();
        assert_eq!(parse_pointer(&pointer(tenant, 42)), Some((tenant, 42)));
        assert_eq!(parse_pointer("nonsense"), None);
        assert_eq!(parse_pointer(&format!("{tenant}:x")), None);
    }
}
