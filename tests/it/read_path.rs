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

/// An organisation with a row of every kind read in bulk, with every column set and with
/// the optional ones empty.
async fn varied_rows(app: &TestApp) -> crate::helpers::Agency {
    let agency = app.agency().await;
    let full_company = agency
        .make(
            app,
            "mutation($i: CreateCompanyInput!) { createCompany(input: $i) { id } }",
            json!({ "i": { "name": "Full Co", "description": "A client", "website": "https://full.test", "address": "1 Main St" } }),
            "createCompany",
        )
        .await;
    let bare_company = agency.company(app, "Bare Co").await;
    let skills = [
        agency
            .make(
                app,
                "mutation { createSkill(input: { name: \"Rust\", category: \"Languages\" }) { id } }",
                json!({}),
                "createSkill",
            )
            .await,
        agency.skill(app, "Kubernetes").await,
    ];
    let full = agency
        .consultant(
            app,
            json!({ "firstName": "Ada", "lastName": "Lovelace", "title": "Architect", "bio": "Engines",
                    "yearsExperience": 12, "dailyRate": "812.50", "email": "ada@full.test",
                    "phone": "+33 1 23 45 67 89", "availabilityDate": "2027-03-01",
                    "status": "ON_MISSION", "location": "Paris", "remote": "HYBRID",
                    "internalNotes": "Top" }),
        )
        .await;
    let bare = agency.consultant(app, json!({})).await;
    let gone = agency.consultant(app, json!({ "lastName": "Gone" })).await;
    for (consultant, level) in [(&full, "EXPERT"), (&bare, "BEGINNER")] {
        data(&app.gql(agency.admin.token(),
            "mutation($id: ID!, $a: ID!, $b: ID!, $l: SkillLevel!) { setConsultantSkills(input: { consultantId: $id, skills: [{ skillId: $a, level: $l, yearsExperience: 7 }, { skillId: $b, level: INTERMEDIATE, yearsExperience: 2 }] }) { id } }",
            json!({ "id": consultant, "a": skills[0], "b": skills[1], "l": level })).await);
    }
    let tender = agency
        .open_tender(
            app,
            &full_company,
            json!({ "title": "Payments", "description": "Billing", "startDate": "2027-04-01",
                    "endDate": "2027-09-30", "location": "Lyon", "remoteAllowed": true,
                    "budgetMin": "600", "budgetMax": "900" }),
        )
        .await;
    agency.draft_tender(app, &bare_company, json!({})).await;
    data(&app.gql(agency.admin.token(),
        "mutation($id: ID!, $a: ID!, $b: ID!) { setTenderSkills(input: { tenderId: $id, skills: [{ skillId: $a, importance: REQUIRED, minLevel: ADVANCED }, { skillId: $b, importance: NICE_TO_HAVE, minLevel: BEGINNER }] }) { id } }",
        json!({ "id": tender, "a": skills[0], "b": skills[1] })).await);
    let decided = agency.proposed_match(app, &tender, &full).await;
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { updateMatch(input: { id: $id, notes: \"Strong\" }) { id } }",
            json!({ "id": decided }),
        )
        .await,
    );
    data(&app.gql(agency.admin.token(),
        "mutation($id: ID!) { rejectMatch(input: { id: $id, reason: \"Too expensive\" }) { id } }",
        json!({ "id": decided })).await);
    agency.pending_match(app, &tender, &bare).await;
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($id: ID!) { deleteConsultant(id: $id) }",
            json!({ "id": gone }),
        )
        .await,
    );
    agency
}

/// Every positional decoder reads what sea-orm's own decoding reads, NULLs included.
#[tokio::test]
async fn rows_read_by_position_equal_rows_read_by_name() {
    use talentgraph::db::rows;
    let app = TestApp::spawn().await;
    varied_rows(&app).await;
    let db = &app.state.db;
    macro_rules! same {
        ($($entity:ident),*) => {$(
            let by_name = entity::$entity::Entity::find().all(db).await.expect("by name");
            let by_position = rows::all(db, entity::$entity::Entity::find()).await.expect("by position");
            assert!(by_name.len() >= 2, "{}: {by_name:?}", stringify!($entity));
            assert_eq!(by_position, by_name, "{}", stringify!($entity));
        )*};
    }
    same!(
        company,
        skill,
        consultant,
        consultant_skill,
        tender,
        tender_skill,
        tender_match
    );
}

