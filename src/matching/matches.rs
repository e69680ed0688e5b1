//! Matches: manual creation with a computed score, notes, and the life cycle
//! PENDING → PROPOSED → ACCEPTED | REJECTED, or CANCELLED. Accepting creates a collaboration.

use chrono::Utc;
use entity::{
    CollaborationStatus, MatchStatus, TenderStatus, collaboration, company, consultant, tender,
    tender_match,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::score_view::ScoreView;
use super::scoring::{self, Score};
use crate::audit::{AuditRecord, Changes};
use crate::auth::{Permission, Principal};
use crate::db::{Lock, lock_in_scope, lock_parents};
use crate::error::{AppError, Result, Validation, wire_name};
use crate::events::DomainEvent;
use crate::inputs::{MAX_LONG_TEXT, optional_text};
use crate::state::AppState;
use crate::talent::scope;
use crate::unit::UnitOfWork;

pub async fn find(state: &AppState, p: &Principal, id: Uuid) -> Result<tender_match::Model> {
    crate::db::find_in_scope(
        &state.db,
        super::scope::matches(p),
        tender_match::Column::Id,
        id,
        "match",
    )
    .await
}

/// Filters of `matches`.
#[derive(Debug, Default)]
pub struct MatchFilter {
    pub tender_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    pub status: Option<Vec<MatchStatus>>,
    pub min_score: Option<f64>,
}

/// The filter applied to `select`; `minScore` compares with the score `view` shows.
pub fn filtered(
    select: Select<tender_match::Entity>,
    filter: &MatchFilter,
    view: ScoreView,
) -> Result<Select<tender_match::Entity>> {
    let mut select = select;
    if let Some(id) = filter.tender_id {
        select = select.filter(tender_match::Column::TenderId.eq(id));
    }
    if let Some(id) = filter.consultant_id {
        select = select.filter(tender_match::Column::ConsultantId.eq(id));
    }
    if let Some(statuses) = filter.status.clone().filter(|s| !s.is_empty()) {
        select = select.filter(tender_match::Column::Status.is_in(statuses));
    }
    if let Some(min) = filter.min_score {
        if !(0.0..=1.0).contains(&min) {
            return Err(AppError::invalid(
                "filter.minScore",
                "must be between 0 and 1",
            ));
        }
        select = select.filter(view.column().gte(min));
    }
    Ok(select)
}

pub fn list(p: &Principal, filter: &MatchFilter) -> Result<Select<tender_match::Entity>> {
    filtered(super::scope::matches(p), filter, ScoreView::of(p))
}

/// How many of the matches `p` may see are in each status: the funnel PENDING → PROPOSED →
/// ACCEPTED, of one tender or one company's tenders when given (one `p` may not see is
/// `NOT_FOUND`). A CLIENT's funnel starts at PROPOSED, as its row scope does.
pub async fn funnel(
    state: &AppState,
    p: &Principal,
    tender_id: Option<Uuid>,
    company_id: Option<Uuid>,
) -> Result<Vec<(MatchStatus, u64)>> {
    if let Some(id) = tender_id {
        crate::talent::tenders::find(state, p, id).await?;
    }
    let mut select = list(
        p,
        &MatchFilter {
            tender_id,
            ..MatchFilter::default()
        },
    )?;
    if let Some(id) = company_id {
        crate::talent::companies::find(state, p, id).await?;
        select = select.filter(
            tender_match::Column::TenderId.in_subquery(scope::tenders_of_company(p.tenant_id, id)),
        );
    }
    Ok(crate::db::count_by(
        &state.db,
        select,
        tender_match::Column::Status,
        tender_match::Column::Id,
    )
    .await?)
}

/// Gathers what the score needs and scores the pair with the tenant's weights; returns the
/// score with its stored breakdown and reasons.
pub async fn score_pair(
    uow: &UnitOfWork,
    t: &tender::Model,
    c: &consultant::Model,
) -> Result<(Score, String, String)> {
    let (txn, p) = (uow.txn(), uow.principal()?);
    let settings = super::settings::load(txn, p.tenant_id).await?;
    let tf = super::generate::tender_facts(txn, p, t).await?;
    let mut cf = super::generate::consultant_facts(txn, p, Some(&[c.id]))
        .await?
        .pop()
        .map(|(_, facts)| facts)
        .ok_or_else(|| AppError::internal("a locked consultant vanished"))?;
    cf.past_work = super::similarity::past_work(uow, p.tenant_id, t.id, Some(&[c.id]))
        .await?
        .take(&c.id);
    let (score, reasons) = scoring::explain(&tf, &cf, &settings.weights);
    Ok((
        score,
        json!(score.breakdown).to_string(),
        json!(reasons).to_string(),
    ))
}

/// Creates a PENDING match by hand, scored like a generated one.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn create(
    uow: &UnitOfWork,
    tender_id: Uuid,
    consultant_id: Uuid,
    notes: Option<String>,
) -> Result<tender_match::Model> {
    let p = uow.principal()?;
    p.require(Permission::MatchWrite)?;
    let notes = optional_text("notes", notes, MAX_LONG_TEXT)?;
    let txn = uow.txn();
    let mut v = Validation::new();
    // Both parents are held until commit: neither can be deleted, nor the tender closed, under
    // the new match.
    let t = lock_parents(
        txn,
        scope::tenders(p).filter(tender::Column::Id.eq(tender_id)),
    )
    .await?
    .pop();
    let c = lock_parents(
        txn,
        scope::consultants(p).filter(consultant::Column::Id.eq(consultant_id)),
    )
    .await?
    .pop();
    match &t {
        None => v.fail("tenderId", "is not a tender of the organisation"),
        Some(t) if matches!(t.status, TenderStatus::Closed | TenderStatus::Cancelled) => {
            v.fail("tenderId", "the tender is closed or cancelled")
        }
        Some(_) => {}
    }
    if c.is_none() {
        v.fail("consultantId", "is not a consultant of the organisation");
    }
    v.finish()?;
    let (Some(t), Some(c)) = (t, c) else {
        return Err(AppError::internal(
            "validated tender or consultant vanished",
        ));
    };
    let taken = super::scope::matches(p)
        .filter(tender_match::Column::TenderId.eq(t.id))
        .filter(tender_match::Column::ConsultantId.eq(c.id))
        .count(txn)
        .await?;
    let duplicate = || AppError::conflict("consultantId", "is already matched to this tender");
    if taken > 0 {
        return Err(duplicate());
    }
    let (scored, breakdown, reasons) = score_pair(uow, &t, &c).await?;
    let now = Utc::now();
    let created = tender_match::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(p.tenant_id),
        tender_id: Set(t.id),
        consultant_id: Set(c.id),
        score: Set(scored.score),
        score_without_rate: Set(scored.score_without_rate),
        breakdown: Set(breakdown),
        reasons: Set(reasons),
        status: Set(MatchStatus::Pending),
        notes: Set(notes),
        rejection_reason: Set(None),
        proposed_at: Set(None),
        decided_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    uow.audit(
        AuditRecord::new("match.created", "match", Some(created.id)).changes(json!({
            "tenderId": t.id, "consultantId": c.id, "score": created.score, "manual": true,
        })),
    )
    .await?;
    uow.raise(DomainEvent::MatchCreated {
        r#match: created.clone(),
        company_id: t.company_id,
    })?;
    Ok(created)
}

