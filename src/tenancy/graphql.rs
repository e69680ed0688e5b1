//! GraphQL API of tenancy: sign-up and sign-in, the current user and tenant, user administration.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::Utc;
use entity::{Role as DbRole, invitation, tenant, user};

use super::invitations;
use super::invitations::InviteUser;
use super::loaders::{TenantLoader, UserLoader};
use super::scope;
use super::sessions::{self, AcceptInvitation, Login, Session, SignUp};
use super::users::{self, UserFilter as UserFilterSpec};
use crate::auth::{Permission, visibility};
use crate::error::{AppError, Result};
use crate::graphql::context::{ContextExt as _, load_related, parse_id};
use crate::graphql::guard::Authenticated;
use crate::graphql::guard::PermissionGuard;
use crate::graphql::pagination::{self, ConnectionFields, Order, OrderDirection, PageQuery};
use crate::graphql::scalars::DateTime;

/// A user's role; each role is a bundle of permissions.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Role")]
pub enum Role {
    /// Runs the organisation: users, audit, everything.
    Admin,
    /// Runs the business: clients, consultants, tenders, matches.
    Manager,
    /// A consultant signing in to their own profile, missions and matches.
    Consultant,
    /// A client company's user, seeing its tenders and the consultants proposed to it.
    Client,
}

impl From<DbRole> for Role {
    fn from(role: DbRole) -> Self {
        match role {
            DbRole::Admin => Role::Admin,
            DbRole::Manager => Role::Manager,
            DbRole::Consultant => Role::Consultant,
            DbRole::Client => Role::Client,
        }
    }
}

impl From<Role> for DbRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => DbRole::Admin,
            Role::Manager => DbRole::Manager,
            Role::Consultant => DbRole::Consultant,
            Role::Client => DbRole::Client,
        }
    }
}

pub struct Tenant(pub tenant::Model);

/// An organisation using talentgraph.
#[Object]
impl Tenant {
    /// The organisation's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// Display name of the organisation.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Unique short name, used to sign in.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// When the organisation was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

pub struct User(pub user::Model);

/// A person who signs in to one organisation.
#[Object]
impl User {
    /// The user's id (a UUID).
    async fn id(&self) -> ID {
        crate::graphql::scalars::id(self.0.id)
    }
    /// Sign-in e-mail (stored encrypted).
    async fn email(&self, ctx: &Context<'_>) -> Result<String> {
        let keys = ctx.tenant_keys(self.0.tenant_id).await?;
        keys.decrypt("app_user", "email", self.0.id, &self.0.email)
            .map_err(AppError::internal)
    }
    /// The name shown to others.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// The role, which decides what the user may see and do.
    async fn role(&self) -> Role {
        self.0.role.into()
    }
    /// False once the user is deactivated; a deactivated user cannot sign in.
    async fn active(&self) -> bool {
        self.0.deactivated_at.is_none()
    }
    /// When the user was deactivated, if they are.
    async fn deactivated_at(&self) -> Option<DateTime> {
        self.0.deactivated_at.map(DateTime)
    }
    /// The client company of a CLIENT user.
    async fn company_id(&self) -> Option<ID> {
        self.0.company_id.map(|id| ID(id.to_string()))
    }
    /// The consultant profile of a CONSULTANT user.
    async fn consultant_id(&self) -> Option<ID> {
        self.0.consultant_id.map(|id| ID(id.to_string()))
    }
    /// The user's organisation.
    async fn tenant(&self, ctx: &Context<'_>) -> async_graphql::Result<Tenant> {
        load_related::<TenantLoader>(ctx, self.0.tenant_id, "tenant")
            .await
            .map(Tenant)
    }
    /// When the user was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }
}

pub struct AuthPayload(Session);

/// A signed-in session.
#[Object]
impl AuthPayload {
    /// JWT for `Authorization: Bearer …`, valid 15 minutes.
    async fn access_token(&self) -> &str {
        &self.0.access_token
    }
    /// Opaque token for `refreshSession`; single use, valid 30 days.
    async fn refresh_token(&self) -> &str {
        &self.0.refresh_token
    }
    /// When the access token expires.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.0.expires_at)
    }
    /// The signed-in user.
    async fn user(&self) -> User {
        User(self.0.user.clone())
    }
}

