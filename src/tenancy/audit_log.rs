//! GraphQL API of the organisation's audit log: read-only, ADMIN only; nobody can edit or
//! delete events.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Json, Object};
use entity::audit_event;
use sea_orm::{ColumnTrait, QueryFilter};

use crate::audit::{AuditChainReport as Report, verify_chain};
use crate::auth::{Permission, visibility};
use crate::error::{AppError, Result};
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;
use crate::graphql::pagination::{self, ConnectionFields, Order, PageQuery};
use crate::graphql::scalars::DateTime;
use crate::inputs::{filter_text, instant};

pub struct AuditEvent(audit_event::Model);

/// One audited action.
#[Object]
impl AuditEvent {
    /// The event's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// Position in the organisation's chain, from 1.
    async fn seq(&self) -> i64 {
        self.0.seq
    }
    /// What happened, e.g. `auth.login_failed`, `user.role_changed`, `access.denied`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The user who acted; none for the system or an anonymous caller.
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor_id.map(|id| ID(id.to_string()))
    }
    /// The role the actor had when acting.
    async fn actor_role(&self) -> Option<&str> {
        self.0.actor_role.as_deref()
    }
    /// The kind of row acted on, e.g. `tender`, `user`, `field`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// The id of the row acted on, if any.
    async fn entity_id(&self) -> Option<&str> {
        self.0.entity_id.as_deref()
    }
    /// Changed fields; sensitive values read `[REDACTED]`.
    async fn changes(&self) -> Result<Json<serde_json::Value>> {
        serde_json::from_str(&self.0.changes)
            .map(Json)
            .map_err(AppError::internal)
    }
    /// The request that did it (the `x-request-id` of its response and log lines).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// The client address of that request.
    async fn ip(&self) -> Option<&str> {
        self.0.ip.as_deref()
    }
    /// When the event was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
    /// SHA-256 of this event, chaining it to `prevHash`.
    async fn hash(&self) -> &str {
        &self.0.hash
    }
    /// The hash of the previous event of the chain (zeros for the first).
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
}

pub struct AuditChainReport(Report);

/// Result of `verifyAuditChain`.
#[Object]
impl AuditChainReport {
    /// True when every event and the chain's head are intact.
    async fn valid(&self) -> bool {
        self.0.valid
    }
    /// How many events were checked, in chain order.
    async fn checked_events(&self) -> u64 {
        self.0.checked_events
    }
    /// The first event whose hash or link does not match, if any.
    async fn first_broken_event_id(&self) -> Option<ID> {
        self.0.first_broken_event_id.map(|id| ID(id.to_string()))
    }
}

/// Filters of `auditEvents`.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Events of this action, e.g. `auth.login_failed`.
    pub action: Option<String>,
    /// Events done by this user.
    pub actor_id: Option<ID>,
    /// Events on rows of this kind, e.g. `tender`.
    pub entity_type: Option<String>,
    /// Events on this row.
    pub entity_id: Option<String>,
    /// Events at or after this instant.
    pub since: Option<DateTime>,
    /// Events before this instant.
    pub until: Option<DateTime>,
}

/// Order of `auditEvents` (the chain's order).
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum AuditEventOrder {
    /// The latest event first. The default.
    #[default]
    NewestFirst,
    /// The chain's first event first.
    OldestFirst,
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The organisation's audit log, newest first.
    #[graphql(
        guard = "PermissionGuard(Permission::AuditRead)",
        visible = "visibility::audit_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
    async fn audit_events(
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
            AuditEventFilter,
        >,
        #[graphql(desc = "NEWEST_FIRST (default) or OLDEST_FIRST")] order_by: Option<
            AuditEventOrder,
        >,
    ) -> Result<Connection<String, AuditEvent, ConnectionFields>> {
        let p = ctx.principal()?;
        p.require(Permission::AuditRead)?;
        let filter = filter.unwrap_or_default();
        let mut select = crate::audit::scope::audit_events(p);
        if let Some(action) = filter_text("filter.action", filter.action, 100)? {
            select = select.filter(audit_event::Column::Action.eq(action));
        }
        if let Some(actor) = filter.actor_id {
            select =
                select.filter(audit_event::Column::ActorId.eq(parse_id("filter.actorId", &actor)?));
        }
        if let Some(entity_type) = filter_text("filter.entityType", filter.entity_type, 100)? {
            select = select.filter(audit_event::Column::EntityType.eq(entity_type));
        }
        if let Some(entity_id) = filter_text("filter.entityId", filter.entity_id, 100)? {
            select = select.filter(audit_event::Column::EntityId.eq(entity_id));
        }
        if let Some(since) = instant("filter.since", filter.since.map(|t| t.0))? {
            select = select.filter(audit_event::Column::CreatedAt.gte(since));
        }
        if let Some(until) = instant("filter.until", filter.until.map(|t| t.0))? {
            select = select.filter(audit_event::Column::CreatedAt.lt(until));
        }
        pagination::paginate(
            &ctx.state()?.db,
            select,
            audit_event::Column::Id,
            |e| e.id,
            Order::Id {
                descending: order_by.unwrap_or_default() == AuditEventOrder::NewestFirst,
            },
            PageQuery::new(ctx, first, after, last, before),
            AuditEvent,
        )
        .await
    }

    /// Recomputes the organisation's audit chain and reports the first broken link.
    #[graphql(
        guard = "PermissionGuard(Permission::AuditRead)",
        visible = "visibility::audit_read"
    )]
    async fn verify_audit_chain(&self, ctx: &Context<'_>) -> Result<AuditChainReport> {
        let p = ctx.principal()?;
        p.require(Permission::AuditRead)?;
        verify_chain(&ctx.state()?.db, p.tenant_id)
            .await
            .map(AuditChainReport)
    }
}

/// Descriptions of the generic types this domain instantiates.
pub fn describe<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder.override_output_type_description::<Connection<String, AuditEvent, ConnectionFields>>(
        "A page of audit events (Relay connection: edges, pageInfo, totalCount).",
    )
}
