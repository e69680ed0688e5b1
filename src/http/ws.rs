//! `/graphql/ws`: GraphQL over WebSocket (graphql-transport-ws and the legacy graphql-ws).
//! The `connection_init` payload carries `{"Authorization": "Bearer <jwt>"}`; a bad token closes
//! the socket with code 4403. The token is checked again before every operation, so a
//! deactivated user or an expired token stops working on an open socket too.
//!
//! graphql-transport-ws's close codes: 4400 for a message that is not one of the protocol's,
//! 4401 for `subscribe` before `connection_ack`, 4403 for a refused token, 4408 when
//! `connection_init` does not come in time, 4409 for a second `subscribe` with an id still
//! running, 4429 for a second `connection_init`. A page of an origin that is not allowed
//! (`http::origin`) cannot open the socket (403). A client that stops reading holds at most 32
//! frames of the server's, then is disconnected after `ws_send_timeout`; what it misses stays
//! in the outbox (subscriptions resume with `after`).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols, WsMessage};
use async_graphql::{BatchRequest, BatchResponse, Data, Executor, Request, Response};
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response as HttpResponse;
use futures_util::stream::BoxStream;
use futures_util::{SinkExt as _, StreamExt as _};

use super::RequestId;
use super::server::{Slot, Stopping};
use crate::audit::RequestMeta;
use crate::error::ensure_codes;
use crate::graphql::prepare::{self, WsSession};
use crate::http::HttpState;
use crate::schema::AppSchema;
use crate::state::AppState;

/// Reason async-graphql closes with (1002) when `on_connection_init` fails; sent as 4403.
const AUTH_FAILED: &str = "Forbidden: invalid access token";
const CLOSE_FORBIDDEN: u16 = 4403;

/// The schema as the socket sees it: each operation is prepared as over HTTP (the token of
/// `connection_init` re-checked, rate limits, the document held to the limits) and every
/// response gets its error codes and its keys in query order.
#[derive(Clone)]
struct CodedSchema {
    schema: AppSchema,
    state: AppState,
    documents: std::sync::Arc<crate::graphql::prepare::DocumentCache>,
}

fn failed(err: async_graphql::ServerError) -> Response {
    let mut response = Response::from_errors(vec![err]);
    ensure_codes(&mut response);
    response
}

impl Executor for CodedSchema {
    async fn execute(&self, request: Request) -> Response {
        match prepare::check(&self.state.config.limits, &self.documents, request) {
            Ok(checked) => {
                let order = checked.order();
                let response = self.schema.execute(checked.request).await;
                let mut response = prepare::Checked::finish(order.as_ref(), response);
                ensure_codes(&mut response);
                response
            }
            Err(err) => failed(err),
        }
    }

    async fn execute_batch(&self, batch: BatchRequest) -> BatchResponse {
        match batch {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request).await),
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute(request).await);
                }
                BatchResponse::Batch(responses)
            }
        }
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<std::sync::Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let (schema, state) = (self.schema.clone(), self.state.clone());
        let documents = self.documents.clone();
        let data = session_data.unwrap_or_default();
        futures_util::stream::once(async move {
            let session = data
                .get(&std::any::TypeId::of::<WsSession>())
                .and_then(|d| d.downcast_ref::<WsSession>())
                .cloned();
            let prepared = match (
                prepare::check(&state.config.limits, &documents, request),
                session,
            ) {
                (Ok(checked), Some(session)) => {
                    prepare::ws_operation(&state, &session, checked).await
                }
                (checked, _) => checked,
            };
            match prepared {
                Ok(checked) => {
                    let order = checked.order();
                    schema
                        .execute_stream_with_session_data(checked.request, data)
                        .map(move |response| {
                            let mut response = prepare::Checked::finish(order.as_ref(), response);
                            ensure_codes(&mut response);
                            response
                        })
                        .boxed()
                }
                Err(err) => futures_util::stream::once(async move { failed(err) }).boxed(),
            }
        })
        .flatten()
        .boxed()
    }
}

/// Reads the client's messages in a task of its own, so that sending a result never polls the
/// socket's read side (with the writer below: 22 → 15.5 µs of CPU per delivery to 10,000
/// subscribers, `cargo bench --bench fanout`), holds them to graphql-transport-ws (the first
/// breach closes the socket with its code and ends the reading; the legacy protocol has no such
/// codes), and hands the protocol their text. Ends when the client is gone or the protocol no
/// longer listens.
async fn read<S>(
    mut stream: S,
    checked: bool,
    session: Arc<Session>,
    mut input: futures_channel::mpsc::Sender<axum::body::Bytes>,
    breach: tokio::sync::oneshot::Sender<Message>,
) where
    S: futures_util::Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    while let Some(Ok(message)) = stream.next().await {
        if checked && let Some((code, reason)) = session.breach(&message) {
            let _ = breach.send(close(code, reason));
            return;
        }
        let data = match message {
            Message::Text(_) | Message::Binary(_) => message.into_data(),
            _ => continue,
        };
        if input.send(data).await.is_err() {
            return;
        }
    }
}

