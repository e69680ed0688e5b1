//! The dashboard's figures: `tenderCounts`, `matchFunnel` and `workflowRunCounts` count what the
//! caller may see (its row scope), never another company's or organisation's rows; an id the
//! caller may not see is `NOT_FOUND`.

use serde_json::{Value, json};

use crate::helpers::{TestApp, code, data};

/// `[{status, count}]` as a map.
fn counts(list: &Value) -> std::collections::BTreeMap<String, i64> {
    list.as_array()
        .expect("a list of counts")
        .iter()
        .map(|c| {
            (
                c["status"].as_str().expect("status").to_owned(),
                c["count"].as_i64().expect("count"),
            )
        })
        .collect()
}

const FIGURES: &str = "query($t: ID, $c: ID) { tenderCounts(companyId: $c) { status count } matchFunnel(tenderId: $t, companyId: $c) { status count } }";

#[tokio::test]
async fn figures_count_only_what_each_role_sees() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let (a, b) = (
        agency.company(&app, "Acme").await,
        agency.company(&app, "Globex").await,
    );
    agency.draft_tender(&app, &a, json!({})).await;
    let a1 = agency.open_tender(&app, &a, json!({ "title": "A1" })).await;
    let a2 = agency.open_tender(&app, &a, json!({ "title": "A2" })).await;
    let b1 = agency.open_tender(&app, &b, json!({ "title": "B1" })).await;
    let mut people = Vec::new();
    for name in ["Ada", "Bob", "Cy"] {
        people.push(agency.consultant(&app, json!({ "firstName": name })).await);
    }
    agency.pending_match(&app, &a1, &people[0]).await;
    agency.proposed_match(&app, &a1, &people[1]).await;
    let accepted = agency.proposed_match(&app, &a1, &people[2]).await;
    agency.proposed_match(&app, &a2, &people[0]).await;
    agency.pending_match(&app, &b1, &people[1]).await;
    agency.proposed_match(&app, &b1, &people[2]).await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": a }))
        .await;
    data(
        &app.gql(
            client.token(),
            "mutation($id: ID!) { acceptMatch(id: $id) { status } }",
            json!({ "id": accepted }),
        )
        .await,
    );

    // The agency sees everything.
    let body = app.gql(agency.admin.token(), FIGURES, json!({})).await;
    let tenders = counts(&data(&body)["tenderCounts"]);
    assert_eq!(tenders.len(), 5, "every status, zeros included: {body}");
    assert_eq!((tenders["DRAFT"], tenders["OPEN"]), (1, 3), "{body}");
    let funnel = counts(&data(&body)["matchFunnel"]);
    assert_eq!(
        (funnel["PENDING"], funnel["PROPOSED"], funnel["ACCEPTED"]),
        (2, 3, 1),
        "{body}"
    );
    // In funnel order.
    let order: Vec<&str> = data(&body)["matchFunnel"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["status"].as_str())
        .collect();
    assert_eq!(
        order,
        ["PENDING", "PROPOSED", "ACCEPTED", "REJECTED", "CANCELLED"]
    );
    let body = app
        .gql(agency.admin.token(), FIGURES, json!({ "t": a1 }))
        .await;
    let funnel = counts(&data(&body)["matchFunnel"]);
    assert_eq!(
        (funnel["PENDING"], funnel["PROPOSED"], funnel["ACCEPTED"]),
        (1, 1, 1)
    );
    let body = app
        .gql(agency.admin.token(), FIGURES, json!({ "c": b }))
        .await;
    assert_eq!(counts(&data(&body)["tenderCounts"])["OPEN"], 1);
    let funnel = counts(&data(&body)["matchFunnel"]);
    assert_eq!((funnel["PENDING"], funnel["PROPOSED"]), (1, 1));

    // The CLIENT: its company's tenders only, and their matches from PROPOSED on.
    let body = app.gql(client.token(), FIGURES, json!({})).await;
    let funnel = counts(&data(&body)["matchFunnel"]);
    assert_eq!(
        (funnel["PENDING"], funnel["PROPOSED"], funnel["ACCEPTED"]),
        (0, 2, 1),
        "{body}"
    );
    // What it counts is what it can list.
    for (status, n) in counts(&data(&body)["tenderCounts"]) {
        let listed = app
            .gql(
                client.token(),
                "query($s: [TenderStatus!]) { tenders(filter: { status: $s }) { totalCount } }",
                json!({ "s": [status] }),
            )
            .await;
        assert_eq!(data(&listed)["tenders"]["totalCount"], n, "{status}");
    }
    for vars in [json!({ "c": b }), json!({ "t": b1 })] {
        assert_eq!(
            code(&app.gql(client.token(), FIGURES, vars.clone()).await),
            "NOT_FOUND",
            "{vars}"
        );
    }

    // Another organisation: nothing of this one, and its ids are NOT_FOUND.
    let other = app.agency().await;
    let body = app.gql(other.admin.token(), FIGURES, json!({})).await;
    assert!(
        counts(&data(&body)["tenderCounts"])
            .values()
            .all(|n| *n == 0)
            && counts(&data(&body)["matchFunnel"])
                .values()
                .all(|n| *n == 0),
        "{body}"
    );
    for vars in [json!({ "c": a }), json!({ "t": a1 })] {
        assert_eq!(
            code(&app.gql(other.admin.token(), FIGURES, vars.clone()).await),
            "NOT_FOUND",
            "{vars}"
        );
    }
    assert_eq!(
        code(
            &app.gql(agency.admin.token(), FIGURES, json!({ "t": "nope" }))
                .await
        ),
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn run_figures_count_the_last_day_of_runs_for_the_agency_only() {
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    let agency = app.agency().await;
    let workflow = agency
        .make(
            &app,
            "mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { id } }",
            json!({ "i": {
                "name": "Nudge",
                "trigger": { "kind": "MANUAL" },
                "steps": [{ "kind": "SEND_EMAIL", "config": { "to": "a@example.com", "subject": "s", "body": "b" } }],
            } }),
            "createWorkflow",
        )
        .await;
    for _ in 0..2 {
        data(
            &app.gql(
                agency.admin.token(),
                "mutation($w: ID!) { runWorkflow(input: { workflowId: $w }) { id } }",
                json!({ "w": workflow }),
            )
            .await,
        );
    }
    let query = "query($s: DateTime) { workflowRunCounts(since: $s) { status count } }";
    let body = app.gql(agency.admin.token(), query, json!({})).await;
    let runs = counts(&data(&body)["workflowRunCounts"]);
    assert_eq!(runs["QUEUED"], 2, "no worker runs them here: {body}");
    assert_eq!(runs.values().sum::<i64>(), 2);
    let later = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339();
    let body = app
        .gql(agency.admin.token(), query, json!({ "s": later }))
        .await;
    assert_eq!(
        counts(&data(&body)["workflowRunCounts"])
            .values()
            .sum::<i64>(),
        0
    );
    let manager = agency.member(&app, "MANAGER").await;
    let body = app.gql(manager.token(), query, json!({})).await;
    assert_eq!(
        counts(&data(&body)["workflowRunCounts"])["QUEUED"],
        2,
        "{body}"
    );

    let other = app.agency().await;
    let body = app.gql(other.admin.token(), query, json!({})).await;
    assert_eq!(
        counts(&data(&body)["workflowRunCounts"])
            .values()
            .sum::<i64>(),
        0
    );
    // Not a CLIENT's to see: the field is not in its schema.
    let client_company = agency.company(&app, "Initech").await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": client_company }))
        .await;
    let body = app.gql(client.token(), query, json!({})).await;
    assert!(
        body["errors"].is_array() && body["data"].is_null(),
        "{body}"
    );
}
