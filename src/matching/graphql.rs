//! Matches and collaborations over GraphQL.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use entity::{collaboration, tender_match};

use super::collaborations::{self, CollaborationFilter as CFilter, CollaborationInput};
use super::enums::{CollaborationStatus, MatchStatus};
use super::loaders::{
    CollaborationByMatchLoader, MatchPageKey, MatchPageLoader, MatchParent, PageFilter,
};
use super::matches::{self, Decision, MatchFilter as Filter};
use super::score_view::ScoreView;
use crate::auth::{Permission, visibility};
use crate::error::{AppError, Result};
use crate::graphql::context::{ContextExt as _, load_related, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::guard::field_allowed;
use crate::graphql::pagination::{
    self, ConnectionFields, Order, OrderDirection, PageArgs, PageQuery,
};
use crate::graphql::patch::patch;
use crate::graphql::scalars::Date;
use crate::graphql::scalars::DateTime;
use crate::graphql::scalars::Decimal;
use crate::talent::graphql::company::Company;
use crate::talent::graphql::consultant::{Consultant, ConsultantMatches};
use crate::talent::graphql::tender::{Tender, TenderMatches};
use crate::talent::inputs::to_decimal;
use crate::talent::loaders::{CompanyLoader, TenderLoader};

/// How many matches are in one status.
#[derive(SimpleObject)]
pub struct MatchStatusCount {
    /// The status.
    pub status: MatchStatus,
    /// How many of the matches the caller may see are in it.
    pub count: i32,
}

/// The components of a match score, each in 0..1.
#[derive(SimpleObject, Default)]
pub struct MatchBreakdown {
    /// Weighted coverage of the required skills (importance × level, years as tie-breaker).
    pub skills: f64,
    /// Availability against the tender's start.
    pub availability: f64,
    /// Daily rate against the budget; `null` for readers who may not see rates
    /// (`consultant.rate:read`), whose score leaves the rate out.
    pub rate: Option<f64>,
    /// Location and remote fit.
    pub location: f64,
    /// Years of experience, overall and in the tender's skills.
    pub experience: f64,
    /// Likeness of the tender's text to the consultant's portfolio projects and résumés (by
    /// sentence embeddings); `null` when it could not be measured (no embedding model, or
    /// nothing to compare yet), and then left out of the score.
    pub similar_experience: Option<f64>,
}

pub struct Match(pub tender_match::Model);

/// A scored pairing of a tender and a consultant.
#[Object]
impl Match {
    /// The match's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// 0..1, higher is better. For readers who may not see rates (`consultant.rate:read`) the
    /// daily rate is left out of it, so that it cannot be worked back from the budget.
    async fn score(&self, ctx: &Context<'_>) -> Result<f64> {
        Ok(ScoreView::of(ctx.principal()?).score(&self.0))
    }
    /// The components of the score (the rate is `null` where the score leaves it out).
    async fn breakdown(&self, ctx: &Context<'_>) -> Result<MatchBreakdown> {
        let b = ScoreView::of(ctx.principal()?).breakdown(&self.0)?;
        Ok(MatchBreakdown {
            skills: b.skills,
            availability: b.availability,
            rate: b.rate,
            location: b.location,
            experience: b.experience,
            similar_experience: b.similar_experience,
        })
    }
    /// Why the score is what it is, in plain words (without the rate's, where the score leaves
    /// it out).
    async fn reasons(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        ScoreView::of(ctx.principal()?).reasons(&self.0)
    }
    /// Where the match is in its life cycle.
    async fn status(&self) -> MatchStatus {
        self.0.status.into()
    }
    /// The agency's internal notes (`internal_notes:read`).
    #[graphql(visible = "visibility::internal_notes_read")]
    async fn notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let allowed = ctx.principal()?.can(Permission::InternalNotesRead);
        if !field_allowed(ctx, Permission::InternalNotesRead, allowed).await? {
            return Ok(None);
        }
        Ok(self.0.notes.as_deref())
    }
    /// Why the client rejected the proposal, if they said.
    async fn rejection_reason(&self) -> Option<&str> {
        self.0.rejection_reason.as_deref()
    }
    /// The tender.
    async fn tender(&self, ctx: &Context<'_>) -> async_graphql::Result<Tender> {
        load_related::<TenderLoader>(ctx, self.0.tender_id, "tender")
            .await
            .map(Tender::from)
    }
    /// The consultant.
    async fn consultant(&self, ctx: &Context<'_>) -> async_graphql::Result<Consultant> {
        Consultant::related(ctx, self.0.consultant_id).await
    }
    /// The collaboration that followed, once accepted.
    async fn collaboration(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Collaboration>> {
        let loader = crate::graphql::context::loader::<CollaborationByMatchLoader>(ctx)?;
        Ok(Box::pin(loader.load_one(self.0.id))
            .await?
            .map(Collaboration))
    }
    /// When it was proposed to the client, if it was.
    async fn proposed_at(&self) -> Option<DateTime> {
        self.0.proposed_at.map(DateTime)
    }
    /// When the client accepted or rejected it, if they did.
    async fn decided_at(&self) -> Option<DateTime> {
        self.0.decided_at.map(DateTime)
    }
    /// When the match was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

pub struct Collaboration(pub collaboration::Model);

/// A mission that followed an accepted match.
#[Object]
impl Collaboration {
    /// The collaboration's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// Where the collaboration is in its life cycle.
    async fn status(&self) -> CollaborationStatus {
        self.0.status.into()
    }
    /// When the mission starts (the tender's start unless changed).
    async fn start_date(&self) -> Option<Date> {
        self.0.start_date.map(Date)
    }
    /// When the mission ends (the tender's end unless changed).
    async fn end_date(&self) -> Option<Date> {
        self.0.end_date.map(Date)
    }
    /// The agreed daily rate (`consultant.rate:read`, or the consultant themself).
    #[graphql(visible = "crate::talent::graphql::consultant::rate_visible")]
    async fn daily_rate(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Decimal>> {
        let p = ctx.principal()?;
        let allowed =
            p.can(Permission::ConsultantRateRead) || p.consultant_id == Some(self.0.consultant_id);
        if !field_allowed(ctx, Permission::ConsultantRateRead, allowed).await? {
            return Ok(None);
        }
        Ok(self.0.daily_rate_cents.map(|c| Decimal(to_decimal(c))))
    }
    /// The tender it fulfils.
    async fn tender(&self, ctx: &Context<'_>) -> async_graphql::Result<Tender> {
        load_related::<TenderLoader>(ctx, self.0.tender_id, "tender")
            .await
            .map(Tender::from)
    }
    /// The consultant on the mission.
    async fn consultant(&self, ctx: &Context<'_>) -> async_graphql::Result<Consultant> {
        Consultant::related(ctx, self.0.consultant_id).await
    }
    /// The client company.
    async fn company(&self, ctx: &Context<'_>) -> async_graphql::Result<Company> {
        load_related::<CompanyLoader>(ctx, self.0.company_id, "company")
            .await
            .map(Company)
    }
    /// When the collaboration was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When the collaboration last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

/// Filters of `matches` and of the `matches` of a tender or consultant.
#[derive(InputObject, Default)]
pub struct MatchFilter {
    /// Matches on this tender.
    pub tender_id: Option<ID>,
    /// Matches of this consultant.
    pub consultant_id: Option<ID>,
    /// Any of these statuses.
    pub status: Option<Vec<MatchStatus>>,
    /// Scores at or above this (0..1), the score as the reader sees it.
    pub min_score: Option<f64>,
}

/// What a list of matches can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum MatchOrderField {
    /// Score (as the reader sees it: without the rate for those who may not see rates). The default.
    #[default]
    Score,
    /// Creation order (ids are time-ordered UUIDs).
    CreatedAt,
}

/// How a list of matches is sorted (ties broken by creation order).
#[derive(InputObject)]
pub struct MatchOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: MatchOrderField,
    /// Ascending or descending.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl MatchOrder {
    /// The order of a list; `SCORE` sorts by the score `view` shows.
    fn order(order: Option<&MatchOrder>, view: ScoreView) -> Order<tender_match::Column> {
        let (field, descending) = order.map_or((MatchOrderField::Score, true), |o| {
            (o.field, o.direction == OrderDirection::Desc)
        });
        match field {
            MatchOrderField::Score => Order::Column {
                column: view.column(),
                descending,
            },
            MatchOrderField::CreatedAt => Order::Id { descending },
        }
    }
}

fn filter_spec(filter: &MatchFilter) -> Result<Filter> {
    Ok(Filter {
        tender_id: filter
            .tender_id
            .as_ref()
            .map(|id| parse_id("filter.tenderId", id))
            .transpose()?,
        consultant_id: filter
            .consultant_id
            .as_ref()
            .map(|id| parse_id("filter.consultantId", id))
            .transpose()?,
        status: filter
            .status
            .clone()
            .map(|s| s.into_iter().map(Into::into).collect()),
        min_score: match filter.min_score {
            Some(s) if !(0.0..=1.0).contains(&s) => {
                return Err(AppError::invalid(
                    "filter.minScore",
                    "must be between 0 and 1",
                ));
            }
            other => other,
        },
    })
}

/// The `matches` connection of a tender or consultant: batched across parents for a first page,
/// paged one parent at a time after a cursor.
pub async fn matches_of(
    ctx: &Context<'_>,
    parent: MatchParent,
    first: Option<i32>,
    after: Option<String>,
    filter: Option<MatchFilter>,
) -> async_graphql::Result<Connection<String, Match, ConnectionFields>> {
    let filter = filter.unwrap_or_default();
    let spec = filter_spec(&filter)?;
    let want_total = pagination::wants_total(ctx);
    if after.is_some() {
        let p = ctx.principal()?;
        let mut select = matches::list(p, &spec)?;
        select = sea_orm::QueryFilter::filter(
            select,
            sea_orm::ColumnTrait::eq(&parent.column(), parent.id()),
        );
        return Ok(pagination::paginate(
            &ctx.state()?.db,
            select,
            tender_match::Column::Id,
            |m| m.id,
            MatchOrder::order(None, ScoreView::of(p)),
            PageQuery {
                args: PageArgs {
                    first,
                    after,
                    ..PageArgs::default()
                },
                want_total,
            },
            Match,
        )
        .await?);
    }
    let limit = pagination::first_page_size(first)?;
    let loader = crate::graphql::context::loader::<MatchPageLoader>(ctx)?;
    let key = MatchPageKey {
        parent,
        limit,
        filter: PageFilter::new(&spec),
        want_total,
    };
    let page = loader.load_one(key).await?.unwrap_or_default();
    Ok(pagination::connection_of(
        page.rows.into_iter().map(|m| (m.id, Match(m))),
        page.has_next,
        page.total,
    ))
}

/// What a list of collaborations can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CollaborationOrderField {
    /// Creation order (ids are time-ordered UUIDs). The default.
    #[default]
    CreatedAt,
    /// Time of the last change.
    UpdatedAt,
}

/// How a list of collaborations is sorted (ties broken by creation order).
#[derive(InputObject)]
pub struct CollaborationOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: CollaborationOrderField,
    /// Ascending or descending.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

impl CollaborationOrder {
    fn order(order: Option<&CollaborationOrder>) -> Order<collaboration::Column> {
        let Some(order) = order else {
            return Order::Id { descending: true };
        };
        let descending = order.direction == OrderDirection::Desc;
        match order.field {
            CollaborationOrderField::CreatedAt => Order::Id { descending },
            CollaborationOrderField::UpdatedAt => Order::Column {
                column: collaboration::Column::UpdatedAt,
                descending,
            },
        }
    }
}

/// Filters of `collaborations`.
#[derive(InputObject, Default)]
pub struct CollaborationFilter {
    /// Any of these statuses.
    pub status: Option<Vec<CollaborationStatus>>,
    /// Collaborations of this consultant.
    pub consultant_id: Option<ID>,
    /// Collaborations with this company.
    pub company_id: Option<ID>,
    /// Collaborations on this tender.
    pub tender_id: Option<ID>,
}

#[derive(Default)]
pub struct MatchQuery;

#[Object]
impl MatchQuery {
    /// How many matches are in each status — the funnel PENDING → PROPOSED → ACCEPTED (then
    /// REJECTED, CANCELLED) — counting those the caller may see (a CLIENT's start at PROPOSED):
    /// of one tender, or of one company's tenders, or all.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchRead)",
        visible = "visibility::match_read"
    )]
    async fn match_funnel(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this tender's matches.")] tender_id: Option<ID>,
        #[graphql(desc = "Only the matches of this company's tenders.")] company_id: Option<ID>,
    ) -> Result<Vec<MatchStatusCount>> {
        let tender_id = tender_id
            .as_ref()
            .map(|id| parse_id("tenderId", id))
            .transpose()?;
        let company_id = company_id
            .as_ref()
            .map(|id| parse_id("companyId", id))
            .transpose()?;
        let counts = matches::funnel(ctx.state()?, ctx.principal()?, tender_id, company_id).await?;
        Ok(counts
            .into_iter()
            .map(|(status, n)| MatchStatusCount {
                status: status.into(),
                count: crate::graphql::scalars::count_int(n),
            })
            .collect())
    }
    /// One match.
    #[graphql(
        name = "match",
        guard = "PermissionGuard(Permission::MatchRead)",
        visible = "visibility::match_read"
    )]
    async fn match_(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] id: ID,
    ) -> Result<Match> {
        let id = parse_id("id", &id)?;
        matches::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Match)
    }

    /// Matches (best score first unless `orderBy` says otherwise). CONSULTANT and CLIENT users
    /// see their matches once PROPOSED.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchRead)",
        visible = "visibility::match_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
    async fn matches(
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
            MatchFilter,
        >,
        #[graphql(desc = "The order of the list; omitted, the default named on the input type.")]
        order_by: Option<MatchOrder>,
    ) -> Result<Connection<String, Match, ConnectionFields>> {
        let p = ctx.principal()?;
        let select = matches::list(p, &filter_spec(&filter.unwrap_or_default())?)?;
        pagination::paginate(
            &ctx.state()?.db,
            select,
            tender_match::Column::Id,
            |m| m.id,
            MatchOrder::order(order_by.as_ref(), ScoreView::of(p)),
            PageQuery::new(ctx, first, after, last, before),
            Match,
        )
        .await
    }

    /// One collaboration.
    #[graphql(
        guard = "PermissionGuard(Permission::CollaborationRead)",
        visible = "visibility::collaboration_read"
    )]
    async fn collaboration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The collaboration's id.")] id: ID,
    ) -> Result<Collaboration> {
        let id = parse_id("id", &id)?;
        collaborations::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Collaboration)
    }

    /// Collaborations, newest first.
    #[graphql(
        guard = "PermissionGuard(Permission::CollaborationRead)",
        visible = "visibility::collaboration_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
    async fn collaborations(
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
            CollaborationFilter,
        >,
        #[graphql(desc = "The order of the list; omitted, the default named on the input type.")]
        order_by: Option<CollaborationOrder>,
    ) -> Result<Connection<String, Collaboration, ConnectionFields>> {
        let filter = filter.unwrap_or_default();
        let id = |field: &str, v: &Option<ID>| v.as_ref().map(|id| parse_id(field, id)).transpose();
        let select = collaborations::list(
            ctx.principal()?,
            CFilter {
                status: filter
                    .status
                    .map(|s| s.into_iter().map(Into::into).collect()),
                consultant_id: id("filter.consultantId", &filter.consultant_id)?,
                company_id: id("filter.companyId", &filter.company_id)?,
                tender_id: id("filter.tenderId", &filter.tender_id)?,
            },
        );
        pagination::paginate(
            &ctx.state()?.db,
            select,
            collaboration::Column::Id,
            |c| c.id,
            CollaborationOrder::order(order_by.as_ref()),
            PageQuery::new(ctx, first, after, last, before),
            Collaboration,
        )
        .await
    }
}

