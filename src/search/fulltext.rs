//! Full-text search in the database itself: PostgreSQL's `tsvector`s under GIN indexes
//! ('simple' configuration), SQLite's FTS5 table. English filler words are left out of the
//! query; each remaining word is counted first (in how many of the tenant's entries it is, up
//! to just past [`COMMON_ENTRIES`]): the rare words find entries (any of them), the common ones
//! only rank what the rare ones found ([`Plan`]), and the database ranks by all of them
//! (PostgreSQL `ts_rank`, SQLite BM25), so more of the words and rarer ones rank higher.
//! A reader is searched on the text they may read (staff-only text only with
//! `internal_notes:read`) and only among the rows of their row scopes, inside the one
//! statement.

use std::collections::HashMap;

use entity::search_entry;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait as _, Order, Query};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, FromQueryResult, QuerySelect, QueryTrait, Statement,
    TransactionTrait,
};
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

/// A word in more of a tenant's entries than this is common: it ranks the entries the query's
/// rarer words find but finds none by itself (Lucene's common-terms query). Ranking costs
/// time per entry found — a word most texts have would make every search rank most of the
/// tenant — and such a word says little of which entry is meant.
pub const COMMON_ENTRIES: u64 = 1_000;

/// How the words of a query find entries, from how many entries each is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// No word of the query is in any entry.
    Nothing,
    /// The entries with any of these (rare) words.
    Any(Vec<String>),
    /// The entries with every one of these words: all the query's words are common.
    Every(Vec<String>),
}

/// The plan for the words of `counted` (each with the entries it is in, counted up to just
/// past [`COMMON_ENTRIES`]).
pub fn plan(counted: &[(String, u64)]) -> Plan {
    let present: Vec<&(String, u64)> = counted.iter().filter(|(_, n)| *n > 0).collect();
    let rare: Vec<String> = present
        .iter()
        .filter(|(_, n)| *n <= COMMON_ENTRIES)
        .map(|(term, _)| term.clone())
        .collect();
    if !rare.is_empty() {
        Plan::Any(rare)
    } else if present.is_empty() {
        Plan::Nothing
    } else {
        Plan::Every(present.iter().map(|(term, _)| term.clone()).collect())
    }
}

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

/// How the words of a full-text expression are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    /// Entries with any of the words.
    Any,
    /// Entries with every word.
    Every,
}

/// `terms` joined by `join` in PostgreSQL's tsquery syntax: `'a' | 'b'`.
fn tsquery(terms: &[String], join: Join) -> String {
    let operator = match join {
        Join::Any => " | ",
        Join::Every => " & ",
    };
    terms
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(operator)
}

/// `terms` joined by `join` in FTS5's syntax: `"a" OR "b"`.
fn fts5(terms: &[String], join: Join) -> String {
    let operator = match join {
        Join::Any => " OR ",
        Join::Every => " AND ",
    };
    terms
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(operator)
}

/// The word every index entry of `tenant_id` holds (migration 000030): full-text queries
/// require it, so the index only walks that organisation's entries.
pub fn tenant_token(tenant_id: Uuid) -> String {
    format!("tenant{}", tenant_id.simple())
}

/// A tsquery of `tenant_id`'s entries with `terms` joined by `join`.
fn tenant_tsquery(tenant_id: Uuid, terms: &[String], join: Join) -> String {
    format!("'{}' & ({})", tenant_token(tenant_id), tsquery(terms, join))
}

/// An FTS5 expression of `tenant_id`'s entries, on the public column unless `staff`.
fn tenant_fts5(tenant_id: Uuid, expression: String, staff: bool) -> String {
    let columns = if staff {
        "public_text staff_text"
    } else {
        "public_text"
    };
    format!(
        "{{tenant}} : \"{}\" AND {{{columns}}} : ({expression})",
        tenant_token(tenant_id)
    )
}

#[derive(Debug, FromQueryResult)]
struct Count {
    position: i64,
    entries: i64,
}

