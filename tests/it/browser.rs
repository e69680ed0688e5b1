//! The browser side: GraphiQL and the playground served from the binary's embedded build with
//! their security headers, and — in a real headless Chromium (Debian's `chromium`, driven by
//! playwright-core from `playground/e2e/run.mjs`) — the dashboard and GraphiQL used as each
//! role against this server.

use std::path::{Path, PathBuf};

use reqwest::header;

use crate::helpers::TestApp;

const PLAYGROUND: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/playground");

/// The asset URLs a page loads (`src="…"`, `href="…"`).
fn asset_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(end) = part.find('"') {
                urls.push(part[..end].to_owned());
            }
        }
    }
    urls
}

#[tokio::test]
async fn pages_are_served_from_the_binary_with_a_strict_policy() {
    let app = TestApp::spawn().await;
    for path in ["/graphiql", "/playground"] {
        let response = app.client.get(app.url(path)).send().await.expect("page");
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("http"), "no other host is allowed: {csp}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        let html = response.text().await.expect("html");
        assert!(
            html.contains(r#"<meta name="talentgraph-mode" content="standard">"#),
            "not in demo mode: {path}"
        );
        let urls = asset_urls(&html);
        assert!(urls.len() >= 2, "{path}: {urls:?}");
        for url in urls {
            if url.starts_with("data:") {
                continue;
            }
            assert!(url.starts_with("/playground/assets/"), "{path}: {url}");
            let asset = app.client.get(app.url(&url)).send().await.expect("asset");
            assert_eq!(asset.status(), 200, "{url}");
            let kind = asset.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                kind.starts_with("text/javascript")
                    || kind.starts_with("application/javascript")
                    || kind.starts_with("text/css"),
                "{url}: {kind}"
            );
            assert!(
                asset.headers()[header::CACHE_CONTROL]
                    .to_str()
                    .unwrap_or_default()
                    .contains("immutable")
            );
        }
    }
    // Browsers asking `GET /graphql` for HTML get GraphiQL too.
    let response = app
        .client
        .get(app.url("/graphql"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("graphiql");
    assert!(
        response
            .headers()
            .contains_key(header::CONTENT_SECURITY_POLICY)
    );
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("talentgraph GraphiQL")
    );

    let missing = app
        .client
        .get(app.url("/playground/assets/nope.js"))
        .send()
        .await
        .expect("missing");
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn graphiql_can_be_turned_off_and_demo_mode_is_announced() {
    let app = TestApp::spawn_with(|c| c.graphiql = false).await;
    let response = app
        .client
        .get(app.url("/graphiql"))
        .send()
        .await
        .expect("off");
    assert_eq!(response.status(), 404);
    let response = app
        .client
        .get(app.url("/graphql"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .expect("graphql");
    assert!(!response.text().await.expect("body").contains("GraphiQL"));

    // Without the playground: no page, and its documents are not trusted.
    let app = TestApp::spawn_with(|c| {
        c.playground = false;
        c.trusted_documents = std::sync::Arc::new(
            talentgraph::trusted_documents::TrustedDocuments::load(None, false, false)
                .expect("no manifest"),
        );
    })
    .await;
    let response = app
        .client
        .get(app.url("/playground"))
        .send()
        .await
        .expect("off");
    assert_eq!(response.status(), 404);
    let manifest: std::collections::HashMap<String, String> = serde_json::from_str(include_str!(
        "../../playground/src/gql/client/persisted-documents.json"
    ))
    .expect("manifest");
    let (hash, _) = manifest
        .iter()
        .find(|(_, doc)| doc.starts_with("query Me "))
        .expect("Me");
    let body: serde_json::Value = app
        .client
        .post(app.url("/graphql"))
        .json(&serde_json::json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } }))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
        "{body}"
    );

    let app = TestApp::spawn_with(|c| c.demo = true).await;
    for path in ["/graphiql", "/playground"] {
        let html = app
            .client
            .get(app.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html");
        assert!(
            html.contains(r#"<meta name="talentgraph-mode" content="demo">"#),
            "{path}"
        );
    }
}

/// Node and the playground's node_modules, or why they are not here.
fn node_tools() -> Result<PathBuf, String> {
    if !Path::new(PLAYGROUND)
        .join("node_modules/playwright-core")
        .exists()
    {
        return Err("playground/node_modules is missing (npm ci --prefix playground)".to_owned());
    }
    let node = PathBuf::from("node");
    match std::process::Command::new(&node).arg("--version").output() {
        Ok(out) if out.status.success() => Ok(node),
        _ => Err("node is not installed".to_owned()),
    }
}

/// Whether a test that needs these tools may skip without them.
fn may_skip(why: &str) -> bool {
    if std::env::var("TALENTGRAPH_REQUIRE_BROWSER").as_deref() == Ok("1") {
        return false;
    }
    eprintln!("SKIPPED: {why}");
    true
}

/// graphql-http's audit of the GraphQL over HTTP spec (the reference implementation's own
/// checks): every MUST passes, and at least 90 % of the SHOULDs.
#[tokio::test]
async fn the_graphql_over_http_audit_passes() {
    let node = match node_tools() {
        Ok(node) => node,
        Err(why) if may_skip(&why) => return,
        Err(why) => panic!("the audit cannot run: {why}"),
    };
    let app = TestApp::spawn().await;
    let output = tokio::process::Command::new(node)
        .arg("e2e/audit.mjs")
        .arg(app.url("/graphql"))
        .current_dir(PLAYGROUND)
        .kill_on_drop(true)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{stdout}");
    let counts: serde_json::Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("counts on the last line: {stdout}"));
    let n = |level: &str, status: &str| counts[level][status].as_u64().unwrap_or(0);
    assert!(n("MUST", "ok") >= 10, "{counts}");
    assert_eq!(
        (n("MUST", "warn"), n("MUST", "error")),
        (0, 0),
        "every MUST passes:\n{stdout}"
    );
    let should = n("SHOULD", "ok") + n("SHOULD", "warn") + n("SHOULD", "error");
    assert!(
        should > 0 && n("SHOULD", "ok") * 10 >= should * 9,
        "at least 90 % of SHOULD:\n{stdout}"
    );
}

/// What the browser test needs, or why it cannot run here.
fn browser_tools() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!(
            "no Chromium at {} (apt-get install chromium, or set CHROMIUM)",
            chromium.display()
        ));
    }
    Ok((chromium, node_tools()?))
}

