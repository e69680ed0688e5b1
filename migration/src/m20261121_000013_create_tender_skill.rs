use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000009_create_skill::Skill;
use crate::m20261121_000012_create_tender::Tender;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TenderSkill::Table)
                    .col(uuid(TenderSkill::TenderId))
                    .col(uuid(TenderSkill::SkillId))
                    .col(uuid(TenderSkill::TenantId))
                    .primary_key(
                        Index::create()
                            .col(TenderSkill::TenderId)
                            .col(TenderSkill::SkillId),
                    )
                    .col(string_len(TenderSkill::Importance, 16))
                    .col(string_len(TenderSkill::MinLevel, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_skill_tenant")
                            .from(TenderSkill::Table, TenderSkill::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_skill_tender")
                            .from(TenderSkill::Table, TenderSkill::TenderId)
                            .to(Tender::Table, Tender::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tender_skill_skill")
                            .from(TenderSkill::Table, TenderSkill::SkillId)
                            .to(Skill::Table, Skill::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_skill_tenant_skill")
                    .table(TenderSkill::Table)
                    .col(TenderSkill::TenantId)
                    .col(TenderSkill::SkillId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TenderSkill::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum TenderSkill {
    Table,
    TenderId,
    SkillId,
    TenantId,
    Importance,
    MinLevel,
}
