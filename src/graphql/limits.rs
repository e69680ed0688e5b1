//! Request limits async-graphql does not enforce itself, or not as needed: tokens (counted before
//! parsing, so a huge document never reaches the parser), aliases, depth, and introspection
//! cycles.
//!
//! Depth is counted as async-graphql counts it, except that `ofType` adds none: the standard
//! introspection query every GraphQL tool sends (GraphiQL, graphql-codegen, Apollo Sandbox,
//! Postman, Insomnia — graphql-js `getIntrospectionQuery()`) unwraps type references nine
//! `ofType` levels deep, and must pass. What makes introspection expensive is expanding types
//! inside types (`types { fields { type { fields { … } } } }`, graphql-cop's circular query);
//! that is bounded separately.

use std::collections::{HashMap, HashSet};

use async_graphql::ServerError;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};

use crate::error::ErrorCode;

fn too_complex(message: String) -> ServerError {
    super::prepare::with_code(ServerError::new(message, None), ErrorCode::QueryTooComplex)
}

/// `QUERY_TOO_COMPLEX` when the document has more than `max` tokens.
pub fn check_tokens(query: &str, max: usize) -> Result<(), ServerError> {
    if count_tokens(query, max) > max {
        return Err(too_complex(format!(
            "Query has too many tokens (limit {max})"
        )));
    }
    Ok(())
}

/// `QUERY_TOO_COMPLEX` when the document has more than `max` aliases.
pub fn check_aliases(doc: &ExecutableDocument, max: usize) -> Result<(), ServerError> {
    if count_aliases(doc) > max {
        return Err(too_complex(format!(
            "Query has too many aliases (limit {max})"
        )));
    }
    Ok(())
}

/// How many type-expanding introspection fields (`fields`, `inputFields`, `interfaces`,
/// `possibleTypes`) may nest inside one another on one path: the standard introspection query
/// needs one.
pub const MAX_INTROSPECTION_EXPANSIONS: usize = 2;

const EXPANDING: [&str; 4] = ["fields", "inputFields", "interfaces", "possibleTypes"];

/// `QUERY_TOO_COMPLEX` when an operation is deeper than `max_depth` (`ofType` not counted),
/// nests type expansions deeper than [`MAX_INTROSPECTION_EXPANSIONS`], or selects more than
/// `max_fields` fields once its fragments are expanded. The walk measures each fragment once,
/// so a document of fragments spreading each other twice over (2^n fields from n fragments) is
/// refused in time linear in its size — before async-graphql's own validation would expand it.
pub fn check_depth(
    doc: &ExecutableDocument,
    max_depth: usize,
    max_fields: u64,
) -> Result<(), ServerError> {
    let operations: Vec<&SelectionSet> = match &doc.operations {
        DocumentOperations::Single(op) => vec![&op.node.selection_set.node],
        DocumentOperations::Multiple(ops) => {
            ops.values().map(|op| &op.node.selection_set.node).collect()
        }
    };
    let mut walk = Walk {
        doc,
        on_path: HashSet::new(),
        measured: HashMap::new(),
    };
    for set in operations {
        let m = walk.measure(set, false);
        if m.depth > max_depth {
            return Err(too_complex("The query is nested too deep.".to_owned()));
        }
        if m.expansions > MAX_INTROSPECTION_EXPANSIONS {
            return Err(too_complex(format!(
                "Introspection nests types within types more than {MAX_INTROSPECTION_EXPANSIONS} levels deep"
            )));
        }
        if m.fields > max_fields {
            return Err(too_complex(format!(
                "Query selects more than {max_fields} fields once its fragments are expanded"
            )));
        }
    }
    Ok(())
}

/// What a selection set amounts to.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    depth: usize,
    /// Type expansions nested inside one another (introspection).
    expansions: usize,
    /// Fields selected, fragments expanded (saturating).
    fields: u64,
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    /// Fragments on the current path (a cycle is left to validation to report).
    on_path: HashSet<&'a str>,
    /// Each fragment measured once, in or out of introspection.
    measured: HashMap<(&'a str, bool), Measure>,
}

