//! Operations: readiness, JSON logs with request ids, graceful shutdown, configuration errors.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{JWT_SECRET, TestApp, code, master_key};

const BIN: &str = env!("CARGO_BIN_EXE_talentgraph");

#[tokio::test]
async fn readyz_fails_while_the_database_is_down() {
    let app = TestApp::spawn().await;
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("request");
    assert_eq!(ready.status().as_u16(), 200);
    // Closing the pool is what an unreachable database looks like from inside.
    app.state.db.clone().close().await.expect("close");
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("request");
    assert_eq!(ready.status().as_u16(), 503);
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(health.status().as_u16(), 200);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Runs `talentgraph serve` in a temporary directory with JSON logs.
fn spawn_server(dir: &std::path::Path, port: u16) -> std::process::Child {
    spawn_server_with(dir, port, &[])
}

/// [`spawn_server`] with more settings.
fn spawn_server_with(
    dir: &std::path::Path,
    port: u16,
    envs: &[(&str, &str)],
) -> std::process::Child {
    Command::new(BIN)
        // Not this test's subject: no embedding jobs in the background.
        .env_remove("TALENTGRAPH_EMBEDDING_MODEL")
        .arg("serve")
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/ops.db?mode=rwc", dir.display()),
        )
        .env("TALENTGRAPH_BIND", format!("127.0.0.1:{port}"))
        .env("TALENTGRAPH_JWT_SECRET", JWT_SECRET)
        .env("TALENTGRAPH_ENCRYPTION_KEYS", master_key("k1", 1))
        .env("TALENTGRAPH_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn server")
}

async fn wait_ready(client: &reqwest::Client, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server did not become ready");
}

#[tokio::test]
async fn json_logs_carry_the_request_id_and_sigterm_stops_gracefully() {
    let dir = std::env::temp_dir().join(format!("tg-ops-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = free_port();
    let child = spawn_server(&dir, port);
    let client = reqwest::Client::new();
    wait_ready(&client, port).await;
    let response = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .header("x-request-id", "ops-test-42")
        .json(&serde_json::json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 200);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    assert!(exit.status.success(), "exit: {:?}", exit.status);
    let lines: Vec<Value> = BufReader::new(&exit.stdout[..])
        .lines()
        .map_while(Result::ok)
        .map(|l| serde_json::from_str(&l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    let request_lines: Vec<&Value> = lines
        .iter()
        .filter(|l| l.to_string().contains("ops-test-42"))
        .collect();
    assert!(
        !request_lines.is_empty(),
        "no log line carries the request id: {lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "stopped" || l["fields"]["message"] == "stopped"),
        "{lines:#?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn run(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("tg-cfg-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let output = run_in(&dir, args, envs);
    let _ = std::fs::remove_dir_all(&dir);
    output
}

/// Runs the binary in `dir` with only `envs` of the talentgraph settings set.
fn run_in(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(dir);
    for var in [
        "DATABASE_URL",
        "TALENTGRAPH_JWT_SECRET",
        "TALENTGRAPH_ENCRYPTION_KEYS",
        "TALENTGRAPH_BIND",
        "TALENTGRAPH_LOG_FORMAT",
        "TALENTGRAPH_EMBEDDING_MODEL",
    ] {
        command.env_remove(var);
    }
    command.env_remove("RUST_LOG");
    for (k, v) in envs {
        command.env(k, v);
    }
    command.output().expect("run")
}

fn one_line_error(output: &std::process::Output, var: &str) {
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(var),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_configuration_stops_start_up_with_one_line_naming_the_variable() {
    one_line_error(
        &run(&["serve"], &[("TALENTGRAPH_JWT_SECRET", "too-short")]),
        "TALENTGRAPH_JWT_SECRET",
    );
    one_line_error(
        &run(
            &["serve"],
            &[("TALENTGRAPH_ENCRYPTION_KEYS", "k1:not-base64!")],
        ),
        "TALENTGRAPH_ENCRYPTION_KEYS",
    );
    one_line_error(
        &run(&["serve"], &[("TALENTGRAPH_BIND", "nowhere")]),
        "TALENTGRAPH_BIND",
    );
    one_line_error(
        &run(&["serve"], &[("DATABASE_URL", "mysql://x")]),
        "DATABASE_URL",
    );
    one_line_error(
        &run(&["serve"], &[("TALENTGRAPH_LOG_FORMAT", "xml")]),
        "TALENTGRAPH_LOG_FORMAT",
    );
}

#[test]
fn postgres_refuses_to_start_without_secrets() {
    let pg = [(
        "DATABASE_URL",
        "postgres://postgres@127.0.0.1:5432/postgres",
    )];
    one_line_error(&run(&["serve"], &pg), "TALENTGRAPH_JWT_SECRET");
    let with_jwt = [pg[0], ("TALENTGRAPH_JWT_SECRET", JWT_SECRET)];
    one_line_error(&run(&["serve"], &with_jwt), "TALENTGRAPH_ENCRYPTION_KEYS");
}

/// With the database gone, requests fail at once — `/readyz` 503 and GraphQL
/// `INTERNAL_SERVER_ERROR` (HTTP 503) — instead of each waiting out the pool (10 s before).
/// PostgreSQL only: the database is taken away by cutting a TCP proxy in front of it.
#[tokio::test]
async fn with_the_database_down_requests_fail_fast() {
    let Some((app, proxy)) = TestApp::spawn_behind_proxy().await else {
        eprintln!("skipped: needs TALENTGRAPH_TEST_POSTGRES_URL");
        return;
    };
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status().as_u16(), 200);
    proxy.cut();
    // The background probe notices within a second.
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let started = std::time::Instant::now();
    let ready = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status().as_u16(), 503);
    let response = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "mutation { login(input: { tenantSlug: \"acme\", email: \"a@b.test\", password: \"whatever-long\" }) { accessToken } }" }))
        .send()
        .await
        .expect("graphql");
    assert_eq!(response.status().as_u16(), 503);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "INTERNAL_SERVER_ERROR");
    let elapsed = started.elapsed();
    assert!(
        elapsed < std::time::Duration::from_secs(1),
        "took {elapsed:?}"
    );
}

