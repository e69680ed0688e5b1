//! Persisted documents: Apollo's automatic persisted queries, the trusted documents of a
//! manifest (and the playground's own, built in), and strict mode, where nothing else runs —
//! over POST, GET and WebSocket.

use std::sync::Arc;

use futures_util::SinkExt as _;
use serde_json::{Value, json};
use talentgraph::trusted_documents::{TrustedDocuments, sha256_hex};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{TestApp, code, data, ws};

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, token: Option<&str>, body: Value) -> Value {
    let mut request = app.client.post(app.url("/graphql")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json")
}

/// A document of the playground whose text starts with `start`, as its manifest lists it.
fn playground_document(start: &str) -> (String, String) {
    let manifest: std::collections::HashMap<String, String> = serde_json::from_str(include_str!(
        "../../playground/src/gql/client/persisted-documents.json"
    ))
    .expect("manifest");
    manifest
        .into_iter()
        .find(|(_, doc)| doc.starts_with(start))
        .unwrap_or_else(|| panic!("the playground has `{start}`"))
}

#[tokio::test]
async fn automatic_persisted_queries_register_once_then_run_by_hash() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let query = "query Who { me { role } }";
    let hash = sha256_hex(query);

    // Unknown hash: the client is told to send the text (what Apollo's and urql's clients
    // look for).
    let body = post(&app, token, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");

    // A hash that is not the text's is refused, and not stored.
    let body = post(
        &app,
        token,
        json!({ "query": "{ me { email } }", "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let body = post(
        &app,
        token,
        json!({ "extensions": { "persistedQuery": { "version": 2, "sha256Hash": hash } } }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let body = post(
        &app,
        token,
        json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "xyz" } } }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");

    // A document that does not parse (or passes no limit) is not kept under its hash.
    let broken = "{ me { role ";
    let body = post(
        &app,
        token,
        json!({ "query": broken, "extensions": persisted(&sha256_hex(broken)) }),
    )
    .await;
    assert_eq!(code(&body), "GRAPHQL_PARSE_FAILED", "{body}");
    let body = post(
        &app,
        token,
        json!({ "extensions": persisted(&sha256_hex(broken)) }),
    )
    .await;
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");

    // Text and hash: runs and registers; then the hash alone runs it, over POST and GET.
    let body = post(
        &app,
        token,
        json!({ "query": query, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(data(&body)["me"]["role"], "ADMIN");
    let body = post(&app, token, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(data(&body)["me"]["role"], "ADMIN", "{body}");
    let extensions = persisted(&hash).to_string();
    let body: Value = app
        .client
        .get(app.url("/graphql"))
        .query(&[("extensions", extensions.as_str())])
        .bearer_auth(token.expect("token"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(data(&body)["me"]["role"], "ADMIN", "{body}");
    // The registered document is still checked against the caller's schema and limits.
    let body = post(&app, None, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
}

#[tokio::test]
async fn strict_mode_runs_only_trusted_documents() {
    let mine = "query Mine { me { fullName } }";
    let subscription = "subscription Watch($after: Int) { tenderUpdated(after: $after) { kind } }";
    let manifest = json!({ sha256_hex(mine): mine, sha256_hex(subscription): subscription });
    let trusted =
        TrustedDocuments::load(Some(&manifest.to_string()), true, true).expect("manifest");
    let app = TestApp::spawn_with(|c| c.trusted_documents = Arc::new(trusted)).await;
    // Signing up is a document too: done here by hash of a document the manifest lacks, so
    // the agency is made on another server of the same database.
    let open = app.another_instance_with(|_| {}).await;
    let agency = open.agency().await;
    let token = agency.admin.token();

    // Trusted: by hash, or by the exact text.
    let body = post(
        &app,
        token,
        json!({ "extensions": persisted(&sha256_hex(mine)) }),
    )
    .await;
    assert!(data(&body)["me"]["fullName"].is_string(), "{body}");
    let body = post(&app, token, json!({ "query": mine })).await;
    assert!(data(&body)["me"]["fullName"].is_string(), "{body}");
    // The playground's own documents are trusted too: its sign-in, and what it asks.
    let (sign_in, _) = playground_document("mutation SignIn(");
    let body = post(
        &app,
        None,
        json!({ "extensions": persisted(&sign_in), "variables": { "input": {
            "tenantSlug": agency.slug, "email": agency.admin.email, "password": crate::helpers::PASSWORD } } }),
    )
    .await;
    assert!(data(&body)["login"]["accessToken"].is_string(), "{body}");
    let (hash, _) = playground_document("query Me ");
    let body = post(&app, token, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(data(&body)["me"]["role"], "ADMIN", "{body}");

    // Anything else is refused, and nothing can be registered.
    let other = "{ me { email } }";
    for body in [
        json!({ "query": other }),
        json!({ "query": format!("{mine} ") }),
        json!({ "query": other, "extensions": persisted(&sha256_hex(other)) }),
        json!({ "extensions": persisted(&sha256_hex(other)) }),
    ] {
        let answer = post(&app, token, body.clone()).await;
        assert_eq!(code(&answer), "FORBIDDEN", "{body}: {answer}");
        assert!(answer["data"].is_null(), "{answer}");
    }

    // Over WebSocket alike.
    let mut socket = ws::open(&app, token).await;
    ws::subscribe(&mut socket, "raw", other, json!({})).await;
    let refused = ws::next_payload(&mut socket, "raw").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    assert!(refused["data"].is_null());
    assert_eq!(ws::next_of(&mut socket, "raw").await["type"], "complete");
    // The tender's event is replayed (`after: 0`), so that it cannot slip by before the
    // subscription starts.
    let company = agency.company(&open, "Acme").await;
    agency.draft_tender(&open, &company, json!({})).await;
    let message = json!({ "id": "byhash", "type": "subscribe", "payload": {
        "query": "", "variables": { "after": 0 },
        "extensions": persisted(&sha256_hex(subscription)) } });
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
    let event = ws::next_payload(&mut socket, "byhash").await;
    assert_eq!(event["data"]["tenderUpdated"]["kind"], "CREATED", "{event}");
}
