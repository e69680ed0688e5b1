//! Portfolios (seed 001): a consultant's past projects — title, description, client (a
//! company of the organisation or a name), link, dates, skills of the catalogue used — under
//! the consultant's row rules; a project marked `internal` is the agency's alone.

use chrono::{NaiveDate, Utc};
use entity::{portfolio_project, portfolio_project_skill};
use sea_orm::{
    ActiveModelTrait, ColumnTrait as _, EntityTrait as _, IntoActiveModel as _, ModelTrait as _,
    QueryFilter as _, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::scope;
use crate::audit::{AuditRecord, Changes};
use crate::auth::Permission;
use crate::db::Lock;
use crate::error::{AppError, Result, Validation};
use crate::events::DomainEvent;
use crate::inputs::{optional_text, required_text};
use crate::state::AppState;
use crate::unit::UnitOfWork;

/// Values of a project. On update `None` leaves a field as it is and `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct ProjectInput {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub company_id: Option<Option<Uuid>>,
    pub client_name: Option<Option<String>>,
    pub url: Option<Option<String>>,
    pub start_date: Option<Option<NaiveDate>>,
    pub end_date: Option<Option<NaiveDate>>,
    pub skill_ids: Option<Vec<Uuid>>,
    pub internal: Option<bool>,
}

pub async fn find(
    state: &AppState,
    p: &crate::auth::Principal,
    id: Uuid,
) -> Result<portfolio_project::Model> {
    crate::db::find_in_scope(
        &state.db,
        scope::portfolio_projects(p),
        portfolio_project::Column::Id,
        id,
        "portfolio project",
    )
    .await
}

/// Applies `input` to `model`, field by field; every bad field is reported at once.
async fn apply(
    uow: &UnitOfWork,
    model: &mut portfolio_project::ActiveModel,
    input: ProjectInput,
) -> Result<Option<Vec<Uuid>>> {
    let p = uow.principal()?;
    let mut v = Validation::new();
    if let Some(title) = input.title {
        v.check(required_text("title", &title, 200).map(|t| model.title = Set(t)));
    }
    if let Some(description) = input.description {
        v.check(
            optional_text("description", description, 10_000).map(|d| model.description = Set(d)),
        );
    }
    if let Some(client) = input.client_name {
        v.check(optional_text("clientName", client, 200).map(|c| model.client_name = Set(c)));
    }
    if let Some(url) = input.url {
        v.check(crate::talent::inputs::website("url", url).map(|u| model.url = Set(u)));
    }
    if let Some(start) = input.start_date {
        model.start_date = Set(start);
    }
    if let Some(end) = input.end_date {
        model.end_date = Set(end);
    }
    if let (Some(Some(start)), Some(Some(end))) =
        (model.start_date.try_as_ref(), model.end_date.try_as_ref())
        && end < start
    {
        v.fail("endDate", "is before startDate");
    }
    if let Some(internal) = input.internal {
        // Hiding a project is anyone's to do; showing a hidden one to clients is staff's.
        let hidden = matches!(model.internal.try_as_ref(), Some(true));
        if hidden && !internal && p.row_rule() != crate::auth::RowRule::WholeTenant {
            v.fail(
                "internal",
                "only the agency's staff may show an internal project to clients",
            );
        } else {
            model.internal = Set(internal);
        }
    }
    if let Some(company) = input.company_id {
        if let Some(company_id) = company {
            let known = crate::talent::scope::companies(p)
                .filter(entity::company::Column::Id.eq(company_id))
                .one(uow.txn())
                .await?;
            if known.is_none() {
                v.fail("companyId", "is not a company of the organisation");
            }
        }
        model.company_id = Set(company);
    }
    if let Some(ids) = &input.skill_ids {
        crate::talent::consultants::check_catalogue_skills(
            uow.txn(),
            p,
            ids,
            50,
            "skillIds",
            |i| format!("skillIds[{i}]"),
            &mut v,
        )
        .await?;
    }
    v.finish()?;
    Ok(input.skill_ids)
}

