//! Relay connections over keyset pagination by UUID v7 id (time-ordered), with `totalCount`
//! computed only when the query asks for it and `first`/`last` capped at 100 (DESIGN §8).

use async_graphql::connection::{Connection, Edge};
use async_graphql::{OutputType, SimpleObject};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use uuid::Uuid;

use crate::error::{AppError, Result};

/// Largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: i32 = 20;

/// Extra fields of every connection.
#[derive(SimpleObject, Default)]
pub struct ConnectionFields {
    /// Number of items matching the filter, across all pages.
    pub total_count: u64,
}

/// Paging arguments as given by the client.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Complexity weight of a connection field: the page size the client asked for.
pub fn weight(first: Option<i32>, last: Option<i32>) -> usize {
    let size = first.or(last).unwrap_or(DEFAULT_PAGE).clamp(0, MAX_PAGE);
    usize::try_from(size).unwrap_or(0).max(1)
}

pub fn encode_cursor(id: Uuid) -> String {
    B64URL.encode(id.as_bytes())
}

fn decode_cursor(field: &str, cursor: &str) -> Result<Uuid> {
    B64URL
        .decode(cursor)
        .ok()
        .and_then(|bytes| Uuid::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::invalid(field, "is not a valid cursor"))
}

fn page_size(field: &str, value: Option<i32>) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if (0..=MAX_PAGE).contains(&n) => Ok(Some(n as u64)),
        Some(_) => Err(AppError::invalid(
            field,
            format!("must be between 0 and {MAX_PAGE}"),
        )),
    }
}

/// How one page is read.
#[derive(Debug, Default, Clone)]
pub struct PageQuery {
    pub args: PageArgs,
    /// Adds a `COUNT` of the whole filtered set (only when the client selected `totalCount`).
    pub want_total: bool,
    /// Newest (highest id) first instead of oldest first.
    pub newest_first: bool,
}

fn compare<C: ColumnTrait>(col: C, greater: bool, id: Uuid) -> sea_orm::sea_query::SimpleExpr {
    if greater { col.gt(id) } else { col.lt(id) }
}

/// Runs one page of `select` ordered by `id_col` and maps rows to nodes.
pub async fn paginate<E, N>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    id_col: E::Column,
    id_of: impl Fn(&E::Model) -> Uuid,
    page: PageQuery,
    node: impl Fn(E::Model) -> N,
) -> Result<Connection<String, N, ConnectionFields>>
where
    E: EntityTrait,
    E::Model: Sync,
    N: OutputType,
{
    let PageQuery {
        args,
        want_total,
        newest_first,
    } = page;
    let first = page_size("first", args.first)?;
    let last = page_size("last", args.last)?;
    if first.is_some() && last.is_some() {
        return Err(AppError::invalid("last", "cannot be combined with `first`"));
    }
    let after = args
        .after
        .as_deref()
        .map(|c| decode_cursor("after", c))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode_cursor("before", c))
        .transpose()?;

    let total_count = if want_total {
        select.clone().count(conn).await?
    } else {
        0
    };
    // In "forward" order the page reads from `after` onwards; `last` reads backwards from `before`.
    let backwards = last.is_some();
    let limit = last.or(first).unwrap_or(DEFAULT_PAGE as u64);
    let mut query = select;
    // "After" means a greater id in ascending display order, a smaller one in descending.
    if let Some(after) = after {
        query = query.filter(compare(id_col, !newest_first, after));
    }
    if let Some(before) = before {
        query = query.filter(compare(id_col, newest_first, before));
    }
    let ascending = newest_first == backwards;
    query = if ascending {
        query.order_by_asc(id_col)
    } else {
        query.order_by_desc(id_col)
    };
    let mut rows = query.limit(limit + 1).all(conn).await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backwards {
        rows.reverse();
    }
    let (has_previous, has_next) = if backwards {
        (has_more, before.is_some())
    } else {
        (after.is_some(), has_more)
    };
    let mut connection = Connection::with_additional_fields(
        has_previous,
        has_next,
        ConnectionFields { total_count },
    );
    connection.edges.extend(rows.into_iter().map(|row| {
        let cursor = encode_cursor(id_of(&row));
        Edge::new(cursor, node(row))
    }));
    Ok(connection)
}

/// Whether the current connection field's selection asks for `totalCount`.
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}
