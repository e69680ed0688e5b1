//! The automation API (DESIGN §10, §13): workflows, their runs and the e-mail they sent, for
//! the organisation's staff.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{sent_email, workflow, workflow_run};
use serde_json::Value;

use super::model::{RetryPolicy, StepKind, Trigger, stored_steps};
use super::runs::{self, RunFilter, StepState, StepStatus, step_states};
use super::workflows::{self, TriggerInput, WorkflowFilter as WFilter, WorkflowInput};
use crate::auth::{Permission, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt, load_related, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::pagination::{self, ConnectionFields, Order, PageQuery};

/// The domain events a workflow may start on.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum EventType {
    /// A tender was created (DRAFT).
    TenderCreated,
    /// A tender's title, dates, budget, place or required skills changed.
    TenderUpdated,
    /// A tender was published (DRAFT → OPEN).
    TenderPublished,
    /// A tender moved along its life cycle otherwise (started, closed, cancelled).
    TenderStatusChanged,
    /// A tender was deleted.
    TenderDeleted,
    /// A consultant was added.
    ConsultantCreated,
    /// A consultant's profile, rate, availability or skills changed.
    ConsultantUpdated,
    /// A consultant was deleted.
    ConsultantDeleted,
    /// A match was made (generated or by hand).
    MatchCreated,
    /// A match was re-scored.
    MatchScoreChanged,
    /// A match moved along its life cycle (proposed, accepted, rejected, cancelled).
    MatchStatusChanged,
    /// A match was deleted.
    MatchDeleted,
    /// A collaboration began (a match was accepted).
    CollaborationCreated,
    /// A résumé was uploaded (its extraction is queued).
    ResumeUploaded,
    /// A résumé was read: its text and suggestions are ready.
    ResumeProcessed,
    /// A résumé could not be read, for good.
    ResumeFailed,
}

impl EventType {
    fn wire(self) -> &'static str {
        use EventType::*;
        match self {
            TenderCreated => "TENDER_CREATED",
            TenderUpdated => "TENDER_UPDATED",
            TenderPublished => "TENDER_PUBLISHED",
            TenderStatusChanged => "TENDER_STATUS_CHANGED",
            TenderDeleted => "TENDER_DELETED",
            ConsultantCreated => "CONSULTANT_CREATED",
            ConsultantUpdated => "CONSULTANT_UPDATED",
            ConsultantDeleted => "CONSULTANT_DELETED",
            MatchCreated => "MATCH_CREATED",
            MatchScoreChanged => "MATCH_SCORE_CHANGED",
            MatchStatusChanged => "MATCH_STATUS_CHANGED",
            MatchDeleted => "MATCH_DELETED",
            CollaborationCreated => "COLLABORATION_CREATED",
            ResumeUploaded => "RESUME_UPLOADED",
            ResumeProcessed => "RESUME_PROCESSED",
            ResumeFailed => "RESUME_FAILED",
        }
    }

    const ALL: [EventType; 16] = [
        EventType::TenderCreated,
        EventType::TenderUpdated,
        EventType::TenderPublished,
        EventType::TenderStatusChanged,
        EventType::TenderDeleted,
        EventType::ConsultantCreated,
        EventType::ConsultantUpdated,
        EventType::ConsultantDeleted,
        EventType::MatchCreated,
        EventType::MatchScoreChanged,
        EventType::MatchStatusChanged,
        EventType::MatchDeleted,
        EventType::CollaborationCreated,
        EventType::ResumeUploaded,
        EventType::ResumeProcessed,
        EventType::ResumeFailed,
    ];

    fn from_stored(stored: &str) -> Option<EventType> {
        let wire = Trigger::event_type_of(stored)?;
        EventType::ALL.into_iter().find(|e| e.wire() == wire)
    }
}

/// What starts a workflow.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::TriggerKind")]
pub enum TriggerKind {
    /// A domain event of the organisation (`event`).
    Event,
    /// A cron schedule in a time zone (`cron`, `timezone`).
    Schedule,
    /// Someone calls `runWorkflow`.
    Manual,
    /// A signed `POST /hooks/<workflow id>` from another system (n8n, Zapier, a client's).
    Webhook,
}

