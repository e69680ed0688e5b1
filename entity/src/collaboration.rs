//! `collaboration`: the mission that follows an accepted match.

use sea_orm::entity::prelude::*;

use crate::enums::CollaborationStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collaboration")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    #[sea_orm(unique)]
    pub match_id: Uuid,
    pub tender_id: Uuid,
    pub consultant_id: Uuid,
    pub company_id: Uuid,
    pub status: CollaborationStatus,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// Agreed daily rate in minor units (cents).
    pub daily_rate_cents: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tender_match::Entity",
        from = "Column::MatchId",
        to = "super::tender_match::Column::Id"
    )]
    Match,
}

impl ActiveModelBehavior for ActiveModel {}
