//! HTTP hardening: content types (CSRF), body size, GET, batches, query limits, error codes,
//! request ids and the WebSocket handshake.

use serde_json::{Value, json};

use crate::helpers::{TestApp, code, data};

#[tokio::test]
async fn posts_must_be_json_or_preflighted_multipart() {
    let app = TestApp::spawn().await;
    let query = r#"{"query":"{ apiVersion }"}"#;
    for content_type in ["text/plain", "application/x-www-form-urlencoded", ""] {
        let mut request = app.client.post(app.url("/graphql")).body(query);
        if !content_type.is_empty() {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 415, "{content_type}");
    }
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x--")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("content-type", "application/json; charset=utf-8")
        .body(query)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn oversized_bodies_answer_413() {
    let app = TestApp::spawn().await;
    let big = "a".repeat(app.state.config.limits.max_body_bytes + 1);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ apiVersion }", "variables": { "pad": big } }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 413);
}

#[tokio::test]
async fn get_serves_queries_but_refuses_mutations() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "{ apiVersion }")])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.expect("json");
    assert!(data(&body)["apiVersion"].is_string());
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", "mutation { logout(refreshToken: \"x\") }")])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(
        response
            .headers()
            .get("allow")
            .and_then(|v| v.to_str().ok()),
        Some("POST")
    );
    // Limits hold over GET as over POST.
    let aliases: String = (0..31).map(|i| format!("a{i}: apiVersion ")).collect();
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", format!("{{ {aliases} }}"))])
        .send()
        .await
        .expect("request");
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    // Browsers asking for HTML get GraphiQL.
    let response = app
        .client
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("request");
    assert!(response.text().await.expect("html").contains("graphiql"));
    let response = app
        .client
        .get(app.url("/graphiql"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
}

#[tokio::test]
async fn batches_are_capped() {
    let app = TestApp::spawn().await;
    let op = json!({ "query": "{ apiVersion }" });
    let ok: Value = app
        .client
        .post(app.url("/graphql"))
        .json(&json!([op, op]))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(ok.as_array().map(Vec::len), Some(2));
    let too_many = vec![op; app.state.config.limits.max_batch + 1];
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&too_many)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn oversized_queries_are_refused_as_too_complex() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    data(&app.gql(token, "{ me { tenant { id } } }", json!({})).await);
    let nested = format!(
        "{{ __schema {{ types {}{{ name }}{} }} }}",
        "{ fields { type { ofType ".repeat(4),
        " } } }".repeat(4)
    );
    assert_eq!(
        code(&app.gql(token, &nested, json!({})).await),
        "QUERY_TOO_COMPLEX"
    );

    let node = "edges { node { id email fullName role active createdAt tenant { id name slug createdAt } } } totalCount";
    let wide: String = (0..8)
        .map(|i| format!("a{i}: users(first: 100) {{ {node} }} "))
        .collect();
    let wide = format!("{{ {wide} }}");
    assert_eq!(
        code(&app.gql(token, &wide, json!({})).await),
        "QUERY_TOO_COMPLEX"
    );
    let narrow = format!("{{ a: users(first: 5) {{ {node} }} }}");
    data(&app.gql(token, &narrow, json!({})).await);

    let aliases: String = (0..31).map(|i| format!("a{i}: apiVersion ")).collect();
    assert_eq!(
        code(&app.gql(token, &format!("{{ {aliases} }}"), json!({})).await),
        "QUERY_TOO_COMPLEX"
    );

    let tokens = "apiVersion ".repeat(app.state.config.limits.max_tokens);
    assert_eq!(
        code(&app.gql(token, &format!("{{ {tokens} }}"), json!({})).await),
        "QUERY_TOO_COMPLEX"
    );

    let directives = "@include(if: true) ".repeat(21);
    assert_eq!(
        code(
            &app.gql(token, &format!("{{ apiVersion {directives} }}"), json!({}))
                .await
        ),
        "QUERY_TOO_COMPLEX"
    );
}

#[tokio::test]
async fn every_error_carries_a_code() {
    let app = TestApp::spawn().await;
    assert_eq!(
        code(&app.anon("{ apiVersion", json!({})).await),
        "GRAPHQL_PARSE_FAILED"
    );
    assert_eq!(
        code(&app.anon("{ nope }", json!({})).await),
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert_eq!(
        code(&app.anon("{ me { id } }", json!({})).await),
        "UNAUTHENTICATED"
    );
    // A value of the wrong type is bad input.
    assert_eq!(
        code(
            &app.anon(
                "mutation { login(input: { tenantSlug: 1 }) { accessToken } }",
                json!({})
            )
            .await
        ),
        "BAD_USER_INPUT"
    );
    let body = app
        .anon(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "tenantSlug": "x" } }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["extensions"]["fields"]["input"].is_string(),
        "{body}"
    );
    let body = app
        .anon("mutation { login(input: { tenantSlug: 1, email: \"a\", password: \"b\" }) { accessToken } }", json!({}))
        .await;
    assert!(
        body["errors"][0]["extensions"]["fields"]["input.tenantSlug"].is_string(),
        "{body}"
    );
}

#[tokio::test]
async fn request_ids_are_echoed_or_generated() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["x-request-id"], "trace-abc-123");
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "bad value with spaces")
        .send()
        .await
        .expect("request");
    let generated = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");
}

#[tokio::test]
async fn operations_are_rate_limited_per_ip_counting_each_operation_of_a_batch() {
    let app = TestApp::spawn_with(|c| c.rate_limits.per_ip_per_minute = 5).await;
    let op = json!({ "query": "{ apiVersion }" });
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&vec![op.clone(); 4])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);
    data(&app.anon("{ apiVersion }", json!({})).await);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&op)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().get("retry-after").is_some());
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "RATE_LIMITED");
}

#[tokio::test]
async fn operations_are_rate_limited_per_user() {
    let app = TestApp::spawn_with(|c| c.rate_limits.per_user_per_minute = 3).await;
    let agency = app.agency().await;
    for _ in 0..3 {
        data(
            &app.gql(agency.admin.token(), "{ me { id } }", json!({}))
                .await,
        );
    }
    let body = app
        .gql(agency.admin.token(), "{ me { id } }", json!({}))
        .await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    // Another user behind the same IP is unaffected.
    let other = app.agency().await;
    data(
        &app.gql(other.admin.token(), "{ me { id } }", json!({}))
            .await,
    );
}

#[tokio::test]
async fn a_login_flood_does_not_starve_other_requests() {
    // One argon2 slot: eight sign-ins queue behind each other on blocking threads while the
    // runtime keeps serving. Health checks sent meanwhile must come back before the flood ends.
    let app = TestApp::spawn_with(|c| {
        c.limits.password_hash_concurrency = 1;
        c.throttle.account_max_failures = 1_000;
    })
    .await;
    let agency = app.agency().await;
    let flood = async {
        let logins = (0..8).map(|i| {
            agency.login(
                &app,
                &agency.admin.email,
                if i == 0 {
                    crate::helpers::PASSWORD
                } else {
                    "wrong password!"
                },
            )
        });
        futures_util::future::join_all(logins).await;
        std::time::Instant::now()
    };
    let probes = async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let response = app
            .client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status().as_u16(), 200);
        std::time::Instant::now()
    };
    let (flood_done, probe_done) = tokio::join!(flood, probes);
    assert!(
        probe_done < flood_done,
        "the health check waited for the whole login flood"
    );
}
