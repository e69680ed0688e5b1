//! `job`: the durable job queue (DESIGN §10). Workers claim due jobs (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL) under a lease that a crashed worker lets expire; jobs that share a `queue`
//! run one at a time in `position` order; an `idempotency_key` enqueues a job at most once.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Job::Table)
                    .col(pk_uuid(Job::Id))
                    .col(uuid_null(Job::TenantId))
                    .col(string_len(Job::Kind, 64))
                    .col(text(Job::Payload))
                    .col(string_len_null(Job::Queue, 200))
                    .col(big_integer(Job::Position))
                    .col(string_len_null(Job::IdempotencyKey, 200))
                    .col(string_len(Job::State, 16))
                    .col(integer(Job::Attempts))
                    .col(integer(Job::MaxAttempts))
                    .col(timestamp_with_time_zone(Job::RunAt))
                    .col(string_len_null(Job::LockedBy, 64))
                    .col(timestamp_with_time_zone_null(Job::LockedUntil))
                    .col(text_null(Job::LastError))
                    .col(timestamp_with_time_zone(Job::CreatedAt))
                    .col(timestamp_with_time_zone(Job::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Job::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_job_tenant")
                            .from(Job::Table, Job::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // What a worker looks for: due jobs in a state, oldest first (in the claim's order, so
        // that taking the first one reads one index entry instead of sorting the queue).
        manager
            .create_index(
                Index::create()
                    .name("ix_job_state_run_at")
                    .table(Job::Table)
                    .col(Job::State)
                    .col(Job::RunAt)
                    .col(Job::Id)
                    .to_owned(),
            )
            .await?;
        // Whether a job is the head of its queue.
        manager
            .create_index(
                Index::create()
                    .name("ix_job_queue_position")
                    .table(Job::Table)
                    .col(Job::Queue)
                    .col(Job::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_job_idempotency_key")
                    .table(Job::Table)
                    .col(Job::IdempotencyKey)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Job::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Job {
    Table,
    Id,
    TenantId,
    Kind,
    Payload,
    Queue,
    Position,
    IdempotencyKey,
    State,
    Attempts,
    MaxAttempts,
    RunAt,
    LockedBy,
    LockedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}
