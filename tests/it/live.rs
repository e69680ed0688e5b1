//! Live matching (issue 8): the subscriptions `matchUpdated` / `tenderUpdated` over a real
//! WebSocket, by row scope, with replay, and across instances on PostgreSQL.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::ws::{next_of, next_payload, open, subscribe};
use crate::helpers::{TestApp, code, data};

const MATCHES: &str =
    "subscription($t: ID, $after: Int) { matchUpdated(tenderId: $t, after: $after) {
    kind previousStatus sequence match { id status tender { id } } } }";
const TENDERS: &str = "subscription($id: ID, $after: Int) { tenderUpdated(id: $id, after: $after) {
    kind previousStatus sequence tender { id title status } } }";

/// The next event of subscription `id`, which must carry no error.
async fn next_match(socket: &mut crate::helpers::ws::Socket, id: &str) -> Value {
    let payload = next_payload(socket, id).await;
    assert!(payload["errors"].is_null(), "{payload}");
    payload["data"]["matchUpdated"].clone()
}

/// Nothing arrives on `socket` for a while.
async fn quiet(socket: &mut crate::helpers::ws::Socket, what: &str, within: Duration) {
    let heard = tokio::time::timeout(within, crate::helpers::ws::next_json(socket)).await;
    assert!(heard.is_err(), "{what} received {heard:?}");
}

#[tokio::test]
async fn match_events_reach_exactly_those_who_may_see_them() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let other = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let elsewhere = agency.company(&app, "Elsewhere").await;
    let tender = agency.open_tender(&app, &company, json!({})).await;
    let consultant = agency.consultant(&app, json!({ "dailyRate": "700" })).await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": company }))
        .await;
    let stranger = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": elsewhere }))
        .await;

    let mut admin_ws = open(&app, agency.admin.token()).await;
    let mut client_ws = open(&app, client.token()).await;
    let mut stranger_ws = open(&app, stranger.token()).await;
    let mut other_ws = open(&app, other.admin.token()).await;
    subscribe(&mut admin_ws, "a", MATCHES, json!({ "t": tender })).await;
    subscribe(&mut client_ws, "c", MATCHES, json!({})).await;
    subscribe(&mut stranger_ws, "s", MATCHES, json!({})).await;
    subscribe(&mut other_ws, "o", MATCHES, json!({ "t": tender })).await;
    // Subscriptions are live once the server has them; give it a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let pending = agency.pending_match(&app, &tender, &consultant).await;
    let created = next_match(&mut admin_ws, "a").await;
    assert_eq!(created["kind"], "CREATED");
    assert_eq!(created["match"]["id"], pending.as_str());
    assert_eq!(created["match"]["status"], "PENDING");

    agency
        .make(
            &app,
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": pending }),
            "proposeMatch",
        )
        .await;
    let proposed = next_match(&mut admin_ws, "a").await;
    assert_eq!(
        (&proposed["kind"], &proposed["previousStatus"]),
        (&json!("STATUS_CHANGED"), &json!("PENDING"))
    );
    // The client's first event is the proposal: the PENDING match never reached it.
    let seen = next_match(&mut client_ws, "c").await;
    assert_eq!(seen["kind"], "STATUS_CHANGED");
    assert_eq!(seen["match"]["status"], "PROPOSED");
    assert_eq!(seen["match"]["tender"]["id"], tender.as_str());
    assert!(seen["sequence"].as_i64() > created["sequence"].as_i64());

    // The client rejects; a client of another company and another organisation saw nothing.
    let body = app
        .gql(
            client.token(),
            "mutation($id: ID!) { rejectMatch(input: { id: $id }) { status } }",
            json!({ "id": pending }),
        )
        .await;
    assert_eq!(data(&body)["rejectMatch"]["status"], "REJECTED");
    assert_eq!(
        next_match(&mut client_ws, "c").await["match"]["status"],
        "REJECTED"
    );
    assert_eq!(
        next_match(&mut admin_ws, "a").await["match"]["status"],
        "REJECTED"
    );
    quiet(
        &mut stranger_ws,
        "another company's client",
        Duration::from_millis(500),
    )
    .await;
    quiet(
        &mut other_ws,
        "another organisation",
        Duration::from_millis(100),
    )
    .await;
}

