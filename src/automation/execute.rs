//! The job handler that executes a workflow run (`workflow.run`): its steps in order, each in
//! a unit of work that acts as the workflow and records the step's end, renewing the job's
//! lease inside it (so a worker that lost the job commits nothing). A failed attempt is retried
//! under the step's policy (exponential backoff with jitter); the last one fails the run, and
//! the job is `DEAD`. A cancelled run stops before its next step. Every change of the run is
//! raised as `WorkflowRunUpdated`.

use chrono::Utc;
use entity::{RunStatus, workflow, workflow_run};
use futures_util::future::BoxFuture;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait as _, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::model::{Step, StepConfig, stored_steps};
use super::runs::{RunJob, StepState, StepStatus, states_json, step_states};
use super::steps::{self, StepContext, StepError};
use crate::audit::RequestMeta;
use crate::auth::Principal;
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::jobs::{Attempt, Job, Outcome, backoff};
use crate::state::AppState;
use crate::unit::{Actor, UnitOfWork, WorkflowActor};

/// The handler the composition root registers for [`super::runs::JOB_KIND`].
pub fn run<'a>(state: &'a AppState, attempt: &'a Attempt) -> BoxFuture<'a, Result<Outcome>> {
    Box::pin(execute(state, attempt))
}

/// Told that a run's job died without the run recording it (its worker was killed on the last
/// attempt, or its last attempt failed outside the steps): the run fails with the reason.
pub fn on_dead<'a>(state: &'a AppState, job: &'a Job, error: &'a str) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        let payload: RunJob = parse_payload(job)?;
        abandon(
            state,
            payload.tenant_id,
            payload.run_id,
            &format!("the run's job died: {error}"),
        )
        .await
    })
}

/// Fails a run that its job left unfinished (QUEUED or RUNNING): the steps not done are
/// SKIPPED, `error` says why. A run that ended meanwhile is left as it is.
pub async fn abandon(state: &AppState, tenant_id: Uuid, run_id: Uuid, error: &str) -> Result<()> {
    let uow = state.unit_of_work(Actor::System, meta(run_id)).await?;
    let Some(run) = lock_run(&uow, tenant_id, run_id).await? else {
        return Ok(());
    };
    if matches!(run.status, RunStatus::Queued | RunStatus::Running) {
        let mut steps = step_states(&run)?;
        for step in &mut steps {
            if step.status != StepStatus::Succeeded {
                step.status = StepStatus::Skipped;
                step.next_attempt_at = None;
            }
        }
        finish(&uow, run, steps, RunStatus::Failed, Some(error.to_owned())).await?;
    }
    uow.commit().await
}

/// Fails the runs whose job ended (or vanished) without ending them: the backstop for a job
/// declared dead while its run could not be told (the database was failing then). Runs changed
/// in the last `grace` are left alone. Returns how many were failed.
pub async fn sweep_abandoned(state: &AppState, grace: chrono::Duration) -> Result<usize> {
    let db = state.writer();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            "SELECT r.id, r.tenant_id, j.last_error FROM workflow_run r \
             LEFT JOIN job j ON j.id = r.job_id \
             WHERE r.status IN ('QUEUED', 'RUNNING') AND r.updated_at < $1 \
               AND (j.id IS NULL OR j.state IN ('DEAD', 'CANCELLED', 'SUCCEEDED'))",
            [(Utc::now() - grace).into()],
        ))
        .await?;
    let mut failed = 0;
    for row in rows {
        let (Ok(id), Ok(tenant_id)) = (
            row.try_get::<Uuid>("", "id"),
            row.try_get::<Uuid>("", "tenant_id"),
        ) else {
            continue;
        };
        let reason = row
            .try_get::<Option<String>>("", "last_error")
            .ok()
            .flatten()
            .unwrap_or_else(|| "its job is gone".to_owned());
        abandon(
            state,
            tenant_id,
            id,
            &format!("the run's job ended without it: {reason}"),
        )
        .await?;
        failed += 1;
    }
    Ok(failed)
}

fn parse_payload(job: &Job) -> Result<RunJob> {
    serde_json::from_str(&job.payload)
        .map_err(|err| AppError::internal(format!("workflow job payload: {err}")))
}

fn meta(run_id: Uuid) -> RequestMeta {
    RequestMeta {
        request_id: Some(format!("run:{run_id}")),
        ip: None,
    }
}

/// How the run stands after a step.
enum Next {
    Continue(workflow_run::Model),
    Stop(Outcome),
}

