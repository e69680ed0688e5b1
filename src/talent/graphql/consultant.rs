//! Consultants over GraphQL, with field guards on contact data, rates and internal notes.

use async_graphql::connection::Connection;
use async_graphql::resolver_utils::enum_value;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, MergedObject, Object, Value};
use entity::{consultant, consultant_skill};

use super::enums::{ConsultantStatus, RemotePreference, SkillLevel};
use super::skill::Skill;
use uuid::Uuid;

use crate::auth::{Permission, RowRule, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::guard::field_allowed;
use crate::graphql::pagination::{self, ConnectionFields, Order, OrderDirection, PageQuery};
use crate::graphql::patch::patch;
use crate::graphql::plain::{Nested, Plain, PlainObject};
use crate::graphql::scalars::Date;
use crate::graphql::scalars::DateTime;
use crate::graphql::scalars::Decimal;
use crate::talent::consultants::{
    self, ConsultantFilter as Filter, ConsultantInput, SkillAtLeast, SkillEntry,
};
use crate::talent::inputs::to_decimal;
use crate::talent::loaders::ConsultantSkillsLoader;

/// Contact data and rates are shown to those with the permission, and to the consultant
/// themself (introspection shows the fields to whoever may ever see one).
fn own_profile_visible(ctx: &Context<'_>, permission: Permission) -> bool {
    ctx.data_opt::<crate::auth::Principal>()
        .is_some_and(|p| p.can(permission) || p.row_rule() == RowRule::OwnConsultantProfile)
}

fn contact_visible(ctx: &Context<'_>) -> bool {
    own_profile_visible(ctx, Permission::ConsultantContactRead)
}

pub fn rate_visible(ctx: &Context<'_>) -> bool {
    own_profile_visible(ctx, Permission::ConsultantRateRead)
}

/// A consultant of the agency: profile, skills and matches; contact details, rate and
/// internal notes only for those allowed (and the consultant themself).
#[derive(MergedObject)]
pub struct Consultant(
    pub ConsultantFields,
    pub ConsultantMatches,
    pub ConsultantDocuments,
);

impl Consultant {
    /// The consultant `id` a row points at, through the request's DataLoader; outside the
    /// reader's scope it is `NOT_FOUND`.
    pub async fn related(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Consultant> {
        crate::graphql::context::load_related::<crate::talent::loaders::ConsultantLoader>(
            ctx,
            id,
            "consultant",
        )
        .await
        .map(Consultant::from)
    }
}

impl From<consultant::Model> for Consultant {
    fn from(model: consultant::Model) -> Self {
        let id = model.id;
        Consultant(
            ConsultantFields(model),
            ConsultantMatches(id),
            ConsultantDocuments(id),
        )
    }
}

/// The consultant's own fields.
pub struct ConsultantFields(pub consultant::Model);

/// The consultant's `matches`: implemented by the matching domain (`matching::graphql`).
pub struct ConsultantMatches(pub Uuid);

/// The consultant's `resumes`: implemented by the documents domain (`documents::graphql`).
pub struct ConsultantDocuments(pub Uuid);

impl ConsultantFields {
    /// Allowed with `permission`, or for the consultant's own profile; otherwise the field is
    /// null with `FORBIDDEN` at its path.
    async fn allowed_own(
        &self,
        ctx: &Context<'_>,
        permission: Permission,
    ) -> async_graphql::Result<bool> {
        let p = ctx.principal()?;
        let allowed = p.can(permission) || p.consultant_id == Some(self.0.id);
        field_allowed(ctx, permission, allowed).await
    }

    async fn contact(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<(Option<String>, Option<String>)>> {
        if !self
            .allowed_own(ctx, Permission::ConsultantContactRead)
            .await?
        {
            return Ok(None);
        }
        let keys = Box::pin(ctx.tenant_keys(self.0.tenant_id)).await?;
        Ok(Some(consultants::contact(&keys, &self.0)?))
    }
}

#[Object]
impl ConsultantFields {
    /// The consultant's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// First name.
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }
    /// Last name.
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }
    /// Job title, e.g. "Senior Rust engineer".
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// A short presentation.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }
    /// Years of professional experience.
    async fn years_experience(&self) -> i32 {
        self.0.years_experience
    }
    /// Daily rate (`consultant.rate:read`, or the consultant themself).
    #[graphql(visible = "rate_visible")]
    async fn daily_rate(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Decimal>> {
        if !self
            .allowed_own(ctx, Permission::ConsultantRateRead)
            .await?
        {
            return Ok(None);
        }
        Ok(self.0.daily_rate_cents.map(|c| Decimal(to_decimal(c))))
    }
    /// E-mail, stored encrypted (`consultant.contact:read`, or the consultant themself).
    #[graphql(visible = "contact_visible")]
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.contact(ctx).await?.and_then(|c| c.0))
    }
    /// Phone, stored encrypted (`consultant.contact:read`, or the consultant themself).
    #[graphql(visible = "contact_visible")]
    async fn phone(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.contact(ctx).await?.and_then(|c| c.1))
    }
    /// From when the consultant can start; none means now.
    async fn availability_date(&self) -> Option<Date> {
        self.0.availability_date.map(Date)
    }
    /// Whether the consultant can take a mission.
    async fn status(&self) -> ConsultantStatus {
        self.0.status.into()
    }
    /// Where the consultant lives or works from.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// Where the consultant prefers to work.
    async fn remote(&self) -> RemotePreference {
        self.0.remote.into()
    }
    /// The agency's internal notes (`internal_notes:read`).
    #[graphql(visible = "visibility::internal_notes_read")]
    async fn internal_notes(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        let allowed = ctx.principal()?.can(Permission::InternalNotesRead);
        if !field_allowed(ctx, Permission::InternalNotesRead, allowed).await? {
            return Ok(None);
        }
        Ok(self.0.internal_notes.as_deref())
    }
    /// The consultant's skills.
    async fn skills(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<Plain<ConsultantSkill>>> {
        let loader = crate::graphql::context::loader::<ConsultantSkillsLoader>(ctx)?;
        Ok(Box::pin(loader.load_one(self.0.id))
            .await?
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| Plain(ConsultantSkill(e.clone())))
                    .collect()
            })
            .unwrap_or_default())
    }
    /// Set when the consultant was deleted (only listed with `includeDeleted`).
    async fn deleted_at(&self) -> Option<DateTime> {
        self.0.deleted_at.map(DateTime)
    }
    /// When the consultant was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// When the consultant last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }
}

