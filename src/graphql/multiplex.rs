//! Subscriptions shared by everyone who would receive the same thing: one execution per
//! distinct (tenant, visibility, document, variables), its responses serialised once, the same
//! bytes written to every member's socket (Hasura's "multiplexed subscriptions"). With 10,000
//! subscribers of one dashboard, an event is resolved and serialised once instead of 10,000
//! times (`cargo bench --bench fanout`).
//!
//! What a subscription sends depends on the subscriber only through their [`Class`]: the
//! tenant, the role (permissions, row rules, the role-aware schema), the company of a CLIENT,
//! the consultant profile of a CONSULTANT, and the user themselves where the role sees no user
//! but itself (`tenancy::scope::users`). The group runs as a principal of that class with no
//! user of its own and no token; what stays per member is done by the member:
//!
//! - its end: its token's expiry, and `UserAccessChanged` / `AccessTokenRevoked` of its user or
//!   token, which the group hands to every member in sequence order ([`Shared::AccessChanged`],
//!   [`Shared::TokenRevoked`]);
//! - the audit of the fields denied to it (the group collects the denials of each response
//!   instead of writing them: [`Feed::denied`]);
//! - where it starts: events up to the tenant's last one when it joined are skipped (a group
//!   starts from its first member's position, read before the group opens its events);
//! - falling behind: a member too many responses behind its group (its socket is
//!   slow) leaves it and replays privately, with `after`, from the last event it received
//!   (`Limits::subscription_backlog`).
//!
//! The first subscriber with a key runs its subscription on its own (as without groups), and
//! the group starts with the second: a subscription nobody shares costs no group's task and
//! channel on top of its own execution. A subscription with `after` is not shared (its replay
//! is its own), nor is an anonymous one.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll, ready};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};
use async_graphql::{Name, PathSegment, Pos, Request, Response, Variables};
use async_graphql_value::{ConstValue, Value};
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt as _, StreamExt as _};
use tokio::sync::{broadcast, oneshot};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use uuid::Uuid;

use super::order::RootOrder;
use crate::audit::RequestMeta;
use crate::auth::{Permission, Principal};
use crate::error::{AppError, ensure_codes};
use crate::events::{DomainEvent, StoredEvent};
use crate::state::AppState;

/// Everything of a principal that what a subscription sends may depend on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Class {
    tenant_id: Uuid,
    role: entity::Role,
    company_id: Option<Uuid>,
    consultant_id: Option<Uuid>,
    /// Only for a role that sees no user but itself.
    user_id: Option<Uuid>,
}

impl Class {
    fn of(p: &Principal) -> Class {
        Class {
            tenant_id: p.tenant_id,
            role: p.role,
            company_id: p.company_id,
            consultant_id: p.consultant_id,
            user_id: (!p.can(Permission::UserRead)).then_some(p.user_id),
        }
    }

    /// The principal the group runs as: no token (it never expires), and no user where none
    /// is part of the class, so that nothing it reads can be one member's own.
    fn principal(&self) -> Principal {
        Principal {
            user_id: self.user_id.unwrap_or(Uuid::nil()),
            tenant_id: self.tenant_id,
            role: self.role,
            company_id: self.company_id,
            consultant_id: self.consultant_id,
            token: None,
        }
    }
}

/// What makes two subscriptions the same one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupKey {
    class: Class,
    query: String,
    operation_name: Option<String>,
    /// The variables as JSON.
    variables: String,
}

/// The root field of a shared subscription: where a member's own errors are reported.
#[derive(Clone, Debug)]
struct RootField {
    key: Name,
    pos: Pos,
    /// How its `after` argument is given, to replay from a number.
    after: AfterArgument,
}

impl RootField {
    fn server_error(&self, err: AppError) -> async_graphql::ServerError {
        async_graphql::Error::from(err)
            .into_server_error(self.pos)
            .with_path(vec![PathSegment::Field(self.key.to_string())])
    }
}

#[derive(Clone, Debug)]
enum AfterArgument {
    Absent,
    Null,
    Variable(Name),
}

/// What a group's members share of the request they all sent: enough to start a member's
/// own replay when it falls behind (the document is parsed again then: a replay is rare, and a
/// copy of it per group is not).
pub struct Template {
    query: String,
    operation_name: Option<String>,
    variables: Variables,
    root: RootField,
}