/// ADMIN publishes a tender, generates matches and sees them appear; CLIENT sees only the
/// proposed one and accepts it; the ADMIN's board follows; a workflow run moves live; GraphiQL
/// loads with no external request and runs a query and a subscription as each role. The
/// screenshots are kept in `target/browser-artifacts/<database>/`.
///
/// Skipped (loudly) where Chromium or the playground's node_modules are missing, unless
/// `TALENTGRAPH_REQUIRE_BROWSER=1` (as `.ci/run` sets), which makes that a failure.
#[tokio::test]
async fn the_dashboard_and_graphiql_work_in_a_real_browser() {
    let (chromium, node) = match browser_tools() {
        Ok(tools) => tools,
        Err(why) if may_skip(&why) => return,
        Err(why) => panic!("the browser test cannot run: {why}"),
    };
    let app = TestApp::spawn_with(|c| c.demo = true).await;
    talentgraph::demo::seed(&app.state)
        .await
        .expect("demo data");
    let database = if app.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/browser-artifacts")
        .join(database);
    let _ = std::fs::remove_dir_all(&artifacts);
    let output = tokio::process::Command::new(node)
        .arg("e2e/run.mjs")
        .arg(app.url(""))
        .current_dir(PLAYGROUND)
        .env("CHROMIUM", chromium)
        .env("ARTIFACTS", &artifacts)
        .kill_on_drop(true)
        .output()
        .await
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the browser test failed (screenshots in {}):\n{stdout}\n{stderr}",
        artifacts.display()
    );
    for expected in [
        "ok - GraphiQL runs a query as CLIENT",
        "ok - GraphiQL runs a subscription over /graphql/ws",
        "ok - CLIENT sees only the proposed match",
        "ok - the ADMIN's board shows ACCEPTED without a reload",
        "ok - no request to another host",
        "ok - no error in the browser console",
    ] {
        assert!(stdout.contains(expected), "{expected}:\n{stdout}");
    }
    assert!(artifacts.join("5-admin-accepted.png").exists());
}