async fn execute(state: &AppState, attempt: &Attempt) -> Result<Outcome> {
    let payload = parse_payload(&attempt.job)?;
    let Some(run) = read_run(state, payload.tenant_id, payload.run_id).await? else {
        // Deleted with its workflow.
        return Ok(Outcome::Cancelled);
    };
    if run.job_id != Some(attempt.job.id) {
        // Another job has the run now (it was retried while this one was stopping).
        return Ok(Outcome::Cancelled);
    }
    match run.status {
        RunStatus::Cancelled => return Ok(Outcome::Cancelled),
        RunStatus::Succeeded | RunStatus::Failed => return Ok(Outcome::Done),
        RunStatus::Queued | RunStatus::Running => {}
    }
    let Some(workflow) = read_workflow(state, run.tenant_id, run.workflow_id).await? else {
        return Ok(Outcome::Cancelled);
    };
    let steps = stored_steps(&workflow.steps)?;
    let actor = WorkflowActor {
        principal: principal_of(&workflow),
        workflow_id: workflow.id,
        run_id: run.id,
        depth: run.depth,
    };
    let data = data_of(state, &actor.principal, &workflow, &run).await;
    let mut run = run;
    loop {
        let states = step_states(&run)?;
        let Some(index) = states
            .iter()
            .find(|s| s.status != StepStatus::Succeeded)
            .map(|s| s.index)
        else {
            return complete(state, attempt, &run).await;
        };
        // The step as it was when the run was queued (older runs: as the workflow has it).
        let queued = states.get(index).and_then(|s| s.step.clone());
        let Some(step) = queued.or_else(|| steps.get(index).cloned()) else {
            return fail_run(
                state,
                attempt,
                &run,
                index,
                "the workflow no longer has this step",
            )
            .await;
        };
        run = match start_step(state, attempt, &run, index).await? {
            Next::Continue(run) => run,
            Next::Stop(outcome) => return Ok(outcome),
        };
        let ctx = StepContext {
            state,
            tenant_id: run.tenant_id,
            run_id: run.id,
            index,
            data: &data,
        };
        match perform(state, attempt, &actor, &workflow, &ctx, &step).await {
            Ok(Next::Continue(updated)) => run = updated,
            Ok(Next::Stop(outcome)) => return Ok(outcome),
            Err(err) => return step_failed(state, attempt, &run, index, &step, err).await,
        }
    }
}

/// The workflow acts with a MANAGER's permissions in its organisation; its id stands for the
/// user in what it writes (audit records name it as a WORKFLOW).
fn principal_of(w: &workflow::Model) -> Principal {
    Principal {
        user_id: w.id,
        tenant_id: w.tenant_id,
        role: entity::Role::Manager,
        company_id: None,
        consultant_id: None,
        token: None,
    }
}

/// What templates, conditions and webhooks see: the run's input, with `run` and `workflow`,
/// and the tender's company when the input holds a tender.
pub async fn data_of(
    state: &AppState,
    p: &Principal,
    w: &workflow::Model,
    run: &workflow_run::Model,
) -> Value {
    let mut data = serde_json::from_str::<Value>(&run.input).unwrap_or(Value::Null);
    if !data.is_object() {
        data = json!({ "input": data });
    }
    let company_id = data
        .pointer("/tender/companyId")
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok());
    if let Some(company_id) = company_id
        && let Ok(company) = crate::talent::companies::find(state, p, company_id).await
        && let Some(tender) = data.get_mut("tender").and_then(Value::as_object_mut)
    {
        tender.insert(
            "company".to_owned(),
            json!({ "id": company.id, "name": company.name }),
        );
    }
    if let Some(object) = data.as_object_mut() {
        object.insert(
            "run".to_owned(),
            json!({ "id": run.id, "trigger": run.trigger_kind }),
        );
        object.insert("workflow".to_owned(), json!({ "id": w.id, "name": w.name }));
    }
    data
}