impl Template {
    /// The request again, replaying the events after `after`.
    pub fn replay(&self, after: i64) -> Request {
        let mut request = Request::new(self.query.clone()).variables(self.variables.clone());
        request.operation_name = self.operation_name.clone();
        match &self.root.after {
            AfterArgument::Variable(name) => {
                request
                    .variables
                    .insert(name.clone(), ConstValue::Number(after.into()));
            }
            AfterArgument::Absent | AfterArgument::Null => {
                // It parsed when the subscription started; should it not, the engine reports it.
                if let Ok(mut doc) = async_graphql::parser::parse_query(&self.query) {
                    if let Some(field) = root_field_mut(&mut doc, self.operation_name.as_deref()) {
                        field.arguments.retain(|(arg, _)| arg.node != "after");
                        field.arguments.push((
                            async_graphql::Positioned::new(Name::new("after"), Pos::default()),
                            async_graphql::Positioned::new(
                                Value::Number(after.into()),
                                Pos::default(),
                            ),
                        ));
                    }
                    request.set_parsed_query(doc);
                }
            }
        }
        request
    }

    /// An error at the subscription's field.
    pub fn server_error(&self, err: AppError) -> async_graphql::ServerError {
        self.root.server_error(err)
    }

    /// A member's own error, at the subscription's field.
    pub fn error(&self, err: AppError) -> Response {
        let mut response = Response::from_errors(vec![self.server_error(err)]);
        ensure_codes(&mut response);
        response
    }
}

fn root_field_mut<'a>(
    doc: &'a mut ExecutableDocument,
    operation: Option<&str>,
) -> Option<&'a mut async_graphql::parser::types::Field> {
    let op = match (&mut doc.operations, operation) {
        (DocumentOperations::Single(op), _) => op,
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get_mut(name)?,
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values_mut().next()?,
        _ => return None,
    };
    match op.node.selection_set.node.items.as_mut_slice() {
        [item] => match &mut item.node {
            Selection::Field(field) => Some(&mut field.node),
            _ => None,
        },
        _ => None,
    }
}

/// A subscription that can be shared, and the group it joins.
pub struct Shareable {
    key: GroupKey,
    root: RootField,
}

/// The group a subscription may join, if it can be shared: a signed-in subscriber, one root
/// field (no fragment), no `after`.
pub fn shareable(request: &mut Request, principal: Option<&Principal>) -> Option<Shareable> {
    let principal = principal?;
    let variables = request.variables.clone();
    let operation_name = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    let op = super::order::operation(doc, operation_name.as_deref())?;
    let [item] = op.node.selection_set.node.items.as_slice() else {
        return None;
    };
    let Selection::Field(field) = &item.node else {
        return None;
    };
    let after = match field
        .node
        .arguments
        .iter()
        .find(|(name, _)| name.node == "after")
    {
        None => AfterArgument::Absent,
        Some((_, value)) => match &value.node {
            Value::Null => AfterArgument::Null,
            Value::Variable(name) => {
                let given = variables.get(name).is_some_and(|v| *v != ConstValue::Null);
                let defaulted = op.node.variable_definitions.iter().any(|def| {
                    def.node.name.node == *name
                        && def
                            .node
                            .default_value
                            .as_ref()
                            .is_some_and(|d| d.node != ConstValue::Null)
                });
                if given || defaulted {
                    return None;
                }
                AfterArgument::Variable(name.clone())
            }
            _ => return None,
        },
    };
    let root = RootField {
        key: field.node.response_key().node.clone(),
        pos: field.pos,
        after,
    };
    let variables = serde_json::to_string(&variables).ok()?;
    let key = GroupKey {
        class: Class::of(principal),
        query: request.query.clone(),
        operation_name,
        variables,
    };
    Some(Shareable { key, root })
}

/// A field denied to the group's principal while it resolved a response: each member audits
/// it as its own denial.
#[derive(Clone, Debug)]
pub struct Denial {
    pub permission: Permission,
    pub path: String,
}

/// What a group hands to its members, in its events' order.
#[derive(Debug)]
pub enum Shared {
    /// A response: its JSON, the event it answers (none for one that answers no event: an
    /// error before the subscription started), the fields denied in it. After the `last`, the
    /// subscription is over.
    Response {
        seq: Option<i64>,
        payload: Box<str>,
        denials: Vec<Denial>,
        last: bool,
    },
    /// Subscriptions of this user end.
    AccessChanged { seq: i64, user_id: Uuid },
    /// Subscriptions of this token end.
    TokenRevoked { seq: i64, jti: Uuid },
    /// The events up to this one were not for the group.
    Progress { seq: i64 },
}

