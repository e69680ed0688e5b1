//! `generateMatches`, `matchingSettings` and `updateMatchingSettings` over GraphQL.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::generate::{self, GenerateInput};
use super::graphql::Match;
use super::settings::{self, Settings, SettingsInput};
use crate::auth::{Permission, visibility};
use crate::error::{AppError, Result};
use crate::graphql::context::{ContextExt as _, parse_id};
use crate::graphql::guard::PermissionGuard;

/// The relative weights of the score's components (each 0..1; they need not sum to 1).
#[derive(SimpleObject)]
pub struct MatchingWeights {
    /// Skill coverage (importance × level, years as tie-breaker).
    pub skills: f64,
    /// Availability against the tender's start.
    pub availability: f64,
    /// Daily rate against the budget.
    pub rate: f64,
    /// Location and remote fit.
    pub location: f64,
    /// Years of experience, overall and in the tender's skills.
    pub experience: f64,
    /// Likeness of the tender's text to the consultant's portfolio and résumé.
    pub similar_experience: f64,
}

/// How the organisation's matches are scored and generated.
#[derive(SimpleObject)]
pub struct MatchingSettings {
    /// The relative weights of the score's components.
    pub weights: MatchingWeights,
    /// Generated matches score at least this (0..1) unless `generateMatches` says otherwise.
    pub min_score: f64,
}

impl From<Settings> for MatchingSettings {
    fn from(s: Settings) -> Self {
        MatchingSettings {
            weights: MatchingWeights {
                skills: s.weights.skills,
                availability: s.weights.availability,
                rate: s.weights.rate,
                location: s.weights.location,
                experience: s.weights.experience,
                similar_experience: s.weights.similar_experience,
            },
            min_score: s.min_score,
        }
    }
}

#[derive(Default)]
pub struct SettingsQuery;

#[Object]
impl SettingsQuery {
    /// The organisation's matching settings (ADMIN).
    #[graphql(
        guard = "PermissionGuard(Permission::MatchingConfigure)",
        visible = "visibility::matching_configure"
    )]
    async fn matching_settings(&self, ctx: &Context<'_>) -> Result<MatchingSettings> {
        let p = ctx.principal()?;
        Ok(settings::load(&ctx.state()?.db, p.tenant_id).await?.into())
    }
}

/// New weights (omitted ones stay as they are).
#[derive(InputObject, Default)]
pub struct MatchingWeightsInput {
    /// Skill coverage (0..1).
    pub skills: Option<f64>,
    /// Availability against the tender's start (0..1).
    pub availability: Option<f64>,
    /// Daily rate against the budget (0..1).
    pub rate: Option<f64>,
    /// Location and remote fit (0..1).
    pub location: Option<f64>,
    /// Years of experience (0..1).
    pub experience: Option<f64>,
    /// Likeness to the consultant's past projects and résumé (0..1).
    pub similar_experience: Option<f64>,
}

/// A change of the matching settings (omitted fields stay as they are).
#[derive(InputObject)]
pub struct UpdateMatchingSettingsInput {
    /// Each between 0 and 1, at least one positive.
    pub weights: Option<MatchingWeightsInput>,
    /// Between 0 and 1.
    pub min_score: Option<f64>,
}

#[derive(Default)]
pub struct SettingsMutation;

#[Object]
impl SettingsMutation {
    /// Changes how matches are scored and generated (ADMIN; audited). Scores already stored
    /// change when their match is next re-scored or generated.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchingConfigure)",
        visible = "visibility::matching_configure"
    )]
    async fn update_matching_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new weights and threshold.")] input: UpdateMatchingSettingsInput,
    ) -> Result<MatchingSettings> {
        let w = input.weights.unwrap_or_default();
        let change = SettingsInput {
            skills: w.skills,
            availability: w.availability,
            rate: w.rate,
            location: w.location,
            experience: w.experience,
            similar_experience: w.similar_experience,
            min_score: input.min_score,
        };
        let uow = ctx.unit_of_work().await?;
        let done = settings::update(&uow, change).await;
        uow.finish(done).await.map(Into::into)
    }
}

/// What `generateMatches` scores and keeps.
#[derive(InputObject)]
pub struct GenerateMatchesInput {
    /// The tender (not CLOSED or CANCELLED).
    pub tender_id: ID,
    /// Keep candidates scoring at least this (0..1); the organisation's `minScore` otherwise.
    pub min_score: Option<f64>,
    /// Keep at most this many (1 to 200; 20 by default).
    pub limit: Option<i32>,
}

#[derive(Default)]
pub struct GenerateMutation;

#[Object]
impl GenerateMutation {
    /// Scores every consultant of the organisation who can take missions (not deleted, not
    /// LEAVING) against the tender and keeps the best as PENDING matches: new ones are created,
    /// PENDING ones get their new score, decided ones are left as they are. Returns the matches
    /// of the best candidates, best first. Running it again changes nothing.
    #[graphql(
        guard = "PermissionGuard(Permission::MatchWrite)",
        visible = "visibility::match_write"
    )]
    async fn generate_matches(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tender, the threshold and how many to keep.")]
        input: GenerateMatchesInput,
    ) -> Result<Vec<Match>> {
        let tender_id = parse_id("tenderId", &input.tender_id)?;
        let limit = input
            .limit
            .map(|l| {
                u64::try_from(l)
                    .map_err(|_| AppError::invalid("limit", "must be between 1 and 200"))
            })
            .transpose()?;
        let uow = ctx.unit_of_work().await?;
        let done = generate::generate(
            &uow,
            GenerateInput {
                tender_id,
                min_score: input.min_score,
                limit,
            },
        )
        .await;
        let matches = uow.finish(done).await?;
        Ok(matches.into_iter().map(Match).collect())
    }
}
