//! Seeds one organisation at a stated scale, straight into the database (bulk inserts through
//! the entities, deterministic data): consultants with skills, tenders with required skills,
//! and PROPOSED matches on every tender.

#![allow(dead_code, reason = "each benchmark uses the scales it needs")]

use chrono::Utc;
use entity::{
    ConsultantStatus, MatchStatus, RemotePreference, SkillImportance, SkillLevel, TenderStatus,
    company, consultant, consultant_skill, skill, tender, tender_match, tender_skill,
};
use sea_orm::{ConnectionTrait as _, DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

/// How much data the benchmark loads.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub companies: usize,
    pub skills: usize,
    pub consultants: usize,
    pub skills_per_consultant: usize,
    pub tenders: usize,
    pub skills_per_tender: usize,
    pub matches_per_tender: usize,
}

impl Scale {
    /// The issue's scale: 2,000 consultants × 8 skills, 200 tenders × 5 skills, 30 matches each.
    pub const FULL: Scale = Scale {
        companies: 20,
        skills: 120,
        consultants: 2_000,
        skills_per_consultant: 8,
        tenders: 200,
        skills_per_tender: 5,
        matches_per_tender: 30,
    };
    /// Small enough for CI, large enough for every page of the queries to be full.
    pub const CI: Scale = Scale {
        companies: 3,
        skills: 30,
        consultants: 120,
        skills_per_consultant: 8,
        tenders: 25,
        skills_per_tender: 5,
        matches_per_tender: 25,
    };
}

/// A deterministic sequence of numbers (the data is the same on every run).
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % (below.max(1) as u64)).unwrap_or(0)
    }
}

const LEVELS: [SkillLevel; 4] = [
    SkillLevel::Beginner,
    SkillLevel::Intermediate,
    SkillLevel::Advanced,
    SkillLevel::Expert,
];
const FIRST: [&str; 10] = [
    "Ada", "Alan", "Grace", "Ken", "Linus", "Barbara", "Edsger", "Frances", "Donald", "Radia",
];
const LAST: [&str; 10] = [
    "Lovelace", "Turing", "Hopper", "Thompson", "Torvalds", "Liskov", "Dijkstra", "Allen", "Knuth",
    "Perlman",
];