/// Where a run stands: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RunStatus")]
pub enum RunStatus {
    /// Waiting for a worker (or, for runs on one entity, for the run before it).
    Queued,
    /// A worker is running its steps.
    Running,
    /// Every step succeeded.
    Succeeded,
    /// A step failed its last attempt (see `error`); `retryWorkflowRun` runs it again.
    Failed,
    /// Cancelled before it ended.
    Cancelled,
}

pub struct Workflow(pub workflow::Model);

pub struct WorkflowTrigger<'a>(&'a workflow::Model);

/// What starts a workflow.
#[Object]
impl WorkflowTrigger<'_> {
    /// EVENT, SCHEDULE, MANUAL or WEBHOOK.
    async fn kind(&self) -> TriggerKind {
        self.0.trigger_kind.into()
    }
    /// For EVENT triggers.
    async fn event(&self) -> Option<EventType> {
        self.0
            .trigger_event
            .as_deref()
            .and_then(EventType::from_stored)
    }
    /// For SCHEDULE triggers: the cron expression (5 fields, or 6 with seconds).
    async fn cron(&self) -> Option<&str> {
        self.0.cron.as_deref()
    }
    /// For SCHEDULE triggers: the IANA time zone the expression is read in.
    async fn timezone(&self) -> Option<&str> {
        self.0.timezone.as_deref()
    }
    /// For enabled SCHEDULE triggers: when the next run is due.
    async fn next_run_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_tick_at
    }
}

pub struct WorkflowStep {
    index: usize,
    kind: StepKind,
    config: Value,
    retry: RetryPolicy,
}

/// One step of a workflow.
#[Object]
impl WorkflowStep {
    /// Its place in the workflow, from 0.
    async fn index(&self) -> i32 {
        i32::try_from(self.index).unwrap_or(i32::MAX)
    }
    /// What it does.
    async fn kind(&self) -> StepKind {
        self.kind
    }
    /// The step's configuration (see `StepKind`).
    async fn config(&self) -> Json<&Value> {
        Json(&self.config)
    }
    /// Attempts in all, the first included.
    async fn retry_attempts(&self) -> i32 {
        i32::try_from(self.retry.attempts).unwrap_or(1)
    }
    /// The wait before the first retry; each further one doubles it (with jitter).
    async fn retry_initial_delay_seconds(&self) -> f64 {
        self.retry.initial_delay_seconds
    }
}

/// Where the job executing a run stands in the durable queue.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::JobState")]
pub enum JobState {
    /// Waiting for a worker (or for its next attempt, `runAt`).
    Queued,
    /// Held by a worker under a lease.
    Running,
    /// Done.
    Succeeded,
    /// Failed its last attempt (see `lastError`); `retryWorkflowRun` queues it again.
    Dead,
    /// Cancelled before a worker took it.
    Cancelled,
}

pub struct RunJob(entity::job::Model);

/// The job that executes a run, as the queue holds it: for operators looking into a run.
#[Object]
impl RunJob {
    /// QUEUED, RUNNING, SUCCEEDED, DEAD or CANCELLED.
    async fn state(&self) -> JobState {
        self.0.state.into()
    }
    /// Times a worker took it (the current attempt included).
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// Attempts it may take in all.
    async fn max_attempts(&self) -> i32 {
        self.0.max_attempts
    }
    /// Not taken before this moment (a retry backing off).
    async fn run_at(&self) -> DateTime<Utc> {
        self.0.run_at
    }
    /// While RUNNING: until when its worker holds it without renewing.
    async fn locked_until(&self) -> Option<DateTime<Utc>> {
        self.0.locked_until
    }
    /// Why its last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
}

