//! Tenders over GraphQL.

use async_graphql::connection::Connection;
use async_graphql::resolver_utils::enum_value;
use async_graphql::{
    Context, Enum, ID, InputObject, MaybeUndefined, MergedObject, Object, SimpleObject, Value,
};
use entity::{tender, tender_skill};

use super::company::Company;
use super::enums::{SkillImportance, SkillLevel, TenderStatus};
use super::skill::Skill;
use uuid::Uuid;

use crate::auth::{Permission, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt as _, load_related, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::pagination::{self, ConnectionFields, Order, OrderDirection, PageQuery};
use crate::graphql::patch::patch;
use crate::graphql::plain::{Nested, Plain, PlainObject};
use crate::graphql::scalars::Date;
use crate::graphql::scalars::DateTime;
use crate::graphql::scalars::Decimal;
use crate::talent::inputs::to_decimal;
use crate::talent::loaders::{CompanyLoader, TenderSkillsLoader};
use crate::talent::tenders::{
    self, RequiredSkill, TenderFilter as Filter, TenderInput, Transition,
};

/// A mission request of a client company.
#[derive(MergedObject)]
pub struct Tender(pub TenderFields, pub TenderMatches);

impl From<tender::Model> for Tender {
    fn from(model: tender::Model) -> Self {
        let id = model.id;
        Tender(TenderFields(model), TenderMatches(id))
    }
}

/// The tender's own fields.
pub struct TenderFields(pub tender::Model);

/// The tender's `matches`: the matching domain implements this part (`matching::graphql`), so
/// that the talent domain extends its type without naming matching.
pub struct TenderMatches(pub Uuid);

#[Object]
impl TenderFields {
    /// The tender's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// What the mission is, in a line.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// The mission in detail.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// The client company asking.
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        load_related::<CompanyLoader>(ctx, self.0.company_id, "company")
            .await
            .map(Company)
    }
    /// When the mission starts.
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }
    /// When the mission ends.
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    /// Where the mission takes place.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// Whether the mission can be done remotely.
    async fn remote_allowed(&self) -> bool {
        self.0.remote_allowed
    }
    /// Lowest daily rate the client considers.
    async fn budget_min(&self) -> Option<Decimal> {
        self.0.budget_min_cents.map(|c| Decimal(to_decimal(c)))
    }
    /// Highest daily rate the client considers.
    async fn budget_max(&self) -> Option<Decimal> {
        self.0.budget_max_cents.map(|c| Decimal(to_decimal(c)))
    }
    /// Where the tender is in its life cycle.
    async fn status(&self) -> TenderStatus {
        self.0.status.into()
    }
    /// The skills the mission asks for.
    async fn required_skills(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Plain<TenderSkill>>> {
        let loader = crate::graphql::context::loader::<TenderSkillsLoader>(ctx)?;
        Ok(Box::pin(loader.load_one(self.0.id))
            .await?
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| Plain(TenderSkill(e.clone())))
                    .collect()
            })
            .unwrap_or_default())
    }
    /// When the tender was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When the tender last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

pub struct TenderSkill(crate::talent::loaders::WithSkill<tender_skill::Model>);

/// A skill a tender asks for.
// `serial`: no two fields wait on the database (see `crate::graphql`).
#[Object(serial)]
impl TenderSkill {
    /// The skill of the catalogue.
    async fn skill(&self) -> Skill {
        Skill(self.0.1.clone())
    }
    /// How much the tender needs it.
    async fn importance(&self) -> SkillImportance {
        self.0.0.importance.into()
    }
    /// The lowest level that fully meets it.
    async fn min_level(&self) -> SkillLevel {
        self.0.0.min_level.into()
    }
}

impl PlainObject for TenderSkill {
    // The fields of the `#[Object]` above, as values.
    fn field(&self, name: &str, nested: Nested<'_>) -> Option<async_graphql::ServerResult<Value>> {
        Some(match name {
            "skill" => nested.object(&Skill(self.0.1.clone())),
            "importance" => Ok(enum_value(SkillImportance::from(self.0.0.importance))),
            "minLevel" => Ok(enum_value(SkillLevel::from(self.0.0.min_level))),
            _ => return None,
        })
    }
}

/// A new tender (created as DRAFT).
#[derive(InputObject)]
pub struct CreateTenderInput {
    /// The client company asking.
    pub company_id: ID,
    /// What the mission is, in a line (at most 200 characters).
    pub title: String,
    /// The mission in detail.
    pub description: Option<String>,
    /// When the mission starts.
    pub start_date: Option<Date>,
    /// Not before `startDate`.
    pub end_date: Option<Date>,
    /// Where the mission takes place.
    pub location: Option<String>,
    /// Whether the mission can be done remotely (no unless given).
    #[graphql(default)]
    pub remote_allowed: bool,
    /// The lowest daily rate considered.
    pub budget_min: Option<Decimal>,
    /// Not below `budgetMin`.
    pub budget_max: Option<Decimal>,
}

