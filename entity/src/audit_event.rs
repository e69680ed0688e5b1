//! `audit_event`: the append-only, per-tenant hash-chained audit log.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Position in the tenant's chain, from 1.
    pub seq: i64,
    pub actor_id: Option<Uuid>,
    pub actor_role: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    /// JSON text of the changed fields, sensitive values redacted (kept as text so the hash is stable).
    pub changes: String,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTimeUtc,
    /// Hex SHA-256 of the previous event of the tenant (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of this event's canonical form, including `prev_hash`.
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tenant::Entity",
        from = "Column::TenantId",
        to = "super::tenant::Column::Id"
    )]
    Tenant,
}

impl ActiveModelBehavior for ActiveModel {}
