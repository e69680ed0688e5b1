//! Search over GraphQL: `search(query, types, filter, first, after)`.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use entity::{consultant, portfolio_project, resume, tender};
use sea_orm::{ColumnTrait, QueryFilter};
use uuid::Uuid;

use super::Kind;
use super::service::{self, Hit, Matched, Request};
use crate::auth::{Principal, visibility};
use crate::documents::graphql::Resume;
use crate::documents::portfolio_graphql::PortfolioProject;
use crate::error::{AppError, Result};
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::pagination::{ConnectionFields, DEFAULT_PAGE, MAX_PAGE};
use crate::talent::graphql::consultant::Consultant;
use crate::talent::graphql::tender::Tender;

/// Narrows a search.
#[derive(InputObject, Default)]
pub struct SearchFilter {
    /// Only this consultant's profile, résumés and portfolio projects.
    pub consultant_id: Option<ID>,
}

/// The row a hit is.
enum Node {
    Consultant(consultant::Model),
    Tender(tender::Model),
    Resume(resume::Model),
    Portfolio(portfolio_project::Model),
}

/// One search result.
pub struct SearchHit {
    hit: Hit,
    node: Node,
}

/// A consultant, tender, résumé or portfolio project found by a search, with why.
#[Object]
impl SearchHit {
    /// What was found; the field of the same name holds it.
    #[graphql(name = "type")]
    async fn kind(&self) -> Kind {
        self.hit.kind
    }
    /// Relevance: higher is better; comparable within one search only (reciprocal rank fusion
    /// of the word and meaning rankings).
    async fn score(&self) -> f64 {
        self.hit.score
    }
    /// How it was found: by the query's words, by its meaning, or both.
    async fn matched_by(&self) -> &[Matched] {
        &self.hit.matched
    }
    /// Cosine similarity (-1..1) of its closest passage to the query, when found by meaning.
    async fn similarity(&self) -> Option<f64> {
        self.hit.similarity.map(f64::from)
    }
    /// Why it matched, as HTML: a passage of its text, escaped, the query's words in `<mark>`
    /// (a passage found by meaning has no marks). Only text the reader may read.
    async fn snippet(&self) -> Option<&str> {
        self.hit.snippet.as_deref()
    }
    /// The consultant, when `type` is CONSULTANT.
    async fn consultant(&self) -> Option<Consultant> {
        match &self.node {
            Node::Consultant(c) => Some(Consultant::from(c.clone())),
            _ => None,
        }
    }
    /// The tender, when `type` is TENDER.
    async fn tender(&self) -> Option<Tender> {
        match &self.node {
            Node::Tender(t) => Some(Tender::from(t.clone())),
            _ => None,
        }
    }
    /// The résumé, when `type` is RESUME.
    #[graphql(visible = "visibility::resume_read")]
    async fn resume(&self) -> Option<Resume> {
        match &self.node {
            Node::Resume(r) => Some(Resume(r.clone())),
            _ => None,
        }
    }
    /// The portfolio project, when `type` is PORTFOLIO.
    async fn portfolio_project(&self) -> Option<PortfolioProject> {
        match &self.node {
            Node::Portfolio(p) => Some(PortfolioProject(p.clone())),
            _ => None,
        }
    }
}

#[derive(Default)]
pub struct SearchQuery;

fn encode_offset(offset: usize) -> String {
    B64URL.encode(format!("search:{offset}"))
}

