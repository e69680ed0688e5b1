//! How runs start and end beyond events (issue 9): cron ticks (once per tick with two
//! instances; once, not per missed tick, after downtime), signed incoming webhooks (replays and
//! bad signatures refused), a worker process killed mid-job, and retention.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::automation::{Receiver, app, create_workflow, ended_run, runs_of};
use crate::helpers::{JWT_SECRET, TestApp, data, master_key};

const BIN: &str = env!("CARGO_BIN_EXE_talentgraph");

fn email_step(subject: &str, body: &str) -> Value {
    json!({ "kind": "SEND_EMAIL", "config": { "to": "ops@agency.test", "subject": subject, "body": body } })
}

#[tokio::test]
async fn a_schedule_ticks_once_per_tick_with_two_instances() {
    let first = app().await;
    let second = first
        .another_instance_with(|c| c.jobs.poll_interval = Duration::from_millis(50))
        .await;
    let agency = first.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &first,
        token,
        json!({ "name": "Every second", "trigger": { "kind": "SCHEDULE", "cron": "* * * * * *", "timezone": "Europe/Paris" },
                "steps": [email_step("tick {{ tick }}", "scheduled")] }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    data(&first
        .gql(token, "mutation($id: ID!) { setWorkflowEnabled(input: { id: $id, enabled: false }) { id } }", json!({ "id": workflow_id }))
        .await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runs = runs_of(&first, token, &workflow_id).await;
    let mut ticks: Vec<String> = runs
        .iter()
        .map(|r| r["input"]["tick"].as_str().expect("tick").to_owned())
        .collect();
    assert!(ticks.len() >= 2, "too few ticks: {ticks:?}");
    assert!(runs.iter().all(|r| r["trigger"] == "SCHEDULE"));
    let all = ticks.len();
    ticks.sort();
    ticks.dedup();
    assert_eq!(ticks.len(), all, "a tick ran twice: {runs:?}");
    drop(second);
}

#[tokio::test]
async fn a_tick_missed_while_everything_was_down_runs_once() {
    let app = app().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    // Hourly, half an hour away from now: no regular tick comes due while the test runs (with
    // `*/5` one did, at a five-minute mark, and made a second run).
    let minute = (chrono::Timelike::minute(&chrono::Utc::now()) + 30) % 60;
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Hourly", "trigger": { "kind": "SCHEDULE", "cron": format!("{minute} * * * *"), "timezone": "UTC" },
                "steps": [email_step("report", "due at {{ tick }}")] }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Down for three hours: three ticks went by.
    let three_hours_ago = (chrono::Utc::now() - chrono::Duration::hours(3)).to_rfc3339();
    let stale = if app.is_postgres() {
        format!("'{three_hours_ago}'::timestamptz")
    } else {
        format!("'{three_hours_ago}'")
    };
    app.sql(&format!(
        "UPDATE workflow SET next_tick_at = {stale} WHERE id = {}",
        app.id_literal(&workflow_id)
    ))
    .await;
    // The instance's scheduler (and a direct tick, racing it) take it up once.
    talentgraph::automation::schedules::tick(&app.state, chrono::Utc::now())
        .await
        .expect("tick");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let runs = runs_of(&app, token, &workflow_id).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    let body = app
        .gql(
            token,
            "query($id: ID!) { workflow(id: $id) { trigger { nextRunAt } } }",
            json!({ "id": workflow_id }),
        )
        .await;
    let next: chrono::DateTime<chrono::Utc> = data(&body)["workflow"]["trigger"]["nextRunAt"]
        .as_str()
        .expect("next")
        .parse()
        .expect("date");
    assert!(
        next > chrono::Utc::now(),
        "the next tick is in the future: {next}"
    );
}

/// Signs `body` as Standard Webhooks message `id` sent at `timestamp`.
fn signed(secret: &str, id: &str, timestamp: i64, body: &str) -> reqwest::header::HeaderMap {
    let signature = standardwebhooks::Webhook::new(secret)
        .expect("secret")
        .sign(id, timestamp, body.as_bytes())
        .expect("sign");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("webhook-id", id.parse().expect("header"));
    headers.insert(
        "webhook-timestamp",
        timestamp.to_string().parse().expect("header"),
    );
    headers.insert("webhook-signature", signature.parse().expect("header"));
    headers.insert("content-type", "application/json".parse().expect("header"));
    headers
}

#[tokio::test]
async fn a_signed_webhook_starts_a_run_and_bad_or_replayed_ones_start_nothing() {
    let app = app().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "From n8n", "trigger": { "kind": "WEBHOOK" },
                "steps": [email_step("New lead: {{ customer }}", "{{ customer }} wants {{ role }}")] }),
    )
    .await;
    let workflow = data(&created)["createWorkflow"].clone();
    let (id, secret) = (
        workflow["id"].as_str().expect("id").to_owned(),
        workflow["signingSecret"]
            .as_str()
            .expect("secret")
            .to_owned(),
    );
    let url = app.url(&format!("/hooks/{id}"));
    let body = r#"{"customer":"Globex","role":"a Rust lead"}"#;
    let now = chrono::Utc::now().timestamp();
    let post = |headers: reqwest::header::HeaderMap, body: String| {
        let (client, url) = (app.client.clone(), url.clone());
        async move {
            client
                .post(url)
                .headers(headers)
                .body(body)
                .send()
                .await
                .expect("request")
        }
    };
    let accepted = post(signed(&secret, "msg_1", now, body), body.to_owned()).await;
    assert_eq!(accepted.status(), 202);
    let answer: Value = accepted.json().await.expect("json");
    assert!(answer["runId"].is_string(), "{answer}");
    let run = ended_run(&app, token, &id, Duration::from_secs(20)).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(run["trigger"], "WEBHOOK");
    assert_eq!(run["id"], answer["runId"]);
    let sent = app
        .gql(
            token,
            "{ sentEmails { edges { node { subject body } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data(&sent)["sentEmails"]["edges"][0]["node"]["subject"],
        "New lead: Globex"
    );

    // Refused, each with nothing run.
    let replay = post(signed(&secret, "msg_1", now, body), body.to_owned()).await;
    assert_eq!(replay.status(), 401, "a replayed message id");
    let forged = post(
        signed("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_2", now, body),
        body.to_owned(),
    )
    .await;
    assert_eq!(forged.status(), 401, "another secret");
    let tampered = post(
        signed(&secret, "msg_3", now, body),
        body.replace("Globex", "Initech"),
    )
    .await;
    assert_eq!(tampered.status(), 401, "a changed body");
    let stale = post(signed(&secret, "msg_4", now - 600, body), body.to_owned()).await;
    assert_eq!(stale.status(), 401, "a timestamp ten minutes old");
    let unsigned = app
        .client
        .post(&url)
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(unsigned.status(), 401, "no signature");
    let list = post(signed(&secret, "msg_5", now, "[1,2]"), "[1,2]".to_owned()).await;
    assert_eq!(list.status(), 400, "not an object");
    let huge = format!(r#"{{"x":"{}"}}"#, "a".repeat(70 * 1024));
    let too_big = post(signed(&secret, "msg_6", now, &huge), huge.clone()).await;
    assert_eq!(too_big.status(), 413);
    let nowhere = app
        .client
        .post(app.url(&format!("/hooks/{}", uuid::Uuid::now_v7())))
        .headers(signed(&secret, "msg_7", now, body))
        .body(body)
        .send()
        .await
        .expect("request");
    assert_eq!(nowhere.status(), 404);
    assert_eq!(
        runs_of(&app, token, &id).await.len(),
        1,
        "only the first call ran"
    );

    // A disabled workflow answers like a missing one.
    data(
        &app.gql(
            token,
            "mutation($id: ID!) { setWorkflowEnabled(input: { id: $id, enabled: false }) { id } }",
            json!({ "id": id }),
        )
        .await,
    );
    let off = post(signed(&secret, "msg_8", now, body), body.to_owned()).await;
    assert_eq!(off.status(), 404);
}