/// Skills written as plain objects (a consultant's and a tender's) answer exactly what the
/// derived path answers, for every field the schema gives them, with aliases, fragments,
/// `__typename` and a key selected twice.
#[tokio::test]
async fn plain_objects_answer_like_the_derived_ones() {
    let app = TestApp::spawn().await;
    let agency = varied_rows(&app).await;
    let token = agency.admin.token();
    let fields = |name: &str| {
        let app = &app;
        let name = name.to_owned();
        async move {
            let body = app
                .gql(
                    token,
                    "query($n: String!) { __type(name: $n) { fields { name } } }",
                    json!({ "n": name }),
                )
                .await;
            data(&body)["__type"]["fields"]
                .as_array()
                .map(|fields| {
                    fields
                        .iter()
                        .filter_map(|f| f["name"].as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default()
        }
    };
    let skill = fields("Skill").await;
    let consultant_skill = fields("ConsultantSkill")
        .await
        .replace("skill", &format!("skill {{ {skill} }}"));
    let tender_skill = fields("TenderSkill")
        .await
        .replace("skill", &format!("skill {{ {skill} }}"));
    assert!(
        skill.contains("createdAt")
            && consultant_skill.contains("level")
            && tender_skill.contains("minLevel")
    );

    // Every field of the entries through the plain path; their skills against the derived
    // path (`skill(id)` returns an `#[Object]`), their own fields against what was set.
    let plain = app
        .gql(
            token,
            &format!(
                "{{ consultants(first: 10) {{ edges {{ node {{ lastName skills {{ {consultant_skill} __typename alias: level ...Again ... on ConsultantSkill {{ skill {{ __typename }} }} }} }} }} }}
                   tenders(first: 10) {{ edges {{ node {{ title requiredSkills {{ {tender_skill} ... {{ importance }} }} }} }} }} }}
                 fragment Again on ConsultantSkill {{ skill {{ name id }} yearsExperience }}"
            ),
            json!({}),
        )
        .await;
    let plain = data(&plain);
    let same_skill = |plain: &Value| {
        let app = &app;
        let plain = plain.clone();
        let skill = skill.clone();
        async move {
            let derived = app
                .gql(
                    token,
                    &format!("query($id: ID!) {{ skill(id: $id) {{ {skill} }} }}"),
                    json!({ "id": plain["id"] }),
                )
                .await;
            let derived = &data(&derived)["skill"];
            for (key, value) in derived.as_object().into_iter().flatten() {
                assert_eq!(&plain[key], value, "skill.{key}");
            }
            plain["name"].as_str().unwrap_or_default().to_owned()
        }
    };
    let mut seen = Vec::new();
    for edge in plain["consultants"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let node = &edge["node"];
        for entry in node["skills"].as_array().into_iter().flatten() {
            let name = same_skill(&entry["skill"]).await;
            assert_eq!(entry["__typename"], "ConsultantSkill");
            assert_eq!(
                entry["skill"]["__typename"], "Skill",
                "merged from the inline fragment"
            );
            assert_eq!(entry["alias"], entry["level"]);
            seen.push(format!(
                "{} {name} {} {}",
                node["lastName"].as_str().unwrap_or_default(),
                entry["level"].as_str().unwrap_or_default(),
                entry["yearsExperience"]
            ));
        }
    }
    for edge in plain["tenders"]["edges"].as_array().into_iter().flatten() {
        let node = &edge["node"];
        for entry in node["requiredSkills"].as_array().into_iter().flatten() {
            let name = same_skill(&entry["skill"]).await;
            assert_eq!(entry["__typename"], Value::Null, "not selected");
            seen.push(format!(
                "{} {name} {} {}",
                node["title"].as_str().unwrap_or_default(),
                entry["importance"].as_str().unwrap_or_default(),
                entry["minLevel"].as_str().unwrap_or_default()
            ));
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "Lovelace Kubernetes INTERMEDIATE 2",
            "Lovelace Rust EXPERT 7",
            "Payments Kubernetes NICE_TO_HAVE BEGINNER",
            "Payments Rust REQUIRED ADVANCED",
            "Sultant Kubernetes INTERMEDIATE 2",
            "Sultant Rust BEGINNER 7",
        ]
    );
}

/// SQLite plans a look-up of a few rows of a tenant by id down the primary key once the server
/// has gathered the planner's statistics (`db::optimize`, run when an instance starts and in
/// its housekeeping). Without them SQLite guesses that `tenant_id = ?` matches a handful of
/// rows and walks the tenant's whole index instead: every DataLoader batch and a search's
/// snippets read that way (7.7 ms against 0.3 ms at 20,000 index entries).
#[tokio::test]
async fn sqlite_gathers_planner_statistics_and_reads_by_id_down_the_primary_key() {
    use sea_orm::ConnectionTrait as _;
    let app = TestApp::spawn().await;
    if app.is_postgres() {
        // PostgreSQL's autovacuum analyses tables itself; `optimize` does nothing there.
        return;
    }
    let agency = app.agency().await;
    for i in 0..40 {
        agency
            .consultant(&app, json!({ "lastName": format!("Planned{i}") }))
            .await;
    }
    let backend = app.state.db.get_database_backend();
    let analysed = |db: sea_orm::DatabaseConnection| async move {
        db.query_one_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'search_entry'".to_owned(),
        ))
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get::<i64>("", "n").ok())
        .unwrap_or(0)
    };

    // Another instance starts (the first gathered statistics when it started, with the index
    // empty; next in a minute): its housekeeping analyses what has grown.
    let second = app.another_instance().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while analysed(second.state.writer().clone()).await == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no statistics were gathered for search_entry"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The plan does not depend on the values looked up.
    let (one, two) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let plan = second
        .state
        .writer()
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            format!(
                "EXPLAIN QUERY PLAN SELECT id, public_text FROM search_entry \
                 WHERE tenant_id = {} AND id IN ({}, {})",
                app.id_literal(&agency.tenant_id),
                app.id_literal(&one.to_string()),
                app.id_literal(&two.to_string()),
            ),
        ))
        .await
        .expect("explain");
    let details: Vec<String> = plan
        .iter()
        .filter_map(|row| row.try_get::<String>("", "detail").ok())
        .collect();
    assert!(
        details.iter().any(|d| d.contains("(id=?)")),
        "a look-up by id walks the tenant's index: {details:?}"
    );
}