/// Events passed over in a row before a group's members hear of its position.
const PROGRESS_EVERY: u32 = 256;

impl Shared {
    /// A response's JSON.
    pub fn payload(&self) -> Option<&str> {
        match self {
            Shared::Response { payload, .. } => Some(payload),
            _ => None,
        }
    }
}

/// The group's side of its execution, in the request's data: the subscription's stream
/// (`graphql::live`) and the guards report through it.
pub struct Feed {
    sender: broadcast::Sender<Arc<Shared>>,
    /// The organisation's last event when the group's first member subscribed: the group
    /// delivers what comes after it.
    start: i64,
    /// The event of the item being resolved.
    seq: AtomicI64,
    /// Events passed over (not for this group) since its members last heard of its position.
    quiet: AtomicU32,
    /// The subscription's events are open (until then, a response is an error that ends it).
    opened: AtomicBool,
    /// The subscription's stream has ended (its last item was an error).
    ended: AtomicBool,
    denials: Mutex<Vec<Denial>>,
}

impl Feed {
    pub fn start(&self) -> i64 {
        self.start
    }

    pub fn opened(&self) {
        self.opened.store(true, Ordering::Release);
    }

    /// The item about to be resolved answers event `seq`.
    pub fn at(&self, seq: i64) {
        self.seq.store(seq, Ordering::Release);
        self.quiet.store(0, Ordering::Relaxed);
    }

    /// Event `seq` is not for this group. Every [`PROGRESS_EVERY`] such events in a row, the
    /// members hear of the position, so that one that falls behind replays from near there,
    /// not from where it joined.
    pub fn passed(&self, seq: i64) {
        if self.quiet.fetch_add(1, Ordering::Relaxed) + 1 >= PROGRESS_EVERY {
            self.quiet.store(0, Ordering::Relaxed);
            let _ = self.sender.send(Arc::new(Shared::Progress { seq }));
        }
    }

    pub fn ended(&self) {
        self.ended.store(true, Ordering::Release);
    }

    /// Hands an event that ends some members' subscriptions to all of them (each looks
    /// whether it is theirs); `false` for any other event.
    pub fn access(&self, event: &StoredEvent) -> bool {
        let shared = match &event.event {
            DomainEvent::UserAccessChanged { user_id } => Shared::AccessChanged {
                seq: event.seq,
                user_id: *user_id,
            },
            DomainEvent::AccessTokenRevoked { jti, .. } => Shared::TokenRevoked {
                seq: event.seq,
                jti: *jti,
            },
            _ => return false,
        };
        // No member left: the group is ending.
        let _ = self.sender.send(Arc::new(shared));
        true
    }

    /// A guard denied `permission` at `path`: audited by each member that receives it.
    pub fn denied(&self, permission: Permission, path: String) {
        self.denials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Denial { permission, path });
    }
}

/// What the registry knows of a subscription.
enum Entry {
    /// One subscriber runs it, on its own: the next one starts a group (a subscription nobody
    /// shares costs what it did before groups, not a group's task and channel more).
    Alone { id: u64, marker: Weak<Alone> },
    /// Its group.
    Group {
        id: u64,
        lease: Weak<Lease>,
        sender: broadcast::Sender<Arc<Shared>>,
    },
}

impl Entry {
    fn id(&self) -> u64 {
        match self {
            Entry::Alone { id, .. } | Entry::Group { id, .. } => *id,
        }
    }
}

/// The registration of a subscriber that runs its subscription on its own, as the first with
/// its key: while it is held, the next subscriber with the key starts a group.
pub struct Alone {
    id: u64,
    key: GroupKey,
    groups: Arc<Groups>,
}

impl Drop for Alone {
    fn drop(&mut self) {
        self.groups.remove(&self.key, self.id);
    }
}

/// Where a subscriber of a shareable subscription goes.
pub enum Joined {
    /// On its own, with its request back (it is the first with its key).
    Alone(Arc<Alone>, Box<Request>),
    /// Into a group; `started` when this subscriber started it (from its position).
    Member {
        lease: Arc<Lease>,
        receiver: broadcast::Receiver<Arc<Shared>>,
        started: bool,
    },
}

/// The shared subscriptions of this instance.
pub struct Groups {
    entries: Mutex<HashMap<GroupKey, Entry>>,
    next_id: AtomicU64,
    /// Responses a member may fall behind.
    backlog: usize,
    gauge: prometheus::IntGauge,
}