/// Runs one step; its effects and its SUCCEEDED are committed together.
async fn perform(
    state: &AppState,
    attempt: &Attempt,
    actor: &WorkflowActor,
    w: &workflow::Model,
    ctx: &StepContext<'_>,
    step: &Step,
) -> std::result::Result<Next, StepError> {
    let called = match &step.config {
        StepConfig::CallWebhook {
            url,
            timeout_seconds,
        } => {
            let keys = crate::crypto::load_tenant_keys(
                state.writer(),
                &state.config.master_keys,
                w.tenant_id,
            )
            .await?;
            let secret = super::workflows::signing_secret(&keys, w)?;
            Some(steps::call_webhook(ctx, &secret, url, *timeout_seconds).await?)
        }
        StepConfig::SendEmail { to, subject, body } => {
            Some(steps::send_email(ctx, to, subject, body).await?)
        }
        _ => None,
    };
    let uow = state
        .unit_of_work(Actor::Workflow(actor.clone()), meta(ctx.run_id))
        .await?;
    let Some(run) = lock_run(&uow, ctx.tenant_id, ctx.run_id)
        .await?
        .filter(|run| still_ours(run, attempt))
    else {
        return Ok(Next::Stop(Outcome::Cancelled));
    };
    let output = match called {
        Some(output) => output,
        None => steps::perform(&uow, ctx, &step.config).await?,
    };
    let mut states = step_states(&run)?;
    if let Some(s) = states.get_mut(ctx.index) {
        s.status = StepStatus::Succeeded;
        s.output = Some(output);
        s.error = None;
        s.finished_at = Some(Utc::now());
        s.next_attempt_at = None;
    }
    let run = save(&uow, run, states).await?;
    attempt.fence(uow.txn()).await?;
    uow.commit().await?;
    Ok(Next::Continue(run))
}

/// The run locked in a unit of work of the server's, to record a change of it; `None` when it
/// is gone (deleted with its workflow) or was cancelled meanwhile: the job then stops.
async fn reopen(
    state: &AppState,
    attempt: &Attempt,
    run: &workflow_run::Model,
) -> Result<Option<(UnitOfWork, workflow_run::Model)>> {
    let uow = state.unit_of_work(Actor::System, meta(run.id)).await?;
    Ok(lock_run(&uow, run.tenant_id, run.id)
        .await?
        .filter(|current| still_ours(current, attempt))
        .map(|current| (uow, current)))
}

/// Whether this attempt may still change `run`: not cancelled, and not handed to another job
/// (a retry while this one was stopping).
fn still_ours(run: &workflow_run::Model, attempt: &Attempt) -> bool {
    run.status != RunStatus::Cancelled && run.job_id == Some(attempt.job.id)
}

/// Marks the run RUNNING (on its first step) and the step RUNNING with one more attempt.
async fn start_step(
    state: &AppState,
    attempt: &Attempt,
    run: &workflow_run::Model,
    index: usize,
) -> Result<Next> {
    let Some((uow, current)) = reopen(state, attempt, run).await? else {
        return Ok(Next::Stop(Outcome::Cancelled));
    };
    let now = Utc::now();
    let mut states = step_states(&current)?;
    if let Some(s) = states.get_mut(index) {
        s.status = StepStatus::Running;
        s.attempts += 1;
        s.started_at = Some(now);
        s.next_attempt_at = None;
    }
    let mut a: workflow_run::ActiveModel = current.clone().into();
    if current.status == RunStatus::Queued {
        a.status = Set(RunStatus::Running);
        a.started_at = Set(Some(now));
    }
    a.steps = Set(states_json(&states)?);
    a.updated_at = Set(now);
    let updated = write(&uow, a).await?;
    attempt.fence(uow.txn()).await?;
    uow.commit().await?;
    Ok(Next::Continue(updated))
}

/// A failed attempt: RETRYING with a backoff while the step has attempts left, else the run
/// fails.
async fn step_failed(
    state: &AppState,
    attempt: &Attempt,
    run: &workflow_run::Model,
    index: usize,
    step: &Step,
    err: StepError,
) -> Result<Outcome> {
    let attempts = step_states(run)?.get(index).map_or(1, |s| s.attempts);
    if err.permanent || attempts >= step.retry.attempts {
        return fail_run(state, attempt, run, index, &err.message).await;
    }
    let delay = backoff::delay(step.retry.initial_delay(), attempts);
    let Some((uow, current)) = reopen(state, attempt, run).await? else {
        return Ok(Outcome::Cancelled);
    };
    let mut states = step_states(&current)?;
    if let Some(s) = states.get_mut(index) {
        s.status = StepStatus::Retrying;
        s.error = Some(err.message.clone());
        s.next_attempt_at = chrono::Duration::from_std(delay)
            .ok()
            .map(|d| Utc::now() + d);
    }
    save(&uow, current, states).await?;
    attempt.fence(uow.txn()).await?;
    uow.commit().await?;
    Ok(Outcome::Retry {
        error: err.message,
        delay,
    })
}

