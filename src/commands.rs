//! What each CLI command does. Failures come back as one line for `main` to print.

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::app;
use crate::audit::RequestMeta;
use crate::cli::{Cli, Command, MigrateAction};
use crate::config::{Config, LogFormat};
use crate::graphql::sdl::export_sdl;
use crate::schema::build_schema;
use crate::tenancy::sessions::{self, SignUp};
use crate::{db, demo, telemetry};

/// A failure of a command, printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{}", db::describe_error(.url, .source))]
    Database { url: String, source: sea_orm::DbErr },
    #[error("{0}")]
    App(String),
    #[error("cannot listen on {addr} (TALENTGRAPH_BIND): {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

impl From<crate::error::AppError> for CommandError {
    fn from(err: crate::error::AppError) -> Self {
        err.log_if_internal();
        CommandError::App(err.to_string())
    }
}

async fn open(config: &Config) -> Result<DatabaseConnection, CommandError> {
    connect(config.database_url(), &config.pool).await
}

async fn connect(
    url: &str,
    pool: &crate::config::PoolConfig,
) -> Result<DatabaseConnection, CommandError> {
    db::connect(url, pool)
        .await
        .map_err(|source| CommandError::Database {
            url: url.to_owned(),
            source,
        })
}

/// Runs `f` on the database at `url`, describing a failure by the URL.
fn database_error(url: &str) -> impl Fn(sea_orm::DbErr) -> CommandError + '_ {
    move |source| CommandError::Database {
        url: url.to_owned(),
        source,
    }
}

pub async fn run(cli: Cli) -> Result<(), CommandError> {
    if let Command::ExportSchema { role, out } = &cli.command {
        return export_schema(role, out.as_deref()).await;
    }
    if let Command::ReadDocument { format } = &cli.command {
        return read_document(format.as_deref());
    }
    telemetry::init(LogFormat::parse(&cli.config.log_format)?)?;
    let result = run_command(cli).await;
    telemetry::shutdown();
    result
}

/// `read-document`: see `documents::reader`.
fn read_document(format: Option<&str>) -> Result<(), CommandError> {
    let format = match format {
        None => None,
        Some(name) => Some(crate::documents::reader::parse_format(name).ok_or_else(|| {
            CommandError::App(format!("unknown format `{name}`: PDF, DOCX or TEXT"))
        })?),
    };
    crate::documents::reader::read_document(format)
        .map_err(|err| CommandError::App(format!("read-document: {err}")))
}

async fn run_command(cli: Cli) -> Result<(), CommandError> {
    let demo = matches!(cli.command, Command::Serve { demo: true });
    if let Command::Migrate { action } = cli.command {
        // Migrations need no secret: none is required, and none is generated.
        return migrate(&cli.config, action).await;
    }
    // The settings are checked, then the address is taken, before anything is written
    // (generated secrets, migrations): a bad setting or a port in use changes nothing.
    Config::check(&cli.config, demo)?;
    let listener = match &cli.command {
        Command::Serve { .. } => Some(bind(&cli.config.bind).await?),
        _ => None,
    };
    let mut config = Config::from_args(&cli.config, demo)?;
    // Uploaded files are parsed in children of this very binary (`documents::reader`).
    config.document_reader = std::env::current_exe().ok();
    match cli.command {
        Command::Serve { demo } => match listener {
            Some(listener) => serve(config, listener, demo).await,
            None => Ok(()),
        },
        Command::Migrate { .. } => Ok(()),
        Command::SeedDemo => {
            let db = open(&config).await?;
            db::migrate(&db)
                .await
                .map_err(database_error(config.database_url()))?;
            let state = app::state(db, config)?;
            demo::seed(&state).await?;
            Ok(())
        }
        Command::CreateTenant {
            name,
            slug,
            admin_email,
            admin_name,
            admin_password,
        } => {
            let db = open(&config).await?;
            db::migrate(&db)
                .await
                .map_err(database_error(config.database_url()))?;
            let state = app::state(db, config)?;
            let session = sessions::sign_up(
                &state,
                &RequestMeta::default(),
                SignUp {
                    organization_name: name,
                    slug,
                    email: admin_email,
                    password: admin_password,
                    full_name: admin_name,
                },
            )
            .await?;
            println!(
                "created organisation {} with ADMIN user {}",
                session.user.tenant_id, session.user.id
            );
            Ok(())
        }
        Command::RotateEncryptionKey => rotate(config).await,
        Command::ReindexSearch => {
            let db = open(&config).await?;
            db::migrate(&db)
                .await
                .map_err(database_error(config.database_url()))?;
            let state = app::state(db, config)?;
            let entries = crate::search::index::reindex_all(&state).await?;
            println!("search index rebuilt: {entries} entries written");
            Ok(())
        }
        Command::Worker => {
            let db = open(&config).await?;
            db::migrate(&db)
                .await
                .map_err(database_error(config.database_url()))?;
            let state = app::state(db, config)?;
            tracing::info!(
                workers = state.config.jobs.workers.max(1),
                "talentgraph worker running"
            );
            app::work(state, app::shutdown_signal()).await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::ExportSchema { .. } | Command::ReadDocument { .. } => Ok(()),
    }
}

async fn bind(address: &str) -> Result<tokio::net::TcpListener, CommandError> {
    let addr: std::net::SocketAddr =
        address
            .parse()
            .map_err(|e| crate::config::ConfigError::Invalid {
                var: "TALENTGRAPH_BIND",
                reason: format!("`{address}` is not a socket address ({e})"),
            })?;
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| CommandError::Bind { addr, source })
}

