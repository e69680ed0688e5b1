//! Automation (DESIGN §10): workflows that run on domain events, schedules, webhooks or
//! demand; their runs, executed as jobs of the durable queue (`crate::jobs`) with per-step
//! retries; e-mail through a provider port; signed webhooks out and in.
//!
//! The highest domain: it uses matching and talent through their services, as a user would,
//! and nothing below names it.

pub mod email;
pub mod execute;
pub mod graphql;
pub mod hooks;
pub mod loaders;
pub mod model;
pub mod runs;
pub mod schedules;
pub mod scope;
pub mod steps;
pub mod subscriptions;
pub mod templates;
pub mod triggers;
pub mod webhook;
pub mod workflows;

/// The job that executes a workflow run, for the composition root.
pub const RUN_JOB: crate::jobs::Handler<crate::state::AppState> = crate::jobs::Handler {
    kind: runs::JOB_KIND,
    run: execute::run,
    on_dead: Some(execute::on_dead),
};
