//! The schema's assembly (a composition root, with `app`): the merged roots of every domain,
//! their DataLoaders and reactions, limits and type descriptions. Adding a domain edits this
//! file, never the plumbing.

use async_graphql::{MergedObject, MergedSubscription, Object, Schema};

use crate::automation::graphql::{AutomationMutation, AutomationQuery};
use crate::documents::graphql::{DocumentsMutation, DocumentsQuery};
use crate::matching::graphql::{MatchingMutation, MatchingQuery};
use crate::state::AppState;
use crate::talent::graphql::{TalentMutation, TalentQuery};
use crate::tenancy::audit_log::AuditQuery;
use crate::tenancy::graphql::{AuthMutation, TenancyQuery, UserMutation};

/// Fields anyone may query, signed in or not.
#[derive(Default)]
pub struct MetaQuery;

#[Object]
impl MetaQuery {
    /// The server's version, so that clients can tell which API they talk to.
    async fn api_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}

#[derive(MergedObject, Default)]
pub struct Query(
    MetaQuery,
    TenancyQuery,
    AuditQuery,
    TalentQuery,
    DocumentsQuery,
    MatchingQuery,
    AutomationQuery,
    crate::search::graphql::SearchQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    UserMutation,
    TalentMutation,
    DocumentsMutation,
    MatchingMutation,
    AutomationMutation,
);

/// What may be watched live over `/graphql/ws`: each role sees only what it may read, and a
/// role that may watch nothing (a caller not signed in) sees no subscription type at all (a
/// type without fields is not valid GraphQL: GraphiQL refuses such a schema).
#[derive(MergedSubscription, Default)]
#[graphql(visible = "watches_anything")]
pub struct Subscription(
    crate::talent::graphql::tender_events::TenderSubscription,
    crate::matching::subscriptions::MatchingSubscription,
    crate::automation::subscriptions::AutomationSubscription,
    crate::documents::subscriptions::DocumentsSubscription,
);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

fn watches_anything(ctx: &async_graphql::Context<'_>) -> bool {
    use crate::auth::visibility;
    visibility::tender_read(ctx)
        || visibility::match_read(ctx)
        || visibility::workflow_read(ctx)
        || visibility::resume_read(ctx)
}

/// Every domain's DataLoaders, added to each request by `graphql::context::per_request`.
pub const LOADERS: &[crate::graphql::context::RegisterLoaders] = &[
    crate::tenancy::loaders::register,
    crate::talent::loaders::register,
    crate::documents::loaders::register,
    crate::matching::loaders::register,
    crate::automation::loaders::register,
];

/// Every domain's reactions to the events of a unit of work (`unit::Reaction`), run before it
/// commits.
pub const REACTIONS: &[crate::unit::Reaction] = &[
    crate::matching::reactions::react,
    crate::search::index::react,
    crate::automation::triggers::react,
];

/// Every domain's job handlers (`jobs::Handler`), run by the workers.
pub const JOB_HANDLERS: &[crate::jobs::Handler<AppState>] = &[
    crate::documents::EXTRACT_JOB,
    crate::documents::DELETE_OBJECT_JOB,
    crate::automation::RUN_JOB,
    crate::search::EMBED_JOB,
];

/// Builds the schema with its production limits; `state` is reachable from every resolver.
pub fn build_schema(state: Option<AppState>) -> AppSchema {
    let (depth, complexity, directives) = match &state {
        Some(s) => (
            s.config.limits.max_depth,
            s.config.limits.max_complexity,
            s.config.limits.max_directives,
        ),
        None => {
            let l = crate::config::Limits::default();
            (l.max_depth, l.max_complexity, l.max_directives)
        }
    };
    // Depth is checked by `limits::check_depth` (which lets the standard introspection query
    // through); the engine's own limit stays as a backstop at twice the bound.
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(depth.saturating_mul(2))
    .limit_complexity(complexity)
    .limit_directives(directives)
    .limit_recursive_depth(32)
    .disable_suggestions();
    builder = builder
        .override_output_type_description::<Query>(
            "What may be read: each role sees, here and in introspection, only the fields it may use.",
        )
        .override_output_type_description::<Mutation>(
            "What may be changed: each role sees, here and in introspection, only the operations it may use.",
        )
        .override_output_type_description::<async_graphql::ID>(
            "An opaque identifier: a UUID, as a string.",
        );
    builder = crate::tenancy::graphql::describe(builder);
    builder = crate::tenancy::audit_log::describe(builder);
    builder = crate::talent::graphql::describe(builder);
    builder = crate::matching::graphql::describe(builder);
    builder = crate::automation::graphql::describe(builder);
    builder = crate::search::graphql::describe(builder);
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}
