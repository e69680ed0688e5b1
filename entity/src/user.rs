//! `user`: a person who signs in to one tenant.

use sea_orm::entity::prelude::*;

use crate::enums::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// E-mail, encrypted (`v1:<kid>:…`).
    pub email: String,
    /// HMAC blind index of the normalised e-mail, unique per tenant, for look-ups.
    pub email_index: String,
    pub full_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub role: Role,
    pub company_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    /// Set when the user is deactivated (soft delete); `None` while active.
    pub deactivated_at: Option<DateTimeUtc>,
    /// Carried by access tokens as `ver`; bumping it ends every session of the user at once
    /// (password change, deactivation).
    pub token_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
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

impl Related<super::tenant::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tenant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
