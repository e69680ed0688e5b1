//! Companies over GraphQL.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use chrono::{DateTime, Utc};
use entity::company;

use super::enums::TenderStatus;
use super::tender::Tender;
use crate::auth::{Permission, PermissionGuard, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::pagination::{
    self, ConnectionFields, Order, OrderDirection, PageArgs, PageQuery,
};
use crate::graphql::patch::patch;
use crate::talent::companies::{self, CompanyFilter as Filter, CompanyInput};
use crate::talent::loaders::{TenderPageKey, TenderPageLoader};
use crate::talent::tenders;

/// A client company of the agency.
pub struct Company(pub company::Model);

#[Object]
impl Company {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// `http(s)://` address of the company's site.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The company's tenders, newest first.
    #[graphql(complexity = "pagination::weight(first, None) * child_complexity")]
    async fn tenders(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<Vec<TenderStatus>>,
    ) -> async_graphql::Result<Connection<String, Tender, ConnectionFields>> {
        let mut statuses: Vec<entity::TenderStatus> = status
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        statuses.sort_by_key(|s| format!("{s:?}"));
        statuses.dedup();
        let want_total = pagination::wants_total(ctx);
        if after.is_some() {
            let filter = tenders::TenderFilter {
                company_id: Some(self.0.id),
                status: Some(statuses),
                ..tenders::TenderFilter::default()
            };
            return Ok(pagination::paginate(
                &ctx.state()?.db,
                tenders::list(ctx.principal()?, filter)?,
                entity::tender::Column::Id,
                |t| t.id,
                Order::Id { descending: true },
                PageQuery {
                    args: PageArgs {
                        first,
                        after,
                        ..PageArgs::default()
                    },
                    want_total,
                },
                Tender,
            )
            .await?);
        }
        let limit = pagination::first_page_size(first)?;
        let loader = crate::graphql::context::loader::<TenderPageLoader>(ctx)?;
        let page = loader
            .load_one(TenderPageKey {
                company_id: self.0.id,
                limit,
                statuses,
                want_total,
            })
            .await?
            .unwrap_or_default();
        Ok(pagination::connection_of(
            page.rows.into_iter().map(|t| (t.id, Tender(t))),
            page.has_next,
            page.total,
        ))
    }
}

#[derive(InputObject)]
pub struct CreateCompanyInput {
    pub name: String,
    pub description: Option<String>,
    /// `http(s)://…`
    pub website: Option<String>,
    pub address: Option<String>,
}

/// Changes to a company: omitted fields stay as they are, `null` clears them.
#[derive(InputObject)]
pub struct UpdateCompanyInput {
    pub id: ID,
    pub name: Option<String>,
    pub description: MaybeUndefined<String>,
    pub website: MaybeUndefined<String>,
    pub address: MaybeUndefined<String>,
}

#[derive(InputObject)]
pub struct DeleteCompanyInput {
    pub id: ID,
    /// Also delete the company's tenders (with their matches) and collaborations; without it,
    /// a company that has tenders is not deleted (`CONFLICT`).
    #[graphql(default = false)]
    pub cascade: bool,
}

/// Filters of `companies`.
#[derive(InputObject, Default)]
pub struct CompanyFilter {
    /// Part of the name, case-insensitive.
    pub text: Option<String>,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CompanyOrderField {
    #[default]
    Name,
    CreatedAt,
}

#[derive(InputObject, Default)]
pub struct CompanyOrder {
    #[graphql(default)]
    pub field: CompanyOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl CompanyOrder {
    fn order(&self) -> Order<company::Column> {
        let descending = self.direction == OrderDirection::Desc;
        match self.field {
            CompanyOrderField::Name => Order::Column {
                column: company::Column::Name,
                descending,
            },
            CompanyOrderField::CreatedAt => Order::Id { descending },
        }
    }
}

#[derive(Default)]
pub struct CompanyQuery;

#[Object]
impl CompanyQuery {
    /// One company.
    #[graphql(
        guard = "PermissionGuard(Permission::CompanyRead)",
        visible = "visibility::company_read"
    )]
    async fn company(&self, ctx: &Context<'_>, id: ID) -> Result<Company> {
        let id = parse_id("id", &id)?;
        companies::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Company)
    }

    /// The client companies (by name unless `orderBy` says otherwise).
    #[graphql(
        guard = "PermissionGuard(Permission::CompanyRead)",
        visible = "visibility::company_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<CompanyFilter>,
        order_by: Option<CompanyOrder>,
    ) -> Result<Connection<String, Company, ConnectionFields>> {
        let p = ctx.principal()?;
        let select = companies::list(
            p,
            Filter {
                text: filter.unwrap_or_default().text,
            },
        )?;
        pagination::paginate(
            &ctx.state()?.db,
            select,
            company::Column::Id,
            |c| c.id,
            order_by.unwrap_or_default().order(),
            PageQuery::new(ctx, first, after, last, before),
            Company,
        )
        .await
    }
}

#[derive(Default)]
pub struct CompanyMutation;

#[Object]
impl CompanyMutation {
    /// Adds a client company.
    #[graphql(
        guard = "PermissionGuard(Permission::CompanyWrite)",
        visible = "visibility::company_write"
    )]
    async fn create_company(
        &self,
        ctx: &Context<'_>,
        input: CreateCompanyInput,
    ) -> Result<Company> {
        companies::create(
            ctx.state()?,
            ctx.principal()?,
            &ctx.request_meta(),
            CompanyInput {
                name: Some(input.name),
                description: Some(input.description),
                website: Some(input.website),
                address: Some(input.address),
            },
        )
        .await
        .map(Company)
    }

    /// Changes a client company.
    #[graphql(
        guard = "PermissionGuard(Permission::CompanyWrite)",
        visible = "visibility::company_write"
    )]
    async fn update_company(
        &self,
        ctx: &Context<'_>,
        input: UpdateCompanyInput,
    ) -> Result<Company> {
        let id = parse_id("id", &input.id)?;
        companies::update(
            ctx.state()?,
            ctx.principal()?,
            &ctx.request_meta(),
            id,
            CompanyInput {
                name: input.name,
                description: patch(input.description),
                website: patch(input.website),
                address: patch(input.address),
            },
        )
        .await
        .map(Company)
    }

    /// Deletes a client company; returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::CompanyWrite)",
        visible = "visibility::company_write"
    )]
    async fn delete_company(&self, ctx: &Context<'_>, input: DeleteCompanyInput) -> Result<ID> {
        let id = parse_id("id", &input.id)?;
        companies::delete(
            ctx.state()?,
            ctx.principal()?,
            &ctx.request_meta(),
            id,
            input.cascade,
        )
        .await
        .map(|id| ID(id.to_string()))
    }
}
