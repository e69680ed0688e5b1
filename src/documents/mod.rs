//! Documents (DESIGN §7 Resume, Portfolio): consultants' portfolios of past projects, and their résumés, uploaded over GraphQL multipart,
//! checked by their content, sealed with the tenant's key in object storage
//! (`crate::storage`), read by a job of the durable queue, and downloaded through short-lived
//! signed links (`GET /files/<token>`).
//!
//! Above talent in the dependency order (it extends talent's `Consultant`); nothing below
//! names it.

pub mod analysis;
pub mod extract;
pub mod files;
pub mod formats;
pub mod graphql;
pub mod links;
pub mod loaders;
pub mod portfolio;
pub mod portfolio_graphql;
pub mod reader;
pub mod resumes;
pub mod scope;
pub mod subscriptions;
pub mod suggestions;

/// The job that reads a résumé, for the composition root.
pub const EXTRACT_JOB: crate::jobs::Handler<crate::state::AppState> = crate::jobs::Handler {
    kind: resumes::EXTRACT_KIND,
    run: extract::run,
    on_dead: Some(extract::on_dead),
};

/// The job that removes a deleted file's object, for the composition root.
pub const DELETE_OBJECT_JOB: crate::jobs::Handler<crate::state::AppState> = crate::jobs::Handler {
    kind: resumes::DELETE_OBJECT_KIND,
    run: extract::delete_object,
    on_dead: None,
};
