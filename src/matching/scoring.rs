//! The matching score (DESIGN §7): pure functions, no I/O.
//!
//! A score in 0..1 is the weighted mean of six components, each in 0..1:
//!
//! - **skills**: coverage of the tender's skills, each weighed by its importance (REQUIRED 3,
//!   PREFERRED 2, NICE_TO_HAVE 1) times the consultant's level against the minimum asked
//!   (capped at 1), with years in the skill as a small tie-breaker. A consultant who holds every
//!   REQUIRED skill scores `0.5 + coverage / 2`; one who lacks any scores `coverage / 2`, which
//!   is always below 0.5 — so that a consultant lacking a REQUIRED skill never outranks one who
//!   has them all, other things equal.
//! - **availability**: 1 when available for the tender's start, falling to 0 sixty days after
//!   it; 0 for consultants UNAVAILABLE or LEAVING.
//! - **rate**: 1 within the daily budget, falling to 0 at 50 % over it; 0.75 without a budget,
//!   0.5 without a rate on file.
//! - **location**: 1 when remote work suits both or the consultant is based where the mission
//!   is, 0.5 when they would travel, 0.2 when they work remotely only and the mission is on site.
//! - **experience**: half the consultant's years of experience (15 and more count fully), half
//!   their years in the tender's skills (8 and more per skill count fully).
//! - **similarExperience** ("experience in similar projects"): how alike the tender's text is
//!   to the closest passage of the consultant's portfolio projects and résumés, by sentence
//!   embeddings (cosine 0.2 or less counts 0, 0.7 and more fully); 0 for a consultant with no
//!   project or résumé to compare. Unknown — no embedding model, or the tender's text not
//!   embedded yet — it is left out of the weighted mean rather than counted as 0 ([`PastWork`],
//!   given by search through `matching::similarity`).
//!
//! Weights and the threshold of generated matches are per-tenant settings ([`Weights`]).
//! Every score explains itself with [`explain`]: reasons a person can read, each tagged with the
//! component it explains. Only the rate's reasons carry amounts, and readers who may not see
//! rates get neither them nor the rate in the score (`score_view`).
//!
//! [`score`] is the hot path (`generateMatches` runs it for every consultant of the tenant): it
//! allocates nothing, and both sides' skills are sorted by id so that they are compared in one
//! merge pass. [`explain`] runs the same component functions with a sink that keeps the reasons,
//! for the few pairs that become matches.

use chrono::NaiveDate;
use entity::{ConsultantStatus, RemotePreference, SkillImportance, SkillLevel};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Relative weights of the components; they need not sum to 1 (each is divided by their sum).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub skills: f64,
    pub availability: f64,
    pub rate: f64,
    pub location: f64,
    pub experience: f64,
    #[serde(default = "default_similar_experience")]
    pub similar_experience: f64,
}

fn default_similar_experience() -> f64 {
    0.10
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            skills: 0.45,
            availability: 0.15,
            rate: 0.15,
            location: 0.10,
            experience: 0.15,
            similar_experience: default_similar_experience(),
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
    /// Sorted by skill id ([`TenderFacts::new`] sorts them).
    skills: Vec<Requirement>,
}

impl TenderFacts {
    pub fn new(
        start_date: Option<NaiveDate>,
        budget_min_cents: Option<i64>,
        budget_max_cents: Option<i64>,
        location: Option<String>,
        remote_allowed: bool,
        mut skills: Vec<Requirement>,
    ) -> Self {
        skills.sort_by_key(|r| r.skill_id);
        skills.dedup_by_key(|r| r.skill_id);
        TenderFacts {
            start_date,
            budget_min_cents,
            budget_max_cents,
            location,
            remote_allowed,
            skills,
        }
    }

    pub fn skills(&self) -> &[Requirement] {
        &self.skills
    }
}

/// One skill a tender asks for.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub skill_id: Uuid,
    pub name: String,
    pub importance: SkillImportance,
    pub min_level: SkillLevel,
}

/// One skill a consultant holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub skill_id: Uuid,
    pub level: SkillLevel,
    pub years: i32,
}

/// How alike a tender is to a consultant's past work.
#[derive(Debug, Clone, PartialEq)]
pub struct PastWork {
    /// Cosine similarity (-1..1) of the closest passages.
    pub similarity: f64,
    pub closest: Closest,
}

