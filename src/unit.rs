//! The unit of work: the one seam every write goes through (CONVENTIONS, "One unit of work per
//! write"; crates.io's `publish.rs`). It carries the transaction, the actor, the request's
//! metadata and the domain events raised so far. Services write through its transaction, record
//! their audit events and raise domain events on it; [`UnitOfWork::commit`] writes the raised
//! events to the outbox with the next numbers of their tenant's sequence, commits, and only then
//! tells the event bus. Dropped without commit (an error, a panic), it rolls back and nothing is
//! published.

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;

use chrono::Utc;
use entity::{domain_event, event_head};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QuerySelect, Set, Statement, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditRecord, RequestMeta};
use crate::auth::Principal;
use crate::error::{AppError, Result};
use crate::events::bus::{CHANNEL, pointer};
use crate::events::{DomainEvent, EventBus};
use crate::jobs::{NewJob, Wake};

/// A domain's reaction to the events raised in a unit of work, run inside it before commit: how
/// a change in one domain reaches a higher one without the lower naming it (a tender's closure
/// cancels its matches; a consultant's new skills re-score theirs). Reactions may raise events
/// of their own, which are reacted to in turn; an error aborts the whole unit.
/// A reaction is given the event's tenant (a unit acting as the system has no tenant of its
/// own).
pub type Reaction = for<'a> fn(&'a UnitOfWork, Uuid, &'a DomainEvent) -> BoxFuture<'a, Result<()>>;

/// Who a unit of work acts for.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A signed-in user.
    User(Principal),
    /// Someone not signed in yet (sign-up, sign-in, refresh, accepting an invitation): the
    /// service names the user in its audit record once it knows them.
    Anonymous,
    /// The server itself: the command line, maintenance, the demo seed.
    System,
    /// A workflow run, acting in its organisation through the same services as a user, with
    /// the permissions of `principal` (a MANAGER's; its `user_id` is the workflow's id).
    Workflow(WorkflowActor),
}

/// A workflow run as the actor of a unit of work.
#[derive(Debug, Clone)]
pub struct WorkflowActor {
    pub principal: Principal,
    pub workflow_id: Uuid,
    pub run_id: Uuid,
    /// How many runs led to this one through the events they raised.
    pub depth: i32,
}

/// One transaction's worth of writes, audit and events; see the module documentation.
pub struct UnitOfWork {
    txn: DatabaseTransaction,
    actor: Actor,
    meta: RequestMeta,
    /// Raised events with their tenant, in the order raised.
    events: std::sync::Mutex<Vec<(Uuid, DomainEvent)>>,
    bus: EventBus,
    jobs: Wake,
    /// Whether a job was enqueued: idle workers are woken after commit.
    enqueued: std::sync::atomic::AtomicBool,
    /// What a reaction keeps for the rest of the unit (see [`UnitOfWork::with_local`]).
    locals: std::sync::Mutex<Vec<Box<dyn std::any::Any + Send>>>,
    reactions: &'static [Reaction],
    /// The parts given at composition (`crate::extensions`).
    extensions: crate::extensions::Extensions,
}

impl UnitOfWork {
    /// Begins a transaction on `db` (the writer) for `actor`.
    pub async fn begin(
        db: &DatabaseConnection,
        bus: &EventBus,
        jobs: &Wake,
        reactions: &'static [Reaction],
        extensions: &crate::extensions::Extensions,
        actor: Actor,
        meta: RequestMeta,
    ) -> Result<Self> {
        Ok(UnitOfWork {
            txn: db.begin().await?,
            actor,
            meta,
            events: std::sync::Mutex::new(Vec::new()),
            bus: bus.clone(),
            jobs: jobs.clone(),
            enqueued: std::sync::atomic::AtomicBool::new(false),
            locals: std::sync::Mutex::new(Vec::new()),
            reactions,
            extensions: extensions.clone(),
        })
    }

    /// The parts given at composition (`crate::extensions`).
    pub fn extensions(&self) -> &crate::extensions::Extensions {
        &self.extensions
    }

    /// The transaction every statement of the unit runs in.
    pub fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// The tenant of the acting user, for logs.
    pub fn tenant_id(&self) -> Option<Uuid> {
        match &self.actor {
            Actor::User(p) => Some(p.tenant_id),
            Actor::Workflow(w) => Some(w.principal.tenant_id),
            Actor::Anonymous | Actor::System => None,
        }
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Commits when the work succeeded; otherwise rolls back and hands on its error. For
    /// resolvers: `let done = service(&uow, …).await; uow.finish(done).await`.
    pub async fn finish<T>(self, done: Result<T>) -> Result<T> {
        let value = done?;
        self.commit().await?;
        Ok(value)
    }

    /// The signed-in user acting, or `UNAUTHENTICATED`.
    pub fn principal(&self) -> Result<&Principal> {
        match &self.actor {
            Actor::User(p) => Ok(p),
            Actor::Workflow(w) => Ok(&w.principal),
            Actor::Anonymous | Actor::System => {
                Err(AppError::Unauthenticated("sign in to use this operation"))
            }
        }
    }

    /// Appends `record` to the acting user's tenant's audit chain, in this transaction.
    pub async fn audit(&self, record: AuditRecord) -> Result<()> {
        let p = self.principal()?;
        let record = match &self.actor {
            // The workflow, not a user, did it.
            Actor::Workflow(w) => record.actor_label(Some(w.workflow_id), "WORKFLOW"),
            _ => record,
        };
        audit::record(&self.txn, p.tenant_id, Some(p), &self.meta, record).await?;
        Ok(())
    }

    /// Appends `record` to `tenant_id`'s audit chain, in this transaction: for actors that are
    /// not a signed-in user of that tenant (the record names the actor).
    pub async fn audit_for(&self, tenant_id: Uuid, record: AuditRecord) -> Result<()> {
        let principal = match &self.actor {
            Actor::User(p) if p.tenant_id == tenant_id => Some(p),
            _ => None,
        };
        audit::record(&self.txn, tenant_id, principal, &self.meta, record).await?;
        Ok(())
    }

    /// Raises `event` for the acting user's tenant; written at commit, published after it.
    pub fn raise(&self, event: DomainEvent) -> Result<()> {
        let tenant_id = self.principal()?.tenant_id;
        self.raise_for(tenant_id, event);
        Ok(())
    }

    /// Raises `event` for `tenant_id`.
    pub fn raise_for(&self, tenant_id: Uuid, event: DomainEvent) {
        self.events
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((tenant_id, event));
    }

    /// Runs `f` on this unit's value of type `T` (created empty on first use): what a reaction
    /// keeps between the events of one unit (rows it read once for all of them).
    pub fn with_local<T: Default + Send + 'static, R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut locals = self.locals.lock().unwrap_or_else(|p| p.into_inner());
        let index = match locals.iter().position(|l| l.is::<T>()) {
            Some(index) => index,
            None => {
                locals.push(Box::new(T::default()));
                locals.len() - 1
            }
        };
        match locals[index].downcast_mut::<T>() {
            Some(value) => f(value),
            None => f(&mut T::default()),
        }
    }

