//! GraphQL enums of the talent domain, mirroring the stored ones.

use async_graphql::Enum;

/// Whether a consultant can take a mission.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ConsultantStatus")]
pub enum ConsultantStatus {
    /// Free for a mission (from `availabilityDate`, if set).
    Available,
    /// On a mission now.
    OnMission,
    /// Not taking missions for now.
    Unavailable,
    /// Leaving the agency.
    Leaving,
}

/// Where a consultant prefers to work.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RemotePreference")]
pub enum RemotePreference {
    /// At the client's premises only.
    Onsite,
    /// Partly on site, partly remote.
    Hybrid,
    /// Remote only.
    Remote,
}

/// Mastery of a skill, in increasing order.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::SkillLevel")]
pub enum SkillLevel {
    /// Knows the basics.
    Beginner,
    /// Works autonomously.
    Intermediate,
    /// Handles complex work and guides others.
    Advanced,
    /// A reference in the field.
    Expert,
}

/// How much a tender needs a skill.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::SkillImportance")]
pub enum SkillImportance {
    /// Must have: weighs most in the score.
    Required,
    /// Should have.
    Preferred,
    /// A bonus: weighs least.
    NiceToHave,
}

/// Life cycle of a tender: DRAFT → OPEN → IN_PROGRESS → CLOSED, or CANCELLED.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::TenderStatus")]
pub enum TenderStatus {
    /// Being written; only the agency sees it.
    Draft,
    /// Published: consultants see it, matches can be proposed and accepted.
    Open,
    /// The mission has started.
    InProgress,
    /// Over or filled; open matches were cancelled, accepted ones go on.
    Closed,
    /// Called off; open matches and DRAFT collaborations were cancelled.
    Cancelled,
}
