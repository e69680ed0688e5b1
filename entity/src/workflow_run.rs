//! `workflow_run`: one run of a workflow, with its input and the state of each step.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::{RunStatus, TriggerKind};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "workflow_run")]
#[serde(rename_all = "camelCase")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub workflow_id: Uuid,
    pub status: RunStatus,
    /// What started it.
    pub trigger_kind: TriggerKind,
    /// JSON: the event data, the schedule tick, or what the caller passed.
    pub input: String,
    /// JSON array of step states: `{index, kind, status, output, error, attempts, startedAt, finishedAt}`.
    pub steps: String,
    pub error: Option<String>,
    /// How many runs led to this one through the events they raised (0 for a run a person,
    /// a schedule or a webhook started).
    pub depth: i32,
    /// The job that executes it.
    pub job_id: Option<Uuid>,
    /// Who started it by hand.
    pub created_by: Option<Uuid>,
    pub queued_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
