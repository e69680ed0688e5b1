//! Response keys in the order of the query's selection (GraphQL spec, "Ordering"): the root
//! types are merged from one object per domain, and async-graphql writes a merged object's
//! fields grouped by the object that resolves them (`apiVersion` first, `me` before `tenant`,
//! whatever the query asked). The root's keys are put back in the query's order here.
//!
//! Below the root, an object resolved in parallel (the default) writes its keys in the order its
//! fields complete (async-graphql 7.2 collects them from a `FuturesUnordered`): a field answered
//! by a DataLoader can come after one that was selected later. Objects marked `serial` and plain
//! objects (`graphql::plain`) keep the query's order. JSON clients read keys by name, so this
//! only shows to a reader of the raw text; the spec's ordering is a SHOULD.

use std::collections::HashSet;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value};

/// The operation of `doc` a request runs: the one named, or the only one (`None` when it is
/// unknown or ambiguous, which the engine's validation reports).
pub fn operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

/// The response keys of the root selection of the operation, in query order.
#[derive(Debug, Clone, Default)]
pub struct RootOrder(pub Vec<Name>);

impl RootOrder {
    /// The order for `operation` of `doc` (the only one when `None`).
    pub fn of(doc: &ExecutableDocument, operation: Option<&str>) -> Option<RootOrder> {
        let op = self::operation(doc, operation)?;
        let mut keys = Vec::new();
        let mut seen = HashSet::new();
        let mut fragments = HashSet::new();
        collect(
            doc,
            &op.node.selection_set.node,
            &mut keys,
            &mut seen,
            &mut fragments,
        );
        Some(RootOrder(keys))
    }

    /// Rewrites the top level of `data` in this order (keys it does not name keep their place
    /// after the others).
    pub fn apply(&self, data: &mut Value) {
        let Value::Object(map) = data else { return };
        let mut ordered = async_graphql::indexmap::IndexMap::with_capacity(map.len());
        for key in &self.0 {
            if let Some(value) = map.shift_remove(key) {
                ordered.insert(key.clone(), value);
            }
        }
        ordered.extend(std::mem::take(map));
        *map = ordered;
    }
}

fn collect(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    keys: &mut Vec<Name>,
    seen: &mut HashSet<Name>,
    fragments: &mut HashSet<Name>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let key = field
                    .node
                    .alias
                    .as_ref()
                    .unwrap_or(&field.node.name)
                    .node
                    .clone();
                if seen.insert(key.clone()) {
                    keys.push(key);
                }
            }
            Selection::InlineFragment(fragment) => {
                collect(
                    doc,
                    &fragment.node.selection_set.node,
                    keys,
                    seen,
                    fragments,
                );
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.clone();
                if fragments.insert(name.clone())
                    && let Some(fragment) = doc.fragments.get(&name)
                {
                    collect(
                        doc,
                        &fragment.node.selection_set.node,
                        keys,
                        seen,
                        fragments,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_keys_follow_the_query() {
        let doc = async_graphql::parser::parse_query(
            "query A { tenant { id } me { id } ...F b: apiVersion } fragment F on Query { x: me { id } tenant { id } }",
        )
        .expect("valid");
        let order = RootOrder::of(&doc, None).expect("order");
        let names: Vec<&str> = order.0.iter().map(|n| n.as_str()).collect();
        assert_eq!(names, ["tenant", "me", "x", "b"]);
        let mut data =
            Value::from_json(serde_json::json!({ "b": 1, "x": 2, "me": 3, "tenant": 4 }))
                .expect("value");
        order.apply(&mut data);
        let Value::Object(map) = data else {
            panic!("an object")
        };
        let keys: Vec<&str> = map.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["tenant", "me", "x", "b"]);
    }
}
