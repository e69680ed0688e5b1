//! The accept loop: HTTP/1.1 connections served by hyper with a header-read timeout (a client
//! that never finishes its headers is dropped) and a cap on connections per client IP (one
//! source cannot take every file descriptor), graceful shutdown, and a count of what is still
//! open so that shutdown waits for it.
//!
//! axum's own `serve` offers neither limit, hence this loop; it is otherwise the same: each
//! connection is served with upgrades (WebSocket) and gets `ConnectInfo<SocketAddr>`.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::config::ConnectionLimits;

/// Open connections per client IP; a [`Slot`] holds one until dropped.
#[derive(Default)]
struct PerIp(Mutex<HashMap<IpAddr, usize>>);

/// One connection's place in the per-IP count (and in the count of all open connections).
/// WebSocket handlers keep it for the life of the socket.
#[derive(Clone)]
pub struct Slot(#[expect(dead_code, reason = "held for its Drop")] Arc<SlotInner>);

struct SlotInner {
    ip: IpAddr,
    per_ip: Arc<PerIp>,
    open: OpenConnections,
}

impl Drop for SlotInner {
    fn drop(&mut self) {
        let mut counts = self.per_ip.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = counts.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.ip);
            }
        }
        drop(counts);
        self.open.leave();
    }
}

impl PerIp {
    fn take(self: &Arc<Self>, ip: IpAddr, max: usize, open: &OpenConnections) -> Option<Slot> {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = counts.entry(ip).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        drop(counts);
        open.enter();
        Some(Slot(Arc::new(SlotInner {
            ip,
            per_ip: self.clone(),
            open: open.clone(),
        })))
    }
}

/// Connections and sockets still open, for shutdown to wait on.
#[derive(Clone, Default)]
struct OpenConnections(Arc<(AtomicUsize, Notify)>);

impl OpenConnections {
    fn enter(&self) {
        self.0.0.fetch_add(1, Ordering::SeqCst);
    }

    fn count(&self) -> usize {
        self.0.0.load(Ordering::SeqCst)
    }

    fn leave(&self) {
        if self.0.0.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.1.notify_waiters();
        }
    }

    async fn all_closed(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.0.0.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// The shutdown signal as every connection and socket sees it.
#[derive(Clone)]
pub struct Stopping(watch::Receiver<bool>);

impl Stopping {
    /// Resolves once shutdown has begun.
    pub async fn wait(&mut self) {
        let _ = self.0.wait_for(|stopping| *stopping).await;
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, tells open
/// connections and sockets to finish (`stopping`), and waits for them, at most
/// `shutdown_grace`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    stop: watch::Sender<bool>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let per_ip = Arc::new(PerIp::default());
    let open = OpenConnections::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, most likely: back off instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if open.count() >= limits.max_total {
            tracing::warn!("connection refused: {} open connections", limits.max_total);
            drop(stream);
            continue;
        }
        // IPv6 clients by /64, IPv4-mapped addresses as IPv4: as the throttles count them.
        let block = crate::auth::throttle::client_block(peer.ip());
        let Some(slot) = per_ip.take(block, limits.max_per_ip, &open) else {
            tracing::debug!(peer = %peer.ip(), "connection refused: too many from this address");
            drop(stream);
            continue;
        };
        let stopping = Stopping(stop.subscribe());
        let router = router.clone();
        tokio::spawn(serve_connection(
            stream, peer, router, slot, stopping, limits,
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    if tokio::time::timeout(limits.shutdown_grace, open.all_closed())
        .await
        .is_err()
    {
        tracing::warn!("shutdown grace period over; closing what is still open");
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    slot: Slot,
    mut stopping: Stopping,
    limits: ConnectionLimits,
) {
    let _ = stream.set_nodelay(true);
    let request_slot = slot.clone();
    let request_stopping = stopping.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        // A WebSocket keeps the connection's slot, and learns of shutdown, through these.
        request.extensions_mut().insert(request_slot.clone());
        request.extensions_mut().insert(request_stopping.clone());
        tower::ServiceExt::oneshot(router.clone(), request.map(Body::new))
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let connection = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    let mut connection = std::pin::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        }
        () = stopping.wait() => {
            connection.as_mut().graceful_shutdown();
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        }
    }
    drop(slot);
}
