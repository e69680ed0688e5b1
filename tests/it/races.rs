//! Concurrent writers on one row: every transition has exactly one winner and the others get
//! `CONFLICT` naming the status it reached; replace-all writes and parent deletions racing
//! child creation never answer `INTERNAL_SERVER_ERROR`. These matter on PostgreSQL, where
//! requests really run in parallel (SQLite runs one writer at a time).

use serde_json::{Value, json};

use crate::helpers::{Agency, TestApp, code, data, outcomes};

/// Audit events of one action on one entity.
async fn audited(app: &TestApp, agency: &Agency, action: &str, id: &str) -> u64 {
    let body = app
        .gql(
            agency.admin.token(),
            "query($a: String, $e: String) { auditEvents(filter: { action: $a, entityId: $e }) { totalCount } }",
            json!({ "a": action, "e": id }),
        )
        .await;
    data(&body)["auditEvents"]["totalCount"]
        .as_u64()
        .unwrap_or(u64::MAX)
}

/// The same request `n` times at once, as the agency's ADMIN.
async fn at_once(
    app: &TestApp,
    agency: &Agency,
    n: usize,
    query: &str,
    variables: Value,
) -> Vec<Value> {
    app.gql_all(
        (0..n)
            .map(|_| (agency.admin.token(), query, variables.clone()))
            .collect(),
    )
    .await
}

fn assert_conflicts_name(bodies: &[Value], status: &str) {
    for body in bodies.iter().filter(|b| b.get("errors").is_some()) {
        assert_eq!(code(body), "CONFLICT", "{body}");
        let message = body["errors"][0]["extensions"]["fields"]["id"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(status), "{body}");
    }
}

/// An OPEN tender with one PROPOSED match per consultant.
async fn proposed(app: &TestApp, agency: &Agency, consultants: usize) -> (String, Vec<String>) {
    let company = agency.company(app, "Acme").await;
    let tender = agency
        .open_tender(app, &company, json!({ "budgetMax": "700" }))
        .await;
    let mut matches = Vec::new();
    for i in 0..consultants {
        let c = agency
            .consultant(
                app,
                json!({ "firstName": format!("C{i}"), "dailyRate": "600" }),
            )
            .await;
        matches.push(agency.proposed_match(app, &tender, &c).await);
    }
    (tender, matches)
}

#[tokio::test]
async fn fifty_concurrent_accepts_make_one_collaboration() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let (_, matches) = proposed(&app, &agency, 1).await;
    let m = &matches[0];
    let accept = "mutation($id: ID!) { acceptMatch(id: $id) { status collaboration { id } } }";
    let bodies = at_once(&app, &agency, 50, accept, json!({ "id": m })).await;
    let (ok, codes) = outcomes(&bodies);
    assert_eq!(ok, 1, "{codes:?}");
    assert_conflicts_name(&bodies, "ACCEPTED");
    let body = app
        .gql(
            agency.admin.token(),
            "query($id: ID!) { collaborations(filter: {}) { totalCount } match(id: $id) { status } }",
            json!({ "id": m }),
        )
        .await;
    assert_eq!(data(&body)["collaborations"]["totalCount"], 1);
    assert_eq!(data(&body)["match"]["status"], "ACCEPTED");
    assert_eq!(audited(&app, &agency, "match.status_changed", m).await, 2);
}

#[tokio::test]
async fn accept_reject_and_cancel_racing_have_one_winner() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let (_, matches) = proposed(&app, &agency, 10).await;
    let accept = "mutation($id: ID!) { acceptMatch(id: $id) { status } }";
    let reject = "mutation($id: ID!) { rejectMatch(input: { id: $id }) { status } }";
    let cancel = "mutation($id: ID!) { cancelMatch(id: $id) { status } }";
    for m in &matches {
        let requests = (0..24)
            .map(|i| {
                let query = [accept, reject, cancel][i % 3];
                (agency.admin.token(), query, json!({ "id": m }))
            })
            .collect();
        let bodies = app.gql_all(requests).await;
        let (ok, codes) = outcomes(&bodies);
        assert_eq!(ok, 1, "{codes:?}");
        let winner = bodies
            .iter()
            .find(|b| b.get("errors").is_none())
            .and_then(|b| b["data"].as_object())
            .and_then(|d| d.values().next())
            .map(|v| v["status"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_default();
        assert_conflicts_name(&bodies, &winner);
        let body = app
            .gql(
                agency.admin.token(),
                "query($id: ID!) { match(id: $id) { status collaboration { status } } }",
                json!({ "id": m }),
            )
            .await;
        let stored = &data(&body)["match"];
        assert_eq!(stored["status"], winner.as_str());
        // A collaboration exists exactly when the winner accepted.
        assert_eq!(
            stored["collaboration"].is_null(),
            winner != "ACCEPTED",
            "{stored}"
        );
        assert_eq!(audited(&app, &agency, "match.status_changed", m).await, 2);
    }
}

#[tokio::test]
async fn concurrent_publishes_and_proposals_happen_once() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency.draft_tender(&app, &company, json!({})).await;
    let publish = "mutation($id: ID!) { publishTender(id: $id) { status } }";
    let bodies = at_once(&app, &agency, 20, publish, json!({ "id": tender })).await;
    assert_eq!(outcomes(&bodies).0, 1, "{:?}", outcomes(&bodies).1);
    assert_conflicts_name(&bodies, "OPEN");
    assert_eq!(
        audited(&app, &agency, "tender.status_changed", &tender).await,
        1
    );

    let consultant = agency.consultant(&app, json!({})).await;
    let m = agency.pending_match(&app, &tender, &consultant).await;
    let propose = "mutation($id: ID!) { proposeMatch(id: $id) { status } }";
    let bodies = at_once(&app, &agency, 20, propose, json!({ "id": m })).await;
    assert_eq!(outcomes(&bodies).0, 1, "{:?}", outcomes(&bodies).1);
    assert_conflicts_name(&bodies, "PROPOSED");
    assert_eq!(audited(&app, &agency, "match.status_changed", &m).await, 1);
}

