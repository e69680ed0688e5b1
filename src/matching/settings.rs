//! Each tenant's matching settings: the weights of the score's six components and the
//! threshold of generated matches. A tenant that never changed them uses the defaults.

use chrono::Utc;
use entity::matching_settings;
use sea_orm::{ConnectionTrait, EntityTrait, Set};
use uuid::Uuid;

use super::scoring::Weights;
use crate::audit::{AuditRecord, Changes};
use crate::auth::Permission;
use crate::error::{Result, Validation};
use crate::unit::UnitOfWork;

/// Weights and threshold as they apply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub weights: Weights,
    /// Generated matches score at least this, unless `generateMatches` says otherwise.
    pub min_score: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            weights: Weights::default(),
            min_score: 0.5,
        }
    }
}

impl From<matching_settings::Model> for Settings {
    fn from(m: matching_settings::Model) -> Self {
        Settings {
            weights: Weights {
                skills: m.skills_weight,
                availability: m.availability_weight,
                rate: m.rate_weight,
                location: m.location_weight,
                experience: m.experience_weight,
                similar_experience: m.similar_experience_weight,
            },
            min_score: m.min_score,
        }
    }
}

/// The tenant's settings (the defaults when it never changed them).
pub async fn load(conn: &impl ConnectionTrait, tenant_id: Uuid) -> Result<Settings> {
    #[expect(
        clippy::disallowed_methods,
        reason = "a tenant's own settings row, keyed by its id"
    )]
    let row = matching_settings::Entity::find_by_id(tenant_id)
        .one(conn)
        .await?;
    Ok(row.map(Settings::from).unwrap_or_default())
}

/// A change of settings: `None` leaves a value as it is.
#[derive(Debug, Default)]
pub struct SettingsInput {
    pub skills: Option<f64>,
    pub availability: Option<f64>,
    pub rate: Option<f64>,
    pub location: Option<f64>,
    pub experience: Option<f64>,
    pub similar_experience: Option<f64>,
    pub min_score: Option<f64>,
}

/// Changes the tenant's settings (ADMIN; audited). Each weight is between 0 and 1 and at least
/// one besides `similarExperience` is positive; the threshold is between 0 and 1. Every bad
/// field is reported at once.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn update(uow: &UnitOfWork, input: SettingsInput) -> Result<Settings> {
    let p = uow.principal()?;
    p.require(Permission::MatchingConfigure)?;
    let before = load(uow.txn(), p.tenant_id).await?;
    let mut v = Validation::new();
    let mut unit = |field: &str, value: Option<f64>, current: f64| match value {
        Some(x) if !(0.0..=1.0).contains(&x) => {
            v.fail(field, "must be between 0 and 1");
            current
        }
        Some(x) => x,
        None => current,
    };
    let w = before.weights;
    let after = Settings {
        weights: Weights {
            skills: unit("weights.skills", input.skills, w.skills),
            availability: unit("weights.availability", input.availability, w.availability),
            rate: unit("weights.rate", input.rate, w.rate),
            location: unit("weights.location", input.location, w.location),
            experience: unit("weights.experience", input.experience, w.experience),
            similar_experience: unit(
                "weights.similarExperience",
                input.similar_experience,
                w.similar_experience,
            ),
        },
        min_score: unit("minScore", input.min_score, before.min_score),
    };
    let a = after.weights;
    // `similarExperience` is not always measured (no embedding model, nothing to compare):
    // the others must be able to make a score alone.
    if a.skills + a.availability + a.rate + a.location + a.experience <= 0.0 {
        v.fail(
            "weights",
            "at least one weight besides similarExperience must be positive",
        );
    }
    v.finish()?;
    if after == before {
        return Ok(after);
    }
    let row = matching_settings::ActiveModel {
        tenant_id: Set(p.tenant_id),
        skills_weight: Set(a.skills),
        availability_weight: Set(a.availability),
        rate_weight: Set(a.rate),
        location_weight: Set(a.location),
        experience_weight: Set(a.experience),
        similar_experience_weight: Set(a.similar_experience),
        min_score: Set(after.min_score),
        updated_at: Set(Utc::now()),
    };
    matching_settings::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::column(matching_settings::Column::TenantId)
                .update_columns([
                    matching_settings::Column::SkillsWeight,
                    matching_settings::Column::AvailabilityWeight,
                    matching_settings::Column::RateWeight,
                    matching_settings::Column::LocationWeight,
                    matching_settings::Column::ExperienceWeight,
                    matching_settings::Column::SimilarExperienceWeight,
                    matching_settings::Column::MinScore,
                    matching_settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(uow.txn())
        .await?;
    let mut c = Changes::new();
    c.diff("weights.skills", &w.skills, &a.skills)
        .diff("weights.availability", &w.availability, &a.availability)
        .diff("weights.rate", &w.rate, &a.rate)
        .diff("weights.location", &w.location, &a.location)
        .diff("weights.experience", &w.experience, &a.experience)
        .diff("minScore", &before.min_score, &after.min_score);
    uow.audit(
        AuditRecord::new("matching.settings_updated", "tenant", Some(p.tenant_id))
            .changes(c.into_value()),
    )
    .await?;
    Ok(after)
}
