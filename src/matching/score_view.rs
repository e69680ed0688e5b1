//! What of a match's score a reader sees. A score that weighs the daily rate, read next to the
//! tender's budget, gives the rate away; so readers without `consultant.rate:read` get the
//! score computed without the rate component — in `Match.score`, its breakdown and reasons,
//! the `SCORE` order and the `minScore` filter alike. This module is the one place that rule
//! lives; every type, list and (later) event that exposes a score goes through it.

use entity::tender_match;

use super::scoring::{Component, Reason};
use crate::auth::{Permission, Principal};
use crate::error::{AppError, Result};

/// The components of a score as a reader sees them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisibleBreakdown {
    pub skills: f64,
    pub availability: f64,
    /// `None` for readers who may not see rates.
    pub rate: Option<f64>,
    pub location: f64,
    /// 0 for matches scored before experience counted.
    pub experience: f64,
    /// `None` when it was not measured.
    pub similar_experience: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreView {
    /// Every component: for readers of rates.
    Full,
    /// The rate component left out of the score, the breakdown and the reasons.
    WithoutRate,
}

impl ScoreView {
    pub fn of(p: &Principal) -> Self {
        if p.can(Permission::ConsultantRateRead) {
            ScoreView::Full
        } else {
            ScoreView::WithoutRate
        }
    }

    /// The stored score this reader sees, orders and filters by.
    pub fn column(self) -> tender_match::Column {
        match self {
            ScoreView::Full => tender_match::Column::Score,
            ScoreView::WithoutRate => tender_match::Column::ScoreWithoutRate,
        }
    }

    pub fn score(self, m: &tender_match::Model) -> f64 {
        match self {
            ScoreView::Full => m.score,
            ScoreView::WithoutRate => m.score_without_rate,
        }
    }

    pub fn breakdown(self, m: &tender_match::Model) -> Result<VisibleBreakdown> {
        let v: serde_json::Value =
            serde_json::from_str(&m.breakdown).map_err(AppError::internal)?;
        let get = |k: &str| v[k].as_f64().unwrap_or(0.0);
        Ok(VisibleBreakdown {
            skills: get("skills"),
            availability: get("availability"),
            rate: (self == ScoreView::Full).then(|| get("rate")),
            location: get("location"),
            experience: get("experience"),
            similar_experience: v["similarExperience"].as_f64(),
        })
    }

    pub fn reasons(self, m: &tender_match::Model) -> Result<Vec<String>> {
        let reasons: Vec<Reason> = serde_json::from_str(&m.reasons).map_err(AppError::internal)?;
        Ok(reasons
            .into_iter()
            .filter(|r| self == ScoreView::Full || r.about != Component::Rate)
            .map(|r| r.text)
            .collect())
    }
}