/// A member's hold on its group: the last one gone, the group stops.
pub struct Lease {
    id: u64,
    key: GroupKey,
    groups: Arc<Groups>,
    template: Arc<Template>,
    _stop: oneshot::Sender<()>,
}

impl Lease {
    pub fn template(&self) -> &Arc<Template> {
        &self.template
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.groups.remove(&self.key, self.id);
    }
}

/// What a group is started with: its request (the first member's, with the group's principal
/// and feed to be attached), how to run it, and how to order its responses.
pub struct Start<F> {
    pub request: Request,
    pub order: Option<RootOrder>,
    /// Runs the request as the given principal, with the feed in its data.
    pub execute: F,
}

impl Groups {
    pub fn new(backlog: usize, gauge: prometheus::IntGauge) -> Arc<Groups> {
        Arc::new(Groups {
            entries: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            backlog: backlog.max(1),
            gauge,
        })
    }

    fn remove(&self, key: &GroupKey, id: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.get(key).is_some_and(|e| e.id() == id) {
            entries.remove(key);
        }
    }

    /// The running group of `key`, joined; or, when no subscriber has the key, this one
    /// registered as running it on its own; or nothing: a group is to be started.
    fn existing<F>(
        self: &Arc<Self>,
        key: &GroupKey,
        start: Start<F>,
    ) -> Result<Joined, Box<Start<F>>> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(key) {
            Some(Entry::Group { lease, sender, .. }) => {
                if let Some(lease) = lease.upgrade() {
                    return Ok(Joined::Member {
                        lease,
                        receiver: sender.subscribe(),
                        started: false,
                    });
                }
            }
            Some(Entry::Alone { marker, .. }) if marker.strong_count() > 0 => {
                return Err(Box::new(start));
            }
            _ => {}
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let alone = Arc::new(Alone {
            id,
            key: key.clone(),
            groups: self.clone(),
        });
        entries.insert(
            key.clone(),
            Entry::Alone {
                id,
                marker: Arc::downgrade(&alone),
            },
        );
        Ok(Joined::Alone(alone, Box::new(start.request)))
    }

    /// Joins the group of the subscription, starting it (with the events after `from`) when
    /// another subscriber already runs it alone; the first subscriber with its key runs it on
    /// its own.
    pub fn join<F>(self: &Arc<Self>, shareable: Shareable, start: Start<F>, from: i64) -> Joined
    where
        F: FnOnce(Request, Principal) -> BoxStream<'static, Response>,
    {
        let Shareable { key, root } = shareable;
        let start = match self.existing(&key, start) {
            Ok(joined) => return joined,
            Err(start) => *start,
        };
        // Built without the registry's lock (the request's loaders, the group's channel);
        // the lock is held only to look again and insert.
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = broadcast::channel(self.backlog);
        let (stop, stopped) = oneshot::channel();
        let Start {
            request,
            order,
            execute,
        } = start;
        let template = Arc::new(Template {
            query: request.query.clone(),
            operation_name: request.operation_name.clone(),
            variables: request.variables.clone(),
            root,
        });
        let feed = Arc::new(Feed {
            sender: sender.clone(),
            start: from,
            seq: AtomicI64::new(0),
            quiet: AtomicU32::new(0),
            opened: AtomicBool::new(false),
            ended: AtomicBool::new(false),
            denials: Mutex::new(Vec::new()),
        });
        let responses = execute(request.data(feed.clone()), key.class.principal());
        let lease = Arc::new(Lease {
            id,
            key: key.clone(),
            groups: self.clone(),
            template,
            _stop: stop,
        });
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(Entry::Group {
            lease: running,
            sender: running_sender,
            ..
        }) = entries.get(&key)
            && let Some(running) = running.upgrade()
        {
            // Started by another subscriber meanwhile: that one is joined, this one never runs
            // (its lease is dropped once the lock is released).
            let joined = Joined::Member {
                lease: running,
                receiver: running_sender.subscribe(),
                started: false,
            };
            drop(entries);
            return joined;
        }
        entries.insert(
            key.clone(),
            Entry::Group {
                id,
                lease: Arc::downgrade(&lease),
                sender,
            },
        );
        drop(entries);
        tokio::spawn(run(Run {
            groups: self.clone(),
            key,
            id,
            responses,
            order,
            feed,
            stopped,
            _running: crate::metrics::Held::new(&self.gauge),
        }));
        Joined::Member {
            lease,
            receiver,
            started: true,
        }
    }
}

