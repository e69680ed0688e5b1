use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000008_create_company::Company;
use crate::m20261121_000010_create_consultant::Consultant;
use crate::m20261121_000012_create_tender::Tender;
use crate::m20261121_000014_create_tender_match::TenderMatch;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Collaboration::Table)
                    .col(pk_uuid(Collaboration::Id))
                    .col(uuid(Collaboration::TenantId))
                    .col(uuid(Collaboration::MatchId))
                    .col(uuid(Collaboration::TenderId))
                    .col(uuid(Collaboration::ConsultantId))
                    .col(uuid(Collaboration::CompanyId))
                    .col(string_len(Collaboration::Status, 16))
                    .col(date_null(Collaboration::StartDate))
                    .col(date_null(Collaboration::EndDate))
                    .col(big_integer_null(Collaboration::DailyRateCents))
                    .col(timestamp_with_time_zone(Collaboration::CreatedAt))
                    .col(timestamp_with_time_zone(Collaboration::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaboration_tenant")
                            .from(Collaboration::Table, Collaboration::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaboration_match")
                            .from(Collaboration::Table, Collaboration::MatchId)
                            .to(TenderMatch::Table, TenderMatch::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaboration_tender")
                            .from(Collaboration::Table, Collaboration::TenderId)
                            .to(Tender::Table, Tender::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaboration_consultant")
                            .from(Collaboration::Table, Collaboration::ConsultantId)
                            .to(Consultant::Table, Consultant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_collaboration_company")
                            .from(Collaboration::Table, Collaboration::CompanyId)
                            .to(Company::Table, Company::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_collaboration_match")
                    .table(Collaboration::Table)
                    .col(Collaboration::MatchId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_collaboration_tenant_status")
                    .table(Collaboration::Table)
                    .col(Collaboration::TenantId)
                    .col(Collaboration::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_collaboration_tenant_consultant")
                    .table(Collaboration::Table)
                    .col(Collaboration::TenantId)
                    .col(Collaboration::ConsultantId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_collaboration_tenant_company")
                    .table(Collaboration::Table)
                    .col(Collaboration::TenantId)
                    .col(Collaboration::CompanyId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Collaboration::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Collaboration {
    Table,
    Id,
    TenantId,
    MatchId,
    TenderId,
    ConsultantId,
    CompanyId,
    Status,
    StartDate,
    EndDate,
    DailyRateCents,
    CreatedAt,
    UpdatedAt,
}
