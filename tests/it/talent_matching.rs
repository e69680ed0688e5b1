//! Matches and collaborations: scoring, life cycle, who sees what, and no N+1.

use serde_json::{Value, json};

use crate::helpers::talent::seed_volume;
use crate::helpers::{Agency, Session, TestApp, code, data};

struct World {
    company: String,
    tender: String,
    ada: String,
    bob: String,
}

async fn id_of(body: &Value, field: &str) -> String {
    data(body)[field]["id"].as_str().expect("id").to_owned()
}

/// A company with an OPEN tender asking for Rust, and two consultants (Ada strong, Bob weak).
async fn world(app: &TestApp, agency: &Agency) -> World {
    let admin = agency.admin.token();
    let company = id_of(
        &app.gql(
            admin,
            "mutation { createCompany(input: { name: \"Acme\" }) { id } }",
            json!({}),
        )
        .await,
        "createCompany",
    )
    .await;
    let rust = id_of(
        &app.gql(
            admin,
            "mutation { createSkill(input: { name: \"Rust\" }) { id } }",
            json!({}),
        )
        .await,
        "createSkill",
    )
    .await;
    let body = app
        .gql(
            admin,
            "mutation($c: ID!) { createTender(input: { companyId: $c, title: \"Rust platform\", startDate: \"2027-03-01\", endDate: \"2027-09-30\", budgetMax: \"700\", location: \"Paris\" }) { id } }",
            json!({ "c": company }),
        )
        .await;
    let tender = id_of(&body, "createTender").await;
    data(&app
        .gql(admin, "mutation($t: ID!, $s: ID!) { setTenderSkills(input: { tenderId: $t, skills: [{ skillId: $s, importance: REQUIRED, minLevel: ADVANCED }] }) { id } }", json!({ "t": tender, "s": rust }))
        .await);
    data(
        &app.gql(
            admin,
            "mutation($t: ID!) { publishTender(id: $t) { id } }",
            json!({ "t": tender }),
        )
        .await,
    );
    let create = "mutation($i: CreateConsultantInput!) { createConsultant(input: $i) { id } }";
    let ada = id_of(
        &app.gql(admin, create, json!({ "i": { "firstName": "Ada", "lastName": "L", "title": "Rustacean", "dailyRate": "650", "location": "Paris", "email": "ada@x.test", "internalNotes": "star" } })).await,
        "createConsultant",
    )
    .await;
    let bob = id_of(
        &app.gql(admin, create, json!({ "i": { "firstName": "Bob", "lastName": "B", "title": "Juggler", "dailyRate": "900", "remote": "REMOTE", "location": "Lyon" } })).await,
        "createConsultant",
    )
    .await;
    data(&app
        .gql(admin, "mutation($c: ID!, $s: ID!) { setConsultantSkills(input: { consultantId: $c, skills: [{ skillId: $s, level: EXPERT, yearsExperience: 8 }] }) { id } }", json!({ "c": ada, "s": rust }))
        .await);
    World {
        company,
        tender,
        ada,
        bob,
    }
}

const CREATE_MATCH: &str = "mutation($t: ID!, $c: ID!) { createMatch(input: { tenderId: $t, consultantId: $c, notes: \"internal\" }) {
    id score status breakdown { skills availability rate location } reasons } }";

#[tokio::test]
async fn manual_matches_are_scored_and_explained() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let admin = agency.admin.token();
    let ada = app
        .gql(admin, CREATE_MATCH, json!({ "t": w.tender, "c": w.ada }))
        .await;
    let bob = app
        .gql(admin, CREATE_MATCH, json!({ "t": w.tender, "c": w.bob }))
        .await;
    let (ada, bob) = (&data(&ada)["createMatch"], &data(&bob)["createMatch"]);
    assert_eq!(ada["status"], "PENDING");
    assert!(ada["score"].as_f64().expect("score") > 0.9, "{ada}");
    assert!(bob["score"].as_f64().expect("score") < 0.5, "{bob}");
    assert_eq!(bob["breakdown"]["skills"], 0.0);
    let reasons = bob["reasons"].to_string();
    assert!(
        reasons.contains("missing required skill Rust")
            && reasons.contains("rate 900 above the budget of 700"),
        "{reasons}"
    );
    // Only the rate's reasons name amounts, and only readers of rates get those (below, in
    // `a_client_cannot_work_out_a_hidden_rate`).
    assert!(
        bob["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .filter(|r| !r.as_str().unwrap_or("").starts_with("rate "))
            .all(|r| !r.to_string().contains("900") && !r.to_string().contains("700")),
        "{reasons}"
    );
    // One match per pair.
    let again = app
        .gql(admin, CREATE_MATCH, json!({ "t": w.tender, "c": w.ada }))
        .await;
    assert_eq!(code(&again), "CONFLICT", "{again}");
    // Best first.
    let body = app
        .gql(
            admin,
            "{ matches { edges { node { consultant { firstName } } } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = data(&body)["matches"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["consultant"]["firstName"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Ada", "Bob"]);
}

