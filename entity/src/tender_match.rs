//! `tender_match`: a scored pairing of a tender and a consultant (one per pair).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::MatchStatus;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tender_match")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub tender_id: Uuid,
    pub consultant_id: Uuid,
    /// 0..1, every component weighed.
    pub score: f64,
    /// 0..1, the daily rate left out: what readers without `consultant.rate:read` see.
    pub score_without_rate: f64,
    /// JSON object of the score's components.
    pub breakdown: String,
    /// JSON array of `{"about": component, "text": reason}`.
    pub reasons: String,
    pub status: MatchStatus,
    /// Internal notes of the agency.
    pub notes: Option<String>,
    pub rejection_reason: Option<String>,
    pub proposed_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tender::Entity",
        from = "Column::TenderId",
        to = "super::tender::Column::Id"
    )]
    Tender,
    #[sea_orm(
        belongs_to = "super::consultant::Entity",
        from = "Column::ConsultantId",
        to = "super::consultant::Column::Id"
    )]
    Consultant,
}

impl ActiveModelBehavior for ActiveModel {}
