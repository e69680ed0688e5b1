//! `tender_skill`: a skill a tender asks for, with its importance and minimum level.

use sea_orm::entity::prelude::*;

use crate::enums::{SkillImportance, SkillLevel};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tender_skill")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tender_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: Uuid,
    pub tenant_id: Uuid,
    pub importance: SkillImportance,
    pub min_level: SkillLevel,
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
        belongs_to = "super::skill::Entity",
        from = "Column::SkillId",
        to = "super::skill::Column::Id"
    )]
    Skill,
}

impl Related<super::skill::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Skill.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
