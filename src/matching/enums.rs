//! GraphQL enums of the matching domain, mirroring the stored ones.

use async_graphql::Enum;

/// Life cycle of a match: PENDING → PROPOSED → ACCEPTED | REJECTED, or CANCELLED.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::MatchStatus")]
pub enum MatchStatus {
    /// Found by the agency; internal until proposed.
    Pending,
    /// Shown to the client and the consultant, awaiting the client's decision.
    Proposed,
    /// Accepted by the client: a collaboration was created.
    Accepted,
    /// Turned down by the client (see `rejectionReason`).
    Rejected,
    /// Withdrawn by the agency, or its tender ended.
    Cancelled,
}

/// Life cycle of a collaboration: DRAFT → ACTIVE → COMPLETED, or CANCELLED before completion.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::CollaborationStatus")]
pub enum CollaborationStatus {
    /// Agreed, not started: dates and rate can still change.
    Draft,
    /// Under way.
    Active,
    /// Done.
    Completed,
    /// Ended before completion.
    Cancelled,
}