/// A match made by hand.
#[derive(InputObject)]
pub struct CreateMatchInput {
    /// A tender that is not CLOSED or CANCELLED.
    pub tender_id: ID,
    /// A consultant not yet matched to it.
    pub consultant_id: ID,
    /// Internal notes.
    pub notes: Option<String>,
}

/// Changes to a match's internal notes.
#[derive(InputObject)]
pub struct UpdateMatchInput {
    /// The match.
    pub id: ID,
    /// Internal notes; `null` clears them.
    pub notes: Option<String>,
}

/// A client's rejection of a proposed match.
#[derive(InputObject)]
pub struct RejectMatchInput {
    /// The match (PROPOSED).
    pub id: ID,
    /// Why, in a few words; the agency sees it.
    pub reason: Option<String>,
}

/// Changes to a collaboration: omitted fields stay as they are, `null` clears them.
#[derive(InputObject)]
pub struct UpdateCollaborationInput {
    /// The collaboration.
    pub id: ID,
    /// DRAFT → ACTIVE → COMPLETED, or CANCELLED before completion.
    pub status: Option<CollaborationStatus>,
    /// The new start; `null` clears it.
    pub start_date: async_graphql::MaybeUndefined<Date>,
    /// The new end, not before the start; `null` clears it.
    pub end_date: async_graphql::MaybeUndefined<Date>,
    /// The agreed daily rate; `null` clears it.
    pub daily_rate: async_graphql::MaybeUndefined<Decimal>,
}