/// Changes to a tender: omitted fields stay as they are, `null` clears them.
#[derive(InputObject)]
pub struct UpdateTenderInput {
    /// The tender (not CLOSED or CANCELLED).
    pub id: ID,
    /// Another company of the organisation (only while the tender has no matches).
    pub company_id: Option<ID>,
    /// The new title.
    pub title: Option<String>,
    /// The new description; `null` clears it.
    pub description: MaybeUndefined<String>,
    /// The new start; `null` clears it.
    pub start_date: MaybeUndefined<Date>,
    /// The new end, not before the start; `null` clears it.
    pub end_date: MaybeUndefined<Date>,
    /// The new location; `null` clears it.
    pub location: MaybeUndefined<String>,
    /// Whether the mission can be done remotely.
    pub remote_allowed: Option<bool>,
    /// The new lowest daily rate; `null` clears it.
    pub budget_min: MaybeUndefined<Decimal>,
    /// The new highest daily rate, not below the lowest; `null` clears it.
    pub budget_max: MaybeUndefined<Decimal>,
}

/// One skill a tender asks for.
#[derive(InputObject)]
pub struct TenderSkillInput {
    /// A skill of the catalogue.
    pub skill_id: ID,
    /// How much the tender needs it (REQUIRED unless given).
    #[graphql(default_with = "SkillImportance::Required")]
    pub importance: SkillImportance,
    /// The lowest level that fully meets it (INTERMEDIATE unless given).
    #[graphql(default_with = "SkillLevel::Intermediate")]
    pub min_level: SkillLevel,
}

/// A tender's complete set of required skills.
#[derive(InputObject)]
pub struct SetTenderSkillsInput {
    /// The tender (not CLOSED or CANCELLED).
    pub tender_id: ID,
    /// The complete set: skills not listed are removed.
    pub skills: Vec<TenderSkillInput>,
}

/// Filters of `tenders`.
#[derive(InputObject, Default)]
pub struct TenderFilter {
    /// Any of these statuses.
    pub status: Option<Vec<TenderStatus>>,
    /// Tenders of this company.
    pub company_id: Option<ID>,
    /// Tenders asking for this skill.
    pub skill_id: Option<ID>,
    /// Starting on or after this date.
    pub start_from: Option<Date>,
    /// Starting on or before this date.
    pub start_to: Option<Date>,
    /// Part of the title, case-insensitive.
    pub text: Option<String>,
}

/// What a list of tenders can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum TenderOrderField {
    /// Creation order (ids are time-ordered UUIDs). The default.
    #[default]
    CreatedAt,
    /// Title, alphabetically.
    Title,
}

/// How a list of tenders is sorted (ties broken by creation order).
#[derive(InputObject)]
pub struct TenderOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: TenderOrderField,
    /// Ascending or descending.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl TenderOrder {
    fn order(order: Option<&TenderOrder>) -> Order<tender::Column> {
        let Some(order) = order else {
            return Order::Id { descending: true };
        };
        let descending = order.direction == OrderDirection::Desc;
        match order.field {
            TenderOrderField::Title => Order::Column {
                column: tender::Column::Title,
                descending,
            },
            TenderOrderField::CreatedAt => Order::Id { descending },
        }
    }
}

fn filter_spec(filter: TenderFilter) -> Result<Filter> {
    Ok(Filter {
        status: filter
            .status
            .map(|s| s.into_iter().map(Into::into).collect()),
        company_id: filter
            .company_id
            .as_ref()
            .map(|id| parse_id("filter.companyId", id))
            .transpose()?,
        skill_id: filter
            .skill_id
            .as_ref()
            .map(|id| parse_id("filter.skillId", id))
            .transpose()?,
        start_from: filter.start_from.map(|d| d.0),
        start_to: filter.start_to.map(|d| d.0),
        text: filter.text,
    })
}

#[derive(Default)]
pub struct TenderQuery;

#[Object]
impl TenderQuery {
    /// One tender.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderRead)",
        visible = "visibility::tender_read"
    )]
    async fn tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender's id.")] id: ID,
    ) -> Result<Tender> {
        let id = parse_id("id", &id)?;
        tenders::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Tender::from)
    }

    /// Tenders (newest first unless `orderBy` says otherwise).
    #[graphql(
        guard = "PermissionGuard(Permission::TenderRead)",
        visible = "visibility::tender_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
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
        #[graphql(desc = "Returns the last n items (0 to 100); not with first.")] last: Option<i32>,
        #[graphql(
            desc = "Returns the items before this cursor (an edge's cursor, or pageInfo.startCursor)."
        )]
        before: Option<String>,
        #[graphql(desc = "Only the items matching every condition given.")] filter: Option<
            TenderFilter,
        >,
        #[graphql(desc = "The order of the list; omitted, the default named on the input type.")]
        order_by: Option<TenderOrder>,
    ) -> Result<Connection<String, Tender, ConnectionFields>> {
        let select = tenders::list(ctx.principal()?, filter_spec(filter.unwrap_or_default())?)?;
        pagination::paginate(
            &ctx.state()?.db,
            select,
            tender::Column::Id,
            |t| t.id,
            TenderOrder::order(order_by.as_ref()),
            PageQuery::new(ctx, first, after, last, before),
            Tender::from,
        )
        .await
    }

    /// How many tenders are in each status, counting those the caller may see (a CLIENT its
    /// company's, a CONSULTANT the open ones and its own): every status, zeros included.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderRead)",
        visible = "visibility::tender_read"
    )]
    async fn tender_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this company's tenders.")] company_id: Option<ID>,
    ) -> Result<Vec<TenderStatusCount>> {
        let company_id = company_id
            .as_ref()
            .map(|id| parse_id("companyId", id))
            .transpose()?;
        let counts = tenders::count_by_status(ctx.state()?, ctx.principal()?, company_id).await?;
        Ok(counts
            .into_iter()
            .map(|(status, n)| TenderStatusCount {
                status: status.into(),
                count: crate::graphql::scalars::count_int(n),
            })
            .collect())
    }
}

