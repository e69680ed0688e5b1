use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000010_create_consultant::Consultant;
use crate::m20261121_000012_create_tender::Tender;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TenderMatch::Table)
                    .col(pk_uuid(TenderMatch::Id))
                    .col(uuid(TenderMatch::TenantId))
                    .col(uuid(TenderMatch::TenderId))
                    .col(uuid(TenderMatch::ConsultantId))
                    .col(double(TenderMatch::Score))
                    .col(text(TenderMatch::Breakdown))
                    .col(text(TenderMatch::Reasons))
                    .col(string_len(TenderMatch::Status, 16))
                    .col(text_null(TenderMatch::Notes))
                    .col(text_null(TenderMatch::RejectionReason))
                    .col(timestamp_with_time_zone_null(TenderMatch::ProposedAt))
                    .col(timestamp_with_time_zone_null(TenderMatch::DecidedAt))
                    .col(timestamp_with_time_zone(TenderMatch::CreatedAt))
                    .col(timestamp_with_time_zone(TenderMatch::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_match_tenant")
                            .from(TenderMatch::Table, TenderMatch::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_match_tender")
                            .from(TenderMatch::Table, TenderMatch::TenderId)
                            .to(Tender::Table, Tender::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_match_consultant")
                            .from(TenderMatch::Table, TenderMatch::ConsultantId)
                            .to(Consultant::Table, Consultant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_tender_match_pair")
                    .table(TenderMatch::Table)
                    .col(TenderMatch::TenderId)
                    .col(TenderMatch::ConsultantId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_match_tenant_status")
                    .table(TenderMatch::Table)
                    .col(TenderMatch::TenantId)
                    .col(TenderMatch::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_match_tenant_consultant")
                    .table(TenderMatch::Table)
                    .col(TenderMatch::TenantId)
                    .col(TenderMatch::ConsultantId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_match_tenant_tender_score")
                    .table(TenderMatch::Table)
                    .col(TenderMatch::TenantId)
                    .col(TenderMatch::TenderId)
                    .col(TenderMatch::Score)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TenderMatch::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum TenderMatch {
    Table,
    Id,
    TenantId,
    TenderId,
    ConsultantId,
    Score,
    Breakdown,
    Reasons,
    Status,
    Notes,
    RejectionReason,
    ProposedAt,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}
