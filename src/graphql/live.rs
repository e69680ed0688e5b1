//! What every subscription shares: the subscriber's tenant's events in order (replayed from
//! `after`, then live), each offered to the domain's `pick` — which decides, under the
//! subscriber's row scope, whether they may see it and what to send — and the end of the
//! subscription, with an error, when the subscriber's access changes or their token expires.
//! Field guards run on every delivered item as on any query.

use std::pin::Pin;
use std::sync::Arc;

use async_graphql::Context;
use futures_util::Stream;
use futures_util::future::BoxFuture;

use super::context::ContextExt as _;
use crate::auth::Principal;
use crate::error::{AppError, Result};
use crate::events::{DomainEvent, StoredEvent};

struct Live<F> {
    events: crate::events::stream::Events,
    principal: Arc<Principal>,
    pick: F,
    expiry: Pin<Box<tokio::time::Sleep>>,
    ended: bool,
    /// Counts the subscription as live (`/metrics`) until it ends.
    _live: crate::metrics::Held,
}

/// What a subscription's `pick` decides for an event: at once (from the event alone, the
/// common case: no allocation per subscriber), or after a look at the database.
pub enum Picked<T> {
    Now(Result<Option<T>>),
    Later(BoxFuture<'static, Result<Option<T>>>),
}

/// The checked `after` argument of a subscription.
pub fn after(after: Option<i64>) -> Result<Option<i64>> {
    match after {
        Some(n) if n < 0 => Err(AppError::invalid("after", "must not be negative")),
        other => Ok(other),
    }
}

/// The subscriber's events, each handed to `pick` with the subscriber's principal; what it
/// returns (`None`: not for this subscriber) is sent.
pub async fn watch<T, F>(
    ctx: &Context<'_>,
    after: Option<i64>,
    pick: F,
) -> Result<impl Stream<Item = Result<T>> + Send + 'static + use<T, F>>
where
    T: Send + 'static,
    F: FnMut(Arc<Principal>, Arc<StoredEvent>) -> Picked<T> + Send + 'static,
{
    let principal = Arc::new(ctx.principal()?.clone());
    let state = ctx.state()?;
    let events = crate::events::stream::open(
        &state.events,
        // Replays and the head read go to the readers: on SQLite they never wait for the writer.
        state.for_reads().db,
        principal.tenant_id,
        after,
    )
    .await?;
    let left = principal
        .token
        .map(|t| {
            (t.expires_at - chrono::Utc::now())
                .to_std()
                .unwrap_or_default()
        })
        // An internal principal has no token to expire.
        .unwrap_or(std::time::Duration::from_secs(100 * 365 * 24 * 3600));
    let live = Live {
        events,
        principal,
        pick,
        expiry: Box::pin(tokio::time::sleep(left)),
        ended: false,
        _live: crate::metrics::Held::new(&state.metrics.subscriptions),
    };
    Ok(futures_util::stream::unfold(live, |mut s| async move {
        if s.ended {
            return None;
        }
        loop {
            // Events first: the expiry timer is polled only while no event is ready, so a
            // delivery does not touch the timer wheel (10,000 subscribers would contend on it).
            let event = tokio::select! {
                biased;
                event = s.events.next() => event,
                () = &mut s.expiry => {
                    s.ended = true;
                    return Some((Err(AppError::Unauthenticated("the access token expired")), s));
                }
            };
            let event = match event {
                None => return None,
                Some(Err(err)) => {
                    s.ended = true;
                    return Some((Err(err), s));
                }
                Some(Ok(event)) => event,
            };
            let ended = match &event.event {
                DomainEvent::UserAccessChanged { user_id } => *user_id == s.principal.user_id,
                DomainEvent::AccessTokenRevoked { jti, .. } => {
                    s.principal.token.is_some_and(|t| t.jti == *jti)
                }
                _ => false,
            };
            if ended {
                s.ended = true;
                return Some((
                    Err(AppError::Unauthenticated(
                        "your access changed; sign in and subscribe again",
                    )),
                    s,
                ));
            }
            let picked = match (s.pick)(s.principal.clone(), event) {
                Picked::Now(picked) => picked,
                Picked::Later(picking) => picking.await,
            };
            match picked {
                Ok(Some(item)) => return Some((Ok(item), s)),
                Ok(None) => {}
                Err(err) => {
                    s.ended = true;
                    return Some((Err(err), s));
                }
            }
        }
    }))
}