/// An automation of the organisation: a trigger, an optional condition, ordered steps.
#[Object]
impl Workflow {
    /// The workflow's id (and the last part of its `/hooks/<id>` endpoint).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// What people call it.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Disabled workflows start on nothing but `runWorkflow`.
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// What starts it.
    async fn trigger(&self) -> WorkflowTrigger<'_> {
        WorkflowTrigger(&self.0)
    }
    /// An expression over the run's data; the run starts only when it holds.
    async fn condition(&self) -> Option<&str> {
        self.0.condition.as_deref()
    }
    /// What it does, in order.
    async fn steps(&self) -> Result<Vec<WorkflowStep>> {
        Ok(stored_steps(&self.0.steps)?
            .into_iter()
            .enumerate()
            .map(|(index, step)| WorkflowStep {
                index,
                kind: step.config.kind(),
                config: step.config.to_json(),
                retry: step.retry,
            })
            .collect())
    }
    /// The secret (`whsec_…`) that signs the webhooks this workflow calls and that callers of
    /// its `/hooks/<id>` endpoint sign with (Standard Webhooks).
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowSecretRead)",
        visible = "visibility::workflow_secret_read"
    )]
    async fn signing_secret(&self, ctx: &Context<'_>) -> Result<String> {
        let keys = ctx.tenant_keys(self.0.tenant_id).await?;
        workflows::signing_secret(&keys, &self.0)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

pub struct WorkflowRun(pub workflow_run::Model);

pub struct RunStep(StepState);

/// One step of a run.
#[Object]
impl RunStep {
    /// Its place in the workflow, from 0.
    async fn index(&self) -> i32 {
        i32::try_from(self.0.index).unwrap_or(i32::MAX)
    }
    /// What it does.
    async fn kind(&self) -> StepKind {
        self.0.kind
    }
    /// Where it stands.
    async fn status(&self) -> StepStatus {
        self.0.status
    }
    /// What the step produced (matches made, the receiver's answer, …).
    async fn output(&self) -> Option<Json<&Value>> {
        self.0.output.as_ref().map(Json)
    }
    /// Why its last attempt failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        i32::try_from(self.0.attempts).unwrap_or(i32::MAX)
    }
    /// When its last attempt began.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }
    /// When it succeeded or failed for good.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
    /// For a RETRYING step: when the next attempt is due.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.next_attempt_at
    }
}