pub struct ConsultantSkill(crate::talent::loaders::WithSkill<consultant_skill::Model>);

/// A consultant's mastery of one skill.
// `serial`: no two fields wait on the database (see `crate::graphql`).
#[Object(serial)]
impl ConsultantSkill {
    /// The skill of the catalogue.
    async fn skill(&self) -> Skill {
        Skill(self.0.1.clone())
    }
    /// How well the consultant masters it.
    async fn level(&self) -> SkillLevel {
        self.0.0.level.into()
    }
    /// Years of practice of this skill.
    async fn years_experience(&self) -> i32 {
        self.0.0.years_experience
    }
}

impl PlainObject for ConsultantSkill {
    // The fields of the `#[Object]` above, as values.
    fn field(&self, name: &str, nested: Nested<'_>) -> Option<async_graphql::ServerResult<Value>> {
        Some(match name {
            "skill" => nested.object(&Skill(self.0.1.clone())),
            "level" => Ok(enum_value(SkillLevel::from(self.0.0.level))),
            "yearsExperience" => Ok(Value::from(self.0.0.years_experience)),
            _ => return None,
        })
    }
}

/// A new consultant.
#[derive(InputObject)]
pub struct CreateConsultantInput {
    /// First name (at most 100 characters).
    pub first_name: String,
    /// Last name (at most 100 characters).
    pub last_name: String,
    /// Job title, e.g. "Senior Rust engineer".
    pub title: String,
    /// A short presentation.
    pub bio: Option<String>,
    /// Years of professional experience (0 to 70).
    #[graphql(default)]
    pub years_experience: i32,
    /// Daily rate, e.g. `"650.00"`.
    pub daily_rate: Option<Decimal>,
    /// E-mail (stored encrypted).
    pub email: Option<String>,
    /// Phone (stored encrypted).
    pub phone: Option<String>,
    /// From when the consultant can start; none means now.
    pub availability_date: Option<Date>,
    /// AVAILABLE unless given.
    pub status: Option<ConsultantStatus>,
    /// Where the consultant lives or works from.
    pub location: Option<String>,
    /// HYBRID unless given.
    pub remote: Option<RemotePreference>,
    /// The agency's internal notes (never shown to clients or consultants).
    pub internal_notes: Option<String>,
}

