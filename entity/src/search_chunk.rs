//! `search_chunk`: a passage of a search entry's text with its sentence embedding.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "search_chunk")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub entry_id: Uuid,
    /// Order of the passage in the entry.
    pub position: i32,
    /// Taken from the entry's staff-only text: never searched for a CLIENT.
    pub staff_only: bool,
    pub text: String,
    /// The model that computed the vector.
    pub model: String,
    /// The unit vector, little-endian `f32`s.
    pub vector: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
