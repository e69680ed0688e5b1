//! Domain events (DESIGN §9): what happened, as a typed enum; the outbox a unit of work writes
//! them to (`crate::unit`); the bus that hands committed events to subscribers, on every
//! instance, in each tenant's sequence order.
//!
//! An event carries what a subscriber needs to decide, without a query, whether it may see it
//! (a match's tender company, its status) and a snapshot of the row as the unit of work left
//! it, so that a replay shows what happened then rather than what the row is now.

pub mod bus;
pub mod stream;

use entity::{MatchStatus, TenderStatus, tender, tender_match, workflow_run};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use bus::{EventBus, StoredEvent};

/// Something that happened to a tenant's data; written to the outbox in the unit of work that
/// made it happen, delivered after commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum DomainEvent {
    TenderCreated {
        tender: tender::Model,
    },
    /// Title, dates, budget, place or required skills changed.
    TenderUpdated {
        tender: tender::Model,
    },
    /// DRAFT → OPEN.
    TenderPublished {
        tender: tender::Model,
    },
    /// Any other move of the tender's life cycle.
    TenderStatusChanged {
        tender: tender::Model,
        previous_status: TenderStatus,
    },
    TenderDeleted {
        tender: tender::Model,
    },
    ConsultantCreated {
        consultant_id: Uuid,
    },
    /// Profile, rate, availability or skills changed.
    ConsultantUpdated {
        consultant_id: Uuid,
    },
    ConsultantDeleted {
        consultant_id: Uuid,
    },
    MatchCreated {
        r#match: tender_match::Model,
        company_id: Uuid,
    },
    MatchScoreChanged {
        r#match: tender_match::Model,
        company_id: Uuid,
        previous_score: f64,
    },
    MatchStatusChanged {
        r#match: tender_match::Model,
        company_id: Uuid,
        previous_status: MatchStatus,
    },
    MatchDeleted {
        r#match: tender_match::Model,
        company_id: Uuid,
    },
    CollaborationCreated {
        collaboration_id: Uuid,
        match_id: Uuid,
    },
    /// A user's role, activity or password changed: what they may see changed with it.
    UserAccessChanged {
        user_id: Uuid,
    },
    /// An access token was ended before its expiry (logout).
    AccessTokenRevoked {
        user_id: Uuid,
        jti: Uuid,
    },
    /// A workflow run was queued, started, moved a step, or ended.
    WorkflowRunUpdated {
        run: workflow_run::Model,
    },
    /// A résumé was uploaded; its extraction is queued.
    ResumeUploaded {
        resume_id: Uuid,
        consultant_id: Uuid,
    },
    /// A résumé's text and analysis are ready.
    ResumeProcessed {
        resume_id: Uuid,
        consultant_id: Uuid,
    },
    /// A résumé's extraction failed for good.
    ResumeFailed {
        resume_id: Uuid,
        consultant_id: Uuid,
        error: String,
    },
    ResumeDeleted {
        resume_id: Uuid,
        consultant_id: Uuid,
    },
    /// A portfolio project was added or changed.
    PortfolioProjectChanged {
        project_id: Uuid,
        consultant_id: Uuid,
    },
    PortfolioProjectDeleted {
        project_id: Uuid,
        consultant_id: Uuid,
    },
}

impl DomainEvent {
    /// The match of a match event, with its tender's company.
    pub fn r#match(&self) -> Option<(&tender_match::Model, Uuid)> {
        match self {
            DomainEvent::MatchCreated {
                r#match,
                company_id,
            }
            | DomainEvent::MatchScoreChanged {
                r#match,
                company_id,
                ..
            }
            | DomainEvent::MatchStatusChanged {
                r#match,
                company_id,
                ..
            }
            | DomainEvent::MatchDeleted {
                r#match,
                company_id,
            } => Some((r#match, *company_id)),
            _ => None,
        }
    }

    /// The event's stored name (`domain_event.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            DomainEvent::TenderCreated { .. } => "tender.created",
            DomainEvent::TenderUpdated { .. } => "tender.updated",
            DomainEvent::TenderPublished { .. } => "tender.published",
            DomainEvent::TenderStatusChanged { .. } => "tender.status_changed",
            DomainEvent::TenderDeleted { .. } => "tender.deleted",
            DomainEvent::ConsultantCreated { .. } => "consultant.created",
            DomainEvent::ConsultantUpdated { .. } => "consultant.updated",
            DomainEvent::ConsultantDeleted { .. } => "consultant.deleted",
            DomainEvent::MatchCreated { .. } => "match.created",
            DomainEvent::MatchScoreChanged { .. } => "match.score_changed",
            DomainEvent::MatchStatusChanged { .. } => "match.status_changed",
            DomainEvent::MatchDeleted { .. } => "match.deleted",
            DomainEvent::CollaborationCreated { .. } => "collaboration.created",
            DomainEvent::UserAccessChanged { .. } => "user.access_changed",
            DomainEvent::AccessTokenRevoked { .. } => "user.access_token_revoked",
            DomainEvent::WorkflowRunUpdated { .. } => "workflow_run.updated",
            DomainEvent::ResumeUploaded { .. } => "resume.uploaded",
            DomainEvent::ResumeProcessed { .. } => "resume.processed",
            DomainEvent::ResumeFailed { .. } => "resume.failed",
            DomainEvent::ResumeDeleted { .. } => "resume.deleted",
            DomainEvent::PortfolioProjectChanged { .. } => "portfolio.changed",
            DomainEvent::PortfolioProjectDeleted { .. } => "portfolio.deleted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_their_stored_form() {
        let event = DomainEvent::CollaborationCreated {
            collaboration_id: Uuid::nil(),
            match_id: Uuid::max(),
        };
        let text = serde_json::to_string(&event).expect("serialise");
        assert!(text.contains(r#""type":"collaborationCreated""#), "{text}");
        assert!(text.contains(r#""matchId""#), "{text}");
        let back: DomainEvent = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, event);
        assert_eq!(back.kind(), "collaboration.created");
    }
}
