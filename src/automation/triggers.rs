//! Event triggers: a reaction (`unit::Reaction`) that, for each event a unit of work raises,
//! queues a run of every enabled workflow of the organisation that starts on it and whose
//! condition holds, in that same unit of work. The run exists exactly when the event does.
//!
//! Runs of one workflow started by events on the same entity share a queue (one at a time, in
//! event order); others run in parallel. A run's own events may start other workflows, up to
//! [`MAX_DEPTH`] runs deep, and never the workflow that raised them.

use entity::{TriggerKind, workflow};
use futures_util::future::BoxFuture;
use serde_json::Value;
use uuid::Uuid;

use super::runs::{self, Start};
use super::templates;
use crate::error::Result;
use crate::events::DomainEvent;
use crate::unit::{Actor, UnitOfWork};

/// Runs started by runs started by runs…: no deeper than this.
pub const MAX_DEPTH: i32 = 3;

pub fn react<'a>(
    uow: &'a UnitOfWork,
    tenant_id: Uuid,
    event: &'a DomainEvent,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(start_runs(uow, tenant_id, event))
}

/// The entity an event is about, for the per-entity queue.
fn subject(event: &DomainEvent) -> Option<Uuid> {
    match event {
        DomainEvent::TenderCreated { tender }
        | DomainEvent::TenderUpdated { tender }
        | DomainEvent::TenderPublished { tender }
        | DomainEvent::TenderStatusChanged { tender, .. }
        | DomainEvent::TenderDeleted { tender } => Some(tender.id),
        DomainEvent::ConsultantCreated { consultant_id }
        | DomainEvent::ConsultantUpdated { consultant_id }
        | DomainEvent::ConsultantDeleted { consultant_id } => Some(*consultant_id),
        DomainEvent::MatchCreated { r#match, .. }
        | DomainEvent::MatchScoreChanged { r#match, .. }
        | DomainEvent::MatchStatusChanged { r#match, .. }
        | DomainEvent::MatchDeleted { r#match, .. } => Some(r#match.id),
        DomainEvent::CollaborationCreated {
            collaboration_id, ..
        } => Some(*collaboration_id),
        DomainEvent::ResumeUploaded { resume_id, .. }
        | DomainEvent::ResumeProcessed { resume_id, .. }
        | DomainEvent::ResumeFailed { resume_id, .. }
        | DomainEvent::ResumeDeleted { resume_id, .. } => Some(*resume_id),
        DomainEvent::PortfolioProjectChanged { project_id, .. }
        | DomainEvent::PortfolioProjectDeleted { project_id, .. } => Some(*project_id),
        DomainEvent::UserAccessChanged { .. }
        | DomainEvent::AccessTokenRevoked { .. }
        | DomainEvent::WorkflowRunUpdated { .. } => None,
    }
}

async fn start_runs(uow: &UnitOfWork, tenant_id: Uuid, event: &DomainEvent) -> Result<()> {
    let Some(entity) = subject(event) else {
        return Ok(());
    };
    // The server's own units (the demo seed, key rotation, schedules, hooks) start no runs;
    // the résumé reader, a job acting for nobody, raises events that workflows wait for.
    let systems_event = matches!(
        event,
        DomainEvent::ResumeProcessed { .. } | DomainEvent::ResumeFailed { .. }
    );
    if uow.tenant_id().is_none() && !systems_event {
        return Ok(());
    }
    let (depth, acting) = match uow.actor() {
        Actor::Workflow(w) => (w.depth + 1, Some(w.workflow_id)),
        _ => (0, None),
    };
    let workflows = cached(uow, tenant_id).await?;
    let started: Vec<&workflow::Model> = workflows
        .iter()
        .filter(|w| w.trigger_event.as_deref() == Some(event.kind()))
        .filter(|w| Some(w.id) != acting)
        .collect();
    if started.is_empty() {
        return Ok(());
    }
    if depth > MAX_DEPTH {
        tracing::warn!(
            event = event.kind(),
            "workflow runs nested {MAX_DEPTH} deep: the event starts no further run"
        );
        return Ok(());
    }
    let input = camel_case(serde_json::to_value(event).unwrap_or(Value::Null));
    for w in started {
        if let Some(condition) = &w.condition {
            match templates::holds(condition, &input) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(err) => {
                    tracing::warn!(workflow = %w.id, error = %err, "workflow condition does not evaluate; no run");
                    continue;
                }
            }
        }
        runs::queue(
            uow,
            Start {
                workflow: w,
                trigger: TriggerKind::Event,
                input: input.clone(),
                depth,
                queue: Some(format!("workflow:{}:{entity}", w.id)),
                idempotency_key: None,
                created_by: None,
            },
        )
        .await?;
    }
    Ok(())
}

/// The organisation's enabled event workflows, read once per unit of work (a unit that raises
/// a hundred match events reads them once).
async fn cached(uow: &UnitOfWork, tenant_id: Uuid) -> Result<std::sync::Arc<Vec<workflow::Model>>> {
    type Cache = std::collections::HashMap<Uuid, std::sync::Arc<Vec<workflow::Model>>>;
    if let Some(hit) = uow.with_local(|cache: &mut Cache| cache.get(&tenant_id).cloned()) {
        return Ok(hit);
    }
    let rows = std::sync::Arc::new(super::workflows::event_workflows(uow.txn(), tenant_id).await?);
    uow.with_local(|cache: &mut Cache| cache.insert(tenant_id, rows.clone()));
    Ok(rows)
}

/// The event's data with the API's field names (`companyId`, not `company_id`), as templates,
/// conditions and webhook receivers see it.
pub fn camel_case(value: Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| (camel(&key), camel_case(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camel_case).collect()),
        other => other,
    }
}

fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_data_takes_the_api_field_names() {
        let data = camel_case(
            json!({ "type": "tenderPublished", "tender": { "company_id": "x", "budget_max_cents": 1, "skills": [{ "min_level": "EXPERT" }] } }),
        );
        assert_eq!(
            data,
            json!({ "type": "tenderPublished", "tender": { "companyId": "x", "budgetMaxCents": 1, "skills": [{ "minLevel": "EXPERT" }] } })
        );
    }
}
