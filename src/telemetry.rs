//! Logging: pretty or JSON lines, filtered by `RUST_LOG`.

use tracing_subscriber::EnvFilter;

use crate::config::{ConfigError, LogFormat};

/// Installs the global subscriber. Safe to call once per process. A `RUST_LOG` that does not
/// parse is refused (rather than silently replaced by the default).
pub fn init(format: LogFormat) -> Result<(), ConfigError> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(value) if !value.trim().is_empty() => EnvFilter::builder()
            .with_regex(false)
            .parse(&value)
            .map_err(|e| ConfigError::Invalid {
                var: "RUST_LOG",
                reason: format!(
                    "`{value}` is not a log filter ({e}); e.g. `info,talentgraph=debug`"
                ),
            })?,
        _ => EnvFilter::new("info,sqlx=warn,sea_orm=warn"),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
    // Already installed (tests spawning several servers): keep the first one.
    let _ = result;
    Ok(())
}
