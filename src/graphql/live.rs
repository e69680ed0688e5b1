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
use super::multiplex::Feed;
use crate::auth::Principal;
use crate::error::{AppError, Result};
use crate::events::{DomainEvent, StoredEvent};

struct Live<F> {
    events: crate::events::stream::Events,
    principal: Arc<Principal>,
    pick: F,
    expiry: Pin<Box<tokio::time::Sleep>>,
    ended: bool,
    /// The group this stream runs for, when it is shared (`graphql::multiplex`): then the
    /// members end their own subscriptions, and are counted as live themselves.
    feed: Option<Arc<Feed>>,
    /// Counts the subscription as live (`/metrics`) until it ends.
    _live: Option<crate::metrics::Held>,
}

impl<F> Live<F> {
    /// Its next item is its last.
    fn end(&mut self) {
        self.ended = true;
        if let Some(feed) = &self.feed {
            feed.ended();
        }
    }
}

/// What a subscription's `pick` decides for an event: at once (from the event alone, the
/// common case: no allocation per subscriber), or after a look at the database.
pub enum Picked<T> {
    Now(Result<Option<T>>),
    Later(BoxFuture<'static, Result<Option<T>>>),
}

/// How long the principal's subscriptions may run: until their access token expires.
pub fn time_left(principal: &Principal) -> std::time::Duration {
    principal
        .token
        .map(|t| {
            (t.expires_at - chrono::Utc::now())
                .to_std()
                .unwrap_or_default()
        })
        // An internal principal has no token to expire.
        .unwrap_or(std::time::Duration::from_secs(100 * 365 * 24 * 3600))
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
    let feed = ctx.data_opt::<Arc<Feed>>().cloned();
    // A group starts where its first member did (it may open after that member subscribed).
    let after = after.or_else(|| feed.as_ref().map(|f| f.start()));
    let events = crate::events::stream::open(
        &state.events,
        // Replays and the head read go to the readers: on SQLite they never wait for the writer.
        state.for_reads().db,
        principal.tenant_id,
        after,
    )
    .await?;
    let left = time_left(&principal);
    if let Some(feed) = &feed {
        feed.opened();
    }
    let live = Live {
        events,
        principal,
        pick,
        expiry: Box::pin(tokio::time::sleep(left)),
        ended: false,
        _live: feed
            .is_none()
            .then(|| crate::metrics::Held::new(&state.metrics.subscriptions)),
        feed,
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
                    s.end();
                    return Some((Err(err), s));
                }
                Some(Ok(event)) => event,
            };
            // A group's members look at these themselves.
            if let Some(feed) = &s.feed
                && feed.access(&event)
            {
                continue;
            }
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
            let seq = event.seq;
            let picked = match (s.pick)(s.principal.clone(), event) {
                Picked::Now(picked) => picked,
                Picked::Later(picking) => picking.await,
            };
            match picked {
                Ok(Some(item)) => {
                    if let Some(feed) = &s.feed {
                        feed.at(seq);
                    }
                    return Some((Ok(item), s));
                }
                Ok(None) => {
                    if let Some(feed) = &s.feed {
                        feed.passed(seq);
                    }
                }
                Err(err) => {
                    s.end();
                    return Some((Err(err), s));
                }
            }
        }
    }))
}
