//! Collaborations: the missions that follow accepted matches. Status moves
//! DRAFT → ACTIVE → COMPLETED, or to CANCELLED before completion.

use chrono::{NaiveDate, Utc};
use entity::{CollaborationStatus, collaboration};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{AuditRecord, Changes};
use crate::auth::{Permission, Principal};
use crate::db::{Lock, lock_in_scope, lock_parents};
use crate::error::{AppError, Result, Validation, wire_name};
use crate::inputs::date;
use crate::state::AppState;
use crate::talent::inputs::money;
use crate::talent::scope;
use crate::unit::UnitOfWork;

pub async fn find(state: &AppState, p: &Principal, id: Uuid) -> Result<collaboration::Model> {
    crate::db::find_in_scope(
        &state.db,
        super::scope::collaborations(p),
        collaboration::Column::Id,
        id,
        "collaboration",
    )
    .await
}

/// The collaboration, locked for this transaction's change. Its tender is held first (parents
/// before children), so that cancelling the tender and changing the collaboration run in turn.
async fn current_in(
    txn: &DatabaseTransaction,
    p: &Principal,
    id: Uuid,
) -> Result<collaboration::Model> {
    let seen = crate::db::find_in_scope(
        txn,
        super::scope::collaborations(p),
        collaboration::Column::Id,
        id,
        "collaboration",
    )
    .await?;
    lock_parents(
        txn,
        scope::tenders(p).filter(entity::tender::Column::Id.eq(seen.tender_id)),
    )
    .await?;
    lock_in_scope(
        txn,
        super::scope::collaborations(p),
        collaboration::Column::Id,
        id,
        "collaboration",
        Lock::Update,
    )
    .await
}

/// Filters of `collaborations`.
#[derive(Debug, Default)]
pub struct CollaborationFilter {
    pub status: Option<Vec<CollaborationStatus>>,
    pub consultant_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub tender_id: Option<Uuid>,
}

pub fn list(p: &Principal, filter: CollaborationFilter) -> Select<collaboration::Entity> {
    let mut select = super::scope::collaborations(p);
    if let Some(statuses) = filter.status.filter(|s| !s.is_empty()) {
        select = select.filter(collaboration::Column::Status.is_in(statuses));
    }
    if let Some(id) = filter.consultant_id {
        select = select.filter(collaboration::Column::ConsultantId.eq(id));
    }
    if let Some(id) = filter.company_id {
        select = select.filter(collaboration::Column::CompanyId.eq(id));
    }
    if let Some(id) = filter.tender_id {
        select = select.filter(collaboration::Column::TenderId.eq(id));
    }
    select
}

/// Whether a collaboration may move from `from` to `to`.
pub fn legal(from: CollaborationStatus, to: CollaborationStatus) -> bool {
    use CollaborationStatus::*;
    from == to
        || matches!(
            (from, to),
            (Draft, Active) | (Active, Completed) | (Draft | Active, Cancelled)
        )
}

/// Changes of a collaboration; `None` leaves a field unchanged, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct CollaborationInput {
    pub status: Option<CollaborationStatus>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
    pub daily_rate: Option<Option<Decimal>>,
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(
    uow: &UnitOfWork,
    id: Uuid,
    input: CollaborationInput,
) -> Result<collaboration::Model> {
    let p = uow.principal()?;
    p.require(Permission::CollaborationWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    let status = input.status.unwrap_or(current.status);
    if !legal(current.status, status) {
        // A state conflict: of two concurrent moves, the loser sees the winner's status here.
        return Err(AppError::conflict(
            "status",
            format!(
                "cannot move a {} collaboration to {}",
                wire_name(&current.status),
                wire_name(&status)
            ),
        ));
    }
    let mut v = Validation::new();
    let start = match input.start_date {
        Some(d) => v.check(date("startDate", d)).unwrap_or(current.start_date),
        None => current.start_date,
    };
    let end = match input.end_date {
        Some(d) => v.check(date("endDate", d)).unwrap_or(current.end_date),
        None => current.end_date,
    };
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        v.fail("endDate", "must not be before startDate");
    }
    let rate = match input.daily_rate {
        Some(r) => v
            .check(money("dailyRate", r))
            .unwrap_or(current.daily_rate_cents),
        None => current.daily_rate_cents,
    };
    v.finish()?;
    let mut c = Changes::new();
    c.diff("status", &current.status, &status)
        .diff("startDate", &current.start_date, &start)
        .diff("endDate", &current.end_date, &end)
        .diff_redacted("dailyRate", &current.daily_rate_cents, &rate);
    if c.is_empty() {
        return Ok(current);
    }
    let mut a: collaboration::ActiveModel = current.into();
    a.status = Set(status);
    a.start_date = Set(start);
    a.end_date = Set(end);
    a.daily_rate_cents = Set(rate);
    a.updated_at = Set(Utc::now());
    let updated = a.update(txn).await?;
    uow.audit(
        AuditRecord::new("collaboration.updated", "collaboration", Some(id))
            .changes(c.into_value()),
    )
    .await?;
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::CollaborationWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    collaboration::Entity::delete_by_id(current.id)
        .exec(txn)
        .await?;
    uow.audit(
        AuditRecord::new("collaboration.deleted", "collaboration", Some(id)).changes(json!({
            "matchId": current.match_id, "status": current.status,
        })),
    )
    .await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collaboration_moves() {
        use CollaborationStatus::*;
        assert!(legal(Draft, Active) && legal(Active, Completed) && legal(Active, Cancelled));
        assert!(!legal(Completed, Active) && !legal(Draft, Completed) && !legal(Cancelled, Draft));
    }
}
