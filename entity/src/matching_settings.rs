//! `matching_settings`: a tenant's score weights and the threshold of generated matches.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "matching_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    pub skills_weight: f64,
    pub availability_weight: f64,
    pub rate_weight: f64,
    pub location_weight: f64,
    pub experience_weight: f64,
    pub similar_experience_weight: f64,
    /// Generated matches score at least this (0..1) unless `generateMatches` says otherwise.
    pub min_score: f64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
