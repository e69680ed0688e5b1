//! GraphQL API of the talent domain.

pub mod company;
pub mod consultant;
pub mod enums;
pub mod skill;
pub mod tender;
pub mod tender_events;

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

/// Descriptions of the generic types this domain instantiates.
pub fn describe<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    use crate::graphql::pagination::ConnectionFields;
    use async_graphql::connection::Connection;
    builder
        .override_output_type_description::<Connection<String, company::Company, ConnectionFields>>(
            "A page of companies (Relay connection: edges, pageInfo, totalCount).",
        )
        .override_output_type_description::<Connection<String, skill::Skill, ConnectionFields>>(
            "A page of skills (Relay connection: edges, pageInfo, totalCount).",
        )
        .override_output_type_description::<Connection<
            String,
            consultant::Consultant,
            ConnectionFields,
        >>("A page of consultants (Relay connection: edges, pageInfo, totalCount).")
        .override_output_type_description::<Connection<String, tender::Tender, ConnectionFields>>(
            "A page of tenders (Relay connection: edges, pageInfo, totalCount).",
        )
}