/// Close code of a socket the server closes because it is shutting down (RFC 6455 "going
/// away"), so that clients reconnect elsewhere.
const CLOSE_GOING_AWAY: u16 = 1001;

/// graphql-transport-ws's close code for a client that did not complete `connection_init`.
const CLOSE_INIT_TIMEOUT: u16 = 4408;
/// Initial read buffer of a socket.
const WS_BUFFER: usize = 4 * 1024;

/// graphql-transport-ws's close codes the server sends itself.
const CLOSE_INVALID_MESSAGE: u16 = 4400;
const CLOSE_UNAUTHORIZED: u16 = 4401;
const CLOSE_DUPLICATE_ID: u16 = 4409;

/// What the reader of the client's messages and the writer of the server's share: whether the
/// connection was acknowledged, and which operation ids are running.
#[derive(Default)]
struct Session {
    acknowledged: AtomicBool,
    running: std::sync::Mutex<HashSet<String>>,
}

impl Session {
    fn running(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes what the server tells the client (an operation that ended, the acknowledgement).
    fn sent(&self, message: &Message) {
        let Message::Text(text) = message else {
            return;
        };
        // The bulk of what is sent are results (`{"type":"next",…}`, the tag first): not parsed.
        if text.as_str().starts_with(r#"{"type":"next""#) {
            return;
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text.as_str()) else {
            return;
        };
        match value["type"].as_str() {
            Some("connection_ack") => self.acknowledged.store(true, Ordering::SeqCst),
            Some("complete" | "error") => {
                if let Some(id) = value["id"].as_str() {
                    self.running().remove(id);
                }
            }
            _ => {}
        }
    }

    /// The close code a client's message calls for under graphql-transport-ws, if any.
    fn breach(&self, message: &Message) -> Option<(u16, String)> {
        let text = match message {
            Message::Text(text) => text.as_str(),
            Message::Binary(_) => {
                return Some((CLOSE_INVALID_MESSAGE, "Invalid message received".into()));
            }
            _ => return None,
        };
        let invalid = || Some((CLOSE_INVALID_MESSAGE, "Invalid message received".into()));
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return invalid();
        };
        match value["type"].as_str() {
            Some("connection_init" | "ping" | "pong") => None,
            Some("subscribe") => {
                let Some(id) = value["id"].as_str().filter(|id| !id.is_empty()) else {
                    return invalid();
                };
                if !value["payload"].is_object() {
                    return invalid();
                }
                if !self.acknowledged.load(Ordering::SeqCst) {
                    return Some((CLOSE_UNAUTHORIZED, "Unauthorized".into()));
                }
                if !self.running().insert(id.to_owned()) {
                    return Some((
                        CLOSE_DUPLICATE_ID,
                        format!("Subscriber for {id} already exists"),
                    ));
                }
                None
            }
            Some("complete") => match value["id"].as_str() {
                Some(id) => {
                    self.running().remove(id);
                    None
                }
                None => invalid(),
            },
            _ => invalid(),
        }
    }
}

fn close(code: u16, reason: impl Into<String>) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into().into(),
    }))
}

/// What the socket's writer needs besides the socket and the protocol.
struct Writer {
    stopping: Option<Stopping>,
    init_timeout: Duration,
    send_timeout: Duration,
    session: Arc<Session>,
    breach: tokio::sync::oneshot::Receiver<Message>,
}

/// The protocol's message as a WebSocket frame; a refused `connection_init` closes with 4403.
fn frame(message: WsMessage) -> Message {
    match message {
        WsMessage::Text(text) => Message::Text(text.into()),
        WsMessage::Close(_, reason) if reason == AUTH_FAILED => close(CLOSE_FORBIDDEN, reason),
        WsMessage::Close(code, reason) => close(code, reason),
    }
}

