//! Workflow runs: queued in the unit of work that decided them (an event's, a person's, a
//! schedule tick's, an incoming webhook's) together with the job that executes them; cancelled
//! and retried by people; every change raised as `WorkflowRunUpdated`.

use chrono::{DateTime, Utc};
use entity::{JobState, RunStatus, TriggerKind, workflow, workflow_run};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, QueryFilter, Select, Set};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::model::{StepKind, stored_steps};
use crate::audit::AuditRecord;
use crate::auth::{Permission, Principal};
use crate::db::{Lock, find_in_scope, lock_in_scope};
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::jobs::NewJob;
use crate::unit::UnitOfWork;

/// The job kind that executes a run (`execute::run`).
pub const JOB_KIND: &str = "workflow.run";

/// Where one step of a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepStatus {
    /// Not begun.
    Pending,
    /// An attempt is under way.
    Running,
    /// Failed an attempt; the next comes after a backoff (`nextAttemptAt`).
    Retrying,
    /// Done; its output is kept.
    Succeeded,
    /// Failed its last attempt: the run failed.
    Failed,
    /// Not run: the run was cancelled or failed before it.
    Skipped,
}

/// One step of a run, as stored in `workflow_run.steps`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepState {
    pub index: usize,
    pub kind: StepKind,
    /// The step as the workflow defined it when the run was queued: a run keeps its steps
    /// when the workflow changes afterwards.
    #[serde(default)]
    pub step: Option<super::model::Step>,
    pub status: StepStatus,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub attempts: u32,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// The steps of a stored run.
pub fn step_states(run: &workflow_run::Model) -> Result<Vec<StepState>> {
    serde_json::from_str(&run.steps)
        .map_err(|err| AppError::internal(format!("stored run steps do not parse: {err}")))
}

pub fn states_json(steps: &[StepState]) -> Result<String> {
    serde_json::to_string(steps)
        .map_err(|err| AppError::internal(format!("run steps do not serialise: {err}")))
}

/// What the job of a run carries.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunJob {
    pub run_id: Uuid,
    pub tenant_id: Uuid,
}

/// The job that executes run `run_id` of `tenant_id`.
fn run_job(run_id: Uuid, tenant_id: Uuid) -> Result<NewJob> {
    Ok(NewJob::new(JOB_KIND, &RunJob { run_id, tenant_id })?.tenant(tenant_id))
}

/// How a run is to be queued.
pub struct Start<'a> {
    pub workflow: &'a workflow::Model,
    pub trigger: TriggerKind,
    pub input: Value,
    pub depth: i32,
    /// Runs sharing this key run one at a time, in order (events on one entity).
    pub queue: Option<String>,
    /// A second start with this key is ignored (a schedule tick fired by two instances).
    pub idempotency_key: Option<String>,
    pub created_by: Option<Uuid>,
}

/// Queues a run of `start.workflow` and its job in `uow`; `None` when its idempotency key was
/// used already.
pub async fn queue(uow: &UnitOfWork, start: Start<'_>) -> Result<Option<workflow_run::Model>> {
    let w = start.workflow;
    let steps = stored_steps(&w.steps)?;
    let id = Uuid::now_v7();
    let max_attempts: u32 = steps.iter().map(|s| s.retry.attempts).sum();
    let mut job = run_job(id, w.tenant_id)?
        // Each step counts its own attempts; a few more for attempts lost with a worker.
        .max_attempts(i32::try_from(max_attempts).unwrap_or(100).saturating_add(3));
    if let Some(queue) = start.queue {
        let position = next_position(uow.txn(), &queue).await?;
        job = job.in_queue(queue, position);
    }
    if let Some(key) = start.idempotency_key {
        job = job.idempotency_key(key);
    }
    let Some(job_id) = uow.enqueue(job).await? else {
        return Ok(None);
    };
    let states: Vec<StepState> = steps
        .iter()
        .enumerate()
        .map(|(index, step)| StepState {
            index,
            kind: step.config.kind(),
            step: Some(step.clone()),
            status: StepStatus::Pending,
            output: None,
            error: None,
            attempts: 0,
            started_at: None,
            finished_at: None,
            next_attempt_at: None,
        })
        .collect();
    let now = Utc::now();
    let run = workflow_run::ActiveModel {
        id: Set(id),
        tenant_id: Set(w.tenant_id),
        workflow_id: Set(w.id),
        status: Set(RunStatus::Queued),
        trigger_kind: Set(start.trigger),
        input: Set(start.input.to_string()),
        steps: Set(states_json(&states)?),
        error: Set(None),
        depth: Set(start.depth),
        job_id: Set(Some(job_id)),
        created_by: Set(start.created_by),
        queued_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
    }
    .insert(uow.txn())
    .await?;
    uow.raise_for(
        w.tenant_id,
        DomainEvent::WorkflowRunUpdated { run: run.clone() },
    );
    Ok(Some(run))
}

