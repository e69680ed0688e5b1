//! Portfolios over GraphQL: `Consultant.portfolio`, `portfolioProject(id)` and the project
//! mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use entity::portfolio_project;

use super::portfolio::{self, ProjectInput};
use crate::auth::{Permission, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::patch::patch;
use crate::graphql::scalars::{Date, DateTime};
use crate::talent::graphql::consultant::Consultant;
use crate::talent::graphql::skill::Skill;

pub struct PortfolioProject(pub portfolio_project::Model);

/// A past project of a consultant's portfolio.
#[Object]
impl PortfolioProject {
    /// The project's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// Whose project it is.
    async fn consultant(&self, ctx: &Context<'_>) -> async_graphql::Result<Consultant> {
        Consultant::related(ctx, self.0.consultant_id).await
    }
    /// What the project was called.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What was done, and how.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The client, when it is a company of the organisation the reader may see.
    async fn company(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::talent::graphql::company::Company>> {
        let Some(id) = self.0.company_id else {
            return Ok(None);
        };
        let loader = crate::graphql::context::loader::<crate::talent::loaders::CompanyLoader>(ctx)?;
        Ok(Box::pin(loader.load_one(id))
            .await?
            .map(crate::talent::graphql::company::Company))
    }
    /// The client's name, when it is not a company of the organisation.
    async fn client_name(&self) -> Option<&str> {
        self.0.client_name.as_deref()
    }
    /// A link to the project (http or https).
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// When it began.
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }
    /// When it ended (none: ongoing or unknown).
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    /// Skills of the catalogue it used, in the order given.
    async fn skills(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Skill>> {
        let loader = crate::graphql::context::loader::<super::loaders::ProjectSkills>(ctx)?;
        Ok(Box::pin(loader.load_one(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Skill::from)
            .collect())
    }
    /// Kept from clients: only the agency sees an internal project.
    async fn internal(&self) -> bool {
        self.0.internal
    }
    /// When it was added to the portfolio.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// A new project of a consultant's portfolio.
#[derive(InputObject)]
pub struct CreatePortfolioProjectInput {
    /// The consultant (a consultant: themself).
    pub consultant_id: ID,
    /// What the project was called (at most 200 characters).
    pub title: String,
    /// What was done, and how.
    pub description: Option<String>,
    /// The client, a company of the organisation.
    pub company_id: Option<ID>,
    /// The client's name, when it is not a company of the organisation.
    pub client_name: Option<String>,
    /// A link to the project (http or https).
    pub url: Option<String>,
    /// When it began.
    pub start_date: Option<Date>,
    /// When it ended; not before `startDate`.
    pub end_date: Option<Date>,
    /// Skills of the catalogue it used.
    #[graphql(default)]
    pub skill_ids: Vec<ID>,
    /// Kept from clients (default `false`).
    #[graphql(default)]
    pub internal: bool,
}

/// Changes to a project: omitted fields stay as they are, `null` clears them.
#[derive(InputObject)]
pub struct UpdatePortfolioProjectInput {
    /// The project.
    pub id: ID,
    /// The new title.
    pub title: Option<String>,
    /// The new description; `null` clears it.
    pub description: MaybeUndefined<String>,
    /// The client among the organisation's companies; `null` clears it.
    pub company_id: MaybeUndefined<ID>,
    /// The client's name; `null` clears it.
    pub client_name: MaybeUndefined<String>,
    /// The link (http or https); `null` clears it.
    pub url: MaybeUndefined<String>,
    /// When it began; `null` clears it.
    pub start_date: MaybeUndefined<Date>,
    /// When it ended; `null` clears it.
    pub end_date: MaybeUndefined<Date>,
    /// Replaces the project's skills.
    pub skill_ids: Option<Vec<ID>>,
    /// Kept from clients, or not.
    pub internal: Option<bool>,
}

fn ids(field: &str, ids: &[ID]) -> Result<Vec<uuid::Uuid>> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| parse_id(&format!("{field}[{i}]"), id))
        .collect()
}

#[derive(Default)]
pub struct PortfolioQuery;

#[Object]
impl PortfolioQuery {
    /// One portfolio project; `NOT_FOUND` outside what the caller may see.
    #[graphql(
        guard = "PermissionGuard(Permission::PortfolioRead)",
        visible = "visibility::portfolio_read"
    )]
    async fn portfolio_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's id.")] id: ID,
    ) -> Result<PortfolioProject> {
        let id = parse_id("id", &id)?;
        portfolio::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(PortfolioProject)
    }
}

#[derive(Default)]
pub struct PortfolioMutation;

#[Object]
impl PortfolioMutation {
    /// Adds a project to a consultant's portfolio.
    #[graphql(
        guard = "PermissionGuard(Permission::PortfolioWrite)",
        visible = "visibility::portfolio_write"
    )]
    async fn create_portfolio_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project.")] input: CreatePortfolioProjectInput,
    ) -> Result<PortfolioProject> {
        let consultant_id = parse_id("consultantId", &input.consultant_id)?;
        let company_id = input
            .company_id
            .as_ref()
            .map(|id| parse_id("companyId", id))
            .transpose()?;
        let values = ProjectInput {
            title: Some(input.title),
            description: Some(input.description),
            company_id: Some(company_id),
            client_name: Some(input.client_name),
            url: Some(input.url),
            start_date: Some(input.start_date.map(|d| d.0)),
            end_date: Some(input.end_date.map(|d| d.0)),
            skill_ids: Some(ids("skillIds", &input.skill_ids)?),
            internal: Some(input.internal),
        };
        let uow = ctx.unit_of_work().await?;
        let done = portfolio::create(&uow, consultant_id, values).await;
        uow.finish(done).await.map(PortfolioProject)
    }

    /// Changes a portfolio project.
    #[graphql(
        guard = "PermissionGuard(Permission::PortfolioWrite)",
        visible = "visibility::portfolio_write"
    )]
    async fn update_portfolio_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project and the changes.")] input: UpdatePortfolioProjectInput,
    ) -> Result<PortfolioProject> {
        let id = parse_id("id", &input.id)?;
        let company_id = patch(input.company_id)
            .map(|c| c.map(|id| parse_id("companyId", &id)).transpose())
            .transpose()?;
        let values = ProjectInput {
            title: input.title,
            description: patch(input.description),
            company_id,
            client_name: patch(input.client_name),
            url: patch(input.url),
            start_date: patch(input.start_date).map(|d| d.map(|d| d.0)),
            end_date: patch(input.end_date).map(|d| d.map(|d| d.0)),
            skill_ids: input.skill_ids.map(|s| ids("skillIds", &s)).transpose()?,
            internal: input.internal,
        };
        let uow = ctx.unit_of_work().await?;
        let done = portfolio::update(&uow, id, values).await;
        uow.finish(done).await.map(PortfolioProject)
    }

    /// Removes a portfolio project; returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::PortfolioWrite)",
        visible = "visibility::portfolio_write"
    )]
    async fn delete_portfolio_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = portfolio::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }
}