async fn decide(ctx: &Context<'_>, id: &ID, decision: Decision) -> Result<Match> {
    let id = parse_id("id", id)?;
    let uow = ctx.unit_of_work().await?;
    let done = matches::decide(&uow, id, decision).await;
    uow.finish(done).await.map(Match)
}

#[derive(Default)]
pub struct MatchMutation;

#[Object]
impl MatchMutation {
    /// Pairs a consultant with a tender by hand (PENDING, scored like a generated match).
    #[graphql(
        guard = "PermissionGuard(Permission::MatchWrite)",
        visible = "visibility::match_write"
    )]
    async fn create_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender and the consultant to pair.")] input: CreateMatchInput,
    ) -> Result<Match> {
        let tender_id = parse_id("tenderId", &input.tender_id)?;
        let consultant_id = parse_id("consultantId", &input.consultant_id)?;
        let uow = ctx.unit_of_work().await?;
        let done = matches::create(&uow, tender_id, consultant_id, input.notes).await;
        uow.finish(done).await.map(Match)
    }

    /// Changes a match's internal notes.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchWrite)",
        visible = "visibility::match_write"
    )]
    async fn update_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match and the changes (omitted fields stay as they are).")]
        input: UpdateMatchInput,
    ) -> Result<Match> {
        let id = parse_id("id", &input.id)?;
        let uow = ctx.unit_of_work().await?;
        let done = matches::update_notes(&uow, id, input.notes).await;
        uow.finish(done).await.map(Match)
    }

    /// Deletes a match (not once accepted); returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchWrite)",
        visible = "visibility::match_write"
    )]
    async fn delete_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = matches::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }

    /// PENDING → PROPOSED: the client and the consultant can now see it.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchWrite)",
        visible = "visibility::match_write"
    )]
    async fn propose_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] id: ID,
    ) -> Result<Match> {
        decide(ctx, &id, Decision::Propose).await
    }

    /// PROPOSED → ACCEPTED, creating a DRAFT collaboration.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchDecide)",
        visible = "visibility::match_decide"
    )]
    async fn accept_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] id: ID,
    ) -> Result<Match> {
        decide(ctx, &id, Decision::Accept).await
    }

    /// PROPOSED → REJECTED, with an optional reason.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchDecide)",
        visible = "visibility::match_decide"
    )]
    async fn reject_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match and, optionally, why it is rejected.")] input: RejectMatchInput,
    ) -> Result<Match> {
        decide(
            ctx,
            &input.id,
            Decision::Reject {
                reason: input.reason,
            },
        )
        .await
    }

    /// PROPOSED → REJECTED by the consultant proposed (their own matches only), with an
    /// optional reason.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchDecline)",
        visible = "visibility::match_decline"
    )]
    async fn decline_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match and, optionally, why it is declined.")] input: RejectMatchInput,
    ) -> Result<Match> {
        decide(
            ctx,
            &input.id,
            Decision::Decline {
                reason: input.reason,
            },
        )
        .await
    }

    /// PENDING or PROPOSED → CANCELLED.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchWrite)",
        visible = "visibility::match_write"
    )]
    async fn cancel_match(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The match's id.")] id: ID,
    ) -> Result<Match> {
        decide(ctx, &id, Decision::Cancel).await
    }

    /// Changes a collaboration's status, dates or agreed rate.
    #[graphql(
        guard = "PermissionGuard(Permission::CollaborationWrite)",
        visible = "visibility::collaboration_write"
    )]
    async fn update_collaboration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The collaboration and the changes (omitted fields stay as they are).")]
        input: UpdateCollaborationInput,
    ) -> Result<Collaboration> {
        let id = parse_id("id", &input.id)?;
        let uow = ctx.unit_of_work().await?;
        let done = collaborations::update(
            &uow,
            id,
            CollaborationInput {
                status: input.status.map(Into::into),
                start_date: patch(input.start_date).map(|d| d.map(|d| d.0)),
                end_date: patch(input.end_date).map(|d| d.map(|d| d.0)),
                daily_rate: patch(input.daily_rate).map(|d| d.map(|d| d.0)),
            },
        )
        .await;
        uow.finish(done).await.map(Collaboration)
    }

    /// Deletes a collaboration; returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::CollaborationWrite)",
        visible = "visibility::collaboration_write"
    )]
    async fn delete_collaboration(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The collaboration's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = collaborations::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }
}

