//! sea-orm entities of talentgraph: one module per table, storage shapes only, no behaviour.
//!
//! The GraphQL layer never exposes these models directly: it wraps them in output types that
//! choose which fields to show and under which permission.

pub mod audit_event;
pub mod audit_head;
pub mod enums;
pub mod invitation;
pub mod login_throttle;
pub mod refresh_token;
pub mod tenant;
pub mod tenant_key;
pub mod user;

pub use enums::Role;
