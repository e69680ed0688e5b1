//! `rate_count`: the request and sign-in budgets every instance on one PostgreSQL shares
//! (`auth::budgets`): per key (`ip:…`, `user:…`, `signin-ip:…`, `signup-ip:…`) and window, the
//! number counted by all instances together. Rows are pruned once past `expires_at` (unix
//! seconds). Unused on SQLite, where one process counts in memory.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateCount::Table)
                    .col(string_len(RateCount::Key, 200))
                    .col(big_integer(RateCount::WindowStart))
                    .col(big_integer(RateCount::Count))
                    .col(big_integer(RateCount::ExpiresAt))
                    .primary_key(
                        Index::create()
                            .name("pk_rate_count")
                            .col(RateCount::Key)
                            .col(RateCount::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_rate_count_expires_at")
                    .table(RateCount::Table)
                    .col(RateCount::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateCount::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum RateCount {
    Table,
    Key,
    WindowStart,
    Count,
    ExpiresAt,
}