#[tokio::test]
async fn a_client_does_not_read_rates_in_what_it_receives() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency.open_tender(&app, &company, json!({})).await;
    let consultant = agency.consultant(&app, json!({ "dailyRate": "700" })).await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": company }))
        .await;
    let mut ws = open(&app, client.token()).await;
    subscribe(
        &mut ws,
        "c",
        "subscription { matchUpdated { match { status consultant { dailyRate } } } }",
        json!({}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    agency.proposed_match(&app, &tender, &consultant).await;
    let payload = next_payload(&mut ws, "c").await;
    let seen = &payload["data"]["matchUpdated"]["match"];
    assert_eq!(seen["status"], "PROPOSED", "{payload}");
    assert!(seen["consultant"]["dailyRate"].is_null(), "{payload}");
}

#[tokio::test]
async fn after_replays_what_was_missed_in_order_then_goes_live() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let first = agency
        .draft_tender(&app, &company, json!({ "title": "one" }))
        .await;
    agency
        .draft_tender(&app, &company, json!({ "title": "two" }))
        .await;
    agency
        .draft_tender(&app, &company, json!({ "title": "three" }))
        .await;

    let mut ws = open(&app, agency.admin.token()).await;
    subscribe(&mut ws, "t", TENDERS, json!({ "after": 1 })).await;
    let mut titles = Vec::new();
    let mut sequences = Vec::new();
    for _ in 0..2 {
        let payload = next_payload(&mut ws, "t").await;
        let event = &payload["data"]["tenderUpdated"];
        titles.push(event["tender"]["title"].as_str().unwrap_or("").to_owned());
        sequences.push(event["sequence"].as_i64().unwrap_or(0));
    }
    assert_eq!(titles, ["two", "three"]);
    assert_eq!(sequences, [2, 3]);

    agency
        .make(
            &app,
            "mutation($id: ID!) { publishTender(id: $id) { id } }",
            json!({ "id": first }),
            "publishTender",
        )
        .await;
    let payload = next_payload(&mut ws, "t").await;
    let event = &payload["data"]["tenderUpdated"];
    assert_eq!(event["kind"], "PUBLISHED");
    assert_eq!(event["previousStatus"], "DRAFT");
    assert_eq!(event["sequence"], 4);
    quiet(
        &mut ws,
        "the replaying subscriber",
        Duration::from_millis(300),
    )
    .await;

    let mut ws = open(&app, agency.admin.token()).await;
    subscribe(&mut ws, "x", TENDERS, json!({ "after": -1 })).await;
    let bad = next_of(&mut ws, "x").await;
    assert_eq!(
        bad["payload"]["errors"][0]["extensions"]["fields"]["after"], "must not be negative",
        "{bad}"
    );
    assert_eq!(code(&bad["payload"]), "BAD_USER_INPUT", "{bad}");
}

#[tokio::test]
async fn a_deactivated_users_subscription_ends_with_an_error() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let manager = agency.member(&app, "MANAGER").await;
    let mut ws = open(&app, manager.token()).await;
    subscribe(&mut ws, "m", TENDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": manager.user_id }),
        )
        .await;
    data(&body);
    let payload = next_payload(&mut ws, "m").await;
    assert_eq!(code(&payload), "UNAUTHENTICATED", "{payload}");
    assert_eq!(next_of(&mut ws, "m").await["type"], "complete");
}

