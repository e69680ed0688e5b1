//! Client companies and the skill catalogue: CRUD, validation, scoping, ordering and audit.

use serde_json::{Value, json};

use crate::helpers::{TestApp, code, data};

const CREATE_COMPANY: &str = "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { id name description website address } }";
const CREATE_SKILL: &str =
    "mutation($i: CreateSkillInput!) { createSkill(input: $i) { id name category } }";

async fn company(app: &TestApp, token: Option<&str>, name: &str) -> String {
    let body = app
        .gql(token, CREATE_COMPANY, json!({ "i": { "name": name } }))
        .await;
    data(&body)["createCompany"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn fields(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]["fields"]
}

#[tokio::test]
async fn companies_are_created_updated_and_deleted_with_audit() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let body = app
        .gql(
            admin,
            CREATE_COMPANY,
            json!({ "i": { "name": "  Acme  ", "description": "Rockets", "website": "https://acme.test", "address": "1 Road" } }),
        )
        .await;
    let created = &data(&body)["createCompany"];
    assert_eq!(created["name"], "Acme");
    let id = created["id"].as_str().expect("id");

    let body = app
        .gql(
            admin,
            "mutation($i: UpdateCompanyInput!) { updateCompany(input: $i) { name description website address } }",
            json!({ "i": { "id": id, "name": "Acme Corp", "description": null } }),
        )
        .await;
    assert_eq!(
        data(&body)["updateCompany"],
        json!({ "name": "Acme Corp", "description": null, "website": "https://acme.test", "address": "1 Road" })
    );

    let body = app
        .gql(
            admin,
            "mutation($i: DeleteCompanyInput!) { deleteCompany(input: $i) }",
            json!({ "i": { "id": id } }),
        )
        .await;
    assert_eq!(data(&body)["deleteCompany"], id);
    let body = app
        .gql(
            admin,
            "query($id: ID!) { company(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND");

    let audit = app
        .gql(
            admin,
            "query($id: String) { auditEvents(first: 10, filter: { entityId: $id }) { edges { node { action changes } } } }",
            json!({ "id": id }),
        )
        .await;
    let events: Vec<&Value> = data(&audit)["auditEvents"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .collect();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        actions,
        ["company.deleted", "company.updated", "company.created"]
    );
    assert_eq!(
        events[1]["node"]["changes"],
        json!({ "name": { "from": "Acme", "to": "Acme Corp" }, "description": { "from": "Rockets", "to": null } })
    );
}

#[tokio::test]
async fn company_input_is_validated_naming_the_field() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let cases = [
        (json!({ "name": "" }), "name"),
        (json!({ "name": "x".repeat(201) }), "name"),
        (
            json!({ "name": "Acme", "website": "javascript:alert(1)" }),
            "website",
        ),
        (
            json!({ "name": "Acme", "description": "x".repeat(1_000_000) }),
            "description",
        ),
    ];
    for (input, field) in cases {
        let body = app.gql(admin, CREATE_COMPANY, json!({ "i": input })).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{field}: {body}");
        assert!(fields(&body)[field].is_string(), "{field}: {body}");
    }
    let body = app
        .gql(admin, "{ companies { totalCount } }", json!({}))
        .await;
    assert_eq!(
        data(&body)["companies"]["totalCount"],
        0,
        "nothing was written"
    );
}

#[tokio::test]
async fn companies_are_listed_by_name_with_cursors_and_text_filter() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo"] {
        company(&app, admin, name).await;
    }
    let query = "query($after: String, $o: CompanyOrder, $f: CompanyFilter) {
        companies(first: 2, after: $after, orderBy: $o, filter: $f) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }";
    let mut names = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app.gql(admin, query, json!({ "after": after })).await;
        let page = &data(&body)["companies"];
        assert_eq!(page["totalCount"], 5);
        names.extend(
            page["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"]["name"].as_str().expect("name").to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    // Sorted by the stored name (byte order: capitals first on both databases).
    assert_eq!(names, ["Alpha", "Bravo", "charlie", "delta", "echo"]);
    let body = app
        .gql(
            admin,
            query,
            json!({ "o": { "field": "NAME", "direction": "DESC" } }),
        )
        .await;
    let first: Vec<&str> = data(&body)["companies"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(first, ["echo", "delta"]);
    let body = app
        .gql(admin, query, json!({ "f": { "text": "ALP" } }))
        .await;
    assert_eq!(data(&body)["companies"]["totalCount"], 1);
}

#[tokio::test]
async fn deleting_a_company_with_tenders_conflicts_unless_cascading() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let id = company(&app, admin, "Busy").await;
    let now = chrono::Utc::now();
    let tenant = uuid::Uuid::parse_str(&agency.tenant_id).expect("uuid");
    let company_id = uuid::Uuid::parse_str(&id).expect("uuid");
    sea_orm::ActiveModelTrait::insert(
        entity::tender::ActiveModel {
            id: sea_orm::Set(uuid::Uuid::now_v7()),
            tenant_id: sea_orm::Set(tenant),
            company_id: sea_orm::Set(company_id),
            title: sea_orm::Set("Tender".into()),
            description: sea_orm::Set(None),
            start_date: sea_orm::Set(None),
            end_date: sea_orm::Set(None),
            location: sea_orm::Set(None),
            remote_allowed: sea_orm::Set(false),
            budget_min_cents: sea_orm::Set(None),
            budget_max_cents: sea_orm::Set(None),
            status: sea_orm::Set(entity::TenderStatus::Draft),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
        },
        &app.state.db,
    )
    .await
    .expect("tender");
    let delete = "mutation($i: DeleteCompanyInput!) { deleteCompany(input: $i) }";
    let body = app.gql(admin, delete, json!({ "i": { "id": id } })).await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    assert!(fields(&body)["id"].is_string());
    let body = app
        .gql(admin, delete, json!({ "i": { "id": id, "cascade": true } }))
        .await;
    assert_eq!(data(&body)["deleteCompany"], id.as_str());
}

