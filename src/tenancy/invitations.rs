//! Invitations: issued by those who may invite, listed and revoked by them, and accepted only
//! while the invitation could still be issued — its inviter still active and allowed to
//! invite, the company or consultant it links to still there (DESIGN §6).

use chrono::Utc;
use entity::{Role, invitation, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, Select, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::inputs::Email;
use super::scope;
use super::sessions::EMAIL_INDEX;
use crate::audit::{AuditRecord, REDACTED};
use crate::auth::sessions::{hash_token, new_opaque_token};
use crate::auth::{Permission, Principal};
use crate::crypto::TenantKeys;
use crate::db::{Lock, lock_in_scope};
use crate::error::{AppError, Result};
use crate::inputs::required_text;
use crate::unit::UnitOfWork;

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Can be accepted.
    Pending,
    Accepted,
    Revoked,
    /// Not accepted in time.
    Expired,
}

impl InvitationStatus {
    pub fn of(i: &invitation::Model, now: chrono::DateTime<Utc>) -> Self {
        if i.accepted_at.is_some() {
            InvitationStatus::Accepted
        } else if i.revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if i.expires_at <= now {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }

    fn condition(self, now: chrono::DateTime<Utc>) -> Condition {
        use invitation::Column as C;
        let open = Condition::all()
            .add(C::AcceptedAt.is_null())
            .add(C::RevokedAt.is_null());
        match self {
            InvitationStatus::Accepted => Condition::all().add(C::AcceptedAt.is_not_null()),
            InvitationStatus::Revoked => Condition::all()
                .add(C::AcceptedAt.is_null())
                .add(C::RevokedAt.is_not_null()),
            InvitationStatus::Expired => open.add(C::ExpiresAt.lte(now)),
            InvitationStatus::Pending => open.add(C::ExpiresAt.gt(now)),
        }
    }
}

/// The invitations the principal may see, with any of `statuses` (all when empty).
pub fn list(p: &Principal, statuses: &[InvitationStatus]) -> Select<invitation::Entity> {
    let select = scope::invitations(p);
    if statuses.is_empty() {
        return select;
    }
    let now = Utc::now();
    let any = statuses
        .iter()
        .fold(Condition::any(), |any, s| any.add(s.condition(now)));
    select.filter(any)
}

pub struct InviteUser {
    pub email: String,
    pub role: Role,
    pub full_name: Option<String>,
    pub company_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
}

/// An invitation just created, with its one-time token (returned once, stored hashed).
pub struct NewInvitation {
    pub invitation: invitation::Model,
    pub email: String,
    pub token: String,
}

#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn invite_user(
    uow: &UnitOfWork,
    keys: &TenantKeys,
    ttl: std::time::Duration,
    input: InviteUser,
) -> Result<NewInvitation> {
    let p = uow.principal()?;
    let txn = uow.txn();
    p.require(Permission::UserInvite)?;
    let email = Email::parse("email", &input.email)?;
    let full_name = input
        .full_name
        .as_deref()
        .map(|n| required_text("fullName", n, 200))
        .transpose()?;
    if input.company_id.is_some() && input.role != Role::Client {
        return Err(AppError::invalid(
            "companyId",
            "only CLIENT users belong to a company",
        ));
    }
    if input.consultant_id.is_some() && input.role != Role::Consultant {
        return Err(AppError::invalid(
            "consultantId",
            "only CONSULTANT users are linked to a consultant",
        ));
    }
    links_exist(txn, p, input.company_id, input.consultant_id).await?;
    let email_index = keys.blind_index(EMAIL_INDEX, email.as_str());
    let exists = scope::users(p)
        .filter(user::Column::EmailIndex.eq(&email_index))
        .count(txn)
        .await?
        > 0;
    if exists {
        return Err(AppError::conflict(
            "email",
            "a user with this e-mail already exists",
        ));
    }
    let token = new_opaque_token();
    let id = Uuid::now_v7();
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(7));
    let invitation = invitation::ActiveModel {
        id: Set(id),
        tenant_id: Set(p.tenant_id),
        email: Set(keys.encrypt("invitation", "email", id, email.as_str())),
        email_index: Set(email_index),
        full_name: Set(full_name),
        role: Set(input.role),
        company_id: Set(input.company_id),
        consultant_id: Set(input.consultant_id),
        token_hash: Set(hash_token(&token)),
        invited_by: Set(p.user_id),
        expires_at: Set(now + ttl),
        accepted_at: Set(None),
        created_at: Set(now),
        revoked_at: Set(None),
    }
    .insert(txn)
    .await?;
    uow.audit(
        AuditRecord::new("invitation.created", "invitation", Some(id))
            .changes(json!({ "email": REDACTED, "role": input.role.as_str() })),
    )
    .await?;
    Ok(NewInvitation {
        invitation,
        email: email.as_str().to_owned(),
        token,
    })
}