async fn insert_chunked<A>(db: &DatabaseConnection, rows: Vec<A>) -> Result<(), sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    for chunk in rows.chunks(500) {
        <A::Entity as EntityTrait>::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Seeds the organisation `tenant`; returns the ids of one match and one consultant.
pub async fn seed(
    db: &DatabaseConnection,
    tenant: Uuid,
    scale: Scale,
) -> Result<Uuid, sea_orm::DbErr> {
    let now = Utc::now();
    let mut seq = Sequence(42);
    let companies: Vec<Uuid> = (0..scale.companies).map(|_| Uuid::now_v7()).collect();
    insert_chunked(
        db,
        companies
            .iter()
            .enumerate()
            .map(|(i, id)| company::ActiveModel {
                id: Set(*id),
                tenant_id: Set(tenant),
                name: Set(format!("Client {i}")),
                description: Set(Some("A client of the agency".to_owned())),
                website: Set(None),
                address: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect(),
    )
    .await?;
    let skills: Vec<Uuid> = (0..scale.skills).map(|_| Uuid::now_v7()).collect();
    insert_chunked(
        db,
        skills
            .iter()
            .enumerate()
            .map(|(i, id)| skill::ActiveModel {
                id: Set(*id),
                tenant_id: Set(tenant),
                name: Set(format!("Skill {i}")),
                name_key: Set(format!("skill {i}")),
                category: Set(Some(format!("Category {}", i % 8))),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect(),
    )
    .await?;
    let consultants: Vec<Uuid> = (0..scale.consultants).map(|_| Uuid::now_v7()).collect();
    let mut rows = Vec::new();
    for (i, id) in consultants.iter().enumerate() {
        rows.push(consultant::ActiveModel {
            id: Set(*id),
            tenant_id: Set(tenant),
            first_name: Set(FIRST[i % FIRST.len()].to_owned()),
            last_name: Set(format!("{} {i}", LAST[seq.next(LAST.len())])),
            title: Set("Software engineer".to_owned()),
            bio: Set(Some("Builds and runs services.".to_owned())),
            years_experience: Set(i32::try_from(seq.next(25)).unwrap_or(0)),
            daily_rate_cents: Set(Some(40_000 + i64::try_from(seq.next(60_000)).unwrap_or(0))),
            email: Set(None),
            phone: Set(None),
            availability_date: Set(None),
            status: Set(ConsultantStatus::Available),
            location: Set(Some("Paris".to_owned())),
            remote: Set(RemotePreference::Hybrid),
            internal_notes: Set(None),
            deleted_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    insert_chunked(db, rows).await?;
    let mut rows = Vec::new();
    for (i, id) in consultants.iter().enumerate() {
        for k in 0..scale.skills_per_consultant {
            rows.push(consultant_skill::ActiveModel {
                consultant_id: Set(*id),
                skill_id: Set(skills[(i * 7 + k * 13) % skills.len()]),
                tenant_id: Set(tenant),
                level: Set(LEVELS[seq.next(LEVELS.len())]),
                years_experience: Set(i32::try_from(seq.next(12)).unwrap_or(0)),
            });
        }
    }
    insert_chunked(db, rows).await?;
    let tenders: Vec<Uuid> = (0..scale.tenders).map(|_| Uuid::now_v7()).collect();
    insert_chunked(
        db,
        tenders
            .iter()
            .enumerate()
            .map(|(i, id)| tender::ActiveModel {
                id: Set(*id),
                tenant_id: Set(tenant),
                company_id: Set(companies[i % companies.len()]),
                title: Set(format!("Mission {i}")),
                description: Set(Some("A mission for a client.".to_owned())),
                start_date: Set(None),
                end_date: Set(None),
                location: Set(Some("Paris".to_owned())),
                remote_allowed: Set(true),
                budget_min_cents: Set(Some(40_000)),
                budget_max_cents: Set(Some(80_000)),
                status: Set(TenderStatus::Open),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect(),
    )
    .await?;
    let mut rows = Vec::new();
    for (i, id) in tenders.iter().enumerate() {
        for k in 0..scale.skills_per_tender {
            rows.push(tender_skill::ActiveModel {
                tender_id: Set(*id),
                skill_id: Set(skills[(i * 11 + k * 17) % skills.len()]),
                tenant_id: Set(tenant),
                importance: Set(SkillImportance::Required),
                min_level: Set(SkillLevel::Intermediate),
            });
        }
    }
    insert_chunked(db, rows).await?;
    let mut rows = Vec::new();
    let mut first_match = Uuid::nil();
    for (i, tender) in tenders.iter().enumerate() {
        for k in 0..scale.matches_per_tender {
            let id = Uuid::now_v7();
            if first_match.is_nil() {
                first_match = id;
            }
            let score = 0.3 + seq.next(7_000) as f64 / 10_000.0;
            rows.push(tender_match::ActiveModel {
                id: Set(id),
                tenant_id: Set(tenant),
                tender_id: Set(*tender),
                consultant_id: Set(consultants[(i * 37 + k * 53) % consultants.len()]),
                score: Set(score),
                score_without_rate: Set(score),
                breakdown: Set(
                    r#"{"skills":0.8,"availability":1.0,"rate":0.9,"location":1.0}"#.to_owned(),
                ),
                reasons: Set(
                    r#"[{"about":"skills","text":"Meets 4 of 5 skill requirements"}]"#.to_owned(),
                ),
                status: Set(MatchStatus::Proposed),
                notes: Set(None),
                rejection_reason: Set(None),
                proposed_at: Set(Some(now)),
                decided_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    insert_chunked(db, rows).await?;
    // As autovacuum would before long: plans made without statistics are not what production
    // runs (a scan filtering 16,000 rows against 400 ids instead of a hash).
    db.execute_unprepared("ANALYZE").await?;
    Ok(first_match)
}
