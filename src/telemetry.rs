//! Logging: pretty or JSON lines, filtered by `RUST_LOG`; and, when `OTEL_EXPORTER_OTLP_ENDPOINT`
//! (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, the same spans as OpenTelemetry traces over
//! OTLP/HTTP (protobuf) to that collector: each request, each GraphQL operation
//! (`query Board`, with `graphql.operation.name` and `.type`), each job and unit of work.
//! The standard `OTEL_*` variables apply (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
//! `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_EXPORTER_OTLP_HEADERS`, …).

use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::prelude::*;

use crate::config::{ConfigError, LogFormat};

/// The trace pipeline, flushed by [`shutdown`].
static TRACES: OnceLock<SdkTracerProvider> = OnceLock::new();

fn env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

/// The OTLP trace pipeline, when an endpoint is configured. Built on a thread of its own: the
/// exporter's blocking HTTP client may not be created (nor dropped) on the async runtime; the
/// batch processor sends from its own thread.
fn traces() -> Result<Option<SdkTracerProvider>, ConfigError> {
    let var = if env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_some() {
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    } else if env("OTEL_EXPORTER_OTLP_ENDPOINT").is_some() {
        "OTEL_EXPORTER_OTLP_ENDPOINT"
    } else {
        return Ok(None);
    };
    let built = std::thread::spawn(|| -> Result<SdkTracerProvider, String> {
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .build()
            .map_err(|e| e.to_string())?;
        let mut resource = opentelemetry_sdk::Resource::builder();
        if env("OTEL_SERVICE_NAME").is_none() {
            resource = resource.with_service_name("talentgraph");
        }
        Ok(SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource.build())
            .build())
    })
    .join()
    .map_err(|_| ConfigError::Invalid {
        var,
        reason: "the OTLP exporter could not start".to_owned(),
    })?;
    built
        .map(Some)
        .map_err(|reason| ConfigError::Invalid { var, reason })
}

/// Installs the global subscriber. Safe to call once per process. A `RUST_LOG` that does not
/// parse is refused (rather than silently replaced by the default), and so is an OTLP endpoint
/// the exporter cannot use.
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
    let lines: Box<dyn tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync> =
        match format {
            LogFormat::Json => tracing_subscriber::fmt::layer()
                .with_target(false)
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .boxed(),
            LogFormat::Pretty => tracing_subscriber::fmt::layer().with_target(false).boxed(),
        };
    let otel = match traces()? {
        Some(provider) => {
            let tracer = provider.tracer("talentgraph");
            let _ = TRACES.set(provider);
            Some(tracing_opentelemetry::layer().with_tracer(tracer))
        }
        None => None,
    };
    let result = tracing_subscriber::registry()
        .with(lines)
        .with(otel)
        .with(filter)
        .try_init();
    // Already installed (tests spawning several servers): keep the first one.
    let _ = result;
    Ok(())
}

/// Sends the spans still buffered (at exit), off the async runtime.
pub fn shutdown() {
    if let Some(provider) = TRACES.get().cloned() {
        let _ = std::thread::spawn(move || provider.shutdown()).join();
    }
}
