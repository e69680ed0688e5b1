//! `portfolio_project`: a past project of a consultant's portfolio.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "portfolio_project")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub consultant_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    /// The client, when it is a company of the organisation.
    pub company_id: Option<Uuid>,
    /// The client's name otherwise.
    pub client_name: Option<String>,
    pub url: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// Kept from clients: only the agency sees it.
    pub internal: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
