//! The browser side: GraphiQL and the playground, built by Vite from `playground/` into
//! `playground/dist` (committed, rebuilt by `npm run build` there and checked by CI) and embedded
//! in the binary at build time, so that `cargo run` needs no Node and the pages ask no other
//! host for anything (their CSP says so too).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;

#[derive(rust_embed::Embed)]
#[folder = "playground/dist"]
struct Dist;

/// The pages' Content Security Policy: nothing from another origin. Styles may be inline
/// (GraphiQL's editor positions itself with `style` attributes); scripts may not.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// The mode the pages are built with; `serve --demo` turns it into `demo` (one-click sign-in
/// as each demo login).
const STANDARD_MODE: &str = r#"<meta name="talentgraph-mode" content="standard">"#;
const DEMO_MODE: &str = r#"<meta name="talentgraph-mode" content="demo">"#;

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// An HTML page of the build, with its security headers.
fn page(name: &str, demo: bool) -> Response {
    let Some(file) = Dist::get(name) else {
        return not_found();
    };
    let html = String::from_utf8_lossy(&file.data);
    let html = if demo {
        html.replace(STANDARD_MODE, DEMO_MODE)
    } else {
        html.into_owned()
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html,
    )
        .into_response()
}

/// `GET /graphiql` (404 with `TALENTGRAPH_GRAPHIQL=false`).
pub async fn graphiql(State(state): State<HttpState>) -> Response {
    graphiql_page(&state)
}

pub fn graphiql_page(state: &HttpState) -> Response {
    if !state.config.graphiql {
        return not_found();
    }
    page("graphiql.html", state.config.demo)
}

/// `GET /playground`: the live dashboard (404 with `TALENTGRAPH_PLAYGROUND=false`).
pub async fn playground(State(state): State<HttpState>) -> Response {
    if !state.config.playground {
        return not_found();
    }
    page("index.html", state.config.demo)
}

/// `GET /playground/assets/<file>`: scripts, styles and fonts of the build. Their names carry
/// a hash of their content, so they are cached for good.
pub async fn asset(Path(path): Path<String>) -> Response {
    let Some(file) = Dist::get(&format!("assets/{path}")) else {
        return not_found();
    };
    let mime = file.metadata.mimetype();
    let mut response = (
        [(header::CACHE_CONTROL, "public, max-age=31536000, immutable")],
        file.data.into_owned(),
    )
        .into_response();
    if let Ok(mime) = HeaderValue::from_str(mime) {
        response.headers_mut().insert(header::CONTENT_TYPE, mime);
    }
    response
}
