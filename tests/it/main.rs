//! Black-box integration tests: each test boots the real server on 127.0.0.1:0 against a fresh
//! database (SQLite by default; PostgreSQL when `TALENTGRAPH_TEST_POSTGRES_URL` is set) and
//! talks HTTP and WebSocket to it like a client. Each test creates its own organisations.

#![expect(
    clippy::disallowed_methods,
    reason = "tests inspect raw rows behind the API's back"
)]

mod helpers;

mod audit;
mod auth;
mod automation;
mod automation_triggers;
mod browser;
mod cli;
mod crypto;
mod dashboard;
mod dependencies;
mod events;
mod generate;
mod hostile_inputs;
mod http_hardening;
mod jobs;
mod live;
mod migrations;
mod ops;
mod persisted;
mod portfolio;
mod races;
mod rbac;
mod read_path;
mod resumes;
mod role_matrix;
mod schema;
mod search;
mod talent_catalogue;
mod talent_consultants;
mod talent_edges;
mod talent_matching;
mod talent_tenders;
mod users;
mod websocket;