/// One run of a workflow, with the state of each of its steps.
#[Object]
impl WorkflowRun {
    /// The run's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED.
    async fn status(&self) -> RunStatus {
        self.0.status.into()
    }
    /// The workflow it runs.
    async fn workflow(&self, ctx: &Context<'_>) -> async_graphql::Result<Workflow> {
        load_related::<super::loaders::WorkflowLoader>(ctx, self.0.workflow_id, "workflow")
            .await
            .map(Workflow)
    }
    /// What started it.
    async fn trigger(&self) -> TriggerKind {
        self.0.trigger_kind.into()
    }
    /// The data it runs on: the event, the schedule tick, or what its caller passed.
    async fn input(&self) -> Json<Value> {
        Json(serde_json::from_str(&self.0.input).unwrap_or(Value::Null))
    }
    /// The job executing it (gone once pruned).
    async fn job(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<RunJob>> {
        let Some(id) = self.0.job_id else {
            return Ok(None);
        };
        let job = crate::graphql::context::loader::<super::loaders::JobLoader>(ctx)?
            .load_one(id)
            .await?;
        Ok(job.map(RunJob))
    }
    /// Each step's status, output, error, attempts and timings.
    async fn steps(&self) -> Result<Vec<RunStep>> {
        Ok(step_states(&self.0)?.into_iter().map(RunStep).collect())
    }
    /// Why it failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// When it was queued.
    async fn queued_at(&self) -> DateTime<Utc> {
        self.0.queued_at
    }
    /// When a worker began it.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }
    /// When it ended.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

pub struct SentEmail(sent_email::Model);

/// A message the recording e-mail provider kept (the default without `TALENTGRAPH_SMTP_URL`).
#[Object]
impl SentEmail {
    /// The message's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The recipient, as rendered (`Name <address>` or an address).
    async fn to(&self) -> &str {
        &self.0.to_address
    }
    /// The subject, as rendered.
    async fn subject(&self) -> &str {
        &self.0.subject
    }
    /// The plain-text body, as rendered.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// The workflow run that sent it.
    async fn run_id(&self) -> Option<ID> {
        self.0.run_id.map(|id| ID(id.to_string()))
    }
    /// When it was handed to the provider.
    async fn sent_at(&self) -> DateTime<Utc> {
        self.0.sent_at
    }
}

/// Filters of `workflows`.
#[derive(InputObject, Default)]
pub struct WorkflowFilter {
    /// Only enabled (or only disabled) workflows.
    pub enabled: Option<bool>,
    /// Only workflows with this kind of trigger.
    pub trigger: Option<TriggerKind>,
}

/// Filters of `workflowRuns`.
#[derive(InputObject, Default)]
pub struct WorkflowRunFilter {
    /// Only this workflow's runs.
    pub workflow_id: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<RunStatus>>,
}

/// How many runs are in one status.
#[derive(SimpleObject)]
pub struct RunStatusCount {
    /// The status.
    pub status: RunStatus,
    /// How many of the runs the caller may see are in it.
    pub count: i32,
}

#[derive(Default)]
pub struct AutomationQuery;

#[Object]
impl AutomationQuery {
    /// One workflow.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRead)",
        visible = "visibility::workflow_read"
    )]
    async fn workflow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The workflow's id.")] id: ID,
    ) -> Result<Workflow> {
        let id = parse_id("id", &id)?;
        workflows::find(&ctx.state()?.db, ctx.principal()?, id)
            .await
            .map(Workflow)
    }

    /// The organisation's workflows, newest first.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRead)",
        visible = "visibility::workflow_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    async fn workflows(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Returns the first n items (0 to 100; 20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Returns the items after this cursor (an edge's cursor, or pageInfo.endCursor)."
        )]
        after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100); not with first.")] last: Option<i32>,
        #[graphql(
            desc = "Returns the items before this cursor (an edge's cursor, or pageInfo.startCursor)."
        )]
        before: Option<String>,
        #[graphql(desc = "Only the workflows matching every condition given.")] filter: Option<
            WorkflowFilter,
        >,
    ) -> Result<Connection<String, Workflow, ConnectionFields>> {
        let filter = filter.unwrap_or_default();
        let select = workflows::list(
            ctx.principal()?,
            &WFilter {
                enabled: filter.enabled,
                trigger: filter.trigger.map(Into::into),
            },
        );
        pagination::paginate(
            &ctx.state()?.db,
            select,
            workflow::Column::Id,
            |w| w.id,
            Order::Id { descending: true },
            PageQuery::new(ctx, first, after, last, before),
            Workflow,
        )
        .await
    }

    /// One workflow run.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRead)",
        visible = "visibility::workflow_read"
    )]
    async fn workflow_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: ID,
    ) -> Result<WorkflowRun> {
        let id = parse_id("id", &id)?;
        runs::find(&ctx.state()?.db, ctx.principal()?, id)
            .await
            .map(WorkflowRun)
    }

    /// How many runs are in each status, of those queued since `since` (default: the last 24
    /// hours): every status, zeros included.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRead)",
        visible = "visibility::workflow_read"
    )]
    async fn workflow_run_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Count the runs queued at or after this instant (default: a day ago).")]
        since: Option<crate::graphql::scalars::DateTime>,
    ) -> Result<Vec<RunStatusCount>> {
        let since = since.map_or_else(|| Utc::now() - chrono::Duration::days(1), |d| d.0);
        let counts = runs::count_by_status(&ctx.state()?.db, ctx.principal()?, since).await?;
        Ok(counts
            .into_iter()
            .map(|(status, n)| RunStatusCount {
                status: status.into(),
                count: crate::graphql::scalars::count_int(n),
            })
            .collect())
    }

    /// Workflow runs, newest first.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRead)",
        visible = "visibility::workflow_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    async fn workflow_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Returns the first n items (0 to 100; 20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Returns the items after this cursor (an edge's cursor, or pageInfo.endCursor)."
        )]
        after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100); not with first.")] last: Option<i32>,
        #[graphql(
            desc = "Returns the items before this cursor (an edge's cursor, or pageInfo.startCursor)."
        )]
        before: Option<String>,
        #[graphql(desc = "Only the runs matching every condition given.")] filter: Option<
            WorkflowRunFilter,
        >,
    ) -> Result<Connection<String, WorkflowRun, ConnectionFields>> {
        let filter = filter.unwrap_or_default();
        let select = runs::list(
            ctx.principal()?,
            &RunFilter {
                workflow_id: filter
                    .workflow_id
                    .as_ref()
                    .map(|id| parse_id("filter.workflowId", id))
                    .transpose()?,
                status: filter
                    .status
                    .map(|s| s.into_iter().map(Into::into).collect()),
            },
        );
        pagination::paginate(
            &ctx.state()?.db,
            select,
            workflow_run::Column::Id,
            |r| r.id,
            Order::Id { descending: true },
            PageQuery::new(ctx, first, after, last, before),
            WorkflowRun,
        )
        .await
    }

    /// E-mail kept by the recording provider, newest first.
    #[graphql(
        guard = "PermissionGuard(Permission::EmailRead)",
        visible = "visibility::email_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    async fn sent_emails(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Returns the first n items (0 to 100; 20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Returns the items after this cursor (an edge's cursor, or pageInfo.endCursor)."
        )]
        after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100); not with first.")] last: Option<i32>,
        #[graphql(
            desc = "Returns the items before this cursor (an edge's cursor, or pageInfo.startCursor)."
        )]
        before: Option<String>,
    ) -> Result<Connection<String, SentEmail, ConnectionFields>> {
        pagination::paginate(
            &ctx.state()?.db,
            super::scope::sent_emails(ctx.principal()?),
            sent_email::Column::Id,
            |e| e.id,
            Order::Id { descending: true },
            PageQuery::new(ctx, first, after, last, before),
            SentEmail,
        )
        .await
    }
}

