//! Search: the index written in the unit of work of every change, words found by the database
//! (PostgreSQL tsvector, SQLite FTS5) with highlighted snippets, meaning found through
//! all-MiniLM-L6-v2 embeddings computed by jobs, the two fused — and every hit within the
//! reader's row scopes, matched only on text the reader may read.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::files::upload;
use crate::helpers::{TestApp, code, data};

const SEARCH: &str =
    "query($q: String!, $t: [SearchType!], $f: SearchFilter, $first: Int, $after: String) {
  search(query: $q, types: $t, filter: $f, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { type score matchedBy similarity snippet
      consultant { id firstName } tender { id title } portfolioProject { id title } } }
  }
}";

const SEARCH_RESUMES: &str = "query($q: String!) {
  search(query: $q, types: [RESUME]) { edges { node { type snippet resume { id } } } }
}";

async fn search(app: &TestApp, token: Option<&str>, query: &str, extra: Value) -> Value {
    let mut variables = json!({ "q": query });
    if let (Some(v), Some(extra)) = (variables.as_object_mut(), extra.as_object()) {
        v.extend(extra.clone());
    }
    app.gql(token, SEARCH, variables).await
}

/// The hits of a search answer, as `(type, id)`.
#[track_caller]
fn hits(body: &Value) -> Vec<(String, String)> {
    data(body)["search"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("edges in {body}"))
        .iter()
        .map(|e| {
            let node = &e["node"];
            let kind = node["type"].as_str().expect("type").to_owned();
            let id = ["consultant", "tender", "portfolioProject"]
                .iter()
                .find_map(|f| node[f]["id"].as_str())
                .unwrap_or("")
                .to_owned();
            (kind, id)
        })
        .collect()
}

#[track_caller]
fn ids(body: &Value) -> Vec<String> {
    hits(body).into_iter().map(|(_, id)| id).collect()
}

