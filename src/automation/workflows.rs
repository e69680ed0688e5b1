//! Workflows: create, change, enable, delete and read an organisation's automations; every
//! change is audited. A workflow's signing secret (`whsec_…`, for the webhooks it sends and
//! receives) is generated at creation and kept encrypted with the tenant key.

use base64::Engine as _;
use chrono::Utc;
use entity::{TriggerKind, workflow};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::model::{RetryPolicy, Schedule, Step, StepKind, Trigger, parse_steps};
use super::templates;
use crate::audit::AuditRecord;
use crate::auth::{Permission, Principal};
use crate::crypto::TenantKeys;
use crate::db::{Lock, find_in_scope, lock_in_scope};
use crate::error::{AppError, Result, Validation};
use crate::inputs::required_text;
use crate::unit::UnitOfWork;

const SECRET_COLUMN: &str = "signing_secret";

/// A workflow as given by a client, before parsing.
#[derive(Debug, Clone)]
pub struct WorkflowInput {
    pub name: String,
    pub enabled: bool,
    pub trigger: TriggerInput,
    pub condition: Option<String>,
    pub steps: Vec<(StepKind, Option<Value>, Option<RetryPolicy>)>,
}

#[derive(Debug, Clone)]
pub struct TriggerInput {
    pub kind: TriggerKind,
    /// For EVENT: the event type's wire name (`TENDER_PUBLISHED`).
    pub event: Option<String>,
    pub cron: Option<String>,
    pub timezone: Option<String>,
}

/// A workflow's parts, parsed.
struct Parsed {
    name: String,
    enabled: bool,
    trigger: Trigger,
    condition: Option<String>,
    steps: Vec<Step>,
}

fn parse(input: WorkflowInput) -> Result<Parsed> {
    let mut v = Validation::new();
    let name = v.check(required_text("name", &input.name, 200));
    let trigger = match input.trigger.kind {
        TriggerKind::Event => match input.trigger.event.as_deref() {
            Some(event) => match Trigger::stored_event(event) {
                Some(stored) => Some(Trigger::Event(stored)),
                None => {
                    v.fail("trigger.event", "is not an event type");
                    None
                }
            },
            None => {
                v.fail("trigger.event", "is required for an EVENT trigger");
                None
            }
        },
        TriggerKind::Schedule => match (&input.trigger.cron, &input.trigger.timezone) {
            (Some(cron), timezone) => v
                .check(Schedule::parse(cron, timezone.as_deref().unwrap_or("UTC")))
                .map(|s| Trigger::Schedule(Box::new(s))),
            (None, _) => {
                v.fail("trigger.cron", "is required for a SCHEDULE trigger");
                None
            }
        },
        TriggerKind::Manual => Some(Trigger::Manual),
        TriggerKind::Webhook => Some(Trigger::Webhook),
    };
    let condition = input
        .condition
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if let Some(condition) = &condition {
        if condition.chars().count() > 2_000 {
            v.fail("condition", "must be at most 2000 characters");
        } else if let Err(err) = templates::check_condition(condition) {
            v.fail("condition", format!("is not a valid expression: {err}"));
        }
    }
    let steps = parse_steps(&mut v, input.steps);
    v.finish()?;
    match (name, trigger) {
        (Some(name), Some(trigger)) => Ok(Parsed {
            name,
            enabled: input.enabled,
            trigger,
            condition,
            steps,
        }),
        _ => Err(AppError::invalid("input", "is invalid")),
    }
}

/// The columns of the trigger, with the schedule's next tick from now when enabled.
fn trigger_columns(a: &mut workflow::ActiveModel, trigger: &Trigger, enabled: bool) {
    let now = Utc::now();
    a.trigger_kind = Set(trigger.kind());
    a.trigger_event = Set(match trigger {
        Trigger::Event(stored) => Some((*stored).to_owned()),
        _ => None,
    });
    let (cron, timezone, next) = match trigger {
        Trigger::Schedule(s) => (
            Some(s.expression.clone()),
            Some(s.timezone.name().to_owned()),
            enabled.then(|| s.next_after(now)).flatten(),
        ),
        _ => (None, None, None),
    };
    a.cron = Set(cron);
    a.timezone = Set(timezone);
    a.next_tick_at = Set(next);
}

fn steps_json(steps: &[Step]) -> Result<String> {
    serde_json::to_string(steps)
        .map_err(|err| AppError::internal(format!("workflow steps do not serialise: {err}")))
}

/// What the audit log keeps of a workflow (no secret).
fn summary(w: &workflow::Model) -> Value {
    json!({
        "name": w.name,
        "enabled": w.enabled,
        "trigger": w.trigger_kind,
        "event": w.trigger_event,
        "cron": w.cron,
        "timezone": w.timezone,
        "condition": w.condition,
        "steps": serde_json::from_str::<Value>(&w.steps).unwrap_or(Value::Null),
    })
}

