//! GraphQL API of the talent domain.

pub mod company;
pub mod consultant;
pub mod enums;
pub mod skill;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct TalentQuery(
    company::CompanyQuery,
    skill::SkillQuery,
    consultant::ConsultantQuery,
);

#[derive(MergedObject, Default)]
pub struct TalentMutation(
    company::CompanyMutation,
    skill::SkillMutation,
    consultant::ConsultantMutation,
);