/// Revokes a pending invitation; `CONFLICT` naming its status otherwise.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn revoke(uow: &UnitOfWork, id: Uuid) -> Result<invitation::Model> {
    let p = uow.principal()?;
    p.require(Permission::UserInvite)?;
    let txn = uow.txn();
    let current = lock_in_scope(
        txn,
        scope::invitations(p),
        invitation::Column::Id,
        id,
        "invitation",
        Lock::Update,
    )
    .await?;
    let status = InvitationStatus::of(&current, Utc::now());
    if status != InvitationStatus::Pending {
        return Err(AppError::conflict(
            "id",
            format!(
                "cannot revoke an invitation that is {}",
                status_name(status)
            ),
        ));
    }
    let mut a: invitation::ActiveModel = current.into();
    a.revoked_at = Set(Some(Utc::now()));
    let revoked = a.update(txn).await?;
    uow.audit(AuditRecord::new(
        "invitation.revoked",
        "invitation",
        Some(id),
    ))
    .await?;
    Ok(revoked)
}

/// The API name of a status, for messages.
pub fn status_name(status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::Pending => "PENDING",
        InvitationStatus::Accepted => "ACCEPTED",
        InvitationStatus::Revoked => "REVOKED",
        InvitationStatus::Expired => "EXPIRED",
    }
}

/// Inside the caller's transaction: revokes every pending invitation `inviter` issued (they
/// were deactivated, or lost `user:invite`); returns how many.
pub async fn revoke_pending_of(
    txn: &DatabaseTransaction,
    tenant_id: Uuid,
    inviter: Uuid,
) -> Result<u64> {
    Ok(invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(invitation::Column::TenantId.eq(tenant_id))
        .filter(invitation::Column::InvitedBy.eq(inviter))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(txn)
        .await?
        .rows_affected)
}

/// Inside the acceptance's transaction: refuses (`BAD_USER_INPUT` on `token`) an invitation
/// that its inviter could not issue today — the inviter deactivated or no longer allowed to
/// invite, the company or consultant it links to gone.
pub async fn ensure_still_valid(
    txn: &DatabaseTransaction,
    invitation: &invitation::Model,
) -> Result<()> {
    let refuse = |why: &str| AppError::invalid("token", why);
    #[expect(
        clippy::disallowed_methods,
        reason = "the inviter is looked up by the tenant and id the invitation names"
    )]
    let inviter = user::Entity::find_by_id(invitation.invited_by)
        .filter(user::Column::TenantId.eq(invitation.tenant_id))
        .one(txn)
        .await?;
    let Some(inviter) = inviter.filter(|u| u.deactivated_at.is_none()) else {
        return Err(refuse(
            "was issued by a user who is no longer active; ask for a new invitation",
        ));
    };
    let as_inviter = Principal {
        user_id: inviter.id,
        tenant_id: inviter.tenant_id,
        role: inviter.role,
        company_id: inviter.company_id,
        consultant_id: inviter.consultant_id,
        token: None,
    };
    if !as_inviter.can(Permission::UserInvite) {
        return Err(refuse(
            "was issued by a user who may no longer invite; ask for a new invitation",
        ));
    }
    links_exist(
        txn,
        &as_inviter,
        invitation.company_id,
        invitation.consultant_id,
    )
    .await
    .map_err(|err| match err {
        AppError::InvalidInput(_) => {
            refuse("links to a company or consultant that no longer exists")
        }
        other => other,
    })
}

/// `BAD_USER_INPUT` unless the company and consultant an invitation links to are in `p`'s
/// scope (consultants not deleted). Inside a transaction they stay held (`FOR KEY SHARE`)
/// until it ends, so that neither is deleted under the user being created.
async fn links_exist(
    conn: &impl ConnectionTrait,
    p: &Principal,
    company_id: Option<Uuid>,
    consultant_id: Option<Uuid>,
) -> Result<()> {
    if let Some(company_id) = company_id {
        let found = crate::db::lock_parents(
            conn,
            super::scope::linkable_companies(p).filter(entity::company::Column::Id.eq(company_id)),
        )
        .await?;
        if found.is_empty() {
            return Err(AppError::invalid(
                "companyId",
                "is not a company of the organisation",
            ));
        }
    }
    if let Some(consultant_id) = consultant_id {
        let found = crate::db::lock_parents(
            conn,
            super::scope::linkable_consultants(p)
                .filter(entity::consultant::Column::Id.eq(consultant_id)),
        )
        .await?;
        if found.is_empty() {
            return Err(AppError::invalid(
                "consultantId",
                "is not a consultant of the organisation",
            ));
        }
    }
    Ok(())
}
