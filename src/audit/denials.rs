//! Denied attempts, aggregated per user, permission and time window (DESIGN §11: denials are
//! audited). The first denial of a window appends an `access.denied` event at once; the others
//! are only counted, and when the window has closed, one `access.denied_repeated` event carries
//! their number. A user hammering a guarded field thus writes two events per window, not one
//! per request, and every instance shares the counts through the database.

#![expect(
    clippy::disallowed_methods,
    reason = "denial windows are keyed by tenant and user already; the sweep is internal"
)]

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::access_denial;
use sea_orm::sea_query::{Expr, ExprTrait as _, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use super::service::{AuditRecord, RequestMeta, record};
use crate::auth::Principal;
use crate::error::{AppError, Result};

/// The window `now` falls in, aligned on multiples of `length` since the epoch.
fn window_of(now: DateTime<Utc>, length: Duration) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let secs = i64::try_from(Ord::max(length.as_secs(), 1)).unwrap_or(i64::MAX);
    let start = now.timestamp().div_euclid(secs) * secs;
    let start = DateTime::from_timestamp(start, 0)
        .ok_or_else(|| AppError::internal("denial window out of range"))?;
    Ok((start, start + chrono::Duration::seconds(secs)))
}

/// Counts one denied request of `permission` by the principal; the first of its window is
/// appended to the audit chain.
pub async fn record_denial(
    db: &DatabaseConnection,
    principal: &Principal,
    meta: &RequestMeta,
    permission: &str,
    path: &str,
    window: Duration,
) -> Result<()> {
    let (start, end) = window_of(Utc::now(), window)?;
    let txn = db.begin().await?;
    let counted = access_denial::Entity::insert(access_denial::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        user_id: Set(principal.user_id),
        permission: Set(permission.to_owned()),
        window_start: Set(start),
        window_end: Set(end),
        count: Set(1),
        summarized: Set(false),
    })
    .on_conflict(
        OnConflict::columns([
            access_denial::Column::TenantId,
            access_denial::Column::UserId,
            access_denial::Column::Permission,
            access_denial::Column::WindowStart,
        ])
        .value(
            access_denial::Column::Count,
            Expr::col((access_denial::Entity, access_denial::Column::Count)).add(1),
        )
        .to_owned(),
    )
    .exec_with_returning(&txn)
    .await?;
    if counted.count == 1 {
        let event = AuditRecord::new("access.denied", "field", None).changes(json!({
            "permission": permission,
            "path": path,
            "windowEnd": end,
        }));
        record(&txn, principal.tenant_id, Some(principal), meta, event).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// How long after its end a window is left open for late counts (a slow request, the clocks of
/// several instances) before it is summarised.
const LATE_COUNTS: chrono::Duration = chrono::Duration::minutes(1);

/// Appends the summary of every window closed a minute before `now` that saw more than one
/// denial, once across all instances (each window is claimed by a conditional update, which
/// also reads its final count); returns how many.
pub async fn summarize_denials(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64> {
    let closed = access_denial::Entity::find()
        .filter(access_denial::Column::Summarized.eq(false))
        .filter(access_denial::Column::WindowEnd.lte(now - LATE_COUNTS))
        .limit(500)
        .all(db)
        .await?;
    let mut written = 0;
    for window in closed {
        let txn = db.begin().await?;
        let claimed = access_denial::Entity::update_many()
            .col_expr(access_denial::Column::Summarized, Expr::value(true))
            .filter(access_denial::Column::Id.eq(window.id))
            .filter(access_denial::Column::Summarized.eq(false))
            .exec_with_returning(&txn)
            .await?;
        if let Some(window) = claimed.into_iter().next().filter(|w| w.count > 1) {
            let event = AuditRecord::new("access.denied_repeated", "field", None)
                .actor(Some(window.user_id), None)
                .changes(json!({
                    "permission": window.permission,
                    "count": window.count,
                    "windowStart": window.window_start,
                    "windowEnd": window.window_end,
                }));
            record(&txn, window.tenant_id, None, &RequestMeta::default(), event).await?;
            written += 1;
        }
        txn.commit().await?;
    }
    // Summarised windows older than a day have served their purpose.
    access_denial::Entity::delete_many()
        .filter(access_denial::Column::Summarized.eq(true))
        .filter(access_denial::Column::WindowEnd.lt(now - chrono::Duration::days(1)))
        .exec(db)
        .await?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned() {
        let now = DateTime::from_timestamp(1_000_123, 0).expect("time");
        let (start, end) = window_of(now, Duration::from_secs(600)).expect("window");
        assert_eq!(start.timestamp(), 999_600);
        assert_eq!(end.timestamp(), 1_000_200);
    }
}
