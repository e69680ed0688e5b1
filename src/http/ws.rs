//! `/graphql/ws`: GraphQL over WebSocket (graphql-transport-ws and the legacy graphql-ws).
//! The `connection_init` payload carries `{"Authorization": "Bearer <jwt>"}`; a bad token closes
//! the socket with code 4403. The token is checked again before every operation, so a
//! deactivated user or an expired token stops working on an open socket too.
//!
//! graphql-transport-ws's close codes: 4400 for a message that is not one of the protocol's,
//! 4401 for `subscribe` before `connection_ack`, 4403 for a refused token, 4408 when
//! `connection_init` does not come in time, 4409 for a second `subscribe` with an id still
//! running, 4429 for a second `connection_init`. The legacy protocol (`start`, `data`, `stop`,
//! `connection_terminate`) answers a refused token or a second `connection_init` with
//! `connection_error`. A page of an origin that is not allowed (`http::origin`) cannot open the
//! socket (403). A client that stops reading holds at most 32 frames of the server's, then is
//! disconnected after `ws_send_timeout`; what it misses stays in the outbox (subscriptions
//! resume with `after`).
//!
//! The protocol is spoken here rather than by `async_graphql::http::WebSocket`: a delivery to
//! one of 10,000 subscribers is on the fan-out's critical path, and this way it is the
//! operation's own response stream, polled and serialised straight into the frame, with no
//! stream adapters in between — or, for a subscription shared with other sockets
//! (`graphql::multiplex`), its group's response, serialised once for all, wrapped in this
//! socket's frame (`cargo bench --bench fanout`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols};
use async_graphql::parser::types::OperationType;
use async_graphql::{Request, Response, ServerError};
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response as HttpResponse;
use futures_util::future::BoxFuture;
use futures_util::stream::BoxStream;
use futures_util::{SinkExt as _, StreamExt as _};
use serde::{Deserialize, Serialize};

use super::RequestId;
use super::server::{Slot, Stopping};
use crate::audit::RequestMeta;
use crate::error::{AppError, ensure_codes};
use crate::graphql::multiplex::{self, Member, Next, Shared, Subscribed, Template};
use crate::graphql::order::RootOrder;
use crate::graphql::prepare::{self, WsSession};
use crate::http::HttpState;

/// Reason of the close (4403) or `connection_error` that answers a refused token.
const AUTH_FAILED: &str = "Forbidden: invalid access token";
const CLOSE_FORBIDDEN: u16 = 4403;
/// Close code of a socket the server closes because it is shutting down (RFC 6455 "going
/// away"), so that clients reconnect elsewhere.
const CLOSE_GOING_AWAY: u16 = 1001;
/// graphql-transport-ws's close code for a client that did not complete `connection_init`.
const CLOSE_INIT_TIMEOUT: u16 = 4408;
/// graphql-transport-ws's close codes for a client's breach of the protocol.
const CLOSE_INVALID_MESSAGE: u16 = 4400;
const CLOSE_UNAUTHORIZED: u16 = 4401;
const CLOSE_DUPLICATE_ID: u16 = 4409;
const CLOSE_TOO_MANY_INITS: u16 = 4429;
/// The legacy protocol's closes (it has no codes of its own): a message it does not know,
/// `start` before the handshake.
const CLOSE_PROTOCOL_ERROR: u16 = 1002;
const CLOSE_NOT_INITIALISED: u16 = 1011;
/// A client's messages are looked at after at most this many deliveries without one of them.
const CLIENT_EVERY: u32 = 32;
/// Initial read buffer of a socket.
const WS_BUFFER: usize = 4 * 1024;

/// A message of the client, under either protocol's names.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ClientMessage {
    ConnectionInit {
        #[serde(default)]
        payload: Option<serde_json::Value>,
    },
    Subscribe {
        id: String,
        payload: Request,
    },
    Complete {
        id: String,
    },
    Ping {},
    Pong {},
    /// The legacy protocol's `subscribe`.
    Start {
        id: String,
        payload: Request,
    },
    /// The legacy protocol's `complete`.
    Stop {
        id: String,
    },
    /// The legacy protocol's goodbye.
    ConnectionTerminate {},
}

impl ClientMessage {
    /// Whether graphql-transport-ws has this message (the legacy protocol takes all of them).
    fn in_transport_ws(&self) -> bool {
        !matches!(
            self,
            ClientMessage::Start { .. }
                | ClientMessage::Stop { .. }
                | ClientMessage::ConnectionTerminate {}
        )
    }
}

/// A message of the server.
#[derive(Serialize)]
struct Frame<'a, P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<P>,
}

