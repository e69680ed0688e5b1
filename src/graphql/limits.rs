//! Request limits async-graphql does not enforce itself: tokens (counted before parsing, so a
//! huge document never reaches the parser) and aliases.

use async_graphql::ServerError;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

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
    fn aliases_are_counted_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "{ a: me { id } b: me { x: id } ...F } fragment F on Query { c: me { id } }",
        )
        .expect("valid");
        assert_eq!(count_aliases(&doc), 4);
    }
}
