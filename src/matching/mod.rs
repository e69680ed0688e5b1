//! Matching (DESIGN §7): the pure scoring of a consultant against a tender, and the match and
//! collaboration life cycles.

pub mod collaborations;
pub mod graphql;
pub mod loaders;
pub mod matches;
pub mod score_view;
pub mod scoring;
pub mod subscriptions;
