//! `webhook_receipt`: the message ids of signed webhooks a workflow received (`POST
//! /hooks/<id>`), so that a replayed message is refused; kept a little longer than the
//! signature's timestamp tolerance, then pruned.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookReceipt::Table)
                    .col(uuid(WebhookReceipt::WorkflowId))
                    .col(string_len(WebhookReceipt::MessageId, 200))
                    .col(timestamp_with_time_zone(WebhookReceipt::ReceivedAt))
                    .primary_key(
                        Index::create()
                            .name("pk_webhook_receipt")
                            .col(WebhookReceipt::WorkflowId)
                            .col(WebhookReceipt::MessageId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_receipt_workflow")
                            .from(WebhookReceipt::Table, WebhookReceipt::WorkflowId)
                            .to(Workflow::Table, Workflow::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_webhook_receipt_received_at")
                    .table(WebhookReceipt::Table)
                    .col(WebhookReceipt::ReceivedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WebhookReceipt::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum WebhookReceipt {
    Table,
    WorkflowId,
    MessageId,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Workflow {
    Table,
    Id,
}
