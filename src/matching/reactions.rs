//! How matching follows the talent domain, inside the unit of work that changed it (registered
//! in `graphql::REACTIONS`; `talent` never names `matching`):
//!
//! - a tender's details or required skills changed, or a consultant's profile or skills: their
//!   PENDING matches are re-scored (`MatchScoreChanged` where a score moved);
//! - a tender closed (filled or over): its PENDING and PROPOSED matches are CANCELLED; ACCEPTED
//!   ones and their collaborations go ahead;
//! - a tender cancelled (called off): the same, and its DRAFT collaborations are CANCELLED too;
//!   refused (`CONFLICT`) while one of its collaborations is ACTIVE, since that is work under way.

use chrono::Utc;
use entity::{CollaborationStatus, MatchStatus, TenderStatus, collaboration, tender, tender_match};
use futures_util::future::BoxFuture;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::generate::{Rescore, rescore};
use crate::audit::AuditRecord;
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::unit::UnitOfWork;

/// Matching's [`crate::unit::Reaction`].
pub fn react<'a>(
    uow: &'a UnitOfWork,
    _tenant_id: Uuid,
    event: &'a DomainEvent,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(async move {
        match event {
            DomainEvent::TenderUpdated { tender } => {
                rescore(uow, Rescore::Tender(tender.id)).await?;
            }
            DomainEvent::ConsultantUpdated { consultant_id } => {
                rescore(uow, Rescore::Consultant(*consultant_id)).await?;
            }
            DomainEvent::TenderStatusChanged { tender, .. }
                if matches!(
                    tender.status,
                    TenderStatus::Closed | TenderStatus::Cancelled
                ) =>
            {
                close_matches(uow, tender).await?;
            }
            _ => {}
        }
        Ok(())
    })
}

/// What ending a tender does to its matches and collaborations (see the module).
async fn close_matches(uow: &UnitOfWork, t: &tender::Model) -> Result<()> {
    let p = uow.principal()?;
    let txn = uow.txn();
    let collaborations =
        super::scope::collaborations(p).filter(collaboration::Column::TenderId.eq(t.id));
    if t.status == TenderStatus::Cancelled {
        let active = collaborations
            .clone()
            .filter(collaboration::Column::Status.eq(CollaborationStatus::Active))
            .count(txn)
            .await?;
        if active > 0 {
            return Err(AppError::conflict(
                "id",
                "the tender has an ACTIVE collaboration; complete or cancel it first",
            ));
        }
    }
    let now = Utc::now();
    let open = super::scope::matches(p)
        .filter(tender_match::Column::TenderId.eq(t.id))
        .filter(tender_match::Column::Status.is_in([MatchStatus::Pending, MatchStatus::Proposed]))
        .all(txn)
        .await?;
    if !open.is_empty() {
        tender_match::Entity::update_many()
            .col_expr(
                tender_match::Column::Status,
                Expr::value(MatchStatus::Cancelled),
            )
            .col_expr(tender_match::Column::UpdatedAt, Expr::value(now))
            .filter(tender_match::Column::TenantId.eq(p.tenant_id))
            .filter(tender_match::Column::Id.is_in(open.iter().map(|m| m.id)))
            .exec(txn)
            .await?;
    }
    for m in &open {
        uow.raise(DomainEvent::MatchStatusChanged {
            r#match: tender_match::Model {
                status: MatchStatus::Cancelled,
                updated_at: now,
                ..m.clone()
            },
            company_id: t.company_id,
            previous_status: m.status,
        })?;
    }
    let mut cancelled_collaborations = 0;
    if t.status == TenderStatus::Cancelled {
        cancelled_collaborations = collaboration::Entity::update_many()
            .col_expr(
                collaboration::Column::Status,
                Expr::value(CollaborationStatus::Cancelled),
            )
            .col_expr(collaboration::Column::UpdatedAt, Expr::value(now))
            .filter(collaboration::Column::TenantId.eq(p.tenant_id))
            .filter(collaboration::Column::TenderId.eq(t.id))
            .filter(collaboration::Column::Status.eq(CollaborationStatus::Draft))
            .exec(txn)
            .await?
            .rows_affected;
    }
    if !open.is_empty() || cancelled_collaborations > 0 {
        uow.audit(
            AuditRecord::new("tender.matches_closed", "tender", Some(t.id)).changes(json!({
                "status": t.status,
                "cancelledMatches": open.len(),
                "cancelledCollaborations": cancelled_collaborations,
            })),
        )
        .await?;
    }
    Ok(())
}