/// Changes to a consultant: omitted fields stay as they are, `null` clears them.
#[derive(InputObject)]
pub struct UpdateConsultantInput {
    /// The consultant.
    pub id: ID,
    /// The new first name.
    pub first_name: Option<String>,
    /// The new last name.
    pub last_name: Option<String>,
    /// The new job title.
    pub title: Option<String>,
    /// The new presentation; `null` clears it.
    pub bio: MaybeUndefined<String>,
    /// Years of professional experience (0 to 70).
    pub years_experience: Option<i32>,
    /// The new daily rate; `null` clears it.
    pub daily_rate: MaybeUndefined<Decimal>,
    /// The new e-mail; `null` clears it.
    pub email: MaybeUndefined<String>,
    /// The new phone; `null` clears it.
    pub phone: MaybeUndefined<String>,
    /// From when the consultant can start; `null` means now.
    pub availability_date: MaybeUndefined<Date>,
    /// The new status.
    pub status: Option<ConsultantStatus>,
    /// The new location; `null` clears it.
    pub location: MaybeUndefined<String>,
    /// The new work preference.
    pub remote: Option<RemotePreference>,
    /// The new internal notes; `null` clears them.
    pub internal_notes: MaybeUndefined<String>,
}

/// One skill of a consultant.
#[derive(InputObject)]
pub struct ConsultantSkillInput {
    /// A skill of the catalogue.
    pub skill_id: ID,
    /// How well the consultant masters it.
    pub level: SkillLevel,
    /// Years of practice of it (0 to 70).
    #[graphql(default)]
    pub years_experience: i32,
}

/// A consultant's complete set of skills.
#[derive(InputObject)]
pub struct SetConsultantSkillsInput {
    /// The consultant.
    pub consultant_id: ID,
    /// The complete set: skills not listed are removed.
    pub skills: Vec<ConsultantSkillInput>,
}

/// A skill a consultant must have, at a level or above.
#[derive(InputObject)]
pub struct SkillLevelFilter {
    /// A skill of the catalogue.
    pub skill_id: ID,
    /// The lowest acceptable level (BEGINNER unless given).
    #[graphql(default_with = "SkillLevel::Beginner")]
    pub min_level: SkillLevel,
}

/// Filters of `consultants`.
#[derive(InputObject, Default)]
pub struct ConsultantFilter {
    /// Any of these statuses.
    pub status: Option<Vec<ConsultantStatus>>,
    /// Every listed skill, at the given level or above.
    pub skills: Option<Vec<SkillLevelFilter>>,
    /// Available on or before this date (no availability date means available now).
    pub available_by: Option<Date>,
    /// Part of the first name, last name or title, case-insensitive.
    pub text: Option<String>,
    /// Deleted consultants too (those who may restore them).
    #[graphql(default)]
    pub include_deleted: bool,
}

/// What a list of consultants can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ConsultantOrderField {
    /// Last name, alphabetically. The default.
    #[default]
    LastName,
    /// Creation order (ids are time-ordered UUIDs).
    CreatedAt,
    /// Years of experience.
    YearsExperience,
}

/// How a list of consultants is sorted (ties broken by creation order).
#[derive(InputObject, Default)]
pub struct ConsultantOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: ConsultantOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl ConsultantOrder {
    fn order(&self) -> Order<consultant::Column> {
        let descending = self.direction == OrderDirection::Desc;
        match self.field {
            ConsultantOrderField::LastName => Order::Column {
                column: consultant::Column::LastName,
                descending,
            },
            ConsultantOrderField::YearsExperience => Order::Column {
                column: consultant::Column::YearsExperience,
                descending,
            },
            ConsultantOrderField::CreatedAt => Order::Id { descending },
        }
    }
}

fn filter_spec(filter: ConsultantFilter) -> Result<Filter> {
    let skills = filter
        .skills
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Ok(SkillAtLeast {
                skill_id: parse_id(&format!("filter.skills[{i}].skillId"), &s.skill_id)?,
                min_level: s.min_level.into(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Filter {
        status: filter
            .status
            .map(|s| s.into_iter().map(Into::into).collect()),
        skills,
        available_by: filter.available_by.map(|d| d.0),
        text: filter.text,
        include_deleted: filter.include_deleted,
    })
}

#[derive(Default)]
pub struct ConsultantQuery;

#[Object]
impl ConsultantQuery {
    /// One consultant.
    #[graphql(
        guard = "PermissionGuard(Permission::ConsultantRead)",
        visible = "visibility::consultant_read"
    )]
    async fn consultant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consultant's id.")] id: ID,
    ) -> Result<Consultant> {
        let id = parse_id("id", &id)?;
        consultants::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Consultant::from)
    }

    /// Consultants (by last name unless `orderBy` says otherwise).
    #[graphql(
        guard = "PermissionGuard(Permission::ConsultantRead)",
        visible = "visibility::consultant_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
    async fn consultants(
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
            ConsultantFilter,
        >,
        #[graphql(desc = "The order of the list; omitted, the default named on the input type.")]
        order_by: Option<ConsultantOrder>,
    ) -> Result<Connection<String, Consultant, ConnectionFields>> {
        let select = consultants::list(ctx.principal()?, filter_spec(filter.unwrap_or_default())?)?;
        pagination::paginate(
            &ctx.state()?.db,
            select,
            consultant::Column::Id,
            |c| c.id,
            order_by.unwrap_or_default().order(),
            PageQuery::new(ctx, first, after, last, before),
            Consultant::from,
        )
        .await
    }
}

