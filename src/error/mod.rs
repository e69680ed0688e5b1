//! The one error type of the server and its one mapping to GraphQL `extensions.code` (DESIGN §8).
//!
//! Every fallible service returns [`AppError`]; resolvers hand it to async-graphql through the
//! `From` impl at the bottom of this file, which is the only place codes are assigned. Internal
//! errors are logged with their chain and shown to clients as a bare `INTERNAL_SERVER_ERROR`.

pub mod constraints;

use std::collections::BTreeMap;
use std::fmt;

use async_graphql::ErrorExtensions as _;

/// Result with [`AppError`] as the default error.
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Field name → message, for `BAD_USER_INPUT` and `CONFLICT`.
pub type FieldErrors = BTreeMap<String, String>;

/// The codes clients may see in `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    QueryTooComplex,
    GraphqlParseFailed,
    GraphqlValidationFailed,
    /// A persisted document's hash this server does not know: send the text with it.
    PersistedQueryNotFound,
    InternalServerError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::QueryTooComplex => "QUERY_TOO_COMPLEX",
            ErrorCode::GraphqlParseFailed => "GRAPHQL_PARSE_FAILED",
            ErrorCode::GraphqlValidationFailed => "GRAPHQL_VALIDATION_FAILED",
            ErrorCode::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ErrorCode::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Anything that went wrong inside the server; never shown to clients.
pub type InternalError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// `UNAUTHENTICATED`: no valid session (or bad credentials at sign-in).
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// `FORBIDDEN`: the principal lacks the permission.
    #[error("you are not allowed to do this")]
    Forbidden,
    /// `NOT_FOUND`: missing, of another tenant, or outside the actor's row scope; nothing tells which.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// `BAD_USER_INPUT` with `extensions.fields`.
    #[error("invalid input: {}", summary(.0))]
    InvalidInput(FieldErrors),
    /// `CONFLICT` with `extensions.fields`: a uniqueness or state conflict.
    #[error("conflict: {}", summary(.0))]
    Conflict(FieldErrors),
    /// `RATE_LIMITED` with `extensions.retryAfterSeconds`.
    #[error("too many attempts; retry in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// `INTERNAL_SERVER_ERROR`; the source is logged, never returned.
    #[error("internal server error")]
    Internal(#[source] InternalError),
}

fn summary(fields: &FieldErrors) -> String {
    fields
        .iter()
        .map(|(field, message)| format!("{field}: {message}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    /// `BAD_USER_INPUT` on one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::InvalidInput(BTreeMap::from([(field.into(), message.into())]))
    }

    /// `CONFLICT` on one field.
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Conflict(BTreeMap::from([(field.into(), message.into())]))
    }

    /// `CONFLICT` on `id` for a transition the row's current status does not allow, naming
    /// that status: `cannot accept a match that is ACCEPTED`. Of concurrent transitions on one
    /// row, every loser gets this.
    pub fn illegal_transition<S: serde::Serialize>(verb: &str, what: &str, current: &S) -> Self {
        AppError::conflict(
            "id",
            format!("cannot {verb} a {what} that is {}", wire_name(current)),
        )
    }

    /// `INTERNAL_SERVER_ERROR` from any error.
    pub fn internal(source: impl Into<InternalError>) -> Self {
        AppError::Internal(source.into())
    }

    /// Logs the source chain of an internal error (used where the error leaves outside GraphQL).
    pub fn log_if_internal(&self) {
        if let AppError::Internal(source) = self {
            log_internal(source.as_ref());
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            AppError::Forbidden => ErrorCode::Forbidden,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::InvalidInput(_) => ErrorCode::BadUserInput,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Internal(_) => ErrorCode::InternalServerError,
        }
    }
}

/// A refused write (unique or foreign key, a lost race) answers `CONFLICT` or `NOT_FOUND` by
/// constraint name (`constraints`); every other database error is internal.
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        constraints::classify(&err).unwrap_or_else(|| AppError::Internal(Box::new(err)))
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

/// The API name of a stored enum value (`IN_PROGRESS`, `PROPOSED`, …), for messages.
pub fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Collects the field errors of several parses, so that one response names every bad field.
#[derive(Debug, Default)]
pub struct Validation {
    fields: FieldErrors,
}

impl Validation {
    pub fn new() -> Self {
        Validation::default()
    }

