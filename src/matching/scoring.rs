//! The matching score: pure functions, no I/O. A score in 0..1 is the weighted sum of four
//! components (skill coverage, availability, daily rate, location), and it explains itself.

use std::collections::HashMap;

use chrono::NaiveDate;
use entity::{ConsultantStatus, RemotePreference, SkillImportance, SkillLevel};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Relative weights of the components; they need not sum to 1.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Weights {
    pub skills: f64,
    pub availability: f64,
    pub rate: f64,
    pub location: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            skills: 0.55,
            availability: 0.15,
            rate: 0.15,
            location: 0.15,
        }
    }
}

/// What the score needs of a tender.
#[derive(Debug, Clone)]
pub struct TenderFacts {
    pub start_date: Option<NaiveDate>,
    pub budget_min_cents: Option<i64>,
    pub budget_max_cents: Option<i64>,
    pub location: Option<String>,
    pub remote_allowed: bool,
    pub skills: Vec<Requirement>,
}

/// One skill a tender asks for.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub skill_id: Uuid,
    pub name: String,
    pub importance: SkillImportance,
    pub min_level: SkillLevel,
}

/// What the score needs of a consultant.
#[derive(Debug, Clone)]
pub struct ConsultantFacts {
    pub status: ConsultantStatus,
    pub availability_date: Option<NaiveDate>,
    pub daily_rate_cents: Option<i64>,
    pub location: Option<String>,
    pub remote: RemotePreference,
    /// skill id → (level, years).
    pub skills: HashMap<Uuid, (SkillLevel, i32)>,
}

/// The components of a score, each in 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    pub skills: f64,
    pub availability: f64,
    pub rate: f64,
    pub location: f64,
}

/// The component of the score a reason explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Component {
    Skills,
    Availability,
    Rate,
    Location,
}

/// One human-readable reason, tagged with the component it explains (stored as such, so that
/// readers who may not see rates get the reasons without the rate's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub about: Component,
    pub text: String,
}

/// A score with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// Every component weighed.
    pub score: f64,
    /// The same weighing with the rate component left out: it says nothing about the rate.
    pub score_without_rate: f64,
    pub breakdown: Breakdown,
    pub reasons: Vec<Reason>,
}

fn importance_weight(importance: SkillImportance) -> f64 {
    match importance {
        SkillImportance::Required => 3.0,
        SkillImportance::Preferred => 2.0,
        SkillImportance::NiceToHave => 1.0,
    }
}

