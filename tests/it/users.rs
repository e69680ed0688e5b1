//! User administration: lists, filters, pagination, deactivation and restore.

use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, code, data};

#[tokio::test]
async fn a_deactivated_user_is_refused_at_once_and_can_be_restored() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let manager = agency.member(&app, "MANAGER").await;
    data(&app.gql(manager.token(), "{ me { id } }", json!({})).await);

    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { deactivateUser(id: $id) { active } }",
            json!({ "id": manager.user_id }),
        )
        .await;
    assert_eq!(data(&body)["deactivateUser"]["active"], false);
    // The access token stops working on the very next request.
    let body = app.gql(manager.token(), "{ me { id } }", json!({})).await;
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    assert_eq!(
        code(&agency.login(&app, &manager.email, PASSWORD).await),
        "UNAUTHENTICATED"
    );
    let refreshed = app
        .anon(
            "mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken } }",
            json!({ "t": manager.refresh }),
        )
        .await;
    assert_eq!(code(&refreshed), "UNAUTHENTICATED");

    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { restoreUser(id: $id) { active } }",
            json!({ "id": manager.user_id }),
        )
        .await;
    assert_eq!(data(&body)["restoreUser"]["active"], true);
    data(&agency.login(&app, &manager.email, PASSWORD).await);
}

#[tokio::test]
async fn users_are_listed_with_filters_total_count_and_cursors() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mut clients = Vec::new();
    for _ in 0..3 {
        clients.push(agency.member(&app, "CLIENT").await);
    }
    agency.member(&app, "MANAGER").await;
    let query = "query($f: UserFilter, $first: Int, $after: String) {
        users(first: $first, after: $after, filter: $f) {
            totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id email role } } } }";

    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "f": { "role": "CLIENT" }, "first": 2 }),
        )
        .await;
    let page = &data(&body)["users"];
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["edges"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let cursor = page["pageInfo"]["endCursor"].as_str().expect("cursor");
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "f": { "role": "CLIENT" }, "first": 2, "after": cursor }),
        )
        .await;
    let page2 = &data(&body)["users"];
    assert_eq!(page2["edges"].as_array().map(Vec::len), Some(1));
    assert_eq!(page2["pageInfo"]["hasNextPage"], false);
    let mut seen: Vec<String> = page["edges"]
        .as_array()
        .into_iter()
        .chain(page2["edges"].as_array())
        .flatten()
        .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
        .collect();
    seen.sort();
    let mut expected: Vec<String> = clients.iter().map(|c| c.user_id.clone()).collect();
    expected.sort();
    assert_eq!(seen, expected);

    // Exact e-mail (case-insensitive) through the blind index; name substring.
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "f": { "text": clients[1].email.to_uppercase() } }),
        )
        .await;
    assert_eq!(data(&body)["users"]["totalCount"], 1);
    assert_eq!(
        data(&body)["users"]["edges"][0]["node"]["email"],
        clients[1].email
    );
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "f": { "text": "client PERS" } }),
        )
        .await;
    assert_eq!(data(&body)["users"]["totalCount"], 3);
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "f": { "text": "100%_" } }),
        )
        .await;
    assert_eq!(data(&body)["users"]["totalCount"], 0);

    // `first` is capped; bad cursors are named.
    let body = app
        .gql(agency.admin.token(), query, json!({ "first": 101 }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert!(body["errors"][0]["extensions"]["fields"]["first"].is_string());
    let body = app
        .gql(agency.admin.token(), query, json!({ "after": "###" }))
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["after"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn last_and_before_page_backwards() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    for _ in 0..3 {
        agency.member(&app, "CONSULTANT").await;
    }
    let query = "query($last: Int, $before: String) { users(last: $last, before: $before) {
        pageInfo { hasPreviousPage startCursor } edges { node { fullName role } } } }";
    let body = app
        .gql(agency.admin.token(), query, json!({ "last": 2 }))
        .await;
    let page = &data(&body)["users"];
    assert_eq!(page["edges"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
    let cursor = page["pageInfo"]["startCursor"].as_str().expect("cursor");
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "last": 5, "before": cursor }),
        )
        .await;
    let earlier = &data(&body)["users"];
    assert_eq!(earlier["edges"].as_array().map(Vec::len), Some(2));
    assert_eq!(earlier["edges"][0]["node"]["role"], "ADMIN");
    assert_eq!(earlier["pageInfo"]["hasPreviousPage"], false);
}

