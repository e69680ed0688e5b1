//! Objects of plain data, resolved in one pass over their selection instead of a future per
//! field.
//!
//! The engine resolves each field of an object as a boxed future of its own, in a set of
//! concurrent futures, and hashes each key into the object's map twice: about 1,800
//! instructions a field, far more than reading a string from a row. On the tender board,
//! three quarters of the response's 17,000 fields belong to skills of consultants and
//! tenders. A type whose fields are plain data — no guard, no argument, nothing to wait for —
//! implements [`PlainObject`], and where lists of thousands of them are returned, the field
//! returns [`Plain<T>`] instead of `T`: the same schema type (its `#[Object]` derive still
//! registers names, types and descriptions), written straight from the selection set.
//!
//! What the engine does around a field still holds: validation (which fields the caller's
//! role may see) runs before execution, `@skip`/`@include` are applied to the document before
//! execution, fragments and inline fragments are expanded where their type condition applies,
//! aliases name the keys, `__typename` answers the type's name, and a key selected twice has
//! its objects merged. `tests/it/read_path.rs` checks every field against the derived path.

use std::borrow::Cow;
use std::collections::HashMap;

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, FragmentDefinition, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{
    ContextSelectionSet, Name, OutputType, Positioned, ServerError, ServerResult, Value,
};

/// An object type whose fields are plain data (see the module's documentation).
pub trait PlainObject: OutputType {
    /// The value of field `name`, one the schema gives this type (validation has checked
    /// that); object-valued fields are written with [`Nested::object`]. `None` only for a
    /// name the type does not have.
    fn field(&self, name: &str, nested: Nested<'_>) -> Option<ServerResult<Value>>;
}

/// Where a field of a plain object is being written: for object-valued fields.
pub struct Nested<'a> {
    field: &'a Positioned<Field>,
    env: &'a Env<'a>,
}

impl Nested<'_> {
    /// The value of an object-valued field: `object`, written with the field's selection.
    pub fn object<T: PlainObject>(&self, object: &T) -> ServerResult<Value> {
        object_value(object, &self.field.node.selection_set.node, self.env)
    }
}

/// What resolving a selection needs of the request: its fragments, and which interfaces each
/// type implements (for fragments on an interface).
struct Env<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    registry: &'a Registry,
}

/// `T` written as a plain object: its field's type in the schema is `T`'s.
pub struct Plain<T>(pub T);

impl<T: PlainObject> OutputType for Plain<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let env = Env {
            fragments: &ctx.query_env.fragments,
            registry: &ctx.schema_env.registry,
        };
        object_value(&self.0, &ctx.item.node, &env)
    }
}

fn object_value<T: PlainObject>(
    object: &T,
    set: &SelectionSet,
    env: &Env<'_>,
) -> ServerResult<Value> {
    let mut map = IndexMap::with_capacity(set.items.len());
    collect(object, set, env, &mut map)?;
    Ok(Value::Object(map))
}

fn collect<T: PlainObject>(
    object: &T,
    set: &SelectionSet,
    env: &Env<'_>,
    map: &mut IndexMap<Name, Value>,
) -> ServerResult<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                let value = if name == "__typename" {
                    Value::String(T::type_name().into_owned())
                } else {
                    object.field(name, Nested { field, env }).ok_or_else(|| {
                        ServerError::new(
                            format!(
                                r#"Cannot query field "{name}" on type "{}"."#,
                                T::type_name()
                            ),
                            Some(field.pos),
                        )
                    })??
                };
                insert(map, field.node.response_key().node.clone(), value);
            }
            Selection::FragmentSpread(spread) => {
                let fragment = env
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .ok_or_else(|| {
                        ServerError::new(
                            format!(r#"Unknown fragment "{}"."#, spread.node.fragment_name.node),
                            Some(spread.pos),
                        )
                    })?;
                if applies::<T>(Some(&fragment.node.type_condition.node.on.node), env) {
                    collect(object, &fragment.node.selection_set.node, env, map)?;
                }
            }
            Selection::InlineFragment(fragment) => {
                let condition = fragment
                    .node
                    .type_condition
                    .as_ref()
                    .map(|c| &c.node.on.node);
                if applies::<T>(condition, env) {
                    collect(object, &fragment.node.selection_set.node, env, map)?;
                }
            }
        }
    }
    Ok(())
}

/// Whether a fragment on `condition` (none: the enclosing type) applies to `T`.
fn applies<T: OutputType>(condition: Option<&Name>, env: &Env<'_>) -> bool {
    let Some(condition) = condition else {
        return true;
    };
    let name = T::type_name();
    condition.as_str() == name
        || env
            .registry
            .implements
            .get(name.as_ref())
            .is_some_and(|interfaces| interfaces.contains(condition.as_str()))
}

/// A key selected twice has its objects merged, as the engine does.
fn insert(map: &mut IndexMap<Name, Value>, key: Name, value: Value) {
    use async_graphql::indexmap::map::Entry;
    match (map.entry(key), value) {
        (Entry::Occupied(mut existing), Value::Object(more)) => {
            if let Value::Object(existing) = existing.get_mut() {
                for (key, value) in more {
                    insert(existing, key, value);
                }
            }
        }
        (Entry::Occupied(_), _) => {}
        (Entry::Vacant(slot), value) => {
            slot.insert(value);
        }
    }
}