/// The step failed for good: it is FAILED, those after it SKIPPED, the run FAILED; the job
/// is DEAD with the same error.
async fn fail_run(
    state: &AppState,
    attempt: &Attempt,
    run: &workflow_run::Model,
    index: usize,
    message: &str,
) -> Result<Outcome> {
    let Some((uow, current)) = reopen(state, attempt, run).await? else {
        return Ok(Outcome::Cancelled);
    };
    let mut states = step_states(&current)?;
    let mut kind = None;
    for s in &mut states {
        if s.index == index {
            s.status = StepStatus::Failed;
            s.error = Some(message.to_owned());
            s.finished_at = Some(Utc::now());
            s.next_attempt_at = None;
            kind = Some(s.kind);
        } else if s.index > index {
            s.status = StepStatus::Skipped;
        }
    }
    let kind = kind.map_or_else(String::new, |k| {
        serde_json::to_value(k)
            .ok()
            .and_then(|v| v.as_str().map(|s| format!(" ({s})")))
            .unwrap_or_default()
    });
    let error = format!("step {}{kind} failed: {message}", index + 1);
    finish(
        &uow,
        current,
        states,
        RunStatus::Failed,
        Some(error.clone()),
    )
    .await?;
    attempt.fence(uow.txn()).await?;
    uow.commit().await?;
    Ok(Outcome::Dead { error })
}

/// Every step succeeded: the run SUCCEEDED.
async fn complete(
    state: &AppState,
    attempt: &Attempt,
    run: &workflow_run::Model,
) -> Result<Outcome> {
    let Some((uow, current)) = reopen(state, attempt, run).await? else {
        return Ok(Outcome::Cancelled);
    };
    let states = step_states(&current)?;
    finish(&uow, current, states, RunStatus::Succeeded, None).await?;
    attempt.fence(uow.txn()).await?;
    uow.commit().await?;
    Ok(Outcome::Done)
}

async fn finish(
    uow: &UnitOfWork,
    run: workflow_run::Model,
    states: Vec<StepState>,
    status: RunStatus,
    error: Option<String>,
) -> Result<workflow_run::Model> {
    let now = Utc::now();
    let mut a: workflow_run::ActiveModel = run.into();
    a.status = Set(status);
    a.finished_at = Set(Some(now));
    a.error = Set(error);
    a.steps = Set(states_json(&states)?);
    a.updated_at = Set(now);
    write(uow, a).await
}

/// Writes the run's steps and raises the change.
async fn save(
    uow: &UnitOfWork,
    run: workflow_run::Model,
    states: Vec<StepState>,
) -> Result<workflow_run::Model> {
    let mut a: workflow_run::ActiveModel = run.into();
    a.steps = Set(states_json(&states)?);
    a.updated_at = Set(Utc::now());
    write(uow, a).await
}

/// Every change of a run: written, and raised as `WorkflowRunUpdated`.
async fn write(uow: &UnitOfWork, a: workflow_run::ActiveModel) -> Result<workflow_run::Model> {
    let updated = a.update(uow.txn()).await?;
    uow.raise_for(
        updated.tenant_id,
        DomainEvent::WorkflowRunUpdated {
            run: updated.clone(),
        },
    );
    Ok(updated)
}

#[expect(
    clippy::disallowed_methods,
    reason = "the run named by the job, of the tenant the job carries"
)]
async fn lock_run(
    uow: &UnitOfWork,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<workflow_run::Model>> {
    let select =
        workflow_run::Entity::find_by_id(id).filter(workflow_run::Column::TenantId.eq(tenant_id));
    let select = match uow.txn().get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => select.lock_exclusive(),
        _ => select,
    };
    Ok(select.one(uow.txn()).await?)
}

#[expect(
    clippy::disallowed_methods,
    reason = "the run named by the job, of the tenant the job carries"
)]
async fn read_run(
    state: &AppState,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<workflow_run::Model>> {
    Ok(workflow_run::Entity::find_by_id(id)
        .filter(workflow_run::Column::TenantId.eq(tenant_id))
        .one(state.writer())
        .await?)
}

#[expect(
    clippy::disallowed_methods,
    reason = "the workflow of a run, in the run's tenant"
)]
async fn read_workflow(
    state: &AppState,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<workflow::Model>> {
    Ok(workflow::Entity::find_by_id(id)
        .filter(workflow::Column::TenantId.eq(tenant_id))
        .one(state.writer())
        .await?)
}
