//! Live workflow runs over `/graphql/ws`: `workflowRunUpdated`, under the same rules as
//! `matchUpdated` (the run as the event left it, re-checked against the subscriber's scope at
//! delivery; `after` replays what was missed, in order).

use std::sync::Arc;

use async_graphql::{Context, ID, Object, Subscription};
use futures_util::Stream;
use uuid::Uuid;

use super::graphql::WorkflowRun;
use crate::auth::{Permission, Principal, visibility};
use crate::events::{DomainEvent, StoredEvent};
use crate::graphql::context::parse_id;
use crate::graphql::guard::PermissionGuard;
use crate::graphql::live::{self, Picked};

pub struct WorkflowRunEvent {
    run: entity::workflow_run::Model,
    sequence: i64,
}

/// A change of a workflow run, as it was committed.
#[Object]
impl WorkflowRunEvent {
    /// The run as the change left it.
    async fn run(&self) -> WorkflowRun {
        WorkflowRun(self.run.clone())
    }
    /// The event's number in the organisation's sequence (pass it as `after` to resume).
    async fn sequence(&self) -> i64 {
        self.sequence
    }
}

fn pick(
    p: &Principal,
    stored: &StoredEvent,
    workflow_id: Option<Uuid>,
    run_id: Option<Uuid>,
) -> Option<WorkflowRunEvent> {
    let DomainEvent::WorkflowRunUpdated { run } = &stored.event else {
        return None;
    };
    let wanted =
        workflow_id.is_none_or(|id| id == run.workflow_id) && run_id.is_none_or(|id| id == run.id);
    (wanted && super::scope::run_visible(p, run)).then(|| WorkflowRunEvent {
        run: run.clone(),
        sequence: stored.seq,
    })
}

#[derive(Default)]
pub struct AutomationSubscription;

#[Subscription]
impl AutomationSubscription {
    /// Every change of the runs of one workflow, or of one run, or of all runs: queued,
    /// started, a step moving, ended; in order, from whichever instance made it.
    #[graphql(
        guard = "PermissionGuard(Permission::WorkflowRead)",
        visible = "visibility::workflow_read"
    )]
    async fn workflow_run_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this workflow's runs.")] workflow_id: Option<ID>,
        #[graphql(desc = "Only this run.")] run_id: Option<ID>,
        #[graphql(desc = "Replay the events after this sequence number first.")] after: Option<i64>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<WorkflowRunEvent>> + use<>>
    {
        let workflow_id = workflow_id
            .map(|id| parse_id("workflowId", &id))
            .transpose()?;
        let run_id = run_id.map(|id| parse_id("runId", &id)).transpose()?;
        let events = live::watch(
            ctx,
            live::after(after)?,
            move |p: Arc<Principal>, stored: Arc<StoredEvent>| {
                Picked::Now(Ok(pick(&p, &stored, workflow_id, run_id)))
            },
        )
        .await?;
        Ok(futures_util::StreamExt::map(events, |item| {
            item.map_err(async_graphql::Error::from)
        }))
    }
}
