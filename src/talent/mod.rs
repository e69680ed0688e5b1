//! The talent domain (DESIGN §7): client companies, the skill catalogue, consultants, tenders,
//! matches and collaborations, each behind the row scopes of `scope`.

pub mod companies;
pub mod consultants;
pub mod graphql;
pub mod inputs;
pub mod loaders;
pub mod scope;
pub mod skills;
pub mod tenders;
