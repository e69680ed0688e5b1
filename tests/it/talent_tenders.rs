//! Tenders: validation, legal status transitions, required skills, filters and row rules.

use serde_json::{Value, json};

use crate::helpers::{Agency, TestApp, code, data};

const CREATE: &str = "mutation($i: CreateTenderInput!) { createTender(input: $i) {
    id title status startDate endDate budgetMin budgetMax remoteAllowed company { name } } }";

async fn company(app: &TestApp, agency: &Agency, name: &str) -> String {
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($n: String!) { createCompany(input: { name: $n }) { id } }",
            json!({ "n": name }),
        )
        .await;
    data(&body)["createCompany"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn tender(
    app: &TestApp,
    agency: &Agency,
    company: &str,
    title: &str,
    extra: Value,
) -> String {
    let mut input = json!({ "companyId": company, "title": title });
    if let (Some(i), Some(e)) = (input.as_object_mut(), extra.as_object()) {
        i.extend(e.clone());
    }
    let body = app
        .gql(agency.admin.token(), CREATE, json!({ "i": input }))
        .await;
    data(&body)["createTender"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn publish(app: &TestApp, agency: &Agency, id: &str) -> Value {
    app.gql(
        agency.admin.token(),
        "mutation($id: ID!) { publishTender(id: $id) { status } }",
        json!({ "id": id }),
    )
    .await
}

#[tokio::test]
async fn tenders_are_created_as_drafts_with_their_company() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let acme = company(&app, &agency, "Acme").await;
    let body = app
        .gql(
            agency.admin.token(),
            CREATE,
            json!({ "i": { "companyId": acme, "title": "Rust platform", "startDate": "2027-03-01", "endDate": "2027-09-30",
                           "budgetMin": "500", "budgetMax": "750.25", "remoteAllowed": true } }),
        )
        .await;
    let t = &data(&body)["createTender"];
    assert_eq!(t["status"], "DRAFT");
    assert_eq!(t["budgetMax"], "750.25");
    assert_eq!(t["company"]["name"], "Acme");
}

#[tokio::test]
async fn bad_tender_input_names_the_fields_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.agency().await;
    let acme = company(&app, &agency, "Acme").await;
    let foreign = company(&app, &other, "Foreign").await;
    let cases = [
        (
            json!({ "companyId": acme, "title": "T", "startDate": "2027-05-01", "endDate": "2027-04-01" }),
            "endDate",
        ),
        (
            json!({ "companyId": acme, "title": "T", "budgetMin": "900", "budgetMax": "100" }),
            "budgetMin",
        ),
        (
            json!({ "companyId": acme, "title": "T", "budgetMax": "-1" }),
            "budgetMax",
        ),
        (json!({ "companyId": acme, "title": "" }), "title"),
        (json!({ "companyId": foreign, "title": "T" }), "companyId"),
        (
            json!({ "companyId": uuid::Uuid::now_v7().to_string(), "title": "T" }),
            "companyId",
        ),
        (json!({ "companyId": "nope", "title": "T" }), "companyId"),
        (
            json!({ "companyId": acme, "title": "T", "description": "x".repeat(1_000_000) }),
            "description",
        ),
        (
            json!({ "companyId": acme, "title": "T", "startDate": "3000-01-01" }),
            "startDate",
        ),
    ];
    for (input, field) in cases {
        let body = app
            .gql(agency.admin.token(), CREATE, json!({ "i": input }))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{field}: {body}");
        assert!(
            body["errors"][0]["extensions"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    let body = app
        .gql(
            agency.admin.token(),
            "{ tenders { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["tenders"]["totalCount"], 0);
    // Updates check the merged values too.
    let id = tender(
        &app,
        &agency,
        &acme,
        "T",
        json!({ "startDate": "2027-05-01" }),
    )
    .await;
    let body = app
        .gql(agency.admin.token(), "mutation($id: ID!) { updateTender(input: { id: $id, endDate: \"2027-01-01\" }) { id } }", json!({ "id": id }))
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["endDate"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn only_legal_status_transitions_are_allowed() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let acme = company(&app, &agency, "Acme").await;
    let id = tender(&app, &agency, &acme, "T", json!({})).await;
    let run = |verb: &'static str| {
        let app = &app;
        let agency = &agency;
        let id = id.clone();
        async move {
            app.gql(
                agency.admin.token(),
                &format!("mutation($id: ID!) {{ {verb}Tender(id: $id) {{ status }} }}"),
                json!({ "id": id }),
            )
            .await
        }
    };
    let body = run("close").await;
    assert_eq!(code(&body), "CONFLICT");
    assert!(
        body["errors"][0]["extensions"]["fields"]["id"]
            .as_str()
            .is_some_and(|m| m.contains("DRAFT")),
        "{body}"
    );
    assert_eq!(
        data(&run("publish").await)["publishTender"]["status"],
        "OPEN"
    );
    assert_eq!(code(&run("publish").await), "CONFLICT");
    assert_eq!(
        data(&run("start").await)["startTender"]["status"],
        "IN_PROGRESS"
    );
    assert_eq!(data(&run("close").await)["closeTender"]["status"], "CLOSED");
    let body = run("cancel").await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["id"]
            .as_str()
            .is_some_and(|m| m.contains("CLOSED")),
        "{body}"
    );
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { updateTender(input: { id: $id, title: \"x\" }) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let audit = app
        .gql(agency.admin.token(), "query($id: String) { auditEvents(filter: { entityId: $id, action: \"tender.status_changed\" }) { totalCount } }", json!({ "id": id }))
        .await;
    assert_eq!(data(&audit)["auditEvents"]["totalCount"], 3);
}

#[tokio::test]
async fn required_skills_are_set_and_filtered_on() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let acme = company(&app, &agency, "Acme").await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation { createSkill(input: { name: \"Rust\" }) { id } }",
            json!({}),
        )
        .await;
    let rust = data(&body)["createSkill"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let a = tender(
        &app,
        &agency,
        &acme,
        "Alpha",
        json!({ "startDate": "2027-01-10" }),
    )
    .await;
    tender(
        &app,
        &agency,
        &acme,
        "Beta",
        json!({ "startDate": "2027-06-10" }),
    )
    .await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: SetTenderSkillsInput!) { setTenderSkills(input: $i) { requiredSkills { importance minLevel skill { name } } } }",
            json!({ "i": { "tenderId": a, "skills": [{ "skillId": rust, "importance": "REQUIRED", "minLevel": "ADVANCED" }] } }),
        )
        .await;
    assert_eq!(
        data(&body)["setTenderSkills"]["requiredSkills"],
        json!([{ "importance": "REQUIRED", "minLevel": "ADVANCED", "skill": { "name": "Rust" } }])
    );
    let query =
        "query($f: TenderFilter) { tenders(filter: $f) { totalCount edges { node { title } } } }";
    for (filter, count) in [
        (json!({ "skillId": rust }), 1),
        (json!({ "startFrom": "2027-03-01" }), 1),
        (
            json!({ "startFrom": "2027-01-01", "startTo": "2027-12-31" }),
            2,
        ),
        (json!({ "companyId": acme, "status": ["DRAFT"] }), 2),
        (json!({ "status": ["OPEN"] }), 0),
        (json!({ "text": "alp" }), 1),
    ] {
        let body = app
            .gql(agency.admin.token(), query, json!({ "f": filter }))
            .await;
        assert_eq!(data(&body)["tenders"]["totalCount"], count, "{filter}");
    }
}

#[tokio::test]
async fn consultants_see_open_tenders_and_clients_their_own() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let acme = company(&app, &agency, "Acme").await;
    let globex = company(&app, &agency, "Globex").await;
    let acme_draft = tender(&app, &agency, &acme, "Acme draft", json!({})).await;
    let acme_open = tender(&app, &agency, &acme, "Acme open", json!({})).await;
    let globex_open = tender(&app, &agency, &globex, "Globex open", json!({})).await;
    data(&publish(&app, &agency, &acme_open).await);
    data(&publish(&app, &agency, &globex_open).await);

    let body = app
        .gql(agency.admin.token(), "mutation { createConsultant(input: { firstName: \"C\", lastName: \"D\", title: \"T\" }) { id } }", json!({}))
        .await;
    let consultant_id = data(&body)["createConsultant"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let consultant = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": consultant_id }))
        .await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": acme }))
        .await;
    let titles = |body: &Value| -> Vec<String> {
        let mut t: Vec<String> = data(body)["tenders"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap_or("").to_owned())
            .collect();
        t.sort();
        t
    };
    let list = "{ tenders { edges { node { title company { name } } } } }";
    assert_eq!(
        titles(&app.gql(consultant.token(), list, json!({})).await),
        ["Acme open", "Globex open"]
    );
    assert_eq!(
        titles(&app.gql(client.token(), list, json!({})).await),
        ["Acme draft", "Acme open"]
    );
    let one = "query($id: ID!) { tender(id: $id) { id } }";
    assert_eq!(
        code(
            &app.gql(consultant.token(), one, json!({ "id": acme_draft }))
                .await
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        code(
            &app.gql(client.token(), one, json!({ "id": globex_open }))
                .await
        ),
        "NOT_FOUND"
    );
    // Companies follow: a consultant sees those with open tenders, a client only its own.
    let body = app
        .gql(
            client.token(),
            "{ companies { edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&body)["companies"]["edges"],
        json!([{ "node": { "name": "Acme" } }])
    );
    let body = app
        .gql(
            consultant.token(),
            "{ companies { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["companies"]["totalCount"], 2);
    for session in [&consultant, &client] {
        let body = app
            .gql(
                session.token(),
                "mutation($id: ID!) { publishTender(id: $id) { id } }",
                json!({ "id": acme_draft }),
            )
            .await;
        assert_eq!(code(&body), "FORBIDDEN");
    }
}

#[tokio::test]
async fn tender_ids_of_another_tenant_are_not_found() {
    let app = TestApp::spawn().await;
    let mine = app.agency().await;
    let theirs = app.agency().await;
    let their_company = company(&app, &theirs, "Theirs").await;
    let id = tender(&app, &theirs, &their_company, "Secret", json!({})).await;
    for query in [
        "query($id: ID!) { tender(id: $id) { id } }",
        "mutation($id: ID!) { updateTender(input: { id: $id, title: \"x\" }) { id } }",
        "mutation($id: ID!) { deleteTender(id: $id) }",
        "mutation($id: ID!) { publishTender(id: $id) { id } }",
        "mutation($id: ID!) { closeTender(id: $id) { id } }",
        "mutation($id: ID!) { cancelTender(id: $id) { id } }",
        "mutation($id: ID!) { startTender(id: $id) { id } }",
        "mutation($id: ID!) { setTenderSkills(input: { tenderId: $id, skills: [] }) { id } }",
    ] {
        let body = app
            .gql(mine.admin.token(), query, json!({ "id": id }))
            .await;
        assert_eq!(code(&body), "NOT_FOUND", "{query}: {body}");
    }
    let body = app
        .gql(
            theirs.admin.token(),
            "query($id: ID!) { tender(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&body)["tender"]["status"], "DRAFT");
}

#[tokio::test]
async fn companies_list_their_tenders_in_one_batch() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mut companies = Vec::new();
    for (name, count) in [("A", 3), ("B", 1), ("C", 0)] {
        let id = company(&app, &agency, name).await;
        for i in 0..count {
            tender(&app, &agency, &id, &format!("{name}{i}"), json!({})).await;
        }
        companies.push(id);
    }
    let first_open = tender(&app, &agency, &companies[1], "B-open", json!({})).await;
    data(&publish(&app, &agency, &first_open).await);
    let query = "{ companies(orderBy: { field: NAME }) { edges { node { name
        tenders(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } }
        open: tenders(status: [OPEN]) { totalCount } } } } }";
    let (body, statements) = app
        .gql_counted(agency.admin.token(), query, json!({}))
        .await;
    let nodes: Vec<&Value> = data(&body)["companies"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| &e["node"])
        .collect();
    assert_eq!(nodes[0]["tenders"]["totalCount"], 3);
    assert_eq!(nodes[0]["tenders"]["pageInfo"]["hasNextPage"], true);
    let titles: Vec<&str> = nodes[0]["tenders"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(titles, ["A2", "A1"], "newest first");
    assert_eq!(nodes[1]["tenders"]["totalCount"], 2);
    assert_eq!(nodes[1]["open"]["totalCount"], 1);
    assert_eq!(nodes[2]["tenders"]["totalCount"], 0);
    // principal, companies, then per tenders field: one page statement and one count.
    assert!(statements <= 6, "{statements} statements");
    // Paging on after the first page.
    let cursor = nodes[0]["tenders"]["pageInfo"]["endCursor"]
        .as_str()
        .expect("cursor");
    let body = app
        .gql(agency.admin.token(), "query($id: ID!, $after: String) { company(id: $id) { tenders(first: 2, after: $after) { edges { node { title } } } } }", json!({ "id": companies[0], "after": cursor }))
        .await;
    assert_eq!(
        data(&body)["company"]["tenders"]["edges"],
        json!([{ "node": { "title": "A0" } }])
    );
}

/// What ending a tender does to its accepted matches and their collaborations (documented on
/// `transition`): closing leaves them be; cancelling cancels DRAFT collaborations and is refused
/// while one is ACTIVE.
#[tokio::test]
async fn ending_a_tender_decides_the_fate_of_accepted_matches() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let company = agency.company(&app, "Acme").await;
    let accepted = |tender: String| {
        let (app, agency) = (&app, &agency);
        async move {
            let c = agency.consultant(app, json!({})).await;
            let m = agency.proposed_match(app, &tender, &c).await;
            let body = app
                .gql(
                    agency.admin.token(),
                    "mutation($id: ID!) { acceptMatch(id: $id) { collaboration { id } } }",
                    json!({ "id": m }),
                )
                .await;
            let col = data(&body)["acceptMatch"]["collaboration"]["id"].clone();
            (m, col)
        }
    };
    let state =
        "query($m: ID!, $c: ID!) { match(id: $m) { status } collaboration(id: $c) { status } }";
    let end = |verb: &'static str, id: String| {
        let app = &app;
        async move {
            app.gql(
                admin,
                &format!("mutation($id: ID!) {{ {verb}Tender(id: $id) {{ status }} }}"),
                json!({ "id": id }),
            )
            .await
        }
    };

    // Closing: the mission goes ahead.
    let closed = agency.open_tender(&app, &company, json!({})).await;
    let (m, col) = accepted(closed.clone()).await;
    data(&end("close", closed).await);
    let body = app.gql(admin, state, json!({ "m": m, "c": col })).await;
    assert_eq!(
        data(&body),
        &json!({ "match": { "status": "ACCEPTED" }, "collaboration": { "status": "DRAFT" } })
    );

    // Cancelling: DRAFT collaborations are cancelled, the decision stays on record.
    let cancelled = agency.open_tender(&app, &company, json!({})).await;
    let (m, col) = accepted(cancelled.clone()).await;
    let pending_consultant = agency.consultant(&app, json!({})).await;
    let pending = agency
        .pending_match(&app, &cancelled, &pending_consultant)
        .await;
    data(&end("cancel", cancelled.clone()).await);
    let body = app.gql(admin, state, json!({ "m": m, "c": col })).await;
    assert_eq!(
        data(&body),
        &json!({ "match": { "status": "ACCEPTED" }, "collaboration": { "status": "CANCELLED" } })
    );
    let body = app
        .gql(
            admin,
            "query($m: ID!) { match(id: $m) { status } }",
            json!({ "m": pending }),
        )
        .await;
    assert_eq!(data(&body)["match"]["status"], "CANCELLED");
    let body = app
        .gql(
            admin,
            "query($id: String) { auditEvents(filter: { entityId: $id, action: \"tender.matches_closed\" }) { edges { node { changes } } } }",
            json!({ "id": cancelled }),
        )
        .await;
    let changes = &data(&body)["auditEvents"]["edges"][0]["node"]["changes"];
    assert_eq!(changes["cancelledCollaborations"], 1, "{changes}");
    assert_eq!(changes["cancelledMatches"], 1, "{changes}");

    // An ACTIVE collaboration is work under way: the tender cannot be cancelled under it.
    let busy = agency.open_tender(&app, &company, json!({})).await;
    let (_, col) = accepted(busy.clone()).await;
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { updateCollaboration(input: { id: $id, status: ACTIVE }) { status } }",
            json!({ "id": col }),
        )
        .await,
    );
    let body = end("cancel", busy.clone()).await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    assert!(
        body["errors"][0]["extensions"]["fields"]["id"]
            .as_str()
            .is_some_and(|m| m.contains("ACTIVE")),
        "{body}"
    );
    data(&end("close", busy).await);
}
