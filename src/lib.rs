//! talentgraph: one GraphQL API for staffing and consulting agencies.
//!
//! See `README.md` for running it and `../shared/DESIGN.md` for the product contract.

pub mod app;
pub mod audit;
pub mod auth;
pub mod automation;
pub mod cli;
pub mod client_ip;
pub mod commands;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod documents;
pub mod embeddings;
pub mod error;
pub mod events;
pub mod extensions;
pub mod graphql;
pub mod http;
pub mod inputs;
pub mod jobs;
pub mod matching;
pub mod metrics;
pub mod schema;
pub mod search;
pub mod state;
pub mod storage;
pub mod talent;
pub mod telemetry;
pub mod tenancy;
pub mod trusted_documents;
pub mod unit;
