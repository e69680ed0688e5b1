//! Consultants: encrypted contact data, validation, skills, filters, soft delete, row rules and
//! field guards.

use serde_json::{Value, json};

use crate::helpers::{Agency, TestApp, code, data};

const CREATE: &str = "mutation($i: CreateConsultantInput!) { createConsultant(input: $i) {
    id firstName lastName title dailyRate email phone availabilityDate status remote internalNotes } }";

async fn consultant(app: &TestApp, agency: &Agency, input: Value) -> String {
    let body = app
        .gql(agency.admin.token(), CREATE, json!({ "i": input }))
        .await;
    data(&body)["createConsultant"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn skill(app: &TestApp, agency: &Agency, name: &str) -> String {
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($n: String!) { createSkill(input: { name: $n }) { id } }",
            json!({ "n": name }),
        )
        .await;
    data(&body)["createSkill"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn ada() -> Value {
    json!({
        "firstName": "Ada", "lastName": "Lovelace", "title": "Principal engineer",
        "dailyRate": "650.5", "email": "Ada@Example.test", "phone": "+44 20 7946 0000",
        "availabilityDate": "2027-01-15", "internalNotes": "Prefers short missions",
        "yearsExperience": 12,
    })
}

#[tokio::test]
async fn consultants_are_created_with_encrypted_contact_data_and_redacted_audit() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let body = app
        .gql(agency.admin.token(), CREATE, json!({ "i": ada() }))
        .await;
    let created = &data(&body)["createConsultant"];
    assert_eq!(created["dailyRate"], "650.50");
    assert_eq!(created["email"], "ada@example.test");
    assert_eq!(created["phone"], "+44 20 7946 0000");
    assert_eq!(created["availabilityDate"], "2027-01-15");
    assert_eq!(created["status"], "AVAILABLE");
    assert_eq!(created["remote"], "HYBRID");
    let id = created["id"].as_str().expect("id");

    let row = <entity::consultant::Entity as sea_orm::EntityTrait>::find_by_id(
        uuid::Uuid::parse_str(id).expect("uuid"),
    )
    .one(&app.state.db)
    .await
    .expect("query")
    .expect("row");
    let (email, phone) = (row.email.expect("email"), row.phone.expect("phone"));
    assert!(
        email.starts_with("v1:") && !email.contains("ada"),
        "{email}"
    );
    assert!(
        phone.starts_with("v1:") && !phone.contains("7946"),
        "{phone}"
    );
    assert_eq!(row.daily_rate_cents, Some(65_050));

    let body = app
        .gql(
            agency.admin.token(),
            "mutation($i: UpdateConsultantInput!) { updateConsultant(input: $i) { email phone dailyRate title } }",
            json!({ "i": { "id": id, "email": "ada@new.test", "phone": null, "dailyRate": "700" } }),
        )
        .await;
    assert_eq!(
        data(&body)["updateConsultant"],
        json!({ "email": "ada@new.test", "phone": null, "dailyRate": "700.00", "title": "Principal engineer" })
    );
    let audit = app
        .gql(
            agency.admin.token(),
            "query($id: String) { auditEvents(first: 5, filter: { entityId: $id }) { edges { node { action changes } } } }",
            json!({ "id": id }),
        )
        .await;
    let text = data(&audit)["auditEvents"].to_string();
    for secret in ["ada@", "7946", "650", "700", "short missions"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the audit log: {text}"
        );
    }
    assert!(
        text.contains("consultant.updated") && text.contains("[REDACTED]"),
        "{text}"
    );
}

#[tokio::test]
async fn bad_consultant_input_names_every_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let input = json!({
        "firstName": " ", "lastName": "L", "title": "T",
        "dailyRate": "-5", "email": "not-an-email", "phone": "call me",
        "yearsExperience": 150, "bio": "x".repeat(1_000_000), "availabilityDate": "1800-01-01",
    });
    let body = app
        .gql(agency.admin.token(), CREATE, json!({ "i": input }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let fields = &body["errors"][0]["extensions"]["fields"];
    for field in [
        "firstName",
        "dailyRate",
        "email",
        "phone",
        "yearsExperience",
        "bio",
        "availabilityDate",
    ] {
        assert!(fields[field].is_string(), "{field} not named: {fields}");
    }
    for (rate, field) in [("100000.01", "dailyRate"), ("1.001", "dailyRate")] {
        let mut input = ada();
        input["dailyRate"] = json!(rate);
        let body = app
            .gql(agency.admin.token(), CREATE, json!({ "i": input }))
            .await;
        assert!(
            body["errors"][0]["extensions"]["fields"][field].is_string(),
            "{rate}: {body}"
        );
    }
    let body = app
        .gql(
            agency.admin.token(),
            "{ consultants { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["consultants"]["totalCount"], 0);
    // A malformed date is refused by the scalar itself.
    let mut input = ada();
    input["availabilityDate"] = json!("2027-02-30");
    let body = app
        .gql(agency.admin.token(), CREATE, json!({ "i": input }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
}

#[tokio::test]
async fn skills_are_set_from_the_catalogue_only() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.agency().await;
    let id = consultant(&app, &agency, ada()).await;
    let rust = skill(&app, &agency, "Rust").await;
    let sql = skill(&app, &agency, "SQL").await;
    let foreign = skill(&app, &other, "Cobol").await;
    let set = "mutation($i: SetConsultantSkillsInput!) { setConsultantSkills(input: $i) {
        skills { level yearsExperience skill { name } } } }";
    let bad = [
        (
            json!([{ "skillId": foreign, "level": "EXPERT" }]),
            "skills[0].skillId",
        ),
        (
            json!([{ "skillId": rust, "level": "EXPERT" }, { "skillId": rust, "level": "BEGINNER" }]),
            "skills[1].skillId",
        ),
        (
            json!([{ "skillId": uuid::Uuid::now_v7().to_string(), "level": "EXPERT" }]),
            "skills[0].skillId",
        ),
        (
            json!([{ "skillId": "nope", "level": "EXPERT" }]),
            "skills[0].skillId",
        ),
        (
            json!([{ "skillId": rust, "level": "EXPERT", "yearsExperience": -1 }]),
            "skills[0].yearsExperience",
        ),
    ];
    for (skills, field) in bad {
        let body = app
            .gql(
                agency.admin.token(),
                set,
                json!({ "i": { "consultantId": id, "skills": skills } }),
            )
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert!(
            body["errors"][0]["extensions"]["fields"][field].is_string(),
            "{field}: {body}"
        );
    }
    let body = app
        .gql(
            agency.admin.token(),
            set,
            json!({ "i": { "consultantId": id, "skills": [
                { "skillId": rust, "level": "EXPERT", "yearsExperience": 6 },
                { "skillId": sql, "level": "INTERMEDIATE", "yearsExperience": 3 },
            ] } }),
        )
        .await;
    let skills = data(&body)["setConsultantSkills"]["skills"]
        .as_array()
        .expect("skills")
        .clone();
    assert_eq!(skills.len(), 2);
    assert!(skills.contains(
        &json!({ "level": "EXPERT", "yearsExperience": 6, "skill": { "name": "Rust" } })
    ));
    // Replacing with an empty set removes them.
    let body = app
        .gql(
            agency.admin.token(),
            set,
            json!({ "i": { "consultantId": id, "skills": [] } }),
        )
        .await;
    assert_eq!(data(&body)["setConsultantSkills"]["skills"], json!([]));
}

#[tokio::test]
async fn consultants_are_filtered_and_ordered() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let rust = skill(&app, &agency, "Rust").await;
    let mk = |first: &str, last: &str, title: &str, years: i32, status: &str, available: Value| json!({ "firstName": first, "lastName": last, "title": title, "yearsExperience": years, "status": status, "availabilityDate": available });
    let a = consultant(
        &app,
        &agency,
        mk(
            "Ann",
            "Archer",
            "Rust engineer",
            10,
            "AVAILABLE",
            json!(null),
        ),
    )
    .await;
    let b = consultant(
        &app,
        &agency,
        mk(
            "Bob",
            "Baker",
            "Data analyst",
            3,
            "ON_MISSION",
            json!("2030-06-01"),
        ),
    )
    .await;
    let c = consultant(
        &app,
        &agency,
        mk(
            "Cid",
            "Cole",
            "Go engineer",
            7,
            "AVAILABLE",
            json!("2027-01-01"),
        ),
    )
    .await;
    let set = "mutation($i: SetConsultantSkillsInput!) { setConsultantSkills(input: $i) { id } }";
    for (id, level) in [(&a, "EXPERT"), (&b, "BEGINNER"), (&c, "ADVANCED")] {
        data(&app.gql(agency.admin.token(), set, json!({ "i": { "consultantId": id, "skills": [{ "skillId": rust, "level": level }] } })).await);
    }
    let query = "query($f: ConsultantFilter, $o: ConsultantOrder) { consultants(filter: $f, orderBy: $o) { totalCount edges { node { lastName } } } }";
    let names = |body: &Value| -> Vec<String> {
        data(body)["consultants"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"]["lastName"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let cases = [
        (json!({ "status": ["AVAILABLE"] }), vec!["Archer", "Cole"]),
        (
            json!({ "skills": [{ "skillId": rust, "minLevel": "ADVANCED" }] }),
            vec!["Archer", "Cole"],
        ),
        (
            json!({ "skills": [{ "skillId": rust }] }),
            vec!["Archer", "Baker", "Cole"],
        ),
        (
            json!({ "availableBy": "2028-01-01" }),
            vec!["Archer", "Cole"],
        ),
        (json!({ "text": "ENGINEER" }), vec!["Archer", "Cole"]),
        (
            json!({ "text": "data", "status": ["ON_MISSION", "LEAVING"] }),
            vec!["Baker"],
        ),
    ];
    for (filter, expected) in cases {
        let body = app
            .gql(agency.admin.token(), query, json!({ "f": filter }))
            .await;
        assert_eq!(names(&body), expected, "{filter}");
    }
    let body = app
        .gql(
            agency.admin.token(),
            query,
            json!({ "o": { "field": "YEARS_EXPERIENCE", "direction": "DESC" } }),
        )
        .await;
    assert_eq!(names(&body), ["Archer", "Cole", "Baker"]);
}

#[tokio::test]
async fn deleted_consultants_disappear_until_restored() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let id = consultant(&app, &agency, ada()).await;
    let admin = agency.admin.token();
    let body = app
        .gql(
            admin,
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(data(&body)["deleteConsultant"], id.as_str());
    let body = app
        .gql(
            admin,
            "query($id: ID!) { consultant(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND");
    let body = app.gql(admin, "{ consultants { totalCount } all: consultants(filter: { includeDeleted: true }) { totalCount edges { node { deletedAt } } } }", json!({})).await;
    assert_eq!(data(&body)["consultants"]["totalCount"], 0);
    assert_eq!(data(&body)["all"]["totalCount"], 1);
    assert!(data(&body)["all"]["edges"][0]["node"]["deletedAt"].is_string());
    let body = app
        .gql(
            admin,
            "mutation($id: ID!) { restoreConsultant(id: $id) { deletedAt firstName } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        data(&body)["restoreConsultant"],
        json!({ "deletedAt": null, "firstName": "Ada" })
    );
}

#[tokio::test]
async fn a_consultant_sees_their_own_profile_but_not_internal_notes_or_others() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mine = consultant(&app, &agency, ada()).await;
    let other = consultant(
        &app,
        &agency,
        json!({ "firstName": "Bob", "lastName": "B", "title": "T", "email": "bob@x.test" }),
    )
    .await;
    let me = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": mine }))
        .await;
    let body = app
        .gql(
            me.token(),
            "query($id: ID!) { consultant(id: $id) { firstName email dailyRate internalNotes } }",
            json!({ "id": mine }),
        )
        .await;
    // The rest of the response still returns around the denied field.
    let profile = &body["data"]["consultant"];
    assert_eq!(profile["email"], "ada@example.test");
    assert_eq!(profile["dailyRate"], "650.50");
    assert!(profile["internalNotes"].is_null());
    assert_eq!(code(&body), "FORBIDDEN");
    assert_eq!(
        body["errors"][0]["path"],
        json!(["consultant", "internalNotes"])
    );
    let body = app
        .gql(
            me.token(),
            "query($id: ID!) { consultant(id: $id) { id } }",
            json!({ "id": other }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND");
    let body = app
        .gql(me.token(), "{ consultants { totalCount } }", json!({}))
        .await;
    assert_eq!(data(&body)["consultants"]["totalCount"], 1);
    let body = app
        .gql(
            me.token(),
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": mine }),
        )
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    // A CLIENT with no proposal sees no consultant at all.
    let client = agency.member(&app, "CLIENT").await;
    let body = app
        .gql(
            client.token(),
            "query($id: ID!) { consultant(id: $id) { id } }",
            json!({ "id": mine }),
        )
        .await;
    assert_eq!(code(&body), "NOT_FOUND");
}

#[tokio::test]
async fn consultant_ids_of_another_tenant_are_not_found() {
    let app = TestApp::spawn().await;
    let mine = app.agency().await;
    let theirs = app.agency().await;
    let id = consultant(&app, &theirs, ada()).await;
    let admin = mine.admin.token();
    let cases = [
        "query($id: ID!) { consultant(id: $id) { id } }",
        "mutation($id: ID!) { updateConsultant(input: { id: $id, title: \"x\" }) { id } }",
        "mutation($id: ID!) { deleteConsultant(id: $id) }",
        "mutation($id: ID!) { restoreConsultant(id: $id) { id } }",
        "mutation($id: ID!) { setConsultantSkills(input: { consultantId: $id, skills: [] }) { id } }",
    ];
    for query in cases {
        let body = app.gql(admin, query, json!({ "id": id })).await;
        assert_eq!(code(&body), "NOT_FOUND", "{query}: {body}");
    }
    // Linking a user to another tenant's consultant is refused, naming the field.
    let body = app
        .gql(admin, "mutation($c: ID!) { inviteUser(input: { email: \"x@y.test\", role: CONSULTANT, consultantId: $c }) { id } }", json!({ "c": id }))
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["consultantId"].is_string(),
        "{body}"
    );
    // And to another tenant's company.
    let company = theirs.company(&app, "Theirs").await;
    let body = app
        .gql(admin, "mutation($c: ID!) { inviteUser(input: { email: \"x@y.test\", role: CLIENT, companyId: $c }) { id } }", json!({ "c": company }))
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["companyId"].is_string(),
        "{body}"
    );
}