/// The match, locked for this transaction's change or decision.
async fn current_in(
    txn: &DatabaseTransaction,
    p: &Principal,
    id: Uuid,
) -> Result<tender_match::Model> {
    lock_in_scope(
        txn,
        super::scope::matches(p),
        tender_match::Column::Id,
        id,
        "match",
        Lock::Update,
    )
    .await
}

/// Changes a match's internal notes.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update_notes(
    uow: &UnitOfWork,
    id: Uuid,
    notes: Option<String>,
) -> Result<tender_match::Model> {
    let p = uow.principal()?;
    p.require(Permission::MatchWrite)?;
    let notes = optional_text("notes", notes, MAX_LONG_TEXT)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    let mut c = Changes::new();
    c.diff_redacted("notes", &current.notes, &notes);
    if c.is_empty() {
        return Ok(current);
    }
    let mut a: tender_match::ActiveModel = current.into();
    a.notes = Set(notes);
    a.updated_at = Set(Utc::now());
    let updated = a.update(txn).await?;
    uow.audit(AuditRecord::new("match.updated", "match", Some(id)).changes(c.into_value()))
        .await?;
    Ok(updated)
}

/// Deletes a match; refused (`CONFLICT`) once it was accepted.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::MatchWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    if current.status == MatchStatus::Accepted {
        return Err(AppError::conflict(
            "id",
            "an accepted match has a collaboration; cancel the collaboration instead",
        ));
    }
    tender_match::Entity::delete_by_id(current.id)
        .exec(txn)
        .await?;
    let company_id = company_of(txn, p.tenant_id, current.tender_id).await?;
    uow.audit(
        AuditRecord::new("match.deleted", "match", Some(id)).changes(json!({
            "tenderId": current.tender_id, "consultantId": current.consultant_id, "status": current.status,
        })),
    )
    .await?;
    uow.raise(DomainEvent::MatchDeleted {
        r#match: current,
        company_id,
    })?;
    Ok(id)
}

