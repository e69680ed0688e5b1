//! GraphQL plumbing: the request's context, guards, limits, pagination, scalars and the
//! role-aware SDL export. It names no domain; the schema is assembled in `crate::schema`.
//!
//! How the read path stays fast (measured with `cargo bench --bench load`; README, Performance):
//!
//! - An object type whose fields never wait on the database, or of which at most one does (a
//!   single relation), is `#[Object(serial)]`: the engine then awaits its fields in order
//!   instead of building a set of concurrent futures per object, which cost more than the
//!   fields themselves on lists of thousands. Types with two or more relations stay concurrent,
//!   so that their DataLoader batches go out together.
//! - A resolver that awaits something large (a DataLoader, a page, a guard's audit write)
//!   boxes that future: the engine boxes every field's future at the size of the type's
//!   largest, and a plain `id` would otherwise be copied at the size of `matches`.
//! - DataLoader values that are lists are shared (`Arc`): the loader hands a copy to every
//!   field that asked.
//! - Leaf types of plain data that come by the thousand (a consultant's and a tender's
//!   skills) are written in one pass over their selection (`plain`), not a future per field.
//! - Rows that come by the hundred are decoded by position (`db::rows`), not by name.

pub mod context;
pub mod guard;
pub mod limits;
pub mod live;
pub mod multiplex;
pub mod order;
pub mod pagination;
pub mod patch;
pub mod persisted;
pub mod plain;
pub mod prepare;
pub mod scalars;
pub mod sdl;
