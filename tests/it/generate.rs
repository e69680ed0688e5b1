//! Generated matches (issue 8): `generateMatches`, re-scoring of PENDING matches when a tender
//! or a consultant changes, the per-tenant settings, and what a tender's closure does to its
//! matches — each raising its events.

use serde_json::{Value, json};

use crate::events::outbox;
use crate::helpers::{Agency, TestApp, code, data};

const GENERATE: &str = "mutation($t: ID!, $min: Float, $limit: Int) {
    generateMatches(input: { tenderId: $t, minScore: $min, limit: $limit }) {
        id score status reasons breakdown { skills experience } consultant { firstName } } }";

struct World {
    tender: String,
    /// Every required skill at a good level.
    strong: String,
    /// Half of them.
    middling: String,
    /// None.
    weak: String,
    rust: String,
}

async fn world(app: &TestApp, agency: &Agency) -> World {
    let company = agency.company(app, "Acme").await;
    let rust = agency.skill(app, "Rust").await;
    let k8s = agency.skill(app, "Kubernetes").await;
    let tender = agency
        .open_tender(
            app,
            &company,
            json!({ "budgetMax": "700", "location": "Paris", "startDate": "2027-03-01" }),
        )
        .await;
    data(&app.gql(agency.admin.token(), "mutation($t: ID!, $a: ID!, $b: ID!) { setTenderSkills(input: { tenderId: $t, skills: [
        { skillId: $a, importance: REQUIRED, minLevel: ADVANCED }, { skillId: $b, importance: PREFERRED, minLevel: INTERMEDIATE }] }) { id } }",
        json!({ "t": tender, "a": rust, "b": k8s })).await);
    let person = |name: &str, rate: &str, years: i32| json!({ "firstName": name, "dailyRate": rate, "location": "Paris", "yearsExperience": years });
    let strong = agency.consultant(app, person("Strong", "650", 12)).await;
    let middling = agency.consultant(app, person("Middling", "690", 5)).await;
    let weak = agency.consultant(app, person("Weak", "900", 1)).await;
    let skills = "mutation($c: ID!, $s: [ConsultantSkillInput!]!) { setConsultantSkills(input: { consultantId: $c, skills: $s }) { id } }";
    for (who, held) in [
        (
            &strong,
            json!([{ "skillId": rust, "level": "EXPERT", "yearsExperience": 8 },
                   { "skillId": k8s, "level": "ADVANCED", "yearsExperience": 4 }]),
        ),
        (
            &middling,
            json!([{ "skillId": rust, "level": "ADVANCED", "yearsExperience": 2 }]),
        ),
    ] {
        data(
            &app.gql(agency.admin.token(), skills, json!({ "c": who, "s": held }))
                .await,
        );
    }
    World {
        tender,
        strong,
        middling,
        weak,
        rust,
    }
}