/// Where the closest passage is.
#[derive(Debug, Clone, PartialEq)]
pub enum Closest {
    /// A portfolio project, by title.
    Project(String),
    /// A project marked internal (its title is not for every reader).
    InternalProject,
    /// A résumé.
    Resume,
    /// Nothing: no portfolio project or résumé to compare with the tender.
    Nothing,
}

impl PastWork {
    /// A consultant without past work to compare, against a tender that has text to compare.
    pub fn nothing() -> PastWork {
        PastWork {
            similarity: -1.0,
            closest: Closest::Nothing,
        }
    }
}

/// What the score needs of a consultant.
#[derive(Debug, Clone)]
pub struct ConsultantFacts {
    pub status: ConsultantStatus,
    pub availability_date: Option<NaiveDate>,
    pub daily_rate_cents: Option<i64>,
    pub location: Option<String>,
    pub remote: RemotePreference,
    pub years_experience: i32,
    /// Sorted by skill id ([`ConsultantFacts::with_skills`] sorts them).
    skills: Vec<Held>,
    /// Likeness of their past work to the tender being scored; `None`: not measured.
    pub past_work: Option<PastWork>,
}

impl ConsultantFacts {
    /// A consultant without skills; add them with [`ConsultantFacts::with_skills`].
    pub fn new(
        status: ConsultantStatus,
        availability_date: Option<NaiveDate>,
        daily_rate_cents: Option<i64>,
        location: Option<String>,
        remote: RemotePreference,
        years_experience: i32,
    ) -> Self {
        ConsultantFacts {
            status,
            availability_date,
            daily_rate_cents,
            location,
            remote,
            years_experience,
            skills: Vec::new(),
            past_work: None,
        }
    }

    pub fn with_skills(mut self, mut skills: Vec<Held>) -> Self {
        skills.sort_by_key(|s| s.skill_id);
        skills.dedup_by_key(|s| s.skill_id);
        self.skills = skills;
        self
    }
}

/// The components of a score, each in 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    pub skills: f64,
    pub availability: f64,
    pub rate: f64,
    pub location: f64,
    pub experience: f64,
    /// `None` when not measured (then not weighed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similar_experience: Option<f64>,
}

/// The component of the score a reason explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Component {
    Skills,
    Availability,
    Rate,
    Location,
    Experience,
    SimilarExperience,
}

/// One human-readable reason, tagged with the component it explains (stored as such, so that
/// readers who may not see rates get the reasons without the rate's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub about: Component,
    pub text: String,
}

/// A score without its explanation: what [`score`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// Every component weighed.
    pub score: f64,
    /// The same weighing with the rate component left out: it says nothing about the rate.
    pub score_without_rate: f64,
    pub breakdown: Breakdown,
}

/// Where the component functions say why; [`score`] passes one that keeps nothing.
trait Sink {
    fn say(&mut self, text: impl FnOnce() -> String);
}

struct Silent;

impl Sink for Silent {
    #[inline(always)]
    fn say(&mut self, _: impl FnOnce() -> String) {}
}

impl Sink for Vec<String> {
    fn say(&mut self, text: impl FnOnce() -> String) {
        self.push(text());
    }
}

fn importance_weight(importance: SkillImportance) -> f64 {
    match importance {
        SkillImportance::Required => 3.0,
        SkillImportance::Preferred => 2.0,
        SkillImportance::NiceToHave => 1.0,
    }
}

fn importance_name(importance: SkillImportance) -> &'static str {
    match importance {
        SkillImportance::Required => "required",
        SkillImportance::Preferred => "preferred",
        SkillImportance::NiceToHave => "nice-to-have",
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

/// Amounts in minor units, as people write them: `720`, `650.50`.
fn money(cents: i64) -> String {
    if cents % 100 == 0 {
        format!("{}", cents / 100)
    } else {
        format!("{}.{:02}", cents / 100, (cents % 100).abs())
    }
}

fn years(n: i32) -> String {
    if n == 1 {
        "1 year".to_owned()
    } else {
        format!("{n} years")
    }
}

/// Each tender skill paired with the consultant's holding of it, in one merge pass over the two
/// sorted lists.
fn pair_skills<'a>(
    asked: &'a [Requirement],
    held: &'a [Held],
) -> impl Iterator<Item = (&'a Requirement, Option<&'a Held>)> + 'a {
    let mut at = 0;
    asked.iter().map(move |req| {
        while at < held.len() && held[at].skill_id < req.skill_id {
            at += 1;
        }
        let found = held.get(at).filter(|h| h.skill_id == req.skill_id);
        (req, found)
    })
}