#[tokio::test]
async fn an_event_committed_on_one_instance_reaches_a_subscriber_of_another_once_in_order() {
    let app = TestApp::spawn().await;
    if !app.is_postgres() {
        // One SQLite file is served by one process; the bus is in-process there.
        return;
    }
    let second = app.another_instance().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let mut ws = open(&second, agency.admin.token()).await;
    subscribe(&mut ws, "t", TENDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            agency
                .draft_tender(&app, &company, json!({ "title": format!("T{i}") }))
                .await,
        );
    }
    for (i, id) in ids.iter().enumerate() {
        let payload = next_payload(&mut ws, "t").await;
        let event = &payload["data"]["tenderUpdated"];
        assert_eq!(event["tender"]["id"], id.as_str(), "event {i}: {payload}");
        assert_eq!(event["kind"], "CREATED");
    }
    quiet(&mut ws, "a second copy", Duration::from_millis(700)).await;
}

#[tokio::test]
async fn deciding_visibility_from_an_event_agrees_with_the_row_scope() {
    use sea_orm::EntityTrait as _;
    use talentgraph::auth::Principal;
    use uuid::Uuid;

    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let a = agency.company(&app, "A").await;
    let b = agency.company(&app, "B").await;
    let ta = agency.open_tender(&app, &a, json!({})).await;
    let tb = agency.open_tender(&app, &b, json!({})).await;
    let c1 = agency.consultant(&app, json!({})).await;
    let c2 = agency.consultant(&app, json!({})).await;
    agency.pending_match(&app, &ta, &c1).await;
    agency.proposed_match(&app, &ta, &c2).await;
    let rejected = agency.proposed_match(&app, &tb, &c1).await;
    let cancelled_early = agency.pending_match(&app, &tb, &c2).await;
    for (mutation, id) in [
        (
            "mutation($id: ID!) { rejectMatch(input: { id: $id }) { id } }",
            rejected,
        ),
        (
            "mutation($id: ID!) { cancelMatch(id: $id) { id } }",
            cancelled_early,
        ),
    ] {
        data(
            &app.gql(agency.admin.token(), mutation, json!({ "id": id }))
                .await,
        );
    }

    let db = app.state.writer();
    let tenant = Uuid::parse_str(&agency.tenant_id).expect("tenant");
    let id = |s: &str| Uuid::parse_str(s).expect("id");
    let all = entity::tender_match::Entity::find()
        .all(db)
        .await
        .expect("matches");
    let company_of = |m: &entity::tender_match::Model| {
        if m.tender_id == id(&ta) {
            id(&a)
        } else {
            id(&b)
        }
    };
    let principal = |role, company_id, consultant_id| Principal {
        user_id: Uuid::now_v7(),
        tenant_id: tenant,
        role,
        company_id,
        consultant_id,
        token: None,
    };
    use entity::Role::*;
    let principals = [
        principal(Admin, None, None),
        principal(Manager, None, None),
        principal(Client, Some(id(&a)), None),
        principal(Client, Some(id(&b)), None),
        principal(Client, None, None),
        principal(Consultant, None, Some(id(&c1))),
        principal(Consultant, None, Some(id(&c2))),
        principal(Consultant, None, None),
    ];
    for p in &principals {
        let mut by_scope: Vec<Uuid> = talentgraph::matching::scope::matches(p)
            .all(db)
            .await
            .expect("scoped")
            .into_iter()
            .map(|m| m.id)
            .collect();
        let mut by_event: Vec<Uuid> = all
            .iter()
            .filter(|m| talentgraph::matching::scope::match_visible(p, m, company_of(m)))
            .map(|m| m.id)
            .collect();
        by_scope.sort();
        by_event.sort();
        assert_eq!(by_scope, by_event, "{:?}", p.role);
    }
    // Another tenant's principal sees none of them either way.
    let stranger = Principal {
        tenant_id: Uuid::now_v7(),
        ..principals[0].clone()
    };
    assert!(
        all.iter()
            .all(|m| !talentgraph::matching::scope::match_visible(&stranger, m, company_of(m)))
    );
}

