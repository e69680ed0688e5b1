//! The audit log: what is recorded, its redaction, and tamper detection (DESIGN §11).

use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, code, data};

const EVENTS: &str = "query($f: AuditEventFilter) { auditEvents(first: 100, filter: $f) {
    totalCount edges { node { id seq action actorId actorRole entityType entityId changes requestId ip hash prevHash } } } }";

async fn events(app: &TestApp, token: Option<&str>, filter: Value) -> Vec<Value> {
    let body = app.gql(token, EVENTS, json!({ "f": filter })).await;
    data(&body)["auditEvents"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test]
async fn sensitive_actions_are_audited_with_actor_request_and_redacted_values() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let member = agency.member(&app, "MANAGER").await;
    assert_eq!(
        code(&agency.login(&app, &member.email, "wrong password!").await),
        "UNAUTHENTICATED"
    );
    data(&agency.login(&app, &member.email, PASSWORD).await);
    let admin = agency.admin.token();
    data(
        &app.gql(
            admin,
            "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { id } }",
            json!({ "i": { "userId": member.user_id, "role": "CLIENT" } }),
        )
        .await,
    );
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": member.user_id }),
        )
        .await,
    );
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { restoreUser(id: $id) { id } }",
            json!({ "id": member.user_id }),
        )
        .await,
    );
    data(&app
        .gql(admin, "mutation { changePassword(input: { currentPassword: \"correct horse battery\", newPassword: \"another long one\" }) }", json!({}))
        .await);
    let relogin = agency
        .login(&app, &agency.admin.email, "another long one")
        .await;
    let token = data(&relogin)["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();

    let all = events(&app, Some(&token), json!({})).await;
    let actions: Vec<&str> = all
        .iter()
        .map(|e| e["action"].as_str().unwrap_or(""))
        .collect();
    for expected in [
        "tenant.signed_up",
        "invitation.created",
        "invitation.accepted",
        "auth.login_failed",
        "auth.login_succeeded",
        "user.role_changed",
        "user.deactivated",
        "user.restored",
        "user.password_changed",
    ] {
        assert!(
            actions.contains(&expected),
            "missing {expected} in {actions:?}"
        );
    }
    // Newest first, sequence without gaps.
    let seqs: Vec<i64> = all
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect();
    let n = seqs.len() as i64;
    assert_eq!(seqs, (1..=n).rev().collect::<Vec<_>>());

    let role_change = all
        .iter()
        .find(|e| e["action"] == "user.role_changed")
        .expect("role change");
    assert_eq!(role_change["actorId"], agency.admin.user_id);
    assert_eq!(role_change["actorRole"], "ADMIN");
    assert_eq!(role_change["entityId"], member.user_id);
    assert_eq!(
        role_change["changes"],
        json!({ "role": { "from": "MANAGER", "to": "CLIENT" } })
    );
    assert!(
        role_change["requestId"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert_eq!(role_change["ip"], "127.0.0.1");

    // No e-mail or password appears anywhere in the log.
    let text = serde_json::to_string(&all).expect("json");
    assert!(
        !text.contains(&member.email) && !text.contains(&agency.admin.email),
        "{text}"
    );
    assert!(!text.contains(PASSWORD) && !text.contains("another long one"));
    let failed = all
        .iter()
        .find(|e| e["action"] == "auth.login_failed")
        .expect("failed login");
    assert_eq!(failed["changes"]["email"], "[REDACTED]");

    let filtered = events(
        &app,
        Some(&token),
        json!({ "action": "user.deactivated", "entityId": member.user_id }),
    )
    .await;
    assert_eq!(filtered.len(), 1);
    let by_actor = events(&app, Some(&token), json!({ "actorId": member.user_id })).await;
    assert!(
        by_actor
            .iter()
            .all(|e| e["actorId"] == member.user_id.as_str())
    );
}

#[tokio::test]
async fn verify_audit_chain_detects_an_event_altered_in_the_database() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.agency().await;
    for _ in 0..3 {
        agency.member(&app, "CLIENT").await;
    }
    let verify = "{ verifyAuditChain { valid checkedEvents firstBrokenEventId } }";
    let body = app.gql(agency.admin.token(), verify, json!({})).await;
    let report = &data(&body)["verifyAuditChain"];
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["checkedEvents"], 7);
    assert!(report["firstBrokenEventId"].is_null());

    let all = events(
        &app,
        agency.admin.token(),
        json!({ "action": "invitation.accepted" }),
    )
    .await;
    let target = all.last().expect("an accepted invitation")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let uuid_literal = if app.is_postgres() {
        format!("'{target}'")
    } else {
        format!("x'{}'", target.replace('-', ""))
    };
    app.sql(&format!(
        "UPDATE audit_event SET changes = '{{\"role\":\"ADMIN\"}}' WHERE id = {uuid_literal}"
    ))
    .await;
    let body = app.gql(agency.admin.token(), verify, json!({})).await;
    let report = &data(&body)["verifyAuditChain"];
    assert_eq!(report["valid"], false, "{report}");
    assert_eq!(report["firstBrokenEventId"], target);
    // The other organisation's chain is untouched.
    let body = app.gql(other.admin.token(), verify, json!({})).await;
    assert_eq!(data(&body)["verifyAuditChain"]["valid"], true);
}

#[tokio::test]
async fn deleting_the_newest_event_is_detected() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    agency.member(&app, "CLIENT").await;
    let newest = events(&app, agency.admin.token(), json!({})).await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let literal = if app.is_postgres() {
        format!("'{newest}'")
    } else {
        format!("x'{}'", newest.replace('-', ""))
    };
    app.sql(&format!("DELETE FROM audit_event WHERE id = {literal}"))
        .await;
    let body = app
        .gql(
            agency.admin.token(),
            "{ verifyAuditChain { valid } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["verifyAuditChain"]["valid"], false);
}

#[tokio::test]
async fn the_api_offers_no_way_to_edit_or_delete_audit_events() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app
        .gql(
            agency.admin.token(),
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    let names: Vec<String> = data(&body)["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["name"].as_str().unwrap_or("").to_lowercase())
        .collect();
    assert!(!names.iter().any(|n| n.contains("audit")), "{names:?}");
}
