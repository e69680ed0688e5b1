//! Consultants: profile, encrypted contact data, skills, soft delete and restore.

use chrono::{NaiveDate, Utc};
use entity::{ConsultantStatus, RemotePreference, SkillLevel, consultant, consultant_skill, skill};
use rust_decimal::Decimal;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter,
    Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::inputs::{money, phone, years};
use super::scope;
use crate::audit::{AuditRecord, Changes};
use crate::auth::{Permission, Principal};
use crate::crypto::TenantKeys;
use crate::db::{Lock, lock_in_scope, lock_parents};
use crate::error::{AppError, Result, Validation};
use crate::events::DomainEvent;
use crate::inputs::{MAX_LONG_TEXT, date, optional_text, required_text};
use crate::state::AppState;
use crate::tenancy::inputs::Email;
use crate::unit::UnitOfWork;

const TABLE: &str = "consultant";

/// A consultant by id, within the principal's scope (soft-deleted ones are gone).
pub async fn find(state: &AppState, p: &Principal, id: Uuid) -> Result<consultant::Model> {
    crate::db::find_in_scope(
        &state.db,
        scope::consultants(p),
        consultant::Column::Id,
        id,
        "consultant",
    )
    .await
}

/// A skill requirement of the `consultants` filter.
#[derive(Debug, Clone, Copy)]
pub struct SkillAtLeast {
    pub skill_id: Uuid,
    pub min_level: SkillLevel,
}

/// Filters of `consultants`.
#[derive(Debug, Default)]
pub struct ConsultantFilter {
    pub status: Option<Vec<ConsultantStatus>>,
    /// Every listed skill at the given level or above.
    pub skills: Vec<SkillAtLeast>,
    /// Available on or before this date (no date means available now).
    pub available_by: Option<NaiveDate>,
    /// Part of the first name, last name or title.
    pub text: Option<String>,
    /// Soft-deleted consultants too (for those who may restore them).
    pub include_deleted: bool,
}

pub fn list(p: &Principal, filter: ConsultantFilter) -> Result<Select<consultant::Entity>> {
    let mut select = if filter.include_deleted && p.can(Permission::ConsultantWrite) {
        scope::consultants_including_deleted(p)
    } else {
        scope::consultants(p)
    };
    if let Some(statuses) = filter.status.filter(|s| !s.is_empty()) {
        select = select.filter(consultant::Column::Status.is_in(statuses));
    }
    if filter.skills.len() > 20 {
        return Err(AppError::invalid("filter.skills", "at most 20 skills"));
    }
    for wanted in filter.skills {
        let having = Query::select()
            .column(consultant_skill::Column::ConsultantId)
            .from(consultant_skill::Entity)
            .and_where(consultant_skill::Column::TenantId.eq(p.tenant_id))
            .and_where(consultant_skill::Column::SkillId.eq(wanted.skill_id))
            .and_where(consultant_skill::Column::Level.is_in(wanted.min_level.at_least()))
            .to_owned();
        select = select.filter(consultant::Column::Id.in_subquery(having));
    }
    if let Some(by) = date("filter.availableBy", filter.available_by)? {
        select = select.filter(
            Condition::any()
                .add(consultant::Column::AvailabilityDate.is_null())
                .add(consultant::Column::AvailabilityDate.lte(by)),
        );
    }
    if let Some(text) = optional_text("filter.text", filter.text, 200)? {
        select = select.filter(
            Condition::any()
                .add(crate::db::contains_ci(consultant::Column::FirstName, &text))
                .add(crate::db::contains_ci(consultant::Column::LastName, &text))
                .add(crate::db::contains_ci(consultant::Column::Title, &text)),
        );
    }
    Ok(select)
}

/// Values of a consultant. On update `None` leaves a field unchanged and `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ConsultantInput {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub title: Option<String>,
    pub bio: Option<Option<String>>,
    pub years_experience: Option<i32>,
    pub daily_rate: Option<Option<Decimal>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub availability_date: Option<Option<NaiveDate>>,
    pub status: Option<ConsultantStatus>,
    pub location: Option<Option<String>>,
    pub remote: Option<RemotePreference>,
    pub internal_notes: Option<Option<String>>,
}

/// The input, checked field by field; every bad field is reported at once.
struct Parsed {
    first_name: Option<String>,
    last_name: Option<String>,
    title: Option<String>,
    bio: Option<Option<String>>,
    years_experience: Option<i32>,
    daily_rate_cents: Option<Option<i64>>,
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
    availability_date: Option<Option<NaiveDate>>,
    status: Option<ConsultantStatus>,
    location: Option<Option<String>>,
    remote: Option<RemotePreference>,
    internal_notes: Option<Option<String>>,
}

