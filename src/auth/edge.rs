//! The edge's step: a bearer token becomes a principal, checked against the user's current row.

#![expect(
    clippy::disallowed_methods,
    reason = "a token names its user and tenant; the row is read by both to check it"
)]

use entity::{revoked_access_token, user};
use sea_orm::sea_query::{Expr, ExprTrait as _, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::Principal;
use super::jwt::JwtKeys;
use super::principal::AccessTokenId;
use crate::error::{AppError, Result};

/// Turns a bearer token into a principal, checking the user's current row so that
/// deactivation, password changes and role changes take effect on the next request, and that a
/// token ended by logout is refused — all in one statement.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    jwt: &JwtKeys,
    token: &str,
) -> Result<Principal> {
    let claims = jwt.verify(token)?;
    let revoked = Query::select()
        .expr(Expr::val(1))
        .from(revoked_access_token::Entity)
        .and_where(revoked_access_token::Column::Jti.eq(claims.jti))
        .to_owned();
    let user = user::Entity::find_by_id(claims.sub)
        .filter(user::Column::TenantId.eq(claims.tid))
        .filter(Expr::exists(revoked).not())
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated("invalid or expired access token"))?;
    if user.deactivated_at.is_some() {
        return Err(AppError::Unauthenticated("this account is deactivated"));
    }
    if claims.ver != user.token_version {
        return Err(AppError::Unauthenticated(
            "this session has ended; sign in again",
        ));
    }
    let expires_at = chrono::DateTime::from_timestamp(claims.exp, 0)
        .ok_or(AppError::Unauthenticated("invalid or expired access token"))?;
    Ok(Principal {
        user_id: user.id,
        tenant_id: user.tenant_id,
        role: user.role,
        company_id: user.company_id,
        consultant_id: user.consultant_id,
        token: Some(AccessTokenId {
            jti: claims.jti,
            expires_at,
        }),
    })
}
