//! `/graphql/ws`: GraphQL over WebSocket (graphql-transport-ws and the legacy graphql-ws).
//! The `connection_init` payload carries `{"Authorization": "Bearer <jwt>"}`; a bad token closes
//! the socket with code 4403. The token is checked again before every operation, so a
//! deactivated user or an expired token stops working on an open socket too.

use std::net::SocketAddr;

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
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| async move {
            // Held for as long as the socket is open: it counts against its IP's connections.
            let _slot = slot;
            let (mut sink, stream) = socket.split();
            // The protocol writes into a channel; this task forwards it to the client, and on
            // shutdown closes the socket with 1001 instead of dropping it.
            let (tx, mut rx) = futures_channel::mpsc::channel::<Message>(32);
            let forward = async move {
                let mut stopping = stopping.map(|Extension(s)| s);
                loop {
                    let stop = async {
                        match stopping.as_mut() {
                            Some(s) => s.wait().await,
                            None => std::future::pending().await,
                        }
                    };
                    tokio::select! {
                        message = rx.next() => match message {
                            Some(message) => {
                                if sink.send(remap_close(message)).await.is_err() {
                                    break;
                                }
                            }
                            None => break,
                        },
                        () = stop => {
                            let _ = sink
                                .send(Message::Close(Some(CloseFrame {
                                    code: CLOSE_GOING_AWAY,
                                    reason: "server shutting down".into(),
                                })))
                                .await;
                            break;
                        }
                    }
                }
            };
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