/// How many of `p`'s tenant's entries (in the text `p` may read) have each of `terms`, counted
/// up to just past [`COMMON_ENTRIES`]: one statement, each count bounded.
async fn count(
    db: &sea_orm::DatabaseConnection,
    p: &Principal,
    terms: &[String],
) -> Result<Vec<(String, u64)>> {
    // The tenant's token in the query keeps each count within the organisation, inside the
    // index: PostgreSQL's GIN scan and SQLite's FTS5 merge never touch another's entries.
    let backend = db.get_database_backend();
    let staff = reads_staff_text(p);
    let limit = COMMON_ENTRIES + 1;
    let mut counts = Vec::new();
    let mut values: Vec<sea_orm::Value> = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        let word = std::slice::from_ref(term);
        let from = match backend {
            DatabaseBackend::Postgres => {
                let column = if staff { "all_tsv" } else { "public_tsv" };
                values.push(tenant_tsquery(p.tenant_id, word, Join::Any).into());
                format!(
                    "SELECT 1 FROM search_entry \
                     WHERE search_entry.{column} @@ to_tsquery('simple', ${})",
                    values.len()
                )
            }
            _ => {
                values.push(tenant_fts5(p.tenant_id, fts5(word, Join::Any), staff).into());
                "SELECT 1 FROM search_fts WHERE search_fts MATCH ?".to_owned()
            }
        };
        counts.push(format!(
            "SELECT CAST({i} AS BIGINT) AS position, count(*) AS entries \
             FROM ({from} LIMIT {limit}) AS counted_{i}"
        ));
    }
    let statement = Statement::from_sql_and_values(backend, counts.join(" UNION ALL "), values);
    let rows = if backend == DatabaseBackend::Postgres {
        // A count stops at its limit only down the GIN index: the planner, seeing a word in a
        // few percent of the rows, scans the table instead and evaluates every `tsvector` on
        // the way (measured at 10,000 consultants: 14-71 ms a word against 2 ms). PostgreSQL has
        // no hints; the setting lasts this transaction.
        let txn = db.begin().await?;
        txn.execute_unprepared("SET LOCAL enable_seqscan = off")
            .await?;
        let rows = Count::find_by_statement(statement).all(&txn).await?;
        txn.commit().await?;
        rows
    } else {
        Count::find_by_statement(statement).all(db).await?
    };
    let mut counted: Vec<(String, u64)> = terms.iter().map(|t| (t.clone(), 0)).collect();
    for row in rows {
        if let Some(slot) = usize::try_from(row.position)
            .ok()
            .and_then(|i| counted.get_mut(i))
        {
            slot.1 = u64::try_from(row.entries).unwrap_or(0);
        }
    }
    Ok(counted)
}

/// The `limit` best entries for `terms` among those `scope` admits.
pub async fn find(
    db: &sea_orm::DatabaseConnection,
    p: &Principal,
    terms: &[String],
    scope: Condition,
    limit: u64,
) -> Result<Vec<Found>> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let counted = count(db, p, terms).await?;
    match plan(&counted) {
        Plan::Nothing => Ok(Vec::new()),
        Plan::Any(rare) => ranked(db, p, &rare, Join::Any, terms, scope, limit).await,
        Plan::Every(common) => {
            let found = ranked(db, p, &common, Join::Every, terms, scope.clone(), limit).await?;
            if found.is_empty() && common.len() > 1 {
                // No entry has them all: any of them, ranked.
                ranked(db, p, &common, Join::Any, terms, scope, limit).await
            } else {
                Ok(found)
            }
        }
    }
}

