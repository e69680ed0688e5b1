//! Edge cases of the talent API: stale cursors, backward paging on sorted lists with ties,
//! nested filters, references across tenants, and consistency between tenders and matches.

use serde_json::{Value, json};

use crate::helpers::{Agency, TestApp, code, data};

async fn make(app: &TestApp, agency: &Agency, query: &str, vars: Value, field: &str) -> String {
    let body = app.gql(agency.admin.token(), query, vars).await;
    data(&body)[field]["id"].as_str().expect("id").to_owned()
}

fn names(body: &Value, list: &str) -> Vec<String> {
    data(body)[list]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn sorted_lists_page_both_ways_through_ties() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    for name in ["b", "a", "b", "a", "c", "b"] {
        make(
            &app,
            &agency,
            "mutation($n: String!) { createCompany(input: { name: $n }) { id } }",
            json!({ "n": name }),
            "createCompany",
        )
        .await;
    }
    let forward = "query($after: String) { companies(first: 2, after: $after, orderBy: { field: NAME, direction: DESC }) {
        pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .gql(agency.admin.token(), forward, json!({ "after": after }))
            .await;
        for e in data(&body)["companies"]["edges"].as_array().expect("edges") {
            seen.push((
                e["node"]["name"].as_str().unwrap_or("").to_owned(),
                e["node"]["id"].as_str().unwrap_or("").to_owned(),
            ));
        }
        if data(&body)["companies"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = data(&body)["companies"]["pageInfo"]["endCursor"].clone();
    }
    let order: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(order, ["c", "b", "b", "b", "a", "a"]);
    let backward = "query($before: String) { companies(last: 2, before: $before, orderBy: { field: NAME, direction: DESC }) {
        pageInfo { hasPreviousPage startCursor } edges { node { id name } } } }";
    let mut back = Vec::new();
    let mut before = Value::Null;
    loop {
        let body = app
            .gql(agency.admin.token(), backward, json!({ "before": before }))
            .await;
        let page: Vec<(String, String)> = data(&body)["companies"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| {
                (
                    e["node"]["name"].as_str().unwrap_or("").to_owned(),
                    e["node"]["id"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        back.splice(0..0, page);
        if data(&body)["companies"]["pageInfo"]["hasPreviousPage"] == false {
            break;
        }
        before = data(&body)["companies"]["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(back, seen, "paging backwards gives the same list");
}

#[tokio::test]
async fn a_cursor_whose_row_left_the_list_is_refused_not_silently_ending_it() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let create = "mutation($l: String!) { createConsultant(input: { firstName: \"F\", lastName: $l, title: \"T\" }) { id } }";
    for last in ["A", "B", "C"] {
        make(
            &app,
            &agency,
            create,
            json!({ "l": last }),
            "createConsultant",
        )
        .await;
    }
    let list = "query($after: String) { consultants(first: 1, after: $after) { pageInfo { endCursor } edges { node { id } } } }";
    let body = app.gql(agency.admin.token(), list, json!({})).await;
    let cursor = data(&body)["consultants"]["pageInfo"]["endCursor"].clone();
    let id = data(&body)["consultants"]["edges"][0]["node"]["id"].clone();
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": id }),
        )
        .await,
    );
    let body = app
        .gql(agency.admin.token(), list, json!({ "after": cursor }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["extensions"]["fields"]["after"].is_string());
}

struct Pair {
    tender: String,
    other_tender: String,
    consultant: String,
    company: String,
}

async fn pair(app: &TestApp, agency: &Agency) -> Pair {
    let company = make(
        app,
        agency,
        "mutation { createCompany(input: { name: \"Acme\" }) { id } }",
        json!({}),
        "createCompany",
    )
    .await;
    let tender = "mutation($c: ID!, $t: String!) { createTender(input: { companyId: $c, title: $t }) { id } }";
    let t1 = make(
        app,
        agency,
        tender,
        json!({ "c": company, "t": "One" }),
        "createTender",
    )
    .await;
    let t2 = make(
        app,
        agency,
        tender,
        json!({ "c": company, "t": "Two" }),
        "createTender",
    )
    .await;
    for t in [&t1, &t2] {
        data(
            &app.gql(
                agency.admin.token(),
                "mutation($id: ID!) { publishTender(id: $id) { id } }",
                json!({ "id": t }),
            )
            .await,
        );
    }
    let consultant = make(app, agency, "mutation { createConsultant(input: { firstName: \"C\", lastName: \"L\", title: \"T\" }) { id } }", json!({}), "createConsultant").await;
    for t in [&t1, &t2] {
        make(app, agency, "mutation($t: ID!, $c: ID!) { createMatch(input: { tenderId: $t, consultantId: $c }) { id } }", json!({ "t": t, "c": consultant }), "createMatch").await;
    }
    Pair {
        tender: t1,
        other_tender: t2,
        consultant,
        company,
    }
}

#[tokio::test]
async fn nested_match_filters_apply_on_the_first_page_too() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let p = pair(&app, &agency).await;
    let query = "query($id: ID!, $f: MatchFilter) { consultant(id: $id) { matches(filter: $f) { totalCount edges { node { tender { title } } } } } }";
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "id": p.consultant, "f": { "tenderId": p.tender } }),
        )
        .await;
    assert_eq!(data(&body)["consultant"]["matches"]["totalCount"], 1);
    assert_eq!(
        data(&body)["consultant"]["matches"]["edges"][0]["node"]["tender"]["title"],
        "One"
    );
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "id": p.consultant, "f": { "minScore": 2 } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let _ = p.other_tender;
}

