//! What a refused write means to a client: every unique and foreign-key constraint of the
//! migrations, by name, with the API error it answers (DESIGN §8: no 500 from a constraint).
//!
//! Services check what they can before writing and lock the rows they depend on, so these are
//! the last line: a race they did not foresee still answers `CONFLICT` (a duplicate, a
//! concurrent change) or `NOT_FOUND` (a parent that vanished), never `INTERNAL_SERVER_ERROR`.
//! PostgreSQL names the violated constraint; SQLite only says which kind, and gets the generic
//! answer of that kind. [`AppError`]'s `From<DbErr>` is the one caller.

use sea_orm::DbErr;
use sea_orm::sqlx;

use crate::error::AppError;

/// What a violated constraint answers.
#[derive(Debug, Clone, Copy)]
enum Meaning {
    /// `CONFLICT` on `field` with `message`.
    Conflict(&'static str, &'static str),
    /// `NOT_FOUND` naming the parent that vanished.
    Parent(&'static str),
}

use Meaning::{Conflict, Parent};

/// Every named constraint of `migration/` (a unit test keeps the two in step).
const CONSTRAINTS: &[(&str, Meaning)] = &[
    ("uq_tenant_slug", Conflict("slug", "is already taken")),
    (
        "uq_user_tenant_email_index",
        Conflict("email", "a user with this e-mail already exists"),
    ),
    (
        "uq_refresh_token_hash",
        Conflict("refreshToken", "could not be issued; retry"),
    ),
    (
        "uq_invitation_token_hash",
        Conflict("token", "could not be issued; retry"),
    ),
    (
        "uq_audit_event_tenant_seq",
        Conflict("input", "a concurrent change interfered; retry"),
    ),
    (
        "uq_domain_event_tenant_seq",
        Conflict("input", "a concurrent change interfered; retry"),
    ),
    (
        "uq_skill_tenant_name_key",
        Conflict("name", "a skill with this name already exists"),
    ),
    (
        "uq_tender_match_pair",
        Conflict("consultantId", "is already matched to this tender"),
    ),
    (
        "uq_collaboration_match",
        Conflict("id", "the match already has a collaboration"),
    ),
    (
        "consultant_skill_pkey",
        Conflict(
            "skills",
            "were changed at the same time by someone else; retry",
        ),
    ),
    (
        "tender_skill_pkey",
        Conflict(
            "skills",
            "were changed at the same time by someone else; retry",
        ),
    ),
    ("fk_tenant_key_tenant", Parent("organisation")),
    ("fk_user_tenant", Parent("organisation")),
    ("fk_refresh_token_tenant", Parent("organisation")),
    ("fk_refresh_token_user", Parent("user")),
    ("fk_invitation_tenant", Parent("organisation")),
    ("fk_invitation_invited_by", Parent("user")),
    ("fk_audit_event_tenant", Parent("organisation")),
    ("fk_audit_head_tenant", Parent("organisation")),
    ("fk_domain_event_tenant", Parent("organisation")),
    ("fk_event_head_tenant", Parent("organisation")),
    ("fk_matching_settings_tenant", Parent("organisation")),
    ("fk_company_tenant", Parent("organisation")),
    ("fk_skill_tenant", Parent("organisation")),
    ("fk_consultant_tenant", Parent("organisation")),
    ("fk_consultant_skill_tenant", Parent("organisation")),
    ("fk_consultant_skill_consultant", Parent("consultant")),
    ("fk_consultant_skill_skill", Parent("skill")),
    ("fk_tender_tenant", Parent("organisation")),
    ("fk_tender_company", Parent("company")),
    ("fk_tender_skill_tenant", Parent("organisation")),
    ("fk_tender_skill_tender", Parent("tender")),
    ("fk_tender_skill_skill", Parent("skill")),
    ("fk_tender_match_tenant", Parent("organisation")),
    ("fk_tender_match_tender", Parent("tender")),
    ("fk_tender_match_consultant", Parent("consultant")),
    ("fk_collaboration_tenant", Parent("organisation")),
    ("fk_collaboration_match", Parent("match")),
    ("fk_collaboration_tender", Parent("tender")),
    ("fk_collaboration_consultant", Parent("consultant")),
    ("fk_collaboration_company", Parent("company")),
    (
        "uq_access_denial_window",
        Conflict("input", "a concurrent change interfered; retry"),
    ),
    ("fk_access_denial_tenant", Parent("organisation")),
    ("fk_revoked_access_token_tenant", Parent("organisation")),
    // Enqueuing skips a duplicate key (`ON CONFLICT DO NOTHING`); this is a backstop.
    (
        "uq_job_idempotency_key",
        Conflict("input", "this was already requested"),
    ),
    ("fk_job_tenant", Parent("organisation")),
    ("fk_workflow_tenant", Parent("organisation")),
    ("fk_workflow_run_tenant", Parent("organisation")),
    ("fk_workflow_run_workflow", Parent("workflow")),
    ("fk_sent_email_tenant", Parent("organisation")),
    ("fk_webhook_receipt_workflow", Parent("workflow")),
    ("fk_resume_tenant", Parent("organisation")),
    ("fk_resume_consultant", Parent("consultant")),
    ("fk_portfolio_project_tenant", Parent("organisation")),
    ("fk_portfolio_project_consultant", Parent("consultant")),
    ("fk_portfolio_project_company", Parent("company")),
    (
        "fk_portfolio_project_skill_project",
        Parent("portfolio project"),
    ),
    ("fk_portfolio_project_skill_skill", Parent("skill")),
    // The index is written with `ON CONFLICT` upserts; these are backstops.
    (
        "uq_search_entry_entity",
        Conflict("input", "a concurrent change interfered; retry"),
    ),
    (
        "uq_search_entry_doc",
        Conflict("input", "a concurrent change interfered; retry"),
    ),
    ("fk_search_entry_tenant", Parent("organisation")),
    ("fk_search_chunk_tenant", Parent("organisation")),
    ("fk_search_chunk_entry", Parent("search entry")),
];

/// The kind of refusal, by SQLSTATE (PostgreSQL) or extended result code (SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unique,
    ForeignKey,
    /// Serialization failure, deadlock, or a busy SQLite database.
    Concurrency,
}