async fn match_for(app: &TestApp, agency: &Agency, w: &World, consultant: &str) -> String {
    id_of(
        &app.gql(
            agency.admin.token(),
            CREATE_MATCH,
            json!({ "t": w.tender, "c": consultant }),
        )
        .await,
        "createMatch",
    )
    .await
}

#[tokio::test]
async fn clients_and_consultants_see_matches_only_once_proposed() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let m = match_for(&app, &agency, &w, &w.ada).await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": w.company }))
        .await;
    let consultant = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": w.ada }))
        .await;
    let one = "query($id: ID!) { match(id: $id) { status consultant { firstName } } }";
    for session in [&client, &consultant] {
        assert_eq!(
            code(&app.gql(session.token(), one, json!({ "id": m })).await),
            "NOT_FOUND"
        );
        let body = app
            .gql(session.token(), "{ matches { totalCount } }", json!({}))
            .await;
        assert_eq!(data(&body)["matches"]["totalCount"], 0);
    }
    assert_eq!(
        code(
            &app.gql(
                client.token(),
                "query($id: ID!) { consultant(id: $id) { id } }",
                json!({ "id": w.ada })
            )
            .await
        ),
        "NOT_FOUND"
    );

    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { proposeMatch(id: $id) { status } }",
            json!({ "id": m }),
        )
        .await,
    );
    for session in [&client, &consultant] {
        let body = app.gql(session.token(), one, json!({ "id": m })).await;
        assert_eq!(
            data(&body)["match"],
            json!({ "status": "PROPOSED", "consultant": { "firstName": "Ada" } })
        );
    }
    // The client sees the proposed consultant, without contact details or notes.
    let body = app
        .gql(
            client.token(),
            "query($id: ID!) { consultant(id: $id) { firstName email internalNotes } }",
            json!({ "id": w.ada }),
        )
        .await;
    assert_eq!(
        body["data"]["consultant"],
        json!({ "firstName": "Ada", "email": null, "internalNotes": null })
    );
    let mut paths: Vec<String> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["path"].to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            r#"["consultant","email"]"#,
            r#"["consultant","internalNotes"]"#
        ]
    );
    assert!(
        body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .all(|e| e["extensions"]["code"] == "FORBIDDEN")
    );
    // Match notes are internal too.
    let body = app
        .gql(
            client.token(),
            "query($id: ID!) { match(id: $id) { notes } }",
            json!({ "id": m }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    // The consultant now also sees the tender behind the match, even once it is no longer OPEN.
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($t: ID!) { startTender(id: $t) { id } }",
            json!({ "t": w.tender }),
        )
        .await,
    );
    let body = app
        .gql(
            consultant.token(),
            "query($id: ID!) { match(id: $id) { tender { title company { name } } } }",
            json!({ "id": m }),
        )
        .await;
    assert_eq!(
        data(&body)["match"]["tender"],
        json!({ "title": "Rust platform", "company": { "name": "Acme" } })
    );
}

