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
