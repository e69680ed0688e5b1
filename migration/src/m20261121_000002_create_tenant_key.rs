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
                    .table(TenantKey::Table)
                    .col(pk_uuid(TenantKey::TenantId))
                    .col(string_len(TenantKey::KekId, 64))
                    .col(text(TenantKey::WrappedDek))
                    .col(text(TenantKey::WrappedIndexKey))
                    .col(timestamp_with_time_zone(TenantKey::CreatedAt))
                    .col(timestamp_with_time_zone_null(TenantKey::RotatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tenant_key_tenant")
                            .from(TenantKey::Table, TenantKey::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TenantKey::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TenantKey {
    Table,
    TenantId,
    KekId,
    WrappedDek,
    WrappedIndexKey,
    CreatedAt,
    RotatedAt,
}