/// A workflow's trigger, as given.
#[derive(InputObject)]
pub struct WorkflowTriggerInput {
    /// EVENT, SCHEDULE, MANUAL or WEBHOOK.
    pub kind: TriggerKind,
    /// Required for EVENT.
    pub event: Option<EventType>,
    /// Required for SCHEDULE: a cron expression (`0 7 * * MON-FRI`).
    pub cron: Option<String>,
    /// For SCHEDULE: an IANA time zone (default UTC).
    pub timezone: Option<String>,
}

/// How often and how soon a failing step is tried again.
#[derive(InputObject)]
pub struct RetryPolicyInput {
    /// Attempts in all, the first included (1 to 10).
    pub attempts: i32,
    /// The wait before the first retry (0 to 3600); each further one doubles it.
    pub initial_delay_seconds: f64,
}

/// One step, as given.
#[derive(InputObject)]
pub struct WorkflowStepInput {
    /// What the step does.
    pub kind: StepKind,
    /// The step's configuration (see `StepKind`); templates are checked when saved.
    pub config: Option<Json<Value>>,
    /// Default: 3 attempts from 5 s (5 from 10 s for webhooks, 3 from 30 s for e-mail).
    pub retry: Option<RetryPolicyInput>,
}

/// A new workflow.
#[derive(InputObject)]
pub struct CreateWorkflowInput {
    /// What people call it (at most 200 characters).
    pub name: String,
    /// Off, it starts on nothing but `runWorkflow` (default on).
    #[graphql(default = true)]
    pub enabled: bool,
    /// What starts it.
    pub trigger: WorkflowTriggerInput,
    /// An expression over the run's data (`tender.remoteAllowed and tender.location == 'Paris'`);
    /// the run starts only when it holds.
    pub condition: Option<String>,
    /// What it does, in order (1 to 20 steps).
    pub steps: Vec<WorkflowStepInput>,
}

/// A workflow's new parts (all replaced).
#[derive(InputObject)]
pub struct UpdateWorkflowInput {
    /// The workflow's id.
    pub id: ID,
    #[graphql(flatten)]
    pub workflow: CreateWorkflowInput,
}

/// A workflow switched on or off.
#[derive(InputObject)]
pub struct SetWorkflowEnabledInput {
    /// The workflow's id.
    pub id: ID,
    /// On or off.
    pub enabled: bool,
}

/// A run started by hand.
#[derive(InputObject)]
pub struct RunWorkflowInput {
    /// The workflow to run.
    pub workflow_id: ID,
    /// The run's data (a JSON object; `{"tenderId": "…"}` for steps on a tender).
    pub input: Option<Json<Value>>,
}