#[tokio::test]
async fn concurrent_user_and_collaboration_transitions_happen_once() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let manager = agency.member(&app, "MANAGER").await;
    let deactivate = "mutation($id: ID!) { deactivateUser(id: $id) { active } }";
    let bodies = at_once(
        &app,
        &agency,
        20,
        deactivate,
        json!({ "id": manager.user_id }),
    )
    .await;
    let (ok, codes) = outcomes(&bodies);
    assert_eq!(ok, 1, "{codes:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    assert_eq!(
        audited(&app, &agency, "user.deactivated", &manager.user_id).await,
        1
    );

    let (_, matches) = proposed(&app, &agency, 1).await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { acceptMatch(id: $id) { collaboration { id } } }",
            json!({ "id": matches[0] }),
        )
        .await;
    let collaboration = data(&body)["acceptMatch"]["collaboration"]["id"].clone();
    let set = "mutation($id: ID!, $s: CollaborationStatus!) { updateCollaboration(input: { id: $id, status: $s }) { status } }";
    app.gql(
        agency.admin.token(),
        set,
        json!({ "id": collaboration, "s": "ACTIVE" }),
    )
    .await;
    let targets: Vec<&str> = (0..20)
        .map(|i| if i % 2 == 0 { "COMPLETED" } else { "CANCELLED" })
        .collect();
    let bodies = app
        .gql_all(
            targets
                .iter()
                .map(|to| {
                    (
                        agency.admin.token(),
                        set,
                        json!({ "id": collaboration, "s": to }),
                    )
                })
                .collect(),
        )
        .await;
    // One status change wins; asking again for the status it reached is an unchanged update,
    // asking for the other one is a CONFLICT naming it.
    let winner = bodies
        .iter()
        .find_map(|b| b["data"]["updateCollaboration"]["status"].as_str())
        .unwrap_or_default()
        .to_owned();
    for (body, to) in bodies.iter().zip(&targets) {
        if *to == winner {
            assert_eq!(data(body)["updateCollaboration"]["status"], winner.as_str());
        } else {
            assert_eq!(code(body), "CONFLICT", "{body}");
            let message = body["errors"][0]["extensions"]["fields"]["status"]
                .as_str()
                .unwrap_or_default();
            assert!(message.contains(&winner), "{body}");
        }
    }
    let id = collaboration.as_str().unwrap_or_default();
    assert_eq!(audited(&app, &agency, "collaboration.updated", id).await, 2);
}