/// A new signing secret: `whsec_` and 32 random bytes, base64 (the Standard Webhooks form).
fn new_secret() -> String {
    let bytes = crate::crypto::random_bytes::<32>();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The workflow's signing secret, decrypted.
pub fn signing_secret(keys: &TenantKeys, w: &workflow::Model) -> Result<String> {
    keys.decrypt("workflow", SECRET_COLUMN, w.id, &w.signing_secret)
        .map_err(|err| AppError::internal(format!("workflow secret: {err}")))
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn create(
    uow: &UnitOfWork,
    keys: &TenantKeys,
    input: WorkflowInput,
) -> Result<workflow::Model> {
    let p = uow.principal()?;
    p.require(Permission::WorkflowWrite)?;
    let parsed = parse(input)?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let mut a = workflow::ActiveModel {
        id: Set(id),
        tenant_id: Set(p.tenant_id),
        name: Set(parsed.name),
        enabled: Set(parsed.enabled),
        condition: Set(parsed.condition),
        steps: Set(steps_json(&parsed.steps)?),
        signing_secret: Set(keys.encrypt("workflow", SECRET_COLUMN, id, &new_secret())),
        created_by: Set(Some(p.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    trigger_columns(&mut a, &parsed.trigger, parsed.enabled);
    let created = a.insert(uow.txn()).await?;
    uow.audit(
        AuditRecord::new("workflow.created", "workflow", Some(id)).changes(summary(&created)),
    )
    .await?;
    Ok(created)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(uow: &UnitOfWork, id: Uuid, input: WorkflowInput) -> Result<workflow::Model> {
    let p = uow.principal()?;
    p.require(Permission::WorkflowWrite)?;
    let parsed = parse(input)?;
    let current = lock(uow, p, id).await?;
    let before = summary(&current);
    let mut a: workflow::ActiveModel = current.into();
    a.name = Set(parsed.name);
    a.enabled = Set(parsed.enabled);
    a.condition = Set(parsed.condition);
    a.steps = Set(steps_json(&parsed.steps)?);
    a.updated_at = Set(Utc::now());
    trigger_columns(&mut a, &parsed.trigger, parsed.enabled);
    let updated = a.update(uow.txn()).await?;
    uow.audit(
        AuditRecord::new("workflow.updated", "workflow", Some(id))
            .changes(json!({ "from": before, "to": summary(&updated) })),
    )
    .await?;
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn set_enabled(uow: &UnitOfWork, id: Uuid, enabled: bool) -> Result<workflow::Model> {
    let p = uow.principal()?;
    p.require(Permission::WorkflowWrite)?;
    let current = lock(uow, p, id).await?;
    if current.enabled == enabled {
        return Ok(current);
    }
    let trigger = match (&current.trigger_kind, &current.cron, &current.timezone) {
        (TriggerKind::Schedule, Some(cron), Some(tz)) => Some(Schedule::parse(cron, tz)?),
        _ => None,
    };
    let mut a: workflow::ActiveModel = current.into();
    a.enabled = Set(enabled);
    a.updated_at = Set(Utc::now());
    // A schedule enabled again starts from now: the ticks it missed while off are not run.
    a.next_tick_at = Set(trigger
        .filter(|_| enabled)
        .and_then(|s| s.next_after(Utc::now())));
    let updated = a.update(uow.txn()).await?;
    let record = if enabled {
        AuditRecord::new("workflow.enabled", "workflow", Some(id))
    } else {
        AuditRecord::new("workflow.disabled", "workflow", Some(id))
    };
    uow.audit(record).await?;
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::WorkflowWrite)?;
    let current = lock(uow, p, id).await?;
    let before = summary(&current);
    // Its runs go with it (and their queued jobs are cancelled by the run handler, which finds
    // no run).
    workflow::Entity::delete_by_id(id).exec(uow.txn()).await?;
    uow.audit(AuditRecord::new("workflow.deleted", "workflow", Some(id)).changes(before))
        .await?;
    Ok(id)
}

async fn lock(uow: &UnitOfWork, p: &Principal, id: Uuid) -> Result<workflow::Model> {
    lock_in_scope(
        uow.txn(),
        super::scope::workflows(p),
        workflow::Column::Id,
        id,
        "workflow",
        Lock::Update,
    )
    .await
}

pub async fn find(conn: &impl ConnectionTrait, p: &Principal, id: Uuid) -> Result<workflow::Model> {
    p.require(Permission::WorkflowRead)?;
    find_in_scope(
        conn,
        super::scope::workflows(p),
        workflow::Column::Id,
        id,
        "workflow",
    )
    .await
}

/// Filters of `workflows`.
#[derive(Debug, Default)]
pub struct WorkflowFilter {
    pub enabled: Option<bool>,
    pub trigger: Option<TriggerKind>,
}

pub fn list(p: &Principal, filter: &WorkflowFilter) -> Select<workflow::Entity> {
    let mut select = super::scope::workflows(p);
    if let Some(enabled) = filter.enabled {
        select = select.filter(workflow::Column::Enabled.eq(enabled));
    }
    if let Some(kind) = filter.trigger {
        select = select.filter(workflow::Column::TriggerKind.eq(kind));
    }
    select
}

/// The enabled EVENT workflows of `tenant_id`, read in the unit of work that raises events.
pub async fn event_workflows(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
) -> Result<Vec<workflow::Model>> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the tenant of the events being raised, inside their own unit of work"
    )]
    let rows = workflow::Entity::find()
        .filter(workflow::Column::TenantId.eq(tenant_id))
        .filter(workflow::Column::TriggerKind.eq(TriggerKind::Event))
        .filter(workflow::Column::Enabled.eq(true))
        .all(conn)
        .await?;
    Ok(rows)
}
