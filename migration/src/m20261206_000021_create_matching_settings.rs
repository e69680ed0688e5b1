//! `matching_settings`: each tenant's weights of the score components and the threshold of
//! generated matches. A tenant without a row uses the defaults.

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
                    .table(MatchingSettings::Table)
                    .col(pk_uuid(MatchingSettings::TenantId))
                    .col(double(MatchingSettings::SkillsWeight))
                    .col(double(MatchingSettings::AvailabilityWeight))
                    .col(double(MatchingSettings::RateWeight))
                    .col(double(MatchingSettings::LocationWeight))
                    .col(double(MatchingSettings::ExperienceWeight))
                    .col(double(MatchingSettings::MinScore))
                    .col(timestamp_with_time_zone(MatchingSettings::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_matching_settings_tenant")
                            .from(MatchingSettings::Table, MatchingSettings::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MatchingSettings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MatchingSettings {
    Table,
    TenantId,
    SkillsWeight,
    AvailabilityWeight,
    RateWeight,
    LocationWeight,
    ExperienceWeight,
    MinScore,
    UpdatedAt,
}
