//! `tenant_key`: a tenant's data keys, stored only wrapped by a master key (envelope encryption).
//! Deleting the row crypto-shreds every value encrypted for the tenant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenant_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// Id of the master key (KEK) that wraps the keys below.
    pub kek_id: String,
    /// The data-encryption key (DEK), wrapped: `v1:<kek_id>:<base64(nonce || ciphertext)>`.
    pub wrapped_dek: String,
    /// The blind-index (HMAC) key, wrapped the same way.
    pub wrapped_index_key: String,
    pub created_at: DateTimeUtc,
    pub rotated_at: Option<DateTimeUtc>,
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
