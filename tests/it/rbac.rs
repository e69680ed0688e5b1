//! Permissions, guards and tenant isolation (DESIGN §5).

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::{JWT_SECRET, TestApp, code, data};

const USERS: &str = "{ users(first: 10) { totalCount edges { node { id email } } } }";

#[tokio::test]
async fn roles_without_the_permission_are_forbidden_and_the_denial_is_audited() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let client = agency.member(&app, "CLIENT").await;
    let consultant = agency.member(&app, "CONSULTANT").await;
    let manager = agency.member(&app, "MANAGER").await;

    for session in [&client, &consultant] {
        let body = app.gql(session.token(), USERS, json!({})).await;
        assert_eq!(code(&body), "FORBIDDEN", "{body}");
        assert!(body["data"].is_null(), "{body}");
        let body = app
            .gql(
                session.token(),
                "{ auditEvents(first: 1) { totalCount } }",
                json!({}),
            )
            .await;
        assert_eq!(code(&body), "FORBIDDEN", "{body}");
    }
    // MANAGER reads users but neither invites nor administers them.
    data(&app.gql(manager.token(), USERS, json!({})).await);
    let body = app
        .gql(
            manager.token(),
            "mutation { inviteUser(input: { email: \"x@y.test\", role: ADMIN }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    let body = app
        .gql(
            manager.token(),
            "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { id } }",
            json!({ "i": { "userId": manager.user_id, "role": "ADMIN" } }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");

    let audit = app
        .gql(
            agency.admin.token(),
            "{ auditEvents(first: 50, filter: { action: \"access.denied\" }) { totalCount edges { node { actorId actorRole changes } } } }",
            json!({}),
        )
        .await;
    let events = &data(&audit)["auditEvents"];
    assert_eq!(events["totalCount"], 6, "{events:#}");
    let actors: Vec<&str> = events["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["actorId"].as_str().expect("actor"))
        .collect();
    assert!(actors.contains(&client.user_id.as_str()));
    assert!(actors.contains(&manager.user_id.as_str()));
    let paths: Vec<String> = events["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            e["node"]["changes"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(paths.iter().any(|p| p == "users"), "{paths:?}");
}

#[tokio::test]
async fn the_role_claim_of_a_token_is_not_trusted() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let client = agency.member(&app, "CLIENT").await;
    let payload = client.access.split('.').nth(1).expect("payload");
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
        .expect("b64");
    let mut claims: Value = serde_json::from_slice(&bytes).expect("claims");
    claims["role"] = json!("ADMIN");
    let escalated = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .expect("encode");
    let body = app.gql(Some(&escalated), USERS, json!({})).await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn ids_of_another_tenant_answer_not_found_on_every_operation() {
    let app = TestApp::spawn().await;
    let mine = app.agency().await;
    let theirs = app.agency().await;
    let victim = theirs.member(&app, "MANAGER").await;
    let admin = mine.admin.token();

    let cases: [(&str, Value); 4] = [
        (
            "query($id: ID!) { user(id: $id) { id email } }",
            json!({ "id": victim.user_id }),
        ),
        (
            "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { id } }",
            json!({ "i": { "userId": victim.user_id, "role": "CLIENT" } }),
        ),
        (
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": victim.user_id }),
        ),
        (
            "mutation($id: ID!) { restoreUser(id: $id) { id } }",
            json!({ "id": victim.user_id }),
        ),
    ];
    let missing = uuid::Uuid::now_v7().to_string();
    for (query, vars) in cases {
        let body = app.gql(admin, query, vars.clone()).await;
        assert_eq!(code(&body), "NOT_FOUND", "{query}: {body}");
        // Exactly as a missing id answers.
        let vars = serde_json::to_string(&vars)
            .expect("json")
            .replace(&victim.user_id, &missing);
        let body_missing = app
            .gql(admin, query, serde_json::from_str(&vars).expect("json"))
            .await;
        assert_eq!(
            body["errors"][0]["message"],
            body_missing["errors"][0]["message"]
        );
    }
    // Nothing changed on the other side.
    let body = app
        .gql(victim.token(), "{ me { role active } }", json!({}))
        .await;
    assert_eq!(
        data(&body)["me"],
        json!({ "role": "MANAGER", "active": true })
    );
    // Lists never show the other tenant's users.
    let body = app.gql(admin, USERS, json!({})).await;
    assert_eq!(data(&body)["users"]["totalCount"], 1);
}

#[tokio::test]
async fn a_tenant_smuggled_in_a_header_is_ignored() {
    let app = TestApp::spawn().await;
    let mine = app.agency().await;
    let theirs = app.agency().await;
    let response = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&mine.admin.access)
        .header("x-tenant-id", &theirs.tenant_id)
        .header("tenant-id", &theirs.tenant_id)
        .json(&json!({ "query": "{ tenant { id slug } users(first: 5) { totalCount } }" }))
        .send()
        .await
        .expect("request");
    let body: Value = response.json().await.expect("json");
    assert_eq!(data(&body)["tenant"]["slug"], mine.slug);
    assert_eq!(data(&body)["users"]["totalCount"], 1);
    // An unknown `tenantId` argument is not part of the API at all.
    let body = app
        .gql(
            mine.admin.token(),
            "{ tenant(id: \"x\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
}

#[tokio::test]
async fn the_last_active_admin_cannot_be_demoted_or_deactivated() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { role } }",
            json!({ "i": { "userId": agency.admin.user_id, "role": "MANAGER" } }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": agency.admin.user_id }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    // With a second ADMIN, the first may step down.
    agency.member(&app, "ADMIN").await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { role } }",
            json!({ "i": { "userId": agency.admin.user_id, "role": "MANAGER" } }),
        )
        .await;
    assert_eq!(data(&body)["updateUserRole"]["role"], "MANAGER");
    // The new role applies to the very next request, whatever the token says.
    let body = app
        .gql(
            agency.admin.token(),
            "{ auditEvents(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn malformed_ids_are_bad_user_input_naming_the_field() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app
        .gql(
            agency.admin.token(),
            "{ user(id: \"not-a-uuid\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["extensions"]["fields"]["id"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn a_denied_permission_is_audited_once_per_request() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let client = agency.member(&app, "CLIENT").await;
    let aliases: String = (0..10)
        .map(|i| format!("u{i}: users(first: 1) {{ totalCount }} "))
        .collect();
    let body = app
        .gql(client.token(), &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(10));
    let audit = app
        .gql(
            agency.admin.token(),
            "{ auditEvents(first: 50, filter: { action: \"access.denied\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&audit)["auditEvents"]["totalCount"], 1);
}