fn domain_input(input: CreateWorkflowInput) -> WorkflowInput {
    let CreateWorkflowInput {
        name,
        enabled,
        trigger,
        condition,
        steps,
    } = input;
    WorkflowInput {
        name,
        enabled,
        trigger: TriggerInput {
            kind: trigger.kind.into(),
            event: trigger.event.map(|e| e.wire().to_owned()),
            cron: trigger.cron,
            timezone: trigger.timezone,
        },
        condition,
        steps: steps
            .into_iter()
            .map(|s| {
                let retry = s.retry.map(|r| RetryPolicy {
                    attempts: u32::try_from(r.attempts).unwrap_or(0),
                    initial_delay_seconds: r.initial_delay_seconds,
                });
                (s.kind, s.config.map(|c| c.0), retry)
            })
            .collect(),
    }
}

#[derive(Default)]
pub struct AutomationMutation;

#[Object]
impl AutomationMutation {
    /// Creates a workflow (audited); its templates and condition are checked now.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowWrite)",
        visible = "visibility::workflow_write"
    )]
    async fn create_workflow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The workflow.")] input: CreateWorkflowInput,
    ) -> Result<Workflow> {
        let p = ctx.principal()?;
        let keys = ctx.tenant_keys(p.tenant_id).await?;
        let uow = ctx.unit_of_work().await?;
        let done = workflows::create(&uow, &keys, domain_input(input)).await;
        uow.finish(done).await.map(Workflow)
    }

    /// Replaces a workflow's name, trigger, condition and steps (audited); runs already queued
    /// keep the steps they were queued with.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowWrite)",
        visible = "visibility::workflow_write"
    )]
    async fn update_workflow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The workflow's id and its new parts.")] input: UpdateWorkflowInput,
    ) -> Result<Workflow> {
        let id = parse_id("id", &input.id)?;
        let uow = ctx.unit_of_work().await?;
        let done = workflows::update(&uow, id, domain_input(input.workflow)).await;
        uow.finish(done).await.map(Workflow)
    }

    /// Turns a workflow on or off (audited).
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowWrite)",
        visible = "visibility::workflow_write"
    )]
    async fn set_workflow_enabled(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The workflow and whether it is on.")] input: SetWorkflowEnabledInput,
    ) -> Result<Workflow> {
        let id = parse_id("id", &input.id)?;
        let uow = ctx.unit_of_work().await?;
        let done = workflows::set_enabled(&uow, id, input.enabled).await;
        uow.finish(done).await.map(Workflow)
    }

    /// Deletes a workflow and its runs (audited); returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowWrite)",
        visible = "visibility::workflow_write"
    )]
    async fn delete_workflow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The workflow's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = workflows::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }

    /// Starts a run now (MANUAL workflows, or to try any workflow), with `input` as its data
    /// (audited).
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRun)",
        visible = "visibility::workflow_run"
    )]
    async fn run_workflow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The workflow and the run's data.")] input: RunWorkflowInput,
    ) -> Result<WorkflowRun> {
        let id = parse_id("workflowId", &input.workflow_id)?;
        let data = input
            .input
            .map_or_else(|| Value::Object(Default::default()), |j| j.0);
        let uow = ctx.unit_of_work().await?;
        let done = runs::run_manually(&uow, id, data).await;
        uow.finish(done).await.map(WorkflowRun)
    }

    /// Cancels a QUEUED or RUNNING run: it stops before its next step.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRun)",
        visible = "visibility::workflow_run"
    )]
    async fn cancel_workflow_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: ID,
    ) -> Result<WorkflowRun> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = runs::cancel(&uow, id).await;
        uow.finish(done).await.map(WorkflowRun)
    }

    /// Runs a FAILED or CANCELLED run again from its first unfinished step.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRun)",
        visible = "visibility::workflow_run"
    )]
    async fn retry_workflow_run(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The run's id.")] id: ID,
    ) -> Result<WorkflowRun> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = runs::retry(&uow, id).await;
        uow.finish(done).await.map(WorkflowRun)
    }
}

/// Descriptions of the domain's generated types.
pub fn describe<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder
        .override_output_type_description::<Connection<String, Workflow, ConnectionFields>>(
            "A page of workflows (Relay connection: edges, pageInfo, totalCount).",
        )
        .override_output_type_description::<Connection<String, WorkflowRun, ConnectionFields>>(
            "A page of workflow runs (Relay connection: edges, pageInfo, totalCount).",
        )
        .override_output_type_description::<Connection<String, SentEmail, ConnectionFields>>(
            "A page of sent e-mail (Relay connection: edges, pageInfo, totalCount).",
        )
}