/// A group's execution.
struct Run {
    groups: Arc<Groups>,
    key: GroupKey,
    id: u64,
    responses: BoxStream<'static, Response>,
    order: Option<RootOrder>,
    feed: Arc<Feed>,
    /// Resolves when the last member is gone.
    stopped: oneshot::Receiver<()>,
    _running: crate::metrics::Held,
}

/// Runs a group until its subscription ends or its last member leaves: each response ordered,
/// coded and serialised once, then handed to every member.
async fn run(mut run: Run) {
    loop {
        let response = tokio::select! {
            biased;
            _ = &mut run.stopped => break,
            response = run.responses.next() => response,
        };
        let Some(response) = response else { break };
        let mut response = super::prepare::Checked::finish(run.order.as_ref(), response);
        ensure_codes(&mut response);
        let opened = run.feed.opened.load(Ordering::Acquire);
        let last = !opened || run.feed.ended.load(Ordering::Acquire);
        let payload = match serde_json::to_string(&response) {
            Ok(payload) => payload,
            Err(err) => {
                tracing::error!(error = %err, "a subscription's response could not be serialised");
                break;
            }
        };
        let denials =
            std::mem::take(&mut *run.feed.denials.lock().unwrap_or_else(|p| p.into_inner()));
        if last {
            // Gone from the registry before its last response: who joins after it starts anew
            // instead of missing it.
            run.groups.remove(&run.key, run.id);
        }
        let _ = run.feed.sender.send(Arc::new(Shared::Response {
            // A last response (an error) reaches every member, whatever its position.
            seq: (!last).then(|| run.feed.seq.load(Ordering::Acquire)),
            payload: payload.into_boxed_str(),
            denials,
            last,
        }));
        if last {
            break;
        }
    }
}

impl Drop for Run {
    /// However the group ends (its stream over, its last member gone, a panic in a resolver),
    /// it leaves the registry and its members' channel closes: they complete.
    fn drop(&mut self) {
        self.groups.remove(&self.key, self.id);
    }
}

/// What a member's subscription produces next.
#[expect(
    clippy::large_enum_variant,
    reason = "handed over once per delivery: a copy costs less than boxing the response"
)]
pub enum Next {
    /// The group's response (a [`Shared::Response`]).
    Shared(Arc<Shared>),
    /// The member's own response (its end).
    Own(Response),
    /// The member fell behind its group: it replays on its own the events after this number.
    Behind(i64),
}

/// A subscriber of a shareable subscription.
pub enum Subscribed {
    /// The first with its key: it runs its request on its own, registered while it holds this.
    Alone(Arc<Alone>, Box<Request>),
    Member(Box<Member>),
}

/// One subscriber of a group.
pub struct Member {
    events: BroadcastStream<Arc<Shared>>,
    lease: Arc<Lease>,
    /// The last event number handed out (or skipped: those up to the tenant's last event when
    /// the member joined).
    position: i64,
    principal: Arc<Principal>,
    meta: RequestMeta,
    state: AppState,
    expiry: Pin<Box<tokio::time::Sleep>>,
    /// Permissions already denied (and audited) in this subscription.
    denied: Vec<Permission>,
    /// The denials of a response being audited before it is sent.
    auditing: Option<(BoxFuture<'static, ()>, Arc<Shared>)>,
    ended: bool,
    /// Counts the subscription as live (`/metrics`) until it ends.
    _live: crate::metrics::Held,
}

impl Member {
    /// Joins the subscription's group as `principal`, from the tenant's last event on; or,
    /// as the first subscriber with its key, hands its request back to be run on its own.
    pub async fn join<F>(
        state: &AppState,
        groups: &Arc<Groups>,
        shareable: Shareable,
        start: Start<F>,
        principal: Principal,
        meta: RequestMeta,
    ) -> Result<Subscribed, async_graphql::ServerError>
    where
        F: FnOnce(Request, Principal) -> BoxStream<'static, Response>,
    {
        let db = state.for_reads().db;
        let tenant_id = principal.tenant_id;
        // Where a group this subscriber starts begins (it opens its events a moment later).
        let from = match crate::events::stream::head(&db, tenant_id).await {
            Ok(head) => head,
            Err(err) => return Err(shareable.root.server_error(err)),
        };
        let (lease, receiver, started) = match groups.join(shareable, start, from) {
            Joined::Alone(alone, request) => return Ok(Subscribed::Alone(alone, request)),
            Joined::Member {
                lease,
                receiver,
                started,
            } => (lease, receiver, started),
        };
        let position = if started {
            from
        } else {
            // Read after joining: every event after it reaches the member through the group.
            match crate::events::stream::head(&db, tenant_id).await {
                Ok(position) => position,
                Err(err) => return Err(lease.template().server_error(err)),
            }
        };
        let left = super::live::time_left(&principal);
        Ok(Subscribed::Member(Box::new(Member {
            events: BroadcastStream::new(receiver),
            lease,
            position,
            principal: Arc::new(principal),
            meta,
            state: state.clone(),
            expiry: Box::pin(tokio::time::sleep(left)),
            denied: Vec::new(),
            auditing: None,
            ended: false,
            _live: crate::metrics::Held::new(&state.metrics.subscriptions),
        })))
    }