fn kind_of(code: &str) -> Option<Kind> {
    match code {
        // PostgreSQL; SQLite 2067 UNIQUE, 1555 PRIMARY KEY.
        "23505" | "2067" | "1555" => Some(Kind::Unique),
        // PostgreSQL; SQLite 787 FOREIGN KEY.
        "23503" | "787" => Some(Kind::ForeignKey),
        // PostgreSQL serialization failure and deadlock; SQLite BUSY and LOCKED.
        "40001" | "40P01" | "5" | "6" | "517" | "262" => Some(Kind::Concurrency),
        _ => None,
    }
}

fn database_error(err: &DbErr) -> Option<&dyn sqlx::error::DatabaseError> {
    use sea_orm::RuntimeErr;
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Database(db) => Some(db.as_ref()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A failed `DELETE` of a parent: a foreign-key violation there means rows still point at it
/// (`CONFLICT` on `field`), not that a parent vanished; anything else maps as usual.
pub fn on_delete(err: DbErr, field: &str, message: &str) -> AppError {
    let still_referenced = database_error(&err)
        .and_then(|db| db.code())
        .is_some_and(|code| kind_of(code.as_ref()) == Some(Kind::ForeignKey));
    if still_referenced {
        AppError::conflict(field, message)
    } else {
        err.into()
    }
}

/// The client-facing meaning of a refused write, or `None` for any other database error.
pub fn classify(err: &DbErr) -> Option<AppError> {
    let db = database_error(err)?;
    let kind = kind_of(db.code()?.as_ref())?;
    let named = db
        .constraint()
        .and_then(|name| CONSTRAINTS.iter().find(|(n, _)| *n == name))
        .map(|(_, meaning)| *meaning);
    let constraint = db.constraint().unwrap_or("?");
    // A lost race on the audit chain or a deadlock means a lock is missing somewhere.
    if kind == Kind::Concurrency
        || matches!(
            constraint,
            "uq_audit_event_tenant_seq" | "uq_domain_event_tenant_seq"
        )
    {
        tracing::warn!(
            constraint,
            ?kind,
            "write refused by the database: a concurrency conflict"
        );
    } else {
        tracing::info!(constraint, ?kind, "write refused by the database");
    }
    Some(match (kind, named) {
        (_, Some(Conflict(field, message))) => AppError::conflict(field, message),
        (_, Some(Parent(what))) => AppError::NotFound(what),
        (Kind::Unique, None) => AppError::conflict("input", "conflicts with an existing record"),
        (Kind::ForeignKey, None) => AppError::NotFound("referenced record"),
        (Kind::Concurrency, None) => {
            AppError::conflict("input", "a concurrent change interfered; retry")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `.name("uq_…")` / `.name("fk_…")` of the migrations has a meaning here.
    #[test]
    fn every_constraint_of_the_migrations_is_known() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migration/src");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).expect("migration sources") {
            let path = entry.expect("entry").path();
            let source = std::fs::read_to_string(&path).expect("readable");
            for piece in source.split(".name(\"").skip(1) {
                let name = piece.split('"').next().unwrap_or_default();
                let constraint = name.starts_with("uq_") || name.starts_with("fk_");
                if constraint && !CONSTRAINTS.iter().any(|(n, _)| *n == name) {
                    missing.push(name.to_owned());
                }
            }
        }
        assert!(
            missing.is_empty(),
            "constraints without a meaning: {missing:?}"
        );
    }

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(kind_of("23505"), Some(Kind::Unique));
        assert_eq!(kind_of("1555"), Some(Kind::Unique));
        assert_eq!(kind_of("23503"), Some(Kind::ForeignKey));
        assert_eq!(kind_of("40P01"), Some(Kind::Concurrency));
        assert_eq!(kind_of("42601"), None);
    }
}
