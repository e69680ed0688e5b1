//! The command line (DESIGN §4).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::ConfigArgs;

#[derive(Debug, Parser)]
#[command(
    name = "talentgraph",
    version,
    about = "Multi-tenant GraphQL backend for staffing and consulting agencies"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the API.
    Serve {
        /// Seed a demo organisation (slug `demo`) when the database is empty and print its logins.
        #[arg(long)]
        demo: bool,
    },
    /// Run job workers only, without the HTTP server (`TALENTGRAPH_WORKERS` of them, at least
    /// one), until SIGTERM or Ctrl-C.
    Worker,
    /// Apply, revert or inspect migrations.
    Migrate {
        #[arg(value_enum, default_value_t = MigrateAction::Up)]
        action: MigrateAction,
    },
    /// Print the GraphQL SDL, as seen by a role (default: the full ADMIN schema).
    ExportSchema {
        /// ADMIN, MANAGER, CONSULTANT, CLIENT or ANONYMOUS.
        #[arg(long, default_value = "ADMIN")]
        role: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create the demo organisation (slug `demo`) if it does not exist and print its logins.
    SeedDemo,
    /// Create an organisation and its first ADMIN.
    CreateTenant {
        #[arg(long)]
        name: String,
        #[arg(long)]
        slug: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: String,
        /// The ADMIN's password (at least 10 characters).
        #[arg(long, env = "TALENTGRAPH_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: String,
    },
    /// Re-wrap every tenant data key under the current (first) master key.
    RotateEncryptionKey,
    /// Rebuild the search index of every organisation from its rows (after an upgrade that
    /// brought search, or to repair it); embeddings follow through the job queue.
    ReindexSearch,
    /// Internal: parse an uploaded file from standard input (its format, or with `--format`
    /// its text) and print the answer as JSON; the server runs it in a bounded child process.
    #[command(hide = true)]
    ReadDocument {
        /// PDF, DOCX or TEXT: print the text instead of the format.
        #[arg(long)]
        format: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MigrateAction {
    Up,
    Down,
    Status,
    Fresh,
}
