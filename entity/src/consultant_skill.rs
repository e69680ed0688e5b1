//! `consultant_skill`: a consultant's level and years in one skill.

use sea_orm::entity::prelude::*;

use crate::enums::SkillLevel;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultant_skill")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consultant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub skill_id: Uuid,
    pub tenant_id: Uuid,
    pub level: SkillLevel,
    pub years_experience: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::consultant::Entity",
        from = "Column::ConsultantId",
        to = "super::consultant::Column::Id"
    )]
    Consultant,
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