/// A `talentgraph worker` process on `app`'s database.
fn worker_process(app: &TestApp) -> Child {
    Command::new(BIN)
        // Not this test's subject: no embedding jobs in the background.
        .env_remove("TALENTGRAPH_EMBEDDING_MODEL")
        .arg("worker")
        .env("DATABASE_URL", app.database_url())
        .env("TALENTGRAPH_JWT_SECRET", JWT_SECRET)
        .env("TALENTGRAPH_ENCRYPTION_KEYS", master_key("k1", 1))
        .env("TALENTGRAPH_WORKERS", "1")
        .env("TALENTGRAPH_JOB_LEASE_SECS", "2")
        .env("TALENTGRAPH_JOB_POLL_MS", "50")
        .env("TALENTGRAPH_WEBHOOK_ALLOW_PRIVATE", "true")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a worker process")
}

#[tokio::test]
async fn a_job_of_a_killed_worker_process_is_finished_by_another_after_its_lease() {
    // The server runs no workers: the processes do.
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    // The first delivery hangs (its worker will be killed meanwhile); later ones succeed.
    let receiver = Receiver::start_hanging_first().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Slow receiver", "trigger": { "kind": "MANUAL" },
                "steps": [{ "kind": "CALL_WEBHOOK", "config": { "url": receiver.url, "timeoutSeconds": 30 } }] }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut doomed = worker_process(&app);
    data(
        &app.gql(
            token,
            "mutation($w: ID!) { runWorkflow(input: { workflowId: $w }) { id } }",
            json!({ "w": workflow_id }),
        )
        .await,
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while receiver.received().is_empty() {
        assert!(Instant::now() < deadline, "the worker process never called");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // SIGKILL: no graceful stop, the job stays RUNNING under its lease.
    doomed.kill().expect("kill");
    doomed.wait().expect("reap");
    let killed_at = Instant::now();
    let mut rescuer = worker_process(&app);
    let run = ended_run(&app, token, &workflow_id, Duration::from_secs(30)).await;
    rescuer.kill().ok();
    rescuer.wait().ok();
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(run["steps"][0]["attempts"], 2, "{run}");
    assert_eq!(receiver.received().len(), 2);
    // Not before the two-second lease ran out.
    assert!(
        killed_at.elapsed() >= Duration::from_millis(1_000),
        "{:?}",
        killed_at.elapsed()
    );
}

#[tokio::test]
async fn finished_runs_jobs_and_events_are_pruned_after_their_retention_and_audit_is_kept() {
    let app = app().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Short-lived", "trigger": { "kind": "MANUAL" }, "steps": [email_step("s", "b")] }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for _ in 0..2 {
        data(
            &app.gql(
                token,
                "mutation($w: ID!) { runWorkflow(input: { workflowId: $w }) { id } }",
                json!({ "w": workflow_id }),
            )
            .await,
        );
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let runs = runs_of(&app, token, &workflow_id).await;
        if runs.iter().all(|r| r["status"] == "SUCCEEDED") && runs.len() == 2 {
            break;
        }
        assert!(Instant::now() < deadline, "{runs:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let audit_before = app
        .gql(token, "{ auditEvents { totalCount } }", json!({}))
        .await;
    // One run finished long ago, one failed long ago (kept: failures are kept longer).
    let long_ago = if app.is_postgres() {
        "now() - interval '8 days'".to_owned()
    } else {
        format!(
            "'{}'",
            (chrono::Utc::now() - chrono::Duration::days(8)).to_rfc3339()
        )
    };
    let runs = runs_of(&app, token, &workflow_id).await;
    let (old, failed) = (
        runs[0]["id"].as_str().expect("id"),
        runs[1]["id"].as_str().expect("id"),
    );
    app.sql(&format!(
        "UPDATE workflow_run SET finished_at = {long_ago} WHERE id = {}",
        app.id_literal(old)
    ))
    .await;
    app.sql(&format!(
        "UPDATE workflow_run SET finished_at = {long_ago}, status = 'FAILED' WHERE id = {}",
        app.id_literal(failed)
    ))
    .await;
    app.sql(&format!("UPDATE job SET finished_at = {long_ago}"))
        .await;
    app.sql(&format!("UPDATE domain_event SET created_at = {long_ago}"))
        .await;
    app.sql(&format!("UPDATE sent_email SET sent_at = {long_ago}"))
        .await;

    talentgraph::app::prune(&app.state).await;

    let left: Vec<String> = runs_of(&app, token, &workflow_id)
        .await
        .iter()
        .map(|r| r["id"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        left,
        vec![failed.to_owned()],
        "the failed run is kept, the other pruned"
    );
    let count = |table: &'static str| {
        let app = &app;
        async move {
            use sea_orm::ConnectionTrait as _;
            let row = app
                .state
                .writer()
                .query_one_raw(sea_orm::Statement::from_string(
                    app.state.writer().get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM {table}"),
                ))
                .await
                .expect("count")
                .expect("row");
            row.try_get::<i64>("", "n").expect("n")
        }
    };
    assert_eq!(count("job").await, 0, "finished jobs pruned");
    assert_eq!(count("domain_event").await, 0, "delivered events pruned");
    assert_eq!(count("sent_email").await, 0, "old e-mail pruned");
    let audit_after = app
        .gql(token, "{ auditEvents { totalCount } }", json!({}))
        .await;
    assert_eq!(
        data(&audit_after)["auditEvents"]["totalCount"],
        data(&audit_before)["auditEvents"]["totalCount"],
        "audit is never pruned"
    );
}

#[tokio::test]
async fn a_run_whose_job_died_unheard_is_failed_by_the_sweep() {
    let app = TestApp::spawn_with(|c| c.jobs.workers = 0).await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Orphan", "trigger": { "kind": "MANUAL" }, "steps": [email_step("s", "b")] }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let started = app
        .gql(
            token,
            "mutation($w: ID!) { runWorkflow(input: { workflowId: $w }) { id } }",
            json!({ "w": workflow_id }),
        )
        .await;
    let run_id = data(&started)["runWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Its job died while the run could not be told (the database was failing then).
    app.sql("UPDATE job SET state = 'DEAD', last_error = 'the database went away'")
        .await;
    let swept =
        talentgraph::automation::execute::sweep_abandoned(&app.state, chrono::Duration::zero())
            .await
            .expect("sweep");
    assert_eq!(swept, 1);
    let body = app
        .gql(
            token,
            "query($id: ID!) { workflowRun(id: $id) { status error steps { status } } }",
            json!({ "id": run_id }),
        )
        .await;
    let run = &data(&body)["workflowRun"];
    assert_eq!(run["status"], "FAILED", "{body}");
    assert!(
        run["error"]
            .as_str()
            .is_some_and(|e| e.contains("the database went away")),
        "{body}"
    );
    assert_eq!(run["steps"][0]["status"], "SKIPPED");
}

#[tokio::test]
async fn the_webhook_endpoint_is_rate_limited_per_caller() {
    let app = TestApp::spawn_with(|c| c.rate_limits.per_ip_per_minute = 10).await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Hooked", "trigger": { "kind": "WEBHOOK" }, "steps": [email_step("s", "b")] }),
    )
    .await;
    let workflow = data(&created)["createWorkflow"].clone();
    let (id, secret) = (
        workflow["id"].as_str().expect("id").to_owned(),
        workflow["signingSecret"]
            .as_str()
            .expect("secret")
            .to_owned(),
    );
    // Another source than the one that set things up, with its own allowance.
    let caller = TestApp::client_from("127.0.0.2");
    let now = chrono::Utc::now().timestamp();
    let mut statuses = Vec::new();
    for n in 0..12 {
        let body = format!(r#"{{"n":{n}}}"#);
        let answer = caller
            .post(app.url(&format!("/hooks/{id}")))
            .headers(signed(&secret, &format!("msg_{n}"), now, &body))
            .body(body)
            .send()
            .await
            .expect("request");
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[202; 10], "{statuses:?}");
    assert_eq!(&statuses[10..], &[429, 429], "{statuses:?}");
}
