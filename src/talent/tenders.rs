//! Tenders: a client's mission request, its required skills and its legal status transitions.

use chrono::{NaiveDate, Utc};
use entity::{
    SkillImportance, SkillLevel, TenderStatus, collaboration, company, tender, tender_match,
    tender_skill,
};
use rust_decimal::Decimal;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::consultants::check_skill_ids;
use super::inputs::{money, to_decimal};
use super::scope;
use crate::audit::{AuditRecord, Changes};
use crate::auth::{Permission, Principal};
use crate::db::{Lock, lock_in_scope, lock_parents};
use crate::error::{AppError, Result, Validation, wire_name};
use crate::events::DomainEvent;
use crate::inputs::{MAX_LONG_TEXT, date, optional_text, required_text};
use crate::state::AppState;
use crate::unit::UnitOfWork;

pub async fn find(state: &AppState, p: &Principal, id: Uuid) -> Result<tender::Model> {
    crate::db::find_in_scope(
        &state.db,
        scope::tenders(p),
        tender::Column::Id,
        id,
        "tender",
    )
    .await
}

/// How many of the tenders `p` may see are in each status (of one company, when given; a
/// company `p` may not see is `NOT_FOUND`).
pub async fn count_by_status(
    state: &AppState,
    p: &Principal,
    company_id: Option<Uuid>,
) -> Result<Vec<(TenderStatus, u64)>> {
    if let Some(id) = company_id {
        super::companies::find(state, p, id).await?;
    }
    let select = list(
        p,
        TenderFilter {
            company_id,
            ..TenderFilter::default()
        },
    )?;
    Ok(crate::db::count_by(
        &state.db,
        select,
        tender::Column::Status,
        tender::Column::Id,
    )
    .await?)
}

/// Filters of `tenders`.
#[derive(Debug, Default)]
pub struct TenderFilter {
    pub status: Option<Vec<TenderStatus>>,
    pub company_id: Option<Uuid>,
    /// Tenders asking for this skill.
    pub skill_id: Option<Uuid>,
    /// Starting on or after this date.
    pub start_from: Option<NaiveDate>,
    /// Starting on or before this date.
    pub start_to: Option<NaiveDate>,
    /// Part of the title.
    pub text: Option<String>,
}

pub fn list(p: &Principal, filter: TenderFilter) -> Result<Select<tender::Entity>> {
    let mut select = scope::tenders(p);
    if let Some(statuses) = filter.status.filter(|s| !s.is_empty()) {
        select = select.filter(tender::Column::Status.is_in(statuses));
    }
    if let Some(company_id) = filter.company_id {
        select = select.filter(tender::Column::CompanyId.eq(company_id));
    }
    if let Some(skill_id) = filter.skill_id {
        let asking = Query::select()
            .column(tender_skill::Column::TenderId)
            .from(tender_skill::Entity)
            .and_where(tender_skill::Column::TenantId.eq(p.tenant_id))
            .and_where(tender_skill::Column::SkillId.eq(skill_id))
            .to_owned();
        select = select.filter(tender::Column::Id.in_subquery(asking));
    }
    if let Some(from) = date("filter.startFrom", filter.start_from)? {
        select = select.filter(tender::Column::StartDate.gte(from));
    }
    if let Some(to) = date("filter.startTo", filter.start_to)? {
        select = select.filter(tender::Column::StartDate.lte(to));
    }
    if let Some(text) = optional_text("filter.text", filter.text, 200)? {
        select = select
            .filter(Condition::all().add(crate::db::contains_ci(tender::Column::Title, &text)));
    }
    Ok(select)
}

/// Values of a tender. On update `None` leaves a field unchanged and `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct TenderInput {
    pub company_id: Option<Uuid>,
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
    pub location: Option<Option<String>>,
    pub remote_allowed: Option<bool>,
    pub budget_min: Option<Option<Decimal>>,
    pub budget_max: Option<Option<Decimal>>,
}

/// The merged result of applying an input to (possibly) an existing tender.
struct Values {
    company_id: Uuid,
    title: String,
    description: Option<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    location: Option<String>,
    remote_allowed: bool,
    budget_min_cents: Option<i64>,
    budget_max_cents: Option<i64>,
}

impl Values {
    fn of(t: &tender::Model) -> Self {
        Values {
            company_id: t.company_id,
            title: t.title.clone(),
            description: t.description.clone(),
            start_date: t.start_date,
            end_date: t.end_date,
            location: t.location.clone(),
            remote_allowed: t.remote_allowed,
            budget_min_cents: t.budget_min_cents,
            budget_max_cents: t.budget_max_cents,
        }
    }
}

