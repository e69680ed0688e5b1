//! Sign-up, sign-in, session refresh and sign-out, and the edge's token → principal step.

#![expect(
    clippy::disallowed_methods,
    reason = "sign-in runs before there is a principal; every look-up is bounded by what the caller presents (slug and password, token hash, signed claims)"
)]

use chrono::Utc;
use entity::{Role, invitation, revoked_access_token, tenant, user};
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::inputs::{Email, Slug};
use crate::audit::{self, AuditRecord, REDACTED, RequestMeta};
use crate::auth::password::NewPassword;
use crate::auth::sessions::{self as refresh, Rotation};
use crate::auth::{Principal, throttle};
use crate::crypto::{TenantKeys, create_tenant_keys, load_tenant_keys};
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::inputs::required_text;
use crate::state::AppState;
use crate::unit::Actor;

/// Blind-index purpose of user and invitation e-mails.
pub const EMAIL_INDEX: &str = "user.email";
const BAD_CREDENTIALS: AppError =
    AppError::Unauthenticated("invalid e-mail, password or organisation");

/// A signed-in session: what `AuthPayload` shows.
pub struct Session {
    pub access_token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub refresh_token: String,
    pub user: user::Model,
}

pub struct SignUp {
    pub organization_name: String,
    pub slug: String,
    pub email: String,
    pub password: String,
    pub full_name: String,
}

fn refresh_ttl(state: &AppState) -> chrono::Duration {
    chrono::Duration::from_std(state.config.auth.refresh_ttl).unwrap_or(chrono::Duration::days(30))
}

/// Issues an access token and a refresh token (new family unless `family` is given).
async fn open_session(
    state: &AppState,
    conn: &impl ConnectionTrait,
    user: user::Model,
    family: Option<Uuid>,
) -> Result<Session> {
    let refresh_token =
        refresh::create(conn, user.tenant_id, user.id, family, refresh_ttl(state)).await?;
    let (access_token, expires_at) = state.jwt.issue(&user)?;
    Ok(Session {
        access_token,
        expires_at,
        refresh_token,
        user,
    })
}