fn skills(t: &TenderFacts, c: &ConsultantFacts, why: &mut impl Sink) -> f64 {
    if t.skills.is_empty() {
        why.say(|| "the tender lists no skills".to_owned());
        return 1.0;
    }
    let (mut total, mut got) = (0.0, 0.0);
    let (mut met, mut missing_required) = (0usize, 0usize);
    for (req, held) in pair_skills(&t.skills, &c.skills) {
        let w = importance_weight(req.importance);
        total += w;
        match held {
            Some(h) => {
                let fit = (f64::from(h.level.rank()) / f64::from(req.min_level.rank())).min(1.0);
                let seniority = f64::from(h.years.clamp(0, 10)) / 10.0 * 0.05;
                got += w * (fit * 0.95 + seniority);
                if h.level >= req.min_level {
                    met += 1;
                    why.say(|| {
                        format!(
                            "{} at {} (asked {})",
                            req.name,
                            level_name(h.level),
                            level_name(req.min_level)
                        )
                    });
                } else {
                    why.say(|| {
                        format!(
                            "{} only at {} (asked {})",
                            req.name,
                            level_name(h.level),
                            level_name(req.min_level)
                        )
                    });
                }
            }
            None => {
                if req.importance == SkillImportance::Required {
                    missing_required += 1;
                }
                why.say(|| {
                    format!(
                        "missing {} skill {}",
                        importance_name(req.importance),
                        req.name
                    )
                });
            }
        }
    }
    why.say(|| format!("meets {met} of {} skill requirements", t.skills.len()));
    let coverage = (got / total).clamp(0.0, 1.0);
    if missing_required == 0 {
        0.5 + coverage / 2.0
    } else {
        // A missing skill adds nothing of its (positive) weight: coverage < 1, so this < 0.5.
        coverage / 2.0
    }
}

fn availability(t: &TenderFacts, c: &ConsultantFacts, why: &mut impl Sink) -> f64 {
    if matches!(
        c.status,
        ConsultantStatus::Unavailable | ConsultantStatus::Leaving
    ) {
        why.say(|| "not available for missions".to_owned());
        return 0.0;
    }
    match (t.start_date, c.availability_date) {
        (Some(start), Some(from)) if from > start => {
            let late = (from - start).num_days();
            why.say(|| {
                if late == 1 {
                    "available 1 day after the start".to_owned()
                } else {
                    format!("available {late} days after the start")
                }
            });
            (1.0 - late as f64 / 60.0).max(0.0)
        }
        (None, _) => {
            why.say(|| "the tender gives no start date".to_owned());
            1.0
        }
        _ => {
            why.say(|| "available for the start".to_owned());
            1.0
        }
    }
}

fn rate(t: &TenderFacts, c: &ConsultantFacts, why: &mut impl Sink) -> f64 {
    let Some(rate) = c.daily_rate_cents else {
        why.say(|| "no daily rate on file".to_owned());
        return 0.5;
    };
    match t.budget_max_cents {
        None => {
            why.say(|| format!("rate {}; the tender gives no budget", money(rate)));
            0.75
        }
        Some(max) if rate <= max => {
            why.say(|| format!("rate {} within the budget of {}", money(rate), money(max)));
            1.0
        }
        Some(max) => {
            why.say(|| format!("rate {} above the budget of {}", money(rate), money(max)));
            let over = (rate - max) as f64 / max.max(1) as f64;
            (1.0 - over * 2.0).max(0.0)
        }
    }
}

fn location(t: &TenderFacts, c: &ConsultantFacts, why: &mut impl Sink) -> f64 {
    if t.remote_allowed && c.remote != RemotePreference::Onsite {
        why.say(|| "remote work suits both".to_owned());
        return 1.0;
    }
    let Some(place) = t.location.as_deref() else {
        why.say(|| "no location constraint".to_owned());
        return 1.0;
    };
    match c.location.as_deref() {
        Some(home) if home.trim().eq_ignore_ascii_case(place.trim()) => {
            why.say(|| format!("based in {place}"));
            1.0
        }
        _ if c.remote == RemotePreference::Remote => {
            why.say(|| format!("works remotely only; the mission is on site in {place}"));
            0.2
        }
        _ => {
            why.say(|| format!("would travel to {place}"));
            0.5
        }
    }
}