fn names(body: &Value) -> Vec<String> {
    data(body)["generateMatches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            m["consultant"]["firstName"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn generate_matches_ranks_keeps_the_best_and_is_idempotent() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let admin = agency.admin.token();
    // A LEAVING consultant and a deleted one are no candidates, however good.
    for (input, delete) in [
        (
            json!({ "firstName": "Leaving", "status": "LEAVING" }),
            false,
        ),
        (json!({ "firstName": "Gone" }), true),
    ] {
        let id = agency.consultant(&app, input).await;
        if delete {
            data(
                &app.gql(
                    admin,
                    "mutation($id: ID!) { deleteConsultant(id: $id) }",
                    json!({ "id": id }),
                )
                .await,
            );
        }
    }

    let body = app
        .gql(
            admin,
            GENERATE,
            json!({ "t": w.tender, "min": 0.0, "limit": 10 }),
        )
        .await;
    assert_eq!(names(&body), ["Strong", "Middling", "Weak"], "{body}");
    let first = data(&body)["generateMatches"].clone();
    let scores: Vec<f64> = first
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| m["score"].as_f64().expect("score"))
        .collect();
    assert!(scores.windows(2).all(|p| p[0] >= p[1]), "{scores:?}");
    assert!(
        first[0]["breakdown"]["experience"].as_f64() > Some(0.5),
        "{first}"
    );
    // The one lacking the REQUIRED skill is below the ones who have it, and says why.
    assert!(first[2]["breakdown"]["skills"].as_f64() < Some(0.5));
    assert!(
        first[2]["reasons"]
            .to_string()
            .contains("missing required skill Rust")
    );
    assert!(
        first
            .as_array()
            .expect("matches")
            .iter()
            .all(|m| m["status"] == "PENDING")
    );

    // Idempotent: the same matches, no new event, no new audit.
    let events = outbox(&app, &agency.tenant_id).await.len();
    let audits = app
        .gql(
            admin,
            "{ auditEvents(filter: { action: \"match.generated\" }) { totalCount } }",
            json!({}),
        )
        .await;
    let again = app
        .gql(
            admin,
            GENERATE,
            json!({ "t": w.tender, "min": 0.0, "limit": 10 }),
        )
        .await;
    assert_eq!(data(&again)["generateMatches"], first);
    assert_eq!(outbox(&app, &agency.tenant_id).await.len(), events);
    let audits_after = app
        .gql(
            admin,
            "{ auditEvents(filter: { action: \"match.generated\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&audits)["auditEvents"]["totalCount"], 1);
    assert_eq!(
        data(&audits_after)["auditEvents"],
        data(&audits)["auditEvents"]
    );

    // The threshold and the limit.
    let body = app
        .gql(admin, GENERATE, json!({ "t": w.tender, "min": 0.99 }))
        .await;
    assert_eq!(names(&body), Vec::<String>::new());
    let body = app
        .gql(
            admin,
            GENERATE,
            json!({ "t": w.tender, "min": 0.0, "limit": 1 }),
        )
        .await;
    assert_eq!(names(&body), ["Strong"]);

    // Bad input names the field; another organisation's tender does not exist.
    for (vars, field) in [
        (json!({ "t": w.tender, "min": 1.5 }), "minScore"),
        (json!({ "t": w.tender, "limit": 0 }), "limit"),
        (json!({ "t": w.tender, "limit": 201 }), "limit"),
    ] {
        let body = app.gql(admin, GENERATE, vars).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert!(
            body["errors"][0]["extensions"]["fields"][field].is_string(),
            "{body}"
        );
    }
    let other = app.agency().await;
    let body = app
        .gql(other.admin.token(), GENERATE, json!({ "t": w.tender }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let client = agency.member(&app, "CLIENT").await;
    let body = app
        .gql(client.token(), GENERATE, json!({ "t": w.tender }))
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test]
async fn decided_matches_are_never_touched_and_pending_ones_follow_their_consultant() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let admin = agency.admin.token();
    let body = app
        .gql(admin, GENERATE, json!({ "t": w.tender, "min": 0.0 }))
        .await;
    let generated = data(&body)["generateMatches"].clone();
    let id_of = |name: &str| {
        generated
            .as_array()
            .expect("matches")
            .iter()
            .find(|m| m["consultant"]["firstName"] == name)
            .map(|m| m["id"].as_str().unwrap_or("").to_owned())
            .expect("generated")
    };
    let proposed = id_of("Strong");
    let pending = id_of("Middling");
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": proposed }),
        )
        .await,
    );
    let score_of = |id: String| {
        let app = &app;
        async move {
            let body = app
                .gql(
                    admin,
                    "query($id: ID!) { match(id: $id) { score status } }",
                    json!({ "id": id }),
                )
                .await;
            data(&body)["match"].clone()
        }
    };
    let before_proposed = score_of(proposed.clone()).await;
    let before_pending = score_of(pending.clone()).await;

    // Both consultants get Kubernetes and a higher rate: only the PENDING match moves.
    let k8s = {
        let body = app
            .gql(
                admin,
                "{ skills(filter: { text: \"Kubernetes\" }) { edges { node { id } } } }",
                json!({}),
            )
            .await;
        data(&body)["skills"]["edges"][0]["node"]["id"].clone()
    };
    let seq_before = outbox(&app, &agency.tenant_id).await.len();
    for who in [&w.strong, &w.middling] {
        data(&app.gql(admin, "mutation($c: ID!, $a: ID!, $b: ID!) { setConsultantSkills(input: { consultantId: $c, skills: [
            { skillId: $a, level: EXPERT, yearsExperience: 9 }, { skillId: $b, level: EXPERT, yearsExperience: 9 }] }) { id } }",
            json!({ "c": who, "a": w.rust, "b": k8s })).await);
    }
    let after_pending = score_of(pending.clone()).await;
    assert!(
        after_pending["score"].as_f64() > before_pending["score"].as_f64(),
        "{before_pending} → {after_pending}"
    );
    assert_eq!(score_of(proposed.clone()).await, before_proposed);
    let kinds: Vec<String> = outbox(&app, &agency.tenant_id)
        .await
        .into_iter()
        .skip(seq_before)
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "consultant.updated",
            "consultant.updated",
            "match.score_changed"
        ]
    );

    // A second generation leaves the proposed match as it is and keeps the weak one PENDING.
    let body = app
        .gql(admin, GENERATE, json!({ "t": w.tender, "min": 0.0 }))
        .await;
    let statuses: Vec<(&str, &str)> = data(&body)["generateMatches"]
        .as_array()
        .expect("matches")
        .iter()
        .map(|m| {
            (
                m["consultant"]["firstName"].as_str().unwrap_or(""),
                m["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(statuses.contains(&("Strong", "PROPOSED")), "{statuses:?}");
    assert!(statuses.contains(&("Weak", "PENDING")), "{statuses:?}");
    let _ = w.weak;
}

#[tokio::test]
async fn changing_the_required_skills_rescores_the_tenders_pending_matches() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let admin = agency.admin.token();
    let body = app
        .gql(admin, GENERATE, json!({ "t": w.tender, "min": 0.0 }))
        .await;
    let weak = data(&body)["generateMatches"][2].clone();
    assert_eq!(weak["consultant"]["firstName"], "Weak");
    // Rust no longer asked: the weak consultant lacks nothing required any more.
    data(
        &app.gql(
            admin,
            "mutation($t: ID!) { setTenderSkills(input: { tenderId: $t, skills: [] }) { id } }",
            json!({ "t": w.tender }),
        )
        .await,
    );
    let body = app
        .gql(
            admin,
            "query($id: ID!) { match(id: $id) { score reasons } }",
            json!({ "id": weak["id"] }),
        )
        .await;
    let now = &data(&body)["match"];
    assert!(
        now["score"].as_f64() > weak["score"].as_f64(),
        "{weak} → {now}"
    );
    assert!(
        now["reasons"]
            .to_string()
            .contains("the tender lists no skills"),
        "{now}"
    );
    let last = outbox(&app, &agency.tenant_id).await;
    let kinds: Vec<&str> = last.iter().rev().take(4).map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "match.score_changed")
            .count(),
        3,
        "{kinds:?}"
    );
}

