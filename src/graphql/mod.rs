//! Schema assembly: the merged roots, limits, extensions and role-aware SDL export.
//!
//! How the read path stays fast (measured with `cargo bench --bench load`; README, Performance):
//!
//! - An object type whose fields never wait on the database, or of which at most one does (a
//!   single relation), is `#[Object(serial)]`: the engine then awaits its fields in order
//!   instead of building a set of concurrent futures per object, which cost more than the
//!   fields themselves on lists of thousands. Types with two or more relations stay concurrent,
//!   so that their DataLoader batches go out together.
//! - A resolver that awaits something large (a DataLoader, a page, a guard's audit write)
//!   boxes that future: the engine boxes every field's future at the size of the type's
//!   largest, and a plain `id` would otherwise be copied at the size of `matches`.
//! - DataLoader values that are lists are shared (`Arc`): the loader hands a copy to every
//!   field that asked.
//! - Leaf types of plain data that come by the thousand (a consultant's and a tender's
//!   skills) are written in one pass over their selection (`plain`), not a future per field.
//! - Rows that come by the hundred are decoded by position (`db::rows`), not by name.

pub mod context;
pub mod guard;
pub mod limits;
pub mod live;
pub mod order;
pub mod pagination;
pub mod patch;
pub mod plain;
pub mod prepare;
pub mod scalars;
pub mod sdl;

use async_graphql::{MergedObject, MergedSubscription, Object, Schema};

use crate::app::AppState;
use crate::audit::graphql::AuditQuery;
use crate::matching::graphql::{MatchingMutation, MatchingQuery};
use crate::talent::graphql::{TalentMutation, TalentQuery};
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
    MatchingQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(AuthMutation, UserMutation, TalentMutation, MatchingMutation);

/// What may be watched live over `/graphql/ws`: each role sees only what it may read.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    crate::talent::graphql::tender_events::TenderSubscription,
    crate::matching::subscriptions::MatchingSubscription,
);

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Every domain's DataLoaders, added to each request by `context::per_request`.
pub const LOADERS: [context::RegisterLoaders; 3] = [
    crate::tenancy::loaders::register,
    crate::talent::loaders::register,
    crate::matching::loaders::register,
];

/// Every domain's reactions to the events of a unit of work (`unit::Reaction`), run before it
/// commits.
pub const REACTIONS: &[crate::unit::Reaction] = &[crate::matching::reactions::react];

/// The schema under construction: each domain adds the descriptions of the generic types it
/// instantiates (its connections) with `describe`.
pub type Builder = async_graphql::SchemaBuilder<Query, Mutation, Subscription>;

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
    builder = crate::audit::graphql::describe(builder);
    builder = crate::talent::graphql::describe(builder);
    builder = crate::matching::graphql::describe(builder);
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}
