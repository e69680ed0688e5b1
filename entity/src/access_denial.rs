//! `access_denial`: denied attempts of one user on one permission within one time window.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_denial")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub user_id: Uuid,
    /// The wire name of the permission, e.g. `consultant.rate:read`.
    pub permission: String,
    pub window_start: DateTimeUtc,
    pub window_end: DateTimeUtc,
    /// Denied requests in the window so far.
    pub count: i32,
    /// True once the window's summary event is in the audit chain.
    pub summarized: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
