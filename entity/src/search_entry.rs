//! `search_entry`: the searchable text of one row (a consultant, a tender, a résumé, a
//! portfolio project). The database's full-text index over it (PostgreSQL `tsvector` columns,
//! SQLite's `search_fts`) is not part of the model.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// `CONSULTANT`, `TENDER`, `RESUME` or `PORTFOLIO`.
    pub kind: String,
    /// The row the entry is for.
    pub entity_id: Uuid,
    /// The consultant the row belongs to (résumés, portfolio projects, the consultant).
    pub consultant_id: Option<Uuid>,
    /// The row number of the entry in SQLite's full-text table.
    pub doc_id: i64,
    /// Text every reader of the row may read.
    pub public_text: String,
    /// Text only the agency may read (internal notes, résumé text).
    pub staff_text: String,
    /// SHA-256 of the two texts: an embedding job skips an entry whose text moved on.
    pub digest: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