fn experience(t: &TenderFacts, c: &ConsultantFacts, why: &mut impl Sink) -> f64 {
    let overall = f64::from(c.years_experience.clamp(0, 15)) / 15.0;
    why.say(|| format!("{} of experience", years(c.years_experience.max(0))));
    if t.skills.is_empty() {
        return overall;
    }
    let mut in_skills = 0.0;
    let mut best: Option<(&Requirement, i32)> = None;
    for (req, held) in pair_skills(&t.skills, &c.skills) {
        if let Some(h) = held {
            in_skills += f64::from(h.years.clamp(0, 8)) / 8.0;
            if h.years > 0 && best.is_none_or(|(_, y)| h.years > y) {
                best = Some((req, h.years));
            }
        }
    }
    if let Some((req, y)) = best {
        why.say(|| format!("{} of {}", years(y), req.name));
    }
    overall / 2.0 + in_skills / t.skills.len() as f64 / 2.0
}

/// Cosine similarity under which past work counts nothing, and over which it counts fully
/// (all-MiniLM-L6-v2 puts unrelated texts below about 0.2; closely related ones above 0.6).
const SIMILAR_FLOOR: f64 = 0.2;
const SIMILAR_FULL: f64 = 0.7;

fn similar_experience(_t: &TenderFacts, c: &ConsultantFacts, why: &mut impl Sink) -> Option<f64> {
    let past = c.past_work.as_ref()?;
    let value =
        ((past.similarity - SIMILAR_FLOOR) / (SIMILAR_FULL - SIMILAR_FLOOR)).clamp(0.0, 1.0);
    let percent = (value * 100.0).round();
    match &past.closest {
        Closest::Project(title) => {
            why.say(|| format!("closest past project: {title} ({percent} % similar)"));
        }
        Closest::InternalProject => {
            why.say(|| format!("a similar past project ({percent} % similar)"));
        }
        Closest::Resume => {
            why.say(|| format!("similar work in their résumé ({percent} % similar)"))
        }
        Closest::Nothing => why.say(|| "no portfolio project or résumé to compare".to_owned()),
    }
    Some(value)
}

/// The weighted mean of the measured parts (`None`: not measured, not weighed).
fn weighted(parts: &[(Option<f64>, f64)]) -> f64 {
    let total: f64 = parts
        .iter()
        .filter(|(v, _)| v.is_some())
        .map(|(_, w)| w)
        .sum();
    if total > 0.0 {
        let sum: f64 = parts.iter().map(|(v, w)| v.unwrap_or(0.0) * w).sum();
        round4((sum / total).clamp(0.0, 1.0))
    } else {
        0.0
    }
}

fn combine(breakdown: Breakdown, w: &Weights) -> Score {
    let without_rate = [
        (Some(breakdown.skills), w.skills),
        (Some(breakdown.availability), w.availability),
        (Some(breakdown.location), w.location),
        (Some(breakdown.experience), w.experience),
        (breakdown.similar_experience, w.similar_experience),
    ];
    let every = [
        without_rate[0],
        without_rate[1],
        without_rate[2],
        without_rate[3],
        without_rate[4],
        (Some(breakdown.rate), w.rate),
    ];
    Score {
        score: weighted(&every),
        score_without_rate: weighted(&without_rate),
        breakdown,
    }
}

/// Scores a consultant against a tender; allocates nothing.
pub fn score(t: &TenderFacts, c: &ConsultantFacts, w: &Weights) -> Score {
    let why = &mut Silent;
    combine(
        Breakdown {
            skills: round4(skills(t, c, why)),
            availability: round4(availability(t, c, why)),
            rate: round4(rate(t, c, why)),
            location: round4(location(t, c, why)),
            experience: round4(experience(t, c, why)),
            similar_experience: similar_experience(t, c, why).map(round4),
        },
        w,
    )
}

