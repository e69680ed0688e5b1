//! `search_entry` and `search_chunk`: the search index. One entry per searchable row (a
//! consultant, a tender, a résumé, a portfolio project), written in the unit of work that
//! changed the row, with its text split in two: what every reader of the row may read
//! (`public_text`) and what only the agency may (`staff_text`). The database indexes both for
//! full text — PostgreSQL with generated `tsvector` columns under GIN indexes, SQLite with an
//! FTS5 table kept by triggers — and `search_chunk` holds the sentence embeddings of the text,
//! per chunk, computed by jobs.

use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261121_000001_create_tenant::Tenant;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// PostgreSQL: the two `tsvector`s ('simple': no stemming, no stop words, any language) and
/// their GIN indexes. A reader limited to public text is searched on `public_tsv`. `<`, `>`
/// and `&` are read as spaces: PostgreSQL's parser would take `<billing>` for a tag and drop it
/// (search's snippets read the text the same way).
const POSTGRES: &[&str] = &[
    "ALTER TABLE search_entry ADD COLUMN public_tsv tsvector GENERATED ALWAYS AS \
     (to_tsvector('simple', translate(public_text, '<>&', '   '))) STORED",
    "ALTER TABLE search_entry ADD COLUMN all_tsv tsvector GENERATED ALWAYS AS \
     (to_tsvector('simple', translate(public_text || ' ' || staff_text, '<>&', '   '))) STORED",
    "CREATE INDEX ix_search_entry_public_tsv ON search_entry USING GIN (public_tsv)",
    "CREATE INDEX ix_search_entry_all_tsv ON search_entry USING GIN (all_tsv)",
];

/// SQLite: an FTS5 table whose rowid is the entry's `doc_id`, kept by triggers in the writing
/// transaction.
const SQLITE: &[&str] = &[
    "CREATE VIRTUAL TABLE search_fts USING fts5(public_text, staff_text, \
     tokenize = 'unicode61 remove_diacritics 2')",
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
        manager
            .create_table(
                Table::create()
                    .table(SearchEntry::Table)
                    .col(pk_uuid(SearchEntry::Id))
                    .col(uuid(SearchEntry::TenantId))
                    .col(string_len(SearchEntry::Kind, 16))
                    .col(uuid(SearchEntry::EntityId))
                    .col(uuid_null(SearchEntry::ConsultantId))
                    .col(big_integer(SearchEntry::DocId))
                    .col(text(SearchEntry::PublicText))
                    .col(text(SearchEntry::StaffText))
                    .col(string_len(SearchEntry::Digest, 64))
                    .col(timestamp_with_time_zone(SearchEntry::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_search_entry_tenant")
                            .from(SearchEntry::Table, SearchEntry::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_search_entry_entity")
                    .table(SearchEntry::Table)
                    .col(SearchEntry::TenantId)
                    .col(SearchEntry::Kind)
                    .col(SearchEntry::EntityId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_search_entry_doc")
                    .table(SearchEntry::Table)
                    .col(SearchEntry::DocId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SearchChunk::Table)
                    .col(pk_uuid(SearchChunk::Id))
                    .col(uuid(SearchChunk::TenantId))
                    .col(uuid(SearchChunk::EntryId))
                    .col(integer(SearchChunk::Position))
                    .col(boolean(SearchChunk::StaffOnly))
                    .col(text(SearchChunk::Text))
                    .col(string_len(SearchChunk::Model, 100))
                    .col(binary(SearchChunk::Vector))
                    .col(timestamp_with_time_zone(SearchChunk::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_search_chunk_tenant")
                            .from(SearchChunk::Table, SearchChunk::TenantId)
                            .to(Tenant::Table, Tenant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_search_chunk_entry")
                            .from(SearchChunk::Table, SearchChunk::EntryId)
                            .to(SearchEntry::Table, SearchEntry::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_search_chunk_tenant_created")
                    .table(SearchChunk::Table)
                    .col(SearchChunk::TenantId)
                    .col(SearchChunk::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_search_chunk_entry")
                    .table(SearchChunk::Table)
                    .col(SearchChunk::EntryId)
                    .to_owned(),
            )
            .await?;
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES,
            DatabaseBackend::Sqlite => SQLITE,
            _ => &[],
        };
        let db = manager.get_connection();
        for statement in statements {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Sqlite {
            let db = manager.get_connection();
            db.execute_unprepared("DROP TABLE IF EXISTS search_fts")
                .await?;
        }
        manager
            .drop_table(Table::drop().table(SearchChunk::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(SearchEntry::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum SearchEntry {
    Table,
    Id,
    TenantId,
    Kind,
    EntityId,
    ConsultantId,
    DocId,
    PublicText,
    StaffText,
    Digest,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum SearchChunk {
    Table,
    Id,
    TenantId,
    EntryId,
    Position,
    StaffOnly,
    Text,
    Model,
    Vector,
    CreatedAt,
}
