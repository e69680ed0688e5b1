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

/// Hammering a guarded field writes one `access.denied` event per user, permission and window,
/// and one summary with the count once the window has closed — not one event per request.
#[tokio::test]
async fn denied_reads_are_aggregated_per_user_permission_and_window() {
    let app = TestApp::spawn_with(|c| c.limits.max_batch = 10).await;
    let agency = app.agency().await;
    let client = agency.member(&app, "CLIENT").await;
    let op = json!({ "query": "{ users(first: 1) { totalCount } }" });
    for _ in 0..20 {
        let batch: Vec<Value> = (0..10).map(|_| op.clone()).collect();
        let response = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&client.access)
            .json(&batch)
            .send()
            .await
            .expect("batch");
        let bodies: Vec<Value> = response.json().await.expect("json");
        assert!(bodies.iter().all(|b| code(b) == "FORBIDDEN"));
    }
    let denied = events(
        &app,
        agency.admin.token(),
        json!({ "action": "access.denied" }),
    )
    .await;
    assert_eq!(denied.len(), 1, "{denied:?}");
    assert_eq!(denied[0]["changes"]["permission"], "user:read");
    assert_eq!(denied[0]["actorId"], client.user_id.as_str());

    // Nothing to summarise while the window is open; one summary once it has closed.
    let db = &app.state.db;
    let now = chrono::Utc::now();
    assert_eq!(
        talentgraph::audit::summarize_denials(db, now)
            .await
            .expect("sweep"),
        0
    );
    let later = now + chrono::Duration::minutes(11);
    assert_eq!(
        talentgraph::audit::summarize_denials(db, later)
            .await
            .expect("sweep"),
        1
    );
    assert_eq!(
        talentgraph::audit::summarize_denials(db, later)
            .await
            .expect("sweep"),
        0,
        "each window is summarised once"
    );
    let summary = events(
        &app,
        agency.admin.token(),
        json!({ "action": "access.denied_repeated" }),
    )
    .await;
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0]["changes"]["count"], 200, "{summary:?}");
    assert_eq!(summary[0]["actorId"], client.user_id.as_str());
    let report = app
        .gql(
            agency.admin.token(),
            "{ verifyAuditChain { valid } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&report)["verifyAuditChain"]["valid"], true);
}

