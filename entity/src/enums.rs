//! Enumerations stored as short strings, shared by entities and the server.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A user's role inside their tenant; each role is a bundle of permissions defined by the server.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "MANAGER")]
    Manager,
    #[sea_orm(string_value = "CONSULTANT")]
    Consultant,
    #[sea_orm(string_value = "CLIENT")]
    Client,
}

impl Role {
    /// The stored and wire name (`ADMIN`, `MANAGER`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Manager => "MANAGER",
            Role::Consultant => "CONSULTANT",
            Role::Client => "CLIENT",
        }
    }

    /// Parses the wire name, case-insensitively.
    pub fn parse(value: &str) -> Option<Role> {
        match value.to_ascii_uppercase().as_str() {
            "ADMIN" => Some(Role::Admin),
            "MANAGER" => Some(Role::Manager),
            "CONSULTANT" => Some(Role::Consultant),
            "CLIENT" => Some(Role::Client),
            _ => None,
        }
    }
}

/// Whether a consultant can take a mission.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsultantStatus {
    #[sea_orm(string_value = "AVAILABLE")]
    Available,
    #[sea_orm(string_value = "ON_MISSION")]
    OnMission,
    #[sea_orm(string_value = "UNAVAILABLE")]
    Unavailable,
    #[sea_orm(string_value = "LEAVING")]
    Leaving,
}

/// Where a consultant prefers to work.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RemotePreference {
    #[sea_orm(string_value = "ONSITE")]
    Onsite,
    #[sea_orm(string_value = "HYBRID")]
    Hybrid,
    #[sea_orm(string_value = "REMOTE")]
    Remote,
}

/// Mastery of a skill, in increasing order.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SkillLevel {
    #[sea_orm(string_value = "BEGINNER")]
    Beginner,
    #[sea_orm(string_value = "INTERMEDIATE")]
    Intermediate,
    #[sea_orm(string_value = "ADVANCED")]
    Advanced,
    #[sea_orm(string_value = "EXPERT")]
    Expert,
}

impl SkillLevel {
    /// 1 (BEGINNER) to 4 (EXPERT).
    pub fn rank(self) -> i32 {
        match self {
            SkillLevel::Beginner => 1,
            SkillLevel::Intermediate => 2,
            SkillLevel::Advanced => 3,
            SkillLevel::Expert => 4,
        }
    }

    /// The levels at or above this one (for "minimum level" filters).
    pub fn at_least(self) -> Vec<SkillLevel> {
        [
            SkillLevel::Beginner,
            SkillLevel::Intermediate,
            SkillLevel::Advanced,
            SkillLevel::Expert,
        ]
        .into_iter()
        .filter(|l| *l >= self)
        .collect()
    }
}

/// How much a tender needs a skill.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SkillImportance {
    #[sea_orm(string_value = "REQUIRED")]
    Required,
    #[sea_orm(string_value = "PREFERRED")]
    Preferred,
    #[sea_orm(string_value = "NICE_TO_HAVE")]
    NiceToHave,
}

/// Life cycle of a tender.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TenderStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "OPEN")]
    Open,
    #[sea_orm(string_value = "IN_PROGRESS")]
    InProgress,
    #[sea_orm(string_value = "CLOSED")]
    Closed,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// Life cycle of a match.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MatchStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "PROPOSED")]
    Proposed,
    #[sea_orm(string_value = "ACCEPTED")]
    Accepted,
    #[sea_orm(string_value = "REJECTED")]
    Rejected,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// Life cycle of a collaboration.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CollaborationStatus {
    #[sea_orm(string_value = "DRAFT")]
    Draft,
    #[sea_orm(string_value = "ACTIVE")]
    Active,
    #[sea_orm(string_value = "COMPLETED")]
    Completed,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// Where a job of the durable queue stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobState {
    /// Waiting for its `run_at` and, in a queue, for the jobs before it.
    #[sea_orm(string_value = "QUEUED")]
    Queued,
    /// Held by a worker under a lease.
    #[sea_orm(string_value = "RUNNING")]
    Running,
    #[sea_orm(string_value = "SUCCEEDED")]
    Succeeded,
    /// Failed its last attempt; kept until retried or pruned.
    #[sea_orm(string_value = "DEAD")]
    Dead,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

impl JobState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "QUEUED",
            JobState::Running => "RUNNING",
            JobState::Succeeded => "SUCCEEDED",
            JobState::Dead => "DEAD",
            JobState::Cancelled => "CANCELLED",
        }
    }
}

/// What starts a workflow.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TriggerKind {
    #[sea_orm(string_value = "EVENT")]
    Event,
    #[sea_orm(string_value = "SCHEDULE")]
    Schedule,
    #[sea_orm(string_value = "MANUAL")]
    Manual,
    #[sea_orm(string_value = "WEBHOOK")]
    Webhook,
}

/// Where a workflow run stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunStatus {
    #[sea_orm(string_value = "QUEUED")]
    Queued,
    #[sea_orm(string_value = "RUNNING")]
    Running,
    #[sea_orm(string_value = "SUCCEEDED")]
    Succeeded,
    #[sea_orm(string_value = "FAILED")]
    Failed,
    #[sea_orm(string_value = "CANCELLED")]
    Cancelled,
}

/// What kind of file a résumé is, decided from its content.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(8))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResumeFormat {
    #[sea_orm(string_value = "PDF")]
    Pdf,
    #[sea_orm(string_value = "DOCX")]
    Docx,
    #[sea_orm(string_value = "TEXT")]
    Text,
}

/// Where a résumé's extraction stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResumeStatus {
    #[sea_orm(string_value = "PENDING")]
    Pending,
    #[sea_orm(string_value = "PROCESSING")]
    Processing,
    #[sea_orm(string_value = "DONE")]
    Done,
    #[sea_orm(string_value = "FAILED")]
    Failed,
}
