//! `/graphql/ws`: GraphQL over WebSocket (graphql-transport-ws and the legacy graphql-ws).
//! The `connection_init` payload carries `{"Authorization": "Bearer <jwt>"}`; a bad token closes
//! the socket with code 4403.

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{SinkExt as _, StreamExt as _};

use crate::app::HttpState;
use crate::audit::RequestMeta;
use crate::graphql::context::KeyCache;

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

pub async fn handler(
    State(state): State<HttpState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| async move {
            let (sink, stream) = socket.split();
            let sink = sink
                .with(|message: Message| async move { Ok::<_, axum::Error>(remap_close(message)) });
            let schema = state.schema.clone();
            let init_state = state.clone();
            GraphQLWebSocket::new_with_pair(sink, stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let authorization = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str());
                    let principal =
                        crate::http::graphql::principal_from(&init_state, authorization)
                            .await
                            .map_err(|_| async_graphql::Error::new(AUTH_FAILED))?;
                    let mut data = Data::default();
                    data.insert(RequestMeta::default());
                    data.insert(KeyCache::default());
                    if let Some(principal) = principal {
                        data.insert(principal);
                    }
                    Ok(data)
                })
                .serve()
                .await;
        })
}
