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
                    .table(Skill::Table)
                    .col(pk_uuid(Skill::Id))
                    .col(uuid(Skill::TenantId))
                    .col(string_len(Skill::Name, 100))
                    .col(string_len(Skill::NameKey, 100))
                    .col(string_len_null(Skill::Category, 100))
                    .col(timestamp_with_time_zone(Skill::CreatedAt))
                    .col(timestamp_with_time_zone(Skill::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_skill_tenant")
                            .from(Skill::Table, Skill::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_skill_tenant_name_key")
                    .table(Skill::Table)
                    .col(Skill::TenantId)
                    .col(Skill::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_skill_tenant_category")
                    .table(Skill::Table)
                    .col(Skill::TenantId)
                    .col(Skill::Category)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Skill::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Skill {
    Table,
    Id,
    TenantId,
    Name,
    NameKey,
    Category,
    CreatedAt,
    UpdatedAt,
}