/// The next position in `queue`: after every job already in it. Events on one entity are
/// raised by units of work that hold that entity's row until they commit, so their runs take
/// positions in commit order.
async fn next_position(conn: &impl ConnectionTrait, queue: &str) -> Result<i64> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            "SELECT COALESCE(MAX(position), 0) AS p FROM job WHERE queue = $1",
            [queue.into()],
        ))
        .await?;
    let last = row
        .and_then(|r| r.try_get::<i64>("", "p").ok())
        .unwrap_or(0);
    Ok(last + 1)
}

/// Starts a run of any workflow by hand (MANUAL ones, or to try another), with `input` as its
/// data.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn run_manually(
    uow: &UnitOfWork,
    workflow_id: Uuid,
    input: Value,
) -> Result<workflow_run::Model> {
    let p = uow.principal()?;
    p.require(Permission::WorkflowRun)?;
    if !input.is_object() {
        return Err(AppError::invalid("input", "must be a JSON object"));
    }
    if input.to_string().len() > 64 * 1024 {
        return Err(AppError::invalid("input", "must be at most 64 KiB of JSON"));
    }
    let w = lock_in_scope(
        uow.txn(),
        super::scope::workflows(p),
        workflow::Column::Id,
        workflow_id,
        "workflow",
        Lock::Parent,
    )
    .await?;
    let run = queue(
        uow,
        Start {
            workflow: &w,
            trigger: TriggerKind::Manual,
            input,
            depth: 0,
            queue: None,
            idempotency_key: None,
            created_by: Some(p.user_id),
        },
    )
    .await?
    .ok_or_else(|| AppError::internal("a manual run was refused as a duplicate"))?;
    uow.audit(
        AuditRecord::new("workflow.run_started", "workflow", Some(workflow_id))
            .changes(json!({ "runId": run.id })),
    )
    .await?;
    Ok(run)
}

async fn lock_run(uow: &UnitOfWork, p: &Principal, id: Uuid) -> Result<workflow_run::Model> {
    lock_in_scope(
        uow.txn(),
        super::scope::runs(p),
        workflow_run::Column::Id,
        id,
        "workflow run",
        Lock::Update,
    )
    .await
}

/// Cancels a run that has not ended: a queued one never starts; a running one stops before its
/// next step (the step in hand finishes).
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn cancel(uow: &UnitOfWork, id: Uuid) -> Result<workflow_run::Model> {
    let p = uow.principal()?;
    p.require(Permission::WorkflowRun)?;
    let run = lock_run(uow, p, id).await?;
    if !matches!(run.status, RunStatus::Queued | RunStatus::Running) {
        return Err(AppError::illegal_transition(
            "cancel",
            "workflow run",
            &run.status,
        ));
    }
    let mut steps = step_states(&run)?;
    for step in &mut steps {
        if matches!(step.status, StepStatus::Pending | StepStatus::Retrying) {
            step.status = StepStatus::Skipped;
            step.next_attempt_at = None;
        }
    }
    if let Some(job_id) = run.job_id {
        crate::jobs::queue::cancel(uow.txn(), job_id).await?;
    }
    let now = Utc::now();
    let mut a: workflow_run::ActiveModel = run.into();
    a.status = Set(RunStatus::Cancelled);
    a.steps = Set(states_json(&steps)?);
    a.finished_at = Set(Some(now));
    a.updated_at = Set(now);
    let updated = a.update(uow.txn()).await?;
    uow.audit(AuditRecord::new(
        "workflow_run.cancelled",
        "workflow_run",
        Some(id),
    ))
    .await?;
    uow.raise(DomainEvent::WorkflowRunUpdated {
        run: updated.clone(),
    })?;
    Ok(updated)
}

