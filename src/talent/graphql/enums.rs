//! GraphQL enums of the talent domain, mirroring the stored ones.

use async_graphql::Enum;

/// Whether a consultant can take a mission.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::ConsultantStatus")]
pub enum ConsultantStatus {
    Available,
    OnMission,
    Unavailable,
    Leaving,
}

/// Where a consultant prefers to work.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::RemotePreference")]
pub enum RemotePreference {
    Onsite,
    Hybrid,
    Remote,
}

/// Mastery of a skill, in increasing order.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::SkillLevel")]
pub enum SkillLevel {
    Beginner,
    Intermediate,
    Advanced,
    Expert,
}

/// How much a tender needs a skill.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::SkillImportance")]
pub enum SkillImportance {
    Required,
    Preferred,
    NiceToHave,
}

/// Life cycle of a tender: DRAFT → OPEN → IN_PROGRESS → CLOSED, or CANCELLED.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::TenderStatus")]
pub enum TenderStatus {
    Draft,
    Open,
    InProgress,
    Closed,
    Cancelled,
}

/// Life cycle of a match: PENDING → PROPOSED → ACCEPTED | REJECTED, or CANCELLED.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::MatchStatus")]
pub enum MatchStatus {
    Pending,
    Proposed,
    Accepted,
    Rejected,
    Cancelled,
}

/// Life cycle of a collaboration.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CollaborationStatus")]
pub enum CollaborationStatus {
    Draft,
    Active,
    Completed,
    Cancelled,
}
