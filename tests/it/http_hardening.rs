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
async fn batching_is_off_by_default_and_capped_when_on() {
    let op = json!({ "query": "{ apiVersion }" });
    let off = TestApp::spawn().await;
    let response = off
        .client
        .post(off.url("/graphql"))
        .json(&json!([op, op]))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let app = TestApp::spawn_with(|c| c.limits.max_batch = 10).await;
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
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.per_ip_per_minute = 5;
        c.limits.max_batch = 10;
    })
    .await;
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

/// Sockets that never finish their headers used to stay open 80 s; 1,500 of them from one
/// address made `/healthz` time out. Now each address holds a bounded number of connections
/// (more are closed at once) and unfinished headers are dropped after the header-read timeout.
#[tokio::test]
async fn half_open_connections_are_closed_and_healthz_still_answers() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = TestApp::spawn_with(|c| {
        c.limits.connections.header_read_timeout = std::time::Duration::from_millis(500);
        c.limits.connections.max_per_ip = 50;
    })
    .await;
    let attacker: std::net::SocketAddr = "127.0.0.2:0".parse().expect("addr");
    let mut sockets = Vec::new();
    for _ in 0..300 {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.bind(attacker).expect("bind 127.0.0.2");
        let mut stream = socket.connect(app.addr).await.expect("connect");
        // Never finished: no blank line after the headers.
        let _ = stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await;
        sockets.push(stream);
    }
    let response = app
        .client
        .get(app.url("/healthz"))
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .expect("healthz answers while 300 half-open sockets wait");
    assert_eq!(response.status().as_u16(), 200);

    // Every one of them is closed by the server: most at once, the rest after the timeout.
    let closed = futures_util::future::join_all(sockets.iter_mut().map(|s| async {
        let mut buf = [0u8; 256];
        matches!(
            tokio::time::timeout(std::time::Duration::from_secs(5), s.read(&mut buf)).await,
            Ok(Ok(_) | Err(_))
        )
    }))
    .await;
    assert_eq!(closed.iter().filter(|c| **c).count(), 300);
    // And the address may connect again.
    let again = TestApp::client_from("127.0.0.2");
    let response = again
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(response.status().as_u16(), 200);
}

/// A 10 MB body used to be answered with a connection reset 14 times out of 20; the server now
/// reads and discards it and answers 413.
#[tokio::test]
async fn a_ten_megabyte_body_gets_413_not_a_reset() {
    let app = TestApp::spawn().await;
    let body = format!(
        "{{\"query\":\"{{ apiVersion }}\",\"variables\":{{\"pad\":\"{}\"}}}}",
        "a".repeat(10 * 1024 * 1024)
    );
    for attempt in 0..20 {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("attempt {attempt}: {e}"));
        assert_eq!(response.status().as_u16(), 413, "attempt {attempt}");
        let json: Value = response.json().await.expect("json error body");
        assert_eq!(code(&json), "BAD_USER_INPUT");
    }
}

/// `GET /graphql` honours the standard `operationName` parameter.
#[tokio::test]
async fn get_selects_the_operation_named_by_operation_name() {
    let app = TestApp::spawn().await;
    let document = "query A { apiVersion } query B { __typename }";
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[("query", document), ("operationName", "B")])
        .send()
        .await
        .expect("request");
    let body: Value = response.json().await.expect("json");
    assert_eq!(data(&body), &json!({ "__typename": "Query" }));
    let response = app
        .client
        .get(app.url("/graphql"))
        .query(&[
            (
                "query",
                "query V($t: String!) { apiVersion __type(name: $t) { name } }",
            ),
            ("operationName", "V"),
            ("variables", "{\"t\": \"Query\"}"),
        ])
        .send()
        .await
        .expect("request");
    let body: Value = response.json().await.expect("json");
    assert!(data(&body)["apiVersion"].is_string(), "{body}");
    assert_eq!(
        data(&body)["__type"]["name"],
        "Query",
        "variables apply: {body}"
    );
}