/// Builds a user row with its e-mail encrypted and blind-indexed under the tenant's keys.
pub fn new_user(
    keys: &TenantKeys,
    email: &Email,
    full_name: String,
    password_hash: String,
    role: Role,
    company_id: Option<Uuid>,
    consultant_id: Option<Uuid>,
) -> user::ActiveModel {
    let id = Uuid::now_v7();
    let now = Utc::now();
    user::ActiveModel {
        id: Set(id),
        tenant_id: Set(keys.tenant_id()),
        email: Set(keys.encrypt("app_user", "email", id, email.as_str())),
        email_index: Set(keys.blind_index(EMAIL_INDEX, email.as_str())),
        full_name: Set(full_name),
        password_hash: Set(password_hash),
        role: Set(role),
        company_id: Set(company_id),
        consultant_id: Set(consultant_id),
        deactivated_at: Set(None),
        token_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Creates a tenant, its keys and its first ADMIN, and signs the ADMIN in.
#[tracing::instrument(skip_all)]
pub async fn sign_up(state: &AppState, meta: &RequestMeta, input: SignUp) -> Result<Session> {
    let mut errors = crate::error::FieldErrors::new();
    let name = required_text("organizationName", &input.organization_name, 200);
    let slug = Slug::parse("slug", &input.slug);
    let email = Email::parse("email", &input.email);
    let password = NewPassword::parse("password", input.password);
    let full_name = required_text("fullName", &input.full_name, 200);
    for err in [
        name.as_ref().err(),
        slug.as_ref().err(),
        email.as_ref().err(),
        password.as_ref().err(),
        full_name.as_ref().err(),
    ]
    .into_iter()
    .flatten()
    {
        if let AppError::InvalidInput(fields) = err {
            errors.extend(fields.clone());
        }
    }
    let (Ok(name), Ok(slug), Ok(email), Ok(password), Ok(full_name)) =
        (name, slug, email, password, full_name)
    else {
        return Err(AppError::InvalidInput(errors));
    };
    state.rate_limits.begin_sign_up(meta.ip).await?;
    let taken = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug.as_str()))
        .one(&state.db)
        .await?
        .is_some();
    if taken {
        return Err(AppError::conflict("slug", "is already taken"));
    }
    let password_hash = state.passwords.hash(password).await?;

    let uow = state.unit_of_work(Actor::Anonymous, meta.clone()).await?;
    let txn = uow.txn();
    let now = Utc::now();
    let tenant_id = Uuid::now_v7();
    let tenant = tenant::ActiveModel {
        id: Set(tenant_id),
        name: Set(name),
        slug: Set(slug.as_str().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await?;
    let keys = create_tenant_keys(txn, &state.config.master_keys, tenant_id).await?;
    let user = new_user(
        &keys,
        &email,
        full_name,
        password_hash,
        Role::Admin,
        None,
        None,
    )
    .insert(txn)
    .await?;
    audit::record(
        txn,
        tenant_id,
        None,
        meta,
        AuditRecord::new("tenant.signed_up", "tenant", Some(tenant.id))
            .actor(Some(user.id), Some(Role::Admin))
            .changes(json!({
                "name": tenant.name,
                "slug": tenant.slug,
                "adminUserId": user.id,
                "adminEmail": REDACTED,
            })),
    )
    .await?;
    let session = open_session(state, txn, user, None).await?;
    uow.commit().await?;
    Ok(session)
}

pub struct Login {
    pub tenant_slug: String,
    pub email: String,
    pub password: String,
}

/// Signs a user in. Unknown organisation, unknown e-mail, wrong password and deactivated account
/// all answer the same error after the same argon2 work; failures are throttled and audited.
#[tracing::instrument(skip_all)]
pub async fn login(state: &AppState, meta: &RequestMeta, input: Login) -> Result<Session> {
    state.rate_limits.begin_sign_in(meta.ip).await?;
    let tenant = match Slug::parse("tenantSlug", &input.tenant_slug) {
        Ok(slug) => {
            tenant::Entity::find()
                .filter(tenant::Column::Slug.eq(slug.as_str()))
                .one(&state.db)
                .await?
        }
        Err(_) => None,
    };
    let email = Email::parse("email", &input.email).ok();
    let (Some(tenant), Some(email)) = (tenant, email) else {
        state.passwords.verify(input.password, None).await?;
        return Err(BAD_CREDENTIALS);
    };
    let keys = load_tenant_keys(&state.db, &state.config.master_keys, tenant.id).await?;
    let email_index = keys.blind_index(EMAIL_INDEX, email.as_str());
    let throttle_key = format!("{}:{email_index}", tenant.id);
    let source_key = throttle::source_key(&throttle_key, meta.ip);
    throttle::begin_source_attempt(&state.db, &source_key, &state.config.throttle).await?;
    let trusted = throttle::is_trusted(&state.db, &source_key).await?;
    throttle::begin_account_attempt(&state.db, &throttle_key, &state.config.throttle, trusted)
        .await?;

    // Sign-in happens before there is a principal: the look-up is bounded by the tenant named
    // in the request and the e-mail's blind index.
    let user = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.id))
        .filter(user::Column::EmailIndex.eq(&email_index))
        .one(&state.db)
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = state.passwords.verify(input.password, hash).await?;
    let user = match user {
        Some(user) if password_ok && user.deactivated_at.is_none() => user,
        user => {
            let uow = state.unit_of_work(Actor::Anonymous, meta.clone()).await?;
            let txn = uow.txn();
            audit::record(
                txn,
                tenant.id,
                None,
                meta,
                AuditRecord::new("auth.login_failed", "user", user.as_ref().map(|u| u.id))
                    .actor(user.as_ref().map(|u| u.id), user.as_ref().map(|u| u.role))
                    .changes(json!({ "email": REDACTED, "knownUser": user.is_some() })),
            )
            .await?;
            uow.commit().await?;
            return Err(BAD_CREDENTIALS);
        }
    };
    throttle::clear_source(&state.db, &source_key).await?;
    throttle::refund_account(&state.db, &throttle_key).await?;
    throttle::mark_trusted(&state.db, &source_key).await?;
    state.rate_limits.sign_in_succeeded(meta.ip);
    let uow = state.unit_of_work(Actor::Anonymous, meta.clone()).await?;
    let txn = uow.txn();
    audit::record(
        txn,
        tenant.id,
        None,
        meta,
        AuditRecord::new("auth.login_succeeded", "user", Some(user.id))
            .actor(Some(user.id), Some(user.role)),
    )
    .await?;
    let session = open_session(state, txn, user, None).await?;
    uow.commit().await?;
    Ok(session)
}

