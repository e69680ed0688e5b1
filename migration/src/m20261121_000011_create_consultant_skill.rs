use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;
use crate::m20261121_000009_create_skill::Skill;
use crate::m20261121_000010_create_consultant::Consultant;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ConsultantSkill::Table)
                    .col(uuid(ConsultantSkill::ConsultantId))
                    .col(uuid(ConsultantSkill::SkillId))
                    .col(uuid(ConsultantSkill::TenantId))
                    .primary_key(
                        Index::create()
                            .col(ConsultantSkill::ConsultantId)
                            .col(ConsultantSkill::SkillId),
                    )
                    .col(string_len(ConsultantSkill::Level, 16))
                    .col(integer(ConsultantSkill::YearsExperience))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_consultant_skill_tenant")
                            .from(ConsultantSkill::Table, ConsultantSkill::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_consultant_skill_consultant")
                            .from(ConsultantSkill::Table, ConsultantSkill::ConsultantId)
                            .to(Consultant::Table, Consultant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_consultant_skill_skill")
                            .from(ConsultantSkill::Table, ConsultantSkill::SkillId)
                            .to(Skill::Table, Skill::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consultant_skill_tenant_skill_level")
                    .table(ConsultantSkill::Table)
                    .col(ConsultantSkill::TenantId)
                    .col(ConsultantSkill::SkillId)
                    .col(ConsultantSkill::Level)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ConsultantSkill::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ConsultantSkill {
    Table,
    ConsultantId,
    SkillId,
    TenantId,
    Level,
    YearsExperience,
}
