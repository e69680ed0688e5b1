//! The fan-out benchmark (issue 8: 10,000 live subscribers on one instance, one event visible
//! to all: commit → last delivery p99 under 200 ms; resident memory per idle subscription at
//! most 64 KiB). Starts the real server binary, opens N WebSockets (graphql-transport-ws), each
//! subscribed to `tenderUpdated { kind sequence }` as one of the organisation's users (`--users`,
//! half ADMINs, half MANAGERs: the audience of an agency's dashboard), then commits events one at
//! a time (`createTender` over HTTP) and records when each subscriber receives each one.
//! Subscribers who would receive the same thing share one execution (`graphql::multiplex`):
//! here one per role; the report says how many the server ran.
//!
//! Reports, per event, the time from the mutation's start (before its commit) to the last
//! subscriber's delivery (p50 / p99 / max over the events), every delivery's latency, the
//! server's resident memory before and after the subscribers connected (per subscription), and
//! the server's CPU time per delivery.
//!
//! ```text
//! cargo bench --bench fanout                             # 10,000 subscribers, 30 events
//! cargo bench --bench fanout -- --subscribers 2000 --events 50 --db postgres
//! cargo test  --bench fanout                             # what CI runs: 200 subscribers
//! cargo bench --bench fanout -- --perf /tmp/fanout.perf   # `perf record` of the server's
//!                                                         # fan-out (then `perf report -i …`)
//! cargo bench --bench fanout -- --users 1                  # every subscriber the same ADMIN
//! cargo bench --bench fanout -- --distinct                 # no two subscribers share: each
//!                                                         # document is its own (an alias)
//! ```
//! The clients run in this process on the same machine: their own reading and parsing is in
//! the figures (they look for `"sequence":` in the text, nothing more).

#[path = "common.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use talentgraph::config::Config;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use common::{BenchDatabase, config_args, cpu_seconds, fail, free_port, rss_mb, spawn_server};

/// Each subscriber's arrivals: (sequence, when).
type Arrivals = Arc<Vec<std::sync::Mutex<Vec<(i64, Instant)>>>>;

/// How many subscribers have received their n-th event, for each n: the benchmark waits on
/// one number per event instead of looking at every subscriber's arrivals while they arrive.
type Received = Arc<Vec<std::sync::atomic::AtomicUsize>>;

const WATCH: &str = "subscription { tenderUpdated { kind sequence } }";
const CREATE: &str =
    "mutation($c: ID!, $t: String!) { createTender(input: { companyId: $c, title: $t }) { id } }";