/// Exchanges a refresh token for a new session in the same family.
#[tracing::instrument(skip_all)]
pub async fn refresh_session(state: &AppState, meta: &RequestMeta, token: &str) -> Result<Session> {
    let grace = chrono::Duration::from_std(state.config.auth.refresh_reuse_grace)
        .unwrap_or(chrono::Duration::zero());
    let uow = state.unit_of_work(Actor::Anonymous, meta.clone()).await?;
    let txn = uow.txn();
    let row = match refresh::spend(txn, token, grace).await? {
        Rotation::Rotated(row) => row,
        Rotation::ReuseDetected(row) => {
            // A spent token came back: it was copied. Besides the family (revoked by `spend`),
            // end the user's access tokens and record it; all of it persists although the
            // request fails.
            user::Entity::update_many()
                .col_expr(
                    user::Column::TokenVersion,
                    Expr::col(user::Column::TokenVersion).add(1),
                )
                .filter(user::Column::Id.eq(row.user_id))
                .filter(user::Column::TenantId.eq(row.tenant_id))
                .exec(txn)
                .await?;
            audit::record(
                txn,
                row.tenant_id,
                None,
                meta,
                AuditRecord::new("auth.refresh_reuse_detected", "user", Some(row.user_id))
                    .changes(json!({ "familyId": row.family_id })),
            )
            .await?;
            // Every session of the user ended: so do their subscriptions.
            uow.raise_for(
                row.tenant_id,
                DomainEvent::UserAccessChanged {
                    user_id: row.user_id,
                },
            );
            uow.commit().await?;
            tracing::warn!(user = %row.user_id, "refresh token reuse detected; sessions revoked");
            return Err(refresh::rotation_error());
        }
        Rotation::RaceLost | Rotation::Invalid => return Err(refresh::rotation_error()),
    };
    let user = user::Entity::find_by_id(row.user_id)
        .filter(user::Column::TenantId.eq(row.tenant_id))
        .one(txn)
        .await?
        .filter(|u| u.deactivated_at.is_none())
        .ok_or_else(refresh::rotation_error)?;
    let session = open_session(state, txn, user, Some(row.family_id)).await?;
    uow.commit().await?;
    Ok(session)
}

/// Revokes the session of a refresh token, and the access token the request came with (its
/// `jti` is refused until it expires, by every instance). Answers `true` whatever the refresh
/// token, so that nothing is learnt from it.
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: &AppState,
    principal: Option<&Principal>,
    meta: &RequestMeta,
    token: &str,
) -> Result<bool> {
    let uow = state.unit_of_work(Actor::Anonymous, meta.clone()).await?;
    let txn = uow.txn();
    if let Some((p, access)) = principal.and_then(|p| p.token.map(|t| (p, t))) {
        revoked_access_token::Entity::insert(revoked_access_token::ActiveModel {
            jti: Set(access.jti),
            tenant_id: Set(p.tenant_id),
            user_id: Set(p.user_id),
            expires_at: Set(access.expires_at),
        })
        .on_conflict_do_nothing_on([revoked_access_token::Column::Jti])
        .exec(txn)
        .await?;
        // Subscriptions opened with this token end too, on every instance.
        uow.raise_for(
            p.tenant_id,
            DomainEvent::AccessTokenRevoked {
                user_id: p.user_id,
                jti: access.jti,
            },
        );
    }
    if let Some(row) = refresh::revoke_by_token(txn, token).await? {
        audit::record(
            txn,
            row.tenant_id,
            None,
            meta,
            AuditRecord::new("auth.logout", "user", Some(row.user_id))
                .actor(Some(row.user_id), None),
        )
        .await?;
    }
    uow.commit().await?;
    Ok(true)
}

