//! `job`: the durable job queue; one row per job, claimed by workers under a lease.

use sea_orm::entity::prelude::*;

use crate::enums::JobState;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The organisation the job works for; `None` for the server's own housekeeping.
    pub tenant_id: Option<Uuid>,
    /// What runs it (`workflow.run`, …): the name a handler is registered under.
    pub kind: String,
    /// JSON text the handler reads.
    pub payload: String,
    /// Jobs sharing a queue run one at a time, in `position` order; `None` runs in parallel.
    pub queue: Option<String>,
    pub position: i64,
    /// Enqueuing a second job with the same key does nothing.
    pub idempotency_key: Option<String>,
    pub state: JobState,
    /// Times claimed so far (the running attempt included).
    pub attempts: i32,
    pub max_attempts: i32,
    /// Not claimed before this moment (the next attempt of a job backing off).
    pub run_at: DateTimeUtc,
    /// The worker holding the job while RUNNING.
    pub locked_by: Option<String>,
    /// The lease: past it, the job is taken back from a worker that stopped renewing it.
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