/// Where an invitation stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Can still be accepted.
    Pending,
    /// Accepted: its user exists.
    Accepted,
    /// Revoked by an ADMIN, or because its inviter was deactivated or may no longer invite.
    Revoked,
    /// Not accepted before `expiresAt`.
    Expired,
}

impl From<InvitationStatus> for invitations::InvitationStatus {
    fn from(s: InvitationStatus) -> Self {
        match s {
            InvitationStatus::Pending => invitations::InvitationStatus::Pending,
            InvitationStatus::Accepted => invitations::InvitationStatus::Accepted,
            InvitationStatus::Revoked => invitations::InvitationStatus::Revoked,
            InvitationStatus::Expired => invitations::InvitationStatus::Expired,
        }
    }
}

impl From<invitations::InvitationStatus> for InvitationStatus {
    fn from(s: invitations::InvitationStatus) -> Self {
        match s {
            invitations::InvitationStatus::Pending => InvitationStatus::Pending,
            invitations::InvitationStatus::Accepted => InvitationStatus::Accepted,
            invitations::InvitationStatus::Revoked => InvitationStatus::Revoked,
            invitations::InvitationStatus::Expired => InvitationStatus::Expired,
        }
    }
}

pub struct Invitation {
    model: invitation::Model,
    token: Option<String>,
}

impl Invitation {
    fn listed(model: invitation::Model) -> Self {
        Invitation { model, token: None }
    }
}

/// An invitation to join the organisation with a role; its token is shown once, at creation.
#[Object]
impl Invitation {
    /// The invitation's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }
    /// The invitee's e-mail (stored encrypted).
    async fn email(&self, ctx: &Context<'_>) -> Result<String> {
        let keys = ctx.tenant_keys(self.model.tenant_id).await?;
        keys.decrypt("invitation", "email", self.model.id, &self.model.email)
            .map_err(AppError::internal)
    }
    /// The role the invitee gets.
    async fn role(&self) -> Role {
        self.model.role.into()
    }
    /// The invitee's name, if the invitation gave one.
    async fn full_name(&self) -> Option<&str> {
        self.model.full_name.as_deref()
    }
    /// The one-time token for `acceptInvitation`; shown only in the response that creates it.
    async fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
    /// Where the invitation stands now.
    async fn status(&self) -> InvitationStatus {
        invitations::InvitationStatus::of(&self.model, Utc::now()).into()
    }
    /// The client company of a CLIENT invitation.
    async fn company_id(&self) -> Option<ID> {
        self.model.company_id.map(|id| ID(id.to_string()))
    }
    /// The consultant profile of a CONSULTANT invitation.
    async fn consultant_id(&self) -> Option<ID> {
        self.model.consultant_id.map(|id| ID(id.to_string()))
    }
    /// Who issued it; acceptance requires them to still be active and allowed to invite.
    async fn invited_by(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        load_related::<UserLoader>(ctx, self.model.invited_by, "user")
            .await
            .map(User)
    }
    /// When it stops being acceptable.
    async fn expires_at(&self) -> DateTime {
        DateTime(self.model.expires_at)
    }
    /// When the invitation was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.model.created_at)
    }
    /// When it was accepted, if it was.
    async fn accepted_at(&self) -> Option<DateTime> {
        self.model.accepted_at.map(DateTime)
    }
    /// When it was revoked, if it was.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.model.revoked_at.map(DateTime)
    }
}

/// Filters of `invitations`.
#[derive(InputObject, Default)]
pub struct InvitationFilter {
    /// Any of these statuses (all when omitted).
    pub status: Option<Vec<InvitationStatus>>,
}

/// A new organisation and its first ADMIN.
#[derive(InputObject)]
pub struct SignUpInput {
    /// Display name of the new organisation.
    pub organization_name: String,
    /// Unique short name (3–48 of a-z, 0-9, `-`), used to sign in.
    pub slug: String,
    /// E-mail of the first ADMIN.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// The first ADMIN's name.
    pub full_name: String,
}