/// The `limit` best entries among those `scope` admits that have any or all (`join`) of
/// `finding`, ranked by all of `ranking`.
async fn ranked(
    db: &impl ConnectionTrait,
    p: &Principal,
    finding: &[String],
    join: Join,
    ranking: &[String],
    scope: Condition,
    limit: u64,
) -> Result<Vec<Found>> {
    let backend = db.get_database_backend();
    let staff = reads_staff_text(p);
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
            // `ts_rank`, not `ts_rank_cd`: cover density costs about four times as much per
            // entry ranked. (The tenant's token is in every entry: it ranks them all alike.)
            let column = if staff { "all_tsv" } else { "public_tsv" };
            select
                .from(search_entry::Entity)
                .expr_as(
                    Expr::cust_with_values(
                        format!("ts_rank(search_entry.{column}, to_tsquery('simple', $1))::float8"),
                        [tsquery(ranking, Join::Any)],
                    ),
                    Alias::new("rank"),
                )
                .and_where(Expr::cust_with_values(
                    format!("search_entry.{column} @@ to_tsquery('simple', $1)"),
                    [tenant_tsquery(p.tenant_id, finding, join)],
                ))
                .order_by(Alias::new("rank"), Order::Desc);
        }
        _ => {
            // BM25 scores the phrases of the MATCH expression: the words that do not find are
            // ANDed in as a clause that every found entry meets.
            let finds = fts5(finding, join);
            let expression = if finding.len() == ranking.len() {
                finds
            } else {
                format!("({finds}) AND ({})", fts5(ranking, Join::Any))
            };
            // The full-text table drives the join (CROSS JOIN fixes SQLite's order): the other
            // way round, the match would be evaluated once per entry of the tenant.
            // The tenant column weighs nothing in BM25.
            select
                .from(Alias::new("search_fts"))
                .cross_join(search_entry::Entity)
                .expr_as(
                    Expr::cust("-bm25(search_fts, 0.0, 1.0, 1.0)"),
                    Alias::new("rank"),
                )
                .and_where(Expr::cust("search_fts.rowid = search_entry.doc_id"))
                .and_where(Expr::cust_with_values(
                    "search_fts MATCH ?",
                    [tenant_fts5(p.tenant_id, expression, staff)],
                ))
                .order_by(Alias::new("rank"), Order::Desc);
        }
    }
    let statement = backend.build(&select);
    Ok(Found::find_by_statement(statement).all(db).await?)
}

/// Words a snippet shows.
const SNIPPET_WORDS: usize = 24;

