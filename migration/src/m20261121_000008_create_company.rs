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
                    .table(Company::Table)
                    .col(pk_uuid(Company::Id))
                    .col(uuid(Company::TenantId))
                    .col(string_len(Company::Name, 200))
                    .col(text_null(Company::Description))
                    .col(string_len_null(Company::Website, 500))
                    .col(text_null(Company::Address))
                    .col(timestamp_with_time_zone(Company::CreatedAt))
                    .col(timestamp_with_time_zone(Company::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_company_tenant")
                            .from(Company::Table, Company::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_company_tenant_name")
                    .table(Company::Table)
                    .col(Company::TenantId)
                    .col(Company::Name)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Company::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Company {
    Table,
    Id,
    TenantId,
    Name,
    Description,
    Website,
    Address,
    CreatedAt,
    UpdatedAt,
}