#[tokio::test]
async fn skills_are_unique_per_tenant_case_insensitively() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.agency().await;
    let admin = agency.admin.token();
    let body = app
        .gql(
            admin,
            CREATE_SKILL,
            json!({ "i": { "name": "Rust", "category": "Languages" } }),
        )
        .await;
    let rust = data(&body)["createSkill"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let body = app
        .gql(admin, CREATE_SKILL, json!({ "i": { "name": " rUST " } }))
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    assert!(fields(&body)["name"].is_string());
    // Another organisation has its own catalogue.
    data(
        &app.gql(
            other.admin.token(),
            CREATE_SKILL,
            json!({ "i": { "name": "Rust" } }),
        )
        .await,
    );

    let body = app
        .gql(admin, CREATE_SKILL, json!({ "i": { "name": "Go" } }))
        .await;
    let go = data(&body)["createSkill"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let update = "mutation($i: UpdateSkillInput!) { updateSkill(input: $i) { name category } }";
    let body = app
        .gql(admin, update, json!({ "i": { "id": go, "name": "RUST" } }))
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let body = app
        .gql(
            admin,
            update,
            json!({ "i": { "id": rust, "name": "rust", "category": null } }),
        )
        .await;
    assert_eq!(
        data(&body)["updateSkill"],
        json!({ "name": "rust", "category": null })
    );

    let body = app
        .gql(
            admin,
            "{ skills(orderBy: { field: NAME }) { edges { node { name } } } }",
            json!({}),
        )
        .await;
    let names: Vec<&str> = data(&body)["skills"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names, ["Go", "rust"]);
}

#[tokio::test]
async fn every_role_reads_the_catalogue_but_only_the_agency_writes_it() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    data(
        &app.gql(
            agency.admin.token(),
            CREATE_SKILL,
            json!({ "i": { "name": "SQL" } }),
        )
        .await,
    );
    let manager = agency.member(&app, "MANAGER").await;
    data(
        &app.gql(
            manager.token(),
            CREATE_SKILL,
            json!({ "i": { "name": "Kotlin" } }),
        )
        .await,
    );
    data(
        &app.gql(
            manager.token(),
            CREATE_COMPANY,
            json!({ "i": { "name": "By manager" } }),
        )
        .await,
    );
    for role in ["CONSULTANT", "CLIENT"] {
        let member = agency.member(&app, role).await;
        let body = app
            .gql(member.token(), "{ skills { totalCount } }", json!({}))
            .await;
        assert_eq!(data(&body)["skills"]["totalCount"], 2, "{role}");
        let body = app
            .gql(
                member.token(),
                CREATE_SKILL,
                json!({ "i": { "name": "Nope" } }),
            )
            .await;
        assert_eq!(code(&body), "FORBIDDEN", "{role}");
        let body = app
            .gql(
                member.token(),
                CREATE_COMPANY,
                json!({ "i": { "name": "Nope" } }),
            )
            .await;
        assert_eq!(code(&body), "FORBIDDEN", "{role}");
        // A CLIENT without a company and a CONSULTANT without open tenders see no company.
        let body = app
            .gql(member.token(), "{ companies { totalCount } }", json!({}))
            .await;
        assert_eq!(data(&body)["companies"]["totalCount"], 0, "{role}");
    }
}

#[tokio::test]
async fn company_and_skill_ids_of_another_tenant_are_not_found() {
    let app = TestApp::spawn().await;
    let mine = app.agency().await;
    let theirs = app.agency().await;
    let their_company = company(&app, theirs.admin.token(), "Theirs").await;
    let body = app
        .gql(
            theirs.admin.token(),
            CREATE_SKILL,
            json!({ "i": { "name": "Secret" } }),
        )
        .await;
    let their_skill = data(&body)["createSkill"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let admin = mine.admin.token();
    let cases = [
        (
            "query($id: ID!) { company(id: $id) { id } }",
            json!({ "id": their_company }),
        ),
        (
            "mutation($id: ID!) { updateCompany(input: { id: $id, name: \"x\" }) { id } }",
            json!({ "id": their_company }),
        ),
        (
            "mutation($id: ID!) { deleteCompany(input: { id: $id, cascade: true }) }",
            json!({ "id": their_company }),
        ),
        (
            "query($id: ID!) { skill(id: $id) { id } }",
            json!({ "id": their_skill }),
        ),
        (
            "mutation($id: ID!) { updateSkill(input: { id: $id, name: \"x\" }) { id } }",
            json!({ "id": their_skill }),
        ),
        (
            "mutation($id: ID!) { deleteSkill(id: $id) }",
            json!({ "id": their_skill }),
        ),
    ];
    for (query, vars) in cases {
        let body = app.gql(admin, query, vars).await;
        assert_eq!(code(&body), "NOT_FOUND", "{query}: {body}");
    }
    let body = app
        .gql(
            theirs.admin.token(),
            "query($id: ID!) { company(id: $id) { name } }",
            json!({ "id": their_company }),
        )
        .await;
    assert_eq!(data(&body)["company"]["name"], "Theirs");
}