/// Sends what the protocol writes to the client as it comes (one task per socket: a result is
/// executed, serialised and written in the same poll), and closes the socket itself when the
/// client breached the protocol, when the server shuts down (1001 going away, instead of
/// dropping it), when `connection_init` does not complete within `init_timeout` (4408), or
/// when the client stops reading for `send_timeout`.
async fn write<S, P>(mut sink: S, protocol: P, writer: Writer)
where
    S: futures_util::Sink<Message> + Unpin,
    P: futures_util::Stream<Item = WsMessage>,
{
    let Writer {
        mut stopping,
        init_timeout,
        send_timeout,
        session,
        breach,
    } = writer;
    let mut breached = std::pin::pin!(async {
        match breach.await {
            Ok(close) => close,
            // The reader ended without a breach: the protocol's end says the rest.
            Err(_) => std::future::pending().await,
        }
    });
    let mut protocol = std::pin::pin!(protocol);
    // Each future is made once: a delivery polls them, it does not rebuild them. The protocol
    // comes first in the `select!` below; the others are polled only when it has nothing.
    let mut stop = std::pin::pin!(async {
        match stopping.as_mut() {
            Some(s) => s.wait().await,
            None => std::future::pending().await,
        }
    });
    let mut init_sleep = std::pin::pin!(tokio::time::sleep(init_timeout));
    let mut init_expired = std::pin::pin!(std::future::poll_fn(|cx| {
        if session.acknowledged.load(Ordering::SeqCst) {
            // Never to fire: no need to wake.
            std::task::Poll::Pending
        } else {
            init_sleep.as_mut().poll(cx)
        }
    }));
    let last = loop {
        tokio::select! {
            biased;
            message = protocol.next() => {
                let Some(message) = message else {
                    // The reader stopped: a breach of the protocol, if that was why, is said.
                    match futures_util::FutureExt::now_or_never(breached.as_mut()) {
                        Some(close) => break close,
                        None => return,
                    }
                };
                let message = frame(message);
                session.sent(&message);
                let closing = matches!(message, Message::Close(_));
                match tokio::time::timeout(send_timeout, sink.send(message)).await {
                    Ok(Ok(())) if !closing => {}
                    _ => return,
                }
            }
            close = &mut breached => break close,
            () = &mut stop => break close(CLOSE_GOING_AWAY, "server shutting down"),
            () = &mut init_expired => {
                break close(CLOSE_INIT_TIMEOUT, "Connection initialisation timeout");
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(last)).await;
}

/// Ends a task when dropped: the socket's reader goes with its writer.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub async fn handler(
    State(state): State<HttpState>,
    headers: axum::http::HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(request_id): Extension<RequestId>,
    slot: Option<Extension<Slot>>,
    stopping: Option<Extension<Stopping>>,
    upgrade: WebSocketUpgrade,
) -> HttpResponse {
    use axum::response::IntoResponse as _;
    // The protocol the socket speaks: the server's preferred one among those the client offers,
    // as the upgrade answers it (`protocols` below), whatever the client's order.
    let offered = headers
        .get(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let Some(spoken) = ALL_WEBSOCKET_PROTOCOLS
        .into_iter()
        .find(|known| offered.split(',').any(|p| p.trim() == *known))
        .and_then(|known| known.parse::<WebSocketProtocols>().ok())
    else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            "speak graphql-transport-ws or graphql-ws",
        )
            .into_response();
    };
    if !super::origin::allowed(&headers, &state.config.allowed_origins) {
        return (
            axum::http::StatusCode::FORBIDDEN,
            "this origin may not open the API's WebSocket",
        )
            .into_response();
    }
    let client = crate::client_ip::client_ip(&state.config.trusted_proxies, peer.ip(), &headers);
    let meta = RequestMeta {
        request_id: Some(request_id.0),
        ip: Some(client),
    };
    let send_timeout = state.config.limits.ws_send_timeout;
    let max = state.config.limits.max_body_bytes;
    let init_timeout = state.config.limits.ws_init_timeout;
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(max)
        .max_frame_size(max)
        // Small buffers that grow when a frame needs it: most sockets are idle subscribers, and
        // tungstenite's 128 KiB defaults made each one cost 170 KiB (`cargo bench --bench fanout`).
        .read_buffer_size(WS_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(max.saturating_add(WS_BUFFER))
        .on_upgrade(move |socket| async move {
            // Held for as long as the socket is open: it counts against its IP's connections.
            let _slot = slot;
            let _open = crate::metrics::Held::new(&state.app.metrics.ws_connections);
            let (sink, stream) = socket.split();
            let session = Arc::new(Session::default());
            let (input, client) = futures_channel::mpsc::channel(16);
            let (breach_tx, breach) = tokio::sync::oneshot::channel();
            let checked = spoken == WebSocketProtocols::GraphQLWS;
            let _reader = AbortOnDrop(tokio::spawn(read(
                stream,
                checked,
                session.clone(),
                input,
                breach_tx,
            )));
            let schema = CodedSchema {
                schema: state.schema.clone(),
                state: state.app.clone(),
                documents: state.documents.clone(),
            };
            let init_state = state.clone();
            let protocol = async_graphql::http::WebSocket::new(schema, client, spoken)
                .on_connection_init(move |payload| async move {
                    let authorization = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str());
                    crate::http::graphql::principal_from(&init_state, authorization)
                        .await
                        .map_err(|_| async_graphql::Error::new(AUTH_FAILED))?;
                    let token = authorization
                        .and_then(crate::http::graphql::bearer_token)
                        .map(str::to_owned);
                    let mut data = Data::default();
                    data.insert(WsSession { token, meta });
                    Ok(data)
                });
            let writer = Writer {
                stopping: stopping.map(|Extension(s)| s),
                init_timeout,
                send_timeout,
                session,
                breach,
            };
            write(sink, protocol, writer).await;
        })
}
