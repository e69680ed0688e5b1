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

/// The close code of the next frame, which must be a close frame.
async fn closed_with(socket: &mut Socket) -> u16 {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("closed within 10 s")
            .expect("a frame")
            .expect("frame");
        match frame {
            Message::Close(Some(close)) => return u16::from(close.code),
            Message::Text(_) | Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

#[tokio::test]
async fn protocol_breaches_close_with_graphql_transport_ws_codes() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let watch = json!({ "query": "subscription { tenderUpdated { kind } }" });

    // Not a message of the protocol.
    let mut socket = open(&app, agency.admin.token()).await;
    send(&mut socket, json!({ "type": "nonsense" })).await;
    assert_eq!(closed_with(&mut socket).await, 4400);
    let mut socket = open(&app, agency.admin.token()).await;
    socket.send(Message::text("not json")).await.expect("send");
    assert_eq!(closed_with(&mut socket).await, 4400);
    // The legacy protocol's names are not graphql-transport-ws's.
    let mut socket = open(&app, agency.admin.token()).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "start", "payload": watch }),
    )
    .await;
    assert_eq!(closed_with(&mut socket).await, 4400);

    // Subscribing before the connection is acknowledged.
    let mut socket = connect(&app).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": watch }),
    )
    .await;
    assert_eq!(closed_with(&mut socket).await, 4401);

    // An id that is still running.
    let mut socket = open(&app, agency.admin.token()).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": watch }),
    )
    .await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": watch }),
    )
    .await;
    assert_eq!(closed_with(&mut socket).await, 4409);

    // Once completed by the client, the id may be used again.
    let mut socket = open(&app, agency.admin.token()).await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": watch }),
    )
    .await;
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    // (The server acknowledges with a `complete` of its own.)
    assert_eq!(next_json(&mut socket).await["type"], "complete");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": watch }),
    )
    .await;
    let body = run(&mut socket, "2", "{ me { id } }", json!({})).await;
    assert!(body["data"]["me"]["id"].is_string(), "{body}");

    // A second connection_init.
    let mut socket = open(&app, agency.admin.token()).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(closed_with(&mut socket).await, 4429);
}

#[tokio::test]
async fn only_allowed_origins_open_the_socket_and_pass_cors() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

    let app = TestApp::spawn_with(|c| {
        c.allowed_origins = vec!["https://app.example.com".to_owned()];
    })
    .await;
    let attempt = |origin: Option<String>| {
        let mut request = format!("ws://{}/graphql/ws", app.addr)
            .into_client_request()
            .expect("request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", origin.parse().expect("origin"));
        }
        tokio_tungstenite::connect_async(request)
    };
    for (origin, ok) in [
        (None, true),
        (Some("https://app.example.com".to_owned()), true),
        (Some(format!("http://{}", app.addr)), true),
        (Some("https://evil.example".to_owned()), false),
    ] {
        let outcome = attempt(origin.clone()).await;
        match (outcome, ok) {
            (Ok(_), true) => {}
            (Err(tokio_tungstenite::tungstenite::Error::Http(response)), false) => {
                assert_eq!(response.status(), 403, "{origin:?}");
            }
            (other, _) => panic!("{origin:?}: {:?}", other.map(|_| "open")),
        }
    }
    // CORS on /graphql for the same list.
    for (origin, allowed) in [
        ("https://app.example.com", true),
        ("https://evil.example", false),
    ] {
        let response = app
            .client
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .expect("preflight");
        let echoed = response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap_or("").to_owned());
        assert_eq!(
            echoed.as_deref() == Some(origin),
            allowed,
            "{origin}: {echoed:?}"
        );
    }
}

