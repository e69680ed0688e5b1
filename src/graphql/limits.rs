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

use std::collections::HashSet;

use async_graphql::ServerError;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};

use crate::error::ErrorCode;

fn too_complex(message: String) -> ServerError {
    super::extension::with_code(ServerError::new(message, None), ErrorCode::QueryTooComplex)
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

/// `QUERY_TOO_COMPLEX` when an operation is deeper than `max` (`ofType` not counted) or nests
/// type expansions deeper than [`MAX_INTROSPECTION_EXPANSIONS`].
pub fn check_depth(doc: &ExecutableDocument, max: usize) -> Result<(), ServerError> {
    let operations: Vec<&SelectionSet> = match &doc.operations {
        DocumentOperations::Single(op) => vec![&op.node.selection_set.node],
        DocumentOperations::Multiple(ops) => {
            ops.values().map(|op| &op.node.selection_set.node).collect()
        }
    };
    for set in operations {
        let mut walk = Walk {
            doc,
            fragments: HashSet::new(),
        };
        let (depth, expansions) = walk.measure(set, false);
        if depth > max {
            return Err(too_complex("The query is nested too deep.".to_owned()));
        }
        if expansions > MAX_INTROSPECTION_EXPANSIONS {
            return Err(too_complex(format!(
                "Introspection nests types within types more than {MAX_INTROSPECTION_EXPANSIONS} levels deep"
            )));
        }
    }
    Ok(())
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    /// Fragments on the current path (a cycle is left to validation to report).
    fragments: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    /// (depth, nested type expansions) of a selection set; `introspection` once under
    /// `__schema` or `__type`.
    fn measure(&mut self, set: &'a SelectionSet, introspection: bool) -> (usize, usize) {
        let mut deepest = (0, 0);
        for item in &set.items {
            let (depth, expansions) = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    let inside = introspection || name == "__schema" || name == "__type";
                    let (d, e) = self.measure(&field.node.selection_set.node, inside);
                    let own_depth = usize::from(name != "ofType");
                    let own_expansion = usize::from(inside && EXPANDING.contains(&name));
                    (d + own_depth, e + own_expansion)
                }
                Selection::InlineFragment(fragment) => {
                    self.measure(&fragment.node.selection_set.node, introspection)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match self.doc.fragments.get(name) {
                        Some(fragment) if self.fragments.insert(name) => {
                            let measured =
                                self.measure(&fragment.node.selection_set.node, introspection);
                            self.fragments.remove(name);
                            measured
                        }
                        _ => (0, 0),
                    }
                }
            };
            deepest = (deepest.0.max(depth), deepest.1.max(expansions));
        }
        deepest
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
        assert!(check_depth(&doc, 12).is_ok());
        let circular = "{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }";
        let doc = async_graphql::parser::parse_query(circular).expect("valid");
        assert!(check_depth(&doc, 12).is_err());
        let deep = "{ a { b { c { d { e { f { g { h { i { j { k { l { m } } } } } } } } } } } } }";
        let doc = async_graphql::parser::parse_query(deep).expect("valid");
        assert!(check_depth(&doc, 12).is_err());
        assert!(check_depth(&doc, 13).is_ok());
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
