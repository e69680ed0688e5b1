//! What each CLI command does. Failures come back as one line for `main` to print.

use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::app::{self, AppState};
use crate::audit::RequestMeta;
use crate::cli::{Cli, Command, MigrateAction};
use crate::config::{Config, LogFormat};
use crate::graphql::{build_schema, sdl::export_sdl};
use crate::tenancy::sessions::{self, SignUp};
use crate::{crypto, db, demo, telemetry};

/// A failure of a command, printed as one line.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    App(String),
    #[error("cannot bind {addr}: {source}")]
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
    Ok(db::connect(config.database_url(), &config.pool).await?)
}

pub async fn run(cli: Cli) -> Result<(), CommandError> {
    if let Command::ExportSchema { role, out } = &cli.command {
        return export_schema(role, out.as_deref()).await;
    }
    let demo = matches!(cli.command, Command::Serve { demo: true });
    telemetry::init(LogFormat::parse(&cli.config.log_format).unwrap_or(LogFormat::Pretty));
    let config = Config::from_args(&cli.config, demo)?;
    match cli.command {
        Command::Serve { demo } => serve(config, demo).await,
        Command::Migrate { action } => migrate(config, action).await,
        Command::SeedDemo => {
            let db = open(&config).await?;
            db::migrate(&db).await?;
            let state = AppState::new(db, config)?;
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
            db::migrate(&db).await?;
            let state = AppState::new(db, config)?;
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
        Command::ExportSchema { .. } => Ok(()),
    }
}

async fn serve(config: Config, demo: bool) -> Result<(), CommandError> {
    let db = open(&config).await?;
    db::migrate(&db).await?;
    let bind = config.bind;
    let state = AppState::new(db, config)?;
    if demo {
        demo::seed(&state).await?;
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| CommandError::Bind { addr: bind, source })?;
    tracing::info!(
        "talentgraph listening on http://{bind} (GraphQL /graphql, GraphiQL /graphiql, WebSocket /graphql/ws)"
    );
    app::serve(state, listener, app::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(config: Config, action: MigrateAction) -> Result<(), CommandError> {
    let db = open(&config).await?;
    match action {
        MigrateAction::Up => Migrator::up(&db, None).await?,
        MigrateAction::Down => Migrator::down(&db, Some(1)).await?,
        MigrateAction::Fresh => Migrator::fresh(&db).await?,
        MigrateAction::Status => {
            for m in Migrator::get_migration_with_status(&db).await? {
                println!("{:?}\t{}", m.status(), m.name());
            }
        }
    }
    Ok(())
}

async fn rotate(config: Config) -> Result<(), CommandError> {
    let db = open(&config).await?;
    db::migrate(&db).await?;
    let report = crypto::rotate_master_key(&db, &config.master_keys).await?;
    println!(
        "re-wrapped {} tenant key(s) under `{}`; {} already current",
        report.rewrapped.len(),
        config.master_keys.current().id(),
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
