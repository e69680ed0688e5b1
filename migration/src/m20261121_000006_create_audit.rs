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
                    .table(AuditEvent::Table)
                    .col(pk_uuid(AuditEvent::Id))
                    .col(uuid(AuditEvent::TenantId))
                    .col(big_integer(AuditEvent::Seq))
                    .col(uuid_null(AuditEvent::ActorId))
                    .col(string_len_null(AuditEvent::ActorRole, 16))
                    .col(string_len(AuditEvent::Action, 64))
                    .col(string_len(AuditEvent::EntityType, 64))
                    .col(string_len_null(AuditEvent::EntityId, 64))
                    .col(text(AuditEvent::Changes))
                    .col(string_len_null(AuditEvent::RequestId, 64))
                    .col(string_len_null(AuditEvent::Ip, 64))
                    .col(timestamp_with_time_zone(AuditEvent::CreatedAt))
                    .col(string_len(AuditEvent::PrevHash, 64))
                    .col(string_len(AuditEvent::Hash, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_event_tenant")
                            .from(AuditEvent::Table, AuditEvent::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_audit_event_tenant_seq")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::TenantId)
                    .col(AuditEvent::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_event_tenant_action")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::TenantId)
                    .col(AuditEvent::Action)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_event_tenant_actor")
                    .table(AuditEvent::Table)
                    .col(AuditEvent::TenantId)
                    .col(AuditEvent::ActorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(pk_uuid(AuditHead::TenantId))
                    .col(big_integer(AuditHead::LastSeq))
                    .col(string_len(AuditHead::LastHash, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_head_tenant")
                            .from(AuditHead::Table, AuditHead::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditHead::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditEvent::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuditEvent {
    Table,
    Id,
    TenantId,
    Seq,
    ActorId,
    ActorRole,
    Action,
    EntityType,
    EntityId,
    Changes,
    RequestId,
    Ip,
    CreatedAt,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    TenantId,
    LastSeq,
    LastHash,
}
