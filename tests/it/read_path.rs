//! The read path's shortcuts keep the product's rules: reads go through their own connections
//! (on SQLite they never queue behind the one writer), and documents parsed once are still
//! validated for each caller and run as the operation each request names.

use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, TransactionTrait as _};
use serde_json::{Value, json};

use crate::helpers::{TestApp, code, data};

/// A read answers while a write transaction is open, and sees what it committed once it has.
/// On SQLite a single shared connection made every read wait for the writer (and fail after
/// the pool's acquire timeout); in WAL mode the read-only connections read past it.
#[tokio::test]
async fn a_read_does_not_wait_for_an_open_write_transaction() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Before").await;
    let read = "{ companies(first: 5) { edges { node { id name } } } }";
    let names = |body: &Value| -> Vec<String> {
        data(body)["companies"]["edges"]
            .as_array()
            .map(|edges| {
                edges
                    .iter()
                    .filter_map(|e| e["node"]["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };

    let txn = app.state.writer().begin().await.expect("begin");
    let renamed = entity::company::Entity::update_many()
        .col_expr(entity::company::Column::Name, Expr::value("After"))
        .filter(entity::company::Column::Id.eq(uuid::Uuid::parse_str(&company).expect("id")))
        .exec(&txn)
        .await
        .expect("update inside the open transaction");
    assert_eq!(renamed.rows_affected, 1);
    // Well under the pool's acquire timeout (2 s): the read must not wait for the writer.
    let body = tokio::time::timeout(
        Duration::from_millis(1500),
        app.gql(agency.admin.token(), read, json!({})),
    )
    .await
    .expect("the read answered while the write transaction was open");
    assert_eq!(names(&body), ["Before"], "{body}");

    txn.commit().await.expect("commit");
    let body = app.gql(agency.admin.token(), read, json!({})).await;
    assert_eq!(names(&body), ["After"], "a committed write is read at once");
    // Writes still go through the writer.
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: UpdateCompanyInput!) { updateCompany(input: $i) { name } }",
            json!({ "i": { "id": company, "name": "Again" } }),
        )
        .await;
    assert_eq!(data(&body)["updateCompany"]["name"], "Again");
}

/// The same text sent by two roles: parsed once, validated and guarded for each.
#[tokio::test]
async fn a_document_seen_before_is_still_checked_for_each_caller() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let client = agency.member(&app, "CONSULTANT").await;
    let audit = "{ auditEvents(first: 1) { totalCount } }";
    for _ in 0..2 {
        let body = app.gql(agency.admin.token(), audit, json!({})).await;
        assert!(data(&body)["auditEvents"]["totalCount"].is_u64(), "{body}");
        let body = app.gql(client.token(), audit, json!({})).await;
        assert_ne!(code(&body), "<none>", "{body}");
        assert!(body["data"]["auditEvents"].is_null(), "{body}");
    }
    // A document that failed its limits fails again (failures are not kept as passes).
    let deep = format!("{{ me {} id {} }}", "{ tenant ".repeat(20), "}".repeat(20));
    for _ in 0..2 {
        let body = app.gql(agency.admin.token(), &deep, json!({})).await;
        assert_ne!(code(&body), "<none>", "{body}");
    }
}

/// One document with a query and a mutation: each request runs the operation it names — a
/// cached query must not let the mutation through GET, nor send it to a read-only connection.
#[tokio::test]
async fn each_operation_of_a_document_runs_as_its_request_names_it() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Named").await;
    let document = format!(
        "query Read {{ company(id: \"{company}\") {{ name }} }} \
         mutation Write {{ updateCompany(input: {{ id: \"{company}\", name: \"Written\" }}) {{ name }} }}"
    );
    let send = |operation: &'static str| {
        app.client
            .post(app.url("/graphql"))
            .bearer_auth(&agency.admin.access)
            .json(&json!({ "query": document, "operationName": operation }))
            .send()
    };
    let body: Value = send("Read")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(data(&body)["company"]["name"], "Named");

    let response = app
        .client
        .get(app.url("/graphql"))
        .bearer_auth(&agency.admin.access)
        .query(&[("query", document.as_str()), ("operationName", "Write")])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405, "a mutation over GET");

    let body: Value = send("Write")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(data(&body)["updateCompany"]["name"], "Written");
    let body: Value = send("Read")
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(data(&body)["company"]["name"], "Written");
}