/// Response keys follow the query's selection (GraphQL spec): the root merges one object per
/// domain, which used to put `apiVersion` first and `me` before `tenant` whatever was asked.
#[tokio::test]
async fn response_keys_follow_the_order_of_the_selection() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let query = "{ tenant { slug id } me { id fullName } v: apiVersion ...F } fragment F on Query { skills { totalCount } }";
    let positions = |text: &str| {
        [
            "\"tenant\"",
            "\"slug\"",
            "\"id\"",
            "\"me\"",
            "\"v\"",
            "\"skills\"",
        ]
        .map(|key| text.find(key).unwrap_or(usize::MAX))
    };
    let post = app
        .client
        .post(app.url("/graphql"))
        .bearer_auth(&agency.admin.access)
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("post")
        .text()
        .await
        .expect("text");
    let get = app
        .client
        .get(app.url("/graphql"))
        .bearer_auth(&agency.admin.access)
        .query(&[("query", query)])
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    for text in [post, get] {
        let p = positions(&text);
        assert!(p.windows(2).all(|w| w[0] < w[1]), "{text}");
    }
}

/// Fragments that spread each other twice over expand to 2^n fields from n fragments; the
/// server refuses such a document at once (over POST and GET, signed in or not) instead of
/// expanding it.
#[tokio::test]
async fn fragment_bombs_are_refused_at_once() {
    let app = TestApp::spawn().await;
    // Deep (past the engine's recursion limit) and shallow (under it: 2^26 expansions).
    for levels in [300, 26] {
        let mut document = String::from("{ ...F0 }");
        for i in 0..levels {
            document.push_str(&format!(
                " fragment F{i} on Query {{ ...F{} ...F{} }}",
                i + 1,
                i + 1
            ));
        }
        document.push_str(&format!(" fragment F{levels} on Query {{ apiVersion }}"));
        let response = app
            .client
            .post(app.url("/graphql"))
            .json(&json!({ "query": document }))
            .timeout(std::time::Duration::from_secs(20))
            .send()
            .await
            .expect("POST answers");
        let body: Value = response.json().await.expect("json");
        assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{levels}: {body}");
        let response = app
            .client
            .get(app.url("/graphql"))
            .query(&[("query", document.as_str())])
            .timeout(std::time::Duration::from_secs(20))
            .send()
            .await
            .expect("GET answers");
        let body: Value = response.json().await.expect("json");
        assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{levels}: {body}");
    }
}

/// Past the cap on connections in all, new ones are closed at once whatever their address
/// (many addresses of one attacker), and the server answers again once they go.
#[tokio::test]
async fn connections_beyond_the_total_cap_are_closed() {
    use tokio::io::AsyncReadExt as _;
    let app = TestApp::spawn_with(|c| c.limits.connections.max_total = 20).await;
    let mut held = Vec::new();
    for i in 0..20 {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        let from: std::net::SocketAddr = format!("127.0.1.{}:0", i + 1).parse().expect("addr");
        socket.bind(from).expect("bind");
        held.push(socket.connect(app.addr).await.expect("connect"));
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut extra = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), extra.read(&mut buf))
        .await
        .expect("closed at once");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    drop(held);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(response.status().as_u16(), 200);
}