async fn set_skills(
    uow: &UnitOfWork,
    project: &portfolio_project::Model,
    ids: &[Uuid],
) -> Result<()> {
    let txn = uow.txn();
    portfolio_project_skill::Entity::delete_many()
        .filter(portfolio_project_skill::Column::TenantId.eq(project.tenant_id))
        .filter(portfolio_project_skill::Column::ProjectId.eq(project.id))
        .exec(txn)
        .await?;
    if !ids.is_empty() {
        portfolio_project_skill::Entity::insert_many(ids.iter().enumerate().map(|(i, id)| {
            portfolio_project_skill::ActiveModel {
                project_id: Set(project.id),
                skill_id: Set(*id),
                tenant_id: Set(project.tenant_id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(())
}

fn changes_of(model: &portfolio_project::Model, skills: Option<&[Uuid]>) -> serde_json::Value {
    let mut changes = Changes::new();
    changes
        .set("title", &model.title)
        .set("companyId", &model.company_id)
        .set("clientName", &model.client_name)
        .set("url", &model.url)
        .set("startDate", &model.start_date)
        .set("endDate", &model.end_date)
        .set("internal", &model.internal);
    if let Some(skills) = skills {
        changes.set("skillIds", &skills);
    }
    changes.into_value()
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn create(
    uow: &UnitOfWork,
    consultant_id: Uuid,
    input: ProjectInput,
) -> Result<portfolio_project::Model> {
    let p = uow.principal()?;
    p.require(Permission::PortfolioWrite)?;
    crate::db::lock_in_scope(
        uow.txn(),
        crate::talent::scope::consultants(p),
        entity::consultant::Column::Id,
        consultant_id,
        "consultant",
        Lock::Parent,
    )
    .await?;
    if input.title.is_none() {
        return Err(AppError::invalid("title", "is required"));
    }
    let now = Utc::now();
    let mut model = portfolio_project::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(p.tenant_id),
        consultant_id: Set(consultant_id),
        title: Set(String::new()),
        description: Set(None),
        company_id: Set(None),
        client_name: Set(None),
        url: Set(None),
        start_date: Set(None),
        end_date: Set(None),
        internal: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let skills = apply(uow, &mut model, input).await?;
    let created = model.insert(uow.txn()).await?;
    let skills = skills.unwrap_or_default();
    set_skills(uow, &created, &skills).await?;
    uow.audit(
        AuditRecord::new("portfolio.created", "portfolio_project", Some(created.id))
            .changes(changes_of(&created, Some(&skills))),
    )
    .await?;
    uow.raise(DomainEvent::PortfolioProjectChanged {
        project_id: created.id,
        consultant_id,
    })?;
    Ok(created)
}

/// The project `id`, locked, if `p` may change it: a consultant only their own.
async fn writable(uow: &UnitOfWork, id: Uuid) -> Result<portfolio_project::Model> {
    let p = uow.principal()?;
    p.require(Permission::PortfolioWrite)?;
    crate::db::lock_in_scope(
        uow.txn(),
        scope::portfolio_projects(p),
        portfolio_project::Column::Id,
        id,
        "portfolio project",
        Lock::Update,
    )
    .await
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(
    uow: &UnitOfWork,
    id: Uuid,
    input: ProjectInput,
) -> Result<portfolio_project::Model> {
    let current = writable(uow, id).await?;
    let mut model = current.into_active_model();
    let skills = apply(uow, &mut model, input).await?;
    model.updated_at = Set(Utc::now());
    let updated = model.update(uow.txn()).await?;
    if let Some(skills) = &skills {
        set_skills(uow, &updated, skills).await?;
    }
    uow.audit(
        AuditRecord::new("portfolio.updated", "portfolio_project", Some(id))
            .changes(changes_of(&updated, skills.as_deref())),
    )
    .await?;
    uow.raise(DomainEvent::PortfolioProjectChanged {
        project_id: id,
        consultant_id: updated.consultant_id,
    })?;
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn delete(uow: &UnitOfWork, id: Uuid) -> Result<Uuid> {
    let current = writable(uow, id).await?;
    let consultant_id = current.consultant_id;
    current.delete(uow.txn()).await?;
    uow.audit(
        AuditRecord::new("portfolio.deleted", "portfolio_project", Some(id))
            .changes(json!({ "consultantId": consultant_id })),
    )
    .await?;
    uow.raise(DomainEvent::PortfolioProjectDeleted {
        project_id: id,
        consultant_id,
    })?;
    Ok(id)
}
