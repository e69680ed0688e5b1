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
use crate::app::{AppState, HttpState};
use crate::audit::RequestMeta;
use crate::error::ensure_codes;
use crate::graphql::AppSchema;
use crate::graphql::prepare::{self, WsSession};

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

/// The schema as the socket sees it: each operation is prepared as over HTTP (the token of
/// `connection_init` re-checked, rate limits, the document held to the limits) and every
/// response gets its error codes and its keys in query order.
#[derive(Clone)]
struct CodedSchema {
    schema: AppSchema,
    state: AppState,
}

fn failed(err: async_graphql::ServerError) -> Response {
    let mut response = Response::from_errors(vec![err]);
    ensure_codes(&mut response);
    response
}

impl Executor for CodedSchema {
    async fn execute(&self, request: Request) -> Response {
        match prepare::check(&self.state.config.limits, &self.state.documents, request) {
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
        let data = session_data.unwrap_or_default();
        futures_util::stream::once(async move {
            let session = data
                .get(&std::any::TypeId::of::<WsSession>())
                .and_then(|d| d.downcast_ref::<WsSession>())
                .cloned();
            let prepared = match (
                prepare::check(&state.config.limits, &state.documents, request),
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
            let schema = CodedSchema {
                schema: state.schema.clone(),
                state: state.app.clone(),
            };
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