#[tokio::test]
async fn a_consultant_sees_their_proposal_arrive_and_declines_it() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency.open_tender(&app, &company, json!({})).await;
    let mine = agency
        .consultant(&app, json!({ "firstName": "Mine" }))
        .await;
    let theirs = agency
        .consultant(&app, json!({ "firstName": "Theirs" }))
        .await;
    let me = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": mine }))
        .await;
    let mut ws = open(&app, me.token()).await;
    subscribe(&mut ws, "m", MATCHES, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let other = agency.proposed_match(&app, &tender, &theirs).await;
    let own = agency.proposed_match(&app, &tender, &mine).await;
    // The first event this consultant receives is their own proposal.
    let seen = next_match(&mut ws, "m").await;
    assert_eq!(seen["match"]["id"], own.as_str(), "{seen}");
    assert_eq!(seen["match"]["status"], "PROPOSED");

    let decline = "mutation($id: ID!) { declineMatch(input: { id: $id, reason: \"Booked elsewhere\" }) { status rejectionReason } }";
    let body = app.gql(me.token(), decline, json!({ "id": other })).await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let body = app.gql(me.token(), decline, json!({ "id": own })).await;
    assert_eq!(
        data(&body)["declineMatch"],
        json!({ "status": "REJECTED", "rejectionReason": "Booked elsewhere" })
    );
    let seen = next_match(&mut ws, "m").await;
    assert_eq!(
        (&seen["match"]["status"], &seen["previousStatus"]),
        (&json!("REJECTED"), &json!("PROPOSED"))
    );
    let body = app.gql(me.token(), decline, json!({ "id": own })).await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
}

#[tokio::test]
async fn a_subscription_ends_when_its_token_expires() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};

    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    // The admin's own claims, expiring in two seconds.
    let payload = agency.admin.access.split('.').nth(1).expect("payload");
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
        .expect("b64");
    let mut claims: Value = serde_json::from_slice(&bytes).expect("claims");
    claims["exp"] = json!(chrono::Utc::now().timestamp() + 2);
    let short = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(crate::helpers::JWT_SECRET.as_bytes()),
    )
    .expect("encode");
    let mut ws = open(&app, Some(&short)).await;
    subscribe(&mut ws, "t", TENDERS, json!({})).await;
    let payload = tokio::time::timeout(Duration::from_secs(8), next_payload(&mut ws, "t"))
        .await
        .expect("ended within 8 s");
    assert_eq!(code(&payload), "UNAUTHENTICATED", "{payload}");
    assert_eq!(next_of(&mut ws, "t").await["type"], "complete");
}

#[tokio::test]
async fn logging_out_ends_the_subscriptions_of_that_token_only() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    // A second session of the same user, on another device.
    let other = agency
        .login(&app, &agency.admin.email, crate::helpers::PASSWORD)
        .await;
    let other_token = data(&other)["login"]["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    let company = agency.company(&app, "Acme").await;
    let mut this_ws = open(&app, agency.admin.token()).await;
    let mut other_ws = open(&app, Some(&other_token)).await;
    subscribe(&mut this_ws, "t", TENDERS, json!({})).await;
    subscribe(&mut other_ws, "t", TENDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($r: String!) { logout(refreshToken: $r) }",
            json!({ "r": agency.admin.refresh }),
        )
        .await;
    assert_eq!(data(&body)["logout"], true);
    let payload = next_payload(&mut this_ws, "t").await;
    assert_eq!(code(&payload), "UNAUTHENTICATED", "{payload}");
    // The other device's subscription goes on.
    let body = app
        .gql(
            Some(&other_token),
            "mutation($c: ID!) { createTender(input: { companyId: $c, title: \"after\" }) { id } }",
            json!({ "c": company }),
        )
        .await;
    data(&body);
    let seen = next_payload(&mut other_ws, "t").await;
    assert_eq!(
        seen["data"]["tenderUpdated"]["tender"]["title"], "after",
        "{seen}"
    );
}

