//! Full-text search in the database itself: PostgreSQL's `tsvector`s under GIN indexes
//! ('simple' configuration), SQLite's FTS5 table. A query's words are looked up with OR and
//! ranked by the database (PostgreSQL `ts_rank_cd`, SQLite BM25), so more of the words and
//! rarer ones rank higher; English filler words are left out of the query. A reader is
//! searched on the text they may read (staff-only text only with `internal_notes:read`) and
//! only among the rows of their row scopes, inside the one statement.

use std::collections::HashMap;

use entity::search_entry;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait as _, Order, Query};
use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, QuerySelect, QueryTrait};
use uuid::Uuid;

use super::{Kind, MARK_END, MARK_START};
use crate::auth::{Permission, Principal};
use crate::error::Result;

/// Words no query needs (they are in nearly every text).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "he", "in",
    "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "they", "this", "to",
    "was", "were", "who", "with", "someone", "somebody", "anyone",
];

/// The most words of a query that are looked up.
const MAX_TERMS: usize = 16;

/// The words of `query` that are looked up: letters and digits, lower-cased, without filler.
pub fn terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()) {
        let word: String = word.chars().take(64).collect::<String>().to_lowercase();
        if word.is_empty() || STOP_WORDS.contains(&word.as_str()) || terms.contains(&word) {
            continue;
        }
        terms.push(word);
        if terms.len() == MAX_TERMS {
            break;
        }
    }
    terms
}

/// A row found by its words, with the database's rank (higher is better).
#[derive(Debug, Clone, FromQueryResult)]
pub struct Found {
    pub id: Uuid,
    pub kind: String,
    pub entity_id: Uuid,
    pub rank: f64,
}

/// Whether `p` is searched on staff-only text too.
pub fn reads_staff_text(p: &Principal) -> bool {
    p.can(Permission::InternalNotesRead)
}

/// The entries `p` may find among `kinds`, optionally of one consultant (a condition on
/// `search_entry`).
pub fn in_scope(p: &Principal, kinds: &[Kind], consultant_id: Option<Uuid>) -> Condition {
    use entity::{consultant, portfolio_project, resume, tender};
    let mut any = Condition::any();
    for kind in kinds {
        let ids = match kind {
            Kind::Consultant if p.can(Permission::ConsultantRead) => {
                crate::talent::scope::consultants(p)
                    .select_only()
                    .column(consultant::Column::Id)
                    .into_query()
            }
            Kind::Tender if p.can(Permission::TenderRead) => crate::talent::scope::tenders(p)
                .select_only()
                .column(tender::Column::Id)
                .into_query(),
            Kind::Resume if p.can(Permission::ResumeRead) => crate::documents::scope::resumes(p)
                .select_only()
                .column(resume::Column::Id)
                .into_query(),
            Kind::Portfolio if p.can(Permission::PortfolioRead) => {
                crate::documents::scope::portfolio_projects(p)
                    .select_only()
                    .column(portfolio_project::Column::Id)
                    .into_query()
            }
            _ => continue,
        };
        any = any.add(
            Condition::all()
                .add(
                    Expr::col((search_entry::Entity, search_entry::Column::Kind)).eq(kind.as_str()),
                )
                .add(
                    Expr::col((search_entry::Entity, search_entry::Column::EntityId))
                        .in_subquery(ids),
                ),
        );
    }
    if any.is_empty() {
        // Nothing of what was asked is readable.
        any = any.add(Expr::cust("1 = 0"));
    }
    let mut all = Condition::all()
        .add(Expr::col((search_entry::Entity, search_entry::Column::TenantId)).eq(p.tenant_id))
        .add(any);
    if let Some(consultant_id) = consultant_id {
        all = all.add(
            Expr::col((search_entry::Entity, search_entry::Column::ConsultantId)).eq(consultant_id),
        );
    }
    all
}

/// The query as the backend's full-text syntax: `'a' | 'b'` (tsquery) or `"a" OR "b"` (FTS5,
/// limited to the public column unless `staff`).
fn expression(backend: DatabaseBackend, terms: &[String], staff: bool) -> String {
    match backend {
        DatabaseBackend::Postgres => terms
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(" | "),
        _ => {
            let any = terms
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" OR ");
            if staff {
                any
            } else {
                format!("{{public_text}} : ({any})")
            }
        }
    }
}