#[tokio::test]
async fn settings_are_validated_audited_and_used() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let admin = agency.admin.token();
    let read = "{ matchingSettings { minScore weights { skills availability rate location experience } } }";
    let body = app.gql(admin, read, json!({})).await;
    assert_eq!(
        data(&body)["matchingSettings"],
        json!({ "minScore": 0.5, "weights": { "skills": 0.45, "availability": 0.15, "rate": 0.15, "location": 0.1, "experience": 0.15 } })
    );
    let update = "mutation($i: UpdateMatchingSettingsInput!) { updateMatchingSettings(input: $i) { minScore weights { skills rate } } }";
    let body = app
        .gql(
            admin,
            update,
            json!({ "i": { "weights": { "skills": 2, "rate": -0.1 }, "minScore": 7 } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let fields = &body["errors"][0]["extensions"]["fields"];
    for field in ["weights.skills", "weights.rate", "minScore"] {
        assert!(fields[field].is_string(), "{field}: {body}");
    }
    let body = app
        .gql(admin, update, json!({ "i": { "weights": { "skills": 0, "availability": 0, "rate": 0, "location": 0, "experience": 0 } } }))
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["weights"].is_string(),
        "{body}"
    );
    for role in ["MANAGER", "CLIENT"] {
        let member = agency.member(&app, role).await;
        let body = app.gql(member.token(), read, json!({})).await;
        assert_eq!(code(&body), "FORBIDDEN", "{role}: {body}");
    }

    // Only skills count, and only the best: one candidate clears 0.9.
    let body = app
        .gql(admin, update, json!({ "i": { "weights": { "skills": 1, "availability": 0, "rate": 0, "location": 0, "experience": 0 }, "minScore": 0.9 } }))
        .await;
    assert_eq!(
        data(&body)["updateMatchingSettings"]["weights"],
        json!({ "skills": 1.0, "rate": 0.0 })
    );
    let body = app.gql(admin, GENERATE, json!({ "t": w.tender })).await;
    assert_eq!(names(&body), ["Strong"]);
    let skills_only = &data(&body)["generateMatches"][0];
    assert_eq!(skills_only["score"], skills_only["breakdown"]["skills"]);
    let body = app
        .gql(admin, "{ auditEvents(filter: { action: \"matching.settings_updated\" }) { edges { node { changes } } } }", json!({}))
        .await;
    let changes = &data(&body)["auditEvents"]["edges"][0]["node"]["changes"];
    assert_eq!(
        changes["minScore"],
        json!({ "from": 0.5, "to": 0.9 }),
        "{changes}"
    );
}

#[tokio::test]
async fn closing_a_tender_cancels_its_open_matches_with_events() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let admin = agency.admin.token();
    let body = app
        .gql(admin, GENERATE, json!({ "t": w.tender, "min": 0.0 }))
        .await;
    let first = data(&body)["generateMatches"][0]["id"].clone();
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": first }),
        )
        .await,
    );
    let seq_before = outbox(&app, &agency.tenant_id).await.len();
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { closeTender(id: $id) { status } }",
            json!({ "id": w.tender }),
        )
        .await,
    );
    let events = outbox(&app, &agency.tenant_id).await;
    let new: Vec<&entity::domain_event::Model> = events.iter().skip(seq_before).collect();
    assert_eq!(new[0].kind, "tender.status_changed");
    let cancelled: Vec<Value> = new[1..]
        .iter()
        .map(|e| serde_json::from_str::<Value>(&e.payload).expect("payload"))
        .collect();
    assert_eq!(cancelled.len(), 3, "{cancelled:?}");
    for payload in &cancelled {
        assert_eq!(payload["type"], "matchStatusChanged");
        assert_eq!(payload["match"]["status"], "CANCELLED");
    }
    assert!(cancelled.iter().any(|p| p["previousStatus"] == "PROPOSED"));
}