#[tokio::test]
async fn accepting_creates_a_collaboration_that_follows_its_life_cycle() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let m = match_for(&app, &agency, &w, &w.ada).await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": w.company }))
        .await;
    let accept = "mutation($id: ID!) { acceptMatch(id: $id) { status collaboration { id status dailyRate startDate endDate company { name } } } }";
    let body = app.gql(client.token(), accept, json!({ "id": m })).await;
    assert_eq!(
        code(&body),
        "NOT_FOUND",
        "a PENDING match does not exist for the client"
    );
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { proposeMatch(id: $id) { status } }",
            json!({ "id": m }),
        )
        .await,
    );
    let body = app.gql(client.token(), accept, json!({ "id": m })).await;
    // The client decides, but the consultant's rate stays hidden from it.
    let accepted = &body["data"]["acceptMatch"];
    assert_eq!(accepted["status"], "ACCEPTED");
    let collab = &accepted["collaboration"];
    assert_eq!(collab["status"], "DRAFT");
    assert!(collab["dailyRate"].is_null());
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(collab["startDate"], "2027-03-01");
    assert_eq!(collab["company"]["name"], "Acme");
    let collab_id = collab["id"].as_str().expect("id").to_owned();
    let body = app
        .gql(
            agency.admin.token(),
            "query($id: ID!) { collaboration(id: $id) { dailyRate } }",
            json!({ "id": collab_id }),
        )
        .await;
    assert_eq!(data(&body)["collaboration"]["dailyRate"], "650.00");

    let body = app.gql(client.token(), accept, json!({ "id": m })).await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["id"]
            .as_str()
            .is_some_and(|s| s.contains("ACCEPTED")),
        "{body}"
    );
    let update = "mutation($i: UpdateCollaborationInput!) { updateCollaboration(input: $i) { status dailyRate endDate } }";
    let admin = agency.admin.token();
    let body = app
        .gql(
            admin,
            update,
            json!({ "i": { "id": collab_id, "status": "COMPLETED" } }),
        )
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["status"].is_string(),
        "{body}"
    );
    let body = app
        .gql(
            admin,
            update,
            json!({ "i": { "id": collab_id, "status": "ACTIVE", "dailyRate": "675.5" } }),
        )
        .await;
    assert_eq!(
        data(&body)["updateCollaboration"],
        json!({ "status": "ACTIVE", "dailyRate": "675.50", "endDate": "2027-09-30" })
    );
    let body = app
        .gql(
            admin,
            update,
            json!({ "i": { "id": collab_id, "endDate": "2020-01-01" } }),
        )
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["endDate"].is_string(),
        "{body}"
    );
    assert_eq!(
        code(
            &app.gql(
                client.token(),
                update,
                json!({ "i": { "id": collab_id, "status": "COMPLETED" } })
            )
            .await
        ),
        "FORBIDDEN"
    );
    // Both sides see the collaboration.
    let consultant = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": w.ada }))
        .await;
    for session in [&client, &consultant] {
        let body = app
            .gql(
                session.token(),
                "{ collaborations { totalCount edges { node { status } } } }",
                json!({}),
            )
            .await;
        assert_eq!(data(&body)["collaborations"]["totalCount"], 1);
    }
    let outsider: Session = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": w.bob }))
        .await;
    let body = app
        .gql(
            outsider.token(),
            "{ collaborations { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["collaborations"]["totalCount"], 0);
    // An accepted match cannot simply be deleted.
    assert_eq!(
        code(
            &app.gql(
                admin,
                "mutation($id: ID!) { deleteMatch(id: $id) }",
                json!({ "id": m })
            )
            .await
        ),
        "CONFLICT"
    );
}

