//! User administration: invitations, role changes, deactivation and restore, password changes.

use chrono::Utc;
use entity::{Role, user};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, QueryFilter,
    Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::inputs::Email;
use super::invitations;
use super::scope;
use super::sessions::EMAIL_INDEX;
use crate::audit::{self, AuditRecord, REDACTED, RequestMeta};
use crate::auth::password::NewPassword;
use crate::auth::sessions::revoke_all_for_user;
use crate::auth::{Permission, Principal, throttle};
use crate::crypto::TenantKeys;
use crate::db::{Lock, lock_in_scope};
use crate::error::{AppError, Result};
use crate::events::DomainEvent;
use crate::inputs::filter_text;
use crate::state::AppState;
use crate::unit::{Actor, UnitOfWork};

/// A user by id, within the principal's scope; anything else is `NOT_FOUND`.
pub async fn find_user(
    conn: &impl ConnectionTrait,
    p: &Principal,
    id: Uuid,
) -> Result<user::Model> {
    crate::db::find_in_scope(conn, scope::users(p), user::Column::Id, id, "user").await
}

/// Filters of the `users` list.
#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// Matches the full name (substring, case-insensitive) or the exact e-mail.
    pub text: Option<String>,
}

/// The scoped, filtered query behind `users`.
pub fn users_query(
    p: &Principal,
    keys: &TenantKeys,
    filter: UserFilter,
) -> Result<Select<user::Entity>> {
    let mut select = scope::users(p);
    if let Some(role) = filter.role {
        select = select.filter(user::Column::Role.eq(role));
    }
    match filter.active {
        Some(true) => select = select.filter(user::Column::DeactivatedAt.is_null()),
        Some(false) => select = select.filter(user::Column::DeactivatedAt.is_not_null()),
        None => {}
    }
    if let Some(text) = filter_text("filter.text", filter.text, 200)? {
        let mut any = Condition::any().add(crate::db::contains_ci(user::Column::FullName, &text));
        if let Ok(email) = Email::parse("filter.text", &text) {
            any =
                any.add(user::Column::EmailIndex.eq(keys.blind_index(EMAIL_INDEX, email.as_str())));
        }
        select = select.filter(any);
    }
    Ok(select)
}

/// Starts a user-administration change (acceptance of an invitation included): the tenant row
/// is held (`FOR NO KEY UPDATE`) so that
/// role changes, deactivations and restores of one organisation run one at a time, and the
/// target user is read after that, as the previous change left it.
pub(super) async fn lock_administration(txn: &DatabaseTransaction, p: &Principal) -> Result<()> {
    lock_in_scope(
        txn,
        scope::tenant(p),
        entity::tenant::Column::Id,
        p.tenant_id,
        "tenant",
        Lock::Serialize,
    )
    .await
    .map(|_| ())
}

/// The target of a user-administration change, read under [`lock_administration`].
async fn administer(
    txn: &DatabaseTransaction,
    p: &Principal,
    user_id: Uuid,
) -> Result<user::Model> {
    lock_administration(txn, p).await?;
    lock_in_scope(
        txn,
        scope::users(p),
        user::Column::Id,
        user_id,
        "user",
        Lock::Update,
    )
    .await
}

