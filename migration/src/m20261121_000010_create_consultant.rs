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
                    .table(Consultant::Table)
                    .col(pk_uuid(Consultant::Id))
                    .col(uuid(Consultant::TenantId))
                    .col(string_len(Consultant::FirstName, 100))
                    .col(string_len(Consultant::LastName, 100))
                    .col(string_len(Consultant::Title, 200))
                    .col(text_null(Consultant::Bio))
                    .col(integer(Consultant::YearsExperience))
                    .col(big_integer_null(Consultant::DailyRateCents))
                    .col(text_null(Consultant::Email))
                    .col(text_null(Consultant::Phone))
                    .col(date_null(Consultant::AvailabilityDate))
                    .col(string_len(Consultant::Status, 16))
                    .col(string_len_null(Consultant::Location, 200))
                    .col(string_len(Consultant::Remote, 16))
                    .col(text_null(Consultant::InternalNotes))
                    .col(timestamp_with_time_zone_null(Consultant::DeletedAt))
                    .col(timestamp_with_time_zone(Consultant::CreatedAt))
                    .col(timestamp_with_time_zone(Consultant::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_consultant_tenant")
                            .from(Consultant::Table, Consultant::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consultant_tenant_status")
                    .table(Consultant::Table)
                    .col(Consultant::TenantId)
                    .col(Consultant::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consultant_tenant_availability")
                    .table(Consultant::Table)
                    .col(Consultant::TenantId)
                    .col(Consultant::AvailabilityDate)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consultant_tenant_last_name")
                    .table(Consultant::Table)
                    .col(Consultant::TenantId)
                    .col(Consultant::LastName)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consultant_tenant_deleted")
                    .table(Consultant::Table)
                    .col(Consultant::TenantId)
                    .col(Consultant::DeletedAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Consultant::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Consultant {
    Table,
    Id,
    TenantId,
    FirstName,
    LastName,
    Title,
    Bio,
    YearsExperience,
    DailyRateCents,
    Email,
    Phone,
    AvailabilityDate,
    Status,
    Location,
    Remote,
    InternalNotes,
    DeletedAt,
    CreatedAt,
    UpdatedAt,
}
