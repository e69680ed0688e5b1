use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000008_create_company::Company;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tender::Table)
                    .col(pk_uuid(Tender::Id))
                    .col(uuid(Tender::TenantId))
                    .col(uuid(Tender::CompanyId))
                    .col(string_len(Tender::Title, 200))
                    .col(text_null(Tender::Description))
                    .col(date_null(Tender::StartDate))
                    .col(date_null(Tender::EndDate))
                    .col(string_len_null(Tender::Location, 200))
                    .col(boolean(Tender::RemoteAllowed))
                    .col(big_integer_null(Tender::BudgetMinCents))
                    .col(big_integer_null(Tender::BudgetMaxCents))
                    .col(string_len(Tender::Status, 16))
                    .col(timestamp_with_time_zone(Tender::CreatedAt))
                    .col(timestamp_with_time_zone(Tender::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_tenant")
                            .from(Tender::Table, Tender::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_company")
                            .from(Tender::Table, Tender::CompanyId)
                            .to(Company::Table, Company::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_tenant_status")
                    .table(Tender::Table)
                    .col(Tender::TenantId)
                    .col(Tender::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_tenant_company")
                    .table(Tender::Table)
                    .col(Tender::TenantId)
                    .col(Tender::CompanyId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_tenant_start_date")
                    .table(Tender::Table)
                    .col(Tender::TenantId)
                    .col(Tender::StartDate)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Tender::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Tender {
    Table,
    Id,
    TenantId,
    CompanyId,
    Title,
    Description,
    StartDate,
    EndDate,
    Location,
    RemoteAllowed,
    BudgetMinCents,
    BudgetMaxCents,
    Status,
    CreatedAt,
    UpdatedAt,
}
