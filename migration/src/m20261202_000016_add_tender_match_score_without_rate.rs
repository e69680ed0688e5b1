//! Adds the score that leaves the daily rate out (what readers without `consultant.rate:read`
//! see, order and filter by), and tags every stored reason with the score component it
//! explains, so that the rate's reasons can be left out too. Existing matches are backfilled
//! from their stored breakdown with the weights in force when they were scored.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, FromQueryResult};

use crate::m20261121_000014_create_tender_match::TenderMatch;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The weights of the scoring function up to this migration (rate left out).
const SKILLS: f64 = 0.55;
const AVAILABILITY: f64 = 0.15;
const LOCATION: f64 = 0.15;

/// The reasons the rate component wrote up to this migration.
const RATE_REASONS: [&str; 4] = [
    "No daily rate on file",
    "No budget given",
    "Daily rate within budget",
    "Daily rate over budget",
];

#[derive(DeriveIden)]
enum Added {
    ScoreWithoutRate,
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: sea_orm_migration::sea_orm::prelude::Uuid,
    breakdown: String,
    reasons: String,
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The score without the rate component, from a stored breakdown.
fn without_rate(breakdown: &str) -> f64 {
    let v: serde_json::Value = serde_json::from_str(breakdown).unwrap_or_default();
    let get = |k: &str| v[k].as_f64().unwrap_or(0.0);
    let weighted =
        get("skills") * SKILLS + get("availability") * AVAILABILITY + get("location") * LOCATION;
    round4((weighted / (SKILLS + AVAILABILITY + LOCATION)).clamp(0.0, 1.0))
}

/// Which component wrote a legacy reason.
fn component_of(reason: &str) -> &'static str {
    if RATE_REASONS.contains(&reason) {
        "rate"
    } else if reason.starts_with("Available") || reason == "Not available for missions" {
        "availability"
    } else if reason.starts_with("Based in")
        || reason.starts_with("Works remotely")
        || reason.starts_with("Would travel")
        || reason == "Remote work suits both"
        || reason == "No location constraint"
    {
        "location"
    } else {
        "skills"
    }
}

/// Legacy reasons (plain strings) as tagged ones; already tagged reasons stay as they are.
fn tagged(reasons: &str) -> String {
    let list: Vec<serde_json::Value> = serde_json::from_str(reasons).unwrap_or_default();
    let tagged: Vec<serde_json::Value> = list
        .into_iter()
        .map(|r| match r.as_str() {
            Some(text) => serde_json::json!({ "about": component_of(text), "text": text }),
            None => r,
        })
        .collect();
    serde_json::Value::Array(tagged).to_string()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(TenderMatch::Table)
                    .add_column(
                        ColumnDef::new(Added::ScoreWithoutRate)
                            .double()
                            .not_null()
                            .default(0.0),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let select = Query::select()
            .columns([
                TenderMatch::Id,
                TenderMatch::Breakdown,
                TenderMatch::Reasons,
            ])
            .from(TenderMatch::Table)
            .to_owned();
        let rows = db.query_all(&select).await?;
        for row in rows {
            let row = Row::from_query_result(&row, "")?;
            let update = Query::update()
                .table(TenderMatch::Table)
                .value(Added::ScoreWithoutRate, without_rate(&row.breakdown))
                .value(TenderMatch::Reasons, tagged(&row.reasons))
                .and_where(Expr::col(TenderMatch::Id).eq(row.id))
                .to_owned();
            db.execute(&update).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_tender_match_tenant_tender_score_without_rate")
                    .table(TenderMatch::Table)
                    .col(TenderMatch::TenantId)
                    .col(TenderMatch::TenderId)
                    .col(Added::ScoreWithoutRate)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_tender_match_tenant_tender_score_without_rate")
                    .table(TenderMatch::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TenderMatch::Table)
                    .drop_column(Added::ScoreWithoutRate)
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_rows_are_backfilled() {
        let b = r#"{"skills":1.0,"availability":0.5,"rate":0.2,"location":1.0}"#;
        assert!((without_rate(b) - round4((0.55 + 0.075 + 0.15) / 0.85)).abs() < 1e-9);
        let r = tagged(
            r#"["Rust at EXPERT (asked ADVANCED)","Daily rate over budget","Based in Paris","Available for the start"]"#,
        );
        let v: serde_json::Value = serde_json::from_str(&r).expect("json");
        let about: Vec<&str> = v
            .as_array()
            .expect("array")
            .iter()
            .map(|r| r["about"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(about, ["skills", "rate", "location", "availability"]);
        assert_eq!(tagged(&r), r, "tagging twice changes nothing");
    }
}
