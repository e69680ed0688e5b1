//! The skill catalogue: names unique per tenant, case-insensitively.

use chrono::Utc;
use entity::{consultant_skill, skill, tender_skill};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::scope;
use crate::audit::{AuditRecord, Changes};
use crate::auth::{Permission, Principal};
use crate::error::{AppError, Result};
use crate::inputs::{optional_text, required_text};
use crate::state::AppState;
use crate::unit::UnitOfWork;

pub async fn find(state: &AppState, p: &Principal, id: Uuid) -> Result<skill::Model> {
    crate::db::find_in_scope(&state.db, scope::skills(p), skill::Column::Id, id, "skill").await
}

/// Filters of `skills`.
#[derive(Debug, Default)]
pub struct SkillFilter {
    pub text: Option<String>,
    pub category: Option<String>,
}

pub fn list(p: &Principal, filter: SkillFilter) -> Result<Select<skill::Entity>> {
    let mut select = scope::skills(p);
    if let Some(text) = optional_text("filter.text", filter.text, 100)? {
        select = select.filter(crate::db::contains_ci(skill::Column::Name, &text));
    }
    if let Some(category) = optional_text("filter.category", filter.category, 100)? {
        select = select.filter(skill::Column::Category.eq(category));
    }
    Ok(select)
}

/// The unique key of a skill name.
fn name_key(name: &str) -> String {
    name.to_lowercase()
}

fn duplicate() -> AppError {
    AppError::conflict("name", "a skill with this name already exists")
}

async fn ensure_unique_name(
    conn: &impl ConnectionTrait,
    p: &Principal,
    name: &str,
    except: Option<Uuid>,
) -> Result<()> {
    let mut select = scope::skills(p).filter(skill::Column::NameKey.eq(name_key(name)));
    if let Some(id) = except {
        select = select.filter(skill::Column::Id.ne(id));
    }
    if select.count(conn).await? > 0 {
        return Err(duplicate());
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn create(
    uow: &UnitOfWork,
    name: String,
    category: Option<String>,
) -> Result<skill::Model> {
    let p = uow.principal()?;
    p.require(Permission::SkillWrite)?;
    let name = required_text("name", &name, 100)?;
    let category = optional_text("category", category, 100)?;
    let txn = uow.txn();
    ensure_unique_name(txn, p, &name, None).await?;
    let now = Utc::now();
    let created = skill::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(p.tenant_id),
        name_key: Set(name_key(&name)),
        name: Set(name),
        category: Set(category),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let mut changes = Changes::new();
    changes
        .set("name", &created.name)
        .set("category", &created.category);
    uow.audit(
        AuditRecord::new("skill.created", "skill", Some(created.id)).changes(changes.into_value()),
    )
    .await?;
    Ok(created)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(
    uow: &UnitOfWork,
    id: Uuid,
    name: Option<String>,
    category: Option<Option<String>>,
) -> Result<skill::Model> {
    let p = uow.principal()?;
    p.require(Permission::SkillWrite)?;
    let name = name.map(|n| required_text("name", &n, 100)).transpose()?;
    let category = category
        .map(|c| optional_text("category", c, 100))
        .transpose()?;
    let txn = uow.txn();
    let current = crate::db::lock_in_scope(
        txn,
        scope::skills(p),
        skill::Column::Id,
        id,
        "skill",
        crate::db::Lock::Update,
    )
    .await?;
    let mut changes = Changes::new();
    let mut active: skill::ActiveModel = current.clone().into();
    if let Some(name) = name {
        if name_key(&name) != current.name_key {
            ensure_unique_name(txn, p, &name, Some(id)).await?;
        }
        changes.diff("name", &current.name, &name);
        active.name_key = Set(name_key(&name));
        active.name = Set(name);
    }
    if let Some(category) = category {
        changes.diff("category", &current.category, &category);
        active.category = Set(category);
    }
    if changes.is_empty() {
        return Ok(current);
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(txn).await?;
    uow.audit(AuditRecord::new("skill.updated", "skill", Some(id)).changes(changes.into_value()))
        .await?;
    Ok(updated)
}

/// Deletes a skill, and with it every consultant's and tender's use of it.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::SkillWrite)?;
    let txn = uow.txn();
    let current = crate::db::lock_in_scope(
        txn,
        scope::skills(p),
        skill::Column::Id,
        id,
        "skill",
        crate::db::Lock::Update,
    )
    .await?;
    let consultants = consultant_skill::Entity::delete_many()
        .filter(consultant_skill::Column::TenantId.eq(p.tenant_id))
        .filter(consultant_skill::Column::SkillId.eq(id))
        .exec(txn)
        .await?
        .rows_affected;
    let tenders = tender_skill::Entity::delete_many()
        .filter(tender_skill::Column::TenantId.eq(p.tenant_id))
        .filter(tender_skill::Column::SkillId.eq(id))
        .exec(txn)
        .await?
        .rows_affected;
    skill::Entity::delete_by_id(current.id).exec(txn).await?;
    uow.audit(
        AuditRecord::new("skill.deleted", "skill", Some(id)).changes(json!({
            "name": current.name,
            "removedFromConsultants": consultants,
            "removedFromTenders": tenders,
        })),
    )
    .await?;
    Ok(id)
}