async fn transition(ctx: &Context<'_>, id: ID, to: Transition) -> Result<Tender> {
    let id = parse_id("id", &id)?;
    let uow = ctx.unit_of_work().await?;
    let done = tenders::transition(&uow, id, to).await;
    uow.finish(done).await.map(Tender::from)
}

/// How many tenders are in one status.
#[derive(SimpleObject)]
pub struct TenderStatusCount {
    /// The status.
    pub status: TenderStatus,
    /// How many of the tenders the caller may see are in it.
    pub count: i32,
}

#[derive(Default)]
pub struct TenderMutation;

#[Object]
impl TenderMutation {
    /// Creates a DRAFT tender for a client company.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn create_tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new tender.")] input: CreateTenderInput,
    ) -> Result<Tender> {
        let company_id = parse_id("companyId", &input.company_id)?;
        let uow = ctx.unit_of_work().await?;
        let done = tenders::create(
            &uow,
            TenderInput {
                company_id: Some(company_id),
                title: Some(input.title),
                description: Some(input.description),
                start_date: Some(input.start_date.map(|d| d.0)),
                end_date: Some(input.end_date.map(|d| d.0)),
                location: Some(input.location),
                remote_allowed: Some(input.remote_allowed),
                budget_min: Some(input.budget_min.map(|d| d.0)),
                budget_max: Some(input.budget_max.map(|d| d.0)),
            },
        )
        .await;
        uow.finish(done).await.map(Tender::from)
    }

    /// Changes a tender (not once it is CLOSED or CANCELLED).
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn update_tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender and the changes (omitted fields stay as they are).")]
        input: UpdateTenderInput,
    ) -> Result<Tender> {
        let id = parse_id("id", &input.id)?;
        let company_id = input
            .company_id
            .as_ref()
            .map(|c| parse_id("companyId", c))
            .transpose()?;
        let uow = ctx.unit_of_work().await?;
        let done = tenders::update(
            &uow,
            id,
            TenderInput {
                company_id,
                title: input.title,
                description: patch(input.description),
                start_date: patch(input.start_date).map(|d| d.map(|d| d.0)),
                end_date: patch(input.end_date).map(|d| d.map(|d| d.0)),
                location: patch(input.location),
                remote_allowed: input.remote_allowed,
                budget_min: patch(input.budget_min).map(|d| d.map(|d| d.0)),
                budget_max: patch(input.budget_max).map(|d| d.map(|d| d.0)),
            },
        )
        .await;
        uow.finish(done).await.map(Tender::from)
    }

    /// Replaces a tender's required skills.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn set_tender_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender and the complete set of its required skills.")]
        input: SetTenderSkillsInput,
    ) -> Result<Tender> {
        let id = parse_id("tenderId", &input.tender_id)?;
        let skills = input
            .skills
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(RequiredSkill {
                    skill_id: parse_id(&format!("skills[{i}].skillId"), &s.skill_id)?,
                    importance: s.importance.into(),
                    min_level: s.min_level.into(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let uow = ctx.unit_of_work().await?;
        let done = tenders::set_skills(&uow, id, skills).await;
        uow.finish(done).await.map(Tender::from)
    }

    /// Deletes a tender and its matches (refused once a collaboration came of it); returns the id.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn delete_tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = tenders::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }

    /// DRAFT → OPEN: consultants can see it and matching may start.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn publish_tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender's id.")] id: ID,
    ) -> Result<Tender> {
        transition(ctx, id, Transition::Publish).await
    }

    /// OPEN → IN_PROGRESS: the mission has started.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn start_tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender's id.")] id: ID,
    ) -> Result<Tender> {
        transition(ctx, id, Transition::Start).await
    }

    /// OPEN or IN_PROGRESS → CLOSED.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn close_tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender's id.")] id: ID,
    ) -> Result<Tender> {
        transition(ctx, id, Transition::Close).await
    }

    /// DRAFT, OPEN or IN_PROGRESS → CANCELLED.
    #[graphql(
        guard = "PermissionGuard(Permission::TenderWrite)",
        visible = "visibility::tender_write"
    )]
    async fn cancel_tender(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender's id.")] id: ID,
    ) -> Result<Tender> {
        transition(ctx, id, Transition::Cancel).await
    }
}