/// Passages of the entries `ids` around the words of `terms`, matches between
/// [`MARK_START`] and [`MARK_END`], from the text `p` may read: the texts read by id, the
/// passages cut here (the same on both databases, and without a second full-text match per
/// hit — which on SQLite walked each word's whole list again).
pub async fn snippets(
    db: &impl ConnectionTrait,
    p: &Principal,
    terms: &[String],
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>> {
    use sea_orm::{ColumnTrait as _, QueryFilter as _};
    if terms.is_empty() || ids.is_empty() {
        return Ok(HashMap::new());
    }
    let staff = reads_staff_text(p);
    #[derive(FromQueryResult)]
    struct Text {
        id: Uuid,
        public_text: String,
        staff_text: String,
    }
    let texts = super::scope::entries(p.tenant_id)
        .select_only()
        .columns([
            search_entry::Column::Id,
            search_entry::Column::PublicText,
            search_entry::Column::StaffText,
        ])
        .filter(search_entry::Column::Id.is_in(ids.iter().copied()))
        .into_model::<Text>()
        .all(db)
        .await?;
    Ok(texts
        .into_iter()
        .filter_map(|t| {
            let passage = if staff && !t.staff_text.is_empty() {
                highlight(
                    &format!("{}\n{}", t.public_text, t.staff_text),
                    terms,
                    SNIPPET_WORDS,
                )
            } else {
                highlight(&t.public_text, terms, SNIPPET_WORDS)
            };
            passage.map(|passage| (t.id, passage))
        })
        .collect())
}

/// The `size` words of `text` with the most of `terms` (lower-case words, as [`terms`] makes
/// them) — then the most matches, then the earliest — each match between [`MARK_START`] and
/// [`MARK_END`], an ellipsis where the text goes on. `None` for a text without words.
pub fn highlight(text: &str, terms: &[String], size: usize) -> Option<String> {
    // Words as [`terms`] splits a query: runs of letters and digits.
    let mut words: Vec<(usize, usize, Option<usize>)> = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            let word = text[s..i].to_lowercase();
            words.push((s, i, terms.iter().position(|t| *t == word)));
        }
    }
    if words.is_empty() || size == 0 {
        return None;
    }
    let size = size.min(words.len());
    let mut counts = vec![0usize; terms.len()];
    let (mut distinct, mut matches) = (0usize, 0usize);
    let mut best = (0usize, 0usize, 0usize);
    for (i, word) in words.iter().enumerate() {
        if let Some(t) = word.2 {
            distinct += usize::from(counts[t] == 0);
            counts[t] += 1;
            matches += 1;
        }
        if i >= size
            && let Some(t) = words[i - size].2
        {
            counts[t] -= 1;
            distinct -= usize::from(counts[t] == 0);
            matches -= 1;
        }
        if i + 1 >= size && (distinct, matches) > (best.0, best.1) {
            best = (distinct, matches, i + 1 - size);
        }
    }
    let window = &words[best.2..best.2 + size];
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != MARK_START && *c != MARK_END)
            .collect()
    };
    let (first, last) = (window[0], window[size - 1]);
    // The punctuation that holds on to the first and last words (`<billing>`, `C++.`).
    let before = text[..first.0].rfind(char::is_whitespace).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let after = text[last.1..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| last.1 + i);
    let mut out = String::new();
    if before > 0 {
        out.push_str("… ");
    }
    let mut cursor = before;
    for word in window {
        out.push_str(&clean(&text[cursor..word.0]));
        if word.2.is_some() {
            out.push(MARK_START);
            out.push_str(&clean(&text[word.0..word.1]));
            out.push(MARK_END);
        } else {
            out.push_str(&clean(&text[word.0..word.1]));
        }
        cursor = word.1;
    }
    out.push_str(&clean(&text[cursor..after]));
    if text[after..].chars().any(char::is_alphanumeric) {
        out.push_str(" …");
    }
    Some(out)
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

    fn counted(words: &[(&str, u64)]) -> Vec<(String, u64)> {
        words.iter().map(|(w, n)| ((*w).to_owned(), *n)).collect()
    }

    #[test]
    fn rare_words_find_and_common_ones_only_rank() {
        let common = COMMON_ENTRIES + 1;
        assert_eq!(
            plan(&counted(&[("built", common), ("payment", 40), ("go", 900)])),
            Plan::Any(vec!["payment".to_owned(), "go".to_owned()])
        );
        // A word in no entry changes nothing.
        assert_eq!(
            plan(&counted(&[("kubernetes", 12), ("zzz", 0)])),
            Plan::Any(vec!["kubernetes".to_owned()])
        );
        // Common words only: the entries with all of them.
        assert_eq!(
            plan(&counted(&[
                ("software", common),
                ("zzz", 0),
                ("engineer", common)
            ])),
            Plan::Every(vec!["software".to_owned(), "engineer".to_owned()])
        );
        assert_eq!(
            plan(&counted(&[("a", COMMON_ENTRIES)])),
            Plan::Any(vec!["a".to_owned()])
        );
        assert_eq!(plan(&counted(&[("zzz", 0)])), Plan::Nothing);
        assert_eq!(plan(&[]), Plan::Nothing);
    }

    #[test]
    fn expressions_quote_every_word_and_name_the_tenant() {
        let t = vec!["go".to_owned(), "rust".to_owned()];
        let tenant = Uuid::from_u128(0xab);
        assert_eq!(tsquery(&t, Join::Every), "'go' & 'rust'");
        assert_eq!(
            tenant_tsquery(tenant, &t, Join::Any),
            "'tenant000000000000000000000000000000ab' & ('go' | 'rust')"
        );
        assert_eq!(
            tenant_fts5(tenant, fts5(&t, Join::Any), false),
            "{tenant} : \"tenant000000000000000000000000000000ab\" AND {public_text} : (\"go\" OR \"rust\")"
        );
        assert!(
            tenant_fts5(tenant, fts5(&t, Join::Every), true)
                .ends_with("{public_text staff_text} : (\"go\" AND \"rust\")")
        );
    }

    fn marked(s: &str) -> String {
        s.replace(MARK_START, "[").replace(MARK_END, "]")
    }

    #[test]
    fn highlights_mark_the_words_where_most_of_them_are() {
        let terms = vec!["billing".to_owned(), "go".to_owned()];
        let text = "Intro words here. Then a <billing> service in Go, and more. Billing again.";
        assert_eq!(
            marked(&highlight(text, &terms, 6).expect("passage")),
            "… Then a <[billing]> service in [Go], …"
        );
        // The whole text when it is short; the first words when nothing matches.
        assert_eq!(
            marked(&highlight("Go, Go!", &terms, 6).expect("passage")),
            "[Go], [Go]!"
        );
        assert_eq!(
            marked(&highlight("one two three", &terms, 2).expect("passage")),
            "one two …"
        );
        assert_eq!(highlight(" ... ", &terms, 6), None);
        // Marks in the text itself are not marks.
        let text = format!("{MARK_START}x{MARK_END} go");
        assert_eq!(
            marked(&highlight(&text, &terms, 6).expect("passage")),
            "x [go]"
        );
    }
}
