//! The full-text index scoped by organisation inside the index itself: every entry's words
//! include its tenant's token (`tenant` + the id's hex digits; `search::fulltext::tenant_token`),
//! and every full-text query requires it, so PostgreSQL's GIN index and SQLite's FTS5 table
//! only ever walk one organisation's entries — a search costs what its organisation holds,
//! not what the whole database does, and a word is counted in one organisation only. Also an
//! index on `search_entry (tenant_id, updated_at)`: the vector cache reads an organisation's
//! newest change through it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "DROP INDEX IF EXISTS ix_search_entry_public_tsv",
    "DROP INDEX IF EXISTS ix_search_entry_all_tsv",
    "ALTER TABLE search_entry DROP COLUMN public_tsv, DROP COLUMN all_tsv",
    "ALTER TABLE search_entry ADD COLUMN public_tsv tsvector GENERATED ALWAYS AS \
     (to_tsvector('simple', 'tenant' || replace(tenant_id::text, '-', '') || ' ' || \
     translate(public_text, '<>&', '   '))) STORED",
    "ALTER TABLE search_entry ADD COLUMN all_tsv tsvector GENERATED ALWAYS AS \
     (to_tsvector('simple', 'tenant' || replace(tenant_id::text, '-', '') || ' ' || \
     translate(public_text || ' ' || staff_text, '<>&', '   '))) STORED",
    "CREATE INDEX ix_search_entry_public_tsv ON search_entry USING GIN (public_tsv)",
    "CREATE INDEX ix_search_entry_all_tsv ON search_entry USING GIN (all_tsv)",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX IF EXISTS ix_search_entry_public_tsv",
    "DROP INDEX IF EXISTS ix_search_entry_all_tsv",
    "ALTER TABLE search_entry DROP COLUMN public_tsv, DROP COLUMN all_tsv",
    "ALTER TABLE search_entry ADD COLUMN public_tsv tsvector GENERATED ALWAYS AS \
     (to_tsvector('simple', translate(public_text, '<>&', '   '))) STORED",
    "ALTER TABLE search_entry ADD COLUMN all_tsv tsvector GENERATED ALWAYS AS \
     (to_tsvector('simple', translate(public_text || ' ' || staff_text, '<>&', '   '))) STORED",
    "CREATE INDEX ix_search_entry_public_tsv ON search_entry USING GIN (public_tsv)",
    "CREATE INDEX ix_search_entry_all_tsv ON search_entry USING GIN (all_tsv)",
];

const SQLITE_DROP: &[&str] = &[
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TABLE IF EXISTS search_fts",
];

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE search_fts USING fts5(tenant, public_text, staff_text, \
     tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts(rowid, tenant, public_text, staff_text) \
     SELECT doc_id, 'tenant' || lower(hex(tenant_id)), public_text, staff_text FROM search_entry",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN \
     INSERT INTO search_fts(rowid, tenant, public_text, staff_text) \
     VALUES (new.doc_id, 'tenant' || lower(hex(new.tenant_id)), new.public_text, new.staff_text); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN \
     DELETE FROM search_fts WHERE rowid = old.doc_id; END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN \
     DELETE FROM search_fts WHERE rowid = old.doc_id; \
     INSERT INTO search_fts(rowid, tenant, public_text, staff_text) \
     VALUES (new.doc_id, 'tenant' || lower(hex(new.tenant_id)), new.public_text, new.staff_text); END",
];

const SQLITE_DOWN: &[&str] = &[
    "CREATE VIRTUAL TABLE search_fts USING fts5(public_text, staff_text, \
     tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO search_fts(rowid, public_text, staff_text) \
     SELECT doc_id, public_text, staff_text FROM search_entry",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN \
     INSERT INTO search_fts(rowid, public_text, staff_text) \
     VALUES (new.doc_id, new.public_text, new.staff_text); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN \
     DELETE FROM search_fts WHERE rowid = old.doc_id; END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN \
     DELETE FROM search_fts WHERE rowid = old.doc_id; \
     INSERT INTO search_fts(rowid, public_text, staff_text) \
     VALUES (new.doc_id, new.public_text, new.staff_text); END",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements: Vec<&str> = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_UP.to_vec(),
            DatabaseBackend::Sqlite => [SQLITE_DROP, SQLITE_UP].concat(),
            _ => Vec::new(),
        };
        let db = manager.get_connection();
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_search_entry_tenant_updated")
                    .table(SearchEntry::Table)
                    .col(SearchEntry::TenantId)
                    .col(SearchEntry::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_search_entry_tenant_updated")
                    .table(SearchEntry::Table)
                    .to_owned(),
            )
            .await?;
        let statements: Vec<&str> = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_DOWN.to_vec(),
            DatabaseBackend::Sqlite => [SQLITE_DROP, SQLITE_DOWN].concat(),
            _ => Vec::new(),
        };
        let db = manager.get_connection();
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum SearchEntry {
    Table,
    TenantId,
    UpdatedAt,
}
