//! `domain_event`: the transactional outbox. Every unit of work writes the domain events it
//! raised here, in its own transaction, each with the next number of its tenant's sequence
//! (`event_head`, locked until commit, so that numbers are gap-free and follow commit order).
//! Dispatchers read committed rows in sequence order; subscribers replay from here (`after`).

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
                    .table(DomainEvent::Table)
                    .col(pk_uuid(DomainEvent::Id))
                    .col(uuid(DomainEvent::TenantId))
                    .col(big_integer(DomainEvent::Seq))
                    .col(string_len(DomainEvent::Kind, 64))
                    .col(text(DomainEvent::Payload))
                    .col(uuid_null(DomainEvent::ActorId))
                    .col(string_len_null(DomainEvent::RequestId, 64))
                    .col(timestamp_with_time_zone(DomainEvent::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_domain_event_tenant")
                            .from(DomainEvent::Table, DomainEvent::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_domain_event_tenant_seq")
                    .table(DomainEvent::Table)
                    .col(DomainEvent::TenantId)
                    .col(DomainEvent::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventHead::Table)
                    .col(pk_uuid(EventHead::TenantId))
                    .col(big_integer(EventHead::LastSeq))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_head_tenant")
                            .from(EventHead::Table, EventHead::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EventHead::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DomainEvent::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DomainEvent {
    Table,
    Id,
    TenantId,
    Seq,
    Kind,
    Payload,
    ActorId,
    RequestId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum EventHead {
    Table,
    TenantId,
    LastSeq,
}
