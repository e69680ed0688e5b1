//! The unit of work's transactional outbox and the event bus (issue 8): events are numbered
//! per tenant in commit order and published only after commit.

use std::time::Duration;

use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::json;
use talentgraph::audit::RequestMeta;
use talentgraph::events::DomainEvent;
use talentgraph::unit::Actor;
use uuid::Uuid;

use crate::helpers::{TestApp, code, data};

pub async fn outbox(app: &TestApp, tenant: &str) -> Vec<entity::domain_event::Model> {
    let tenant = Uuid::parse_str(tenant).expect("tenant id");
    entity::domain_event::Entity::find()
        .filter(entity::domain_event::Column::TenantId.eq(tenant))
        .order_by_asc(entity::domain_event::Column::Seq)
        .all(app.state.writer())
        .await
        .expect("outbox")
}

#[tokio::test]
async fn writes_number_their_events_and_a_rolled_back_unit_publishes_nothing() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let tenant = Uuid::parse_str(&agency.tenant_id).expect("tenant id");
    let mut live = app.state.events.subscribe();

    // Raised, then dropped without commit: no row, nothing on the bus.
    let uow = app
        .state
        .unit_of_work(Actor::System, RequestMeta::default())
        .await
        .expect("unit");
    uow.raise_for(
        tenant,
        DomainEvent::ConsultantCreated {
            consultant_id: Uuid::nil(),
        },
    );
    drop(uow);
    assert!(outbox(&app, &agency.tenant_id).await.is_empty());

    // A failing mutation (a tender of a company that is not the agency's) leaves none either.
    let body = app
        .gql(
            agency.admin.token(),
            "mutation($c: ID!) { createTender(input: { companyId: $c, title: \"x\" }) { id } }",
            json!({ "c": Uuid::now_v7() }),
        )
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(outbox(&app, &agency.tenant_id).await.is_empty());

    let company = agency.company(&app, "Acme").await;
    let tender = agency.open_tender(&app, &company, json!({})).await;
    let rows = outbox(&app, &agency.tenant_id).await;
    let kinds: Vec<(i64, &str)> = rows.iter().map(|r| (r.seq, r.kind.as_str())).collect();
    assert_eq!(kinds, [(1, "tender.created"), (2, "tender.published")]);
    assert!(rows[1].payload.contains(&tender), "{}", rows[1].payload);

    // Delivered after commit, in order, and only those two.
    for seq in [1, 2] {
        let event = tokio::time::timeout(Duration::from_secs(10), live.recv())
            .await
            .expect("an event within 10 s")
            .expect("open bus");
        assert_eq!((event.tenant_id, event.seq), (tenant, seq));
    }
    assert!(live.try_recv().is_err(), "nothing else was published");
}

#[tokio::test]
async fn concurrent_writes_of_one_tenant_get_gap_free_numbers() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let company = agency.company(&app, "Acme").await;
    let requests: Vec<_> = (0..12)
        .map(|i| {
            (
                agency.admin.token(),
                "mutation($c: ID!, $t: String!) { createTender(input: { companyId: $c, title: $t }) { id } }",
                json!({ "c": company, "t": format!("T{i}") }),
            )
        })
        .collect();
    for body in app.gql_all(requests).await {
        data(&body);
    }
    let seqs: Vec<i64> = outbox(&app, &agency.tenant_id)
        .await
        .iter()
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_event_whose_notification_was_lost_is_delivered_by_the_sweep() {
    use sea_orm::{ActiveModelTrait as _, Set};

    let app = TestApp::spawn_with(|c| {
        c.limits.event_sweep_interval = Duration::from_millis(200);
    })
    .await;
    let agency = app.agency().await;
    let tenant = Uuid::parse_str(&agency.tenant_id).expect("tenant id");
    let company = agency.company(&app, "Acme").await;
    agency.draft_tender(&app, &company, json!({})).await;
    let stream = talentgraph::events::stream::events(
        &app.state.events,
        app.state.writer().clone(),
        tenant,
        Some(1),
    )
    .await
    .expect("stream");
    let mut stream = Box::pin(stream);
    // Committed behind the bus's back, as by an instance whose NOTIFY never arrived.
    let rows = outbox(&app, &agency.tenant_id).await;
    let last = rows.last().expect("an event");
    let payload = last
        .payload
        .replace("\"tenderCreated\"", "\"tenderUpdated\"");
    entity::domain_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant),
        seq: Set(last.seq + 1),
        kind: Set("tender.updated".to_owned()),
        payload: Set(payload),
        actor_id: Set(None),
        request_id: Set(None),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(app.state.writer())
    .await
    .expect("outbox row");
    entity::event_head::ActiveModel {
        tenant_id: Set(tenant),
        last_seq: Set(last.seq + 1),
    }
    .update(app.state.writer())
    .await
    .expect("head");
    use futures_util::StreamExt as _;
    let event = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("delivered by the sweep within 5 s")
        .expect("open stream")
        .expect("event");
    assert_eq!(event.seq, last.seq + 1);
    assert!(matches!(event.event, DomainEvent::TenderUpdated { .. }));

    // A position past the last event is refused, naming `after`.
    let past = talentgraph::events::stream::events(
        &app.state.events,
        app.state.writer().clone(),
        tenant,
        Some(last.seq + 100),
    )
    .await;
    match past {
        Err(talentgraph::error::AppError::InvalidInput(fields)) => {
            assert!(fields.contains_key("after"), "{fields:?}");
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a position past the last event was accepted"),
    }
}

#[tokio::test]
async fn pruned_events_are_not_replayed_with_a_gap() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let tenant = Uuid::parse_str(&agency.tenant_id).expect("tenant id");
    let company = agency.company(&app, "Acme").await;
    agency.draft_tender(&app, &company, json!({})).await;
    agency.draft_tender(&app, &company, json!({})).await;
    // Everything committed so far is older than the retention.
    let pruned = talentgraph::events::bus::prune(
        app.state.writer(),
        chrono::Utc::now() + chrono::Duration::seconds(1),
    )
    .await
    .expect("prune");
    assert_eq!(pruned, 2);
    assert!(outbox(&app, &agency.tenant_id).await.is_empty());
    let events = |after| {
        talentgraph::events::stream::events(
            &app.state.events,
            app.state.writer().clone(),
            tenant,
            after,
        )
    };
    match events(Some(0)).await {
        Err(talentgraph::error::AppError::InvalidInput(fields)) => {
            assert!(fields["after"].contains("no longer kept"), "{fields:?}");
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a replay with a gap was accepted"),
    }
    // Up to date, or live only: fine; and numbering goes on after the pruned events.
    assert!(events(Some(2)).await.is_ok());
    assert!(events(None).await.is_ok());
    agency.draft_tender(&app, &company, json!({})).await;
    let rows = outbox(&app, &agency.tenant_id).await;
    assert_eq!(rows.iter().map(|r| r.seq).collect::<Vec<_>>(), [3]);
    assert!(events(Some(2)).await.is_ok());
}
