//! GraphQL API of the talent domain.

pub mod company;
pub mod consultant;
pub mod enums;
pub mod skill;
pub mod tender;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct TalentQuery(
    company::CompanyQuery,
    skill::SkillQuery,
    consultant::ConsultantQuery,
    tender::TenderQuery,
);

#[derive(MergedObject, Default)]
pub struct TalentMutation(
    company::CompanyMutation,
    skill::SkillMutation,
    consultant::ConsultantMutation,
    tender::TenderMutation,
);