/// A decision on a match.
#[derive(Debug, Clone)]
pub enum Decision {
    Propose,
    Accept,
    Reject {
        reason: Option<String>,
    },
    /// The consultant turns down their own proposal.
    Decline {
        reason: Option<String>,
    },
    Cancel,
}

impl Decision {
    fn verb(&self) -> &'static str {
        match self {
            Decision::Propose => "propose",
            Decision::Accept => "accept",
            Decision::Reject { .. } => "reject",
            Decision::Decline { .. } => "decline",
            Decision::Cancel => "cancel",
        }
    }

    fn permission(&self) -> Permission {
        match self {
            Decision::Accept | Decision::Reject { .. } => Permission::MatchDecide,
            Decision::Decline { .. } => Permission::MatchDecline,
            Decision::Propose | Decision::Cancel => Permission::MatchWrite,
        }
    }

    /// The status reached from `from`, if the move is legal.
    pub fn apply(&self, from: MatchStatus) -> Option<MatchStatus> {
        use MatchStatus::*;
        match (self, from) {
            (Decision::Propose, Pending) => Some(Proposed),
            (Decision::Accept, Proposed) => Some(Accepted),
            (Decision::Reject { .. } | Decision::Decline { .. }, Proposed) => Some(Rejected),
            (Decision::Cancel, Pending | Proposed) => Some(Cancelled),
            _ => None,
        }
    }
}

