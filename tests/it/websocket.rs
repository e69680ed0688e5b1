//! GraphQL over WebSocket: the handshake, per-operation re-authentication, shared throttles
//! and error codes.

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::agency::AUTH_FIELDS;
use crate::helpers::ws::{Socket, connect, next_json, open};
use crate::helpers::{PASSWORD, TestApp, code, data};

/// Runs one operation to its `complete` and returns its result as a GraphQL response body.
async fn run(socket: &mut Socket, id: &str, query: &str, variables: Value) -> Value {
    let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } });
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
    let mut result = None;
    loop {
        let reply = next_json(socket).await;
        assert_eq!(reply["id"], id, "{reply}");
        match reply["type"].as_str() {
            Some("next") => result = Some(reply["payload"].clone()),
            Some("error") => return json!({ "errors": reply["payload"] }),
            Some("complete") => return result.expect("a result before complete"),
            other => panic!("unexpected reply {other:?}: {reply}"),
        }
    }
}

#[tokio::test]
async fn a_valid_token_is_acknowledged_and_a_bad_one_closes_4403() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mut socket = open(&app, agency.admin.token()).await;
    let body = run(&mut socket, "1", "{ me { email } }", json!({})).await;
    assert_eq!(data(&body)["me"]["email"], agency.admin.email);

    let mut socket = connect(&app).await;
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

#[tokio::test]
async fn an_open_socket_stops_working_once_the_user_is_deactivated() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let manager = agency.member(&app, "MANAGER").await;
    let mut socket = open(&app, manager.token()).await;
    data(&run(&mut socket, "1", "{ me { id } }", json!({})).await);
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": manager.user_id }),
        )
        .await;
    data(&body);
    let body = run(&mut socket, "2", "{ me { id } }", json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
}

#[tokio::test]
async fn sign_in_attempts_over_the_socket_share_the_ip_throttle() {
    let app = TestApp::spawn_with(|c| c.throttle.ip_max_failures = 2).await;
    let agency = app.agency().await;
    let mut socket = open(&app, None).await;
    let login = format!("mutation($i: LoginInput!) {{ login(input: $i) {{ {AUTH_FIELDS} }} }}");
    for i in 0..2 {
        let vars = json!({ "i": { "tenantSlug": agency.slug, "email": format!("nobody{i}@x.test"), "password": "wrong password" } });
        let body = run(&mut socket, &format!("l{i}"), &login, vars).await;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    // The same client IP over HTTP is now throttled too.
    let body = agency.login(&app, &agency.admin.email, PASSWORD).await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
}

#[tokio::test]
async fn socket_errors_carry_codes_and_limits_apply() {
    let app = TestApp::spawn().await;
    let mut socket = open(&app, None).await;
    let body = run(&mut socket, "1", "{ nope }", json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    let aliases: String = (0..31).map(|i| format!("a{i}: apiVersion ")).collect();
    let body = run(&mut socket, "2", &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let body = run(&mut socket, "3", "{ me { id } }", json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
}

/// On shutdown (SIGTERM), an open socket is closed with 1001 "going away", not dropped, so
/// that clients reconnect to another instance at once.
#[tokio::test]
async fn shutdown_closes_open_sockets_with_going_away() {
    let mut app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mut socket = open(&app, agency.admin.token()).await;
    let stopper = tokio::spawn(async move {
        app.stop().await;
        app
    });
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("a frame within 10 s")
        .expect("open socket")
        .expect("frame");
    match frame {
        Message::Close(Some(close)) => {
            assert_eq!(u16::from(close.code), 1001, "{close:?}");
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
    let _ = stopper.await;
}

/// A socket that never sends `connection_init` is closed (4408) instead of holding its
/// connection slot forever.
#[tokio::test]
async fn a_socket_that_never_initialises_is_closed() {
    let app =
        TestApp::spawn_with(|c| c.limits.ws_init_timeout = std::time::Duration::from_secs(2)).await;
    let mut socket = connect(&app).await;
    let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("closed within 10 s")
        .expect("a frame")
        .expect("frame");
    match frame {
        Message::Close(Some(close)) => assert_eq!(u16::from(close.code), 4408, "{close:?}"),
        other => panic!("expected a close frame, got {other:?}"),
    }
    // An initialised socket stays open past the timeout.
    let agency = app.agency().await;
    let mut socket = open(&app, agency.admin.token()).await;
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    let body = run(&mut socket, "1", "{ me { id } }", json!({})).await;
    assert!(body["data"]["me"]["id"].is_string(), "{body}");
}