fn decode_offset(cursor: &str) -> Result<usize> {
    B64URL
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("search:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| AppError::invalid("after", "is not a valid cursor"))
}

#[Object]
impl SearchQuery {
    /// Finds consultants, tenders, résumés and portfolio projects by the query's words and by
    /// its meaning, best first: only rows the caller may see, matched on text the caller may
    /// read (a CLIENT: the consultants proposed to it, without internal notes). By meaning
    /// only when the server has an embedding model. At most 200 hits from each ranking.
    #[graphql(
        visible = "visibility::authenticated",
        complexity = "first.map_or(20, |n| n.clamp(0, 100) as usize) * child_complexity + 10"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for, in words (1 to 500 characters).")] query: String,
        #[graphql(desc = "What to find; all types the caller may read when omitted.")]
        types: Option<Vec<Kind>>,
        #[graphql(desc = "Only the hits matching every condition given.")] filter: Option<
            SearchFilter,
        >,
        #[graphql(desc = "Returns the first n hits (0 to 100; 20 when not given).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the hits after this cursor (an edge's cursor).")] after: Option<
            String,
        >,
    ) -> Result<Connection<String, SearchHit, ConnectionFields>> {
        let state = ctx.state()?;
        let p = ctx.principal()?;
        let first = first.unwrap_or(DEFAULT_PAGE);
        if !(0..=MAX_PAGE).contains(&first) {
            return Err(AppError::invalid(
                "first",
                format!("must be between 0 and {MAX_PAGE}"),
            ));
        }
        let offset = match after {
            Some(cursor) => decode_offset(&cursor)?
                .checked_add(1)
                .ok_or_else(|| AppError::invalid("after", "is not a valid cursor"))?,
            None => 0,
        };
        let consultant_id = match filter.unwrap_or_default().consultant_id {
            Some(id) => Some(parse_id("filter.consultantId", &id)?),
            None => None,
        };
        let page = service::search(
            state,
            p,
            Request {
                query,
                kinds: types.unwrap_or_default(),
                consultant_id,
                offset,
                first: usize::try_from(first).unwrap_or(0),
            },
        )
        .await?;
        let has_next = offset + page.hits.len() < page.total;
        let nodes = load(state, p, &page.hits).await?;
        let mut connection = Connection::with_additional_fields(
            offset > 0,
            has_next,
            ConnectionFields {
                total_count: u64::try_from(page.total).unwrap_or(u64::MAX),
            },
        );
        for (i, (hit, node)) in page.hits.into_iter().zip(nodes).enumerate() {
            if let Some(node) = node {
                connection.edges.push(Edge::new(
                    encode_offset(offset + i),
                    SearchHit { hit, node },
                ));
            }
        }
        Ok(connection)
    }
}

/// The rows of `hits`, in order, through the reader's scopes (one statement per type); `None`
/// for one gone since.
async fn load(
    state: &crate::state::AppState,
    p: &Principal,
    hits: &[Hit],
) -> Result<Vec<Option<Node>>> {
    let ids = |kind: Kind| -> Vec<Uuid> {
        hits.iter()
            .filter(|h| h.kind == kind)
            .map(|h| h.entity_id)
            .collect()
    };
    let db = &state.db;
    let mut nodes: std::collections::HashMap<Uuid, Node> = std::collections::HashMap::new();
    let wanted = ids(Kind::Consultant);
    if !wanted.is_empty() {
        for row in crate::talent::scope::consultants(p)
            .filter(consultant::Column::Id.is_in(wanted))
            .all(db)
            .await?
        {
            nodes.insert(row.id, Node::Consultant(row));
        }
    }
    let wanted = ids(Kind::Tender);
    if !wanted.is_empty() {
        for row in crate::talent::scope::tenders(p)
            .filter(tender::Column::Id.is_in(wanted))
            .all(db)
            .await?
        {
            nodes.insert(row.id, Node::Tender(row));
        }
    }
    let wanted = ids(Kind::Resume);
    if !wanted.is_empty() {
        for row in crate::documents::scope::resumes(p)
            .filter(resume::Column::Id.is_in(wanted))
            .all(db)
            .await?
        {
            nodes.insert(row.id, Node::Resume(row));
        }
    }
    let wanted = ids(Kind::Portfolio);
    if !wanted.is_empty() {
        for row in crate::documents::scope::portfolio_projects(p)
            .filter(portfolio_project::Column::Id.is_in(wanted))
            .all(db)
            .await?
        {
            nodes.insert(row.id, Node::Portfolio(row));
        }
    }
    Ok(hits.iter().map(|h| nodes.remove(&h.entity_id)).collect())
}

/// Descriptions of search's generated types.
pub fn describe<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder.override_output_type_description::<Connection<String, SearchHit, ConnectionFields>>(
        "A page of search hits, best first (Relay connection: edges, pageInfo, totalCount).",
    )
}
