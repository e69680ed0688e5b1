//! HTTP hardening: content types (CSRF), body size, GET, batches, query limits, error codes,
//! request ids and the WebSocket handshake.

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

use crate::helpers::{TestApp, code, data};

#[tokio::test]
async fn posts_must_be_json_or_preflighted_multipart() {
    let app = TestApp::spawn().await;
    let query = r#"{"query":"{ apiVersion }"}"#;
    for content_type in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let mut request = app.client.post(app.url("/graphql")).body(query);
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 415, "{content_type}");
    }
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json; charset=utf-8")
        .body(query)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn oversized_bodies_answer_413() {
    let app = TestApp::spawn().await;
    let big = "a".repeat(app.state.config.limits.max_body_bytes + 1);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ apiVersion }", "variables": { "pad": big } }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 413);
}

#[tokio::test]
async fn get_serves_queries_but_refuses_mutations() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ apiVersion }")])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("json");
    assert!(data(&body)["apiVersion"].is_string());
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { logout(refreshToken: \"x\") }")])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    // Browsers asking for HTML get GraphiQL.
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    assert!(response.text().await.expect("html").contains("graphiql"));
    let response = app
        .client
        .get(app.url("/graphiql"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn batches_are_capped() {
    let app = TestApp::spawn().await;
    let op = json!({ "query": "{ apiVersion }" });
    let ok: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([op, op]))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(ok.as_array().map(Vec::len), Some(2));
    let too_many = vec![op; app.state.config.limits.max_batch + 1];
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&too_many)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn oversized_queries_are_refused_as_too_complex() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    data(&app.gql(token, "{ me { tenant { id } } }", json!({})).await);
    let nested = format!(
        "{{ __schema {{ types {}{{ name }}{} }} }}",
        "{ fields { type { ofType ".repeat(4),
        " } } }".repeat(4)
    );
    assert_eq!(
        code(&app.gql(token, &nested, json!({})).await),
        "QUERY_TOO_COMPLEX"
    );

    let node = "edges { node { id email fullName role active createdAt tenant { id name slug createdAt } } } totalCount";
    let wide = format!("{{ a: users(first: 100) {{ {node} }} b: users(first: 100) {{ {node} }} }}");
    assert_eq!(
        code(&app.gql(token, &wide, json!({})).await),
        "QUERY_TOO_COMPLEX"
    );
    let narrow = format!("{{ a: users(first: 5) {{ {node} }} }}");
    data(&app.gql(token, &narrow, json!({})).await);

    let aliases: String = (0..31).map(|i| format!("a{i}: apiVersion ")).collect();
    assert_eq!(
        code(&app.gql(token, &format!("{{ {aliases} }}"), json!({})).await),
        "QUERY_TOO_COMPLEX"
    );

    let tokens = "apiVersion ".repeat(app.state.config.limits.max_tokens);
    assert_eq!(
        code(&app.gql(token, &format!("{{ {tokens} }}"), json!({})).await),
        "QUERY_TOO_COMPLEX"
    );

    let directives = "@include(if: true) ".repeat(21);
    assert_eq!(
        code(
            &app.gql(token, &format!("{{ apiVersion {directives} }}"), json!({}))
                .await
        ),
        "QUERY_TOO_COMPLEX"
    );
}

#[tokio::test]
async fn every_error_carries_a_code() {
    let app = TestApp::spawn().await;
    assert_eq!(
        code(&app.anon("{ apiVersion", json!({})).await),
        "GRAPHQL_PARSE_FAILED"
    );
    assert_eq!(
        code(&app.anon("{ nope }", json!({})).await),
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert_eq!(
        code(&app.anon("{ me { id } }", json!({})).await),
        "UNAUTHENTICATED"
    );
    // A value of the wrong type is bad input.
    assert_eq!(
        code(
            &app.anon(
                "mutation { login(input: { tenantSlug: 1 }) { accessToken } }",
                json!({})
            )
            .await
        ),
        "BAD_USER_INPUT"
    );
    let body = app
        .anon(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "tenantSlug": "x" } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["x-request-id"], "trace-abc-123");
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad value with spaces")
        .send()
        .await
        .expect("request");
    let generated = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
}

async fn ws_connect(
    app: &TestApp,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    socket
}

#[tokio::test]
async fn websocket_accepts_a_valid_token_and_closes_4403_on_a_bad_one() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;

    let mut socket = ws_connect(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", agency.admin.access) } });
    socket
        .send(Message::text(init.to_string()))
        .await
        .expect("send");
    let ack = socket.next().await.expect("message").expect("frame");
    let ack: Value = serde_json::from_str(ack.to_text().expect("text")).expect("json");
    assert_eq!(ack["type"], "connection_ack");

    let mut socket = ws_connect(&app).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged.token.value" } });
    socket
        .send(Message::text(init.to_string()))
        .await
        .expect("send");
    let frame = socket.next().await.expect("message").expect("frame");
    match frame {
        Message::Close(Some(close)) => assert_eq!(u16::from(close.code), 4403),
        other => panic!("expected a close frame, got {other:?}"),
    }
}