fn text<P: Serialize>(kind: &'static str, id: Option<&str>, payload: Option<P>) -> Message {
    match serde_json::to_string(&Frame { kind, id, payload }) {
        Ok(text) => Message::Text(text.into()),
        Err(err) => {
            tracing::error!(error = %err, "a WebSocket message could not be serialised");
            close(1011, "internal error")
        }
    }
}

/// A `next`/`data` frame around a payload serialised once for a whole group: only the id is
/// this socket's.
fn frame_around(kind: &'static str, id: &str, payload: &str) -> Message {
    let Ok(id) = serde_json::to_string(id) else {
        return close(1011, "internal error");
    };
    let mut frame = String::with_capacity(payload.len() + id.len() + 32);
    frame.push_str("{\"type\":\"");
    frame.push_str(kind);
    frame.push_str("\",\"id\":");
    frame.push_str(&id);
    frame.push_str(",\"payload\":");
    frame.push_str(payload);
    frame.push('}');
    Message::Text(frame.into())
}

fn close(code: u16, reason: impl Into<String>) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into().into(),
    }))
}

fn failed(err: ServerError) -> Response {
    let mut response = Response::from_errors(vec![err]);
    ensure_codes(&mut response);
    response
}

/// One operation of a socket: prepared as over HTTP (the token of `connection_init` re-checked,
/// rate limits, the document held to the limits), then the engine's responses, each with its
/// error codes and its keys in query order — or, for a subscription that others share, its
/// group's (`graphql::multiplex`).
enum Operation {
    Preparing(BoxFuture<'static, Result<Running, ServerError>>),
    Running(Running),
    Ended,
}

enum Running {
    Own {
        responses: BoxStream<'static, Response>,
        order: Option<RootOrder>,
        /// For the first subscriber of a shareable subscription: the next one starts a group.
        _alone: Option<Arc<multiplex::Alone>>,
    },
    Member(Box<Member>),
}

impl Running {
    /// The engine's responses to a request that has its data, run by this socket.
    fn own(
        schema: &crate::schema::AppSchema,
        checked: prepare::Checked,
        alone: Option<Arc<multiplex::Alone>>,
    ) -> Running {
        let order = checked.order();
        Running::Own {
            responses: schema.execute_stream(checked.request).boxed(),
            order,
            _alone: alone,
        }
    }
}

/// What an operation has to send.
#[expect(
    clippy::large_enum_variant,
    reason = "handed over once per delivery: a copy costs less than boxing the response"
)]
enum Delivery {
    Response(Response),
    /// Its group's response, serialised once for all.
    Shared(Arc<Shared>),
    /// It fell behind its group: it replays on its own the events after this number.
    Behind(Arc<Template>, i64),
}

impl Operation {
    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Delivery>> {
        loop {
            match self {
                Operation::Preparing(preparing) => match preparing.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(running)) => *self = Operation::Running(running),
                    Poll::Ready(Err(err)) => {
                        *self = Operation::Ended;
                        return Poll::Ready(Some(Delivery::Response(failed(err))));
                    }
                },
                Operation::Running(Running::Own {
                    responses, order, ..
                }) => {
                    return responses.poll_next_unpin(cx).map(|response| {
                        response.map(|response| {
                            let mut response = prepare::Checked::finish(order.as_ref(), response);
                            ensure_codes(&mut response);
                            Delivery::Response(response)
                        })
                    });
                }
                Operation::Running(Running::Member(member)) => {
                    return member.poll_next(cx).map(|next| {
                        next.map(|next| match next {
                            Next::Shared(shared) => Delivery::Shared(shared),
                            Next::Own(response) => Delivery::Response(response),
                            Next::Behind(after) => {
                                Delivery::Behind(member.template().clone(), after)
                            }
                        })
                    });
                }
                Operation::Ended => return Poll::Ready(None),
            }
        }
    }
}

/// The `connection_init` payload's token, checked; `None` when it is refused. (Not a method of
/// [`Connection`]: the socket's task holds no shared borrow of it across an await, so that the
/// connection need not be `Sync`.)
async fn authenticate(
    state: &HttpState,
    meta: &RequestMeta,
    payload: serde_json::Value,
) -> Option<WsSession> {
    let authorization = payload
        .get("Authorization")
        .or_else(|| payload.get("authorization"))
        .and_then(|v| v.as_str());
    crate::http::graphql::principal_from(state, authorization)
        .await
        .ok()?;
    Some(WsSession {
        token: authorization
            .and_then(crate::http::graphql::bearer_token)
            .map(str::to_owned),
        meta: meta.clone(),
    })
}