#[tokio::test]
async fn tenders_keep_their_matches_consistent() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let p = pair(&app, &agency).await;
    let admin = agency.admin.token();
    let other = make(
        &app,
        &agency,
        "mutation { createCompany(input: { name: \"Other\" }) { id } }",
        json!({}),
        "createCompany",
    )
    .await;
    let body = app.gql(admin, "mutation($id: ID!, $c: ID!) { updateTender(input: { id: $id, companyId: $c }) { id } }", json!({ "id": p.tender, "c": other })).await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    assert!(body["errors"][0]["extensions"]["fields"]["companyId"].is_string());
    // Closing a tender cancels its open matches; nothing can be accepted on it afterwards.
    let body = app
        .gql(
            admin,
            "{ matches(filter: { status: [PENDING] }) { edges { node { id tender { title } } } } }",
            json!({}),
        )
        .await;
    let on_one = data(&body)["matches"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .find(|e| e["node"]["tender"]["title"] == "One")
        .expect("match on One")["node"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": on_one }),
        )
        .await,
    );
    data(
        &app.gql(
            admin,
            "mutation($id: ID!) { closeTender(id: $id) { id } }",
            json!({ "id": p.tender }),
        )
        .await,
    );
    let body = app
        .gql(
            admin,
            "query($id: ID!) { match(id: $id) { status } }",
            json!({ "id": on_one }),
        )
        .await;
    assert_eq!(data(&body)["match"]["status"], "CANCELLED");
    let body = app
        .gql(
            admin,
            "mutation($id: ID!) { acceptMatch(id: $id) { id } }",
            json!({ "id": on_one }),
        )
        .await;
    assert_eq!(code(&body), "CONFLICT");
    let _ = p.company;
}

#[tokio::test]
async fn references_and_collaborations_of_another_tenant() {
    let app = TestApp::spawn().await;
    let mine = app.agency().await;
    let theirs = app.agency().await;
    let p = pair(&app, &mine).await;
    let q = pair(&app, &theirs).await;
    let their_skill = make(
        &app,
        &theirs,
        "mutation { createSkill(input: { name: \"Cobol\" }) { id } }",
        json!({}),
        "createSkill",
    )
    .await;
    let admin = mine.admin.token();
    let body = app.gql(admin, "mutation($id: ID!, $c: ID!) { updateTender(input: { id: $id, companyId: $c }) { id } }", json!({ "id": p.other_tender, "c": q.company })).await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["companyId"].is_string(),
        "{body}"
    );
    let body = app.gql(admin, "mutation($id: ID!, $s: ID!) { setTenderSkills(input: { tenderId: $id, skills: [{ skillId: $s }] }) { id } }", json!({ "id": p.tender, "s": their_skill })).await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["skills[0].skillId"].is_string(),
        "{body}"
    );
    // Their collaboration.
    let body = app
        .gql(
            theirs.admin.token(),
            "{ matches(filter: { status: [PENDING] }) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    let m = data(&body)["matches"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    data(
        &app.gql(
            theirs.admin.token(),
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": m }),
        )
        .await,
    );
    let body = app
        .gql(
            theirs.admin.token(),
            "mutation($id: ID!) { acceptMatch(id: $id) { collaboration { id } } }",
            json!({ "id": m }),
        )
        .await;
    let col = data(&body)["acceptMatch"]["collaboration"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for query in [
        "query($id: ID!) { collaboration(id: $id) { id } }",
        "mutation($id: ID!) { updateCollaboration(input: { id: $id, status: ACTIVE }) { id } }",
        "mutation($id: ID!) { deleteCollaboration(id: $id) }",
    ] {
        let body = app.gql(admin, query, json!({ "id": col })).await;
        assert_eq!(code(&body), "NOT_FOUND", "{query}: {body}");
    }
    let body = app
        .gql(
            theirs.admin.token(),
            "query($id: ID!) { collaboration(id: $id) { status } }",
            json!({ "id": col }),
        )
        .await;
    assert_eq!(data(&body)["collaboration"]["status"], "DRAFT");
    let _ = names;
}
