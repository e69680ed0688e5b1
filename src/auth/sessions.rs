//! Refresh tokens: 256-bit random opaque strings stored only as SHA-256 hashes, rotated on every
//! use; presenting a rotated token again revokes its whole family (DESIGN §6).

#![expect(
    clippy::disallowed_methods,
    reason = "refresh tokens are found by the hash of the secret the caller presents"
)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use chrono::{DateTime, Utc};
use entity::refresh_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::crypto::random_bytes;
use crate::error::{AppError, Result};

/// A new random opaque token (URL-safe base64 of 32 random bytes).
pub fn new_opaque_token() -> String {
    B64URL.encode(random_bytes::<32>())
}

/// Hex SHA-256 of an opaque token: what is stored and looked up.
pub fn hash_token(token: &str) -> String {
    crate::crypto::hex_digest(Sha256::digest(token.as_bytes()).as_slice())
}

/// Stores a new refresh token for the user (a new family unless `family_id` is given).
pub async fn create(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    user_id: Uuid,
    family_id: Option<Uuid>,
    ttl: chrono::Duration,
) -> Result<String> {
    let token = new_opaque_token();
    let now = Utc::now();
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant_id),
        user_id: Set(user_id),
        family_id: Set(family_id.unwrap_or_else(Uuid::now_v7)),
        token_hash: Set(hash_token(&token)),
        expires_at: Set(now + ttl),
        created_at: Set(now),
        rotated_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(token)
}

const INVALID: AppError = AppError::Unauthenticated("invalid or expired refresh token");

/// The outcome of presenting a refresh token.
pub enum Rotation {
    /// The token was valid and is now spent; a successor in the same family must be issued.
    Rotated(refresh_token::Model),
    /// The token was spent longer than the grace period ago: its family has been revoked.
    ReuseDetected(refresh_token::Model),
    /// The token was spent moments ago by a concurrent presentation (two tabs refreshing at
    /// once): refused, but the winner's session is left alone.
    RaceLost,
    /// Unknown, expired or revoked.
    Invalid,
}

/// Spends a refresh token. Exactly one of several concurrent presentations wins (the spend is a
/// conditional update); a presentation of a token spent more than `grace` ago is reuse and
/// revokes the family.
pub async fn spend(
    conn: &impl ConnectionTrait,
    token: &str,
    grace: chrono::Duration,
) -> Result<Rotation> {
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(token)))
        .one(conn)
        .await?
    else {
        return Ok(Rotation::Invalid);
    };
    let now = Utc::now();
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Ok(Rotation::Invalid);
    }
    if let Some(rotated_at) = row.rotated_at {
        if now - rotated_at <= grace {
            return Ok(Rotation::RaceLost);
        }
        revoke_family(conn, row.family_id, now).await?;
        return Ok(Rotation::ReuseDetected(row));
    }
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    if spent.rows_affected == 1 {
        Ok(Rotation::Rotated(row))
    } else {
        Ok(Rotation::RaceLost)
    }
}

/// Maps a failed rotation to the client-facing error.
pub fn rotation_error() -> AppError {
    INVALID
}

async fn revoke_family(
    conn: &impl ConnectionTrait,
    family_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Revokes the family of a presented token (logout); returns the token's row when it was live.
pub async fn revoke_by_token(
    conn: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<refresh_token::Model>> {
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(token)))
        .one(conn)
        .await?;
    match row {
        Some(row) if row.revoked_at.is_none() => {
            revoke_family(conn, row.family_id, Utc::now()).await?;
            Ok(Some(row))
        }
        _ => Ok(None),
    }
}

/// Revokes every refresh token of a user (deactivation, password change).
pub async fn revoke_all_for_user(conn: &impl ConnectionTrait, user_id: Uuid) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}