/// Statuses of `{ apiVersion }` sent once per `forwarded` value, each as `X-Forwarded-For`.
async fn statuses_forwarded_as(app: &TestApp, forwarded: &[&str]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for value in forwarded {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("x-forwarded-for", *value)
            .json(&json!({ "query": "{ apiVersion }" }))
            .send()
            .await
            .expect("request");
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn forwarding_headers_name_the_client_only_behind_a_trusted_proxy() {
    // Nobody trusted: a client cannot dodge its limit by claiming other addresses.
    let direct = TestApp::spawn_with(|c| c.rate_limits.per_ip_per_minute = 3).await;
    let spoofs = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"];
    assert_eq!(
        statuses_forwarded_as(&direct, &spoofs).await,
        [200, 200, 200, 429]
    );

    // Behind a trusted load balancer (here: this machine), clients are told apart by the
    // address it forwards, and each has its own allowance…
    let proxied = TestApp::spawn_with(|c| {
        c.rate_limits.per_ip_per_minute = 3;
        c.trusted_proxies = talentgraph::config::parse_proxies("127.0.0.0/8").expect("cidr");
    })
    .await;
    assert_eq!(
        statuses_forwarded_as(&proxied, &spoofs).await,
        [200, 200, 200, 200]
    );
    // …which an address the client wrote in front of the proxy's cannot reset.
    let chains = [
        "1.1.1.1, 198.51.100.7",
        "2.2.2.2, 198.51.100.7",
        "3.3.3.3, 198.51.100.7",
        "4.4.4.4, 198.51.100.7",
    ];
    assert_eq!(
        statuses_forwarded_as(&proxied, &chains).await,
        [200, 200, 200, 429]
    );
    // A bad setting stops start-up naming the variable.
    let err = talentgraph::config::parse_proxies("10.0.0.0/33").expect_err("invalid");
    assert!(
        err.to_string().contains("TALENTGRAPH_TRUSTED_PROXIES"),
        "{err}"
    );
}

#[tokio::test]
async fn responses_are_compressed_on_request_and_say_how_they_may_be_used() {
    let app = TestApp::spawn().await;
    let query = json!({ "query": "{ __schema { types { name description } } }" });
    let plain = app
        .client
        .post(app.url("/graphql"))
        .json(&query)
        .send()
        .await
        .expect("request");
    assert!(plain.headers().get("content-encoding").is_none());
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
    ] {
        assert_eq!(plain.headers()[name], value, "{name}");
    }
    let plain_len = plain.bytes().await.expect("body").len();
    let gzipped = app
        .client
        .post(app.url("/graphql"))
        .header("accept-encoding", "gzip")
        .json(&query)
        .send()
        .await
        .expect("request");
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let body = gzipped.bytes().await.expect("body");
    assert_eq!(&body[..2], &[0x1f, 0x8b], "a gzip stream");
    assert!(
        body.len() * 2 < plain_len,
        "{} of {plain_len} bytes",
        body.len()
    );
}

#[tokio::test]
async fn graphql_response_json_gets_the_spec_s_status_codes() {
    let app = TestApp::spawn().await;
    let post = |query: &'static str, accept: &'static str| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(app.url("/graphql"))
                .header("accept", accept)
                .json(&json!({ "query": query }))
                .send()
                .await
                .expect("request");
            let status = response.status().as_u16();
            let media = response.headers()["content-type"]
                .to_str()
                .unwrap_or("")
                .to_owned();
            let body: Value = response.json().await.expect("json");
            (status, media, body)
        }
    };
    let modern = "application/graphql-response+json, application/json;q=0.9";
    let (status, media, body) = post("{ apiVersion }", modern).await;
    assert_eq!(status, 200);
    assert!(
        media.starts_with("application/graphql-response+json"),
        "{media}"
    );
    assert!(body["data"]["apiVersion"].is_string());
    // Could not run at all: 400, and no `data` entry.
    for broken in ["{ apiVersion", "{ noSuchField }"] {
        let (status, _, body) = post(broken, modern).await;
        assert_eq!(status, 400, "{broken}: {body}");
        assert!(body.get("data").is_none(), "{body}");
        assert!(code(&body).starts_with("GRAPHQL_"), "{body}");
    }
    // Ran, with a field error: 200.
    let (status, _, body) = post("{ me { id } }", modern).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(code(&body), "UNAUTHENTICATED");
    // Legacy clients (`application/json`) keep 200 for everything.
    let (status, media, body) = post("{ noSuchField }", "application/json").await;
    assert_eq!(status, 200);
    assert!(media.starts_with("application/json"), "{media}");
    assert!(body.get("data").is_some(), "{body}");
    // Over GET as well.
    let response = app
        .client
        .get(app.url("/graphql?query=%7B%20noSuchField%20%7D"))
        .header("accept", "application/graphql-response+json")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 400);
}

