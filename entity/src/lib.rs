//! sea-orm entities of talentgraph: one module per table, storage shapes only, no behaviour.
//!
//! The GraphQL layer never exposes these models directly: it wraps them in output types that
//! choose which fields to show and under which permission.

pub mod access_denial;
pub mod audit_event;
pub mod audit_head;
pub mod collaboration;
pub mod company;
pub mod consultant;
pub mod consultant_skill;
pub mod domain_event;
pub mod enums;
pub mod event_head;
pub mod invitation;
pub mod job;
pub mod login_throttle;
pub mod matching_settings;
pub mod portfolio_project;
pub mod portfolio_project_skill;
pub mod refresh_token;
pub mod resume;
pub mod revoked_access_token;
pub mod search_chunk;
pub mod search_entry;
pub mod sent_email;
pub mod skill;
pub mod tenant;
pub mod tenant_key;
pub mod tender;
pub mod tender_match;
pub mod tender_skill;
pub mod user;
pub mod webhook_receipt;
pub mod workflow;
pub mod workflow_run;

pub use enums::{
    CollaborationStatus, ConsultantStatus, JobState, MatchStatus, RemotePreference, ResumeFormat,
    ResumeStatus, Role, RunStatus, SkillImportance, SkillLevel, TenderStatus, TriggerKind,
};