/// `Tender.matches`: matching's part of the talent domain's `Tender`.
#[Object]
impl TenderMatches {
    /// The consultants matched to this tender, best score first.
    #[graphql(complexity = "crate::graphql::pagination::weight(first, None) * child_complexity")]
    async fn matches(
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
        #[graphql(desc = "Only the items matching every condition given.")] filter: Option<
            MatchFilter,
        >,
    ) -> async_graphql::Result<
        async_graphql::connection::Connection<
            String,
            Match,
            crate::graphql::pagination::ConnectionFields,
        >,
    > {
        Box::pin(matches_of(
            ctx,
            MatchParent::Tender(self.0),
            first,
            after,
            filter,
        ))
        .await
    }
}

/// `Consultant.matches`: matching's part of the talent domain's `Consultant`.
#[Object]
impl ConsultantMatches {
    /// This consultant's matches, best score first.
    #[graphql(complexity = "crate::graphql::pagination::weight(first, None) * child_complexity")]
    async fn matches(
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
        #[graphql(desc = "Only the items matching every condition given.")] filter: Option<
            MatchFilter,
        >,
    ) -> async_graphql::Result<
        async_graphql::connection::Connection<
            String,
            Match,
            crate::graphql::pagination::ConnectionFields,
        >,
    > {
        Box::pin(matches_of(
            ctx,
            MatchParent::Consultant(self.0),
            first,
            after,
            filter,
        ))
        .await
    }
}

/// The matching domain's queries.
#[derive(async_graphql::MergedObject, Default)]
pub struct MatchingQuery(MatchQuery, super::settings_api::SettingsQuery);

/// The matching domain's mutations.
#[derive(async_graphql::MergedObject, Default)]
pub struct MatchingMutation(
    MatchMutation,
    super::settings_api::GenerateMutation,
    super::settings_api::SettingsMutation,
);

/// Descriptions of the generic types this domain instantiates.
pub fn describe<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder
        .override_output_type_description::<Connection<String, Match, ConnectionFields>>(
            "A page of matches (Relay connection: edges, pageInfo, totalCount).",
        )
        .override_output_type_description::<Connection<String, Collaboration, ConnectionFields>>(
            "A page of collaborations (Relay connection: edges, pageInfo, totalCount).",
        )
}