/// The score with its reasons, in component order: what a stored match keeps.
pub fn explain(t: &TenderFacts, c: &ConsultantFacts, w: &Weights) -> (Score, Vec<Reason>) {
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
        experience: component(Component::Experience, experience),
        similar_experience: {
            let mut texts = Vec::new();
            let value = similar_experience(t, c, &mut texts).map(round4);
            reasons.extend(texts.into_iter().map(|text| Reason {
                about: Component::SimilarExperience,
                text,
            }));
            value
        },
    };
    (combine(breakdown, w), reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn tender(skills: Vec<Requirement>) -> TenderFacts {
        TenderFacts::new(
            Some(date("2027-03-01")),
            Some(50_000),
            Some(70_000),
            Some("Paris".into()),
            false,
            skills,
        )
    }

    fn consultant(skills: &[(Uuid, SkillLevel, i32)]) -> ConsultantFacts {
        ConsultantFacts::new(
            ConsultantStatus::Available,
            None,
            Some(60_000),
            Some("paris".into()),
            RemotePreference::Hybrid,
            6,
        )
        .with_skills(
            skills
                .iter()
                .map(|(id, level, years)| Held {
                    skill_id: *id,
                    level: *level,
                    years: *years,
                })
                .collect(),
        )
    }

    fn req(id: Uuid, name: &str, importance: SkillImportance, min: SkillLevel) -> Requirement {
        Requirement {
            skill_id: id,
            name: name.into(),
            importance,
            min_level: min,
        }
    }

    fn texts(t: &TenderFacts, c: &ConsultantFacts) -> Vec<String> {
        explain(t, c, &Weights::default())
            .1
            .into_iter()
            .map(|r| r.text)
            .collect()
    }

    #[test]
    fn score_and_explain_agree() {
        let rust = Uuid::now_v7();
        let t = tender(vec![req(
            rust,
            "Rust",
            SkillImportance::Required,
            SkillLevel::Advanced,
        )]);
        for c in [
            consultant(&[(rust, SkillLevel::Expert, 10)]),
            consultant(&[]),
            consultant(&[(rust, SkillLevel::Beginner, 1)]),
        ] {
            assert_eq!(
                score(&t, &c, &Weights::default()),
                explain(&t, &c, &Weights::default()).0
            );
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
        let mut c = consultant(&[(rust, SkillLevel::Expert, 10)]);
        c.years_experience = 15;
        let s = score(&t, &c, &Weights::default());
        assert!(s.score > 0.95, "{s:?}");
        let why = texts(&t, &c);
        for expected in [
            "Rust at EXPERT (asked ADVANCED)",
            "meets 1 of 1 skill requirements",
            "available for the start",
            "rate 600 within the budget of 700",
            "based in Paris",
            "15 years of experience",
            "10 years of Rust",
        ] {
            assert!(why.iter().any(|r| r == expected), "{expected}: {why:?}");
        }
    }

    #[test]
    fn lacking_a_required_skill_never_outranks_having_them_all() {
        let ids: Vec<Uuid> = (0..4).map(|_| Uuid::now_v7()).collect();
        let t = tender(vec![
            req(
                ids[0],
                "Kubernetes",
                SkillImportance::Required,
                SkillLevel::Intermediate,
            ),
            req(
                ids[1],
                "Go",
                SkillImportance::Preferred,
                SkillLevel::Beginner,
            ),
            req(
                ids[2],
                "Terraform",
                SkillImportance::Preferred,
                SkillLevel::Beginner,
            ),
            req(
                ids[3],
                "Figma",
                SkillImportance::NiceToHave,
                SkillLevel::Beginner,
            ),
        ]);
        // Every preferred and nice-to-have skill at EXPERT, but no Kubernetes…
        let lacking = consultant(&[
            (ids[1], SkillLevel::Expert, 10),
            (ids[2], SkillLevel::Expert, 10),
            (ids[3], SkillLevel::Expert, 10),
        ]);
        // …against the required skill only, barely.
        let has_them = consultant(&[(ids[0], SkillLevel::Beginner, 0)]);
        let (a, b) = (
            score(&t, &lacking, &Weights::default()),
            score(&t, &has_them, &Weights::default()),
        );
        assert!(
            a.breakdown.skills < 0.5 && b.breakdown.skills >= 0.5,
            "{a:?} {b:?}"
        );
        assert!(a.breakdown.skills < b.breakdown.skills);
        assert!(texts(&t, &lacking).contains(&"missing required skill Kubernetes".to_owned()));
        // Other things equal (availability, rate, location; experience is left out here, since
        // it counts years in the very skills compared), whatever the weights.
        for skills in [0.01, 0.5, 10.0] {
            let w = Weights {
                skills,
                experience: 0.0,
                ..Weights::default()
            };
            assert!(score(&t, &lacking, &w).score < score(&t, &has_them, &w).score);
        }
    }

    #[test]
    fn ties_score_the_same_whatever_the_order_of_skills() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let t1 = tender(vec![
            req(a, "A", SkillImportance::Required, SkillLevel::Advanced),
            req(b, "B", SkillImportance::Preferred, SkillLevel::Advanced),
        ]);
        let t2 = tender(vec![
            req(b, "B", SkillImportance::Preferred, SkillLevel::Advanced),
            req(a, "A", SkillImportance::Required, SkillLevel::Advanced),
        ]);
        let c1 = consultant(&[(a, SkillLevel::Expert, 3), (b, SkillLevel::Advanced, 2)]);
        let c2 = consultant(&[(b, SkillLevel::Advanced, 2), (a, SkillLevel::Expert, 3)]);
        let w = Weights::default();
        assert_eq!(score(&t1, &c1, &w), score(&t2, &c2, &w));
    }

    #[test]
    fn years_break_ties_and_a_level_below_the_minimum_is_partial() {
        let rust = Uuid::now_v7();
        let t = tender(vec![req(
            rust,
            "Rust",
            SkillImportance::Required,
            SkillLevel::Expert,
        )]);
        let w = Weights::default();
        let senior = score(&t, &consultant(&[(rust, SkillLevel::Expert, 9)]), &w);
        let junior = score(&t, &consultant(&[(rust, SkillLevel::Expert, 1)]), &w);
        let weak = score(&t, &consultant(&[(rust, SkillLevel::Beginner, 9)]), &w);
        assert!(senior.score > junior.score && junior.score > weak.score);
        assert!(
            texts(&t, &consultant(&[(rust, SkillLevel::Beginner, 9)]))
                .contains(&"Rust only at BEGINNER (asked EXPERT)".to_owned())
        );
    }

    #[test]
    fn empty_skill_lists_on_either_side() {
        let w = Weights::default();
        let none_asked = tender(vec![]);
        let s = score(&none_asked, &consultant(&[]), &w);
        assert_eq!(s.breakdown.skills, 1.0);
        assert!(
            texts(&none_asked, &consultant(&[])).contains(&"the tender lists no skills".to_owned())
        );
        let k = Uuid::now_v7();
        let asked = tender(vec![req(
            k,
            "K8s",
            SkillImportance::Required,
            SkillLevel::Beginner,
        )]);
        let s = score(&asked, &consultant(&[]), &w);
        assert_eq!(s.breakdown.skills, 0.0);
        let optional = tender(vec![req(
            k,
            "K8s",
            SkillImportance::NiceToHave,
            SkillLevel::Beginner,
        )]);
        assert_eq!(score(&optional, &consultant(&[]), &w).breakdown.skills, 0.5);
    }

    #[test]
    fn availability_and_unavailable_consultants() {
        let t = tender(vec![]);
        let w = Weights::default();
        let mut late = consultant(&[]);
        late.availability_date = Some(date("2027-03-13"));
        assert!((score(&t, &late, &w).breakdown.availability - 0.8).abs() < 1e-9);
        assert!(texts(&t, &late).contains(&"available 12 days after the start".to_owned()));
        for status in [ConsultantStatus::Unavailable, ConsultantStatus::Leaving] {
            let mut away = consultant(&[]);
            away.status = status;
            assert_eq!(score(&t, &away, &w).breakdown.availability, 0.0);
            assert!(texts(&t, &away).contains(&"not available for missions".to_owned()));
        }
        let undated = TenderFacts {
            start_date: None,
            ..t.clone()
        };
        assert_eq!(score(&undated, &late, &w).breakdown.availability, 1.0);
    }

    #[test]
    fn rates_against_budgets_present_or_absent() {
        let t = tender(vec![]);
        let w = Weights::default();
        let mut pricey = consultant(&[]);
        pricey.daily_rate_cents = Some(84_000);
        assert!((score(&t, &pricey, &w).breakdown.rate - 0.6).abs() < 1e-9);
        assert!(texts(&t, &pricey).contains(&"rate 840 above the budget of 700".to_owned()));
        let no_budget = TenderFacts {
            budget_max_cents: None,
            budget_min_cents: None,
            ..t.clone()
        };
        assert_eq!(score(&no_budget, &pricey, &w).breakdown.rate, 0.75);
        let mut unknown = consultant(&[]);
        unknown.daily_rate_cents = None;
        assert_eq!(score(&t, &unknown, &w).breakdown.rate, 0.5);
        // Only the rate's reasons name amounts: readers who may not see rates get none of them.
        let (_, reasons) = explain(&t, &pricey, &w);
        assert!(
            reasons
                .iter()
                .filter(|r| r.about != Component::Rate)
                .all(|r| !r.text.contains("840") && !r.text.contains("700")),
            "{reasons:?}"
        );
        assert_eq!(money(65_050), "650.50");
    }

    #[test]
    fn location_and_missing_data() {
        let t = tender(vec![]);
        let w = Weights::default();
        let mut remote = consultant(&[]);
        remote.remote = RemotePreference::Remote;
        remote.location = Some("Lyon".into());
        assert_eq!(score(&t, &remote, &w).breakdown.location, 0.2);
        let mut nowhere = consultant(&[]);
        nowhere.location = None;
        assert_eq!(score(&t, &nowhere, &w).breakdown.location, 0.5);
        let anywhere = TenderFacts {
            location: None,
            ..t.clone()
        };
        assert_eq!(score(&anywhere, &nowhere, &w).breakdown.location, 1.0);
        let mut novice = consultant(&[]);
        novice.years_experience = 0;
        assert_eq!(score(&t, &novice, &w).breakdown.experience, 0.0);
    }

    #[test]
    fn the_score_without_rate_does_not_depend_on_the_rate() {
        let t = tender(vec![]);
        let w = Weights::default();
        let mut cheap = consultant(&[]);
        cheap.daily_rate_cents = Some(10_000);
        let mut dear = consultant(&[]);
        dear.daily_rate_cents = Some(81_234);
        let (a, b) = (score(&t, &cheap, &w), score(&t, &dear, &w));
        assert_ne!(a.score, b.score);
        assert_eq!(a.score_without_rate, b.score_without_rate);
    }

    #[test]
    fn similar_experience_counts_only_when_measured() {
        let t = tender(vec![]);
        let w = Weights::default();
        let unknown = consultant(&[]);
        let (s, reasons) = explain(&t, &unknown, &w);
        assert_eq!(s.breakdown.similar_experience, None);
        assert!(
            reasons
                .iter()
                .all(|r| r.about != Component::SimilarExperience)
        );
        // Not measured is not zero: the other components alone make the score.
        let mut unrelated = consultant(&[]);
        unrelated.past_work = Some(PastWork {
            similarity: 0.1,
            closest: Closest::Resume,
        });
        assert!(score(&t, &unrelated, &w).score < s.score);
        let mut close = consultant(&[]);
        close.past_work = Some(PastWork {
            similarity: 0.7,
            closest: Closest::Project("Billing platform".into()),
        });
        let (best, reasons) = explain(&t, &close, &w);
        assert_eq!(best.breakdown.similar_experience, Some(1.0));
        assert!(best.score > s.score);
        assert!(reasons.contains(&Reason {
            about: Component::SimilarExperience,
            text: "closest past project: Billing platform (100 % similar)".into(),
        }));
        let mut internal = consultant(&[]);
        internal.past_work = Some(PastWork {
            similarity: 0.45,
            closest: Closest::InternalProject,
        });
        let (half, reasons) = explain(&t, &internal, &w);
        assert_eq!(half.breakdown.similar_experience, Some(0.5));
        assert!(
            reasons
                .iter()
                .any(|r| r.text == "a similar past project (50 % similar)")
        );
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
                experience: 0.0,
                similar_experience: 0.0,
            },
            Weights {
                skills: 10.0,
                availability: 0.0,
                rate: 0.0,
                location: 1.0,
                experience: 0.0,
                similar_experience: 0.0,
            },
        ] {
            let s = score(&t, &c, &w).score;
            assert!((0.0..=1.0).contains(&s), "{s}");
        }
    }
}
