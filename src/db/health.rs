//! Whether the database is reachable, probed in the background, so that with the database
//! down requests fail at once (`/readyz` 503, GraphQL `INTERNAL_SERVER_ERROR`) instead of each
//! waiting out the pool's acquire timeout.
//!
//! The probe opens a TCP connection to the database's host and port every half second (a
//! refused or timed-out connection means down); SQLite, and PostgreSQL over a Unix socket,
//! are never probed and always count as reachable.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Shared reachability flag; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct DbHealth(Arc<AtomicBool>);

impl DbHealth {
    /// True while the last probe failed.
    pub fn is_down(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set_down(&self, down: bool) {
        let was = self.0.swap(down, Ordering::Relaxed);
        match (was, down) {
            (false, true) => tracing::error!("the database is unreachable; failing requests fast"),
            (true, false) => tracing::info!("the database is reachable again"),
            _ => {}
        }
    }

    /// Probes `target` (`host:port`) until the task is dropped.
    pub async fn probe(self, target: String) {
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let reached = tokio::time::timeout(
                Duration::from_millis(400),
                tokio::net::TcpStream::connect(&target),
            )
            .await;
            self.set_down(!matches!(reached, Ok(Ok(_))));
        }
    }
}

/// The `host:port` to probe for a PostgreSQL URL; `None` for SQLite or a socket path.
pub fn probe_target(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))?;
    let authority = rest.split(['/', '?']).next()?;
    let host_port = authority.rsplit('@').next()?;
    if host_port.is_empty() {
        return None;
    }
    if host_port.starts_with('[') {
        // [v6]:port
        return Some(if host_port.contains("]:") {
            host_port.to_owned()
        } else {
            format!("{host_port}:5432")
        });
    }
    Some(if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_targets_come_from_the_url() {
        assert_eq!(
            probe_target("postgres://u:p@db.internal:6543/app?sslmode=require").as_deref(),
            Some("db.internal:6543")
        );
        assert_eq!(
            probe_target("postgresql://db/app").as_deref(),
            Some("db:5432")
        );
        assert_eq!(probe_target("postgres:///app?host=/run/postgresql"), None);
        assert_eq!(probe_target("sqlite://talentgraph.db?mode=rwc"), None);
    }
}