#[tokio::test]
async fn a_consultant_sees_open_tenders_and_those_of_their_matches_only() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let mine = agency.consultant(&app, json!({})).await;
    let me = agency
        .linked_member(&app, "CONSULTANT", json!({ "consultantId": mine }))
        .await;
    let mut ws = open(&app, me.token()).await;
    subscribe(&mut ws, "t", TENDERS, json!({})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let tender = agency
        .draft_tender(&app, &company, json!({ "title": "draft" }))
        .await;
    let admin = agency.admin.token();
    let run = |query: &'static str| {
        let app = &app;
        let tender = tender.clone();
        async move { data(&app.gql(admin, query, json!({ "id": tender })).await).clone() }
    };
    run("mutation($id: ID!) { publishTender(id: $id) { id } }").await;
    // DRAFT was not theirs to see; OPEN is.
    let first = next_payload(&mut ws, "t").await;
    assert_eq!(
        first["data"]["tenderUpdated"]["kind"], "PUBLISHED",
        "{first}"
    );
    // IN_PROGRESS without a match of theirs: not seen (the database decides).
    run("mutation($id: ID!) { startTender(id: $id) { id } }").await;
    agency.proposed_match(&app, &tender, &mine).await;
    // Now theirs through the proposed match.
    run("mutation($id: ID!) { updateTender(input: { id: $id, title: \"renamed\" }) { id } }").await;
    let second = next_payload(&mut ws, "t").await;
    let event = &second["data"]["tenderUpdated"];
    assert_eq!(event["kind"], "UPDATED", "{second}");
    assert_eq!(event["tender"]["title"], "renamed");
    assert_eq!(event["tender"]["status"], "IN_PROGRESS");
}