#[tokio::test]
async fn a_role_change_drops_links_that_only_the_old_role_has() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation { createCompany(input: { name: \"Client Co\" }) { id } }",
            json!({}),
        )
        .await;
    let company = data(&body)["createCompany"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let email = format!("client-{}@x.test", crate::helpers::unique());
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: InviteUserInput!) { inviteUser(input: $i) { token } }",
            json!({ "i": { "email": email, "role": "CLIENT", "companyId": company } }),
        )
        .await;
    let token = data(&body)["inviteUser"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let body = app
        .anon(
            "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { user { id companyId } } }",
            json!({ "i": { "token": token, "password": PASSWORD, "fullName": "Cli Ent" } }),
        )
        .await;
    let user = &data(&body)["acceptInvitation"]["user"];
    assert_eq!(user["companyId"], company.as_str());
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { role companyId } }",
            json!({ "i": { "userId": user["id"], "role": "MANAGER" } }),
        )
        .await;
    assert_eq!(
        data(&body)["updateUserRole"],
        json!({ "role": "MANAGER", "companyId": null })
    );
    // A company only goes with a CLIENT invitation.
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: InviteUserInput!) { inviteUser(input: $i) { token } }",
            json!({ "i": { "email": "m@x.test", "role": "MANAGER", "companyId": company } }),
        )
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["companyId"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn users_are_ordered_by_name_and_audit_events_oldest_first() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    for role in ["MANAGER", "CLIENT", "CONSULTANT"] {
        agency.member(&app, role).await;
    }
    let body = app
        .gql(agency.admin.token(), "{ users(orderBy: { field: FULL_NAME, direction: DESC }) { edges { node { fullName } } } }", json!({}))
        .await;
    let names: Vec<&str> = data(&body)["users"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["fullName"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "MANAGER person",
            "CONSULTANT person",
            "CLIENT person",
            "Ada Admin"
        ]
    );
    let body = app
        .gql(
            agency.admin.token(),
            "{ auditEvents(first: 3, orderBy: OLDEST_FIRST) { edges { node { seq action } } } }",
            json!({}),
        )
        .await;
    let seqs: Vec<i64> = data(&body)["auditEvents"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["seq"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert_eq!(
        data(&body)["auditEvents"]["edges"][0]["node"]["action"],
        "tenant.signed_up"
    );
}

const ACCEPT: &str = "mutation($t: String!) { acceptInvitation(input: { token: $t, password: \"correct horse battery\", fullName: \"New Person\" }) { user { id role } } }";

async fn invitations(app: &TestApp, token: Option<&str>, status: &str) -> serde_json::Value {
    let body = app
        .gql(
            token,
            "query($s: [InvitationStatus!]) { invitations(filter: { status: $s }) { totalCount edges { node { id email role status invitedBy { id } revokedAt } } } }",
            json!({ "s": [status] }),
        )
        .await;
    data(&body)["invitations"].clone()
}

/// An invitation stands only while its inviter could still issue it: demoting or deactivating
/// the inviter revokes it, and acceptance re-checks the inviter whatever happened.
#[tokio::test]
async fn an_invitation_dies_with_its_inviters_rights() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let second = agency.member(&app, "ADMIN").await;
    let invite = |email: &'static str, token: String| {
        let app = &app;
        async move {
            let body = app
                .gql(
                    Some(&token),
                    "mutation($e: String!) { inviteUser(input: { email: $e, role: ADMIN }) { token } }",
                    json!({ "e": email }),
                )
                .await;
            data(&body)["inviteUser"]["token"]
                .as_str()
                .expect("token")
                .to_owned()
        }
    };
    // Demotion revokes what the demoted ADMIN issued.
    let by_demoted = invite("one@x.test", second.access.clone()).await;
    assert_eq!(
        invitations(&app, agency.admin.token(), "PENDING").await["totalCount"],
        1
    );
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { updateUserRole(input: { userId: $id, role: MANAGER }) { role } }",
            json!({ "id": second.user_id }),
        )
        .await,
    );
    let body = app.anon(ACCEPT, json!({ "t": by_demoted })).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let revoked = invitations(&app, agency.admin.token(), "REVOKED").await;
    assert_eq!(revoked["totalCount"], 1);
    assert_eq!(revoked["edges"][0]["node"]["email"], "one@x.test");
    assert_eq!(
        revoked["edges"][0]["node"]["invitedBy"]["id"],
        second.user_id.as_str()
    );

    // Deactivation too.
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { updateUserRole(input: { userId: $id, role: ADMIN }) { role } }",
            json!({ "id": second.user_id }),
        )
        .await,
    );
    let by_deactivated = invite("two@x.test", second.access.clone()).await;
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { deactivateUser(id: $id) { active } }",
            json!({ "id": second.user_id }),
        )
        .await,
    );
    assert_eq!(
        code(&app.anon(ACCEPT, json!({ "t": by_deactivated })).await),
        "BAD_USER_INPUT"
    );

    // And acceptance re-checks the inviter even if the invitation was left pending.
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { restoreUser(id: $id) { active } }",
            json!({ "id": second.user_id }),
        )
        .await,
    );
    let body = agency.login(&app, &second.email, PASSWORD).await;
    let fresh = data(&body)["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let left_pending = invite("three@x.test", fresh).await;
    // Behind the API's back, so that nothing revoked it: only acceptance's own check is left.
    {
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
        let id: uuid::Uuid = second.user_id.parse().expect("id");
        entity::user::Entity::update_many()
            .col_expr(
                entity::user::Column::Role,
                sea_orm::sea_query::Expr::value(entity::Role::Manager),
            )
            .filter(entity::user::Column::Id.eq(id))
            .exec(&app.state.db)
            .await
            .expect("demoted");
    }
    let body = app.anon(ACCEPT, json!({ "t": left_pending })).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["extensions"]["fields"]["token"]
            .as_str()
            .is_some_and(|m| m.contains("may no longer invite")),
        "{body}"
    );
}