    pub fn template(&self) -> &Arc<Template> {
        self.lease.template()
    }

    /// The member's own end, with an error.
    fn end(&mut self, err: AppError) -> Poll<Option<Next>> {
        self.ended = true;
        Poll::Ready(Some(Next::Own(self.template().error(err))))
    }

    /// Audits the denials of `response` this member has not had yet; `None` when there are
    /// none.
    fn audit(&mut self, denials: &[Denial]) -> Option<BoxFuture<'static, ()>> {
        let fresh: Vec<Denial> = denials
            .iter()
            .filter(|d| {
                let new = !self.denied.contains(&d.permission);
                if new {
                    self.denied.push(d.permission);
                }
                new
            })
            .cloned()
            .collect();
        if fresh.is_empty() {
            return None;
        }
        let (state, principal, meta) = (
            self.state.clone(),
            self.principal.clone(),
            self.meta.clone(),
        );
        Some(Box::pin(async move {
            for denial in fresh {
                let recorded = crate::audit::record_denial(
                    state.writer(),
                    &principal,
                    &meta,
                    denial.permission.as_str(),
                    &denial.path,
                    state.config.audit.denial_window,
                )
                .await;
                if let Err(err) = recorded {
                    err.log_if_internal();
                    tracing::warn!(error = %err, "a denial in a subscription was not audited");
                }
            }
        }))
    }

    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Next>> {
        loop {
            if let Some((auditing, shared)) = &mut self.auditing {
                ready!(auditing.poll_unpin(cx));
                let shared = shared.clone();
                self.auditing = None;
                return Poll::Ready(Some(Next::Shared(shared)));
            }
            if self.ended {
                return Poll::Ready(None);
            }
            let shared = match self.events.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(shared))) => shared,
                Poll::Ready(Some(Err(BroadcastStreamRecvError::Lagged(_)))) => {
                    self.ended = true;
                    return Poll::Ready(Some(Next::Behind(self.position)));
                }
                // The group ended with the subscription's stream (the server is stopping).
                Poll::Ready(None) => return Poll::Ready(None),
                // The expiry timer is looked at only while nothing is ready (a delivery does
                // not touch the timer wheel).
                Poll::Pending => {
                    ready!(self.expiry.as_mut().poll(cx));
                    return self.end(AppError::Unauthenticated("the access token expired"));
                }
            };
            match &*shared {
                Shared::Response { seq: Some(seq), .. } if *seq <= self.position => {}
                Shared::Response {
                    seq, denials, last, ..
                } => {
                    if let Some(seq) = seq {
                        self.position = *seq;
                    }
                    self.ended = *last;
                    match self.audit(denials) {
                        Some(auditing) => self.auditing = Some((auditing, shared.clone())),
                        None => return Poll::Ready(Some(Next::Shared(shared.clone()))),
                    }
                }
                Shared::AccessChanged { seq, user_id } if *seq > self.position => {
                    self.position = *seq;
                    if *user_id == self.principal.user_id {
                        return self.end(AppError::Unauthenticated(
                            "your access changed; sign in and subscribe again",
                        ));
                    }
                }
                Shared::TokenRevoked { seq, jti } if *seq > self.position => {
                    self.position = *seq;
                    if self.principal.token.is_some_and(|t| t.jti == *jti) {
                        return self.end(AppError::Unauthenticated(
                            "your access changed; sign in and subscribe again",
                        ));
                    }
                }
                Shared::Progress { seq } => self.position = self.position.max(*seq),
                Shared::AccessChanged { .. } | Shared::TokenRevoked { .. } => {}
            }
        }
    }
}