/// Inside a transaction begun by [`administer`]: refuses a change that would leave the tenant
/// without an active ADMIN (two ADMINs demoting each other at once cannot both succeed).
async fn ensure_other_admin(
    txn: &DatabaseTransaction,
    p: &Principal,
    target: &user::Model,
) -> Result<()> {
    if target.role != Role::Admin || target.deactivated_at.is_some() {
        return Ok(());
    }
    let admins = scope::users(p)
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::DeactivatedAt.is_null())
        .all(txn)
        .await?;
    if !admins.iter().any(|a| a.id != target.id) {
        return Err(AppError::conflict(
            "userId",
            "the organisation must keep at least one active ADMIN",
        ));
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update_user_role(uow: &UnitOfWork, user_id: Uuid, role: Role) -> Result<user::Model> {
    let p = uow.principal()?;
    p.require(Permission::UserManage)?;
    let txn = uow.txn();
    let target = administer(txn, p, user_id).await?;
    if target.role == role {
        return Ok(target);
    }
    ensure_other_admin(txn, p, &target).await?;
    let old_role = target.role;
    // A company belongs to CLIENT users and a consultant profile to CONSULTANT users only.
    let unlink_company = target.company_id.is_some() && role != Role::Client;
    let unlink_consultant = target.consultant_id.is_some() && role != Role::Consultant;
    let mut active: user::ActiveModel = target.into();
    active.role = Set(role);
    if unlink_company {
        active.company_id = Set(None);
    }
    if unlink_consultant {
        active.consultant_id = Set(None);
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(txn).await?;
    let mut changes = json!({ "role": { "from": old_role.as_str(), "to": role.as_str() } });
    // Invitations the user issued stand only while they may still invite.
    if !crate::auth::permissions::role_has(role, Permission::UserInvite) {
        let revoked = invitations::revoke_pending_of(txn, p.tenant_id, user_id).await?;
        if revoked > 0 {
            changes["revokedInvitations"] = json!(revoked);
        }
    }
    if unlink_company {
        changes["companyId"] = json!({ "to": null });
    }
    if unlink_consultant {
        changes["consultantId"] = json!({ "to": null });
    }
    uow.audit(AuditRecord::new("user.role_changed", "user", Some(user_id)).changes(changes))
        .await?;
    uow.raise(DomainEvent::UserAccessChanged { user_id })?;
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn deactivate_user(uow: &UnitOfWork, user_id: Uuid) -> Result<user::Model> {
    let p = uow.principal()?;
    p.require(Permission::UserManage)?;
    let txn = uow.txn();
    let target = administer(txn, p, user_id).await?;
    if target.id == p.user_id {
        return Err(AppError::invalid("id", "you cannot deactivate yourself"));
    }
    if target.deactivated_at.is_some() {
        return Err(AppError::conflict("id", "the user is already deactivated"));
    }
    ensure_other_admin(txn, p, &target).await?;
    let version = target.token_version;
    let mut active: user::ActiveModel = target.into();
    let now = Utc::now();
    active.deactivated_at = Set(Some(now));
    active.token_version = Set(version.wrapping_add(1));
    active.updated_at = Set(now);
    let updated = active.update(txn).await?;
    revoke_all_for_user(txn, user_id).await?;
    let revoked = invitations::revoke_pending_of(txn, p.tenant_id, user_id).await?;
    uow.audit(
        AuditRecord::new("user.deactivated", "user", Some(user_id)).changes(
            json!({ "active": { "from": true, "to": false }, "revokedInvitations": revoked }),
        ),
    )
    .await?;
    uow.raise(DomainEvent::UserAccessChanged { user_id })?;
    Ok(updated)
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn restore_user(uow: &UnitOfWork, user_id: Uuid) -> Result<user::Model> {
    let p = uow.principal()?;
    p.require(Permission::UserManage)?;
    let txn = uow.txn();
    let target = administer(txn, p, user_id).await?;
    if target.deactivated_at.is_none() {
        return Err(AppError::conflict("id", "the user is active"));
    }
    let mut active: user::ActiveModel = target.into();
    active.deactivated_at = Set(None);
    active.updated_at = Set(Utc::now());
    let updated = active.update(txn).await?;
    uow.audit(
        AuditRecord::new("user.restored", "user", Some(user_id))
            .changes(json!({ "active": { "from": false, "to": true } })),
    )
    .await?;
    uow.raise(DomainEvent::UserAccessChanged { user_id })?;
    Ok(updated)
}

/// Changes the principal's password; every session of the user ends (sign in again). Wrong
/// current passwords count against the account's sign-in throttle and are audited, so a stolen
/// access token cannot be used to guess the password.
#[tracing::instrument(skip_all, fields(tenant = %p.tenant_id))]
pub async fn change_password(
    state: &AppState,
    p: &Principal,
    meta: &RequestMeta,
    current: String,
    new: String,
) -> Result<bool> {
    let new = NewPassword::parse("newPassword", new)?;
    let me = find_user(&state.db, p, p.user_id).await?;
    let throttle_key = format!("{}:{}", me.tenant_id, me.email_index);
    let source_key = throttle::source_key(&throttle_key, meta.ip);
    throttle::begin_source_attempt(&state.db, &source_key, &state.config.throttle).await?;
    let trusted = throttle::is_trusted(&state.db, &source_key).await?;
    throttle::begin_account_attempt(&state.db, &throttle_key, &state.config.throttle, trusted)
        .await?;
    if !state
        .passwords
        .verify(current, Some(me.password_hash.clone()))
        .await?
    {
        let audit = AuditRecord::new("user.password_change_failed", "user", Some(p.user_id));
        audit::record_standalone(&state.db, p, meta.clone(), audit).await?;
        return Err(AppError::invalid(
            "currentPassword",
            "is not your current password",
        ));
    }
    throttle::clear_source(&state.db, &source_key).await?;
    throttle::refund_account(&state.db, &throttle_key).await?;
    let hash = state.passwords.hash(new).await?;
    // The unit begins only now: the slow hashing above holds no transaction (on SQLite, the one
    // writer) open.
    let uow = state
        .unit_of_work(Actor::User(p.clone()), meta.clone())
        .await?;
    let txn = uow.txn();
    // Read again under a lock after the (slow) hashing: the version bump must build on the
    // row as it is now, and a password changed meanwhile is not silently overwritten.
    let now_row = lock_in_scope(
        txn,
        scope::users(p),
        user::Column::Id,
        p.user_id,
        "user",
        Lock::Update,
    )
    .await?;
    if now_row.deactivated_at.is_some() {
        return Err(AppError::Unauthenticated("this account is deactivated"));
    }
    if now_row.password_hash != me.password_hash {
        return Err(AppError::conflict(
            "currentPassword",
            "the password was changed meanwhile; sign in again",
        ));
    }
    let version = now_row.token_version;
    let mut active: user::ActiveModel = now_row.into();
    active.password_hash = Set(hash);
    active.token_version = Set(version.wrapping_add(1));
    active.updated_at = Set(Utc::now());
    active.update(txn).await?;
    revoke_all_for_user(txn, p.user_id).await?;
    uow.audit(
        AuditRecord::new("user.password_changed", "user", Some(p.user_id))
            .changes(json!({ "password": REDACTED })),
    )
    .await?;
    uow.raise(DomainEvent::UserAccessChanged { user_id: p.user_id })?;
    uow.commit().await?;
    Ok(true)
}
