//! The role-aware schema: introspection per role, the committed SDL, no suggestions (DESIGN §5).

use serde_json::{Value, json};

use crate::helpers::{TestApp, code, data};

async fn root_fields(
    app: &TestApp,
    token: Option<&str>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let body = app
        .gql(
            token,
            "{ __schema { queryType { fields { name } } mutationType { fields { name } } types { name } } }",
            json!({}),
        )
        .await;
    let schema = &data(&body)["__schema"];
    let names = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .map(|f| f["name"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    (
        names(&schema["queryType"]["fields"]),
        names(&schema["mutationType"]["fields"]),
        names(&schema["types"]),
    )
}

const ADMIN_ONLY: [&str; 7] = [
    "auditEvents",
    "verifyAuditChain",
    "inviteUser",
    "invitations",
    "revokeInvitation",
    "updateUserRole",
    "deactivateUser",
];

#[tokio::test]
async fn each_role_sees_only_what_it_may_use() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let (q, m, types) = root_fields(&app, agency.admin.token()).await;
    let admin: Vec<String> = q.iter().chain(&m).cloned().collect();
    for name in ADMIN_ONLY
        .iter()
        .chain(&["users", "user", "me", "changePassword"])
    {
        assert!(admin.contains(&name.to_string()), "ADMIN lacks {name}");
    }
    assert!(types.contains(&"AuditEvent".to_owned()));

    let client = agency.member(&app, "CLIENT").await;
    let (q, m, types) = root_fields(&app, client.token()).await;
    let visible: Vec<String> = q.iter().chain(&m).cloned().collect();
    for name in ADMIN_ONLY.iter().chain(&["users", "user", "restoreUser"]) {
        assert!(!visible.contains(&name.to_string()), "CLIENT sees {name}");
    }
    assert!(visible.contains(&"me".to_owned()) && visible.contains(&"changePassword".to_owned()));
    assert!(
        !types.contains(&"AuditEvent".to_owned()) && !types.contains(&"InviteUserInput".to_owned())
    );

    let manager = agency.member(&app, "MANAGER").await;
    let (q, m, _) = root_fields(&app, manager.token()).await;
    assert!(q.contains(&"users".to_owned()));
    assert!(!m.contains(&"inviteUser".to_owned()) && !q.contains(&"auditEvents".to_owned()));

    let (q, mut m, _) = root_fields(&app, None).await;
    assert_eq!(q, vec!["apiVersion"]);
    m.sort();
    assert_eq!(
        m,
        vec![
            "acceptInvitation",
            "login",
            "logout",
            "refreshSession",
            "signUp"
        ]
    );
}

#[tokio::test]
async fn committed_schema_matches_the_export() {
    let schema = talentgraph::schema::build_schema(None);
    let exported = talentgraph::graphql::sdl::export_sdl(&schema, Some(entity::Role::Admin))
        .await
        .expect("export");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql is checked in");
    assert!(
        committed == exported,
        "schema.graphql is out of date: run `cargo run -- export-schema --out schema.graphql`"
    );
    let client = talentgraph::graphql::sdl::export_sdl(&schema, Some(entity::Role::Client))
        .await
        .expect("export");
    assert!(
        !client.contains("auditEvents")
            && !client.contains("inviteUser")
            && client.contains("changePassword")
    );
}

#[tokio::test]
async fn errors_do_not_suggest_hidden_fields() {
    let app = TestApp::spawn().await;
    let body = app.anon("{ user(id: \"x\") { id } }", json!({})).await;
    let text = body.to_string();
    assert!(!text.contains("Did you mean"), "{text}");
    let body = app.anon("{ auditEvent { id } }", json!({})).await;
    assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert!(!body.to_string().contains("auditEvents"), "{body}");
}

/// The documents GraphQL tools send to load a schema — built by graphql-js
/// `getIntrospectionQuery()`, which GraphiQL, graphql-codegen's URL loader, Apollo Sandbox,
/// Postman and Insomnia all use — answer, as each role sees the schema; graphql-cop's circular
/// introspection stays refused.
#[tokio::test]
async fn every_graphql_tool_can_load_the_schema() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let client = agency.member(&app, "CLIENT").await;
    let documents = [
        include_str!("fixtures/introspection/graphql-js-full.graphql"),
        include_str!("fixtures/introspection/graphql-js-default.graphql"),
    ];
    for document in documents {
        for (token, has_audit) in [
            (agency.admin.token(), true),
            (client.token(), false),
            (None, false),
        ] {
            let body = app.gql(token, document, json!({})).await;
            let schema = &data(&body)["__schema"];
            let types = schema["types"].as_array().expect("types");
            assert!(types.len() > 10, "{body}");
            let audit = types.iter().any(|t| t["name"] == "AuditEvent");
            assert_eq!(audit, has_audit, "role-aware introspection");
        }
    }
    // Over GET as well (GraphiQL can be set to GET).
    let response = app
        .client
        .get(app.url("/graphql"))
        .bearer_auth(&agency.admin.access)
        .query(&[("query", documents[0])])
        .send()
        .await
        .expect("get");
    let body: Value = response.json().await.expect("json");
    assert!(data(&body)["__schema"]["types"].is_array());

    let circular = "query { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }";
    for token in [agency.admin.token(), None] {
        let body = app.gql(token, circular, json!({})).await;
        assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    }
}
/// Every type, field, argument, input field and enum value each role can see has a
/// description (they are what GraphiQL's docs and codegen's comments show); custom scalars
/// say their format and link its specification.
#[tokio::test]
async fn every_role_s_schema_describes_itself() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let mut tokens = vec![None, agency.admin.token().map(str::to_owned)];
    for role in ["MANAGER", "CONSULTANT", "CLIENT"] {
        tokens.push(Some(agency.member(&app, role).await.access));
    }
    let document = include_str!("fixtures/introspection/graphql-js-full.graphql");
    let mut missing = std::collections::BTreeSet::new();
    for token in &tokens {
        let body = app.gql(token.as_deref(), document, json!({})).await;
        let types = data(&body)["__schema"]["types"]
            .as_array()
            .expect("types")
            .clone();
        let described = |v: &Value| {
            v["description"]
                .as_str()
                .is_some_and(|d| !d.trim().is_empty())
        };
        for ty in types {
            let name = ty["name"].as_str().unwrap_or_default().to_owned();
            if name.starts_with("__") {
                continue;
            }
            if !described(&ty) {
                missing.insert(format!("type {name}"));
            }
            for field in ty["fields"].as_array().into_iter().flatten() {
                let field_name = field["name"].as_str().unwrap_or_default();
                if !described(field) {
                    missing.insert(format!("field {name}.{field_name}"));
                }
                for arg in field["args"].as_array().into_iter().flatten() {
                    if !described(arg) {
                        missing.insert(format!(
                            "argument {name}.{field_name}({})",
                            arg["name"].as_str().unwrap_or_default()
                        ));
                    }
                }
            }
            for input in ty["inputFields"].as_array().into_iter().flatten() {
                if !described(input) {
                    missing.insert(format!(
                        "input field {name}.{}",
                        input["name"].as_str().unwrap_or_default()
                    ));
                }
            }
            for value in ty["enumValues"].as_array().into_iter().flatten() {
                if !described(value) {
                    missing.insert(format!(
                        "enum value {name}.{}",
                        value["name"].as_str().unwrap_or_default()
                    ));
                }
            }
            if ty["kind"] == "SCALAR"
                && ["DateTime", "Date", "Decimal", "JSON"].contains(&name.as_str())
            {
                let description = ty["description"].as_str().unwrap_or_default();
                if description.contains("Implement the") {
                    missing.insert(format!("scalar {name}: a generic description"));
                }
                if ["DateTime", "Date"].contains(&name.as_str())
                    && !ty["specifiedByURL"].is_string()
                {
                    missing.insert(format!("scalar {name}: specifiedByURL"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} without a description:\n{}",
        missing.len(),
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// The playground's code is generated from the schemas its audiences see; a change of the API
/// that they miss fails here (then `npm run codegen` in playground/ fails or changes src/gql).
#[tokio::test]
async fn the_playground_schemas_match_the_export() {
    let schema = talentgraph::schema::build_schema(None);
    for (role, file, flag) in [
        (entity::Role::Client, "client.graphql", "CLIENT"),
        (entity::Role::Manager, "manager.graphql", "MANAGER"),
    ] {
        let exported = talentgraph::graphql::sdl::export_sdl(&schema, Some(role))
            .await
            .expect("export");
        let path = format!("{}/playground/schema/{file}", env!("CARGO_MANIFEST_DIR"));
        let committed =
            std::fs::read_to_string(&path).expect("the playground's schemas are checked in");
        assert!(
            committed == exported,
            "playground/schema/{file} is out of date: run `cargo run -- export-schema --role {flag} --out playground/schema/{file}`, then `npm run codegen` in playground/"
        );
    }
}

/// A caller who may watch nothing sees no subscription type: a type without fields is not
/// valid GraphQL, and GraphiQL refuses the whole schema for it.
#[tokio::test]
async fn no_empty_subscription_type_for_anonymous_callers() {
    let app = TestApp::spawn().await;
    let body = app
        .anon("{ __schema { subscriptionType { name } } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["__schema"]["subscriptionType"],
        Value::Null,
        "{body}"
    );
    let agency = app.agency().await;
    let body = app
        .gql(
            agency.admin.token(),
            "{ __schema { subscriptionType { fields { name } } } }",
            json!({}),
        )
        .await;
    let fields = body["data"]["__schema"]["subscriptionType"]["fields"]
        .as_array()
        .expect("fields");
    assert!(fields.len() >= 3, "{body}");
}