/// Moves a match along its life cycle; accepting creates a DRAFT collaboration with the
/// tender's dates and the consultant's daily rate.
///
/// Of concurrent decisions on one match exactly one wins; the others answer `CONFLICT` naming
/// the status it reached. The match's company and tender are held first (parents before
/// children, as everywhere), so the tender cannot close, nor the company go, mid-decision.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn decide(uow: &UnitOfWork, id: Uuid, decision: Decision) -> Result<tender_match::Model> {
    let p = uow.principal()?;
    p.require(decision.permission())?;
    let reason = match &decision {
        Decision::Reject { reason } | Decision::Decline { reason } => {
            optional_text("reason", reason.clone(), 2_000)?
        }
        _ => None,
    };
    let txn = uow.txn();
    let seen = crate::db::find_in_scope(
        txn,
        super::scope::matches(p),
        tender_match::Column::Id,
        id,
        "match",
    )
    .await?;
    let tender = scope::tenders(p)
        .filter(tender::Column::Id.eq(seen.tender_id))
        .one(txn)
        .await?;
    if let Some(t) = &tender {
        lock_parents(
            txn,
            scope::companies(p).filter(company::Column::Id.eq(t.company_id)),
        )
        .await?;
    }
    let tender_status = lock_parents(
        txn,
        scope::tenders(p).filter(tender::Column::Id.eq(seen.tender_id)),
    )
    .await?
    .pop()
    .map(|t| t.status);
    let current = current_in(txn, p, id).await?;
    let from = current.status;
    let Some(to) = decision.apply(from) else {
        return Err(AppError::illegal_transition(
            decision.verb(),
            "match",
            &from,
        ));
    };
    if matches!(decision, Decision::Propose | Decision::Accept)
        && !matches!(
            tender_status,
            Some(TenderStatus::Open | TenderStatus::InProgress)
        )
    {
        return Err(AppError::conflict(
            "id",
            format!(
                "cannot {} a match while its tender is {}",
                decision.verb(),
                tender_status.map_or("not visible".to_owned(), |s| wire_name(&s))
            ),
        ));
    }
    let now = Utc::now();
    let mut a: tender_match::ActiveModel = current.clone().into();
    a.status = Set(to);
    a.updated_at = Set(now);
    match to {
        MatchStatus::Proposed => a.proposed_at = Set(Some(now)),
        MatchStatus::Accepted | MatchStatus::Rejected => a.decided_at = Set(Some(now)),
        _ => {}
    }
    if to == MatchStatus::Rejected {
        a.rejection_reason = Set(reason.clone());
    }
    let updated = a.update(txn).await?;
    let mut changes = json!({ "status": { "from": from, "to": to } });
    if let Some(reason) = &reason {
        changes["reason"] = json!(reason);
    }
    if matches!(decision, Decision::Decline { .. }) {
        changes["declinedBy"] = json!("consultant");
    }
    let mut collaboration_id = None;
    if to == MatchStatus::Accepted {
        let collaboration = open_collaboration(txn, p, &current).await?;
        changes["collaborationId"] = json!(collaboration.id);
        collaboration_id = Some(collaboration.id);
    }
    uow.audit(AuditRecord::new("match.status_changed", "match", Some(id)).changes(changes))
        .await?;
    uow.raise(DomainEvent::MatchStatusChanged {
        r#match: updated.clone(),
        company_id: match &tender {
            Some(t) => t.company_id,
            None => company_of(txn, p.tenant_id, updated.tender_id).await?,
        },
        previous_status: from,
    })?;
    if let Some(collaboration_id) = collaboration_id {
        uow.raise(DomainEvent::CollaborationCreated {
            collaboration_id,
            match_id: id,
        })?;
    }
    Ok(updated)
}

/// The company of a match's tender, whatever the actor's scope: events name it so that each
/// subscriber's visibility can be decided from the event alone.
async fn company_of(txn: &DatabaseTransaction, tenant_id: Uuid, tender_id: Uuid) -> Result<Uuid> {
    #[expect(
        clippy::disallowed_methods,
        reason = "the tender of a match the actor already holds, read within its tenant"
    )]
    let tender = tender::Entity::find_by_id(tender_id)
        .filter(tender::Column::TenantId.eq(tenant_id))
        .one(txn)
        .await?;
    tender
        .map(|t| t.company_id)
        .ok_or_else(|| AppError::internal("a match's tender vanished inside its transaction"))
}

/// The DRAFT collaboration that follows an accepted match.
async fn open_collaboration(
    txn: &DatabaseTransaction,
    p: &Principal,
    m: &tender_match::Model,
) -> Result<collaboration::Model> {
    // The decider sees both: the match is PROPOSED, on a tender of their scope.
    let t = crate::db::find_in_scope(
        txn,
        scope::tenders(p),
        tender::Column::Id,
        m.tender_id,
        "tender",
    )
    .await?;
    let c = crate::db::find_in_scope(
        txn,
        scope::consultants_including_deleted(p),
        consultant::Column::Id,
        m.consultant_id,
        "consultant",
    )
    .await?;
    let now = Utc::now();
    Ok(collaboration::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(p.tenant_id),
        match_id: Set(m.id),
        tender_id: Set(t.id),
        consultant_id: Set(c.id),
        company_id: Set(t.company_id),
        status: Set(CollaborationStatus::Draft),
        start_date: Set(t.start_date),
        end_date: Set(t.end_date),
        daily_rate_cents: Set(c.daily_rate_cents),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_legal_decisions_apply() {
        use MatchStatus::*;
        assert_eq!(Decision::Propose.apply(Pending), Some(Proposed));
        assert_eq!(Decision::Accept.apply(Pending), None);
        assert_eq!(Decision::Accept.apply(Proposed), Some(Accepted));
        assert_eq!(
            Decision::Reject { reason: None }.apply(Proposed),
            Some(Rejected)
        );
        assert_eq!(Decision::Cancel.apply(Accepted), None);
        assert_eq!(crate::error::wire_name(&Cancelled), "CANCELLED");
    }
}
