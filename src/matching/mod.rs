//! Matching (DESIGN §7): the pure scoring of a consultant against a tender, and the match and
//! collaboration life cycles.

pub mod collaborations;
pub mod enums;
pub mod generate;
pub mod graphql;
pub mod loaders;
pub mod matches;
pub mod reactions;
pub mod scope;
pub mod score_view;
pub mod scoring;
pub mod settings;
pub mod settings_api;
pub mod similarity;
pub mod subscriptions;