    /// Enqueues `job` in this transaction (see `jobs::enqueue`); workers are woken after commit.
    pub async fn enqueue(&self, job: NewJob) -> Result<Option<Uuid>> {
        let id = crate::jobs::enqueue(&self.txn, job).await?;
        self.enqueued
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Ok(id)
    }

    /// Writes the raised events to the outbox, commits, then wakes the event bus (and, on
    /// PostgreSQL, every other instance: the `NOTIFY` is part of the transaction).
    ///
    /// Each tenant's `event_head` row is locked from the first number taken until commit, so a
    /// tenant's numbers are gap-free and follow commit order: whoever sees number n committed
    /// can rely on every number before it being committed too.
    pub async fn commit(self) -> Result<()> {
        self.react().await?;
        let events = self.events.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut per_tenant: BTreeMap<Uuid, Vec<DomainEvent>> = BTreeMap::new();
        for (tenant_id, event) in events {
            per_tenant.entry(tenant_id).or_default().push(event);
        }
        let actor_id = match &self.actor {
            Actor::User(p) => Some(p.user_id),
            Actor::Workflow(w) => Some(w.workflow_id),
            Actor::Anonymous | Actor::System => None,
        };
        let mut reached = Vec::with_capacity(per_tenant.len());
        // Tenants in id order (a BTreeMap), so that two units never lock two heads crosswise.
        for (tenant_id, events) in per_tenant {
            let last = append(&self.txn, tenant_id, actor_id, &self.meta, events).await?;
            if self.txn.get_database_backend() == DatabaseBackend::Postgres {
                self.txn
                    .execute_raw(Statement::from_sql_and_values(
                        DatabaseBackend::Postgres,
                        "SELECT pg_notify($1, $2)",
                        [CHANNEL.into(), pointer(tenant_id, last).into()],
                    ))
                    .await?;
            }
            reached.push((tenant_id, last));
        }
        self.txn.commit().await?;
        for (tenant_id, last) in reached {
            self.bus.committed(tenant_id, last);
        }
        if self.enqueued.into_inner() {
            self.jobs.notify();
        }
        Ok(())
    }
}

impl UnitOfWork {
    /// Runs every reaction on every raised event, those the reactions raise included, in order.
    async fn react(&self) -> Result<()> {
        let mut next = 0;
        loop {
            let (tenant_id, event) = {
                let events = self.events.lock().unwrap_or_else(|p| p.into_inner());
                match events.get(next) {
                    Some(raised) => raised.clone(),
                    None => return Ok(()),
                }
            };
            for react in self.reactions {
                react(self, tenant_id, &event).await?;
            }
            next += 1;
        }
    }
}

/// Numbers and writes one tenant's events; returns the last number taken.
async fn append(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    actor_id: Option<Uuid>,
    meta: &RequestMeta,
    events: Vec<DomainEvent>,
) -> Result<i64> {
    event_head::Entity::insert(event_head::ActiveModel {
        tenant_id: Set(tenant_id),
        last_seq: Set(0),
    })
    .on_conflict_do_nothing_on([event_head::Column::TenantId])
    .exec(txn)
    .await?;
    #[expect(
        clippy::disallowed_methods,
        reason = "the head of the tenant whose events this unit raised"
    )]
    let head = event_head::Entity::find_by_id(tenant_id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("event head vanished inside its transaction"))?;
    let now = Utc::now();
    let mut seq = head.last_seq;
    let mut rows = Vec::with_capacity(events.len());
    for event in events {
        seq += 1;
        let payload = serde_json::to_string(&event)
            .map_err(|err| AppError::internal(format!("event does not serialise: {err}")))?;
        rows.push(domain_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(tenant_id),
            seq: Set(seq),
            kind: Set(event.kind().to_owned()),
            payload: Set(payload),
            actor_id: Set(actor_id),
            request_id: Set(meta.request_id.clone()),
            created_at: Set(now),
        });
    }
    domain_event::Entity::insert_many(rows).exec(txn).await?;
    let mut head: event_head::ActiveModel = head.into();
    head.last_seq = Set(seq);
    head.update(txn).await?;
    Ok(seq)
}
