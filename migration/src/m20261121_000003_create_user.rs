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
                    .table(User::Table)
                    .col(pk_uuid(User::Id))
                    .col(uuid(User::TenantId))
                    .col(text(User::Email))
                    .col(string_len(User::EmailIndex, 64))
                    .col(string_len(User::FullName, 200))
                    .col(text(User::PasswordHash))
                    .col(string_len(User::Role, 16))
                    .col(uuid_null(User::CompanyId))
                    .col(uuid_null(User::ConsultantId))
                    .col(timestamp_with_time_zone_null(User::DeactivatedAt))
                    .col(integer(User::TokenVersion).default(0))
                    .col(timestamp_with_time_zone(User::CreatedAt))
                    .col(timestamp_with_time_zone(User::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_tenant")
                            .from(User::Table, User::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_user_tenant_email_index")
                    .table(User::Table)
                    .col(User::TenantId)
                    .col(User::EmailIndex)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_user_tenant_role")
                    .table(User::Table)
                    .col(User::TenantId)
                    .col(User::Role)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(User::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum User {
    #[sea_orm(iden = "app_user")]
    Table,
    Id,
    TenantId,
    Email,
    EmailIndex,
    FullName,
    PasswordHash,
    Role,
    CompanyId,
    ConsultantId,
    DeactivatedAt,
    TokenVersion,
    CreatedAt,
    UpdatedAt,
}
