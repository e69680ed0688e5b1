//! `revoked_access_token`: access tokens ended by logout, refused until they expire.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "revoked_access_token")]
pub struct Model {
    /// The token's `jti` claim.
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: Uuid,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// When the token expires anyway; the row can go after that.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