#[tokio::test]
async fn concurrent_skill_replacements_all_succeed() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mut skills = Vec::new();
    for i in 0..4 {
        skills.push(agency.skill(&app, &format!("Skill {i}")).await);
    }
    let consultant = agency.consultant(&app, json!({})).await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency.draft_tender(&app, &company, json!({})).await;
    let set_consultant = "mutation($id: ID!, $s: [ConsultantSkillInput!]!) { setConsultantSkills(input: { consultantId: $id, skills: $s }) { skills { skill { id } } } }";
    let set_tender = "mutation($id: ID!, $s: [TenderSkillInput!]!) { setTenderSkills(input: { tenderId: $id, skills: $s }) { requiredSkills { skill { id } } } }";
    let mut requests = Vec::new();
    for i in 0..20 {
        let chosen: Vec<&String> = skills.iter().skip(i % 3).take(2).collect();
        let has: Vec<Value> = chosen
            .iter()
            .map(|s| json!({ "skillId": s, "level": "EXPERT", "yearsExperience": i }))
            .collect();
        let asks: Vec<Value> = chosen
            .iter()
            .map(|s| json!({ "skillId": s, "importance": "REQUIRED", "minLevel": "ADVANCED" }))
            .collect();
        requests.push((
            agency.admin.token(),
            set_consultant,
            json!({ "id": consultant, "s": has }),
        ));
        requests.push((
            agency.admin.token(),
            set_tender,
            json!({ "id": tender, "s": asks }),
        ));
    }
    let bodies = app.gql_all(requests).await;
    let (ok, codes) = outcomes(&bodies);
    assert_eq!(ok, 40, "{codes:?}");
    let body = app
        .gql(
            agency.admin.token(),
            "query($c: ID!, $t: ID!) { consultant(id: $c) { skills { level } } tender(id: $t) { requiredSkills { importance } } }",
            json!({ "c": consultant, "t": tender }),
        )
        .await;
    // Each replacement ran whole: two skills, never a mix of two writers' lists.
    assert_eq!(
        data(&body)["consultant"]["skills"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        data(&body)["tender"]["requiredSkills"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn deleting_a_company_while_tenders_are_created_leaves_no_orphan() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let create =
        "mutation($c: ID!) { createTender(input: { companyId: $c, title: \"Late\" }) { id } }";
    let delete = "mutation($c: ID!) { deleteCompany(input: { id: $c, cascade: true }) }";
    for round in 0..5 {
        let company = agency.company(&app, &format!("Doomed {round}")).await;
        agency.draft_tender(&app, &company, json!({})).await;
        let mut requests: Vec<_> = (0..20)
            .map(|_| (agency.admin.token(), create, json!({ "c": company })))
            .collect();
        requests.insert(10, (agency.admin.token(), delete, json!({ "c": company })));
        let bodies = app.gql_all(requests).await;
        for body in &bodies {
            if body.get("errors").is_some() {
                assert!(
                    ["BAD_USER_INPUT", "NOT_FOUND"].contains(&code(body)),
                    "{body}"
                );
            }
        }
        assert!(bodies[10].get("errors").is_none(), "{}", bodies[10]);
        let body = app
            .gql(
                agency.admin.token(),
                "query($c: ID!) { tenders(filter: { companyId: $c }) { totalCount } }",
                json!({ "c": company }),
            )
            .await;
        assert_eq!(data(&body)["tenders"]["totalCount"], 0, "round {round}");
    }
}

/// A cascading company delete, racing the cancellation of its tender, changes to the tender
/// and to its collaboration: locks are taken parents first everywhere, so nothing deadlocks
/// (a deadlock would surface as a "concurrent change" CONFLICT) and nothing answers 500.
#[tokio::test]
async fn deleting_a_company_while_its_tender_ends_never_deadlocks() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let cancel = "mutation($id: ID!) { cancelTender(id: $id) { status } }";
    let retitle = "mutation($id: ID!, $c: ID!) { updateTender(input: { id: $id, companyId: $c, title: \"Again\" }) { id } }";
    let redate = "mutation($id: ID!) { updateCollaboration(input: { id: $id, startDate: \"2027-05-01\" }) { id } }";
    let delete = "mutation($c: ID!) { deleteCompany(input: { id: $c, cascade: true }) }";
    for round in 0..5 {
        let company = agency.company(&app, &format!("Busy {round}")).await;
        let tender = agency.open_tender(&app, &company, json!({})).await;
        let consultant = agency.consultant(&app, json!({})).await;
        let m = agency.proposed_match(&app, &tender, &consultant).await;
        let body = app
            .gql(
                agency.admin.token(),
                "mutation($id: ID!) { acceptMatch(id: $id) { collaboration { id } } }",
                json!({ "id": m }),
            )
            .await;
        let collaboration = data(&body)["acceptMatch"]["collaboration"]["id"].clone();
        let mut requests = Vec::new();
        for _ in 0..5 {
            requests.push((agency.admin.token(), cancel, json!({ "id": tender })));
            requests.push((
                agency.admin.token(),
                retitle,
                json!({ "id": tender, "c": company }),
            ));
            requests.push((agency.admin.token(), redate, json!({ "id": collaboration })));
        }
        requests.insert(7, (agency.admin.token(), delete, json!({ "c": company })));
        let bodies = app.gql_all(requests).await;
        for body in &bodies {
            let text = body.to_string();
            assert!(!text.contains("interfered"), "a deadlock: {body}");
            if body.get("errors").is_some() {
                assert!(["CONFLICT", "NOT_FOUND"].contains(&code(body)), "{body}");
            }
        }
        assert!(bodies[7].get("errors").is_none(), "{}", bodies[7]);
    }
}

#[tokio::test]
async fn concurrent_restores_of_a_consultant_restore_once() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let consultant = agency.consultant(&app, json!({})).await;
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": consultant }),
        )
        .await,
    );
    let restore = "mutation($id: ID!) { restoreConsultant(id: $id) { id } }";
    let bodies = at_once(&app, &agency, 20, restore, json!({ "id": consultant })).await;
    let (ok, codes) = outcomes(&bodies);
    assert_eq!(ok, 1, "{codes:?}");
    assert!(codes.iter().all(|c| c == "CONFLICT"), "{codes:?}");
    assert_eq!(
        audited(&app, &agency, "consultant.restored", &consultant).await,
        1
    );
}
