//! Search (DESIGN §7): one `search` query over consultants, tenders, résumés and portfolio
//! projects, by words and by meaning. The index is written in the unit of work of every change
//! (`index`, a reaction to the domains' events); words are searched by the database itself
//! (`fulltext`: PostgreSQL `tsvector` + GIN, SQLite FTS5), meaning through sentence embeddings
//! computed by jobs and compared in memory (`semantic`, over `crate::embeddings`); the two
//! rankings are fused by reciprocal rank (`service`). Every hit is a row of the reader's row
//! scopes, matched on text the reader may read.
//!
//! Above documents in the dependency order (it indexes their résumés and projects); nothing
//! below names it.

pub mod fulltext;
pub mod graphql;
pub mod index;
pub mod scope;
pub mod semantic;
pub mod service;
pub mod similar;

/// What a search can find.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[graphql(name = "SearchType")]
pub enum Kind {
    /// Consultants' profiles: name, title, skills, location, bio (and, for the agency, its
    /// internal notes).
    Consultant,
    /// Tenders: title, company, required skills, location, description.
    Tender,
    /// Résumés' text, without contact data.
    #[graphql(visible = "crate::auth::visibility::resume_read")]
    Resume,
    /// Portfolio projects: title, client, skills, description.
    Portfolio,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Consultant,
        Kind::Tender,
        Kind::Resume,
        Kind::Portfolio,
    ];

    /// The stored name (`search_entry.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Consultant => "CONSULTANT",
            Kind::Tender => "TENDER",
            Kind::Resume => "RESUME",
            Kind::Portfolio => "PORTFOLIO",
        }
    }

    pub fn parse(stored: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == stored)
    }
}

/// Marks the start of a matched word in a snippet (a private-use character, removed from
/// indexed text).
pub const MARK_START: char = '\u{E000}';
/// Marks the end of a matched word.
pub const MARK_END: char = '\u{E001}';

/// A snippet as HTML: the text escaped, matched words in `<mark>`.
pub fn snippet_html(marked: &str) -> String {
    let mut out = String::with_capacity(marked.len() + 16);
    for c in marked.chars() {
        match c {
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The job that embeds an entry, for the composition root.
pub const EMBED_JOB: crate::jobs::Handler<crate::state::AppState> = crate::jobs::Handler {
    kind: index::EMBED_KIND,
    run: semantic::run_embed_job,
    on_dead: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_escape_the_text_and_mark_the_matches() {
        assert_eq!(
            snippet_html("a <b>\u{E000}Go\u{E001} & \"x\"\n"),
            "a &lt;b&gt;<mark>Go</mark> &amp; &quot;x&quot; "
        );
    }
}
