//! `portfolio_project` and `portfolio_project_skill`: consultants' past projects and the
//! skills of the catalogue each used.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000010_create_consultant::Consultant;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PortfolioProject::Table)
                    .col(pk_uuid(PortfolioProject::Id))
                    .col(uuid(PortfolioProject::TenantId))
                    .col(uuid(PortfolioProject::ConsultantId))
                    .col(string_len(PortfolioProject::Title, 200))
                    .col(text_null(PortfolioProject::Description))
                    .col(uuid_null(PortfolioProject::CompanyId))
                    .col(string_len_null(PortfolioProject::ClientName, 200))
                    .col(string_len_null(PortfolioProject::Url, 500))
                    .col(date_null(PortfolioProject::StartDate))
                    .col(date_null(PortfolioProject::EndDate))
                    .col(boolean(PortfolioProject::Internal))
                    .col(timestamp_with_time_zone(PortfolioProject::CreatedAt))
                    .col(timestamp_with_time_zone(PortfolioProject::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_portfolio_project_tenant")
                            .from(PortfolioProject::Table, PortfolioProject::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_portfolio_project_consultant")
                            .from(PortfolioProject::Table, PortfolioProject::ConsultantId)
                            .to(Consultant::Table, Consultant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_portfolio_project_company")
                            .from(PortfolioProject::Table, PortfolioProject::CompanyId)
                            .to(Company::Table, Company::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_portfolio_project_tenant_consultant")
                    .table(PortfolioProject::Table)
                    .col(PortfolioProject::TenantId)
                    .col(PortfolioProject::ConsultantId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PortfolioProjectSkill::Table)
                    .col(uuid(PortfolioProjectSkill::ProjectId))
                    .col(uuid(PortfolioProjectSkill::SkillId))
                    .col(uuid(PortfolioProjectSkill::TenantId))
                    .col(integer(PortfolioProjectSkill::Position))
                    .primary_key(
                        Index::create()
                            .col(PortfolioProjectSkill::ProjectId)
                            .col(PortfolioProjectSkill::SkillId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_portfolio_project_skill_project")
                            .from(
                                PortfolioProjectSkill::Table,
                                PortfolioProjectSkill::ProjectId,
                            )
                            .to(PortfolioProject::Table, PortfolioProject::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_portfolio_project_skill_skill")
                            .from(PortfolioProjectSkill::Table, PortfolioProjectSkill::SkillId)
                            .to(Skill::Table, Skill::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PortfolioProjectSkill::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PortfolioProject::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum PortfolioProject {
    Table,
    Id,
    TenantId,
    ConsultantId,
    Title,
    Description,
    CompanyId,
    ClientName,
    Url,
    StartDate,
    EndDate,
    Internal,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PortfolioProjectSkill {
    Table,
    ProjectId,
    SkillId,
    TenantId,
    Position,
}

#[derive(DeriveIden)]
enum Company {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Skill {
    Table,
    Id,
}