/// What the client's message calls for.
enum Reply {
    Nothing,
    Send(Message),
    /// These, then the socket is closed.
    End(Vec<Message>),
}

/// One socket's side of the protocol: the handshake, and the operations running.
struct Connection {
    protocol: WebSocketProtocols,
    state: HttpState,
    meta: RequestMeta,
    /// `connection_init` came (a second one is refused).
    initialised: bool,
    /// When the handshake must be complete (4408).
    init_deadline: tokio::time::Instant,
    /// Once acknowledged: what every operation runs with.
    session: Option<WsSession>,
    operations: Vec<(String, Operation)>,
    /// Where the next poll of the operations starts, so that a busy one does not starve the rest.
    cursor: usize,
}

impl Connection {
    fn transport_ws(&self) -> bool {
        self.protocol == WebSocketProtocols::GraphQLWS
    }

    fn acknowledged(&self) -> bool {
        self.session.is_some()
    }

    /// The protocol's answer to a message it does not know.
    fn invalid(&self) -> Reply {
        let code = if self.transport_ws() {
            CLOSE_INVALID_MESSAGE
        } else {
            CLOSE_PROTOCOL_ERROR
        };
        Reply::End(vec![close(code, "Invalid message received")])
    }

    /// The connection refused (legacy protocol: `connection_error`, then closed).
    fn refused(&self, code: u16, reason: &str) -> Reply {
        if self.transport_ws() {
            Reply::End(vec![close(code, reason)])
        } else {
            Reply::End(vec![
                text(
                    "connection_error",
                    None,
                    Some(serde_json::json!({ "message": reason })),
                ),
                close(code, reason),
            ])
        }
    }

    async fn on_message(&mut self, message: Message) -> Reply {
        let bytes = match message {
            Message::Text(_) => message.into_data(),
            Message::Binary(_) if !self.transport_ws() => message.into_data(),
            _ => return self.invalid(),
        };
        let Ok(message) = serde_json::from_slice::<ClientMessage>(&bytes) else {
            return self.invalid();
        };
        if self.transport_ws() && !message.in_transport_ws() {
            return self.invalid();
        }
        match message {
            ClientMessage::ConnectionInit { payload } => {
                if std::mem::replace(&mut self.initialised, true) {
                    return self.refused(CLOSE_TOO_MANY_INITS, "Too many initialisation requests.");
                }
                // Within the time the handshake has (the writer does not watch its timer while
                // it waits here).
                let checking = authenticate(&self.state, &self.meta, payload.unwrap_or_default());
                match tokio::time::timeout_at(self.init_deadline, checking).await {
                    Ok(Some(session)) => {
                        self.session = Some(session);
                        Reply::Send(text::<()>("connection_ack", None, None))
                    }
                    Ok(None) => self.refused(CLOSE_FORBIDDEN, AUTH_FAILED),
                    Err(_) => Reply::End(vec![close(
                        CLOSE_INIT_TIMEOUT,
                        "Connection initialisation timeout",
                    )]),
                }
            }
            ClientMessage::Subscribe { id, payload } | ClientMessage::Start { id, payload } => {
                if self.transport_ws() && id.is_empty() {
                    return self.invalid();
                }
                let Some(session) = self.session.clone() else {
                    return if self.transport_ws() {
                        Reply::End(vec![close(CLOSE_UNAUTHORIZED, "Unauthorized")])
                    } else {
                        Reply::End(vec![close(
                            CLOSE_NOT_INITIALISED,
                            "The handshake is not completed.",
                        )])
                    };
                };
                let transport_ws = self.transport_ws();
                let operation = self.start(payload, session);
                match self
                    .operations
                    .iter_mut()
                    .find(|(running, _)| *running == id)
                {
                    Some(_) if transport_ws => Reply::End(vec![close(
                        CLOSE_DUPLICATE_ID,
                        format!("Subscriber for {id} already exists"),
                    )]),
                    // The legacy protocol has no such rule: the new one replaces the old.
                    Some((_, running)) => {
                        *running = operation;
                        Reply::Nothing
                    }
                    None => {
                        self.operations.push((id, operation));
                        Reply::Nothing
                    }
                }
            }
            ClientMessage::Complete { id } | ClientMessage::Stop { id } => {
                match self
                    .operations
                    .iter()
                    .position(|(running, _)| *running == id)
                {
                    Some(at) => {
                        self.operations.swap_remove(at);
                        Reply::Send(text::<()>("complete", Some(&id), None))
                    }
                    None => Reply::Nothing,
                }
            }
            ClientMessage::Ping {} => Reply::Send(text::<()>("pong", None, None)),
            ClientMessage::Pong {} => Reply::Nothing,
            ClientMessage::ConnectionTerminate {} => Reply::End(vec![close(1000, "")]),
        }
    }

