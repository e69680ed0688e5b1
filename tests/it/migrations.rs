//! Migrations over existing data: what a running organisation's rows become.

use entity::tender_match;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::TestApp;
use crate::helpers::talent::seed_volume;

/// Matches scored before the rate was kept apart get their rate-free score and tagged reasons.
#[tokio::test]
async fn existing_matches_get_a_score_without_their_rate() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let tenant = agency.tenant_id.parse().expect("tenant id");
    let volume = seed_volume(&app, tenant, 1, 2, 1).await;
    let db = &app.state.db;
    let legacy_reasons = r#"["Rust at EXPERT (asked ADVANCED)","Available for the start","Daily rate over budget","Would travel to Paris"]"#;
    app.sql(&format!(
        "UPDATE tender_match SET breakdown = '{{\"skills\":1.0,\"availability\":1.0,\"rate\":0.2,\"location\":0.5}}', reasons = '{legacy_reasons}'"
    ))
    .await;
    // Back to just before the migration under test, then forward again.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|n| n == "m20261202_000016_add_tender_match_score_without_rate")
        .expect("migration 16");
    let undo = u32::try_from(names.len() - at).expect("count");
    Migrator::down(db, Some(undo)).await.expect("down");
    Migrator::up(db, None).await.expect("up again");
    let rows = tender_match::Entity::find()
        .filter(tender_match::Column::TenderId.eq(volume.tenders[0]))
        .all(db)
        .await
        .expect("matches");
    assert!(!rows.is_empty());
    for row in rows {
        let expected = ((0.55 + 0.15 + 0.075) / 0.85 * 10_000.0_f64).round() / 10_000.0;
        assert!((row.score_without_rate - expected).abs() < 1e-9, "{row:?}");
        let reasons: serde_json::Value = serde_json::from_str(&row.reasons).expect("json");
        assert_eq!(
            reasons[2],
            serde_json::json!({ "about": "rate", "text": "Daily rate over budget" })
        );
        assert_eq!(reasons[3]["about"], "location");
    }
}