/// The `limit` best entries for `terms` among those `scope` admits.
pub async fn find(
    db: &impl ConnectionTrait,
    p: &Principal,
    terms: &[String],
    scope: Condition,
    limit: u64,
) -> Result<Vec<Found>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let staff = reads_staff_text(p);
    let expression = expression(backend, terms, staff);
    let mut select = Query::select();
    select
        .columns([
            (search_entry::Entity, search_entry::Column::Id),
            (search_entry::Entity, search_entry::Column::Kind),
            (search_entry::Entity, search_entry::Column::EntityId),
        ])
        .cond_where(scope)
        .limit(limit);
    match backend {
        DatabaseBackend::Postgres => {
            let column = if staff { "all_tsv" } else { "public_tsv" };
            select
                .from(search_entry::Entity)
                .expr_as(
                    Expr::cust_with_values(
                        format!(
                            "ts_rank_cd(search_entry.{column}, to_tsquery('simple', $1))::float8"
                        ),
                        [expression.clone()],
                    ),
                    Alias::new("rank"),
                )
                .and_where(Expr::cust_with_values(
                    format!("search_entry.{column} @@ to_tsquery('simple', $1)"),
                    [expression],
                ))
                .order_by(Alias::new("rank"), Order::Desc);
        }
        _ => {
            // The full-text table drives the join (CROSS JOIN fixes SQLite's order): the other
            // way round, the match would be evaluated once per entry of the tenant.
            select
                .from(Alias::new("search_fts"))
                .cross_join(search_entry::Entity)
                .expr_as(Expr::cust("-bm25(search_fts)"), Alias::new("rank"))
                .and_where(Expr::cust("search_fts.rowid = search_entry.doc_id"))
                .and_where(Expr::cust_with_values("search_fts MATCH ?", [expression]))
                .order_by(Alias::new("rank"), Order::Desc);
        }
    }
    let statement = backend.build(&select);
    Ok(Found::find_by_statement(statement).all(db).await?)
}

#[derive(Debug, FromQueryResult)]
struct Snippet {
    id: Uuid,
    snippet: Option<String>,
}

/// Passages of the entries `ids` around the words of `terms`, matches between
/// [`MARK_START`] and [`MARK_END`], from the text `p` may read.
pub async fn snippets(
    db: &impl ConnectionTrait,
    p: &Principal,
    terms: &[String],
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>> {
    if terms.is_empty() || ids.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let staff = reads_staff_text(p);
    let expression = expression(backend, terms, staff);
    let mut select = Query::select();
    select
        .column((search_entry::Entity, search_entry::Column::Id))
        .and_where(
            Expr::col((search_entry::Entity, search_entry::Column::TenantId)).eq(p.tenant_id),
        )
        .and_where(
            Expr::col((search_entry::Entity, search_entry::Column::Id)).is_in(ids.iter().copied()),
        );
    match backend {
        DatabaseBackend::Postgres => {
            let text = if staff {
                "translate(search_entry.public_text || ' ' || search_entry.staff_text, '<>&', '   ')"
            } else {
                "translate(search_entry.public_text, '<>&', '   ')"
            };
            let options = format!(
                "StartSel=\"{MARK_START}\", StopSel=\"{MARK_END}\", MaxFragments=2, \
                 MaxWords=18, MinWords=6, FragmentDelimiter=\" … \""
            );
            select.from(search_entry::Entity).expr_as(
                Expr::cust_with_values(
                    format!("ts_headline('simple', {text}, to_tsquery('simple', $1), $2)"),
                    [expression, options],
                ),
                Alias::new("snippet"),
            );
        }
        _ => {
            let column = if staff { -1 } else { 0 };
            select
                .from(search_entry::Entity)
                .cross_join(Alias::new("search_fts"))
                .expr_as(
                    Expr::cust_with_values(
                        format!("snippet(search_fts, {column}, ?, ?, '…', 16)"),
                        [MARK_START.to_string(), MARK_END.to_string()],
                    ),
                    Alias::new("snippet"),
                )
                .and_where(Expr::cust("search_fts.rowid = search_entry.doc_id"))
                .and_where(Expr::cust_with_values("search_fts MATCH ?", [expression]));
        }
    }
    let statement = backend.build(&select);
    Ok(Snippet::find_by_statement(statement)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|s| s.snippet.map(|snippet| (s.id, snippet)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_their_words_and_drop_filler_and_syntax() {
        assert_eq!(
            terms("someone who has built payment systems in Go"),
            ["built", "payment", "systems", "go"]
        );
        assert_eq!(
            terms("\"x\" OR y* NEAR(z) 'a' | b"),
            ["x", "y", "near", "z", "b"]
        );
        assert_eq!(terms("Müller, C++ C#"), ["müller", "c"]);
        assert!(terms("  the and  ").is_empty());
    }

    #[test]
    fn expressions_quote_every_word() {
        let t = vec!["go".to_owned(), "rust".to_owned()];
        assert_eq!(
            expression(DatabaseBackend::Postgres, &t, true),
            "'go' | 'rust'"
        );
        assert_eq!(
            expression(DatabaseBackend::Sqlite, &t, false),
            "{public_text} : (\"go\" OR \"rust\")"
        );
    }
}