/// Walks every action the server audits (the list is read from the source, so a new action
/// without a case here fails) with distinctive sensitive values, and checks that no rate,
/// contact detail, note, password or token appears anywhere in the stored events.
#[tokio::test]
async fn no_audited_action_stores_a_sensitive_value() {
    use crate::helpers::master_key;
    use sea_orm::EntityTrait as _;

    let app = TestApp::spawn_with(|c| c.auth.refresh_reuse_grace = std::time::Duration::ZERO).await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let mut secrets: Vec<String> = vec![
        PASSWORD.into(),
        agency.admin.email.clone(),
        agency.admin.refresh.clone(),
        agency.admin.access.clone(),
    ];
    let run = |query: &'static str, vars: Value| {
        let app = &app;
        async move { app.gql(admin, query, vars).await }
    };

    // Sign-in, sessions, invitations and user administration.
    assert_eq!(
        code(
            &agency
                .login(&app, &agency.admin.email, "not my password")
                .await
        ),
        "UNAUTHENTICATED"
    );
    let revoked = agency
        .invite(&app, "revoked-secret@x.test", "MANAGER")
        .await;
    secrets.extend(["revoked-secret@x.test".to_owned(), revoked]);
    let body = run(
        "{ invitations(filter: { status: [PENDING] }) { edges { node { id } } } }",
        json!({}),
    )
    .await;
    let pending = data(&body)["invitations"]["edges"][0]["node"]["id"].clone();
    data(
        &run(
            "mutation($id: ID!) { revokeInvitation(id: $id) { id } }",
            json!({ "id": pending }),
        )
        .await,
    );
    let email = format!("invitee-secret@{}.test", agency.slug);
    let token = agency.invite(&app, &email, "MANAGER").await;
    let body = app
        .anon(
            "mutation($t: String!) { acceptInvitation(input: { token: $t, password: \"invitee password 1\", fullName: \"In Vitee\" }) { refreshToken user { id } } }",
            json!({ "t": token }),
        )
        .await;
    let invitee = data(&body)["acceptInvitation"]["user"]["id"].clone();
    let invitee_refresh = data(&body)["acceptInvitation"]["refreshToken"]
        .as_str()
        .expect("refresh")
        .to_owned();
    secrets.extend([
        email,
        token,
        "invitee password 1".into(),
        invitee_refresh.clone(),
    ]);
    let body = app
        .anon(
            "mutation($r: String!) { refreshSession(refreshToken: $r) { refreshToken } }",
            json!({ "r": invitee_refresh }),
        )
        .await;
    let rotated = data(&body)["refreshSession"]["refreshToken"]
        .as_str()
        .expect("rotated")
        .to_owned();
    secrets.push(rotated.clone());
    // Presenting the spent token again is reuse.
    app.anon(
        "mutation($r: String!) { refreshSession(refreshToken: $r) { refreshToken } }",
        json!({ "r": invitee_refresh }),
    )
    .await;
    let body = data(&agency.login(&app, &agency.admin.email, PASSWORD).await).clone();
    let second = body["login"]["refreshToken"]
        .as_str()
        .expect("refresh")
        .to_owned();
    secrets.push(second.clone());
    data(
        &app.anon(
            "mutation($r: String!) { logout(refreshToken: $r) }",
            json!({ "r": second }),
        )
        .await,
    );
    data(
        &run(
            "mutation($i: UpdateUserRoleInput!) { updateUserRole(input: $i) { id } }",
            json!({ "i": { "userId": invitee, "role": "CLIENT" } }),
        )
        .await,
    );
    data(
        &run(
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": invitee }),
        )
        .await,
    );
    data(
        &run(
            "mutation($id: ID!) { restoreUser(id: $id) { id } }",
            json!({ "id": invitee }),
        )
        .await,
    );
    run("mutation { changePassword(input: { currentPassword: \"wrong current one\", newPassword: \"new password 12\" }) }", json!({})).await;

    // The talent domain, with a sensitive value in every sensitive field.
    let company = agency.company(&app, "Acme").await;
    data(
        &run(
            "mutation($id: ID!) { updateCompany(input: { id: $id, name: \"Acme 2\" }) { id } }",
            json!({ "id": company }),
        )
        .await,
    );
    let skill = agency.skill(&app, "Rust").await;
    data(
        &run(
            "mutation($id: ID!) { updateSkill(input: { id: $id, name: \"Rust 2\" }) { id } }",
            json!({ "id": skill }),
        )
        .await,
    );
    let consultant = agency
        .consultant(
            &app,
            json!({ "dailyRate": "812.34", "email": "consultant-secret@x.test", "phone": "+33 6 12 34 56 78", "internalNotes": "NOTE-SECRET-ONE" }),
        )
        .await;
    secrets.extend(
        [
            "812.34",
            "81234",
            "consultant-secret@x.test",
            "+33 6 12 34 56 78",
            "NOTE-SECRET-ONE",
        ]
        .map(String::from),
    );
    data(&run("mutation($id: ID!) { updateConsultant(input: { id: $id, dailyRate: \"913.57\", email: \"second-secret@x.test\", phone: \"+33 7 98 76 54 32\", internalNotes: \"NOTE-SECRET-TWO\" }) { id } }", json!({ "id": consultant })).await);
    secrets.extend(
        [
            "913.57",
            "91357",
            "second-secret@x.test",
            "+33 7 98 76 54 32",
            "NOTE-SECRET-TWO",
        ]
        .map(String::from),
    );
    data(&run("mutation($id: ID!, $s: ID!) { setConsultantSkills(input: { consultantId: $id, skills: [{ skillId: $s, level: EXPERT, yearsExperience: 3 }] }) { id } }", json!({ "id": consultant, "s": skill })).await);
    data(
        &run(
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": consultant }),
        )
        .await,
    );
    data(
        &run(
            "mutation($id: ID!) { restoreConsultant(id: $id) { id } }",
            json!({ "id": consultant }),
        )
        .await,
    );
    // A résumé whose content is secret: uploaded, then deleted.
    let body = crate::helpers::files::upload(
        &app,
        admin,
        &consultant,
        "cv.txt",
        b"RESUME-SECRET-TEXT +33 6 11 22 33 44".to_vec(),
    )
    .await;
    let resume = data(&body)["uploadResume"]["id"].clone();
    secrets.extend(["RESUME-SECRET-TEXT", "+33 6 11 22 33 44"].map(String::from));
    for _ in 0..200 {
        let body = run(
            "query($id: ID!) { resume(id: $id) { status } }",
            json!({ "id": resume }),
        )
        .await;
        if data(&body)["resume"]["status"] == "DONE" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    data(
        &run(
            "mutation($id: ID!) { applyResumeSuggestions(input: { resumeId: $id, accept: [\"phone:0\"] }) { id } }",
            json!({ "id": resume }),
        )
        .await,
    );
    data(
        &run(
            "mutation($id: ID!) { deleteResume(id: $id) }",
            json!({ "id": resume }),
        )
        .await,
    );
    // A portfolio project: created, changed, removed.
    let body = run(
        "mutation($c: ID!) { createPortfolioProject(input: { consultantId: $c, title: \"Billing\" }) { id } }",
        json!({ "c": consultant }),
    )
    .await;
    let project = data(&body)["createPortfolioProject"]["id"].clone();
    data(
        &run(
            "mutation($id: ID!) { updatePortfolioProject(input: { id: $id, internal: true }) { id } }",
            json!({ "id": project }),
        )
        .await,
    );
    data(
        &run(
            "mutation($id: ID!) { deletePortfolioProject(id: $id) }",
            json!({ "id": project }),
        )
        .await,
    );
    let tender = agency
        .draft_tender(&app, &company, json!({ "budgetMax": "700" }))
        .await;
    data(
        &run(
            "mutation($id: ID!) { updateTender(input: { id: $id, title: \"Renamed\" }) { id } }",
            json!({ "id": tender }),
        )
        .await,
    );
    data(&run("mutation($id: ID!, $s: ID!) { setTenderSkills(input: { tenderId: $id, skills: [{ skillId: $s, importance: REQUIRED, minLevel: ADVANCED }] }) { id } }", json!({ "id": tender, "s": skill })).await);
    data(
        &run(
            "mutation($id: ID!) { publishTender(id: $id) { id } }",
            json!({ "id": tender }),
        )
        .await,
    );
    let m = agency.pending_match(&app, &tender, &consultant).await;
    data(&run("mutation($id: ID!) { updateMatch(input: { id: $id, notes: \"MATCH-NOTE-SECRET\" }) { id } }", json!({ "id": m })).await);
    secrets.push("MATCH-NOTE-SECRET".into());
    data(
        &run(
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": m }),
        )
        .await,
    );
    let body = run(
        "mutation($id: ID!) { acceptMatch(id: $id) { collaboration { id } } }",
        json!({ "id": m }),
    )
    .await;
    let collaboration = data(&body)["acceptMatch"]["collaboration"]["id"].clone();
    data(&run("mutation($id: ID!) { updateCollaboration(input: { id: $id, dailyRate: \"777.77\" }) { id } }", json!({ "id": collaboration })).await);
    secrets.push("777.77".into());
    data(
        &run(
            "mutation($id: ID!) { deleteCollaboration(id: $id) }",
            json!({ "id": collaboration }),
        )
        .await,
    );
    let other = agency
        .consultant(&app, json!({ "dailyRate": "812.34" }))
        .await;
    let m2 = agency.pending_match(&app, &tender, &other).await;
    data(
        &run(
            "mutation($id: ID!) { deleteMatch(id: $id) }",
            json!({ "id": m2 }),
        )
        .await,
    );
    // Generated matches, the settings they follow, and a closure that cancels them.
    data(&run("mutation { updateMatchingSettings(input: { weights: { rate: 0.2 }, minScore: 0 }) { minScore } }", json!({})).await);
    let generated = agency.open_tender(&app, &company, json!({})).await;
    let body = run(
        "mutation($t: ID!) { generateMatches(input: { tenderId: $t, minScore: 0 }) { id } }",
        json!({ "t": generated }),
    )
    .await;
    assert!(
        !data(&body)["generateMatches"]
            .as_array()
            .expect("matches")
            .is_empty(),
        "{body}"
    );
    data(
        &run(
            "mutation($id: ID!) { closeTender(id: $id) { id } }",
            json!({ "id": generated }),
        )
        .await,
    );
    let doomed = agency.draft_tender(&app, &company, json!({})).await;
    data(
        &run(
            "mutation($id: ID!) { deleteTender(id: $id) }",
            json!({ "id": doomed }),
        )
        .await,
    );
    let gone = agency.skill(&app, "Gone").await;
    data(
        &run(
            "mutation($id: ID!) { deleteSkill(id: $id) }",
            json!({ "id": gone }),
        )
        .await,
    );
    let gone = agency.company(&app, "Gone Inc").await;
    data(
        &run(
            "mutation($id: ID!) { deleteCompany(input: { id: $id }) }",
            json!({ "id": gone }),
        )
        .await,
    );

    // Workflows: created, changed, switched off and on, run, cancelled, retried, deleted. The
    // run's webhook cannot be resolved, so it waits an hour to retry: still running when
    // cancelled.
    let workflow = json!({
        "name": "Audited",
        "trigger": { "kind": "MANUAL" },
        "steps": [{ "kind": "CALL_WEBHOOK", "config": { "url": "http://nowhere.invalid/hook" },
                    "retry": { "attempts": 5, "initialDelaySeconds": 3600 } }]
    });
    let body = run(
        "mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { id signingSecret } }",
        json!({ "i": workflow }),
    )
    .await;
    let workflow_id = data(&body)["createWorkflow"]["id"].clone();
    secrets.push(
        data(&body)["createWorkflow"]["signingSecret"]
            .as_str()
            .expect("secret")
            .to_owned(),
    );
    let mut changed = workflow.clone();
    changed["id"] = workflow_id.clone();
    changed["name"] = json!("Audited again");
    data(
        &run(
            "mutation($i: UpdateWorkflowInput!) { updateWorkflow(input: $i) { id } }",
            json!({ "i": changed }),
        )
        .await,
    );
    for enabled in [false, true] {
        data(&run("mutation($id: ID!, $e: Boolean!) { setWorkflowEnabled(input: { id: $id, enabled: $e }) { id } }", json!({ "id": workflow_id, "e": enabled })).await);
    }
    let body = run(
        "mutation($w: ID!) { runWorkflow(input: { workflowId: $w }) { id } }",
        json!({ "w": workflow_id }),
    )
    .await;
    let run_id = data(&body)["runWorkflow"]["id"].clone();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let body = run(
            "query($id: ID!) { workflowRun(id: $id) { steps { status } } }",
            json!({ "id": run_id }),
        )
        .await;
        if data(&body)["workflowRun"]["steps"][0]["status"] == "RETRYING" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{body}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    data(
        &run(
            "mutation($id: ID!) { cancelWorkflowRun(id: $id) { id } }",
            json!({ "id": run_id }),
        )
        .await,
    );
    data(
        &run(
            "mutation($id: ID!) { retryWorkflowRun(id: $id) { id } }",
            json!({ "id": run_id }),
        )
        .await,
    );
    data(
        &run(
            "mutation($id: ID!) { deleteWorkflow(id: $id) }",
            json!({ "id": workflow_id }),
        )
        .await,
    );

    // A denied read (and its window's summary), key rotation and the demo seed.
    let client = agency.member(&app, "CLIENT").await;
    secrets.push(client.access.clone());
    for _ in 0..2 {
        app.gql(client.token(), "{ users { totalCount } }", json!({}))
            .await;
    }
    talentgraph::audit::summarize_denials(
        &app.state.db,
        chrono::Utc::now() + chrono::Duration::hours(1),
    )
    .await
    .expect("sweep");
    let ring = talentgraph::config::parse_master_keys(&format!(
        "{},{}",
        master_key("k2", 2),
        master_key("k1", 1)
    ))
    .expect("ring");
    talentgraph::tenancy::keys::rotate_master_key(&app.state, &ring)
        .await
        .expect("rotate");
    talentgraph::demo::seed(&app.state).await.expect("demo");
    run("mutation { changePassword(input: { currentPassword: \"correct horse battery\", newPassword: \"new password 12\" }) }", json!({})).await;
    secrets.push("new password 12".into());

    let stored = entity::audit_event::Entity::find()
        .all(&app.state.db)
        .await
        .expect("events");
    let actions: std::collections::BTreeSet<String> =
        stored.iter().map(|e| e.action.clone()).collect();
    // Amounts may also be stored as cents, as numbers.
    let cents = [81_234.0, 91_357.0, 77_777.0, 812.34, 913.57, 777.77];
    for event in &stored {
        let changes: Value = serde_json::from_str(&event.changes).expect("changes are JSON");
        let mut leaves = Vec::new();
        collect_leaves(&changes, &mut leaves);
        let others = [&event.action, &event.entity_type];
        for leaf in leaves.iter().chain(others.iter().map(|s| &**s)) {
            for secret in &secrets {
                assert!(
                    !leaf.contains(secret.as_str()),
                    "{} stores `{secret}`: {}",
                    event.action,
                    event.changes
                );
            }
        }
        assert!(
            !numbers(&changes).iter().any(|n| cents.contains(n)),
            "{} stores an amount: {}",
            event.action,
            event.changes
        );
    }
    // Every action the server can audit was exercised above.
    let mut missing = Vec::new();
    for path in source_files(concat!(env!("CARGO_MANIFEST_DIR"), "/src")) {
        let source = std::fs::read_to_string(&path).expect("source");
        for piece in source.split("AuditRecord::new(").skip(1) {
            let action = piece.trim_start().trim_start_matches('"');
            let action = action.split('"').next().unwrap_or_default();
            if !actions.contains(action) {
                missing.push(action.to_owned());
            }
        }
    }
    assert!(missing.is_empty(), "not exercised: {missing:?}");
}

/// Every string (and object key) inside a JSON value.
fn collect_leaves(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_leaves(v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                collect_leaves(v, out);
            }
        }
        _ => {}
    }
}

fn numbers(value: &Value) -> Vec<f64> {
    match value {
        Value::Number(n) => n.as_f64().into_iter().collect(),
        Value::Array(items) => items.iter().flat_map(numbers).collect(),
        Value::Object(map) => map.values().flat_map(numbers).collect(),
        _ => Vec::new(),
    }
}

fn source_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(dir)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}