#[tokio::test]
async fn rejections_keep_their_reason_and_illegal_moves_name_the_status() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let w = world(&app, &agency).await;
    let m = match_for(&app, &agency, &w, &w.bob).await;
    let admin = agency.admin.token();
    let reject = "mutation($id: ID!) { rejectMatch(input: { id: $id, reason: \"Too expensive\" }) { status rejectionReason } }";
    let body = app.gql(admin, reject, json!({ "id": m })).await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["id"]
            .as_str()
            .is_some_and(|s| s.contains("PENDING")),
        "{body}"
    );
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { proposeMatch(id: $id) { status } }",
            json!({ "id": m }),
        )
        .await,
    );
    let body = app.gql(admin, reject, json!({ "id": m })).await;
    assert_eq!(
        data(&body)["rejectMatch"],
        json!({ "status": "REJECTED", "rejectionReason": "Too expensive" })
    );
    let body = app
        .gql(
            admin,
            "mutation($id: ID!) { cancelMatch(id: $id) { status } }",
            json!({ "id": m }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT");
}

#[tokio::test]
async fn bad_match_references_and_foreign_ids() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.agency().await;
    let w = world(&app, &agency).await;
    let theirs = world(&app, &other).await;
    let admin = agency.admin.token();
    let body = app
        .gql(
            admin,
            CREATE_MATCH,
            json!({ "t": theirs.tender, "c": theirs.ada }),
        )
        .await;
    let fields = &body["errors"][0]["extensions"]["fields"];
    assert!(
        fields["tenderId"].is_string() && fields["consultantId"].is_string(),
        "{body}"
    );
    let their_match = match_for(&app, &other, &theirs, &theirs.ada).await;
    for query in [
        "query($id: ID!) { match(id: $id) { id } }",
        "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
        "mutation($id: ID!) { acceptMatch(id: $id) { id } }",
        "mutation($id: ID!) { rejectMatch(input: { id: $id }) { id } }",
        "mutation($id: ID!) { cancelMatch(id: $id) { id } }",
        "mutation($id: ID!) { deleteMatch(id: $id) }",
        "mutation($id: ID!) { updateMatch(input: { id: $id, notes: \"x\" }) { id } }",
    ] {
        let body = app.gql(admin, query, json!({ "id": their_match })).await;
        assert_eq!(code(&body), "NOT_FOUND", "{query}: {body}");
    }
    let _ = w;
}

const NESTED: &str = "query($n: Int!) { tenders(first: $n) { edges { node {
    company { name }
    requiredSkills { skill { name } }
    matches(first: 20) { edges { node { consultant { skills { skill { name } } } } } }
} } } }";