async fn serve(
    config: Config,
    listener: tokio::net::TcpListener,
    demo: bool,
) -> Result<(), CommandError> {
    let db = open(&config).await?;
    db::migrate(&db)
        .await
        .map_err(database_error(config.database_url()))?;
    // Before the readers open: they read the planner's statistics when they do.
    if let Err(err) = db::optimize(&db).await {
        tracing::warn!(error = %err, "the database's planner statistics were not refreshed");
    }
    let bind = listener.local_addr().unwrap_or(config.bind);
    let readers = db::connect_readers(config.database_url(), &config.pool)
        .await
        .map_err(database_error(config.database_url()))?;
    let state = app::state(db, config)?.with_readers(readers);
    if demo {
        demo::seed(&state).await?;
    }
    tracing::info!(
        "talentgraph listening on http://{bind} (GraphQL /graphql, GraphiQL /graphiql, WebSocket /graphql/ws)"
    );
    app::serve(state, listener, app::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(
    args: &crate::config::ConfigArgs,
    action: MigrateAction,
) -> Result<(), CommandError> {
    let url = args.database_url.as_str();
    if !crate::config::is_postgres(url) && !url.starts_with("sqlite:") {
        return Err(crate::config::ConfigError::Invalid {
            var: "DATABASE_URL",
            reason: "expected a `sqlite://` or `postgres://` URL".to_owned(),
        }
        .into());
    }
    let pool = args.tuning.pool()?;
    if let MigrateAction::Status = action {
        return status(url, &pool).await;
    }
    let db = connect(url, &pool).await?;
    let done = match action {
        MigrateAction::Up => Migrator::up(&db, None).await,
        MigrateAction::Down => Migrator::down(&db, Some(1)).await,
        MigrateAction::Fresh => Migrator::fresh(&db).await,
        MigrateAction::Status => Ok(()),
    };
    done.map_err(database_error(url))
}

/// Prints each migration and whether it is applied; writes nothing, creates nothing (a SQLite
/// file that does not exist yet is reported, not created).
async fn status(url: &str, pool: &crate::config::PoolConfig) -> Result<(), CommandError> {
    let migrations = match db::sqlite_path(url) {
        Some(path) if !path.exists() => {
            println!(
                "no database at {} yet (DATABASE_URL): every migration is pending",
                path.display()
            );
            Migrator::migrations()
                .iter()
                .map(|m| (false, m.name().to_owned()))
                .collect::<Vec<_>>()
        }
        _ => {
            let db = connect(&db::read_only(url), pool).await?;
            Migrator::get_migration_with_status_read_only(&db)
                .await
                .map_err(database_error(url))?
                .into_iter()
                .map(|m| (m.status().to_string() == "Applied", m.name().to_owned()))
                .collect()
        }
    };
    for (applied, name) in migrations {
        println!("{}\t{name}", if applied { "Applied" } else { "Pending" });
    }
    Ok(())
}

async fn rotate(config: Config) -> Result<(), CommandError> {
    let db = open(&config).await?;
    db::migrate(&db)
        .await
        .map_err(database_error(config.database_url()))?;
    let state = app::state(db, config)?;
    let report = crate::tenancy::keys::rotate_master_key(&state, &state.config.master_keys).await?;
    println!(
        "re-wrapped {} tenant key(s) under `{}`; {} already current",
        report.rewrapped.len(),
        state.config.master_keys.current().id(),
        report.already_current
    );
    Ok(())
}

async fn export_schema(role: &str, out: Option<&std::path::Path>) -> Result<(), CommandError> {
    let role = match role.to_ascii_uppercase().as_str() {
        "ANONYMOUS" => None,
        other => Some(entity::Role::parse(other).ok_or_else(|| {
            CommandError::App(format!(
                "--role must be ADMIN, MANAGER, CONSULTANT, CLIENT or ANONYMOUS, got `{role}`"
            ))
        })?),
    };
    let sdl = export_sdl(&build_schema(None), role).await?;
    match out {
        Some(path) => std::fs::write(path, &sdl).map_err(|source| CommandError::Write {
            path: path.to_owned(),
            source,
        })?,
        None => print!("{sdl}"),
    }
    Ok(())
}