pub struct AcceptInvitation {
    pub token: String,
    pub password: String,
    pub full_name: Option<String>,
}

/// Turns an invitation into a user and signs them in.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation(
    state: &AppState,
    meta: &RequestMeta,
    input: AcceptInvitation,
) -> Result<Session> {
    let password = NewPassword::parse("password", input.password)?;
    let full_name = input
        .full_name
        .as_deref()
        .map(|n| required_text("fullName", n, 200))
        .transpose()?;
    let invalid = || AppError::invalid("token", "is invalid, expired or already used");
    let invitation = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(refresh::hash_token(&input.token)))
        .one(&state.db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.revoked_at.is_none() && i.expires_at > Utc::now())
        .ok_or_else(invalid)?;
    let full_name = full_name
        .or_else(|| invitation.full_name.clone())
        .ok_or_else(|| AppError::invalid("fullName", "must not be empty"))?;
    let keys = load_tenant_keys(&state.db, &state.config.master_keys, invitation.tenant_id).await?;
    let email = keys
        .decrypt("invitation", "email", invitation.id, &invitation.email)
        .map_err(AppError::internal)?;
    let email = Email::parse("email", &email)?;
    let password_hash = state.passwords.hash(password).await?;

    let uow = state.unit_of_work(Actor::Anonymous, meta.clone()).await?;
    let txn = uow.txn();
    // Creating a user is user administration: it runs in turn with deactivations and role
    // changes of the organisation, so an inviter demoted a moment ago is seen as demoted.
    crate::db::lock_in_scope(
        txn,
        tenant::Entity::find(),
        tenant::Column::Id,
        invitation.tenant_id,
        "organisation",
        crate::db::Lock::Serialize,
    )
    .await?;
    // Spend the invitation first: of two concurrent acceptances, one wins.
    let spent = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::AcceptedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(invitation::Column::Id.eq(invitation.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(Utc::now()))
        .exec(txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(invalid());
    }
    super::invitations::ensure_still_valid(txn, &invitation).await?;
    let taken = user::Entity::find()
        .filter(user::Column::TenantId.eq(invitation.tenant_id))
        .filter(user::Column::EmailIndex.eq(&invitation.email_index))
        .one(txn)
        .await?
        .is_some();
    if taken {
        return Err(AppError::conflict(
            "email",
            "a user with this e-mail already exists",
        ));
    }
    let user = new_user(
        &keys,
        &email,
        full_name,
        password_hash,
        invitation.role,
        invitation.company_id,
        invitation.consultant_id,
    )
    .insert(txn)
    .await?;
    audit::record(
        txn,
        invitation.tenant_id,
        None,
        meta,
        AuditRecord::new("invitation.accepted", "user", Some(user.id))
            .actor(Some(user.id), Some(user.role))
            .changes(json!({ "invitationId": invitation.id, "role": user.role.as_str(), "email": REDACTED })),
    )
    .await?;
    let session = open_session(state, txn, user, None).await?;
    uow.commit().await?;
    Ok(session)
}

/// Forgets revoked access tokens that have expired anyway (maintenance).
pub async fn purge_expired_revocations(db: &sea_orm::DatabaseConnection) -> Result<u64> {
    Ok(revoked_access_token::Entity::delete_many()
        .filter(revoked_access_token::Column::ExpiresAt.lt(Utc::now()))
        .exec(db)
        .await?
        .rows_affected)
}
