//! The skill catalogue over GraphQL.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use chrono::{DateTime, Utc};
use entity::skill;

use crate::auth::{Permission, PermissionGuard, visibility};
use crate::error::Result;
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::pagination::{self, ConnectionFields, Order, OrderDirection, PageQuery};
use crate::graphql::patch::patch;
use crate::talent::skills::{self, SkillFilter as Filter};

/// A skill of the organisation's catalogue.
pub struct Skill(pub skill::Model);

#[Object]
impl Skill {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique in the organisation, case-insensitively.
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn category(&self) -> Option<&str> {
        self.0.category.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(InputObject)]
pub struct CreateSkillInput {
    pub name: String,
    pub category: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateSkillInput {
    pub id: ID,
    pub name: Option<String>,
    pub category: MaybeUndefined<String>,
}

#[derive(InputObject, Default)]
pub struct SkillFilter {
    /// Part of the name, case-insensitive.
    pub text: Option<String>,
    pub category: Option<String>,
}

#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum SkillOrderField {
    #[default]
    Name,
    CreatedAt,
}

#[derive(InputObject, Default)]
pub struct SkillOrder {
    #[graphql(default)]
    pub field: SkillOrderField,
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
    async fn skill(&self, ctx: &Context<'_>, id: ID) -> Result<Skill> {
        let id = parse_id("id", &id)?;
        skills::find(ctx.state()?, ctx.principal()?, id)
            .await
            .map(Skill)
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<SkillFilter>,
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
            Skill,
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
    async fn create_skill(&self, ctx: &Context<'_>, input: CreateSkillInput) -> Result<Skill> {
        skills::create(
            ctx.state()?,
            ctx.principal()?,
            &ctx.request_meta(),
            input.name,
            input.category,
        )
        .await
        .map(Skill)
    }

    /// Renames or re-categorises a skill.
    #[graphql(
        guard = "PermissionGuard(Permission::SkillWrite)",
        visible = "visibility::skill_write"
    )]
    async fn update_skill(&self, ctx: &Context<'_>, input: UpdateSkillInput) -> Result<Skill> {
        let id = parse_id("id", &input.id)?;
        skills::update(
            ctx.state()?,
            ctx.principal()?,
            &ctx.request_meta(),
            id,
            input.name,
            patch(input.category),
        )
        .await
        .map(Skill)
    }

    /// Deletes a skill and removes it from every consultant and tender; returns its id.
    #[graphql(
        guard = "PermissionGuard(Permission::SkillWrite)",
        visible = "visibility::skill_write"
    )]
    async fn delete_skill(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let id = parse_id("id", &id)?;
        skills::delete(ctx.state()?, ctx.principal()?, &ctx.request_meta(), id)
            .await
            .map(|id| ID(id.to_string()))
    }
}
