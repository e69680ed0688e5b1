//! `revoked_access_token`: access tokens ended before their expiry (logout), by `jti`, kept
//! until they would have expired so that every instance refuses them.

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
                    .table(RevokedAccessToken::Table)
                    .col(pk_uuid(RevokedAccessToken::Jti))
                    .col(uuid(RevokedAccessToken::TenantId))
                    .col(uuid(RevokedAccessToken::UserId))
                    .col(timestamp_with_time_zone(RevokedAccessToken::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_revoked_access_token_tenant")
                            .from(RevokedAccessToken::Table, RevokedAccessToken::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_revoked_access_token_expires_at")
                    .table(RevokedAccessToken::Table)
                    .col(RevokedAccessToken::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RevokedAccessToken::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum RevokedAccessToken {
    Table,
    Jti,
    TenantId,
    UserId,
    ExpiresAt,
}
