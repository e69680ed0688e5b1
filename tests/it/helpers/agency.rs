//! Fixture builders: an organisation with an ADMIN, and users of any role in it.

use serde_json::{Value, json};

use super::{PASSWORD, TestApp, data, unique};

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct Session {
    pub access: String,
    pub refresh: String,
    pub user_id: String,
    pub email: String,
}

impl Session {
    pub fn from_payload(payload: &Value, email: &str) -> Session {
        Session {
            access: payload["accessToken"]
                .as_str()
                .expect("accessToken")
                .to_owned(),
            refresh: payload["refreshToken"]
                .as_str()
                .expect("refreshToken")
                .to_owned(),
            user_id: payload["user"]["id"].as_str().expect("user.id").to_owned(),
            email: email.to_owned(),
        }
    }

    pub fn token(&self) -> Option<&str> {
        Some(&self.access)
    }
}

pub const AUTH_FIELDS: &str =
    "accessToken refreshToken expiresAt user { id email role tenant { id slug } }";

/// An organisation and its first ADMIN.
pub struct Agency {
    pub slug: String,
    pub tenant_id: String,
    pub admin: Session,
}

impl Agency {
    pub async fn sign_up(app: &TestApp) -> Agency {
        let slug = format!("agency-{}", unique());
        let email = format!("admin@{slug}.test");
        let body = app
            .anon(
                &format!("mutation($i: SignUpInput!) {{ signUp(input: $i) {{ {AUTH_FIELDS} }} }}"),
                json!({ "i": {
                    "organizationName": format!("Agency {slug}"),
                    "slug": slug,
                    "email": email,
                    "password": PASSWORD,
                    "fullName": "Ada Admin",
                }}),
            )
            .await;
        let payload = &data(&body)["signUp"];
        Agency {
            tenant_id: payload["user"]["tenant"]["id"]
                .as_str()
                .expect("tenant id")
                .to_owned(),
            slug,
            admin: Session::from_payload(payload, &email),
        }
    }

    /// Invites a user of `role` and accepts the invitation; returns their session.
    pub async fn member(&self, app: &TestApp, role: &str) -> Session {
        let email = format!("{}-{}@{}.test", role.to_lowercase(), unique(), self.slug);
        let token = self.invite(app, &email, role).await;
        self.accept(app, &token, &email, &format!("{role} person"))
            .await
    }

    /// Invites `email` as `role`; returns the invitation token.
    pub async fn invite(&self, app: &TestApp, email: &str, role: &str) -> String {
        self.invite_linked(app, email, role, json!({})).await
    }

    /// Invites with extra fields (`companyId`, `consultantId`).
    pub async fn invite_linked(
        &self,
        app: &TestApp,
        email: &str,
        role: &str,
        extra: Value,
    ) -> String {
        let mut input = json!({ "email": email, "role": role });
        if let (Some(input), Some(extra)) = (input.as_object_mut(), extra.as_object()) {
            input.extend(extra.clone());
        }
        let body = app
            .gql(
                self.admin.token(),
                "mutation($i: InviteUserInput!) { inviteUser(input: $i) { id token role email } }",
                json!({ "i": input }),
            )
            .await;
        data(&body)["inviteUser"]["token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// A CONSULTANT user linked to `consultant_id`, or a CLIENT user of `company_id`.
    pub async fn linked_member(&self, app: &TestApp, role: &str, link: Value) -> Session {
        let email = format!("{}-{}@{}.test", role.to_lowercase(), unique(), self.slug);
        let token = self.invite_linked(app, &email, role, link).await;
        self.accept(app, &token, &email, "Linked person").await
    }

    async fn accept(&self, app: &TestApp, token: &str, email: &str, full_name: &str) -> Session {
        let body = app
            .anon(
                &format!(
                    "mutation($i: AcceptInvitationInput!) {{ acceptInvitation(input: $i) {{ {AUTH_FIELDS} }} }}"
                ),
                json!({ "i": { "token": token, "password": PASSWORD, "fullName": full_name } }),
            )
            .await;
        Session::from_payload(&data(&body)["acceptInvitation"], email)
    }

    pub async fn login(&self, app: &TestApp, email: &str, password: &str) -> Value {
        app.anon(
            &format!("mutation($i: LoginInput!) {{ login(input: $i) {{ {AUTH_FIELDS} }} }}"),
            json!({ "i": { "tenantSlug": self.slug, "email": email, "password": password } }),
        )
        .await
    }
}