#[derive(Default)]
pub struct ConsultantMutation;

#[Object]
impl ConsultantMutation {
    /// Adds a consultant; e-mail and phone are stored encrypted.
    #[graphql(
        guard = "PermissionGuard(Permission::ConsultantWrite)",
        visible = "visibility::consultant_write"
    )]
    async fn create_consultant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new consultant.")] input: CreateConsultantInput,
    ) -> Result<Consultant> {
        let p = ctx.principal()?;
        let keys = ctx.tenant_keys(p.tenant_id).await?;
        let uow = ctx.unit_of_work().await?;
        let done = consultants::create(
            &uow,
            &keys,
            ConsultantInput {
                first_name: Some(input.first_name),
                last_name: Some(input.last_name),
                title: Some(input.title),
                bio: Some(input.bio),
                years_experience: Some(input.years_experience),
                daily_rate: Some(input.daily_rate.map(|d| d.0)),
                email: Some(input.email),
                phone: Some(input.phone),
                availability_date: Some(input.availability_date.map(|d| d.0)),
                status: input.status.map(Into::into),
                location: Some(input.location),
                remote: input.remote.map(Into::into),
                internal_notes: Some(input.internal_notes),
            },
        )
        .await;
        uow.finish(done).await.map(Consultant::from)
    }

    /// Changes a consultant.
    #[graphql(
        guard = "PermissionGuard(Permission::ConsultantWrite)",
        visible = "visibility::consultant_write"
    )]
    async fn update_consultant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consultant and the changes (omitted fields stay as they are).")]
        input: UpdateConsultantInput,
    ) -> Result<Consultant> {
        let id = parse_id("id", &input.id)?;
        let p = ctx.principal()?;
        let keys = ctx.tenant_keys(p.tenant_id).await?;
        let uow = ctx.unit_of_work().await?;
        let done = consultants::update(
            &uow,
            &keys,
            id,
            ConsultantInput {
                first_name: input.first_name,
                last_name: input.last_name,
                title: input.title,
                bio: patch(input.bio),
                years_experience: input.years_experience,
                daily_rate: patch(input.daily_rate).map(|d| d.map(|d| d.0)),
                email: patch(input.email),
                phone: patch(input.phone),
                availability_date: patch(input.availability_date).map(|d| d.map(|d| d.0)),
                status: input.status.map(Into::into),
                location: patch(input.location),
                remote: input.remote.map(Into::into),
                internal_notes: patch(input.internal_notes),
            },
        )
        .await;
        uow.finish(done).await.map(Consultant::from)
    }

    /// Replaces a consultant's skills.
    #[graphql(
        guard = "PermissionGuard(Permission::ConsultantWrite)",
        visible = "visibility::consultant_write"
    )]
    async fn set_consultant_skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consultant and the complete set of their skills.")]
        input: SetConsultantSkillsInput,
    ) -> Result<Consultant> {
        let id = parse_id("consultantId", &input.consultant_id)?;
        let skills = input
            .skills
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(SkillEntry {
                    skill_id: parse_id(&format!("skills[{i}].skillId"), &s.skill_id)?,
                    level: s.level.into(),
                    years_experience: s.years_experience,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let uow = ctx.unit_of_work().await?;
        let done = consultants::set_skills(&uow, id, skills).await;
        uow.finish(done).await.map(Consultant::from)
    }

    /// Deletes a consultant (restorable with `restoreConsultant`); returns the id.
    #[graphql(
        guard = "PermissionGuard(Permission::ConsultantWrite)",
        visible = "visibility::consultant_write"
    )]
    async fn delete_consultant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consultant's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = consultants::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }

    /// Brings back a deleted consultant.
    #[graphql(
        guard = "PermissionGuard(Permission::ConsultantWrite)",
        visible = "visibility::consultant_write"
    )]
    async fn restore_consultant(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The consultant's id.")] id: ID,
    ) -> Result<Consultant> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = consultants::restore(&uow, id).await;
        uow.finish(done).await.map(Consultant::from)
    }
}