/// Credentials to sign in with.
#[derive(InputObject)]
pub struct LoginInput {
    /// The organisation's slug (the demo's is `demo`).
    pub tenant_slug: String,
    /// The user's e-mail.
    pub email: String,
    /// The user's password.
    pub password: String,
}

/// What joining with an invitation needs.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The invitation's one-time token.
    pub token: String,
    /// At least 10 characters.
    pub password: String,
    /// Overrides the name given in the invitation.
    pub full_name: Option<String>,
}

/// Whom to invite, and as what.
#[derive(InputObject)]
pub struct InviteUserInput {
    /// The invitee's e-mail; no user of the organisation may have it yet.
    pub email: String,
    /// The role the invitee will have.
    pub role: Role,
    /// The invitee's name, if known (they may give another when accepting).
    pub full_name: Option<String>,
    /// The client company of a CLIENT user.
    pub company_id: Option<ID>,
    /// The consultant profile of a CONSULTANT user.
    pub consultant_id: Option<ID>,
}

/// A password change of the signed-in user.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password now; wrong guesses are throttled like sign-ins.
    pub current_password: String,
    /// At least 10 characters. Every session ends; sign in again.
    pub new_password: String,
}

/// A user's new role.
#[derive(InputObject)]
pub struct UpdateUserRoleInput {
    /// The user.
    pub user_id: ID,
    /// The new role; the organisation keeps at least one active ADMIN.
    pub role: Role,
}

/// Filters of `users`.
#[derive(InputObject, Default)]
pub struct UserFilter {
    /// Users of this role.
    pub role: Option<Role>,
    /// Active users only (`true`) or deactivated ones only (`false`).
    pub active: Option<bool>,
    /// Part of the full name, or an exact e-mail.
    pub text: Option<String>,
}

/// What a list of users can be sorted by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum UserOrderField {
    /// Oldest first by default.
    #[default]
    CreatedAt,
    /// Full name, alphabetically.
    FullName,
}

/// How a list of users is sorted (ties broken by creation order).
#[derive(InputObject, Default)]
pub struct UserOrder {
    /// What to sort by.
    #[graphql(default)]
    pub field: UserOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: OrderDirection,
}

impl UserOrder {
    fn order(&self) -> Order<user::Column> {
        let descending = self.direction == OrderDirection::Desc;
        match self.field {
            UserOrderField::CreatedAt => Order::Id { descending },
            UserOrderField::FullName => Order::Column {
                column: user::Column::FullName,
                descending,
            },
        }
    }
}

#[derive(Default)]
pub struct TenancyQuery;

#[Object]
impl TenancyQuery {
    /// The signed-in user.
    #[graphql(guard = "Authenticated", visible = "visibility::authenticated")]
    async fn me(&self, ctx: &Context<'_>) -> Result<User> {
        let p = ctx.principal()?;
        users::find_user(&ctx.state()?.db, p, p.user_id)
            .await
            .map(User)
    }

    /// The signed-in user's organisation.
    #[graphql(guard = "Authenticated", visible = "visibility::authenticated")]
    async fn tenant(&self, ctx: &Context<'_>) -> Result<Tenant> {
        let p = ctx.principal()?;
        scope::tenant(p)
            .one(&ctx.state()?.db)
            .await?
            .map(Tenant)
            .ok_or(AppError::NotFound("tenant"))
    }

