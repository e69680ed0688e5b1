//! The scoring benchmark (issue 8: at least 5,000,000 (tender, consultant) scores per second on
//! one core, 10 skills each side): scores one tender against a pool of consultants, on one
//! thread, and reports scores per second and nanoseconds per score.
//!
//! ```text
//! cargo bench --bench scoring                 # 2 s of scoring after a warm-up
//! cargo bench --bench scoring -- --seconds 5
//! cargo test  --bench scoring                 # what CI runs: a few thousand scores
//! ```
//! Half the consultants hold every required skill, the other half miss some; dates, rates and
//! locations vary, so that every branch of the score is taken.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use entity::{ConsultantStatus, RemotePreference, SkillImportance, SkillLevel};
use talentgraph::matching::scoring::{
    ConsultantFacts, Held, Requirement, TenderFacts, Weights, score,
};
use uuid::Uuid;

/// The server's allocator (`src/main.rs`), so that the figure is the one the server gets.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const SKILLS: usize = 10;
const CONSULTANTS: usize = 1_000;

fn level(i: usize) -> SkillLevel {
    [
        SkillLevel::Beginner,
        SkillLevel::Intermediate,
        SkillLevel::Advanced,
        SkillLevel::Expert,
    ][i % 4]
}

fn date(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2027, 1, 4).map(|d| d + chrono::Duration::days(days))
}

fn tender(catalogue: &[Uuid]) -> TenderFacts {
    TenderFacts::new(
        date(0),
        Some(50_000),
        Some(65_000),
        Some("Paris".to_owned()),
        false,
        catalogue[..SKILLS]
            .iter()
            .enumerate()
            .map(|(i, id)| Requirement {
                skill_id: *id,
                name: format!("Skill {i}"),
                importance: if i < 4 {
                    SkillImportance::Required
                } else {
                    SkillImportance::NiceToHave
                },
                min_level: level(i + 1),
            })
            .collect(),
    )
}

fn consultants(catalogue: &[Uuid]) -> Vec<ConsultantFacts> {
    (0..CONSULTANTS)
        .map(|n| {
            // Even consultants hold the tender's skills; odd ones half of them and others.
            let skills: Vec<Held> = (0..SKILLS)
                .map(|i| {
                    let id = if n % 2 == 0 || i % 2 == 0 {
                        catalogue[i]
                    } else {
                        catalogue[SKILLS + i]
                    };
                    Held {
                        skill_id: id,
                        level: level(n + i),
                        years: i32::try_from((n + i) % 12).unwrap_or(0),
                    }
                })
                .collect();
            ConsultantFacts::new(
                ConsultantStatus::Available,
                date(i64::try_from(n % 30).unwrap_or(0) - 10),
                Some(40_000 + i64::try_from(n % 40).unwrap_or(0) * 1_000),
                Some(if n % 3 == 0 { "Lyon" } else { "Paris" }.to_owned()),
                RemotePreference::Hybrid,
                i32::try_from(n % 20).unwrap_or(0),
            )
            .with_skills(skills)
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --bench` runs the binary without `--bench`: a short run that cannot rot.
    let full = args.iter().any(|a| a == "--bench");
    let seconds = args
        .iter()
        .position(|a| a == "--seconds")
        .and_then(|i| args.get(i + 1))
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(2.0);
    let budget = if full {
        Duration::from_secs_f64(seconds)
    } else {
        Duration::from_millis(50)
    };
    let catalogue: Vec<Uuid> = (0..SKILLS * 2).map(|_| Uuid::new_v4()).collect();
    let tender = tender(&catalogue);
    let pool = consultants(&catalogue);
    let weights = Weights::default();

    let mut checksum = 0.0;
    for c in &pool {
        checksum += score(&tender, c, &weights).score;
    }
    let mut scores = 0_u64;
    let started = Instant::now();
    while started.elapsed() < budget {
        for c in &pool {
            let s = score(black_box(&tender), black_box(c), &weights);
            checksum += black_box(s).score;
        }
        scores += pool.len() as u64;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let per_second = scores as f64 / elapsed;
    println!(
        "scoring, {SKILLS} skills each side, one thread: {per_second:.0} scores/s ({:.0} ns per score; {scores} scores in {elapsed:.2} s; checksum {checksum:.1})",
        1e9 / per_second
    );
}