/// What an operator reads when the database, the port or a setting is wrong: one line naming
/// the variable — not "pool timed out", not a line of PostgreSQL's source, never a password —
/// and nothing created or migrated on the way.
#[test]
fn operator_messages_name_the_variable_and_change_nothing() {
    // An unreachable database names DATABASE_URL and the host.
    let closed = free_port();
    let url = format!("postgres://postgres:hunter2pw@127.0.0.1:{closed}/app");
    let secrets = [
        ("TALENTGRAPH_JWT_SECRET", JWT_SECRET),
        (
            "TALENTGRAPH_ENCRYPTION_KEYS",
            "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ),
    ];
    let out = run(
        &["migrate", "up"],
        &[("DATABASE_URL", &url), secrets[0], secrets[1]],
    );
    one_line_error(&out, "DATABASE_URL");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("127.0.0.1:{closed}")), "{stderr}");
    assert!(
        !stderr.contains("pool timed out") && !stderr.contains("hunter2pw"),
        "{stderr}"
    );

    // A missing PostgreSQL database says so, without PostgreSQL's source line.
    if let Ok(admin) = std::env::var("TALENTGRAPH_TEST_POSTGRES_URL") {
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let missing = format!("{base}/tg_missing_{}", uuid::Uuid::now_v7().simple());
        let out = run(&["migrate", "status"], &[("DATABASE_URL", &missing)]);
        one_line_error(&out, "DATABASE_URL");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("does not exist") && !stderr.contains("line "),
            "{stderr}"
        );
    }

    // A port in use is reported before anything is migrated or generated.
    let dir = std::env::temp_dir().join(format!("tg-port-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = run_in(&dir, &["serve"], &[("TALENTGRAPH_BIND", &addr)]);
    one_line_error(&out, "TALENTGRAPH_BIND");
    let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().collect();
    assert!(left.is_empty(), "created {left:?}");

    // `migrate status` creates nothing either (no database file, no secrets).
    let out = run_in(&dir, &["migrate", "status"], &[]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Pending"));
    let left: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().collect();
    assert!(left.is_empty(), "created {left:?}");
    let _ = std::fs::remove_dir_all(&dir);

    // An invalid RUST_LOG, or limit, is reported rather than ignored.
    one_line_error(
        &run(&["serve"], &[("RUST_LOG", "foo=bar=baz[")]),
        "RUST_LOG",
    );
    one_line_error(
        &run(&["serve"], &[("TALENTGRAPH_RATE_LIMIT_PER_USER", "lots")]),
        "TALENTGRAPH_RATE_LIMIT_PER_USER",
    );
}

/// Limits come from the environment: a load test can raise the per-user rate limit, and an
/// operator can tighten the request limits.
#[tokio::test]
async fn limits_are_set_from_the_environment() {
    let dir = std::env::temp_dir().join(format!("tg-env-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = free_port();
    let mut child = spawn_server_with(
        &dir,
        port,
        &[
            ("TALENTGRAPH_RATE_LIMIT_PER_IP", "3"),
            ("TALENTGRAPH_MAX_ALIASES", "2"),
        ],
    );
    let client = reqwest::Client::new();
    // The readiness probe is not a GraphQL operation: it does not count.
    wait_ready(&client, port).await;
    let post = |query: &'static str| {
        let client = client.clone();
        async move {
            client
                .post(format!("http://127.0.0.1:{port}/graphql"))
                .json(&json!({ "query": query }))
                .send()
                .await
                .expect("request")
        }
    };
    let body: Value = post("{ a: apiVersion b: apiVersion c: apiVersion }")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body}");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(post("{ apiVersion }").await.status().as_u16());
    }
    assert_eq!(
        statuses,
        [200, 200, 429],
        "the aliases request counted as the first"
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The value of the sample `line` starts with in a Prometheus text exposition.
fn sample(text: &str, line: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(line))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_count_operations_sockets_subscriptions_jobs_and_pools() {
    let app = TestApp::spawn_with(|c| c.jobs.poll_interval = Duration::from_millis(50)).await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    for _ in 0..2 {
        crate::helpers::data(&app.gql(token, "query Me { me { id } }", json!({})).await);
    }
    let denied = app.gql(None, "query Me { me { id } }", json!({})).await;
    assert_eq!(code(&denied), "UNAUTHENTICATED");
    let mut socket = crate::helpers::ws::open(&app, token).await;
    crate::helpers::ws::subscribe(
        &mut socket,
        "t",
        "subscription { tenderUpdated { sequence } }",
        json!({}),
    )
    .await;
    // A workflow run: one job, finished by this instance's workers.
    let created = crate::automation::create_workflow(
        &app,
        token,
        json!({ "name": "Counted", "trigger": { "kind": "MANUAL" },
                "steps": [{ "kind": "SEND_EMAIL", "config": { "to": "a@b.test", "subject": "s", "body": "b" } }] }),
    )
    .await;
    let workflow = crate::helpers::data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    crate::helpers::data(
        &app.gql(
            token,
            "mutation Run($w: ID!) { runWorkflow(input: { workflowId: $w }) { id } }",
            json!({ "w": workflow }),
        )
        .await,
    );
    crate::automation::ended_run(&app, token, &workflow, Duration::from_secs(20)).await;

    // The job's SUCCEEDED is written with the worker's next claim; the queue is counted for
    // scrapes at most every 10 s, so wait for the row before the first one.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        use sea_orm::ConnectionTrait as _;
        let db = app.state.writer();
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM job WHERE state = 'SUCCEEDED'",
            ))
            .await
            .expect("count")
            .expect("row");
        if row.try_get::<i64>("", "n").expect("n") == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the job never succeeded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let response = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/plain")
    );
    let text = response.text().await.expect("text");
    // A client's made-up operation name is not kept.
    let bogus = app
        .client
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ apiVersion }", "operationName": "Invented" }))
        .send()
        .await
        .expect("request");
    assert_eq!(bogus.status(), 200);
    for (line, expected) in [
        (
            "talentgraph_graphql_operations_total{code=\"OK\",operation=\"Me\",type=\"query\"}",
            2.0,
        ),
        (
            "talentgraph_graphql_operations_total{code=\"UNAUTHENTICATED\",operation=\"Me\",type=\"query\"}",
            1.0,
        ),
        (
            "talentgraph_graphql_operations_total{code=\"OK\",operation=\"Run\",type=\"mutation\"}",
            1.0,
        ),
        (
            "talentgraph_graphql_operation_duration_seconds_count{operation=\"Me\",type=\"query\"}",
            3.0,
        ),
        ("talentgraph_websocket_connections", 1.0),
        ("talentgraph_subscriptions", 1.0),
        ("talentgraph_jobs{state=\"SUCCEEDED\"}", 1.0),
        ("talentgraph_jobs{state=\"QUEUED\"}", 0.0),
        (
            "talentgraph_jobs_finished_total{kind=\"workflow.run\",outcome=\"succeeded\"}",
            1.0,
        ),
    ] {
        assert_eq!(sample(&text, line), Some(expected), "{line} in\n{text}");
    }
    // Dispatched as fast as committed here: the lag is reported, and small.
    assert!(
        sample(&text, "talentgraph_outbox_lag_events").is_some_and(|n| n < 50.0),
        "{text}"
    );
    assert!(
        sample(
            &text,
            "talentgraph_db_pool_connections{pool=\"writer\",state=\"open\"}"
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    let later = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(!later.contains("operation=\"Invented\""), "{later}");
    // The socket closed, the gauges go back down.
    drop(socket);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = app
            .client
            .get(app.url("/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text");
        if sample(&text, "talentgraph_websocket_connections") == Some(0.0)
            && sample(&text, "talentgraph_subscriptions") == Some(0.0)
        {
            break;
        }
        assert!(Instant::now() < deadline, "gauges stayed up:\n{text}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `talentgraph_graphql_operation_sql_statements` counts what each operation ran, its
/// DataLoader batches (spawned tasks) included: the same count the test's own pool callback
/// sees for the request, less what the request's edge ran before the operation (the token
/// check, and on PostgreSQL the shared rate budgets).
#[tokio::test]
async fn metrics_count_the_sql_statements_of_each_operation() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let company = agency.company(&app, "Acme").await;
    for title in ["One", "Two", "Three"] {
        agency
            .draft_tender(&app, &company, json!({ "title": title }))
            .await;
    }
    let query = "query Board { tenders(first: 10) { edges { node { title company { name } requiredSkills { skill { name } } } } } }";
    let scrape = || async {
        app.client
            .get(app.url("/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text")
    };
    let (body, seen) = app.gql_counted(token, query, json!({})).await;
    crate::helpers::data(&body);
    let text = scrape().await;
    let prefix = "talentgraph_graphql_operation_sql_statements";
    let count = sample(
        &text,
        &format!("{prefix}_count{{operation=\"Board\",type=\"query\"}}"),
    );
    let sum = sample(
        &text,
        &format!("{prefix}_sum{{operation=\"Board\",type=\"query\"}}"),
    )
    .expect("a sum for Board");
    assert_eq!(count, Some(1.0), "{text}");
    // The page, the companies and the required skills (batched): several statements, and
    // no more than the request ran in all.
    assert!(sum >= 3.0, "{sum} statements of {seen}: {text}");
    #[expect(clippy::cast_precision_loss, reason = "a count of statements")]
    let seen = seen as f64;
    assert!(sum <= seen, "{sum} > {seen}");
    // A second run counts the same.
    let (body, _) = app.gql_counted(token, query, json!({})).await;
    crate::helpers::data(&body);
    let text = scrape().await;
    let again = sample(
        &text,
        &format!("{prefix}_sum{{operation=\"Board\",type=\"query\"}}"),
    )
    .expect("sum");
    assert!(
        (again - 2.0 * sum).abs() < f64::EPSILON,
        "{again} vs 2 × {sum}"
    );
}

/// With `OTEL_EXPORTER_OTLP_ENDPOINT` the server sends its spans over OTLP/HTTP: a collector
/// (a socket server here) receives `POST /v1/traces` carrying the operation's span.
#[tokio::test]
async fn traces_go_to_the_otlp_collector_when_one_is_configured() {
    use std::sync::{Arc, Mutex};
    /// What the collector received: content type and body of each export.
    type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;
    let received: Received = Arc::default();
    let collector = {
        let received = received.clone();
        axum::Router::new().route(
            "/v1/traces",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let received = received.clone();
                    async move {
                        let kind = headers
                            .get("content-type")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        if let Ok(mut r) = received.lock() {
                            r.push((kind, body.to_vec()));
                        }
                        axum::http::StatusCode::OK
                    }
                },
            ),
        )
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, collector).await;
    });

    let dir = std::env::temp_dir().join(format!("tg-otlp-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = free_port();
    let mut child = spawn_server_with(
        &dir,
        port,
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
    );
    let client = reqwest::Client::new();
    wait_ready(&client, port).await;
    let body: Value = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(&json!({ "query": "query TracedVersion { apiVersion }" }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(body["data"]["apiVersion"].is_string(), "{body}");
    // The span's name and attributes travel as protobuf strings: their bytes are in the body.
    let deadline = Instant::now() + Duration::from_secs(15);
    let found = loop {
        let hit = received.lock().ok().and_then(|r| {
            r.iter()
                .find(|(_, body)| {
                    let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
                    has(b"query TracedVersion") && has(b"graphql.operation.name")
                })
                .map(|(kind, _)| kind.clone())
        });
        if let Some(kind) = hit {
            break kind;
        }
        assert!(Instant::now() < deadline, "no span reached the collector");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(found, "application/x-protobuf");
    let _ = child.kill();
    let _ = child.wait();
    server.abort();
    let _ = std::fs::remove_dir_all(&dir);
}