#[tokio::test]
async fn words_find_what_each_reader_may_read_and_nothing_else() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let acme = agency.company(&app, "Acme").await;
    let go = agency.skill(&app, "Go").await;
    let jane = agency
        .consultant(
            &app,
            json!({
                "firstName": "Jane", "lastName": "Doe", "title": "Payments engineer",
                "bio": "Built a <billing> platform & invoicing.",
                "email": "jane.private@example.test",
                "internalNotes": "Codeword zanzibar: negotiates hard",
            }),
        )
        .await;
    let john = agency
        .consultant(
            &app,
            json!({ "firstName": "John", "lastName": "Roe", "bio": "Android apps in Kotlin, billing screens" }),
        )
        .await;
    let tender = agency
        .open_tender(
            &app,
            &acme,
            json!({ "title": "Billing platform rebuild", "description": "Replace the invoicing engine" }),
        )
        .await;
    let project = data(
        &app.gql(
            admin,
            "mutation($i: CreatePortfolioProjectInput!) { createPortfolioProject(input: $i) { id } }",
            json!({ "i": { "consultantId": jane, "title": "Ledger service", "description": "Double-entry billing ledger", "skillIds": [go] } }),
        )
        .await,
    )["createPortfolioProject"]["id"]
        .as_str()
        .expect("project id")
        .to_owned();

    // The agency finds all four, with the matched words marked in escaped snippets.
    let body = search(&app, admin, "billing", json!({})).await;
    let found = hits(&body);
    assert_eq!(found.len(), 4, "{body}");
    for expected in [
        ("CONSULTANT", &jane),
        ("CONSULTANT", &john),
        ("TENDER", &tender),
        ("PORTFOLIO", &project),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1.clone())),
            "{expected:?} in {body}"
        );
    }
    let edges = data(&body)["search"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    let jane_hit = edges
        .iter()
        .find(|e| e["node"]["consultant"]["id"] == jane.as_str())
        .expect("jane");
    let snippet = jane_hit["node"]["snippet"].as_str().expect("snippet");
    assert!(snippet.contains("<mark>billing</mark>"), "{snippet}");
    if !app.is_postgres() {
        // (PostgreSQL reads `<`, `>` and `&` as spaces, or it would drop `<billing>` as a tag.)
        assert!(
            snippet.contains("&lt;<mark>billing</mark>&gt;"),
            "{snippet}"
        );
    }
    assert!(!snippet.contains("<billing>"), "{snippet}");
    assert_eq!(jane_hit["node"]["matchedBy"], json!(["WORDS"]));
    assert!(
        edges
            .iter()
            .all(|e| e["node"]["score"].as_f64() > Some(0.0))
    );
    // Types narrow; a consultant's own rows by filter.
    let body = search(&app, admin, "billing", json!({ "t": ["TENDER"] })).await;
    assert_eq!(ids(&body), [tender.as_str()]);
    let body = search(
        &app,
        admin,
        "billing",
        json!({ "f": { "consultantId": jane } }),
    )
    .await;
    let mut mine = ids(&body);
    mine.sort();
    let mut expected = vec![jane.clone(), project.clone()];
    expected.sort();
    assert_eq!(mine, expected);

    // Internal notes: the agency only. Contact data: nobody (it is encrypted).
    let body = search(&app, admin, "zanzibar", json!({})).await;
    assert_eq!(ids(&body), [jane.as_str()]);
    assert!(
        data(&body)["search"]["edges"][0]["node"]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("<mark>zanzibar</mark>")),
        "{body}"
    );
    let body = search(&app, admin, "private example", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");

    // A consultant: their own profile and projects, open tenders; never notes or others.
    let jane_session = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": jane }))
        .await;
    let body = search(&app, jane_session.token(), "billing", json!({})).await;
    let mut seen = ids(&body);
    seen.sort();
    let mut expected = vec![jane.clone(), tender.clone(), project.clone()];
    expected.sort();
    assert_eq!(seen, expected, "{body}");
    let body = search(&app, jane_session.token(), "zanzibar", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");

    // A client: its tenders; consultants (and their projects) only once proposed to it.
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": acme }))
        .await;
    let body = search(&app, client.token(), "billing", json!({})).await;
    assert_eq!(ids(&body), [tender.as_str()], "{body}");
    agency.proposed_match(&app, &tender, &jane).await;
    let body = search(&app, client.token(), "billing", json!({})).await;
    let mut seen = ids(&body);
    seen.sort();
    let mut expected = vec![jane.clone(), tender.clone(), project.clone()];
    expected.sort();
    assert_eq!(seen, expected, "{body}");
    let body = search(&app, client.token(), "zanzibar codeword", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");
    // Résumés are not for clients: asking for them finds nothing.
    let body = search(&app, client.token(), "billing", json!({ "t": ["RESUME"] })).await;
    assert!(hits(&body).is_empty(), "{body}");

    // Another client's name on a project is for the agency to find, not for this client.
    let rival = agency.company(&app, "Zyxcorp").await;
    let body = app
        .gql(
            admin,
            "mutation($i: CreatePortfolioProjectInput!) { createPortfolioProject(input: $i) { id } }",
            json!({ "i": { "consultantId": jane, "title": "Warehouse app", "companyId": rival } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = search(&app, client.token(), "zyxcorp", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");
    let body = search(&app, admin, "zyxcorp", json!({})).await;
    assert_eq!(hits(&body).len(), 1, "{body}");

    // Another organisation finds none of it.
    let other = app.agency().await;
    let body = search(&app, other.admin.token(), "billing zanzibar", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");

    // The index moves with the write, in its unit of work: no wait.
    app.gql(
        admin,
        "mutation($i: UpdateConsultantInput!) { updateConsultant(input: $i) { id } }",
        json!({ "i": { "id": john, "bio": "Flutter and Kotlin" } }),
    )
    .await;
    let body = search(&app, admin, "billing", json!({ "t": ["CONSULTANT"] })).await;
    assert_eq!(ids(&body), [jane.as_str()]);
    let body = search(&app, admin, "flutter", json!({})).await;
    assert_eq!(ids(&body), [john.as_str()]);
    let body = app
        .gql(
            admin,
            "mutation($id: ID!) { deletePortfolioProject(id: $id) }",
            json!({ "id": project }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = search(&app, admin, "ledger", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");
}

#[tokio::test]
async fn pages_follow_cursors_and_bad_input_is_named() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    for i in 0..5 {
        agency
            .consultant(
                &app,
                json!({ "firstName": format!("Rustacean{i}"), "bio": "Rust services" }),
            )
            .await;
    }
    let body = search(&app, admin, "rust", json!({ "first": 2 })).await;
    let page = &data(&body)["search"];
    assert_eq!(page["totalCount"], 5);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let mut seen = ids(&body);
    let mut after = page["pageInfo"]["endCursor"].clone();
    while after.is_string() {
        let body = search(&app, admin, "rust", json!({ "first": 2, "after": after })).await;
        seen.extend(ids(&body));
        let page = &data(&body)["search"]["pageInfo"];
        after = if page["hasNextPage"] == true {
            page["endCursor"].clone()
        } else {
            Value::Null
        };
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (5, 5), "{seen:?}");

    for (query, extra, field) in [
        ("   ", json!({}), "query"),
        (&"x".repeat(501) as &str, json!({}), "query"),
        ("rust", json!({ "first": 101 }), "first"),
        ("rust", json!({ "after": "bm9wZQ" }), "after"),
        (
            "rust",
            json!({ "f": { "consultantId": "nope" } }),
            "filter.consultantId",
        ),
    ] {
        let body = search(&app, admin, query, extra).await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert!(
            body["errors"][0]["extensions"]["fields"][field].is_string(),
            "{field} in {body}"
        );
    }
    // Query syntax of either database is just words.
    for query in [
        "\"unclosed",
        "rust*",
        "NEAR(a b)",
        "a & | ! b",
        "'; drop table x; --",
        "{public_text}: x",
    ] {
        let body = search(&app, admin, query, json!({})).await;
        assert!(body["errors"].is_null(), "{query}: {body}");
    }
    let body = app.anon(SEARCH, json!({ "q": "rust" })).await;
    assert!(body["errors"].is_array(), "{body}");
}

/// Waits until `id`'s résumé was read.
async fn read(app: &TestApp, token: Option<&str>, id: &str) {
    for _ in 0..200 {
        let body = app
            .gql(
                token,
                "query($id: ID!) { resume(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        if data(&body)["resume"]["status"] == "DONE" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("résumé {id} was never read");
}

#[tokio::test]
async fn resume_text_is_searchable_without_its_contact_data() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let jane = agency
        .consultant(&app, json!({ "firstName": "Jane" }))
        .await;
    let text = "Jane Doe\njane.doe@mail.example.test +44 20 7946 0958 https://github.com/janedoe\n\
                2019 - 2023 Platform engineer at Initech\nRan Kubernetes operators for the ledger.\n";
    let body = upload(&app, admin, &jane, "cv.txt", text.as_bytes().to_vec()).await;
    let resume = data(&body)["uploadResume"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    read(&app, admin, &resume).await;

    let body = app
        .gql(admin, SEARCH_RESUMES, json!({ "q": "kubernetes" }))
        .await;
    let edges = data(&body)["search"]["edges"]
        .as_array()
        .expect("edges")
        .clone();
    assert_eq!(edges.len(), 1, "{body}");
    assert_eq!(edges[0]["node"]["resume"]["id"], resume.as_str());
    assert!(
        edges[0]["node"]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("<mark>Kubernetes</mark>")),
        "{body}"
    );
    for contact in ["janedoe", "7946", "mail example"] {
        let body = app
            .gql(admin, SEARCH_RESUMES, json!({ "q": contact }))
            .await;
        assert!(
            data(&body)["search"]["edges"]
                .as_array()
                .is_some_and(Vec::is_empty),
            "{contact}: {body}"
        );
    }
    // The consultant finds their own résumé; another consultant does not.
    let own = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": jane }))
        .await;
    let body = app
        .gql(own.token(), SEARCH_RESUMES, json!({ "q": "kubernetes" }))
        .await;
    assert_eq!(
        data(&body)["search"]["edges"].as_array().map(Vec::len),
        Some(1)
    );
    let john = agency
        .consultant(&app, json!({ "firstName": "John" }))
        .await;
    let other = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": john }))
        .await;
    let body = app
        .gql(other.token(), SEARCH_RESUMES, json!({ "q": "kubernetes" }))
        .await;
    assert_eq!(
        data(&body)["search"]["edges"].as_array().map(Vec::len),
        Some(0)
    );

    // Deleted, it is gone from the index.
    let body = app
        .gql(
            admin,
            "mutation($id: ID!) { deleteResume(id: $id) }",
            json!({ "id": resume }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = app
        .gql(admin, SEARCH_RESUMES, json!({ "q": "kubernetes" }))
        .await;
    assert_eq!(
        data(&body)["search"]["edges"].as_array().map(Vec::len),
        Some(0)
    );
}

/// The embedding model's folder (`TALENTGRAPH_EMBEDDING_MODEL`, fetched by
/// `scripts/fetch-embedding-model`); without it the test is skipped, unless
/// `TALENTGRAPH_REQUIRE_MODEL=1` (CI) makes that a failure.
fn model_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("TALENTGRAPH_EMBEDDING_MODEL")
        .map(std::path::PathBuf::from)
        .filter(|d| d.join("model.safetensors").is_file());
    if dir.is_none() {
        assert!(
            std::env::var("TALENTGRAPH_REQUIRE_MODEL").as_deref() != Ok("1"),
            "TALENTGRAPH_EMBEDDING_MODEL names no model (run scripts/fetch-embedding-model)"
        );
        eprintln!("skipped: no embedding model (TALENTGRAPH_EMBEDDING_MODEL)");
    }
    dir
}

/// Searches until every hit of `expected` was found by meaning (the embedding jobs ran).
async fn once_embedded(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    expected: &[&str],
) -> Value {
    for _ in 0..300 {
        let body = search(app, token, query, json!({})).await;
        let edges = data(&body)["search"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let by_meaning: Vec<&str> = edges
            .iter()
            .filter(|e| {
                e["node"]["matchedBy"]
                    .as_array()
                    .is_some_and(|m| m.contains(&json!("MEANING")))
            })
            .filter_map(|e| e["node"]["consultant"]["id"].as_str())
            .collect();
        if expected.iter().all(|id| by_meaning.contains(id)) {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never found by meaning: {expected:?}");
}

/// Waits until every index entry has its passages' vectors (the embedding jobs ran).
async fn every_entry_embedded(app: &TestApp) {
    use sea_orm::ConnectionTrait as _;
    let statement = |sql: &str| {
        sea_orm::Statement::from_string(app.state.db.get_database_backend(), sql.to_owned())
    };
    for _ in 0..600 {
        let row = app
            .state
            .db
            .query_one_raw(statement(
                "SELECT (SELECT COUNT(*) FROM search_entry) - \
                 (SELECT COUNT(DISTINCT entry_id) FROM search_chunk) AS missing",
            ))
            .await
            .expect("count")
            .expect("a row");
        if row.try_get::<i64>("", "missing").expect("missing") == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("entries were never embedded");
}

#[tokio::test]
async fn meaning_outranks_mere_words() {
    let Some(dir) = model_dir() else {
        return;
    };
    let app = TestApp::spawn_with(|c| c.embeddings.model_dir = Some(dir)).await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let ada = agency
        .consultant(
            &app,
            json!({ "firstName": "Ada", "title": "Backend developer",
                    "bio": "Designed a Stripe billing service in Golang for subscription invoicing." }),
        )
        .await;
    let bob = agency
        .consultant(
            &app,
            json!({ "firstName": "Bob", "title": "Gardener",
                    "bio": "Built irrigation systems for allotments; go-kart racing at weekends." }),
        )
        .await;
    let cy = agency
        .consultant(
            &app,
            json!({ "firstName": "Cy", "title": "Stonemason",
                    "bio": "Someone who built dry stone walls and garden paths; likes to go hiking." }),
        )
        .await;
    let query = "someone who has built payment systems in Go";
    every_entry_embedded(&app).await;
    let body = once_embedded(&app, admin, query, &[&ada]).await;
    let order = ids(&body);
    let rank = |id: &str| order.iter().position(|o| o == id);
    assert_eq!(rank(&ada), Some(0), "{body}");
    assert!(rank(&bob).is_none_or(|r| r > 0) && rank(&cy).is_none_or(|r| r > 0));
    let edges = data(&body)["search"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        edges.len() < 2 || edges[0]["node"]["score"].as_f64() > edges[1]["node"]["score"].as_f64(),
        "a strictly better score: {body}"
    );
    let first = &data(&body)["search"]["edges"][0]["node"];
    assert!(
        first["matchedBy"]
            .as_array()
            .is_some_and(|m| m.contains(&json!("MEANING"))),
        "{body}"
    );
    assert!(
        first["similarity"].as_f64().is_some_and(|s| s > 0.3),
        "{body}"
    );
    // Its snippet is the passage that matched.
    assert!(
        first["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("Stripe billing")),
        "{body}"
    );
}

#[tokio::test]
async fn matching_weighs_experience_in_similar_projects() {
    let Some(dir) = model_dir() else {
        return;
    };
    let app = TestApp::spawn_with(|c| c.embeddings.model_dir = Some(dir)).await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let acme = agency.company(&app, "Acme").await;
    let payments = agency
        .consultant(
            &app,
            json!({ "firstName": "Pay", "availabilityDate": "2020-01-01" }),
        )
        .await;
    let gardener = agency
        .consultant(
            &app,
            json!({ "firstName": "Garden", "availabilityDate": "2020-01-01" }),
        )
        .await;
    let nothing = agency
        .consultant(
            &app,
            json!({ "firstName": "Blank", "availabilityDate": "2020-01-01" }),
        )
        .await;
    for (consultant, title, description, internal) in [
        (
            &payments,
            "Subscription billing",
            "Built a Stripe billing and invoicing service in Go",
            false,
        ),
        (
            &payments,
            "Secret ledger",
            "Card payment reconciliation for a bank",
            true,
        ),
        (
            &gardener,
            "Allotment irrigation",
            "Planned drip irrigation for community gardens",
            false,
        ),
    ] {
        let body = app
            .gql(
                admin,
                "mutation($i: CreatePortfolioProjectInput!) { createPortfolioProject(input: $i) { id } }",
                json!({ "i": { "consultantId": consultant, "title": title, "description": description, "internal": internal } }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let tender = agency
        .open_tender(
            &app,
            &acme,
            json!({ "title": "Payments platform", "description": "We need to rebuild our subscription billing and payment processing." }),
        )
        .await;
    // The tender's and the projects' passages are embedded by jobs.
    every_entry_embedded(&app).await;

    let body = app
        .gql(
            admin,
            "mutation($t: ID!) { generateMatches(input: { tenderId: $t, minScore: 0 }) { consultant { id } score breakdown { similarExperience } reasons } }",
            json!({ "t": tender }),
        )
        .await;
    let matches = data(&body)["generateMatches"]
        .as_array()
        .expect("matches")
        .clone();
    let of = |id: &str| {
        matches
            .iter()
            .find(|m| m["consultant"]["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {body}"))
            .clone()
    };
    let (pay, garden, blank) = (of(&payments), of(&gardener), of(&nothing));
    let similar = |m: &Value| m["breakdown"]["similarExperience"].as_f64();
    assert!(similar(&pay) > similar(&garden), "{body}");
    assert!(similar(&pay).is_some_and(|s| s > 0.3), "{body}");
    // Nothing to compare against a tender that has text: measured, and nothing.
    assert_eq!(similar(&blank), Some(0.0), "{body}");
    assert!(
        blank["reasons"]
            .to_string()
            .contains("no portfolio project or résumé to compare"),
        "{body}"
    );
    assert!(pay["score"].as_f64() > garden["score"].as_f64(), "{body}");
    let reasons = pay["reasons"].to_string();
    assert!(
        reasons.contains("closest past project: Subscription billing")
            || reasons.contains("a similar past project"),
        "{reasons}"
    );
    assert!(!reasons.contains("Secret ledger"), "{reasons}");
    // The weight is a setting like the others.
    let body = app
        .gql(
            admin,
            "mutation { updateMatchingSettings(input: { weights: { similarExperience: 2 } }) { weights { similarExperience } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let body = app
        .gql(
            admin,
            "mutation { updateMatchingSettings(input: { weights: { similarExperience: 0.5 } }) { weights { similarExperience } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&body)["updateMatchingSettings"]["weights"]["similarExperience"],
        0.5
    );
}

#[tokio::test]
async fn the_index_can_be_rebuilt_from_the_rows() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let jane = agency
        .consultant(
            &app,
            json!({ "firstName": "Jane", "bio": "Quantum annealing" }),
        )
        .await;
    // As if the rows predated the index (an upgrade), or it was damaged.
    app.sql("DELETE FROM search_entry").await;
    let body = search(&app, admin, "annealing", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");
    let written = talentgraph::search::index::reindex_all(&app.state)
        .await
        .expect("reindex");
    assert_eq!(written, 1);
    let body = search(&app, admin, "annealing", json!({})).await;
    assert_eq!(ids(&body), [jane.as_str()]);
    // Nothing changed since: nothing is written again.
    let written = talentgraph::search::index::reindex_all(&app.state)
        .await
        .expect("reindex");
    assert_eq!(written, 0);
}

/// An embeddings server of the OpenAI API's shape (`POST /v1/embeddings`, bearer key), backed
/// by the same model in this process: what `TALENTGRAPH_EMBEDDINGS_URL` talks to. Returns its
/// URL and how many requests it answered.
async fn embeddings_server(
    dir: &std::path::Path,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let model = Arc::new(talentgraph::embeddings::local::Local::load(dir).expect("model"));
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = answered.clone();
    let handler = move |headers: HeaderMap, axum::Json(body): axum::Json<Value>| {
        let (model, counter) = (model.clone(), counter.clone());
        async move {
            if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer sk-test")
                || body["model"] != "all-MiniLM-L6-v2"
            {
                return Err(StatusCode::UNAUTHORIZED);
            }
            let texts: Vec<String> = body["input"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let vectors = tokio::task::spawn_blocking(move || model.embed(&texts))
                .await
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
            counter.fetch_add(1, Ordering::Relaxed);
            // Out of order, as the API allows: `index` says whose.
            let data: Vec<Value> = vectors
                .into_iter()
                .enumerate()
                .rev()
                .map(|(index, embedding)| json!({ "object": "embedding", "index": index, "embedding": embedding }))
                .collect();
            Ok(axum::Json(
                json!({ "object": "list", "model": "all-MiniLM-L6-v2", "data": data }),
            ))
        }
    };
    let router = axum::Router::new().route("/v1/embeddings", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}/v1/embeddings"), answered)
}

#[tokio::test]
async fn an_openai_compatible_endpoint_can_serve_the_embeddings() {
    let Some(dir) = model_dir() else {
        return;
    };
    let (url, answered) = embeddings_server(&dir).await;
    let app = TestApp::spawn_with(|c| {
        c.embeddings.url = Some(url);
        c.embeddings.api_key = Some("sk-test".to_owned().into());
        c.embeddings.remote_model = "all-MiniLM-L6-v2".to_owned();
    })
    .await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let ada = agency
        .consultant(
            &app,
            json!({ "firstName": "Ada", "title": "Backend developer",
                    "bio": "Designed a Stripe billing service in Golang." }),
        )
        .await;
    agency
        .consultant(
            &app,
            json!({ "firstName": "Bob", "title": "Gardener",
                    "bio": "Built irrigation systems; go-kart racing at weekends." }),
        )
        .await;
    every_entry_embedded(&app).await;
    let body = once_embedded(
        &app,
        admin,
        "someone who has built payment systems in Go",
        &[&ada],
    )
    .await;
    assert_eq!(
        ids(&body).first().map(String::as_str),
        Some(ada.as_str()),
        "{body}"
    );
    assert!(answered.load(std::sync::atomic::Ordering::Relaxed) >= 2);
}

#[tokio::test]
async fn a_model_configured_later_embeds_what_was_indexed_before() {
    let Some(dir) = model_dir() else {
        return;
    };
    let mut app = TestApp::spawn().await;
    let agency = app.agency().await;
    let ada = agency
        .consultant(
            &app,
            json!({ "firstName": "Ada", "title": "Backend developer",
                    "bio": "Designed a Stripe billing service in Golang." }),
        )
        .await;
    // Indexed for words only: this server has no model.
    app.stop().await;
    let upgraded = app
        .another_instance_with(|c| c.embeddings.model_dir = Some(dir))
        .await;
    let written = talentgraph::search::index::reindex_all(&upgraded.state)
        .await
        .expect("reindex");
    assert_eq!(written, 0, "the text did not change");
    every_entry_embedded(&upgraded).await;
    let body = search(
        &upgraded,
        agency.admin.token(),
        "payment processing developer",
        json!({}),
    )
    .await;
    let first = &data(&body)["search"]["edges"][0]["node"];
    assert_eq!(first["consultant"]["id"], ada.as_str(), "{body}");
    assert!(
        first["matchedBy"]
            .as_array()
            .is_some_and(|m| m.contains(&json!("MEANING"))),
        "{body}"
    );
}

/// `count` index entries of `text` in the tenant, of rows nobody can read (as if the tenant had
/// that many more): they make the words of `text` common without being found.
async fn unreadable_entries(app: &TestApp, tenant_id: &str, text: &str, count: usize) {
    use sea_orm::{EntityTrait as _, Set};
    let tenant_id: uuid::Uuid = tenant_id.parse().expect("tenant id");
    let now = chrono::Utc::now();
    let rows: Vec<entity::search_entry::ActiveModel> = (0..count)
        .map(|i| entity::search_entry::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            tenant_id: Set(tenant_id),
            kind: Set("TENDER".to_owned()),
            entity_id: Set(uuid::Uuid::now_v7()),
            consultant_id: Set(None),
            doc_id: Set(i64::try_from(uuid::Uuid::new_v4().as_u128() >> 65).unwrap_or(0)),
            public_text: Set(format!("{text} {i}")),
            staff_text: Set(String::new()),
            digest: Set("0".repeat(64)),
            updated_at: Set(now),
        })
        .collect();
    for chunk in rows.chunks(250) {
        entity::search_entry::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&app.state.db)
            .await
            .expect("filler entries");
    }
}

#[tokio::test]
async fn common_words_rank_what_rare_words_find() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let both = agency
        .consultant(
            &app,
            json!({ "firstName": "Both", "title": "SRE", "bio": "Kubernetes operators, engineer at heart" }),
        )
        .await;
    let rare = agency
        .consultant(
            &app,
            json!({ "firstName": "Rare", "title": "Operator", "bio": "Kubernetes clusters" }),
        )
        .await;
    let common = agency
        .consultant(
            &app,
            json!({ "firstName": "Common", "title": "Landscaper", "bio": "Gardener and engineer" }),
        )
        .await;
    let consultants = json!({ "types": ["CONSULTANT"] });

    // Few entries: every word finds.
    let body = search(&app, admin, "kubernetes engineer", consultants.clone()).await;
    assert_eq!(ids(&body).len(), 3, "{body}");

    // "engineer" in more entries than COMMON_ENTRIES: it only ranks what "kubernetes" finds.
    let filler = usize::try_from(talentgraph::search::fulltext::COMMON_ENTRIES).expect("usize");
    unreadable_entries(&app, &agency.tenant_id, "engineer", filler).await;
    let body = search(&app, admin, "kubernetes engineer", consultants.clone()).await;
    let mut found = ids(&body);
    found.sort();
    let mut expected = vec![both.clone(), rare.clone()];
    expected.sort();
    assert_eq!(found, expected, "{body}");
    assert_eq!(data(&body)["search"]["totalCount"], 2);
    // A query of common words only finds the entries that have all of them …
    unreadable_entries(&app, &agency.tenant_id, "gardener", filler).await;
    let body = search(&app, admin, "engineer", consultants.clone()).await;
    found = ids(&body);
    found.sort();
    expected = vec![both.clone(), common.clone()];
    expected.sort();
    assert_eq!(found, expected, "{body}");
    let body = search(&app, admin, "gardener engineer", consultants.clone()).await;
    assert_eq!(ids(&body), [common.as_str()], "{body}");
    // … or, when no entry the reader may find has them all, any of them.
    data(
        &app.gql(
            admin,
            "mutation($i: UpdateConsultantInput!) { updateConsultant(input: $i) { id } }",
            json!({ "i": { "id": common, "bio": "Gardener" } }),
        )
        .await,
    );
    let body = search(&app, admin, "gardener engineer", consultants).await;
    found = ids(&body);
    found.sort();
    assert_eq!(found, expected, "{body}");
}

#[tokio::test]
async fn entries_indexed_before_the_tenant_scoped_index_stay_searchable() {
    use migration::{Migrator, MigratorTrait as _};
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let admin = agency.admin.token();
    let jane = agency
        .consultant(
            &app,
            json!({ "firstName": "Jane", "bio": "Quantum annealing" }),
        )
        .await;
    // Back to the index of migration 000028, a row written there, and forward again.
    Migrator::down(&app.state.db, Some(1)).await.expect("down");
    let joe = agency
        .consultant(
            &app,
            json!({ "firstName": "Joe", "bio": "Annealing furnaces" }),
        )
        .await;
    Migrator::up(&app.state.db, None).await.expect("up");
    let body = search(&app, admin, "annealing", json!({})).await;
    let mut found = ids(&body);
    found.sort();
    let mut expected = vec![jane, joe];
    expected.sort();
    assert_eq!(found, expected, "{body}");
    // Another organisation finds neither.
    let other = app.agency().await;
    let body = search(&app, other.admin.token(), "annealing", json!({})).await;
    assert!(hits(&body).is_empty(), "{body}");
}
