//! The skill catalogue over GraphQL.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, ScalarType, Value};
use entity::skill;

use crate::auth::{Permission, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::pagination::{self, ConnectionFields, Order, OrderDirection, PageQuery};
use crate::graphql::patch::patch;
use crate::graphql::plain::{Nested, PlainObject};
use crate::graphql::scalars::DateTime;
use crate::talent::skills::{self, SkillFilter as Filter};

pub struct Skill(pub Arc<skill::Model>);

impl From<skill::Model> for Skill {
    fn from(model: skill::Model) -> Self {
        Skill(Arc::new(model))
    }
}

/// A skill of the organisation's catalogue.
// `serial`: no two fields wait on the database (see `crate::graphql`).
#[Object(serial)]
impl Skill {
    /// The skill's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// Unique in the organisation, case-insensitively.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// A grouping of the catalogue, e.g. `Languages`, `Cloud`.
    async fn category(&self) -> Option<&str> {
        self.0.category.as_deref()
    }
    /// When the skill was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

impl PlainObject for Skill {
    // The fields of the `#[Object]` above, as values.
    fn field(&self, name: &str, _: Nested<'_>) -> Option<async_graphql::ServerResult<Value>> {
        Some(Ok(match name {
            "id" => Value::String(crate::graphql::scalars::uuid_text(self.0.id)),
            "name" => Value::String(self.0.name.clone()),
            "category" => self.0.category.clone().map_or(Value::Null, Value::String),
            "createdAt" => ScalarType::to_value(&DateTime(self.0.created_at)),
            _ => return None,
        }))
    }
}

/// A new skill of the catalogue.
#[derive(InputObject)]
pub struct CreateSkillInput {
    /// Its name, unique in the catalogue whatever the case.
    pub name: String,
    /// Its category, e.g. `Languages`.
    pub category: Option<String>,
}

/// Changes to a skill: omitted fields stay as they are, `null` clears them.
#[derive(InputObject)]
pub struct UpdateSkillInput {
    /// The skill.
    pub id: ID,
    /// The new name, unique in the catalogue whatever the case.
    pub name: Option<String>,
    /// The new category; `null` clears it.
    pub category: MaybeUndefined<String>,
}

/// Filters of `skills`.
#[derive(InputObject, Default)]
pub struct SkillFilter {
    /// Part of the name, case-insensitive.
    pub text: Option<String>,
    /// Skills of exactly this category.
    pub category: Option<String>,
}

/// What a list of skills can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SkillOrderField {
    /// Name, alphabetically. The default.
    #[default]
    Name,
    /// Creation order (ids are time-ordered UUIDs).
    CreatedAt,
}

/// How a list of skills is sorted (ties broken by creation order).
#[derive(InputObject, Default)]
pub struct SkillOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: SkillOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl SkillOrder {
    fn order(&self) -> Order<skill::Column> {
        let descending = self.direction == OrderDirection::Desc;
        match self.field {
            SkillOrderField::Name => Order::Column {
                column: skill::Column::NameKey,
                descending,
            },
            SkillOrderField::CreatedAt => Order::Id { descending },
        }
    }
}

#[derive(Default)]
pub struct SkillQuery;

#[Object]
impl SkillQuery {
    /// One skill of the catalogue.
    #[graphql(
        guard = "PermissionGuard(Permission::SkillRead)",
        visible = "visibility::skill_read"
    )]
    async fn skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill's id.")] id: ID,
    ) -> Result<Skill> {
        let id = parse_id("id", &id)?;
        skills::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Skill::from)
    }

    /// The skill catalogue (by name unless `orderBy` says otherwise).
    #[graphql(
        guard = "PermissionGuard(Permission::SkillRead)",
        visible = "visibility::skill_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
    async fn skills(
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
            SkillFilter,
        >,
        #[graphql(desc = "The order of the list; omitted, the default named on the input type.")]
        order_by: Option<SkillOrder>,
    ) -> Result<Connection<String, Skill, ConnectionFields>> {
        let filter = filter.unwrap_or_default();
        let select = skills::list(
            ctx.principal()?,
            Filter {
                text: filter.text,
                category: filter.category,
            },
        )?;
        pagination::paginate(
            &ctx.state()?.db,
            select,
            skill::Column::Id,
            |s| s.id,
            order_by.unwrap_or_default().order(),
            PageQuery::new(ctx, first, after, last, before),
            Skill::from,
        )
        .await
    }
}

#[derive(Default)]
pub struct SkillMutation;

#[Object]
impl SkillMutation {
    /// Adds a skill to the catalogue; a name already there (in any case) is a `CONFLICT`.
    #[graphql(
        guard = "PermissionGuard(Permission::SkillWrite)",
        visible = "visibility::skill_write"
    )]
    async fn create_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new skill.")] input: CreateSkillInput,
    ) -> Result<Skill> {
        let uow = ctx.unit_of_work().await?;
        let done = skills::create(&uow, input.name, input.category).await;
        uow.finish(done).await.map(Skill::from)
    }

    /// Renames or re-categorises a skill.
    #[graphql(
        guard = "PermissionGuard(Permission::SkillWrite)",
        visible = "visibility::skill_write"
    )]
    async fn update_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill and the changes (omitted fields stay as they are).")]
        input: UpdateSkillInput,
    ) -> Result<Skill> {
        let id = parse_id("id", &input.id)?;
        let uow = ctx.unit_of_work().await?;
        let done = skills::update(&uow, id, input.name, patch(input.category)).await;
        uow.finish(done).await.map(Skill::from)
    }

    /// Deletes a skill and removes it from every consultant and tender; returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::SkillWrite)",
        visible = "visibility::skill_write"
    )]
    async fn delete_skill(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The skill's id.")] id: ID,
    ) -> Result<ID> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = skills::delete(&uow, id).await;
        uow.finish(done).await.map(|id| ID(id.to_string()))
    }
}