    /// The parsed value, or `None` after recording its field errors.
    pub fn check<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(AppError::InvalidInput(fields)) => {
                self.fields.extend(fields);
                None
            }
            Err(other) => {
                self.fields.insert("input".to_owned(), other.to_string());
                None
            }
        }
    }

    /// Records an error on one field.
    pub fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields.insert(field.into(), message.into());
    }

    /// `BAD_USER_INPUT` with every recorded field, if any.
    pub fn finish(self) -> Result<()> {
        if self.fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::InvalidInput(self.fields))
        }
    }
}

/// Logs an internal error with its whole chain; the client only sees the code.
fn log_internal(source: &(dyn std::error::Error + 'static)) {
    let mut chain = source.to_string();
    let mut next = source.source();
    while let Some(cause) = next {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        next = cause.source();
    }
    tracing::error!(error = %chain, "internal error");
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        let code = err.code();
        let message = match &err {
            AppError::Internal(source) => {
                log_internal(source.as_ref());
                "Internal server error".to_owned()
            }
            other => other.to_string(),
        };
        async_graphql::Error::new(message).extend_with(|_, ext| {
            ext.set("code", code.as_str());
            match &err {
                AppError::InvalidInput(fields) | AppError::Conflict(fields) => {
                    let mut map = async_graphql::indexmap::IndexMap::new();
                    for (field, message) in fields {
                        map.insert(
                            async_graphql::Name::new(field),
                            async_graphql::Value::from(message.as_str()),
                        );
                    }
                    ext.set("fields", async_graphql::Value::Object(map));
                }
                AppError::RateLimited { retry_after_secs } => {
                    ext.set("retryAfterSeconds", *retry_after_secs);
                }
                _ => {}
            }
        })
    }
}

/// Gives a code to errors raised by async-graphql itself (parse, validation, limits, input
/// coercion), so that every error a client sees carries `extensions.code`.
pub fn classify_engine_error(message: &str) -> ErrorCode {
    // The messages of async-graphql's depth, complexity, recursion and directive limits.
    const TOO_COMPLEX: [&str; 4] = [
        "too complex",
        "nested too deep",
        "recursion depth",
        "number of directives",
    ];
    let lower = message.to_ascii_lowercase();
    if TOO_COMPLEX.iter().any(|needle| lower.contains(needle)) {
        ErrorCode::QueryTooComplex
    } else if lower.starts_with("failed to parse")
        || lower.starts_with("invalid value for argument")
    {
        ErrorCode::BadUserInput
    } else {
        ErrorCode::GraphqlValidationFailed
    }
}

/// The argument an engine input error is about: `Invalid value for argument "input.email", …`.
fn engine_error_field(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("Invalid value for argument \"")
        .or_else(|| message.strip_prefix("Failed to parse \""))?;
    rest.split('"').next().filter(|name| !name.is_empty())
}

/// Ensures every error in a response carries `extensions.code` (engine errors have none), and
/// that engine input errors name their field in `extensions.fields`.
pub fn ensure_codes(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        let code = classify_engine_error(&error.message);
        let field = (code == ErrorCode::BadUserInput)
            .then(|| engine_error_field(&error.message))
            .flatten()
            .map(str::to_owned);
        let ext = error.extensions.get_or_insert_with(Default::default);
        ext.set("code", code.as_str());
        if let Some(field) = field {
            let mut fields = async_graphql::indexmap::IndexMap::new();
            fields.insert(
                async_graphql::Name::new(field),
                async_graphql::Value::from(error.message.as_str()),
            );
            ext.set("fields", async_graphql::Value::Object(fields));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_are_classified() {
        assert_eq!(
            classify_engine_error("Query is too complex."),
            ErrorCode::QueryTooComplex
        );
        assert_eq!(
            classify_engine_error("The query is nested too deep."),
            ErrorCode::QueryTooComplex
        );
        assert_eq!(
            classify_engine_error(
                "The number of directives on the field `a` cannot be greater than `2`"
            ),
            ErrorCode::QueryTooComplex
        );
        assert_eq!(
            classify_engine_error(
                r#"Invalid value for argument "input.email", expected type "String""#
            ),
            ErrorCode::BadUserInput
        );
        assert_eq!(
            classify_engine_error(r#"Unknown field "nope" on type "Query"."#),
            ErrorCode::GraphqlValidationFailed
        );
        assert_eq!(
            engine_error_field(
                r#"Invalid value for argument "input.email", expected type "String""#
            ),
            Some("input.email")
        );
    }
}