fn parse(input: ConsultantInput) -> Result<Parsed> {
    let mut v = Validation::new();
    let name = |field: &str, value: Option<String>, v: &mut Validation| {
        value.and_then(|n| v.check(required_text(field, &n, 100)))
    };
    let first_name = name("firstName", input.first_name, &mut v);
    let last_name = name("lastName", input.last_name, &mut v);
    let title = input
        .title
        .and_then(|t| v.check(required_text("title", &t, 200)));
    let bio = input
        .bio
        .and_then(|b| v.check(optional_text("bio", b, MAX_LONG_TEXT)));
    let years_experience = input
        .years_experience
        .and_then(|y| v.check(years("yearsExperience", y)));
    let daily_rate_cents = input
        .daily_rate
        .and_then(|r| v.check(money("dailyRate", r)));
    let email = input.email.and_then(|e| {
        v.check(
            optional_text("email", e, 254)
                .and_then(|e| e.map(|e| Email::parse("email", &e)).transpose())
                .map(|e| e.map(|e| e.as_str().to_owned())),
        )
    });
    let phone = input.phone.and_then(|ph| v.check(phone("phone", ph)));
    let availability_date = input
        .availability_date
        .and_then(|d| v.check(date("availabilityDate", d)));
    let location = input
        .location
        .and_then(|l| v.check(optional_text("location", l, 200)));
    let internal_notes = input
        .internal_notes
        .and_then(|n| v.check(optional_text("internalNotes", n, MAX_LONG_TEXT)));
    v.finish()?;
    Ok(Parsed {
        first_name,
        last_name,
        title,
        bio,
        years_experience,
        daily_rate_cents,
        email,
        phone,
        availability_date,
        status: input.status,
        location,
        remote: input.remote,
        internal_notes,
    })
}

/// Decrypted e-mail and phone of a consultant.
pub fn contact(
    keys: &TenantKeys,
    c: &consultant::Model,
) -> Result<(Option<String>, Option<String>)> {
    let open = |column: &str, value: &Option<String>| {
        value
            .as_ref()
            .map(|v| keys.decrypt(TABLE, column, c.id, v))
            .transpose()
            .map_err(AppError::internal)
    };
    Ok((open("email", &c.email)?, open("phone", &c.phone)?))
}

