//! Schedules: every instance that runs workers looks, every second, for enabled SCHEDULE
//! workflows whose next tick is due, and queues one run per tick. The run's job carries the
//! idempotency key `schedule:<workflow>:<tick>`, so that with several instances on one
//! database each tick runs once; the workflow's row is locked while its tick is taken, so that
//! the others pass over it.
//!
//! A workflow whose ticks were missed (everything was down) runs once for the latest missed
//! tick, then waits for the next one from now: never once per missed tick.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::{TriggerKind, workflow};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait as _, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::LockBehavior, sea_query::LockType,
};
use serde_json::json;
use tokio::sync::watch;

use super::model::Schedule;
use super::runs::{self, Start};
use crate::audit::RequestMeta;
use crate::error::Result;
use crate::state::AppState;
use crate::unit::Actor;

/// How often an instance looks for due ticks.
pub const EVERY: Duration = Duration::from_secs(1);

/// Queues the runs of due ticks until `stopped` turns true.
pub async fn run(state: AppState, mut stopped: watch::Receiver<bool>) {
    while !*stopped.borrow() {
        if let Err(err) = tick(&state, Utc::now()).await {
            err.log_if_internal();
        }
        tokio::select! {
            () = tokio::time::sleep(EVERY) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// Queues one run for each schedule due at `now`; returns how many.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<usize> {
    let mut queued = 0;
    // One workflow per unit of work, so that a slow one holds no other.
    loop {
        let uow = state
            .unit_of_work(Actor::System, RequestMeta::default())
            .await?;
        let mut due = {
            #[expect(
                clippy::disallowed_methods,
                reason = "the scheduler serves every tenant; each run is queued in its workflow's"
            )]
            let select = workflow::Entity::find()
                .filter(workflow::Column::TriggerKind.eq(TriggerKind::Schedule))
                .filter(workflow::Column::Enabled.eq(true))
                .filter(workflow::Column::NextTickAt.lte(now))
                .order_by_asc(workflow::Column::NextTickAt)
                .limit(1);
            match uow.txn().get_database_backend() {
                // Another instance taking the same tick is passed over, not waited for.
                DatabaseBackend::Postgres => {
                    select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                }
                _ => select,
            }
        }
        .all(uow.txn())
        .await?;
        let Some(w) = due.pop() else {
            return Ok(queued);
        };
        let Some(tick_at) = w.next_tick_at else {
            return Ok(queued);
        };
        let next = match (&w.cron, &w.timezone) {
            (Some(cron), Some(tz)) => Schedule::parse(cron, tz)
                .ok()
                .and_then(|s| s.next_after(now.max(tick_at))),
            _ => None,
        };
        let run = runs::queue(
            &uow,
            Start {
                workflow: &w,
                trigger: TriggerKind::Schedule,
                input: json!({ "tick": tick_at, "timezone": w.timezone }),
                depth: 0,
                queue: None,
                idempotency_key: Some(format!("schedule:{}:{}", w.id, tick_at.timestamp())),
                created_by: None,
            },
        )
        .await?;
        let mut a: workflow::ActiveModel = w.into();
        a.next_tick_at = Set(next);
        a.update(uow.txn()).await?;
        uow.commit().await?;
        if run.is_some() {
            queued += 1;
        }
    }
}
