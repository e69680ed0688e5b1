//! A graphql-transport-ws client for tests (tokio-tungstenite).

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

use super::TestApp;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn connect(app: &TestApp) -> Socket {
    connect_speaking(app, "graphql-transport-ws").await
}

/// Opens a socket offering `protocol`, which the server must accept.
pub async fn connect_speaking(app: &TestApp, protocol: &str) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", app.addr)
        .into_client_request()
        .expect("request");
    request
        .headers_mut()
        .insert("sec-websocket-protocol", protocol.parse().expect("header"));
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some(protocol)
    );
    socket
}

pub async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("a message within 10 s")
            .expect("open socket")
            .expect("frame");
        match frame {
            Message::Text(text) => return serde_json::from_str(&text).expect("json"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Opens a socket and completes `connection_init`, with a token or anonymously.
pub async fn open(app: &TestApp, token: Option<&str>) -> Socket {
    let mut socket = connect(app).await;
    let payload = match token {
        Some(t) => json!({ "Authorization": format!("Bearer {t}") }),
        None => json!({}),
    };
    let init = json!({ "type": "connection_init", "payload": payload });
    socket
        .send(Message::text(init.to_string()))
        .await
        .expect("send");
    assert_eq!(next_json(&mut socket).await["type"], "connection_ack");
    socket
}

/// Starts a subscription `id` on the socket.
pub async fn subscribe(socket: &mut Socket, id: &str, query: &str, variables: Value) {
    let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } });
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

/// The next message of the socket, which must belong to subscription `id`.
pub async fn next_of(socket: &mut Socket, id: &str) -> Value {
    let message = next_json(socket).await;
    assert_eq!(message["id"], id, "{message}");
    message
}

/// The payload of the next `next` message of subscription `id`.
pub async fn next_payload(socket: &mut Socket, id: &str) -> Value {
    let message = next_of(socket, id).await;
    assert_eq!(message["type"], "next", "{message}");
    message["payload"].clone()
}
