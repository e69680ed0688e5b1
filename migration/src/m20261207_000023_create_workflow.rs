//! `workflow` and `workflow_run` (DESIGN §10): an organisation's automations (a trigger, an
//! optional condition, ordered steps, a signing secret for webhooks, encrypted) and their runs
//! (status, input, per-step state, timings). Runs go with their workflow.

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
                    .table(Workflow::Table)
                    .col(pk_uuid(Workflow::Id))
                    .col(uuid(Workflow::TenantId))
                    .col(string_len(Workflow::Name, 200))
                    .col(boolean(Workflow::Enabled))
                    .col(string_len(Workflow::TriggerKind, 16))
                    .col(string_len_null(Workflow::TriggerEvent, 64))
                    .col(string_len_null(Workflow::Cron, 120))
                    .col(string_len_null(Workflow::Timezone, 64))
                    .col(text_null(Workflow::Condition))
                    .col(text(Workflow::Steps))
                    .col(text(Workflow::SigningSecret))
                    .col(timestamp_with_time_zone_null(Workflow::NextTickAt))
                    .col(uuid_null(Workflow::CreatedBy))
                    .col(timestamp_with_time_zone(Workflow::CreatedAt))
                    .col(timestamp_with_time_zone(Workflow::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_workflow_tenant")
                            .from(Workflow::Table, Workflow::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The workflows an event starts.
        manager
            .create_index(
                Index::create()
                    .name("ix_workflow_tenant_event")
                    .table(Workflow::Table)
                    .col(Workflow::TenantId)
                    .col(Workflow::TriggerEvent)
                    .to_owned(),
            )
            .await?;
        // The schedules due.
        manager
            .create_index(
                Index::create()
                    .name("ix_workflow_next_tick")
                    .table(Workflow::Table)
                    .col(Workflow::NextTickAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WorkflowRun::Table)
                    .col(pk_uuid(WorkflowRun::Id))
                    .col(uuid(WorkflowRun::TenantId))
                    .col(uuid(WorkflowRun::WorkflowId))
                    .col(string_len(WorkflowRun::Status, 16))
                    .col(string_len(WorkflowRun::TriggerKind, 16))
                    .col(text(WorkflowRun::Input))
                    .col(text(WorkflowRun::Steps))
                    .col(text_null(WorkflowRun::Error))
                    .col(integer(WorkflowRun::Depth))
                    .col(uuid_null(WorkflowRun::JobId))
                    .col(uuid_null(WorkflowRun::CreatedBy))
                    .col(timestamp_with_time_zone(WorkflowRun::QueuedAt))
                    .col(timestamp_with_time_zone_null(WorkflowRun::StartedAt))
                    .col(timestamp_with_time_zone_null(WorkflowRun::FinishedAt))
                    .col(timestamp_with_time_zone(WorkflowRun::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_workflow_run_tenant")
                            .from(WorkflowRun::Table, WorkflowRun::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_workflow_run_workflow")
                            .from(WorkflowRun::Table, WorkflowRun::WorkflowId)
                            .to(Workflow::Table, Workflow::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_workflow_run_tenant_workflow")
                    .table(WorkflowRun::Table)
                    .col(WorkflowRun::TenantId)
                    .col(WorkflowRun::WorkflowId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_workflow_run_status_finished")
                    .table(WorkflowRun::Table)
                    .col(WorkflowRun::Status)
                    .col(WorkflowRun::FinishedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SentEmail::Table)
                    .col(pk_uuid(SentEmail::Id))
                    .col(uuid(SentEmail::TenantId))
                    .col(uuid_null(SentEmail::RunId))
                    .col(text(SentEmail::ToAddress))
                    .col(text(SentEmail::Subject))
                    .col(text(SentEmail::Body))
                    .col(timestamp_with_time_zone(SentEmail::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sent_email_tenant")
                            .from(SentEmail::Table, SentEmail::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sent_email_tenant")
                    .table(SentEmail::Table)
                    .col(SentEmail::TenantId)
                    .col(SentEmail::SentAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SentEmail::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(WorkflowRun::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Workflow::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Workflow {
    Table,
    Id,
    TenantId,
    Name,
    Enabled,
    TriggerKind,
    TriggerEvent,
    Cron,
    Timezone,
    Condition,
    Steps,
    SigningSecret,
    NextTickAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WorkflowRun {
    Table,
    Id,
    TenantId,
    WorkflowId,
    Status,
    TriggerKind,
    Input,
    Steps,
    Error,
    Depth,
    JobId,
    CreatedBy,
    QueuedAt,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SentEmail {
    Table,
    Id,
    TenantId,
    RunId,
    ToAddress,
    Subject,
    Body,
    SentAt,
}
