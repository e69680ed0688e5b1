//! Tenants, users and invitations: sign-up, sign-in, sessions and user administration.

pub mod audit_log;
pub mod graphql;
pub mod inputs;
pub mod invitations;
pub mod keys;
pub mod loaders;
pub mod scope;
pub mod sessions;
pub mod users;