fn seal(keys: &TenantKeys, id: Uuid, column: &str, value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| keys.encrypt(TABLE, column, id, v))
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn create(
    uow: &UnitOfWork,
    keys: &TenantKeys,
    input: ConsultantInput,
) -> Result<consultant::Model> {
    let p = uow.principal()?;
    p.require(Permission::ConsultantWrite)?;
    let mut missing = Validation::new();
    for (field, present) in [
        ("firstName", input.first_name.is_some()),
        ("lastName", input.last_name.is_some()),
        ("title", input.title.is_some()),
    ] {
        if !present {
            missing.fail(field, "must not be empty");
        }
    }
    missing.finish()?;
    let parsed = parse(input)?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let email = parsed.email.flatten();
    let phone = parsed.phone.flatten();
    let model = consultant::ActiveModel {
        id: Set(id),
        tenant_id: Set(p.tenant_id),
        first_name: Set(parsed.first_name.unwrap_or_default()),
        last_name: Set(parsed.last_name.unwrap_or_default()),
        title: Set(parsed.title.unwrap_or_default()),
        bio: Set(parsed.bio.flatten()),
        years_experience: Set(parsed.years_experience.unwrap_or(0)),
        daily_rate_cents: Set(parsed.daily_rate_cents.flatten()),
        email: Set(seal(keys, id, "email", &email)),
        phone: Set(seal(keys, id, "phone", &phone)),
        availability_date: Set(parsed.availability_date.flatten()),
        status: Set(parsed.status.unwrap_or(ConsultantStatus::Available)),
        location: Set(parsed.location.flatten()),
        remote: Set(parsed.remote.unwrap_or(RemotePreference::Hybrid)),
        internal_notes: Set(parsed.internal_notes.flatten()),
        deleted_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = uow.txn();
    let created = model.insert(txn).await?;
    let mut changes = Changes::new();
    changes
        .set("firstName", &created.first_name)
        .set("lastName", &created.last_name)
        .set("title", &created.title)
        .set("yearsExperience", &created.years_experience)
        .set("status", &created.status)
        .set("remote", &created.remote)
        .set_redacted("dailyRate", created.daily_rate_cents.is_some())
        .set_redacted("email", email.is_some())
        .set_redacted("phone", phone.is_some())
        .set_redacted("internalNotes", created.internal_notes.is_some());
    uow.audit(
        AuditRecord::new("consultant.created", "consultant", Some(id))
            .changes(changes.into_value()),
    )
    .await?;
    uow.raise(DomainEvent::ConsultantCreated { consultant_id: id })?;
    Ok(created)
}

/// The consultant, locked for this transaction's change (concurrent changes run in turn).
async fn current_in(
    txn: &DatabaseTransaction,
    p: &Principal,
    id: Uuid,
) -> Result<consultant::Model> {
    lock_in_scope(
        txn,
        scope::consultants(p),
        consultant::Column::Id,
        id,
        "consultant",
        Lock::Update,
    )
    .await
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(
    uow: &UnitOfWork,
    keys: &TenantKeys,
    id: Uuid,
    input: ConsultantInput,
) -> Result<consultant::Model> {
    let p = uow.principal()?;
    p.require(Permission::ConsultantWrite)?;
    let parsed = parse(input)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    let (old_email, old_phone) = contact(keys, &current)?;
    let mut c = Changes::new();
    let mut a: consultant::ActiveModel = current.clone().into();
    if let Some(v) = parsed.first_name {
        c.diff("firstName", &current.first_name, &v);
        a.first_name = Set(v);
    }
    if let Some(v) = parsed.last_name {
        c.diff("lastName", &current.last_name, &v);
        a.last_name = Set(v);
    }
    if let Some(v) = parsed.title {
        c.diff("title", &current.title, &v);
        a.title = Set(v);
    }
    if let Some(v) = parsed.bio {
        c.diff("bio", &current.bio, &v);
        a.bio = Set(v);
    }
    if let Some(v) = parsed.years_experience {
        c.diff("yearsExperience", &current.years_experience, &v);
        a.years_experience = Set(v);
    }
    if let Some(v) = parsed.daily_rate_cents {
        c.diff_redacted("dailyRate", &current.daily_rate_cents, &v);
        a.daily_rate_cents = Set(v);
    }
    if let Some(v) = parsed.email {
        c.diff_redacted("email", &old_email, &v);
        a.email = Set(seal(keys, id, "email", &v));
    }
    if let Some(v) = parsed.phone {
        c.diff_redacted("phone", &old_phone, &v);
        a.phone = Set(seal(keys, id, "phone", &v));
    }
    if let Some(v) = parsed.availability_date {
        c.diff("availabilityDate", &current.availability_date, &v);
        a.availability_date = Set(v);
    }
    if let Some(v) = parsed.status {
        c.diff("status", &current.status, &v);
        a.status = Set(v);
    }
    if let Some(v) = parsed.location {
        c.diff("location", &current.location, &v);
        a.location = Set(v);
    }
    if let Some(v) = parsed.remote {
        c.diff("remote", &current.remote, &v);
        a.remote = Set(v);
    }
    if let Some(v) = parsed.internal_notes {
        c.diff_redacted("internalNotes", &current.internal_notes, &v);
        a.internal_notes = Set(v);
    }
    if c.is_empty() {
        return Ok(current);
    }
    a.updated_at = Set(Utc::now());
    let updated = a.update(txn).await?;
    uow.audit(
        AuditRecord::new("consultant.updated", "consultant", Some(id)).changes(c.into_value()),
    )
    .await?;
    uow.raise(DomainEvent::ConsultantUpdated { consultant_id: id })?;
    Ok(updated)
}

/// Soft-deletes a consultant; `restore` brings them back.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::ConsultantWrite)?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    let mut a: consultant::ActiveModel = current.into();
    let now = Utc::now();
    a.deleted_at = Set(Some(now));
    a.updated_at = Set(now);
    a.update(txn).await?;
    uow.audit(AuditRecord::new(
        "consultant.deleted",
        "consultant",
        Some(id),
    ))
    .await?;
    uow.raise(DomainEvent::ConsultantDeleted { consultant_id: id })?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn restore(uow: &UnitOfWork, id: Uuid) -> Result<consultant::Model> {
    let p = uow.principal()?;
    p.require(Permission::ConsultantWrite)?;
    let txn = uow.txn();
    let current = lock_in_scope(
        txn,
        scope::consultants_including_deleted(p),
        consultant::Column::Id,
        id,
        "consultant",
        Lock::Update,
    )
    .await?;
    if current.deleted_at.is_none() {
        // Of concurrent restores one wins; the others find nothing left to restore.
        return Err(AppError::conflict("id", "the consultant is not deleted"));
    }
    let mut a: consultant::ActiveModel = current.into();
    a.deleted_at = Set(None);
    a.updated_at = Set(Utc::now());
    let restored = a.update(txn).await?;
    uow.audit(AuditRecord::new(
        "consultant.restored",
        "consultant",
        Some(id),
    ))
    .await?;
    uow.raise(DomainEvent::ConsultantUpdated { consultant_id: id })?;
    Ok(restored)
}

/// One skill of a consultant, as given to `setConsultantSkills`.
#[derive(Debug, Clone, Copy)]
pub struct SkillEntry {
    pub skill_id: Uuid,
    pub level: SkillLevel,
    pub years_experience: i32,
}

/// Checks that every skill id is in the principal's catalogue and listed once; errors name
/// `skills[i].skillId`.
pub async fn check_skill_ids(txn: &DatabaseTransaction, p: &Principal, ids: &[Uuid]) -> Result<()> {
    let mut v = Validation::new();
    check_catalogue_skills(
        txn,
        p,
        ids,
        100,
        "skills",
        |i| format!("skills[{i}].skillId"),
        &mut v,
    )
    .await?;
    v.finish()
}

/// Checks a list of skill ids (named `list`, at most `max`) against the principal's catalogue,
/// each listed once, reporting into `v` under `field(i)`; the skills found are locked until
/// commit, so that none is deleted under the rows about to point at it.
pub async fn check_catalogue_skills(
    txn: &DatabaseTransaction,
    p: &Principal,
    ids: &[Uuid],
    max: usize,
    list: &str,
    field: impl Fn(usize) -> String,
    v: &mut Validation,
) -> Result<()> {
    if ids.len() > max {
        v.fail(list, format!("at most {max} skills"));
        return Ok(());
    }
    let known: std::collections::HashSet<Uuid> = lock_parents(
        txn,
        scope::skills(p).filter(skill::Column::Id.is_in(ids.iter().copied())),
    )
    .await?
    .into_iter()
    .map(|s| s.id)
    .collect();
    let mut seen = std::collections::HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !known.contains(id) {
            v.fail(field(i), "is not a skill of the catalogue");
        } else if !seen.insert(*id) {
            v.fail(field(i), "appears more than once");
        }
    }
    Ok(())
}

/// Replaces a consultant's skills.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn set_skills(
    uow: &UnitOfWork,
    id: Uuid,
    skills: Vec<SkillEntry>,
) -> Result<consultant::Model> {
    let p = uow.principal()?;
    p.require(Permission::ConsultantWrite)?;
    let mut v = Validation::new();
    for (i, s) in skills.iter().enumerate() {
        v.check(years(
            &format!("skills[{i}].yearsExperience"),
            s.years_experience,
        ));
    }
    v.finish()?;
    let txn = uow.txn();
    let current = current_in(txn, p, id).await?;
    let ids: Vec<Uuid> = skills.iter().map(|s| s.skill_id).collect();
    check_skill_ids(txn, p, &ids).await?;
    let before: Vec<_> = scope::consultant_skills(p)
        .filter(consultant_skill::Column::ConsultantId.eq(id))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| json!({ "skillId": s.skill_id, "level": s.level, "yearsExperience": s.years_experience }))
        .collect();
    consultant_skill::Entity::delete_many()
        .filter(consultant_skill::Column::TenantId.eq(p.tenant_id))
        .filter(consultant_skill::Column::ConsultantId.eq(id))
        .exec(txn)
        .await?;
    if !skills.is_empty() {
        consultant_skill::Entity::insert_many(skills.iter().map(|s| {
            consultant_skill::ActiveModel {
                consultant_id: Set(id),
                skill_id: Set(s.skill_id),
                tenant_id: Set(p.tenant_id),
                level: Set(s.level),
                years_experience: Set(s.years_experience),
            }
        }))
        .exec(txn)
        .await?;
    }
    let after: Vec<_> = skills
        .iter()
        .map(|s| json!({ "skillId": s.skill_id, "level": s.level, "yearsExperience": s.years_experience }))
        .collect();
    let mut a: consultant::ActiveModel = current.into();
    a.updated_at = Set(Utc::now());
    let updated = a.update(txn).await?;
    uow.audit(
        AuditRecord::new("consultant.skills_set", "consultant", Some(id))
            .changes(json!({ "skills": { "from": before, "to": after } })),
    )
    .await?;
    uow.raise(DomainEvent::ConsultantUpdated { consultant_id: id })?;
    Ok(updated)
}
