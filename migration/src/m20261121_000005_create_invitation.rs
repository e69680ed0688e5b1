use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000003_create_user::User;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitation::Table)
                    .col(pk_uuid(Invitation::Id))
                    .col(uuid(Invitation::TenantId))
                    .col(text(Invitation::Email))
                    .col(string_len(Invitation::EmailIndex, 64))
                    .col(string_len_null(Invitation::FullName, 200))
                    .col(string_len(Invitation::Role, 16))
                    .col(uuid_null(Invitation::CompanyId))
                    .col(uuid_null(Invitation::ConsultantId))
                    .col(string_len(Invitation::TokenHash, 64))
                    .col(uuid(Invitation::InvitedBy))
                    .col(timestamp_with_time_zone(Invitation::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitation::AcceptedAt))
                    .col(timestamp_with_time_zone(Invitation::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitation_tenant")
                            .from(Invitation::Table, Invitation::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitation_invited_by")
                            .from(Invitation::Table, Invitation::InvitedBy)
                            .to(User::Table, User::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_invitation_token_hash")
                    .table(Invitation::Table)
                    .col(Invitation::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_invitation_tenant_email_index")
                    .table(Invitation::Table)
                    .col(Invitation::TenantId)
                    .col(Invitation::EmailIndex)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitation::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    TenantId,
    Email,
    EmailIndex,
    FullName,
    Role,
    CompanyId,
    ConsultantId,
    TokenHash,
    InvitedBy,
    ExpiresAt,
    AcceptedAt,
    CreatedAt,
}