#[tokio::test]
async fn a_client_that_stops_reading_is_disconnected_and_the_server_goes_on() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

    let app = TestApp::spawn_with(|c| {
        c.limits.ws_send_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency.draft_tender(&app, &company, json!({})).await;

    // A socket with a small receive buffer that reads nothing after subscribing.
    let tcp = tokio::net::TcpSocket::new_v4().expect("socket");
    tcp.set_recv_buffer_size(4096).expect("buffer");
    let stream = tcp.connect(app.addr).await.expect("connect");
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let stream = tokio_tungstenite::MaybeTlsStream::Plain(stream);
    let (mut slow, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .expect("handshake");
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", agency.admin.access) } });
    send(&mut slow, init).await;
    assert_eq!(next_json(&mut slow).await["type"], "connection_ack");
    send(&mut slow, json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { tenderUpdated { tender { description } } }" } })).await;
    // A reader that keeps up, for comparison.
    let mut fast = open(&app, agency.admin.token()).await;
    send(&mut fast, json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { tenderUpdated { kind } }" } })).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let description = "x".repeat(9_000);
    let update = "mutation($id: ID!, $d: String) { updateTender(input: { id: $id, description: $d }) { id } }";
    let events = 400;
    for i in 0..events {
        let body = app
            .gql(
                agency.admin.token(),
                update,
                json!({ "id": tender, "d": format!("{i}{description}") }),
            )
            .await;
        data(&body);
        let seen = next_json(&mut fast).await;
        assert_eq!(
            seen["payload"]["data"]["tenderUpdated"]["kind"], "UPDATED",
            "{seen}"
        );
    }
    // The slow socket was given up: reading it now ends (after what was buffered) instead of
    // delivering all 400 events.
    let mut delivered = 0;
    let ended = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while let Some(Ok(frame)) = slow.next().await {
            match frame {
                Message::Text(_) => delivered += 1,
                Message::Close(_) => break,
                _ => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the slow socket is still open");
    assert!(delivered < events, "all {delivered} events were delivered");
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert!(health.status().is_success());
}

#[tokio::test]
async fn subscriptions_count_against_the_rate_and_complexity_limits() {
    let app = TestApp::spawn_with(|c| c.rate_limits.per_user_per_minute = 3).await;
    let agency = app.agency().await;
    let mut socket = open(&app, agency.admin.token()).await;
    // Too complex a selection is refused before anything is watched.
    let deep = "subscription { matchUpdated { match { tender { matches(first: 100) { edges { node { tender { matches(first: 100) { edges { node { id } } } } } } } } } } }";
    let body = run(&mut socket, "1", deep, json!({})).await;
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    // Each subscription is one operation of the user's budget (3 a minute here): of five,
    // some are refused; those let through stay open and send nothing.
    for id in ["2", "3", "4", "5", "6"] {
        send(
            &mut socket,
            json!({ "id": id, "type": "subscribe", "payload": { "query": "subscription { tenderUpdated { kind } }" } }),
        )
        .await;
    }
    let reply = next_json(&mut socket).await;
    assert_eq!(reply["type"], "next", "{reply}");
    assert_eq!(code(&reply["payload"]), "RATE_LIMITED", "{reply}");
    assert_ne!(
        reply["id"], "2",
        "the first subscription fits the budget: {reply}"
    );
}

#[tokio::test]
async fn a_socket_without_a_known_subprotocol_is_refused() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

    let app = TestApp::spawn().await;
    for protocol in [None, Some("mqtt"), Some("graphql-ws, graphql-transport-ws")] {
        let mut request = format!("ws://{}/graphql/ws", app.addr)
            .into_client_request()
            .expect("request");
        if let Some(protocol) = protocol {
            request
                .headers_mut()
                .insert("sec-websocket-protocol", protocol.parse().expect("header"));
        }
        match (tokio_tungstenite::connect_async(request).await, protocol) {
            (Ok((mut socket, response)), Some(p)) if p.contains("graphql") => {
                // The server's preferred protocol, whatever the client's order; and it is the
                // one spoken (the legacy protocol's name for `subscribe` is refused: 4400).
                assert_eq!(
                    response
                        .headers()
                        .get("sec-websocket-protocol")
                        .and_then(|v| v.to_str().ok()),
                    Some("graphql-transport-ws")
                );
                send(&mut socket, json!({ "type": "ping" })).await;
                assert_eq!(next_json(&mut socket).await["type"], "pong");
                send(
                    &mut socket,
                    json!({ "id": "1", "type": "start", "payload": { "query": "{ __typename }" } }),
                )
                .await;
                assert_eq!(closed_with(&mut socket).await, 4400);
            }
            (Err(tokio_tungstenite::tungstenite::Error::Http(response)), _) => {
                assert_eq!(response.status(), 400, "{protocol:?}");
                assert!(protocol.is_none_or(|p| !p.contains("graphql")));
            }
            (other, _) => panic!("{protocol:?}: {:?}", other.map(|_| "open")),
        }
    }
}

/// Opens a socket speaking the legacy protocol (subscriptions-transport-ws, subprotocol
/// `graphql-ws`).
async fn connect_legacy(app: &TestApp) -> Socket {
    crate::helpers::ws::connect_speaking(app, "graphql-ws").await
}

/// The legacy protocol's names: `start` runs an operation and its results come as `data`, then
/// `complete`; `stop` ends a subscription (acknowledged with `complete`); a refused token is
/// answered with `connection_error`, then the socket is closed; `start` before the handshake
/// closes the socket.
#[tokio::test]
async fn the_legacy_graphql_ws_protocol_runs_queries_and_subscriptions() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency.open_tender(&app, &company, json!({})).await;

    let mut socket = connect_legacy(&app).await;
    let token = agency.admin.token().expect("token");
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");

    send(
        &mut socket,
        json!({ "id": "q", "type": "start", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    let reply = next_json(&mut socket).await;
    assert_eq!(
        (&reply["type"], &reply["id"]),
        (&json!("data"), &json!("q")),
        "{reply}"
    );
    assert_eq!(reply["payload"]["data"]["me"]["email"], agency.admin.email);
    let reply = next_json(&mut socket).await;
    assert_eq!(
        (&reply["type"], &reply["id"]),
        (&json!("complete"), &json!("q")),
        "{reply}"
    );

    // Replayed from the start: the tender's creation, then its publication.
    let watch = "subscription { tenderUpdated(after: 0) { kind tender { id } } }";
    send(
        &mut socket,
        json!({ "id": "s", "type": "start", "payload": { "query": watch } }),
    )
    .await;
    for kind in ["CREATED", "PUBLISHED"] {
        let reply = next_json(&mut socket).await;
        assert_eq!(
            (&reply["type"], &reply["id"]),
            (&json!("data"), &json!("s")),
            "{reply}"
        );
        let event = &reply["payload"]["data"]["tenderUpdated"];
        assert_eq!(
            (&event["kind"], &event["tender"]["id"]),
            (&json!(kind), &json!(tender))
        );
    }
    send(&mut socket, json!({ "id": "s", "type": "stop" })).await;
    let reply = next_json(&mut socket).await;
    assert_eq!(
        (&reply["type"], &reply["id"]),
        (&json!("complete"), &json!("s")),
        "{reply}"
    );

    // A refused token.
    let mut socket = connect_legacy(&app).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged.token.value" } }),
    )
    .await;
    let reply = next_json(&mut socket).await;
    assert_eq!(reply["type"], "connection_error", "{reply}");
    assert_eq!(closed_with(&mut socket).await, 4403);

    // No handshake.
    let mut socket = connect_legacy(&app).await;
    send(
        &mut socket,
        json!({ "id": "q", "type": "start", "payload": { "query": "{ me { email } }" } }),
    )
    .await;
    assert_eq!(closed_with(&mut socket).await, 1011);

    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    // A second connection_init.
    let mut socket = connect_legacy(&app).await;
    send(&mut socket, init.clone()).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(&mut socket, init.clone()).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_error");
    assert_eq!(closed_with(&mut socket).await, 4429);
    // A message the protocol does not have.
    let mut socket = connect_legacy(&app).await;
    send(&mut socket, json!({ "type": "nonsense" })).await;
    assert_eq!(closed_with(&mut socket).await, 1002);
    // Goodbye.
    let mut socket = connect_legacy(&app).await;
    send(&mut socket, init).await;
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    send(&mut socket, json!({ "type": "connection_terminate" })).await;
    assert_eq!(closed_with(&mut socket).await, 1000);
}

/// A client is heard while its socket has results queued: a `complete` sent during a replay of
/// hundreds of events stops it there, it does not wait for the replay's end (results are sent
/// first, but the client's messages are looked at every few dozen of them).
#[tokio::test]
async fn a_complete_during_a_long_replay_stops_it() {
    const EVENTS: usize = 300;
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    for _ in 0..EVENTS {
        agency.draft_tender(&app, &company, json!({})).await;
    }
    let mut socket = open(&app, agency.admin.token()).await;
    let watch = json!({ "query": "subscription { tenderUpdated(after: 0) { sequence } }" });
    send(
        &mut socket,
        json!({ "id": "r", "type": "subscribe", "payload": watch }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await["type"], "next");
    send(&mut socket, json!({ "id": "r", "type": "complete" })).await;
    let mut delivered = 1;
    loop {
        let reply = next_json(&mut socket).await;
        match reply["type"].as_str() {
            Some("next") => delivered += 1,
            Some("complete") => break,
            other => panic!("unexpected {other:?}: {reply}"),
        }
    }
    assert!(
        delivered < EVENTS,
        "all {delivered} events of the replay were sent before the client's complete was heard"
    );
}
