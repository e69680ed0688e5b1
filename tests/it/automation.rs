//! Workflows end to end (issue 9): an event starts a run in the unit of work that raised it,
//! the run's steps act through the product's services (matches generated and proposed, an
//! e-mail recorded, a signed webhook received and verified here), failures are retried with
//! backoff and end DEAD, runs stream over `workflowRunUpdated`, and the API refuses what it
//! must.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Agency, TestApp, code, data, ws};

/// A request the receiver got: when, its headers, its body.
pub type Received = (Instant, HeaderMap, Vec<u8>);

/// A webhook receiver on 127.0.0.1: records each request and answers `status`.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Received>>>,
    pub status: Arc<std::sync::atomic::AtomicU16>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        Self::serve(false, Duration::ZERO).await
    }

    /// A receiver that never answers its first request (its caller will be killed meanwhile).
    pub async fn start_hanging_first() -> Receiver {
        Self::serve(true, Duration::ZERO).await
    }

    /// A receiver that takes `delay` to answer each request.
    pub async fn start_slow(delay: Duration) -> Receiver {
        Self::serve(false, delay).await
    }

    async fn serve(hang_first: bool, delay: Duration) -> Receiver {
        let requests: Arc<Mutex<Vec<Received>>> = Arc::default();
        let status = Arc::new(std::sync::atomic::AtomicU16::new(200));
        let (seen, answer) = (requests.clone(), status.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let (seen, answer) = (seen.clone(), answer.clone());
                async move {
                    let first = {
                        let mut seen = seen.lock().expect("requests");
                        seen.push((Instant::now(), headers, body.to_vec()));
                        seen.len() == 1
                    };
                    if hang_first && first {
                        tokio::time::sleep(Duration::from_secs(120)).await;
                    }
                    tokio::time::sleep(delay).await;
                    let code = answer.load(std::sync::atomic::Ordering::SeqCst);
                    (
                        StatusCode::from_u16(code).unwrap_or(StatusCode::OK),
                        "received",
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url,
            requests,
            status,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.requests.lock().expect("requests").clone()
    }
}

/// A server whose webhooks may call this machine, and whose workers look often.
pub async fn app() -> TestApp {
    TestApp::spawn_with(|c| {
        c.webhook_allow_private = true;
        c.jobs.poll_interval = Duration::from_millis(50);
    })
    .await
}

const WORKFLOW_FIELDS: &str = "id name enabled signingSecret trigger { kind event cron timezone nextRunAt } condition steps { index kind config retryAttempts retryInitialDelaySeconds }";
const RUN_FIELDS: &str = "id status trigger error input job { state attempts maxAttempts lastError } steps { index kind status output error attempts startedAt finishedAt nextAttemptAt } queuedAt startedAt finishedAt workflow { id name }";

pub async fn create_workflow(app: &TestApp, token: Option<&str>, input: Value) -> Value {
    app.gql(
        token,
        &format!("mutation($i: CreateWorkflowInput!) {{ createWorkflow(input: $i) {{ {WORKFLOW_FIELDS} }} }}"),
        json!({ "i": input }),
    )
    .await
}

/// The runs of `workflow`, newest first.
pub async fn runs_of(app: &TestApp, token: Option<&str>, workflow: &str) -> Vec<Value> {
    let body = app
        .gql(
            token,
            &format!("query($w: ID!) {{ workflowRuns(filter: {{ workflowId: $w }}) {{ edges {{ node {{ {RUN_FIELDS} }} }} }} }}"),
            json!({ "w": workflow }),
        )
        .await;
    data(&body)["workflowRuns"]["edges"]
        .as_array()
        .expect("runs")
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Waits for `workflow`'s single run to end; returns it.
pub async fn ended_run(
    app: &TestApp,
    token: Option<&str>,
    workflow: &str,
    within: Duration,
) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let runs = runs_of(app, token, workflow).await;
        if let Some(run) = runs.first()
            && matches!(
                run["status"].as_str(),
                Some("SUCCEEDED" | "FAILED" | "CANCELLED")
            )
        {
            return run.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no run ended within {within:?}: {runs:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A company, two skills, three consultants fit in decreasing order, and a DRAFT tender.
async fn world(app: &TestApp, agency: &Agency) -> (String, Vec<String>) {
    let company = agency.company(app, "Acme").await;
    let rust = agency.skill(app, "Rust").await;
    let tender = agency
        .draft_tender(
            app,
            &company,
            json!({ "title": "Rust lead", "budgetMax": "900", "location": "Paris", "startDate": "2027-03-01" }),
        )
        .await;
    data(
        &app.gql(
            agency.admin.token(),
            "mutation($t: ID!, $a: ID!) { setTenderSkills(input: { tenderId: $t, skills: [
        { skillId: $a, importance: REQUIRED, minLevel: INTERMEDIATE }] }) { id } }",
            json!({ "t": tender, "a": rust }),
        )
        .await,
    );
    let mut consultants = Vec::new();
    for (name, level) in [
        ("Ada", "EXPERT"),
        ("Brian", "ADVANCED"),
        ("Cleo", "INTERMEDIATE"),
        ("Dan", "INTERMEDIATE"),
    ] {
        let id = agency
            .consultant(app, json!({ "firstName": name, "dailyRate": "600", "location": "Paris", "yearsExperience": 6 }))
            .await;
        data(&app.gql(agency.admin.token(),
            "mutation($c: ID!, $s: [ConsultantSkillInput!]!) { setConsultantSkills(input: { consultantId: $c, skills: $s }) { id } }",
            json!({ "c": id, "s": [{ "skillId": rust, "level": level, "yearsExperience": 4 }] })).await);
        consultants.push(id);
    }
    (tender, consultants)
}

#[tokio::test]
async fn a_published_tender_runs_its_workflow_end_to_end() {
    let app = app().await;
    let receiver = Receiver::start().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({
            "name": "Publish → propose",
            "trigger": { "kind": "EVENT", "event": "TENDER_PUBLISHED" },
            "condition": "tender.location == 'Paris'",
            "steps": [
                { "kind": "GENERATE_MATCHES", "config": { "minScore": 0.1, "limit": 20 } },
                { "kind": "PROPOSE_TOP_MATCHES", "config": { "count": 3 } },
                { "kind": "SEND_EMAIL", "config": {
                    "to": "Account manager <am@agency.test>",
                    "subject": "{{ tender.title }} for {{ tender.company.name }}",
                    "body": "{{ workflow.name }}: candidates proposed for {{ tender.title }}." } },
                { "kind": "CALL_WEBHOOK", "config": { "url": receiver.url } },
                { "kind": "SET_TENDER_STATUS", "config": { "status": "IN_PROGRESS" } }
            ]
        }),
    )
    .await;
    let workflow = data(&created)["createWorkflow"].clone();
    let workflow_id = workflow["id"].as_str().expect("id").to_owned();
    let secret = workflow["signingSecret"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(workflow["trigger"]["event"], "TENDER_PUBLISHED");
    assert_eq!(workflow["steps"][3]["retryAttempts"], 5);

    let (tender, consultants) = world(&app, &agency).await;
    data(
        &app.gql(
            token,
            "mutation($id: ID!) { publishTender(id: $id) { id } }",
            json!({ "id": tender }),
        )
        .await,
    );

    let run = ended_run(&app, token, &workflow_id, Duration::from_secs(30)).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(run["trigger"], "EVENT");
    assert_eq!(run["input"]["tender"]["id"], tender.as_str());
    let steps = run["steps"].as_array().expect("steps");
    assert!(
        steps
            .iter()
            .all(|s| s["status"] == "SUCCEEDED" && s["attempts"] == 1),
        "{run}"
    );
    assert_eq!(steps[0]["output"]["matches"], 4, "{run}");

    // The best three are proposed, in score order; the fourth stays PENDING.
    let body = app
        .gql(token, "query($t: ID!) { matches(filter: { tenderId: $t }) { edges { node { status consultant { id } } } } }", json!({ "t": tender }))
        .await;
    let matches = data(&body)["matches"]["edges"]
        .as_array()
        .expect("matches")
        .clone();
    let status_of = |consultant: &str| {
        matches
            .iter()
            .find(|e| e["node"]["consultant"]["id"] == consultant)
            .map(|e| e["node"]["status"].as_str().unwrap_or("").to_owned())
    };
    assert_eq!(status_of(&consultants[0]).as_deref(), Some("PROPOSED"));
    assert_eq!(status_of(&consultants[1]).as_deref(), Some("PROPOSED"));
    assert_eq!(
        matches
            .iter()
            .filter(|e| e["node"]["status"] == "PROPOSED")
            .count(),
        3,
        "{body}"
    );

    // The e-mail was recorded, its templates rendered.
    let body = app
        .gql(
            token,
            "{ sentEmails { totalCount edges { node { to subject body runId } } } }",
            json!({}),
        )
        .await;
    let sent = &data(&body)["sentEmails"];
    assert_eq!(sent["totalCount"], 1, "{body}");
    let email = &sent["edges"][0]["node"];
    assert_eq!(email["subject"], "Rust lead for Acme");
    assert_eq!(email["to"], "Account manager <am@agency.test>");
    assert_eq!(email["runId"], run["id"]);

    // The webhook arrived once, signed with the workflow's secret.
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let (_, headers, payload) = &received[0];
    standardwebhooks::Webhook::new(&secret)
        .expect("secret")
        .verify(payload, headers)
        .expect("a valid Standard Webhooks signature");
    let payload: Value = serde_json::from_slice(payload).expect("json");
    assert_eq!(payload["data"]["tender"]["id"], tender.as_str());
    assert_eq!(steps[3]["output"]["status"], 200);
    let body = app
        .gql(
            token,
            "query($id: ID!) { tender(id: $id) { status } }",
            json!({ "id": tender }),
        )
        .await;
    assert_eq!(data(&body)["tender"]["status"], "IN_PROGRESS", "{body}");

    // The workflow's own changes are audited as the workflow.
    let body = app
        .gql(token, "{ auditEvents(filter: { action: \"match.status_changed\" }) { edges { node { actorRole } } } }", json!({}))
        .await;
    let roles: Vec<&Value> = data(&body)["auditEvents"]["edges"]
        .as_array()
        .expect("audit")
        .iter()
        .map(|e| &e["node"]["actorRole"])
        .collect();
    assert!(
        !roles.is_empty() && roles.iter().all(|r| *r == "WORKFLOW"),
        "{body}"
    );
}

#[tokio::test]
async fn a_failing_webhook_is_retried_with_backoff_and_ends_dead_with_its_error() {
    let app = app().await;
    let receiver = Receiver::start().await;
    receiver
        .status
        .store(500, std::sync::atomic::Ordering::SeqCst);
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({
            "name": "Notify n8n",
            "trigger": { "kind": "MANUAL" },
            "steps": [{ "kind": "CALL_WEBHOOK", "config": { "url": receiver.url },
                        "retry": { "attempts": 3, "initialDelaySeconds": 0.3 } }]
        }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let started = app
        .gql(token, "mutation($w: ID!) { runWorkflow(input: { workflowId: $w, input: { hello: \"world\" } }) { id status } }", json!({ "w": workflow_id }))
        .await;
    assert_eq!(data(&started)["runWorkflow"]["status"], "QUEUED");
    let run = ended_run(&app, token, &workflow_id, Duration::from_secs(30)).await;
    assert_eq!(run["status"], "FAILED", "{run}");
    let step = &run["steps"][0];
    assert_eq!(step["status"], "FAILED");
    assert_eq!(step["attempts"], 3);
    assert!(
        step["error"].as_str().is_some_and(|e| e.contains("500")),
        "{run}"
    );
    assert!(
        run["error"]
            .as_str()
            .is_some_and(|e| e.contains("CALL_WEBHOOK")),
        "{run}"
    );

    // Three deliveries of one message, each retry after a longer wait (0.3 s, then 0.6 s, each
    // with up to half taken off by jitter).
    let received = receiver.received();
    assert_eq!(received.len(), 3);
    let ids: Vec<_> = received
        .iter()
        .map(|(_, h, _)| h["webhook-id"].clone())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    let first = received[1].0 - received[0].0;
    let second = received[2].0 - received[1].0;
    assert!(first >= Duration::from_millis(150), "{first:?}");
    assert!(second >= Duration::from_millis(300), "{second:?}");

    // Its job is DEAD, with the error, for all to see; retrying the run queues it again.
    let run_id = run["id"].as_str().expect("id");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let runs = runs_of(&app, token, &workflow_id).await;
        if runs[0]["job"]["state"] == "DEAD" {
            assert!(
                runs[0]["job"]["lastError"]
                    .as_str()
                    .is_some_and(|e| e.contains("500")),
                "{runs:?}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the job never showed DEAD: {runs:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let job_id = {
        use sea_orm::EntityTrait as _;
        #[expect(clippy::disallowed_methods, reason = "the test reads the run's row")]
        let row =
            entity::workflow_run::Entity::find_by_id(uuid::Uuid::parse_str(run_id).expect("uuid"))
                .one(app.state.writer())
                .await
                .expect("read run")
                .expect("run");
        row.job_id.expect("job")
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    let job = loop {
        let job = talentgraph::jobs::queue::get(app.state.writer(), job_id)
            .await
            .expect("read job")
            .expect("job");
        if job.state == entity::JobState::Dead || Instant::now() > deadline {
            break job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(job.state, entity::JobState::Dead, "{job:?}");
    assert!(
        job.last_error.as_deref().is_some_and(|e| e.contains("500")),
        "{job:?}"
    );
    receiver
        .status
        .store(200, std::sync::atomic::Ordering::SeqCst);
    // The workflow changes meanwhile: the run keeps the steps it was queued with.
    let changed = app
        .gql(token, "mutation($i: UpdateWorkflowInput!) { updateWorkflow(input: $i) { id } }", json!({ "i": {
            "id": workflow_id, "name": "Notify elsewhere", "trigger": { "kind": "MANUAL" },
            "steps": [{ "kind": "CALL_WEBHOOK", "config": { "url": "http://127.0.0.1:9/nowhere" } }] } }))
        .await;
    data(&changed);
    let retried = app
        .gql(
            token,
            "mutation($id: ID!) { retryWorkflowRun(id: $id) { status steps { status attempts } } }",
            json!({ "id": run_id }),
        )
        .await;
    assert_eq!(
        data(&retried)["retryWorkflowRun"]["status"],
        "QUEUED",
        "{retried}"
    );
    let again = ended_run(&app, token, &workflow_id, Duration::from_secs(30)).await;
    assert_eq!(again["status"], "SUCCEEDED", "{again}");
    assert_eq!(receiver.received().len(), 4);
}

#[tokio::test]
async fn the_subscription_sees_every_change_of_a_run_in_order() {
    let app = app().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({
            "name": "Mail",
            "trigger": { "kind": "MANUAL" },
            "steps": [
                { "kind": "SEND_EMAIL", "config": { "to": "a@agency.test", "subject": "one", "body": "{{ note }}" } },
                { "kind": "SEND_EMAIL", "config": { "to": "b@agency.test", "subject": "two", "body": "{{ note }}" } }
            ]
        }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut socket = ws::open(&app, token).await;
    ws::subscribe(
        &mut socket,
        "runs",
        "subscription($w: ID) { workflowRunUpdated(workflowId: $w) { sequence run { id status steps { status } } } }",
        json!({ "w": workflow_id }),
    )
    .await;
    // Another organisation's ADMIN, watching every run it may see, and a MANAGER of this one.
    let other = app.agency().await;
    let mut outsider = ws::open(&app, other.admin.token()).await;
    ws::subscribe(
        &mut outsider,
        "all",
        "subscription { workflowRunUpdated { run { id } } }",
        json!({}),
    )
    .await;
    // The subscription is live once a first event reaches it; give it a moment to register.
    tokio::time::sleep(Duration::from_millis(200)).await;
    data(&app
        .gql(token, "mutation($w: ID!) { runWorkflow(input: { workflowId: $w, input: { note: \"hi\" } }) { id } }", json!({ "w": workflow_id }))
        .await);
    let mut seen = Vec::new();
    loop {
        let payload = ws::next_payload(&mut socket, "runs").await;
        let event = payload["data"]["workflowRunUpdated"].clone();
        let steps: Vec<String> = event["run"]["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| s["status"].as_str().unwrap_or("").to_owned())
            .collect();
        let status = event["run"]["status"].as_str().unwrap_or("").to_owned();
        seen.push((
            event["sequence"].as_i64().expect("sequence"),
            status.clone(),
            steps.join(","),
        ));
        if status == "SUCCEEDED" {
            break;
        }
    }
    let changes: Vec<(&str, &str)> = seen
        .iter()
        .map(|(_, s, st)| (s.as_str(), st.as_str()))
        .collect();
    assert_eq!(
        changes,
        vec![
            ("QUEUED", "PENDING,PENDING"),
            ("RUNNING", "RUNNING,PENDING"),
            ("RUNNING", "SUCCEEDED,PENDING"),
            ("RUNNING", "SUCCEEDED,RUNNING"),
            ("RUNNING", "SUCCEEDED,SUCCEEDED"),
            ("SUCCEEDED", "SUCCEEDED,SUCCEEDED"),
        ],
        "{seen:?}"
    );
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
    // Nothing of it reached the other organisation.
    let quiet =
        tokio::time::timeout(Duration::from_millis(300), ws::next_json(&mut outsider)).await;
    assert!(quiet.is_err(), "another organisation saw a run: {quiet:?}");
}

#[tokio::test]
async fn workflows_refuse_bad_input_and_stay_inside_their_organisation() {
    let app = app().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let body = create_workflow(
        &app,
        token,
        json!({
            "name": "Broken",
            "trigger": { "kind": "SCHEDULE", "cron": "61 * * * *", "timezone": "Mars/Olympus" },
            "condition": "tender.title ==",
            "steps": [
                { "kind": "SEND_EMAIL", "config": { "to": "x@y.z", "subject": "{{ oops", "body": "ok" } },
                { "kind": "CALL_WEBHOOK", "config": { "url": "ftp://example.com" }, "retry": { "attempts": 0, "initialDelaySeconds": 1 } }
            ]
        }),
    )
    .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let fields = &body["errors"][0]["extensions"]["fields"];
    for field in [
        "trigger.cron",
        "trigger.timezone",
        "condition",
        "steps[0].config.subject",
        "steps[1].config.url",
        "steps[1].retry.attempts",
    ] {
        assert!(fields.get(field).is_some(), "{field} not named in {body}");
    }
    let body = app
        .gql(token, "{ workflows { totalCount } }", json!({}))
        .await;
    assert_eq!(
        data(&body)["workflows"]["totalCount"],
        0,
        "nothing half-written"
    );

    // A valid schedule reports its next tick.
    let body = create_workflow(
        &app,
        token,
        json!({ "name": "Mornings", "trigger": { "kind": "SCHEDULE", "cron": "0 7 * * MON-FRI", "timezone": "Europe/Paris" },
                "steps": [{ "kind": "SEND_EMAIL", "config": { "to": "x@y.z", "subject": "s", "body": "b" } }] }),
    )
    .await;
    let workflow = data(&body)["createWorkflow"].clone();
    assert!(workflow["trigger"]["nextRunAt"].is_string(), "{body}");
    let id = workflow["id"].as_str().expect("id").to_owned();

    // Another organisation sees nothing of it.
    let other = app.agency().await;
    for (query, vars) in [
        (
            "query($id: ID!) { workflow(id: $id) { id } }",
            json!({ "id": id }),
        ),
        (
            "mutation($id: ID!) { deleteWorkflow(id: $id) }",
            json!({ "id": id }),
        ),
        (
            "mutation($id: ID!) { runWorkflow(input: { workflowId: $id }) { id } }",
            json!({ "id": id }),
        ),
        (
            "mutation($id: ID!) { setWorkflowEnabled(input: { id: $id, enabled: false }) { id } }",
            json!({ "id": id }),
        ),
    ] {
        let body = app.gql(other.admin.token(), query, vars).await;
        assert_eq!(code(&body), "NOT_FOUND", "{query}: {body}");
    }
    // Consultants and clients are not shown workflows at all; managers do not see secrets.
    let consultant = agency.member(&app, "CONSULTANT").await;
    let body = app
        .gql(
            consultant.token(),
            "{ workflows { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        matches!(code(&body), "FORBIDDEN" | "GRAPHQL_VALIDATION_FAILED"),
        "{body}"
    );
    let manager = agency.member(&app, "MANAGER").await;
    let body = app
        .gql(
            manager.token(),
            "query($id: ID!) { workflow(id: $id) { name signingSecret } }",
            json!({ "id": id }),
        )
        .await;
    assert!(body["errors"].is_array(), "{body}");

    // Changes are audited.
    let body = app
        .gql(
            token,
            "{ auditEvents(filter: { action: \"workflow.created\" }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data(&body)["auditEvents"]["totalCount"], 1, "{body}");
}

#[tokio::test]
async fn runs_on_one_entity_follow_event_order_and_others_run_beside_them() {
    // Four workers, a receiver that takes its time: without per-entity queues the runs of one
    // tender would overtake each other.
    let app = TestApp::spawn_with(|c| {
        c.webhook_allow_private = true;
        c.jobs.poll_interval = Duration::from_millis(50);
        c.jobs.workers = 4;
    })
    .await;
    let receiver = Receiver::start_slow(Duration::from_millis(60)).await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Sync titles", "trigger": { "kind": "EVENT", "event": "TENDER_UPDATED" },
                "steps": [{ "kind": "CALL_WEBHOOK", "config": { "url": receiver.url } }] }),
    )
    .await;
    data(&created);
    let company = agency.company(&app, "Acme").await;
    let first = agency
        .draft_tender(&app, &company, json!({ "title": "A0" }))
        .await;
    let second = agency
        .draft_tender(&app, &company, json!({ "title": "B0" }))
        .await;
    let rename =
        "mutation($id: ID!, $t: String!) { updateTender(input: { id: $id, title: $t }) { id } }";
    for i in 1..=6 {
        data(
            &app.gql(token, rename, json!({ "id": first, "t": format!("A{i}") }))
                .await,
        );
        data(
            &app.gql(token, rename, json!({ "id": second, "t": format!("B{i}") }))
                .await,
        );
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while receiver.received().len() < 12 {
        assert!(
            Instant::now() < deadline,
            "{} of 12 deliveries",
            receiver.received().len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let titles: Vec<String> = receiver
        .received()
        .iter()
        .map(|(_, _, body)| {
            let body: Value = serde_json::from_slice(body).expect("json");
            body["data"]["tender"]["title"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    let of = |prefix: &str| -> Vec<String> {
        titles
            .iter()
            .filter(|t| t.starts_with(prefix))
            .cloned()
            .collect()
    };
    let expected =
        |prefix: &str| -> Vec<String> { (1..=6).map(|i| format!("{prefix}{i}")).collect() };
    assert_eq!(of("A"), expected("A"), "{titles:?}");
    assert_eq!(of("B"), expected("B"), "{titles:?}");
    // The two tenders' runs were not made to wait for each other: they interleave.
    let first_b = titles.iter().position(|t| t.starts_with('B')).unwrap_or(0);
    let last_a = titles.iter().rposition(|t| t.starts_with('A')).unwrap_or(0);
    assert!(
        first_b < last_a,
        "one tender's runs waited for the other's: {titles:?}"
    );
}

/// A minimal SMTP server on 127.0.0.1 that accepts every message and keeps its DATA.
async fn smtp_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind smtp");
    let port = listener.local_addr().expect("addr").port();
    let messages: Arc<Mutex<Vec<String>>> = Arc::default();
    let kept = messages.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 test ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            kept.lock().expect("messages").push(std::mem::take(body));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 test\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (port, messages)
}

#[tokio::test]
async fn with_an_smtp_url_e_mail_goes_to_the_smtp_server() {
    let (port, messages) = smtp_server().await;
    let app = TestApp::spawn_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
        c.jobs.poll_interval = Duration::from_millis(50);
    })
    .await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Mail out", "trigger": { "kind": "MANUAL" },
                "steps": [{ "kind": "SEND_EMAIL", "config": { "to": "Ops <ops@agency.test>", "subject": "Hello {{ who }}", "body": "Dear {{ who }}, all is well." } }] }),
    )
    .await;
    let workflow_id = data(&created)["createWorkflow"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    data(&app
        .gql(token, "mutation($w: ID!) { runWorkflow(input: { workflowId: $w, input: { who: \"Grace\" } }) { id } }", json!({ "w": workflow_id }))
        .await);
    let run = ended_run(&app, token, &workflow_id, Duration::from_secs(20)).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    let sent = messages.lock().expect("messages").clone();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].contains("Subject: Hello Grace"), "{}", sent[0]);
    assert!(
        sent[0].contains("To: ") && sent[0].contains("ops@agency.test"),
        "{}",
        sent[0]
    );
    assert!(sent[0].contains("Dear Grace, all is well."), "{}", sent[0]);
    // Nothing was recorded instead.
    let body = app
        .gql(token, "{ sentEmails { totalCount } }", json!({}))
        .await;
    assert_eq!(data(&body)["sentEmails"]["totalCount"], 0);
}

#[tokio::test]
async fn a_cancelled_run_is_retried_only_once_its_attempt_has_stopped() {
    let app = app().await;
    let receiver = Receiver::start_hanging_first().await;
    let agency = app.agency().await;
    let token = agency.admin.token();
    let created = create_workflow(
        &app,
        token,
        json!({ "name": "Slow", "trigger": { "kind": "MANUAL" },
                "steps": [{ "kind": "CALL_WEBHOOK", "config": { "url": receiver.url, "timeoutSeconds": 2 } }] }),
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
    let deadline = Instant::now() + Duration::from_secs(10);
    while receiver.received().is_empty() {
        assert!(Instant::now() < deadline, "never called");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Cancelled while its webhook hangs: the attempt is still running.
    let cancelled = app
        .gql(
            token,
            "mutation($id: ID!) { cancelWorkflowRun(id: $id) { status } }",
            json!({ "id": run_id }),
        )
        .await;
    assert_eq!(data(&cancelled)["cancelWorkflowRun"]["status"], "CANCELLED");
    let early = app
        .gql(
            token,
            "mutation($id: ID!) { retryWorkflowRun(id: $id) { status } }",
            json!({ "id": run_id }),
        )
        .await;
    assert_eq!(code(&early), "CONFLICT", "{early}");
    // Once the attempt gave up (the call timed out), the retry runs it, once.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let retried = app
            .gql(
                token,
                "mutation($id: ID!) { retryWorkflowRun(id: $id) { status } }",
                json!({ "id": run_id }),
            )
            .await;
        if retried.get("errors").is_none() {
            break;
        }
        assert_eq!(code(&retried), "CONFLICT", "{retried}");
        assert!(
            Instant::now() < deadline,
            "the cancelled attempt never stopped"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let run = ended_run(&app, token, &workflow_id, Duration::from_secs(20)).await;
    assert_eq!(run["status"], "SUCCEEDED", "{run}");
    assert_eq!(
        receiver.received().len(),
        2,
        "one call per attempt, never two at once"
    );
}