/// The number after `"sequence":` in a frame, if any.
fn sequence_of(text: &str) -> Option<i64> {
    let at = text.find("\"sequence\":")? + "\"sequence\":".len();
    let digits: String = text[at..]
        .chars()
        .skip_while(|c| c.is_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Sets up the organisation; returns the admin's access token.
async fn prepare(url: &str) -> String {
    let config = Config::from_args(&config_args(url, "127.0.0.1:0"), false)
        .unwrap_or_else(|e| fail(&e.to_string()));
    let db = talentgraph::db::connect(url, &config.pool)
        .await
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    talentgraph::db::migrate(&db)
        .await
        .unwrap_or_else(|e| fail(&format!("migrate: {e}")));
    let state =
        talentgraph::app::state(db.clone(), config).unwrap_or_else(|e| fail(&e.to_string()));
    let (_, session) = common::sign_up(&state).await;
    db.close()
        .await
        .unwrap_or_else(|e| fail(&format!("close: {e}")));
    session.access_token
}

async fn gql(client: &reqwest::Client, url: &str, token: &str, query: &str, vars: Value) -> Value {
    let body: Value = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": vars }))
        .send()
        .await
        .unwrap_or_else(|e| fail(&format!("request: {e}")))
        .json()
        .await
        .unwrap_or_else(|e| fail(&format!("response: {e}")));
    if body["errors"].is_array() {
        fail(&format!("{query}: {body}"));
    }
    body
}

/// `count` users of the organisation (invited and signed in over HTTP), ADMINs and MANAGERs in
/// turn, the first being the admin of `admin`; returns their access tokens.
async fn users(client: &reqwest::Client, url: &str, admin: &str, count: usize) -> Vec<String> {
    let mut tokens = vec![admin.to_owned()];
    for n in 1..count {
        let role = if n % 2 == 0 { "ADMIN" } else { "MANAGER" };
        let invited = gql(
            client,
            url,
            admin,
            "mutation($i: InviteUserInput!) { inviteUser(input: $i) { token } }",
            json!({ "i": { "email": format!("user{n}@bench.test"), "role": role } }),
        )
        .await;
        let invitation = invited["data"]["inviteUser"]["token"]
            .as_str()
            .unwrap_or_else(|| fail(&format!("invitation: {invited}")));
        let accepted: Value = client
            .post(url)
            .json(&json!({
                "query": "mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { accessToken } }",
                "variables": { "i": { "token": invitation, "password": common::PASSWORD, "fullName": format!("User {n}") } },
            }))
            .send()
            .await
            .unwrap_or_else(|e| fail(&format!("accept: {e}")))
            .json()
            .await
            .unwrap_or_else(|e| fail(&format!("accept: {e}")));
        tokens.push(
            accepted["data"]["acceptInvitation"]["accessToken"]
                .as_str()
                .unwrap_or_else(|| fail(&format!("accept: {accepted}")))
                .to_owned(),
        );
    }
    tokens
}

/// A series of the server's `/metrics`.
async fn metric(client: &reqwest::Client, port: u16, name: &str) -> Option<f64> {
    let text = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .find(|(series, _)| *series == name)
        .and_then(|(_, value)| value.parse().ok())
}

/// One subscriber: connects, subscribes, then records the arrival of every event.
async fn subscriber(
    port: u16,
    token: Arc<String>,
    ready: tokio::sync::mpsc::Sender<()>,
    arrivals: Arrivals,
    received: Received,
    index: usize,
    distinct: bool,
) {
    let mut request = format!("ws://127.0.0.1:{port}/graphql/ws")
        .into_client_request()
        .unwrap_or_else(|e| fail(&format!("request: {e}")));
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws"
            .parse()
            .unwrap_or_else(|_| fail("header")),
    );
    // A browser holds a few KiB per socket; tungstenite's default 128 KiB read buffer would
    // have the benchmark's clients zero 128 KiB for every event they read.
    let config = WebSocketConfig::default().read_buffer_size(4 * 1024);
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true)
        .await
        .unwrap_or_else(|e| fail(&format!("connect: {e}")));
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket
        .send(Message::text(init.to_string()))
        .await
        .unwrap_or_else(|e| fail(&format!("init: {e}")));
    let query = if distinct {
        format!("subscription {{ s{index}: tenderUpdated {{ kind sequence }} }}")
    } else {
        WATCH.to_owned()
    };
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } });
    let mut subscribed = false;
    while let Some(frame) = socket.next().await {
        let Ok(Message::Text(text)) = frame else {
            continue;
        };
        if !subscribed {
            if text.contains("connection_ack") {
                socket
                    .send(Message::text(subscribe.to_string()))
                    .await
                    .unwrap_or_else(|e| fail(&format!("subscribe: {e}")));
                subscribed = true;
                let _ = ready.send(()).await;
            }
            continue;
        }
        match sequence_of(&text) {
            Some(seq) => {
                let now = Instant::now();
                let nth = arrivals[index].lock().map(|mut mine| {
                    mine.push((seq, now));
                    mine.len() - 1
                });
                if let Some(count) = nth.ok().and_then(|n| received.get(n)) {
                    count.fetch_add(1, std::sync::atomic::Ordering::Release);
                }
            }
            None => fail(&format!("subscriber {index}: {text}")),
        }
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let full = args.iter().any(|a| a == "--bench");
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let subscribers: usize = value("--subscribers")
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 10_000 } else { 200 });
    let events: usize = value("--events")
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 30 } else { 3 });
    let kind = value("--db").unwrap_or_else(|| "sqlite".to_owned());
    let distinct = args.iter().any(|a| a == "--distinct");
    let user_count: usize = value("--users")
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 100 } else { 4 })
        .max(1);

    let database = BenchDatabase::create(&kind).await;
    let token = prepare(&database.url).await;
    let port = free_port();
    let limit = (subscribers * 2 + 100).to_string();
    let mut server = spawn_server(
        &database.url,
        port,
        &[
            ("TALENTGRAPH_MAX_CONNECTIONS_PER_IP", limit.as_str()),
            ("TALENTGRAPH_MAX_CONNECTIONS", limit.as_str()),
        ],
    );
    let url = format!("http://127.0.0.1:{port}/graphql");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .map(|r| !r.status().is_success())
        .unwrap_or(true)
    {
        if started.elapsed() > Duration::from_secs(30) {
            fail("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let company = gql(
        &client,
        &url,
        &token,
        "mutation { createCompany(input: { name: \"Acme\" }) { id } }",
        json!({}),
    )
    .await["data"]["createCompany"]["id"]
        .as_str()
        .unwrap_or_else(|| fail("company id"))
        .to_owned();
    // Warm the server up (its allocator, its caches) before the idle reading.
    gql(
        &client,
        &url,
        &token,
        CREATE,
        json!({ "c": company, "t": "warm-up" }),
    )
    .await;
    let tokens: Vec<Arc<String>> = users(&client, &url, &token, user_count)
        .await
        .into_iter()
        .map(Arc::new)
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_idle = rss_mb(server.id());

    let arrivals: Arrivals = Arc::new(
        (0..subscribers)
            .map(|_| std::sync::Mutex::new(Vec::with_capacity(events)))
            .collect(),
    );
    let received: Received = Arc::new(
        (0..events)
            .map(|_| std::sync::atomic::AtomicUsize::new(0))
            .collect(),
    );
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(subscribers);
    let connect_started = Instant::now();
    let mut tasks = Vec::with_capacity(subscribers);
    for index in 0..subscribers {
        tasks.push(tokio::spawn(subscriber(
            port,
            tokens[index % tokens.len()].clone(),
            ready_tx.clone(),
            arrivals.clone(),
            received.clone(),
            index,
            distinct,
        )));
        // In waves, so that the listen backlog is never overrun.
        if index % 256 == 255 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    for _ in 0..subscribers {
        if tokio::time::timeout(Duration::from_secs(60), ready_rx.recv())
            .await
            .ok()
            .flatten()
            .is_none()
        {
            fail("subscribers did not all connect within 60 s");
        }
    }
    // Every subscription registered on the server (its first poll subscribes to the bus).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_subscribed = rss_mb(server.id());
    eprintln!(
        "{subscribers} subscribers connected in {:.1} s",
        connect_started.elapsed().as_secs_f64()
    );
    let groups = metric(&client, port, "talentgraph_subscription_groups")
        .await
        .unwrap_or(f64::NAN);

    let perf = value("--perf").map(|file| {
        std::process::Command::new("perf")
            .args(["record", "-F", "499", "-g", "-p"])
            .arg(server.id().to_string())
            .arg("-o")
            .arg(file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| fail(&format!("perf: {e}")))
    });
    let cpu_before = cpu_seconds(server.id());
    let clients_before = cpu_seconds(std::process::id());
    let mut last_delivery = Vec::with_capacity(events);
    let mut every = Vec::with_capacity(events * subscribers);
    let mut mutation_ms = Vec::with_capacity(events);
    for n in 0..events {
        let sent = Instant::now();
        gql(
            &client,
            &url,
            &token,
            CREATE,
            json!({ "c": company, "t": format!("T{n}") }),
        )
        .await;
        mutation_ms.push(sent.elapsed().as_secs_f64() * 1_000.0);
        // Until every subscriber has received this event (its n-th).
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let done = received[n].load(std::sync::atomic::Ordering::Acquire);
            if done == subscribers {
                break;
            }
            if Instant::now() > deadline {
                fail(&format!(
                    "event {n}: {done} of {subscribers} delivered within 30 s"
                ));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let mut last = sent;
        for a in arrivals.iter() {
            if let Ok(a) = a.lock()
                && let Some((_, at)) = a.get(n)
            {
                every.push(at.duration_since(sent).as_secs_f64() * 1_000.0);
                last = last.max(*at);
            }
        }
        last_delivery.push(last.duration_since(sent).as_secs_f64() * 1_000.0);
    }
    let cpu = cpu_seconds(server.id()) - cpu_before;
    let clients_cpu = cpu_seconds(std::process::id()) - clients_before;
    if let Some(mut perf) = perf {
        let _ = std::process::Command::new("kill")
            .args(["-INT", &perf.id().to_string()])
            .status();
        let _ = perf.wait();
    }
    // In order, once each, everywhere.
    for (i, a) in arrivals.iter().enumerate() {
        if let Ok(a) = a.lock() {
            let seqs: Vec<i64> = a.iter().map(|(s, _)| *s).collect();
            if seqs.len() != events || seqs.windows(2).any(|w| w[1] != w[0] + 1) {
                fail(&format!("subscriber {i} received {seqs:?}"));
            }
        }
    }
    last_delivery.sort_by(f64::total_cmp);
    every.sort_by(f64::total_cmp);
    mutation_ms.sort_by(f64::total_cmp);
    println!(
        "fan-out on {kind}, {subscribers} subscribers of {user_count} users, {events} events ({groups} shared executions):"
    );
    println!(
        "  mutation start → last delivery: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        common::percentile(&last_delivery, 50.0),
        common::percentile(&last_delivery, 99.0),
        last_delivery.last().copied().unwrap_or(0.0)
    );
    println!(
        "  every delivery: p50 {:.1} ms, p99 {:.1} ms; the mutation itself: p50 {:.1} ms",
        common::percentile(&every, 50.0),
        common::percentile(&every, 99.0),
        common::percentile(&mutation_ms, 50.0)
    );
    println!(
        "  server RSS: {rss_idle:.1} MB idle → {rss_subscribed:.1} MB with the subscribers: {:.1} KiB per subscription (socket included)",
        (rss_subscribed - rss_idle) * 1024.0 / subscribers as f64
    );
    println!(
        "  server CPU: {:.1} µs per delivery ({cpu:.2} s for {} deliveries); the clients (this process, same cores): {:.1} µs per delivery",
        cpu * 1e6 / (events * subscribers) as f64,
        events * subscribers,
        clients_cpu * 1e6 / (events * subscribers) as f64
    );
    for task in tasks {
        task.abort();
    }
    let _ = server.kill();
    let _ = server.wait();
    database.drop_it().await;
}
