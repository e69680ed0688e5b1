//! GraphQL API of the talent domain.

pub mod company;
pub mod skill;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct TalentQuery(company::CompanyQuery, skill::SkillQuery);

#[derive(MergedObject, Default)]
pub struct TalentMutation(company::CompanyMutation, skill::SkillMutation);
