//! Partial updates: an absent field leaves the value unchanged, `null` clears it.

use async_graphql::MaybeUndefined;

/// `None`: leave unchanged; `Some(None)`: clear; `Some(Some(v))`: set.
pub fn patch<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}