    /// The organisation's users.
    #[graphql(
        guard = "PermissionGuard(Permission::UserRead)",
        visible = "visibility::user_read",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    #[expect(
        clippy::too_many_arguments,
        reason = "Relay paging arguments plus filter and orderBy"
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Returns the first n items (0 to 100; 20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Returns the items after this cursor (an edge's cursor, or pageInfo.endCursor)."
        )]
        after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100); not with first.")] last: Option<i32>,
        #[graphql(
            desc = "Returns the items before this cursor (an edge's cursor, or pageInfo.startCursor)."
        )]
        before: Option<String>,
        #[graphql(desc = "Only the items matching every condition given.")] filter: Option<
            UserFilter,
        >,
        #[graphql(desc = "The order of the list; omitted, the default named on the input type.")]
        order_by: Option<UserOrder>,
    ) -> Result<Connection<String, User, ConnectionFields>> {
        let p = ctx.principal()?;
        let state = ctx.state()?;
        let keys = ctx.tenant_keys(p.tenant_id).await?;
        let filter = filter.unwrap_or_default();
        let select = users::users_query(
            p,
            &keys,
            UserFilterSpec {
                role: filter.role.map(Into::into),
                active: filter.active,
                text: filter.text,
            },
        )?;
        pagination::paginate(
            &state.db,
            select,
            user::Column::Id,
            |u| u.id,
            order_by.unwrap_or_default().order(),
            PageQuery::new(ctx, first, after, last, before),
            User,
        )
        .await
    }

    /// The organisation's invitations, newest first.
    #[graphql(
        guard = "PermissionGuard(Permission::UserInvite)",
        visible = "visibility::user_invite",
        complexity = "pagination::weight(first, last) * child_complexity"
    )]
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Returns the first n items (0 to 100; 20 when neither first nor last is given)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Returns the items after this cursor (an edge's cursor, or pageInfo.endCursor)."
        )]
        after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100); not with first.")] last: Option<i32>,
        #[graphql(
            desc = "Returns the items before this cursor (an edge's cursor, or pageInfo.startCursor)."
        )]
        before: Option<String>,
        #[graphql(desc = "Only the items matching every condition given.")] filter: Option<
            InvitationFilter,
        >,
    ) -> Result<Connection<String, Invitation, ConnectionFields>> {
        let statuses: Vec<invitations::InvitationStatus> = filter
            .and_then(|f| f.status)
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        pagination::paginate(
            &ctx.state()?.db,
            invitations::list(ctx.principal()?, &statuses),
            invitation::Column::Id,
            |i| i.id,
            Order::Id { descending: true },
            PageQuery::new(ctx, first, after, last, before),
            Invitation::listed,
        )
        .await
    }

    /// One user of the organisation.
    #[graphql(
        guard = "PermissionGuard(Permission::UserRead)",
        visible = "visibility::user_read"
    )]
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's id.")] id: ID,
    ) -> Result<User> {
        let id = parse_id("id", &id)?;
        users::find_user(&ctx.state()?.db, ctx.principal()?, id)
            .await
            .map(User)
    }
}

/// Sign-up and sign-in: the operations an anonymous client may use.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Creates an organisation and its first ADMIN, and signs them in.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new organisation and its first ADMIN.")] input: SignUpInput,
    ) -> Result<AuthPayload> {
        let session = sessions::sign_up(
            ctx.state()?,
            &ctx.request_meta(),
            SignUp {
                organization_name: input.organization_name,
                slug: input.slug,
                email: input.email,
                password: input.password,
                full_name: input.full_name,
            },
        )
        .await?;
        Ok(AuthPayload(session))
    }

    /// Signs in to an organisation. Repeated failures are throttled (`RATE_LIMITED`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organisation's slug, the e-mail and the password.")]
        input: LoginInput,
    ) -> Result<AuthPayload> {
        let session = sessions::login(
            ctx.state()?,
            &ctx.request_meta(),
            Login {
                tenant_slug: input.tenant_slug,
                email: input.email,
                password: input.password,
            },
        )
        .await?;
        Ok(AuthPayload(session))
    }

    /// Exchanges a refresh token for a new session; the token is spent. Presenting a spent
    /// token again ends every session descending from the same sign-in.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's refresh token (each one is single-use).")]
        refresh_token: String,
    ) -> Result<AuthPayload> {
        let session =
            sessions::refresh_session(ctx.state()?, &ctx.request_meta(), &refresh_token).await?;
        Ok(AuthPayload(session))
    }

    /// Ends the session of a refresh token, and the access token the request is signed with
    /// (send `Authorization: Bearer …`), which is refused from then on.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's refresh token (each one is single-use).")]
        refresh_token: String,
    ) -> Result<bool> {
        let principal = ctx.data_opt::<crate::auth::Principal>();
        sessions::logout(ctx.state()?, principal, &ctx.request_meta(), &refresh_token).await
    }

    /// Joins an organisation with an invitation token and signs in.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation's token and the new user's password.")]
        input: AcceptInvitationInput,
    ) -> Result<AuthPayload> {
        let session = sessions::accept_invitation(
            ctx.state()?,
            &ctx.request_meta(),
            AcceptInvitation {
                token: input.token,
                password: input.password,
                full_name: input.full_name,
            },
        )
        .await?;
        Ok(AuthPayload(session))
    }
}