/// Parses the input over `base`, checking each field and the rules between fields.
/// `existing`: `base` is a stored tender (its company is not checked again unless it changes).
async fn merge(
    txn: &DatabaseTransaction,
    p: &Principal,
    base: Values,
    input: TenderInput,
    existing: bool,
) -> Result<Values> {
    let mut v = Validation::new();
    let mut out = base;
    let new_company = input
        .company_id
        .filter(|id| !existing || *id != out.company_id);
    if let Some(company_id) = new_company {
        // Held until commit, so that the company cannot be deleted under the tender. Only a
        // company the tender moves to: locking the current one here, after the tender, would
        // take the locks child first and could deadlock with a cascading company delete.
        let known = lock_parents(
            txn,
            scope::companies(p).filter(company::Column::Id.eq(company_id)),
        )
        .await?;
        if known.is_empty() {
            v.fail("companyId", "is not a company of the organisation");
        }
        out.company_id = company_id;
    }
    if let Some(t) = input
        .title
        .and_then(|t| v.check(required_text("title", &t, 200)))
    {
        out.title = t;
    }
    if let Some(d) = input
        .description
        .and_then(|d| v.check(optional_text("description", d, MAX_LONG_TEXT)))
    {
        out.description = d;
    }
    if let Some(d) = input.start_date.and_then(|d| v.check(date("startDate", d))) {
        out.start_date = d;
    }
    if let Some(d) = input.end_date.and_then(|d| v.check(date("endDate", d))) {
        out.end_date = d;
    }
    if let Some(l) = input
        .location
        .and_then(|l| v.check(optional_text("location", l, 200)))
    {
        out.location = l;
    }
    if let Some(r) = input.remote_allowed {
        out.remote_allowed = r;
    }
    if let Some(b) = input
        .budget_min
        .and_then(|b| v.check(money("budgetMin", b)))
    {
        out.budget_min_cents = b;
    }
    if let Some(b) = input
        .budget_max
        .and_then(|b| v.check(money("budgetMax", b)))
    {
        out.budget_max_cents = b;
    }
    if let (Some(start), Some(end)) = (out.start_date, out.end_date)
        && end < start
    {
        v.fail("endDate", "must not be before startDate");
    }
    if let (Some(min), Some(max)) = (out.budget_min_cents, out.budget_max_cents)
        && min > max
    {
        v.fail("budgetMin", "must not exceed budgetMax");
    }
    v.finish()?;
    Ok(out)
}

