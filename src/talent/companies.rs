//! Client companies: create, update, delete (refused while tenders exist unless cascading).

use chrono::Utc;
use entity::{collaboration, company, tender, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Select, Set};
use serde_json::json;
use uuid::Uuid;

use super::inputs::website;
use super::scope;
use crate::audit::{AuditRecord, Changes};
use crate::auth::{Permission, Principal};
use crate::error::{AppError, Result};
use crate::inputs::{MAX_LONG_TEXT, optional_text, required_text};
use crate::state::AppState;
use crate::unit::UnitOfWork;

/// A company by id, within the principal's scope.
pub async fn find(state: &AppState, p: &Principal, id: Uuid) -> Result<company::Model> {
    crate::db::find_in_scope(
        &state.db,
        scope::companies(p),
        company::Column::Id,
        id,
        "company",
    )
    .await
}

/// Filters of `companies`.
#[derive(Debug, Default)]
pub struct CompanyFilter {
    /// Part of the name.
    pub text: Option<String>,
}

pub fn list(p: &Principal, filter: CompanyFilter) -> Result<Select<company::Entity>> {
    let mut select = scope::companies(p);
    if let Some(text) = optional_text("filter.text", filter.text, 200)? {
        select = select.filter(crate::db::contains_ci(company::Column::Name, &text));
    }
    Ok(select)
}

/// New values of a company; `None` leaves a field unchanged (on update), `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct CompanyInput {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub address: Option<Option<String>>,
}

struct Parsed {
    name: Option<String>,
    description: Option<Option<String>>,
    website: Option<Option<String>>,
    address: Option<Option<String>>,
}

fn parse(input: CompanyInput) -> Result<Parsed> {
    Ok(Parsed {
        name: input
            .name
            .map(|n| required_text("name", &n, 200))
            .transpose()?,
        description: input
            .description
            .map(|d| optional_text("description", d, MAX_LONG_TEXT))
            .transpose()?,
        website: input.website.map(|w| website("website", w)).transpose()?,
        address: input
            .address
            .map(|a| optional_text("address", a, 500))
            .transpose()?,
    })
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn create(uow: &UnitOfWork, input: CompanyInput) -> Result<company::Model> {
    let p = uow.principal()?;
    p.require(Permission::CompanyWrite)?;
    let parsed = parse(input)?;
    let name = parsed
        .name
        .ok_or_else(|| AppError::invalid("name", "must not be empty"))?;
    let now = Utc::now();
    let model = company::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(p.tenant_id),
        name: Set(name),
        description: Set(parsed.description.flatten()),
        website: Set(parsed.website.flatten()),
        address: Set(parsed.address.flatten()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let txn = uow.txn();
    let created = model.insert(txn).await?;
    let mut changes = Changes::new();
    changes
        .set("name", &created.name)
        .set("description", &created.description)
        .set("website", &created.website)
        .set("address", &created.address);
    uow.audit(
        AuditRecord::new("company.created", "company", Some(created.id))
            .changes(changes.into_value()),
    )
    .await?;
    Ok(created)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(uow: &UnitOfWork, id: Uuid, input: CompanyInput) -> Result<company::Model> {
    let p = uow.principal()?;
    p.require(Permission::CompanyWrite)?;
    let parsed = parse(input)?;
    let txn = uow.txn();
    let current = crate::db::lock_in_scope(
        txn,
        scope::companies(p),
        company::Column::Id,
        id,
        "company",
        crate::db::Lock::Update,
    )
    .await?;
    let mut changes = Changes::new();
    let mut active: company::ActiveModel = current.clone().into();
    if let Some(name) = parsed.name {
        changes.diff("name", &current.name, &name);
        active.name = Set(name);
    }
    if let Some(description) = parsed.description {
        changes.diff("description", &current.description, &description);
        active.description = Set(description);
    }
    if let Some(website) = parsed.website {
        changes.diff("website", &current.website, &website);
        active.website = Set(website);
    }
    if let Some(address) = parsed.address {
        changes.diff("address", &current.address, &address);
        active.address = Set(address);
    }
    if changes.is_empty() {
        return Ok(current);
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(txn).await?;
    uow.audit(
        AuditRecord::new("company.updated", "company", Some(id)).changes(changes.into_value()),
    )
    .await?;
    Ok(updated)
}

/// Deletes a company. While it has tenders the answer is `CONFLICT`, unless `cascade` asks to
/// delete its tenders (with their matches) and collaborations too. CLIENT users of the company
/// are unlinked.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid, cascade: bool) -> Result<Uuid> {
    let p = uow.principal()?;
    p.require(Permission::CompanyWrite)?;
    let txn = uow.txn();
    let current = crate::db::lock_in_scope(
        txn,
        scope::companies(p),
        company::Column::Id,
        id,
        "company",
        crate::db::Lock::Update,
    )
    .await?;
    // Its tenders are locked next (parents before children), before any collaboration or
    // match goes: a tender cancelled, or a collaboration changed, meanwhile waits or is waited
    // for, never deadlocks with this delete.
    let tenders = crate::db::lock_all(
        txn,
        scope::tenders(p).filter(tender::Column::CompanyId.eq(id)),
        tender::Column::Id,
    )
    .await?
    .len();
    if tenders > 0 && !cascade {
        return Err(AppError::conflict(
            "id",
            format!(
                "the company has {tenders} tender(s); delete them first or pass `cascade: true`"
            ),
        ));
    }
    let collaborations = collaboration::Entity::delete_many()
        .filter(collaboration::Column::TenantId.eq(p.tenant_id))
        .filter(collaboration::Column::CompanyId.eq(id))
        .exec(txn)
        .await?
        .rows_affected;
    tender::Entity::delete_many()
        .filter(tender::Column::TenantId.eq(p.tenant_id))
        .filter(tender::Column::CompanyId.eq(id))
        .exec(txn)
        .await?;
    let unlinked = user::Entity::update_many()
        .col_expr(user::Column::CompanyId, Expr::value(None::<Uuid>))
        .filter(user::Column::TenantId.eq(p.tenant_id))
        .filter(user::Column::CompanyId.eq(id))
        .exec(txn)
        .await?
        .rows_affected;
    company::Entity::delete_by_id(current.id)
        .exec(txn)
        .await
        .map_err(|e| {
            crate::error::constraints::on_delete(e, "id", "the company is still referenced; retry")
        })?;
    uow.audit(
        AuditRecord::new("company.deleted", "company", Some(id)).changes(json!({
            "name": current.name,
            "cascade": cascade,
            "deletedTenders": tenders,
            "deletedCollaborations": collaborations,
            "unlinkedUsers": unlinked,
        })),
    )
    .await?;
    Ok(id)
}
