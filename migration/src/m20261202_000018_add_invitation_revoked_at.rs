//! Invitations can be revoked (by an ADMIN, or when their inviter is deactivated or demoted);
//! the inviter index finds an inviter's pending invitations.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitation {
    Table,
    TenantId,
    InvitedBy,
    RevokedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Invitation::Table)
                    .add_column(timestamp_with_time_zone_null(Invitation::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_invitation_tenant_invited_by")
                    .table(Invitation::Table)
                    .col(Invitation::TenantId)
                    .col(Invitation::InvitedBy)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_invitation_tenant_invited_by")
                    .table(Invitation::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Invitation::Table)
                    .drop_column(Invitation::RevokedAt)
                    .to_owned(),
            )
            .await
    }
}
