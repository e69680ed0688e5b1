//! `consultant`: a consultant of the agency; contact data encrypted, soft-deletable.

use sea_orm::entity::prelude::*;

use crate::enums::{ConsultantStatus, RemotePreference};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultant")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub bio: Option<String>,
    pub years_experience: i32,
    /// Daily rate in minor units (cents) of the tenant's currency.
    pub daily_rate_cents: Option<i64>,
    /// E-mail, encrypted (`v1:<kid>:…`).
    pub email: Option<String>,
    /// Phone, encrypted.
    pub phone: Option<String>,
    pub availability_date: Option<Date>,
    pub status: ConsultantStatus,
    pub location: Option<String>,
    pub remote: RemotePreference,
    /// Internal notes of the agency, never shown to consultants or clients.
    pub internal_notes: Option<String>,
    pub deleted_at: Option<DateTimeUtc>,
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

impl ActiveModelBehavior for ActiveModel {}