fn level_name(level: SkillLevel) -> &'static str {
    match level {
        SkillLevel::Beginner => "BEGINNER",
        SkillLevel::Intermediate => "INTERMEDIATE",
        SkillLevel::Advanced => "ADVANCED",
        SkillLevel::Expert => "EXPERT",
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Skill coverage: importance × level fit, with years as a small tie-breaker.
fn skills(t: &TenderFacts, c: &ConsultantFacts, reasons: &mut Vec<String>) -> f64 {
    if t.skills.is_empty() {
        reasons.push("The tender lists no required skills".to_owned());
        return 1.0;
    }
    let mut total = 0.0;
    let mut got = 0.0;
    let mut met = 0;
    for req in &t.skills {
        let w = importance_weight(req.importance);
        total += w;
        match c.skills.get(&req.skill_id) {
            Some((level, years)) => {
                let fit = (f64::from(level.rank()) / f64::from(req.min_level.rank())).min(1.0);
                let seniority = f64::from((*years).clamp(0, 10)) / 10.0 * 0.05;
                got += w * (fit * 0.95 + seniority);
                if *level >= req.min_level {
                    met += 1;
                    reasons.push(format!(
                        "{} at {} (asked {})",
                        req.name,
                        level_name(*level),
                        level_name(req.min_level)
                    ));
                } else {
                    reasons.push(format!(
                        "{} only at {} (asked {})",
                        req.name,
                        level_name(*level),
                        level_name(req.min_level)
                    ));
                }
            }
            None => reasons.push(format!("Lacks {}", req.name)),
        }
    }
    reasons.push(format!(
        "Meets {met} of {} skill requirements",
        t.skills.len()
    ));
    (got / total).clamp(0.0, 1.0)
}

fn availability(t: &TenderFacts, c: &ConsultantFacts, reasons: &mut Vec<String>) -> f64 {
    if matches!(
        c.status,
        ConsultantStatus::Unavailable | ConsultantStatus::Leaving
    ) {
        reasons.push("Not available for missions".to_owned());
        return 0.0;
    }
    match (t.start_date, c.availability_date) {
        (Some(start), Some(from)) if from > start => {
            let late = (from - start).num_days();
            reasons.push(format!("Available {late} day(s) after the start"));
            (1.0 - late as f64 / 60.0).max(0.0)
        }
        _ => {
            reasons.push("Available for the start".to_owned());
            1.0
        }
    }
}

/// Reasons never carry amounts: they are shown to clients, who may not read rates.
fn rate(t: &TenderFacts, c: &ConsultantFacts, reasons: &mut Vec<String>) -> f64 {
    let Some(rate) = c.daily_rate_cents else {
        reasons.push("No daily rate on file".to_owned());
        return 0.5;
    };
    match t.budget_max_cents {
        None => {
            reasons.push("No budget given".to_owned());
            0.75
        }
        Some(max) if rate <= max => {
            reasons.push("Daily rate within budget".to_owned());
            1.0
        }
        Some(max) => {
            reasons.push("Daily rate over budget".to_owned());
            let over = (rate - max) as f64 / max.max(1) as f64;
            (1.0 - over * 2.0).max(0.0)
        }
    }
}

fn location(t: &TenderFacts, c: &ConsultantFacts, reasons: &mut Vec<String>) -> f64 {
    if t.remote_allowed && c.remote != RemotePreference::Onsite {
        reasons.push("Remote work suits both".to_owned());
        return 1.0;
    }
    let Some(place) = t.location.as_deref() else {
        reasons.push("No location constraint".to_owned());
        return 1.0;
    };
    match c.location.as_deref() {
        Some(home) if home.trim().eq_ignore_ascii_case(place.trim()) => {
            reasons.push(format!("Based in {place}"));
            1.0
        }
        _ if c.remote == RemotePreference::Remote => {
            reasons.push(format!("Works remotely; the mission is on site in {place}"));
            0.2
        }
        _ => {
            reasons.push(format!("Would travel to {place}"));
            0.5
        }
    }
}

fn weighted(parts: &[(f64, f64)]) -> f64 {
    let total: f64 = parts.iter().map(|(_, w)| w).sum();
    if total > 0.0 {
        let sum: f64 = parts.iter().map(|(v, w)| v * w).sum();
        round4((sum / total).clamp(0.0, 1.0))
    } else {
        0.0
    }
}

/// Scores a consultant against a tender.
pub fn score(t: &TenderFacts, c: &ConsultantFacts, w: &Weights) -> Score {
    let mut reasons = Vec::new();
    let mut component =
        |about: Component, f: fn(&TenderFacts, &ConsultantFacts, &mut Vec<String>) -> f64| {
            let mut texts = Vec::new();
            let value = round4(f(t, c, &mut texts));
            reasons.extend(texts.into_iter().map(|text| Reason { about, text }));
            value
        };
    let breakdown = Breakdown {
        skills: component(Component::Skills, skills),
        availability: component(Component::Availability, availability),
        rate: component(Component::Rate, rate),
        location: component(Component::Location, location),
    };
    let without_rate = [
        (breakdown.skills, w.skills),
        (breakdown.availability, w.availability),
        (breakdown.location, w.location),
    ];
    let mut every = without_rate.to_vec();
    every.push((breakdown.rate, w.rate));
    Score {
        score: weighted(&every),
        score_without_rate: weighted(&without_rate),
        breakdown,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn tender(skills: Vec<Requirement>) -> TenderFacts {
        TenderFacts {
            start_date: Some(date("2027-03-01")),
            budget_min_cents: Some(50_000),
            budget_max_cents: Some(70_000),
            location: Some("Paris".into()),
            remote_allowed: false,
            skills,
        }
    }

    fn consultant(skills: &[(Uuid, SkillLevel, i32)]) -> ConsultantFacts {
        ConsultantFacts {
            status: ConsultantStatus::Available,
            availability_date: None,
            daily_rate_cents: Some(60_000),
            location: Some("paris".into()),
            remote: RemotePreference::Hybrid,
            skills: skills.iter().map(|(id, l, y)| (*id, (*l, *y))).collect(),
        }
    }

    fn req(id: Uuid, name: &str, importance: SkillImportance, min: SkillLevel) -> Requirement {
        Requirement {
            skill_id: id,
            name: name.into(),
            importance,
            min_level: min,
        }
    }

    #[test]
    fn a_perfect_fit_scores_close_to_one_and_explains_itself() {
        let rust = Uuid::now_v7();
        let t = tender(vec![req(
            rust,
            "Rust",
            SkillImportance::Required,
            SkillLevel::Advanced,
        )]);
        let c = consultant(&[(rust, SkillLevel::Expert, 10)]);
        let s = score(&t, &c, &Weights::default());
        assert!(s.score > 0.99, "{s:?}");
        assert!(
            s.reasons.iter().any(|r| r.text.contains("Rust at EXPERT")),
            "{s:?}"
        );
        assert!(
            s.reasons.iter().any(|r| r.text.contains("Based in Paris")),
            "{s:?}"
        );
    }

    #[test]
    fn missing_required_skills_weigh_more_than_nice_to_haves() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let t = tender(vec![
            req(
                a,
                "Rust",
                SkillImportance::Required,
                SkillLevel::Intermediate,
            ),
            req(
                b,
                "Figma",
                SkillImportance::NiceToHave,
                SkillLevel::Intermediate,
            ),
        ]);
        let has_required = score(
            &t,
            &consultant(&[(a, SkillLevel::Intermediate, 2)]),
            &Weights::default(),
        );
        let has_nice = score(
            &t,
            &consultant(&[(b, SkillLevel::Intermediate, 2)]),
            &Weights::default(),
        );
        assert!(has_required.breakdown.skills > has_nice.breakdown.skills);
        assert!(has_nice.reasons.iter().any(|r| r.text == "Lacks Rust"));
    }

    #[test]
    fn years_break_ties_and_level_below_minimum_is_partial() {
        let rust = Uuid::now_v7();
        let t = tender(vec![req(
            rust,
            "Rust",
            SkillImportance::Required,
            SkillLevel::Expert,
        )]);
        let senior = score(
            &t,
            &consultant(&[(rust, SkillLevel::Expert, 9)]),
            &Weights::default(),
        );
        let junior = score(
            &t,
            &consultant(&[(rust, SkillLevel::Expert, 1)]),
            &Weights::default(),
        );
        let weak = score(
            &t,
            &consultant(&[(rust, SkillLevel::Beginner, 9)]),
            &Weights::default(),
        );
        assert!(senior.score > junior.score && junior.score > weak.score);
    }

    #[test]
    fn availability_rate_and_location_lower_the_score() {
        let t = tender(vec![]);
        let mut late = consultant(&[]);
        late.availability_date = Some(date("2027-04-01"));
        assert!(
            (score(&t, &late, &Weights::default()).breakdown.availability - 0.4833).abs() < 1e-3
        );
        let mut pricey = consultant(&[]);
        pricey.daily_rate_cents = Some(84_000);
        let priced = score(&t, &pricey, &Weights::default());
        assert!((priced.breakdown.rate - 0.6).abs() < 1e-9);
        // Amounts never appear in reasons (clients read them).
        assert!(
            priced
                .reasons
                .iter()
                .all(|r| !r.text.contains("840") && !r.text.contains("700")),
            "{priced:?}"
        );
        let mut remote = consultant(&[]);
        remote.remote = RemotePreference::Remote;
        remote.location = Some("Lyon".into());
        assert!(score(&t, &remote, &Weights::default()).breakdown.location < 0.5);
        let mut leaving = consultant(&[]);
        leaving.status = ConsultantStatus::Leaving;
        assert_eq!(
            score(&t, &leaving, &Weights::default())
                .breakdown
                .availability,
            0.0
        );
    }

    #[test]
    fn the_score_without_rate_does_not_depend_on_the_rate() {
        let t = tender(vec![]);
        let mut cheap = consultant(&[]);
        cheap.daily_rate_cents = Some(10_000);
        let mut dear = consultant(&[]);
        dear.daily_rate_cents = Some(81_234);
        let (a, b) = (
            score(&t, &cheap, &Weights::default()),
            score(&t, &dear, &Weights::default()),
        );
        assert_ne!(a.score, b.score);
        assert_eq!(a.score_without_rate, b.score_without_rate);
        let rate_reasons: Vec<&str> = b
            .reasons
            .iter()
            .filter(|r| r.about == Component::Rate)
            .map(|r| r.text.as_str())
            .collect();
        assert_eq!(rate_reasons, ["Daily rate over budget"]);
    }

    #[test]
    fn scores_stay_in_range_whatever_the_weights() {
        let t = tender(vec![]);
        let c = consultant(&[]);
        for w in [
            Weights {
                skills: 0.0,
                availability: 0.0,
                rate: 0.0,
                location: 0.0,
            },
            Weights {
                skills: 10.0,
                availability: 0.0,
                rate: 0.0,
                location: 1.0,
            },
        ] {
            let s = score(&t, &c, &w).score;
            assert!((0.0..=1.0).contains(&s), "{s}");
        }
    }
}
