//! `access_denial`: denied attempts counted per user, permission and time window, so that the
//! audit chain gets one event when a window opens and one summary when it closes, instead of
//! one event per denied request.

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
                    .table(AccessDenial::Table)
                    .col(pk_uuid(AccessDenial::Id))
                    .col(uuid(AccessDenial::TenantId))
                    .col(uuid(AccessDenial::UserId))
                    .col(string_len(AccessDenial::Permission, 64))
                    .col(timestamp_with_time_zone(AccessDenial::WindowStart))
                    .col(timestamp_with_time_zone(AccessDenial::WindowEnd))
                    .col(integer(AccessDenial::Count))
                    .col(boolean(AccessDenial::Summarized))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_access_denial_tenant")
                            .from(AccessDenial::Table, AccessDenial::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_access_denial_window")
                    .table(AccessDenial::Table)
                    .col(AccessDenial::TenantId)
                    .col(AccessDenial::UserId)
                    .col(AccessDenial::Permission)
                    .col(AccessDenial::WindowStart)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_access_denial_open")
                    .table(AccessDenial::Table)
                    .col(AccessDenial::Summarized)
                    .col(AccessDenial::WindowEnd)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccessDenial::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AccessDenial {
    Table,
    Id,
    TenantId,
    UserId,
    Permission,
    WindowStart,
    WindowEnd,
    Count,
    Summarized,
}
