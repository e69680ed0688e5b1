//! `/graphql/ws`: GraphQL over WebSocket (graphql-transport-ws and the legacy graphql-ws).
//! The `connection_init` payload carries `{"Authorization": "Bearer <jwt>"}`; a bad token closes
//! the socket with code 4403. The token is checked again before every operation, so a
//! deactivated user or an expired token stops working on an open socket too.

use std::net::SocketAddr;
use std::time::Duration;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{BatchRequest, BatchResponse, Data, Executor, Request, Response};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response as HttpResponse;
use futures_util::stream::BoxStream;
use futures_util::{SinkExt as _, StreamExt as _};

use super::RequestId;
use super::server::{Slot, Stopping};
use crate::app::HttpState;
use crate::audit::RequestMeta;
use crate::error::ensure_codes;
use crate::graphql::AppSchema;
use crate::graphql::extension::WsSession;

/// Reason async-graphql closes with (1002) when `on_connection_init` fails; remapped to 4403.
const AUTH_FAILED: &str = "Forbidden: invalid access token";
const CLOSE_FORBIDDEN: u16 = 4403;

fn remap_close(message: Message) -> Message {
    match message {
        Message::Close(Some(frame)) if frame.reason.as_str() == AUTH_FAILED => {
            Message::Close(Some(CloseFrame {
                code: CLOSE_FORBIDDEN,
                reason: frame.reason,
            }))
        }
        other => other,
    }
}

/// The schema as the socket sees it: every response gets its error codes, as over HTTP.
#[derive(Clone)]
struct CodedSchema(AppSchema);

impl Executor for CodedSchema {
    async fn execute(&self, request: Request) -> Response {
        let mut response = self.0.execute(request).await;
        ensure_codes(&mut response);
        response
    }

    async fn execute_batch(&self, batch: BatchRequest) -> BatchResponse {
        let mut response = self.0.execute_batch(batch).await;
        match &mut response {
            BatchResponse::Single(r) => ensure_codes(r),
            BatchResponse::Batch(rs) => rs.iter_mut().for_each(ensure_codes),
        }
        response
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<std::sync::Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        self.0
            .execute_stream_with_session_data(request, session_data.unwrap_or_default())
            .map(|mut response| {
                ensure_codes(&mut response);
                response
            })
            .boxed()
    }
}

/// Close code of a socket the server closes because it is shutting down (RFC 6455 "going
/// away"), so that clients reconnect elsewhere.
const CLOSE_GOING_AWAY: u16 = 1001;

/// graphql-transport-ws's close code for a client that did not complete `connection_init`.
const CLOSE_INIT_TIMEOUT: u16 = 4408;
/// How long one frame may wait for a client that has stopped reading.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

fn is_ack(message: &Message) -> bool {
    matches!(message, Message::Text(text) if text.as_str().contains("\"connection_ack\""))
}

/// Sends what the protocol writes on to the client, and closes the socket itself when the
/// server shuts down (1001 going away, instead of dropping it), when `connection_init` does
/// not complete within `init_timeout` (4408), or when the client stops reading.
async fn forward<S>(
    mut sink: S,
    mut rx: futures_channel::mpsc::Receiver<Message>,
    mut stopping: Option<Stopping>,
    init_timeout: Duration,
) where
    S: futures_util::Sink<Message> + Unpin,
{
    let init_deadline = tokio::time::Instant::now() + init_timeout;
    let mut acknowledged = false;
    loop {
        let stop = async {
            match stopping.as_mut() {
                Some(s) => s.wait().await,
                None => std::future::pending().await,
            }
        };
        let init_expired = async {
            if acknowledged {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep_until(init_deadline).await;
        };
        let last = tokio::select! {
            message = rx.next() => match message {
                Some(message) => {
                    acknowledged |= is_ack(&message);
                    match tokio::time::timeout(SEND_TIMEOUT, sink.send(remap_close(message))).await {
                        Ok(Ok(())) => continue,
                        _ => break,
                    }
                }
                None => break,
            },
            () = stop => close(CLOSE_GOING_AWAY, "server shutting down"),
            () = init_expired => close(CLOSE_INIT_TIMEOUT, "Connection initialisation timeout"),
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), sink.send(last)).await;
        break;
    }
}

pub async fn handler(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Extension(request_id): Extension<RequestId>,
    slot: Option<Extension<Slot>>,
    stopping: Option<Extension<Stopping>>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> HttpResponse {
    let meta = RequestMeta {
        request_id: Some(request_id.0),
        ip: Some(peer.ip()),
    };
    let max = state.config.limits.max_body_bytes;
    let init_timeout = state.config.limits.ws_init_timeout;
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| async move {
            // Held for as long as the socket is open: it counts against its IP's connections.
            let _slot = slot;
            let (sink, stream) = socket.split();
            // The protocol writes into a channel; `forward` sends it on to the client.
            let (tx, rx) = futures_channel::mpsc::channel::<Message>(32);
            let stopping = stopping.map(|Extension(s)| s);
            let forward = forward(sink, rx, stopping, init_timeout);
            let schema = CodedSchema(state.schema.clone());
            let init_state = state.clone();
            let protocol_task = GraphQLWebSocket::new_with_pair(tx, stream, schema, protocol)
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
                })
                .serve();
            let mut protocol_task = std::pin::pin!(protocol_task);
            let mut forward = std::pin::pin!(forward);
            tokio::select! {
                // The protocol is done (its sender is dropped): deliver what it wrote last,
                // a close frame included.
                () = &mut protocol_task => forward.await,
                // Shutdown, or the client is gone: the protocol goes with it.
                () = &mut forward => {}
            }
        })
}