#[tokio::test]
async fn nested_relations_cost_the_same_statements_for_5_and_50_tenders() {
    // A wider batching window than the 1 ms default: with the whole suite running on two cores,
    // scheduler noise can otherwise split one level's batch in two (one extra statement, not N).
    let app =
        TestApp::spawn_with(|c| c.limits.dataloader_delay = std::time::Duration::from_millis(25))
            .await;
    let agency = app.agency().await;
    let tenant = uuid::Uuid::parse_str(&agency.tenant_id).expect("uuid");
    seed_volume(&app, tenant, 50, 40, 4).await;
    let token = agency.admin.token();
    // Warm-up: the first request of a pool may run connection set-up statements.
    app.gql(token, "{ me { id } }", json!({})).await;
    let start = app.sql_log.lock().map(|l| l.len()).unwrap_or(0);
    let (five, small) = app.gql_counted(token, NESTED, json!({ "n": 5 })).await;
    let middle = app.sql_log.lock().map(|l| l.len()).unwrap_or(0);
    let (fifty, large) = app.gql_counted(token, NESTED, json!({ "n": 50 })).await;
    if let Ok(log) = app.sql_log.lock() {
        let short = |s: &String| s.chars().take(90).collect::<String>();
        println!(
            "first 5:\n  {}",
            log[start..middle]
                .iter()
                .map(short)
                .collect::<Vec<_>>()
                .join("\n  ")
        );
        println!(
            "first 50:\n  {}",
            log[middle..]
                .iter()
                .map(short)
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
    let edges = |b: &Value| data(b)["tenders"]["edges"].as_array().map(Vec::len);
    assert_eq!((edges(&five), edges(&fifty)), (Some(5), Some(50)));
    let matches = data(&fifty)["tenders"]["edges"][49]["node"]["matches"]["edges"]
        .as_array()
        .map(Vec::len);
    assert_eq!(matches, Some(4));
    assert!(
        data(&fifty)["tenders"]["edges"][0]["node"]["matches"]["edges"][0]["node"]["consultant"]["skills"][1]["skill"]["name"].is_string(),
        "{fifty}"
    );
    println!("SQL statements: first 5 -> {small}, first 50 -> {large}");
    assert_eq!(
        small, large,
        "statement count depends on the number of tenders"
    );
    // One per level: principal, tenders, company, required skills (with their skills),
    // matches, consultants, consultant skills (with their skills).
    assert_eq!(large, 7, "{large} statements");
}

/// The reviewer's attack: a CLIENT reads a match's score and breakdown, knows the tender's
/// `budgetMax`, and solves for the rate component, hence the rate (812.32 recovered for a real
/// 812.34). The score a CLIENT sees leaves the rate out, in every place a score shows.
#[tokio::test]
async fn a_client_cannot_work_out_a_hidden_rate() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency
        .open_tender(
            &app,
            &company,
            json!({ "budgetMax": "700", "location": "Paris" }),
        )
        .await;
    // Identical but for the rate: 812.34 is over budget, 650 within.
    let dear = agency
        .consultant(
            &app,
            json!({ "firstName": "Dear", "dailyRate": "812.34", "location": "Lyon" }),
        )
        .await;
    let fair = agency
        .consultant(
            &app,
            json!({ "firstName": "Fair", "dailyRate": "650", "location": "Lyon" }),
        )
        .await;
    agency.proposed_match(&app, &tender, &dear).await;
    agency.proposed_match(&app, &tender, &fair).await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": company }))
        .await;
    let manager = agency.member(&app, "MANAGER").await;
    let fields =
        "score breakdown { skills availability rate location } reasons consultant { firstName }";
    let query = format!(
        "query($t: ID!, $min: Float) {{
            tender(id: $t) {{ budgetMax matches {{ edges {{ node {{ {fields} }} }} }} }}
            byScore: matches(orderBy: {{ field: SCORE, direction: ASC }}) {{ edges {{ node {{ {fields} }} }} }}
            above: matches(filter: {{ minScore: $min }}) {{ totalCount }}
        }}"
    );
    // The agency sees the rate in the score: the two differ.
    let body = app
        .gql(manager.token(), &query, json!({ "t": tender, "min": 0.0 }))
        .await;
    let seen = data(&body)["tender"]["matches"]["edges"].clone();
    let scores: Vec<f64> = seen
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["score"].as_f64().expect("score"))
        .collect();
    assert_ne!(scores[0], scores[1], "{seen}");
    assert!(seen[0]["node"]["breakdown"]["rate"].is_number());

    // The client does not.
    let body = app
        .gql(client.token(), &query, json!({ "t": tender, "min": 0.0 }))
        .await;
    let budget: f64 = data(&body)["tender"]["budgetMax"]
        .as_str()
        .and_then(|b| b.parse().ok())
        .expect("budgetMax is visible to the client");
    for list in [
        data(&body)["tender"]["matches"]["edges"].clone(),
        data(&body)["byScore"]["edges"].clone(),
    ] {
        let list = list.as_array().expect("edges").clone();
        assert_eq!(list.len(), 2);
        let (a, b) = (&list[0]["node"], &list[1]["node"]);
        assert_eq!(a["score"], b["score"], "{a} {b}");
        assert_eq!(a["breakdown"], b["breakdown"]);
        assert_eq!(a["reasons"], b["reasons"]);
        for node in [a, b] {
            assert!(node["breakdown"]["rate"].is_null(), "{node}");
            let reasons = node["reasons"].to_string().to_lowercase();
            assert!(
                !reasons.contains("rate") && !reasons.contains("budget"),
                "{reasons}"
            );
            // Solving the full weighing for the rate component, as the reviewer did.
            let part = |k: &str| node["breakdown"][k].as_f64().unwrap_or(0.0);
            let score = node["score"].as_f64().expect("score");
            let rate_part = (score
                - 0.55 * part("skills")
                - 0.15 * part("availability")
                - 0.15 * part("location"))
                / 0.15;
            let recovered = budget * (1.0 + (1.0 - rate_part) / 2.0);
            assert!((recovered - 812.34).abs() > 5.0, "recovered {recovered}");
        }
    }
    // The filter compares with the same score: it cannot split the two either.
    let score = data(&body)["byScore"]["edges"][0]["node"]["score"]
        .as_f64()
        .expect("score");
    for (min, expected) in [(score, 2), (score + 0.0001, 0)] {
        let body = app
            .gql(client.token(), &query, json!({ "t": tender, "min": min }))
            .await;
        assert_eq!(data(&body)["above"]["totalCount"], expected, "min {min}");
    }
}
