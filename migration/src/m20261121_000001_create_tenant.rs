use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenant::Table)
                    .col(pk_uuid(Tenant::Id))
                    .col(string_len(Tenant::Name, 200))
                    .col(string_len(Tenant::Slug, 64))
                    .col(timestamp_with_time_zone(Tenant::CreatedAt))
                    .col(timestamp_with_time_zone(Tenant::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_tenant_slug")
                    .table(Tenant::Table)
                    .col(Tenant::Slug)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Tenant::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Tenant {
    Table,
    Id,
    Name,
    Slug,
    CreatedAt,
    UpdatedAt,
}