/// Runs a FAILED or CANCELLED run again from its first unfinished step (the steps that
/// succeeded are not repeated), with a fresh count of attempts.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn retry(uow: &UnitOfWork, id: Uuid) -> Result<workflow_run::Model> {
    let p = uow.principal()?;
    p.require(Permission::WorkflowRun)?;
    let run = lock_run(uow, p, id).await?;
    if !matches!(run.status, RunStatus::Failed | RunStatus::Cancelled) {
        return Err(AppError::illegal_transition(
            "retry",
            "workflow run",
            &run.status,
        ));
    }
    let mut steps = step_states(&run)?;
    for step in &mut steps {
        if step.status != StepStatus::Succeeded {
            step.status = StepStatus::Pending;
            step.attempts = 0;
            step.error = None;
            step.next_attempt_at = None;
        }
    }
    let job = match run.job_id {
        Some(id) => crate::jobs::queue::get(uow.txn(), id).await?,
        None => None,
    };
    let job_id = match job {
        // A cancelled run whose worker has not stopped yet: two attempts must never overlap.
        Some(job) if matches!(job.state, JobState::Queued | JobState::Running) => {
            return Err(AppError::conflict(
                "id",
                "the run's last attempt is still stopping; retry in a moment",
            ));
        }
        Some(job) => {
            crate::jobs::queue::requeue(uow.txn(), job.id).await?;
            Some(job.id)
        }
        // The job is gone (pruned): a new one.
        None => {
            let job = run_job(run.id, run.tenant_id)?.max_attempts(50);
            uow.enqueue(job).await?
        }
    };
    let now = Utc::now();
    let mut a: workflow_run::ActiveModel = run.into();
    a.status = Set(RunStatus::Queued);
    a.steps = Set(states_json(&steps)?);
    a.error = Set(None);
    a.job_id = Set(job_id);
    a.finished_at = Set(None);
    a.updated_at = Set(now);
    let updated = a.update(uow.txn()).await?;
    uow.audit(AuditRecord::new(
        "workflow_run.retried",
        "workflow_run",
        Some(id),
    ))
    .await?;
    uow.raise(DomainEvent::WorkflowRunUpdated {
        run: updated.clone(),
    })?;
    Ok(updated)
}

pub async fn find(
    conn: &impl ConnectionTrait,
    p: &Principal,
    id: Uuid,
) -> Result<workflow_run::Model> {
    p.require(Permission::WorkflowRead)?;
    find_in_scope(
        conn,
        super::scope::runs(p),
        workflow_run::Column::Id,
        id,
        "workflow run",
    )
    .await
}

/// Filters of `workflowRuns`.
#[derive(Debug, Default)]
pub struct RunFilter {
    pub workflow_id: Option<Uuid>,
    pub status: Option<Vec<RunStatus>>,
}

pub fn list(p: &Principal, filter: &RunFilter) -> Select<workflow_run::Entity> {
    let mut select = super::scope::runs(p);
    if let Some(id) = filter.workflow_id {
        select = select.filter(workflow_run::Column::WorkflowId.eq(id));
    }
    if let Some(status) = &filter.status {
        select = select.filter(workflow_run::Column::Status.is_in(status.iter().copied()));
    }
    select
}

/// How many of the runs `p` may see, queued since `since`, are in each status.
pub async fn count_by_status(
    conn: &impl ConnectionTrait,
    p: &Principal,
    since: DateTime<Utc>,
) -> Result<Vec<(RunStatus, u64)>> {
    let select = super::scope::runs(p).filter(workflow_run::Column::QueuedAt.gte(since));
    Ok(crate::db::count_by(
        conn,
        select,
        workflow_run::Column::Status,
        workflow_run::Column::Id,
    )
    .await?)
}

/// Deletes runs that ended before their retention: SUCCEEDED and CANCELLED ones before
/// `finished_before`, FAILED ones before `failed_before` (kept longer, to be looked into), and
/// the e-mail recorded before `finished_before`. Returns how many runs.
pub async fn prune(
    db: &impl ConnectionTrait,
    finished_before: DateTime<Utc>,
    failed_before: DateTime<Utc>,
) -> Result<u64> {
    use sea_orm::{Condition, EntityTrait as _};
    let runs = workflow_run::Entity::delete_many()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(
                            workflow_run::Column::Status
                                .is_in([RunStatus::Succeeded, RunStatus::Cancelled]),
                        )
                        .add(workflow_run::Column::FinishedAt.lt(finished_before)),
                )
                .add(
                    Condition::all()
                        .add(workflow_run::Column::Status.eq(RunStatus::Failed))
                        .add(workflow_run::Column::FinishedAt.lt(failed_before)),
                ),
        )
        .exec(db)
        .await?
        .rows_affected;
    entity::sent_email::Entity::delete_many()
        .filter(entity::sent_email::Column::SentAt.lt(finished_before))
        .exec(db)
        .await?;
    Ok(runs)
}
