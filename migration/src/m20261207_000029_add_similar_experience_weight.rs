//! `matching_settings.similar_experience_weight`: the weight of the score's sixth component,
//! the likeness of a tender's text to a consultant's portfolio and résumé.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MatchingSettings::Table)
                    .add_column(
                        ColumnDef::new(MatchingSettings::SimilarExperienceWeight)
                            .double()
                            .not_null()
                            .default(0.10),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MatchingSettings::Table)
                    .drop_column(MatchingSettings::SimilarExperienceWeight)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum MatchingSettings {
    Table,
    SimilarExperienceWeight,
}