#[tokio::test]
async fn invitations_are_listed_and_revoked_by_admins_only() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.agency().await;
    let token = agency.invite(&app, "pending@x.test", "MANAGER").await;
    let listed = invitations(&app, agency.admin.token(), "PENDING").await;
    assert_eq!(listed["totalCount"], 1);
    let id = listed["edges"][0]["node"]["id"].clone();
    let revoke = "mutation($id: ID!) { revokeInvitation(id: $id) { status revokedAt } }";
    // Another organisation's ADMIN does not find it.
    assert_eq!(
        code(
            &app.gql(other.admin.token(), revoke, json!({ "id": id }))
                .await
        ),
        "NOT_FOUND"
    );
    let manager = agency.member(&app, "MANAGER").await;
    assert_eq!(
        code(&app.gql(manager.token(), revoke, json!({ "id": id })).await),
        "FORBIDDEN"
    );
    let body = app
        .gql(manager.token(), "{ invitations { totalCount } }", json!({}))
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    let body = app
        .gql(agency.admin.token(), revoke, json!({ "id": id }))
        .await;
    assert_eq!(data(&body)["revokeInvitation"]["status"], "REVOKED");
    assert!(data(&body)["revokeInvitation"]["revokedAt"].is_string());
    let again = app
        .gql(agency.admin.token(), revoke, json!({ "id": id }))
        .await;
    assert_eq!(code(&again), "CONFLICT", "{again}");
    assert_eq!(
        code(&app.anon(ACCEPT, json!({ "t": token })).await),
        "BAD_USER_INPUT"
    );
    // The member accepted earlier shows as ACCEPTED.
    assert_eq!(
        invitations(&app, agency.admin.token(), "ACCEPTED").await["totalCount"],
        1
    );
}

#[tokio::test]
async fn an_invitation_to_a_deleted_company_or_consultant_cannot_be_accepted() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Gone").await;
    let consultant = agency.consultant(&app, json!({})).await;
    let to_client = agency
        .invite_linked(
            &app,
            "client@x.test",
            "CLIENT",
            json!({ "companyId": company }),
        )
        .await;
    let to_consultant = agency
        .invite_linked(
            &app,
            "consultant@x.test",
            "CONSULTANT",
            json!({ "consultantId": consultant }),
        )
        .await;
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { deleteCompany(input: { id: $id }) }",
            json!({ "id": company }),
        )
        .await,
    );
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": consultant }),
        )
        .await,
    );
    for token in [to_client, to_consultant] {
        let body = app.anon(ACCEPT, json!({ "t": token })).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert!(
            body["errors"][0]["extensions"]["fields"]["token"]
                .as_str()
                .is_some_and(|m| m.contains("no longer exists")),
            "{body}"
        );
    }
    let body = app
        .gql(agency.admin.token(), "{ users { totalCount } }", json!({}))
        .await;
    assert_eq!(data(&body)["users"]["totalCount"], 1, "nobody joined");
}
