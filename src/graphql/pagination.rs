//! Relay connections over keyset pagination (DESIGN §8): `first/after/last/before` with
//! `first`/`last` capped at 100, `totalCount` computed only when selected, and any non-null
//! column as sort key, tie-broken by the UUID v7 id.
//!
//! A cursor is the opaque id of a row; the sort value is read back from the row itself, in the
//! same scope, so cursors stay valid whatever the sort column's type.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Enum, OutputType, SimpleObject};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
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

/// Sort direction of an `orderBy`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest (or oldest, or first in the alphabet) first.
    #[default]
    Asc,
    /// Largest (or newest, or last in the alphabet) first.
    Desc,
}

/// Paging arguments as given by the client.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// How one page is read.
#[derive(Debug, Default, Clone)]
pub struct PageQuery {
    pub args: PageArgs,
    /// Adds a `COUNT` of the whole filtered set (only when the client selected `totalCount`).
    pub want_total: bool,
}

impl PageQuery {
    /// The paging arguments of a connection field, counting only if `totalCount` is selected.
    pub fn new(
        ctx: &async_graphql::Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        PageQuery {
            args: PageArgs {
                first,
                after,
                last,
                before,
            },
            want_total: wants_total(ctx),
        }
    }
}

/// The order of a list: by id (creation order), or by a non-null column then id.
#[derive(Debug, Clone, Copy)]
pub enum Order<C> {
    Id { descending: bool },
    Column { column: C, descending: bool },
}

/// Complexity weight of a connection field: the page size the client asked for.
pub fn weight(first: Option<i32>, last: Option<i32>) -> usize {
    let size = first.or(last).unwrap_or(DEFAULT_PAGE).clamp(0, MAX_PAGE);
    usize::try_from(size).unwrap_or(0).max(1)
}

/// Whether the current connection field's selection asks for `totalCount`.
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
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
        Some(n) if (0..=MAX_PAGE).contains(&n) => Ok(u64::try_from(n).ok()),
        Some(_) => Err(AppError::invalid(
            field,
            format!("must be between 0 and {MAX_PAGE}"),
        )),
    }
}

fn compare(left: SimpleExpr, greater: bool, right: SimpleExpr) -> SimpleExpr {
    use sea_orm::sea_query::ExprTrait as _;
    if greater {
        left.gt(right)
    } else {
        left.lt(right)
    }
}

/// Rows strictly beyond `cursor` in the given direction (`greater`: ascending side).
fn beyond<E: EntityTrait>(
    scoped: &Select<E>,
    id_col: E::Column,
    order: Order<E::Column>,
    cursor: Uuid,
    greater: bool,
) -> Condition {
    match order {
        Order::Id { .. } => {
            Condition::all().add(compare(Expr::col(id_col), greater, Expr::val(cursor)))
        }
        Order::Column { column, .. } => {
            // The cursor row's sort value, read in the same scope.
            let value = scoped
                .clone()
                .select_only()
                .column(column)
                .filter(id_col.eq(cursor))
                .into_query();
            let value = SimpleExpr::SubQuery(None, Box::new(value.into()));
            Condition::any()
                .add(compare(Expr::col(column), greater, value.clone()))
                .add(
                    Condition::all()
                        .add(sea_orm::sea_query::ExprTrait::eq(Expr::col(column), value))
                        .add(compare(Expr::col(id_col), greater, Expr::val(cursor))),
                )
        }
    }
}

/// Runs one page of `select` in `order` and maps rows to nodes.
pub async fn paginate<E, N>(
    conn: &impl ConnectionTrait,
    select: Select<E>,
    id_col: E::Column,
    id_of: impl Fn(&E::Model) -> Uuid,
    order: Order<E::Column>,
    page: PageQuery,
    node: impl Fn(E::Model) -> N,
) -> Result<Connection<String, N, ConnectionFields>>
where
    E: EntityTrait,
    E::Model: Sync,
    N: OutputType,
{
    let PageQuery { args, want_total } = page;
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

    // With a column order the cursor row's sort value is read back: a row that left the list
    // (deleted, filtered out) cannot anchor a page, so say so instead of ending the list.
    if let Order::Column { .. } = order {
        for (field, cursor) in [("after", after), ("before", before)] {
            let Some(cursor) = cursor else { continue };
            let present = select.clone().filter(id_col.eq(cursor)).count(conn).await?;
            if present == 0 {
                return Err(AppError::invalid(
                    field,
                    "is no longer in this list; start again from the first page",
                ));
            }
        }
    }
    let total_count = if want_total {
        select.clone().count(conn).await?
    } else {
        0
    };
    let descending = match order {
        Order::Id { descending } | Order::Column { descending, .. } => descending,
    };
    let mut query = select.clone();
    // "After" lies on the ascending side of the cursor when the list ascends.
    if let Some(after) = after {
        query = query.filter(beyond(&select, id_col, order, after, !descending));
    }
    if let Some(before) = before {
        query = query.filter(beyond(&select, id_col, order, before, descending));
    }
    // `last` reads backwards from the end (or from `before`), then restores the order.
    let backwards = last.is_some();
    let read_descending = descending != backwards;
    if let Order::Column { column, .. } = order {
        query = if read_descending {
            query.order_by_desc(column)
        } else {
            query.order_by_asc(column)
        };
    }
    query = if read_descending {
        query.order_by_desc(id_col)
    } else {
        query.order_by_asc(id_col)
    };
    let limit = last.or(first).unwrap_or(DEFAULT_PAGE as u64);
    let mut rows = query.limit(limit + 1).all(conn).await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
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

/// The page size of a batched first page (`first`, default 20, at most 100).
pub fn first_page_size(first: Option<i32>) -> Result<u64> {
    match page_size("first", first)? {
        Some(n) => Ok(n),
        None => Ok(u64::try_from(DEFAULT_PAGE).unwrap_or(20)),
    }
}

/// A first page built from already loaded rows.
pub fn connection_of<N: OutputType>(
    rows: impl IntoIterator<Item = (Uuid, N)>,
    has_next: bool,
    total_count: u64,
) -> Connection<String, N, ConnectionFields> {
    let mut connection =
        Connection::with_additional_fields(false, has_next, ConnectionFields { total_count });
    connection.edges.extend(
        rows.into_iter()
            .map(|(id, node)| Edge::new(encode_cursor(id), node)),
    );
    connection
}