/// User administration and the signed-in user's own account.
#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Changes the signed-in user's password; every session ends (sign in again).
    #[graphql(guard = "Authenticated", visible = "visibility::authenticated")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current password and the new one.")] input: ChangePasswordInput,
    ) -> Result<bool> {
        users::change_password(
            ctx.state()?,
            ctx.principal()?,
            &ctx.request_meta(),
            input.current_password,
            input.new_password,
        )
        .await
    }

    /// Invites someone to the organisation with a role.
    #[graphql(
        guard = "PermissionGuard(Permission::UserInvite)",
        visible = "visibility::user_invite"
    )]
    async fn invite_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whom to invite, with which role (and company or consultant).")]
        input: InviteUserInput,
    ) -> Result<Invitation> {
        let p = ctx.principal()?;
        let keys = ctx.tenant_keys(p.tenant_id).await?;
        let input = InviteUser {
            email: input.email,
            role: input.role.into(),
            full_name: input.full_name,
            company_id: input
                .company_id
                .as_ref()
                .map(|id| parse_id("companyId", id))
                .transpose()?,
            consultant_id: input
                .consultant_id
                .as_ref()
                .map(|id| parse_id("consultantId", id))
                .transpose()?,
        };
        let ttl = ctx.state()?.config.auth.invitation_ttl;
        let uow = ctx.unit_of_work().await?;
        let done = invitations::invite_user(&uow, &keys, ttl, input).await;
        let created = uow.finish(done).await?;
        Ok(Invitation {
            model: created.invitation,
            token: Some(created.token),
        })
    }

    /// Revokes a pending invitation: its token stops working.
    #[graphql(
        guard = "PermissionGuard(Permission::UserInvite)",
        visible = "visibility::user_invite"
    )]
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation's id.")] id: ID,
    ) -> Result<Invitation> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = invitations::revoke(&uow, id).await;
        uow.finish(done).await.map(Invitation::listed)
    }

    /// Changes a user's role.
    #[graphql(
        guard = "PermissionGuard(Permission::UserManage)",
        visible = "visibility::user_manage"
    )]
    async fn update_user_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user and their new role.")] input: UpdateUserRoleInput,
    ) -> Result<User> {
        let id = parse_id("userId", &input.user_id)?;
        let uow = ctx.unit_of_work().await?;
        let done = users::update_user_role(&uow, id, input.role.into()).await;
        uow.finish(done).await.map(User)
    }

    /// Deactivates a user: their sessions end at once and they cannot sign in.
    #[graphql(
        guard = "PermissionGuard(Permission::UserManage)",
        visible = "visibility::user_manage"
    )]
    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's id.")] id: ID,
    ) -> Result<User> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = users::deactivate_user(&uow, id).await;
        uow.finish(done).await.map(User)
    }

    /// Restores a deactivated user.
    #[graphql(
        guard = "PermissionGuard(Permission::UserManage)",
        visible = "visibility::user_manage"
    )]
    async fn restore_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's id.")] id: ID,
    ) -> Result<User> {
        let id = parse_id("id", &id)?;
        let uow = ctx.unit_of_work().await?;
        let done = users::restore_user(&uow, id).await;
        uow.finish(done).await.map(User)
    }
}

/// Descriptions of the generic types this domain instantiates.
pub fn describe<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder
        .override_output_type_description::<Connection<String, User, ConnectionFields>>(
            "A page of users (Relay connection: edges, pageInfo, totalCount).",
        )
        .override_output_type_description::<Connection<String, Invitation, ConnectionFields>>(
            "A page of invitations (Relay connection: edges, pageInfo, totalCount).",
        )
}