/// Several instances on one PostgreSQL allow one budget between them, not one each: what one
/// counted, the other starts from (synced every 200 ms, read again when a second old).
/// On SQLite a single process serves and counts in memory.
#[tokio::test]
async fn instances_on_one_postgres_share_the_rate_budgets() {
    let app = TestApp::spawn_with(|c| {
        c.rate_limits.per_ip_per_minute = 6;
        c.throttle.ip_max_failures = 3;
    })
    .await;
    if !app.is_postgres() {
        return;
    }
    let other = app
        .another_instance_with(|c| {
            c.rate_limits.per_ip_per_minute = 6;
            c.throttle.ip_max_failures = 3;
        })
        .await;
    // Sign-in attempts from one address: two failures here…
    let login = "mutation { login(input: { tenantSlug: \"nobody\", email: \"a@b.test\", password: \"wrong-password\" }) { accessToken } }";
    for _ in 0..2 {
        let body = app.anon(login, json!({})).await;
        assert_ne!(code(&body), "RATE_LIMITED", "{body}");
    }
    // (4 of the 6 operations are spent.) What this instance counted reaches the store.
    let body = app.anon("{ apiVersion }", json!({})).await;
    data(&body);
    let body = app.anon("{ apiVersion }", json!({})).await;
    data(&body);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    // …so the other instance allows one more sign-in attempt, and two more operations.
    let body = other.anon(login, json!({})).await;
    assert_ne!(code(&body), "RATE_LIMITED", "{body}");
    let body = other.anon(login, json!({})).await;
    assert_eq!(
        code(&body),
        "RATE_LIMITED",
        "sign-in attempts are shared: {body}"
    );
    let body = other.anon("{ apiVersion }", json!({})).await;
    assert_eq!(
        code(&body),
        "RATE_LIMITED",
        "the operations budget is shared: {body}"
    );
    // And the first instance reads what the other counted before it checks again.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let body = app.anon("{ apiVersion }", json!({})).await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
}

/// With `TALENTGRAPH_REDIS_URL` the budgets are shared through Redis instead, on SQLite too
/// (`TALENTGRAPH_TEST_REDIS_URL` names the Redis to test with; `.ci/run` sets it).
#[tokio::test]
async fn instances_share_the_rate_budgets_through_redis() {
    let Ok(url) = std::env::var("TALENTGRAPH_TEST_REDIS_URL") else {
        eprintln!("SKIPPED: TALENTGRAPH_TEST_REDIS_URL is not set");
        return;
    };
    let redis = redis::Client::open(url.as_str()).expect("a Redis URL");
    let setup = |c: &mut talentgraph::config::Config| {
        c.rate_limits.per_ip_per_minute = 5;
        c.redis = Some(redis.clone());
    };
    let app = TestApp::spawn_with(setup).await;
    let other = app.another_instance_with(setup).await;
    // A client address of its own (every 127/8 address reaches the server), so that earlier
    // runs' counts in the same Redis do not meet this one's.
    let id = uuid::Uuid::now_v7().as_u128();
    let ip = format!(
        "127.{}.{}.{}",
        (id >> 16) & 0xff,
        (id >> 8) & 0xff,
        (id & 0xfe) + 1
    );
    let client = TestApp::client_from(&ip);
    for _ in 0..3 {
        data(
            &app.gql_via(&client, None, "{ apiVersion }", json!({}))
                .await,
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    for _ in 0..2 {
        data(
            &other
                .gql_via(&client, None, "{ apiVersion }", json!({}))
                .await,
        );
    }
    let body = other
        .gql_via(&client, None, "{ apiVersion }", json!({}))
        .await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let body = app
        .gql_via(&client, None, "{ apiVersion }", json!({}))
        .await;
    assert_eq!(code(&body), "RATE_LIMITED", "{body}");
    // Another address is not affected.
    data(&app.anon("{ apiVersion }", json!({})).await);
}
