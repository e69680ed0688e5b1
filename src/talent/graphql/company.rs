//! Companies over GraphQL.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use entity::company;

use super::enums::TenderStatus;
use super::tender::Tender;
use crate::auth::{Permission, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::pagination::{
    self, ConnectionFields, Order, OrderDirection, PageArgs, PageQuery,
};
use crate::graphql::patch::patch;
use crate::graphql::scalars::DateTime;
use crate::talent::companies::{self, CompanyFilter as Filter, CompanyInput};
use crate::talent::loaders::{TenderPageKey, TenderPageLoader};
use crate::talent::tenders;

pub struct Company(pub company::Model);

/// A client company of the agency.
// `serial`: no two fields wait on the database (see `crate::graphql`).
#[Object(serial)]
impl Company {
    /// The company's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// The company's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What the company does, in its own words.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// `http(s)://` address of the company's site.
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// Postal address.
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }
    /// When the company was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When the company last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
    /// The company's tenders, newest first.
    #[graphql(complexity = "pagination::weight(first, None) * child_complexity")]
    async fn tenders(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Returns the first n items (0 to 100; 20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Returns the items after this cursor (an edge's cursor, or pageInfo.endCursor)."
        )]
        after: Option<String>,
        #[graphql(desc = "Only tenders in one of these statuses.")] status: Option<
            Vec<TenderStatus>,
        >,
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
            return Ok(Box::pin(pagination::paginate(
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
                Tender::from,
            ))
            .await?);
        }
        let limit = pagination::first_page_size(first)?;
        let loader = crate::graphql::context::loader::<TenderPageLoader>(ctx)?;
        let page = Box::pin(loader.load_one(TenderPageKey {
            company_id: self.0.id,
            limit,
            statuses,
            want_total,
        }))
        .await?
        .unwrap_or_default();
        Ok(pagination::connection_of(
            page.rows.into_iter().map(|t| (t.id, Tender::from(t))),
            page.has_next,
            page.total,
        ))
    }
}

/// A new client company.
#[derive(InputObject)]
pub struct CreateCompanyInput {
    /// The company's name (at most 200 characters).
    pub name: String,
    /// What the company does.
    pub description: Option<String>,
    /// `http(s)://…`
    pub website: Option<String>,
    /// Postal address.
    pub address: Option<String>,
}

/// Changes to a company: omitted fields stay as they are, `null` clears them.
#[derive(InputObject)]
pub struct UpdateCompanyInput {
    /// The company.
    pub id: ID,
    /// The new name.
    pub name: Option<String>,
    /// The new description; `null` clears it.
    pub description: MaybeUndefined<String>,
    /// The new `http(s)://…` address; `null` clears it.
    pub website: MaybeUndefined<String>,
    /// The new postal address; `null` clears it.
    pub address: MaybeUndefined<String>,
}

/// A company to delete.
#[derive(InputObject)]
pub struct DeleteCompanyInput {
    /// The company.
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

/// What a list of companies can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CompanyOrderField {
    /// Name, alphabetically. The default.
    #[default]
    Name,
    /// Creation order (ids are time-ordered UUIDs).
    CreatedAt,
}

/// How a list of companies is sorted (ties broken by creation order).
#[derive(InputObject, Default)]
pub struct CompanyOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: CompanyOrderField,
    /// Ascending or descending.
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
    async fn company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company's id.")] id: ID,
    ) -> Result<Company> {
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
        #[graphql(
            desc = "Returns the first n items (0 to 100; 20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Returns the items after this cursor (an edge's cursor, or pageInfo.endCursor)."
        )]
        after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100); not with first.")] last: Option<i32>,
        #[graphql(
            desc = "Returns the items before this cursor (an edge's cursor, or pageInfo.startCursor)."
        )]
        before: Option<String>,
        #[graphql(desc = "Only the items matching every condition given.")] filter: Option<
            CompanyFilter,
        >,
        #[graphql(desc = "The order of the list; omitted, the default named on the input type.")]
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
        #[graphql(desc = "The new company.")] input: CreateCompanyInput,
    ) -> Result<Company> {
        let uow = ctx.unit_of_work().await?;
        let done = companies::create(
            &uow,
            CompanyInput {
                name: Some(input.name),
                description: Some(input.description),
                website: Some(input.website),
                address: Some(input.address),
            },
        )
        .await;
        uow.finish(done).await.map(Company)
    }

    /// Changes a client company.
    #[graphql(
        guard = "PermissionGuard(Permission::CompanyWrite)",
        visible = "visibility::company_write"
    )]
    async fn update_company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company and the changes (omitted fields stay as they are).")]
        input: UpdateCompanyInput,
    ) -> Result<Company> {
        let id = parse_id("id", &input.id)?;
        let uow = ctx.unit_of_work().await?;
        let done = companies::update(
            &uow,
            id,
            CompanyInput {
                name: input.name,
                description: patch(input.description),
                website: patch(input.website),
                address: patch(input.address),
            },
        )
        .await;
        uow.finish(done).await.map(Company)
    }

    /// Deletes a client company; returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::CompanyWrite)",
        visible = "visibility::company_write"
    )]
    async fn delete_company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company, and whether to delete its tenders too.")]
        input: DeleteCompanyInput,
    ) -> Result<ID> {
        let id = parse_id("id", &input.id)?;
        let uow = ctx.unit_of_work().await?;
        let done = companies::delete(&uow, id, input.cascade).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }
}