    fn start(&self, request: Request, session: WsSession) -> Operation {
        let (schema, state) = (self.state.schema.clone(), self.state.app.clone());
        let (documents, groups) = (self.state.documents.clone(), self.state.groups.clone());
        Operation::Preparing(Box::pin(async move {
            let mut checked = prepare::check(&state.config.limits, &documents, request)?;
            let principal = prepare::ws_admit(&state, &session).await?;
            if checked.operation == OperationType::Subscription
                && let Some(shareable) =
                    multiplex::shareable(&mut checked.request, principal.as_ref())
                && let Some(principal) = principal.clone()
            {
                let order = checked.order();
                let (group_state, group_schema) = (state.clone(), schema.clone());
                let start = multiplex::Start {
                    request: checked.request,
                    order: order.clone(),
                    execute: move |request, principal| {
                        let request = prepare::Checked::subscription(request, None)
                            .with_data(&group_state, Some(principal), RequestMeta::default())
                            .request;
                        group_schema.execute_stream(request).boxed()
                    },
                };
                let meta = session.meta.clone();
                match Member::join(&state, &groups, shareable, start, principal.clone(), meta)
                    .await?
                {
                    Subscribed::Member(member) => return Ok(Running::Member(member)),
                    Subscribed::Alone(alone, request) => {
                        let checked = prepare::Checked::subscription(*request, order).with_data(
                            &state,
                            Some(principal),
                            session.meta.clone(),
                        );
                        return Ok(Running::own(&schema, checked, Some(alone)));
                    }
                }
            }
            let checked = checked.with_data(&state, principal, session.meta.clone());
            Ok(Running::own(&schema, checked, None))
        }))
    }

    /// A member of a shared subscription that fell behind its group, on its own from event
    /// `after` on (its token checked again; no rate limit counted: it goes on).
    fn replay(&self, template: &Template, after: i64) -> Operation {
        let (schema, state) = (self.state.schema.clone(), self.state.app.clone());
        let session = self.session.clone();
        let request = template.replay(after);
        Operation::Preparing(Box::pin(async move {
            let Some(session) = session else {
                return Err(prepare::server_error(AppError::Unauthenticated(
                    "the handshake is not completed",
                )));
            };
            let principal = prepare::ws_principal(&state, &session).await?;
            let checked = prepare::Checked::subscription(request, None).with_data(
                &state,
                principal,
                session.meta.clone(),
            );
            Ok(Running::own(&schema, checked, None))
        }))
    }

    /// The next delivery of any operation (`None`: the operation at that index ended).
    fn poll_operations(&mut self, cx: &mut Context<'_>) -> Poll<(usize, Option<Delivery>)> {
        let count = self.operations.len();
        for step in 0..count {
            let at = (self.cursor + step) % count;
            loop {
                match self.operations[at].1.poll_next(cx) {
                    Poll::Ready(Some(Delivery::Behind(template, after))) => {
                        tracing::debug!(after, "a subscriber fell behind its group; replaying");
                        self.state.metrics.subscriptions_behind.inc();
                        self.operations[at].1 = self.replay(&template, after);
                    }
                    Poll::Ready(item) => {
                        self.cursor = at + 1;
                        return Poll::Ready((at, item));
                    }
                    Poll::Pending => break,
                }
            }
        }
        Poll::Pending
    }

    /// The frame for a delivery of the operation at `at`, or its `complete` (then it is gone).
    fn deliver(&mut self, at: usize, delivery: Option<Delivery>) -> Message {
        let kind = if self.transport_ws() { "next" } else { "data" };
        match delivery {
            Some(Delivery::Response(response)) => {
                text(kind, Some(&self.operations[at].0), Some(&response))
            }
            Some(Delivery::Shared(shared)) => match shared.payload() {
                Some(payload) => frame_around(kind, &self.operations[at].0, payload),
                None => close(1011, "internal error"),
            },
            // Not returned by `poll_operations`.
            Some(Delivery::Behind(..)) => close(1011, "internal error"),
            None => {
                let (id, _) = self.operations.swap_remove(at);
                text::<()>("complete", Some(&id), None)
            }
        }
    }
}