impl<'a> Walk<'a> {
    /// The measure of a selection set; `introspection` once under `__schema` or `__type`.
    fn measure(&mut self, set: &'a SelectionSet, introspection: bool) -> Measure {
        let mut total = Measure::default();
        for item in &set.items {
            let m = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let inside = introspection || name == "__schema" || name == "__type";
                    let below = self.measure(&field.node.selection_set.node, inside);
                    Measure {
                        depth: below.depth + usize::from(name != "ofType"),
                        expansions: below.expansions
                            + usize::from(inside && EXPANDING.contains(&name)),
                        fields: below.fields.saturating_add(1),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.measure(&fragment.node.selection_set.node, introspection)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), introspection)
                }
            };
            total = Measure {
                depth: total.depth.max(m.depth),
                expansions: total.expansions.max(m.expansions),
                fields: total.fields.saturating_add(m.fields),
            };
        }
        total
    }

    fn fragment(&mut self, name: &'a str, introspection: bool) -> Measure {
        if let Some(known) = self.measured.get(&(name, introspection)) {
            return *known;
        }
        let Some(fragment) = self.doc.fragments.get(name) else {
            return Measure::default();
        };
        if !self.on_path.insert(name) {
            return Measure::default();
        }
        let m = self.measure(&fragment.node.selection_set.node, introspection);
        self.on_path.remove(name);
        self.measured.insert((name, introspection), m);
        m
    }
}

/// Counts lexical tokens of a GraphQL document (punctuators, names, numbers, strings), ignoring
/// whitespace, commas and comments. Stops counting once `limit` is exceeded.
pub fn count_tokens(source: &str, limit: usize) -> usize {
    let bytes = source.as_bytes();
    let mut i = 0;
    let mut count = 0;
    while i < bytes.len() && count <= limit {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            0xEF if bytes[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                count += 1;
                if bytes[i..].starts_with(b"\"\"\"") {
                    i += 3;
                    while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                count += 1;
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                count += 1;
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'.' | b'+' | b'-'))
                {
                    i += 1;
                }
            }
            _ => {
                count += 1;
                i += 1;
            }
        }
    }
    count
}

/// Counts aliased fields across every operation and fragment of the document.
pub fn count_aliases(doc: &ExecutableDocument) -> usize {
    fn walk(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + walk(&field.node.selection_set.node)
                }
                Selection::FragmentSpread(_) => 0,
                Selection::InlineFragment(fragment) => walk(&fragment.node.selection_set.node),
            })
            .sum()
    }
    let operations: usize = doc
        .operations
        .iter()
        .map(|(_, op)| walk(&op.node.selection_set.node))
        .sum();
    let fragments: usize = doc
        .fragments
        .values()
        .map(|f| walk(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_counted_like_a_lexer_would() {
        assert_eq!(count_tokens("{ me { id } }", 100), 6);
        assert_eq!(count_tokens("query Q($a: Int = 1) { x(a: $a) }", 100), 19);
        assert_eq!(count_tokens("# comment\n{ a, b }", 100), 4);
        assert_eq!(count_tokens(r#"{ a(s: "x \" y") }"#, 100), 8);
        assert_eq!(count_tokens("{ ...F }", 100), 4);
        assert_eq!(count_tokens("{ a b c d e f }", 3), 4);
    }

    #[test]
    fn of_type_adds_no_depth_but_nested_type_expansions_are_bounded() {
        let type_ref = "fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } }";
        let standard = format!(
            "{{ __schema {{ types {{ fields {{ args {{ type {{ ...T }} }} type {{ ...T }} }} inputFields {{ type {{ ...T }} }} possibleTypes {{ ...T }} }} }} }} {type_ref}"
        );
        let doc = async_graphql::parser::parse_query(&standard).expect("valid");
        assert!(check_depth(&doc, 12, 10_000).is_ok());
        let circular = "{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }";
        let doc = async_graphql::parser::parse_query(circular).expect("valid");
        assert!(check_depth(&doc, 12, 10_000).is_err());
        let deep = "{ a { b { c { d { e { f { g { h { i { j { k { l { m } } } } } } } } } } } } }";
        let doc = async_graphql::parser::parse_query(deep).expect("valid");
        assert!(check_depth(&doc, 12, 10_000).is_err());
        assert!(check_depth(&doc, 13, 10_000).is_ok());
    }

    #[test]
    fn fragments_spreading_each_other_twice_over_are_refused_at_once() {
        let mut doc = String::from("{ ...F0 }");
        for i in 0..300 {
            doc.push_str(&format!(
                " fragment F{i} on Query {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        doc.push_str(" fragment F300 on Query { apiVersion }");
        let doc = async_graphql::parser::parse_query(&doc).expect("valid");
        let started = std::time::Instant::now();
        assert!(check_depth(&doc, 12, 10_000).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "{ a: me { id } b: me { x: id } ...F } fragment F on Query { c: me { id } }",
        )
        .expect("valid");
        assert_eq!(count_aliases(&doc), 4);
    }
}