fn changes(before: &Values, after: &Values) -> Changes {
    let mut c = Changes::new();
    c.diff("companyId", &before.company_id, &after.company_id)
        .diff("title", &before.title, &after.title)
        .diff("description", &before.description, &after.description)
        .diff("startDate", &before.start_date, &after.start_date)
        .diff("endDate", &before.end_date, &after.end_date)
        .diff("location", &before.location, &after.location)
        .diff(
            "remoteAllowed",
            &before.remote_allowed,
            &after.remote_allowed,
        )
        .diff(
            "budgetMin",
            &before.budget_min_cents.map(to_decimal),
            &after.budget_min_cents.map(to_decimal),
        )
        .diff(
            "budgetMax",
            &before.budget_max_cents.map(to_decimal),
            &after.budget_max_cents.map(to_decimal),
        );
    c
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn create(uow: &UnitOfWork, input: TenderInput) -> Result<tender::Model> {
    let p = uow.principal()?;
    p.require(Permission::TenderWrite)?;
    let mut missing = Validation::new();
    if input.company_id.is_none() {
        missing.fail("companyId", "is required");
    }
    if input.title.is_none() {
        missing.fail("title", "must not be empty");
    }
    missing.finish()?;
    let txn = uow.txn();
    let company_id = input.company_id.unwrap_or_default();
    let blank = Values::blank(company_id);
    let values = merge(txn, p, Values::blank(company_id), input, false).await?;
    let now = Utc::now();
    let created = tender::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(p.tenant_id),
        company_id: Set(values.company_id),
        title: Set(values.title.clone()),
        description: Set(values.description.clone()),
        start_date: Set(values.start_date),
        end_date: Set(values.end_date),
        location: Set(values.location.clone()),
        remote_allowed: Set(values.remote_allowed),
        budget_min_cents: Set(values.budget_min_cents),
        budget_max_cents: Set(values.budget_max_cents),
        status: Set(TenderStatus::Draft),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let mut c = changes(&blank, &values);
    c.set("status", &created.status);
    uow.audit(
        AuditRecord::new("tender.created", "tender", Some(created.id)).changes(c.into_value()),
    )
    .await?;
    uow.raise(DomainEvent::TenderCreated {
        tender: created.clone(),
    })?;
    Ok(created)
}

impl Values {
    fn blank(company_id: Uuid) -> Self {
        Values {
            company_id,
            title: String::new(),
            description: None,
            start_date: None,
            end_date: None,
            location: None,
            remote_allowed: false,
            budget_min_cents: None,
            budget_max_cents: None,
        }
    }
}

/// The tender, locked for this transaction's change: concurrent changes of one tender run one
/// after the other, each seeing the previous one's result.
async fn current_in(txn: &DatabaseTransaction, p: &Principal, id: Uuid) -> Result<tender::Model> {
    lock_in_scope(
        txn,
        scope::tenders(p),
        tender::Column::Id,
        id,
        "tender",
        Lock::Update,
    )
    .await
}

fn is_final(status: TenderStatus) -> bool {
    matches!(status, TenderStatus::Closed | TenderStatus::Cancelled)
}

/// Refuses changes to a CLOSED or CANCELLED tender (`CONFLICT`), naming its status.
fn ensure_editable(t: &tender::Model) -> Result<()> {
    if is_final(t.status) {
        return Err(AppError::conflict(
            "id",
            format!(
                "the tender is {} and can no longer change",
                wire_name(&t.status)
            ),
        ));
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(uow: &UnitOfWork, id: Uuid, input: TenderInput) -> Result<tender::Model> {
    let p = uow.principal()?;
    p.require(Permission::TenderWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    ensure_editable(&current)?;
    let before = Values::of(&current);
    let after = merge(txn, p, Values::of(&current), input, true).await?;
    if after.company_id != before.company_id {
        let matched = scope::matches_of_tenders(p)
            .filter(tender_match::Column::TenderId.eq(id))
            .count(txn)
            .await?;
        if matched > 0 {
            return Err(AppError::conflict(
                "companyId",
                "the tender already has matches; it cannot move to another company",
            ));
        }
    }
    let c = changes(&before, &after);
    if c.is_empty() {
        return Ok(current);
    }
    let mut a: tender::ActiveModel = current.into();
    a.company_id = Set(after.company_id);
    a.title = Set(after.title);
    a.description = Set(after.description);
    a.start_date = Set(after.start_date);
    a.end_date = Set(after.end_date);
    a.location = Set(after.location);
    a.remote_allowed = Set(after.remote_allowed);
    a.budget_min_cents = Set(after.budget_min_cents);
    a.budget_max_cents = Set(after.budget_max_cents);
    a.updated_at = Set(Utc::now());
    let updated = a.update(txn).await?;
    uow.audit(AuditRecord::new("tender.updated", "tender", Some(id)).changes(c.into_value()))
        .await?;
    uow.raise(DomainEvent::TenderUpdated {
        tender: updated.clone(),
    })?;
    Ok(updated)
}

/// Deletes a tender with its matches; refused (`CONFLICT`) once a collaboration came of it.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::TenderWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    let collaborations = scope::collaborations_of_tenders(p)
        .filter(collaboration::Column::TenderId.eq(id))
        .count(txn)
        .await?;
    if collaborations > 0 {
        return Err(AppError::conflict(
            "id",
            "the tender led to a collaboration; cancel or close it instead",
        ));
    }
    tender::Entity::delete_by_id(current.id).exec(txn).await?;
    uow.raise(DomainEvent::TenderDeleted {
        tender: current.clone(),
    })?;
    uow.audit(
        AuditRecord::new("tender.deleted", "tender", Some(id))
            .changes(json!({ "title": current.title, "status": current.status })),
    )
    .await?;
    Ok(id)
}

/// One required skill, as given to `setTenderSkills`.
#[derive(Debug, Clone, Copy)]
pub struct RequiredSkill {
    pub skill_id: Uuid,
    pub importance: SkillImportance,
    pub min_level: SkillLevel,
}

/// Replaces a tender's required skills.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn set_skills(
    uow: &UnitOfWork,
    id: Uuid,
    skills: Vec<RequiredSkill>,
) -> Result<tender::Model> {
    let p = uow.principal()?;
    p.require(Permission::TenderWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    ensure_editable(&current)?;
    let ids: Vec<Uuid> = skills.iter().map(|s| s.skill_id).collect();
    check_skill_ids(txn, p, &ids).await?;
    let entry = |skill_id: Uuid, importance: SkillImportance, min_level: SkillLevel| json!({ "skillId": skill_id, "importance": importance, "minLevel": min_level });
    let before: Vec<_> = scope::tender_skills(p)
        .filter(tender_skill::Column::TenderId.eq(id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| entry(s.skill_id, s.importance, s.min_level))
        .collect();
    tender_skill::Entity::delete_many()
        .filter(tender_skill::Column::TenantId.eq(p.tenant_id))
        .filter(tender_skill::Column::TenderId.eq(id))
        .exec(txn)
        .await?;
    if !skills.is_empty() {
        tender_skill::Entity::insert_many(skills.iter().map(|s| tender_skill::ActiveModel {
            tender_id: Set(id),
            skill_id: Set(s.skill_id),
            tenant_id: Set(p.tenant_id),
            importance: Set(s.importance),
            min_level: Set(s.min_level),
        }))
        .exec(txn)
        .await?;
    }
    let after: Vec<_> = skills
        .iter()
        .map(|s| entry(s.skill_id, s.importance, s.min_level))
        .collect();
    let mut a: tender::ActiveModel = current.into();
    a.updated_at = Set(Utc::now());
    let updated = a.update(txn).await?;
    uow.audit(
        AuditRecord::new("tender.skills_set", "tender", Some(id))
            .changes(json!({ "requiredSkills": { "from": before, "to": after } })),
    )
    .await?;
    uow.raise(DomainEvent::TenderUpdated {
        tender: updated.clone(),
    })?;
    Ok(updated)
}

/// A status change a user can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Publish,
    Start,
    Close,
    Cancel,
}

impl Transition {
    fn verb(self) -> &'static str {
        match self {
            Transition::Publish => "publish",
            Transition::Start => "start",
            Transition::Close => "close",
            Transition::Cancel => "cancel",
        }
    }

    /// The status reached from `from`, if the transition is legal.
    pub fn apply(self, from: TenderStatus) -> Option<TenderStatus> {
        use TenderStatus::*;
        match (self, from) {
            (Transition::Publish, Draft) => Some(Open),
            (Transition::Start, Open) => Some(InProgress),
            (Transition::Close, Open | InProgress) => Some(Closed),
            (Transition::Cancel, Draft | Open | InProgress) => Some(Cancelled),
            _ => None,
        }
    }
}

/// Moves a tender along its life cycle. Of concurrent moves on one tender exactly one wins; a
/// move the current status does not allow is `CONFLICT` naming that status.
///
/// What ending a tender does to its matches and collaborations is matching's business: it
/// reacts to the `TenderStatusChanged` event inside the same unit of work
/// (`matching::reactions`), and may refuse the move.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn transition(
    uow: &UnitOfWork,
    id: Uuid,
    transition: Transition,
) -> Result<tender::Model> {
    let p = uow.principal()?;
    p.require(Permission::TenderWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    let from = current.status;
    let Some(to) = transition.apply(from) else {
        return Err(AppError::illegal_transition(
            transition.verb(),
            "tender",
            &from,
        ));
    };
    let now = Utc::now();
    let mut a: tender::ActiveModel = current.into();
    a.status = Set(to);
    a.updated_at = Set(now);
    let updated = a.update(txn).await?;
    let changes = json!({ "status": { "from": from, "to": to } });
    uow.audit(AuditRecord::new("tender.status_changed", "tender", Some(id)).changes(changes))
        .await?;
    uow.raise(if transition == Transition::Publish {
        DomainEvent::TenderPublished {
            tender: updated.clone(),
        }
    } else {
        DomainEvent::TenderStatusChanged {
            tender: updated.clone(),
            previous_status: from,
        }
    })?;
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_legal_transitions_apply() {
        use TenderStatus::*;
        assert_eq!(Transition::Publish.apply(Draft), Some(Open));
        assert_eq!(Transition::Publish.apply(Open), None);
        assert_eq!(Transition::Start.apply(Open), Some(InProgress));
        assert_eq!(Transition::Close.apply(InProgress), Some(Closed));
        assert_eq!(Transition::Close.apply(Draft), None);
        assert_eq!(Transition::Cancel.apply(Closed), None);
        assert_eq!(Transition::Cancel.apply(Draft), Some(Cancelled));
    }
}