/// A series of `/metrics`, by its exact name.
async fn metric(app: &TestApp, name: &str) -> f64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .find(|(series, _)| *series == name)
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// Waits until `/metrics` shows `value` for `name`.
async fn metric_reaches(app: &TestApp, name: &str, value: f64) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = metric(app, name).await;
        if now == value {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{name} is {now}, not {value}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Subscribers who would receive the same thing share one execution of their subscription
/// (`graphql::multiplex`): one per role here, whatever the number of users, started by the
/// second subscriber (the first runs on its own); a replay with `after` is its subscriber's
/// own. Each member still ends on their own.
#[tokio::test]
async fn subscribers_who_would_receive_the_same_share_one_execution_and_end_on_their_own() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let second_admin = agency.member(&app, "ADMIN").await;
    let third_admin = agency.member(&app, "ADMIN").await;
    let manager = agency.member(&app, "MANAGER").await;
    let other_manager = agency.member(&app, "MANAGER").await;
    let mut first_ws = open(&app, agency.admin.token()).await;
    let mut second_ws = open(&app, second_admin.token()).await;
    let mut third_ws = open(&app, third_admin.token()).await;
    let mut manager_ws = open(&app, manager.token()).await;
    let mut other_manager_ws = open(&app, other_manager.token()).await;
    let mut replaying_ws = open(&app, agency.admin.token()).await;
    // The first of each role runs on its own; the others join its group.
    for ws in [&mut first_ws, &mut manager_ws] {
        subscribe(ws, "t", TENDERS, json!({})).await;
    }
    metric_reaches(&app, "talentgraph_subscriptions", 2.0).await;
    assert_eq!(metric(&app, "talentgraph_subscription_groups").await, 0.0);
    for ws in [&mut second_ws, &mut third_ws, &mut other_manager_ws] {
        subscribe(ws, "t", TENDERS, json!({})).await;
    }
    subscribe(&mut replaying_ws, "t", TENDERS, json!({ "after": 0 })).await;
    metric_reaches(&app, "talentgraph_subscriptions", 6.0).await;
    // One group of admins, one of managers; the replay runs on its own.
    assert_eq!(metric(&app, "talentgraph_subscription_groups").await, 2.0);

    agency
        .draft_tender(&app, &company, json!({ "title": "shared" }))
        .await;
    let seen = next_payload(&mut first_ws, "t").await;
    assert_eq!(seen["data"]["tenderUpdated"]["tender"]["title"], "shared");
    for ws in [
        &mut second_ws,
        &mut third_ws,
        &mut manager_ws,
        &mut other_manager_ws,
        &mut replaying_ws,
    ] {
        assert_eq!(next_payload(ws, "t").await, seen);
    }

    // One member's access changes: their subscription ends, the others' go on.
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($id: ID!) { deactivateUser(id: $id) { id } }",
            json!({ "id": second_admin.user_id }),
        )
        .await;
    data(&body);
    let ended = next_payload(&mut second_ws, "t").await;
    assert_eq!(code(&ended), "UNAUTHENTICATED", "{ended}");
    assert_eq!(
        ended["errors"][0]["path"],
        json!(["tenderUpdated"]),
        "{ended}"
    );
    assert_eq!(next_of(&mut second_ws, "t").await["type"], "complete");
    agency
        .draft_tender(&app, &company, json!({ "title": "after" }))
        .await;
    for ws in [
        &mut first_ws,
        &mut third_ws,
        &mut manager_ws,
        &mut other_manager_ws,
        &mut replaying_ws,
    ] {
        let seen = next_payload(ws, "t").await;
        assert_eq!(
            seen["data"]["tenderUpdated"]["tender"]["title"], "after",
            "{seen}"
        );
    }
    metric_reaches(&app, "talentgraph_subscriptions", 5.0).await;

    // A late joiner receives what comes after it joined, nothing before.
    let mut late_ws = open(&app, agency.admin.token()).await;
    subscribe(&mut late_ws, "t", TENDERS, json!({})).await;
    metric_reaches(&app, "talentgraph_subscriptions", 6.0).await;
    assert_eq!(metric(&app, "talentgraph_subscription_groups").await, 2.0);
    agency
        .draft_tender(&app, &company, json!({ "title": "late" }))
        .await;
    let seen = next_payload(&mut late_ws, "t").await;
    assert_eq!(seen["data"]["tenderUpdated"]["tender"]["title"], "late");
    assert_eq!(next_payload(&mut third_ws, "t").await, seen);

    // The last member gone, its group stops.
    drop(other_manager_ws);
    metric_reaches(&app, "talentgraph_subscription_groups", 1.0).await;
}

/// A denial in a shared subscription is audited for each member that receives it, with its
/// own request (here three tabs of one CLIENT: the first runs on its own, the others share).
#[tokio::test]
async fn a_denial_in_a_shared_subscription_is_audited_for_each_member() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let tender = agency.open_tender(&app, &company, json!({})).await;
    let consultant = agency.consultant(&app, json!({ "dailyRate": "700" })).await;
    let client = agency
        .linked_member(&app, "CLIENT", json!({ "companyId": company }))
        .await;
    let query = "subscription { matchUpdated { match { status consultant { dailyRate } } } }";
    let mut tabs = [
        open(&app, client.token()).await,
        open(&app, client.token()).await,
        open(&app, client.token()).await,
    ];
    for ws in &mut tabs {
        subscribe(ws, "c", query, json!({})).await;
    }
    metric_reaches(&app, "talentgraph_subscriptions", 3.0).await;
    assert_eq!(metric(&app, "talentgraph_subscription_groups").await, 1.0);
    agency.proposed_match(&app, &tender, &consultant).await;
    for ws in &mut tabs {
        let payload = next_payload(ws, "c").await;
        assert!(
            payload["data"]["matchUpdated"]["match"]["consultant"]["dailyRate"].is_null(),
            "{payload}"
        );
        assert_eq!(code(&payload), "FORBIDDEN", "{payload}");
    }
    // Every tab's denial counted for the client (the first of the window is in the audit
    // chain).
    let counted = {
        use sea_orm::ConnectionTrait as _;
        let db = app.state.writer();
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT SUM(count) AS n FROM access_denial WHERE user_id = {}",
                app.id_literal(&client.user_id)
            ),
        ))
        .await
        .expect("count")
        .and_then(|row| row.try_get::<i64>("", "n").ok())
    };
    assert_eq!(counted, Some(3), "the client's three denials");
    let body = app
        .gql(
            agency.admin.token(),
            "{ auditEvents(first: 5, filter: { action: \"access.denied\" }) { edges { node { actorId ip requestId changes } } } }",
            json!({}),
        )
        .await;
    let events = data(&body)["auditEvents"]["edges"].clone();
    assert_eq!(events.as_array().map(Vec::len), Some(1), "{events}");
    let event = &events[0]["node"];
    assert_eq!(event["actorId"], client.user_id.as_str(), "{event}");
    assert_eq!(event["ip"], "127.0.0.1", "{event}");
    assert!(event["requestId"].is_string(), "{event}");
    assert_eq!(
        event["changes"]["permission"], "consultant.rate:read",
        "{event}"
    );
}