/// Reads the client's messages in a task of its own, so that sending a result never polls the
/// socket's read side (with the writer below: 22 → 15.5 µs of CPU per delivery to 10,000
/// subscribers, `cargo bench --bench fanout`), and hands them to the writer. Ends when the
/// client is gone or the writer no longer listens.
async fn read<S>(mut stream: S, mut input: futures_channel::mpsc::Sender<Message>)
where
    S: futures_util::Stream<Item = Result<Message, axum::Error>> + Unpin,
{
    while let Some(Ok(message)) = stream.next().await {
        if matches!(message, Message::Text(_) | Message::Binary(_))
            && input.send(message).await.is_err()
        {
            return;
        }
    }
}

/// What the socket's writer needs besides the socket and the connection.
struct Writer {
    stopping: Option<Stopping>,
    send_timeout: Duration,
}

/// What wakes the writer.
enum Wake {
    Delivery(usize, Option<Delivery>),
    Client(Option<Message>),
    Stop,
    InitTimeout,
}

/// Speaks the protocol on one socket (one task: a result is executed, serialised and written
/// in the same poll), and closes the socket itself when the client breaches the protocol, when
/// the server shuts down (1001 going away, instead of dropping it), when `connection_init` does
/// not complete within `ws_init_timeout` (4408), or when the client stops reading for
/// `send_timeout`.
async fn write<S>(
    mut sink: S,
    mut client: futures_channel::mpsc::Receiver<Message>,
    mut connection: Connection,
    writer: Writer,
) where
    S: futures_util::Sink<Message> + Unpin,
{
    let Writer {
        mut stopping,
        send_timeout,
    } = writer;
    // Made once: a delivery polls them (only when no operation has anything), it does not
    // rebuild them.
    let mut stop = std::pin::pin!(async {
        match stopping.as_mut() {
            Some(s) => s.wait().await,
            None => std::future::pending().await,
        }
    });
    let mut init_expired = std::pin::pin!(tokio::time::sleep_until(connection.init_deadline));
    // Deliveries since the client was last heard from (then its channel is looked at anyway).
    let mut deliveries = 0;
    // What is sent before the socket is closed: at most a second for it, the client may no
    // longer read.
    let last: Vec<Message> = loop {
        let initialising = !connection.acknowledged();
        // Results come first (the client's channel is polled only when no operation has one,
        // once per delivery, not twice), but a client is heard at least every
        // `CLIENT_EVERY` deliveries — a `complete` or a `ping` does not wait for the end of a
        // replay of hundreds of events.
        let heard = if deliveries >= CLIENT_EVERY {
            deliveries = 0;
            // The task's waker is registered again by the `select!` before the task sleeps.
            futures_util::FutureExt::now_or_never(client.next())
        } else {
            None
        };
        let wake = match heard {
            Some(message) => Wake::Client(message),
            None => tokio::select! {
                biased;
                (at, delivery) = std::future::poll_fn(|cx| connection.poll_operations(cx)) => {
                    Wake::Delivery(at, delivery)
                }
                message = client.next() => Wake::Client(message),
                () = &mut stop => Wake::Stop,
                () = &mut init_expired, if initialising => Wake::InitTimeout,
            },
        };
        match wake {
            Wake::Delivery(..) => deliveries += 1,
            _ => deliveries = 0,
        }
        let message = match wake {
            Wake::Delivery(at, delivery) => connection.deliver(at, delivery),
            // The client is gone.
            Wake::Client(None) => return,
            Wake::Client(Some(message)) => match connection.on_message(message).await {
                Reply::Nothing => continue,
                Reply::Send(message) => message,
                Reply::End(last) => break last,
            },
            Wake::Stop => break vec![close(CLOSE_GOING_AWAY, "server shutting down")],
            Wake::InitTimeout => {
                break vec![close(
                    CLOSE_INIT_TIMEOUT,
                    "Connection initialisation timeout",
                )];
            }
        };
        match tokio::time::timeout(send_timeout, sink.send(message)).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    };
    for message in last {
        match tokio::time::timeout(Duration::from_secs(1), sink.send(message)).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    }
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
    let writer = Writer {
        stopping: stopping.map(|Extension(s)| s),
        send_timeout: state.config.limits.ws_send_timeout,
    };
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
            let (input, client) = futures_channel::mpsc::channel(16);
            let _reader = AbortOnDrop(tokio::spawn(read(stream, input)));
            let connection = Connection {
                protocol: spoken,
                state,
                meta,
                initialised: false,
                init_deadline: tokio::time::Instant::now() + init_timeout,
                session: None,
                operations: Vec::new(),
                cursor: 0,
            };
            write(sink, client, connection, writer).await;
        })
}
