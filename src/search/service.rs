//! One search: the query checked, words and meaning searched, the two rankings fused by
//! reciprocal rank (Cormack et al. 2009: each list gives `1 / (60 + rank)`, the ranking by
//! meaning weighted a little more, [`MEANING_WEIGHT`]), a page cut, and
//! its snippets read: the passage around the matched words (matches marked), or the passage
//! found by meaning.

use std::collections::HashMap;

use uuid::Uuid;

use super::{Kind, fulltext, semantic};
use crate::auth::Principal;
use crate::error::{AppError, Result};
use crate::state::AppState;

/// The longest query (characters).
pub const MAX_QUERY_CHARS: usize = 500;

/// Candidates taken from each ranking before fusion: the deepest page a search reaches.
pub const CANDIDATES: usize = 200;

/// Reciprocal rank fusion's constant.
const RRF_K: f64 = 60.0;

/// Weight of the ranking by meaning against the ranking by words (1): a passage that means the
/// query outranks one that merely shares its words at the same rank, and a hit both rankings
/// agree on outranks either alone.
const MEANING_WEIGHT: f64 = 1.25;

/// What to search.
#[derive(Debug, Clone)]
pub struct Request {
    pub query: String,
    pub kinds: Vec<Kind>,
    /// Only the entries of this consultant (their profile, résumés, projects).
    pub consultant_id: Option<Uuid>,
    pub offset: usize,
    pub first: usize,
}

/// How a hit was found.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "SearchMatch")]
pub enum Matched {
    /// Its text has words of the query.
    Words,
    /// Its text means something close to the query.
    Meaning,
}

/// One hit.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: Kind,
    pub entity_id: Uuid,
    pub entry_id: Uuid,
    /// Fused score: higher is better; comparable within one search.
    pub score: f64,
    pub matched: Vec<Matched>,
    /// Cosine similarity of the closest passage, when found by meaning.
    pub similarity: Option<f32>,
    passage: Option<Uuid>,
    /// The snippet as HTML (escaped text, matched words in `<mark>`).
    pub snippet: Option<String>,
}

/// A page of hits and how many there are in all (up to the candidates taken).
#[derive(Debug)]
pub struct Page {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// Runs `request` for `p`.
pub async fn search(state: &AppState, p: &Principal, request: Request) -> Result<Page> {
    let query = request.query.trim();
    if query.is_empty() {
        return Err(AppError::invalid("query", "must not be empty"));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(AppError::invalid(
            "query",
            format!("must be at most {MAX_QUERY_CHARS} characters"),
        ));
    }
    let kinds = if request.kinds.is_empty() {
        Kind::ALL.to_vec()
    } else {
        request.kinds.clone()
    };
    let scope = fulltext::in_scope(p, &kinds, request.consultant_id);
    let terms = fulltext::terms(query);
    // The database ranks the words while the model embeds the query.
    let (by_words, vector) = tokio::join!(
        fulltext::find(
            &state.db,
            p,
            &terms,
            scope.clone(),
            u64::try_from(CANDIDATES).unwrap_or(200),
        ),
        semantic::query_vector(state.embedder.as_ref(), query),
    );
    let by_words = by_words?;
    let by_meaning = match vector {
        Some(vector) => semantic::find(state, p, &vector, scope, CANDIDATES).await?,
        None => Vec::new(),
    };

    let mut fused: HashMap<Uuid, Hit> = HashMap::new();
    for (rank, found) in by_words.iter().enumerate() {
        add(
            &mut fused,
            found.id,
            &found.kind,
            found.entity_id,
            rank,
            Matched::Words,
        );
    }
    for (rank, found) in by_meaning.iter().enumerate() {
        let near = found.near;
        if let Some(hit) = add(
            &mut fused,
            near.entry_id,
            &found.kind,
            found.entity_id,
            rank,
            Matched::Meaning,
        ) {
            hit.similarity = Some(near.similarity);
            hit.passage = Some(near.chunk_id);
        }
    }
    let mut hits: Vec<Hit> = fused.into_values().collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(
                b.similarity
                    .unwrap_or(-1.0)
                    .total_cmp(&a.similarity.unwrap_or(-1.0)),
            )
            .then(a.entry_id.cmp(&b.entry_id))
    });
    let total = hits.len();
    let mut page: Vec<Hit> = hits
        .into_iter()
        .skip(request.offset)
        .take(request.first)
        .collect();

    let worded: Vec<Uuid> = page
        .iter()
        .filter(|h| h.matched.contains(&Matched::Words))
        .map(|h| h.entry_id)
        .collect();
    let marked = fulltext::snippets(&state.db, p, &terms, &worded).await?;
    let passages: Vec<Uuid> = page.iter().filter_map(|h| h.passage).collect();
    let passages = semantic::passage_texts(&state.db, p.tenant_id, &passages).await?;
    for hit in &mut page {
        hit.snippet = match marked.get(&hit.entry_id) {
            Some(marked) => Some(super::snippet_html(marked)),
            None => hit
                .passage
                .and_then(|id| passages.get(&id))
                .map(|text| super::snippet_html(&shorten(text, 40))),
        };
    }
    Ok(Page { hits: page, total })
}

/// Adds the `rank`-th (from 0) entry of one ranking to the fused hits.
fn add<'a>(
    fused: &'a mut HashMap<Uuid, Hit>,
    entry_id: Uuid,
    kind: &str,
    entity_id: Uuid,
    rank: usize,
    how: Matched,
) -> Option<&'a mut Hit> {
    let kind = Kind::parse(kind)?;
    let hit = fused.entry(entry_id).or_insert_with(|| Hit {
        kind,
        entity_id,
        entry_id,
        score: 0.0,
        matched: Vec::new(),
        similarity: None,
        passage: None,
        snippet: None,
    });
    let weight = match how {
        Matched::Words => 1.0,
        Matched::Meaning => MEANING_WEIGHT,
    };
    hit.score += weight / (RRF_K + rank as f64 + 1.0);
    hit.matched.push(how);
    Some(hit)
}

/// The first `words` words of `text`, with an ellipsis when cut.
fn shorten(text: &str, words: usize) -> String {
    let all: Vec<&str> = text.split_whitespace().collect();
    if all.len() <= words {
        all.join(" ")
    } else {
        format!("{} …", all[..words].join(" "))
    }
}