/// A member that falls behind its group (a burst of events bigger than the backlog, before its
/// socket's writer reads any) replays on its own from where it was: every event once, in order,
/// then live.
#[tokio::test]
async fn a_subscriber_that_falls_behind_its_group_replays_without_a_gap() {
    let app = TestApp::spawn_with(|c| c.limits.subscription_backlog = 2).await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    for _ in 0..8 {
        agency.consultant(&app, json!({})).await;
    }
    let tender = agency.open_tender(&app, &company, json!({})).await;
    // Resolved from the event alone: the group sends the burst without waiting on a loader.
    let query = "subscription { matchUpdated { kind sequence match { id status } } }";
    // The first runs on its own; the second is the group's member.
    let mut first = open(&app, agency.admin.token()).await;
    subscribe(&mut first, "m", query, json!({})).await;
    metric_reaches(&app, "talentgraph_subscriptions", 1.0).await;
    let mut ws = open(&app, agency.admin.token()).await;
    subscribe(&mut ws, "m", query, json!({})).await;
    metric_reaches(&app, "talentgraph_subscriptions", 2.0).await;
    assert_eq!(metric(&app, "talentgraph_subscription_groups").await, 1.0);
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($t: ID!) { generateMatches(input: { tenderId: $t, minScore: 0 }) { id } }",
            json!({ "t": tender }),
        )
        .await;
    let generated = data(&body)["generateMatches"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert_eq!(generated, 8, "{body}");
    let mut sequences = Vec::new();
    let mut matches = std::collections::HashSet::new();
    for _ in 0..8 {
        let event = next_match(&mut ws, "m").await;
        assert_eq!(event["kind"], "CREATED", "{event}");
        sequences.push(event["sequence"].as_i64().unwrap_or(0));
        matches.insert(event["match"]["id"].as_str().unwrap_or("").to_owned());
    }
    assert_eq!(matches.len(), 8, "{sequences:?}");
    assert!(
        sequences.windows(2).all(|w| w[1] == w[0] + 1),
        "{sequences:?}"
    );
    assert!(metric(&app, "talentgraph_subscriptions_behind_total").await >= 1.0);
    // Then live, once.
    let consultant = agency.consultant(&app, json!({})).await;
    agency.pending_match(&app, &tender, &consultant).await;
    let event = next_match(&mut ws, "m").await;
    assert_eq!(event["kind"], "CREATED", "{event}");
    assert!(
        event["sequence"].as_i64() > sequences.last().copied(),
        "{event}"
    );
    quiet(
        &mut ws,
        "the replaying subscriber",
        Duration::from_millis(300),
    )
    .await;
}
