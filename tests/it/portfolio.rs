//! Portfolios: a consultant's past projects, under the consultant row rules; a client sees the
//! portfolio of the consultants proposed to it, without the projects marked internal.

use serde_json::{Value, json};

use crate::helpers::{TestApp, code, data};

const FIELDS: &str = "id title description clientName url startDate endDate internal company { name } skills { name } consultant { id }";

fn create_query() -> String {
    format!(
        "mutation($i: CreatePortfolioProjectInput!) {{ createPortfolioProject(input: $i) {{ {FIELDS} }} }}"
    )
}

async fn create(app: &TestApp, token: Option<&str>, input: Value) -> Value {
    app.gql(token, &create_query(), json!({ "i": input })).await
}

fn id_of(body: &Value) -> String {
    data(body)["createPortfolioProject"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

const PORTFOLIO: &str = "query($id: ID!) { consultant(id: $id) { portfolio { title internal } } }";
const PROJECT: &str = "query($id: ID!) { portfolioProject(id: $id) { id title } }";

#[tokio::test]
async fn portfolios_follow_the_consultant_rules_and_clients_never_see_internal_projects() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let go = agency.skill(&app, "Go").await;
    let rust = agency.skill(&app, "Rust").await;
    let company = agency.company(&app, "Client Co").await;
    let jane = agency
        .consultant(&app, json!({ "firstName": "Jane" }))
        .await;
    let john = agency
        .consultant(&app, json!({ "firstName": "John" }))
        .await;

    let body = create(
        &app,
        admin,
        json!({
            "consultantId": jane, "title": "Billing platform", "description": "Stripe billing in Go",
            "companyId": company, "url": "https://acme.test/billing",
            "startDate": "2021-01-01", "endDate": "2022-06-30", "skillIds": [rust, go],
        }),
    )
    .await;
    let public = id_of(&body);
    let project = &data(&body)["createPortfolioProject"];
    assert_eq!(project["company"]["name"], "Client Co");
    assert_eq!(
        project["skills"],
        json!([{ "name": "Rust" }, { "name": "Go" }])
    );
    assert_eq!(project["internal"], false);
    assert_eq!(project["consultant"]["id"], jane.as_str());
    let internal = id_of(
        &create(
            &app,
            admin,
            json!({ "consultantId": jane, "title": "Internal tooling", "internal": true, "clientName": "ourselves" }),
        )
        .await,
    );

    // Every bad field at once, nothing written.
    let other = app.agency().await;
    let foreign_company = other.company(&app, "Elsewhere").await;
    let body = create(
        &app,
        admin,
        json!({
            "consultantId": jane, "title": " ", "url": "ftp://files.test/x",
            "startDate": "2022-01-01", "endDate": "2021-01-01",
            "companyId": foreign_company, "skillIds": [go, go, foreign_company],
        }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let fields = &body["errors"][0]["extensions"]["fields"];
    for field in [
        "title",
        "url",
        "endDate",
        "companyId",
        "skillIds[1]",
        "skillIds[2]",
    ] {
        assert!(fields[field].is_string(), "{field} in {body}");
    }
    let body = app.gql(admin, PORTFOLIO, json!({ "id": jane })).await;
    assert_eq!(
        data(&body)["consultant"]["portfolio"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // A consultant keeps their own portfolio, and only theirs.
    let jane_session = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": jane }))
        .await;
    let body = create(
        &app,
        jane_session.token(),
        json!({ "consultantId": jane, "title": "Open-source CLI", "skillIds": [rust] }),
    )
    .await;
    let own = id_of(&body);
    let body = create(
        &app,
        jane_session.token(),
        json!({ "consultantId": john, "title": "Not mine" }),
    )
    .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let johns = id_of(
        &create(
            &app,
            admin,
            json!({ "consultantId": john, "title": "John's" }),
        )
        .await,
    );
    let body = app
        .gql(
            jane_session.token(),
            "mutation($id: ID!) { updatePortfolioProject(input: { id: $id, title: \"Mine now\" }) { id } }",
            json!({ "id": johns }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = app
        .gql(
            jane_session.token(),
            "mutation($id: ID!) { updatePortfolioProject(input: { id: $id, description: null, skillIds: [] }) { description skills { name } } }",
            json!({ "id": public }),
        )
        .await;
    let updated = &data(&body)["updatePortfolioProject"];
    assert!(updated["description"].is_null());
    assert_eq!(updated["skills"], json!([]));
    // Her own project the agency hid stays hidden: only staff show it to clients.
    let body = app
        .gql(
            jane_session.token(),
            "mutation($id: ID!) { updatePortfolioProject(input: { id: $id, internal: false }) { id } }",
            json!({ "id": internal }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["extensions"]["fields"]["internal"].is_string());

    // A client sees nothing of Jane until she is proposed to it, then not the internal project.
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": company }))
        .await;
    let body = app
        .gql(client.token(), PROJECT, json!({ "id": public }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let tender = agency.open_tender(&app, &company, json!({})).await;
    agency.proposed_match(&app, &tender, &jane).await;
    let body = app
        .gql(client.token(), PORTFOLIO, json!({ "id": jane }))
        .await;
    let mut titles: Vec<&str> = data(&body)["consultant"]["portfolio"]
        .as_array()
        .expect("portfolio")
        .iter()
        .filter_map(|p| p["title"].as_str())
        .collect();
    titles.sort_unstable();
    assert_eq!(titles, ["Billing platform", "Open-source CLI"]);
    let body = app
        .gql(client.token(), PROJECT, json!({ "id": internal }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = app
        .gql(client.token(), PROJECT, json!({ "id": johns }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = create(
        &app,
        client.token(),
        json!({ "consultantId": jane, "title": "x" }),
    )
    .await;
    assert!(
        matches!(code(&body), "FORBIDDEN" | "GRAPHQL_VALIDATION_FAILED"),
        "{body}"
    );

    // Another organisation: nothing exists.
    let body = app
        .gql(other.admin.token(), PROJECT, json!({ "id": public }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = app
        .gql(
            other.admin.token(),
            "mutation($id: ID!) { deletePortfolioProject(id: $id) }",
            json!({ "id": public }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");

    // Deleted: gone for everyone.
    let body = app
        .gql(
            jane_session.token(),
            "mutation($id: ID!) { deletePortfolioProject(id: $id) }",
            json!({ "id": own }),
        )
        .await;
    assert_eq!(data(&body)["deletePortfolioProject"], own.as_str());
    let body = app.gql(admin, PROJECT, json!({ "id": own })).await;
    assert_eq!(code(&body), "NOT_FOUND");
}
