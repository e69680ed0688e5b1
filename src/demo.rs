//! The demo organisation (slug `demo`): a believable agency — 5 client companies, 60 skills,
//! 200 consultants, 60 tenders in every status, scored matches and collaborations — and one
//! login per role (the CLIENT user belongs to a company, the CONSULTANT user is a consultant).
//!
//! Data is generated deterministically (a fixed-seed generator) and written in bulk; a single
//! `demo.seeded` audit event records it.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use entity::{
    CollaborationStatus, ConsultantStatus, MatchStatus, RemotePreference, Role, SkillImportance,
    SkillLevel, TenderStatus, collaboration, company, consultant, consultant_skill, skill, tenant,
    tender, tender_match, tender_skill,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditRecord, RequestMeta};
use crate::auth::password::NewPassword;
use crate::crypto::{TenantKeys, load_tenant_keys};
use crate::error::Result;
use crate::matching::scoring::{self, ConsultantFacts, Held, Requirement, TenderFacts, Weights};
use crate::state::AppState;
use crate::tenancy::inputs::Email;
use crate::tenancy::sessions::{self, SignUp, new_user};
use crate::unit::Actor;

/// Password of every demo login (printed at start-up; demo data only).
pub const DEMO_PASSWORD: &str = "talentgraph-demo";
pub const DEMO_SLUG: &str = "demo";
const ADMIN_EMAIL: &str = "admin@demo.talentgraph.dev";
const MANAGER_EMAIL: &str = "manager@demo.talentgraph.dev";
const CONSULTANT_EMAIL: &str = "consultant@demo.talentgraph.dev";
const CLIENT_EMAIL: &str = "client@demo.talentgraph.dev";

/// Creates the demo organisation unless it exists, then prints its logins. Safe to run again,
/// also after an interrupted run: the data and the linked logins are written in one
/// transaction, and written whenever the organisation has no company yet.
#[expect(
    clippy::disallowed_methods,
    reason = "the demo tenant is found by slug before any principal exists"
)]
pub async fn seed(state: &AppState) -> Result<()> {
    let existing = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(DEMO_SLUG))
        .one(&state.db)
        .await?;
    let tenant_id = match existing {
        Some(t) => t.id,
        None => {
            sessions::sign_up(
                state,
                &RequestMeta::default(),
                SignUp {
                    organization_name: "Demo Talent Agency".to_owned(),
                    slug: DEMO_SLUG.to_owned(),
                    email: ADMIN_EMAIL.to_owned(),
                    password: DEMO_PASSWORD.to_owned(),
                    full_name: "Ada Admin".to_owned(),
                },
            )
            .await?
            .user
            .tenant_id
        }
    };
    let seeded = company::Entity::find()
        .filter(company::Column::TenantId.eq(tenant_id))
        .one(&state.db)
        .await?
        .is_some();
    if !seeded {
        fill(state, tenant_id).await?;
        // The rows went in by bulk, without the events the index follows.
        crate::search::index::reindex(state, tenant_id).await?;
        tracing::info!("seeded the demo organisation");
    }
    println!("Demo organisation `{DEMO_SLUG}` — every login uses the password `{DEMO_PASSWORD}`:");
    for (role, email) in [
        ("ADMIN", ADMIN_EMAIL),
        ("MANAGER", MANAGER_EMAIL),
        ("CONSULTANT", CONSULTANT_EMAIL),
        ("CLIENT", CLIENT_EMAIL),
    ] {
        println!("  {role:<11} {email}");
    }
    Ok(())
}

/// Writes the agency's data and the linked logins, in one transaction.
async fn fill(state: &AppState, tenant_id: Uuid) -> Result<()> {
    let keys = load_tenant_keys(&state.db, &state.config.master_keys, tenant_id).await?;
    let hash = state
        .passwords
        .hash(NewPassword::parse("password", DEMO_PASSWORD.to_owned())?)
        .await?;
    let uow = state
        .unit_of_work(Actor::System, RequestMeta::default())
        .await?;
    let txn = uow.txn();
    let data = Generator::new(tenant_id, &keys).write(txn).await?;
    for (email, name, role, company, consultant) in [
        (MANAGER_EMAIL, "Morgan Manager", Role::Manager, None, None),
        (
            CONSULTANT_EMAIL,
            "Casey Consultant",
            Role::Consultant,
            None,
            Some(data.consultant_login),
        ),
        (
            CLIENT_EMAIL,
            "Charlie Client",
            Role::Client,
            Some(data.client_company),
            None,
        ),
    ] {
        let email = Email::parse("email", email)?;
        new_user(
            &keys,
            &email,
            name.to_owned(),
            hash.clone(),
            role,
            company,
            consultant,
        )
        .insert(txn)
        .await?;
    }
    audit::record(
        txn,
        tenant_id,
        None,
        &RequestMeta::default(),
        AuditRecord::new("demo.seeded", "tenant", Some(tenant_id)).changes(json!(data.counts)),
    )
    .await?;
    uow.commit().await?;
    Ok(())
}

/// A small deterministic generator (64-bit LCG): demo data only, never for secrets.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const COMPANIES: [(&str, &str); 5] = [
    ("Northwind Logistics", "https://northwind.example"),
    ("Acme Rockets", "https://acme.example"),
    ("Globex Energy", "https://globex.example"),
    ("Initech Banking", "https://initech.example"),
    ("Umbrella Health", "https://umbrella.example"),
];

const SKILLS: [(&str, &str); 60] = [
    ("Rust", "Languages"),
    ("Go", "Languages"),
    ("Java", "Languages"),
    ("Kotlin", "Languages"),
    ("Python", "Languages"),
    ("TypeScript", "Languages"),
    ("C#", "Languages"),
    ("Scala", "Languages"),
    ("Swift", "Languages"),
    ("C++", "Languages"),
    ("Ruby", "Languages"),
    ("PHP", "Languages"),
    ("React", "Frontend"),
    ("Vue", "Frontend"),
    ("Angular", "Frontend"),
    ("Svelte", "Frontend"),
    ("CSS", "Frontend"),
    ("Accessibility", "Frontend"),
    ("Next.js", "Frontend"),
    ("GraphQL", "APIs"),
    ("REST API design", "APIs"),
    ("gRPC", "APIs"),
    ("Spring Boot", "Backend"),
    (".NET", "Backend"),
    ("Django", "Backend"),
    ("Node.js", "Backend"),
    ("Axum", "Backend"),
    ("PostgreSQL", "Data"),
    ("MySQL", "Data"),
    ("MongoDB", "Data"),
    ("Redis", "Data"),
    ("Kafka", "Data"),
    ("Spark", "Data"),
    ("dbt", "Data"),
    ("Airflow", "Data"),
    ("Snowflake", "Data"),
    ("Machine learning", "Data"),
    ("PyTorch", "Data"),
    ("AWS", "Cloud"),
    ("Azure", "Cloud"),
    ("Google Cloud", "Cloud"),
    ("Kubernetes", "Cloud"),
    ("Terraform", "Cloud"),
    ("Docker", "Cloud"),
    ("Linux", "Cloud"),
    ("CI/CD", "Cloud"),
    ("Observability", "Cloud"),
    ("Security", "Cloud"),
    ("iOS", "Mobile"),
    ("Android", "Mobile"),
    ("Flutter", "Mobile"),
    ("UX research", "Design"),
    ("UI design", "Design"),
    ("Figma", "Design"),
    ("Scrum", "Delivery"),
    ("Product management", "Delivery"),
    ("Project management", "Delivery"),
    ("Business analysis", "Delivery"),
    ("Technical writing", "Delivery"),
    ("Architecture", "Delivery"),
];

const FIRST: [&str; 20] = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Donald",
    "Radia",
    "Edsger",
    "Hedy",
    "Tim",
    "Katherine",
    "John",
    "Sophie",
    "Niklaus",
    "Karen",
    "Guido",
];
const LAST: [&str; 20] = [
    "Lovelace",
    "Turing",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Liskov",
    "Thompson",
    "Allen",
    "Knuth",
    "Perlman",
    "Dijkstra",
    "Lamarr",
    "Berners-Lee",
    "Johnson",
    "McCarthy",
    "Wilson",
    "Wirth",
    "Spärck Jones",
    "van Rossum",
];
const TITLES: [&str; 8] = [
    "Software engineer",
    "Senior backend engineer",
    "Frontend developer",
    "Data engineer",
    "Cloud architect",
    "Mobile developer",
    "Product designer",
    "Delivery lead",
];
const CITIES: [&str; 6] = ["Paris", "Lyon", "London", "Berlin", "Madrid", "Amsterdam"];
const LEVELS: [SkillLevel; 4] = [
    SkillLevel::Beginner,
    SkillLevel::Intermediate,
    SkillLevel::Advanced,
    SkillLevel::Expert,
];

/// What was generated, for the users and the audit event.
struct Generated {
    client_company: Uuid,
    consultant_login: Uuid,
    counts: HashMap<&'static str, usize>,
}

struct Generator<'k> {
    tenant_id: Uuid,
    keys: &'k TenantKeys,
    rng: Lcg,
    today: NaiveDate,
}

impl<'k> Generator<'k> {
    fn new(tenant_id: Uuid, keys: &'k TenantKeys) -> Self {
        Generator {
            tenant_id,
            keys,
            rng: Lcg(0x7a1e_47a9),
            today: Utc::now().date_naive(),
        }
    }

    async fn write(mut self, txn: &DatabaseTransaction) -> Result<Generated> {
        let now = Utc::now();
        let t = self.tenant_id;
        let companies: Vec<Uuid> = COMPANIES.iter().map(|_| Uuid::now_v7()).collect();
        company::Entity::insert_many(companies.iter().zip(COMPANIES).map(|(id, (name, web))| {
            company::ActiveModel {
                id: Set(*id),
                tenant_id: Set(t),
                name: Set(name.to_owned()),
                description: Set(Some(format!("{name} is a client of the agency."))),
                website: Set(Some(web.to_owned())),
                address: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
        }))
        .exec(txn)
        .await?;

        let skills: Vec<Uuid> = SKILLS.iter().map(|_| Uuid::now_v7()).collect();
        skill::Entity::insert_many(skills.iter().zip(SKILLS).map(|(id, (name, cat))| {
            skill::ActiveModel {
                id: Set(*id),
                tenant_id: Set(t),
                name: Set(name.to_owned()),
                name_key: Set(name.to_lowercase()),
                category: Set(Some(cat.to_owned())),
                created_at: Set(now),
                updated_at: Set(now),
            }
        }))
        .exec(txn)
        .await?;
        let skill_names: HashMap<Uuid, &str> = skills
            .iter()
            .zip(SKILLS)
            .map(|(id, (n, _))| (*id, n))
            .collect();

        // Consultants with 3–6 skills each.
        let mut consultants = Vec::new();
        let mut consultant_skills = Vec::new();
        let mut facts: Vec<(Uuid, ConsultantFacts)> = Vec::new();
        for i in 0..200 {
            let id = Uuid::now_v7();
            let first = *self.rng.pick(&FIRST);
            let last = *self.rng.pick(&LAST);
            let status = match self.rng.below(10) {
                0..=5 => ConsultantStatus::Available,
                6..=7 => ConsultantStatus::OnMission,
                8 => ConsultantStatus::Unavailable,
                _ => ConsultantStatus::Leaving,
            };
            let remote = *self.rng.pick(&[
                RemotePreference::Onsite,
                RemotePreference::Hybrid,
                RemotePreference::Remote,
            ]);
            let city = *self.rng.pick(&CITIES);
            let rate = 40_000 + i64::try_from(self.rng.below(80)).unwrap_or(0) * 1_000;
            let available = (self.rng.below(3) > 0).then(|| {
                self.today + Duration::days(i64::try_from(self.rng.below(120)).unwrap_or(0))
            });
            let email = format!(
                "{}.{}{}@consultants.example",
                first.to_lowercase(),
                last.to_lowercase().replace([' ', 'ä'], ""),
                i
            );
            let phone = format!(
                "+33 6 {:02} {:02} {:02} {:02}",
                i % 100,
                (i * 7) % 100,
                (i * 13) % 100,
                (i * 17) % 100
            );
            let mut skill_map = HashMap::new();
            for _ in 0..(3 + self.rng.below(4)) {
                let skill_id = *self.rng.pick(&skills);
                let level = *self.rng.pick(&LEVELS);
                let years = 1 + i32::try_from(self.rng.below(12)).unwrap_or(0);
                skill_map.insert(skill_id, (level, years));
            }
            for (skill_id, (level, years)) in &skill_map {
                consultant_skills.push(consultant_skill::ActiveModel {
                    consultant_id: Set(id),
                    skill_id: Set(*skill_id),
                    tenant_id: Set(t),
                    level: Set(*level),
                    years_experience: Set(*years),
                });
            }
            facts.push((
                id,
                ConsultantFacts::new(
                    status,
                    available,
                    Some(rate),
                    Some(city.to_owned()),
                    remote,
                    2 + i % 20,
                )
                .with_skills(
                    skill_map
                        .iter()
                        .map(|(skill_id, (level, years))| Held {
                            skill_id: *skill_id,
                            level: *level,
                            years: *years,
                        })
                        .collect(),
                ),
            ));
            consultants.push(consultant::ActiveModel {
                id: Set(id),
                tenant_id: Set(t),
                first_name: Set(first.to_owned()),
                last_name: Set(last.to_owned()),
                title: Set(self.rng.pick(&TITLES).to_string()),
                bio: Set(Some(format!(
                    "{first} has {} years of experience.",
                    2 + i % 20
                ))),
                years_experience: Set(2 + i % 20),
                daily_rate_cents: Set(Some(rate)),
                email: Set(Some(self.keys.encrypt("consultant", "email", id, &email))),
                phone: Set(Some(self.keys.encrypt("consultant", "phone", id, &phone))),
                availability_date: Set(available),
                status: Set(status),
                location: Set(Some(city.to_owned())),
                remote: Set(remote),
                internal_notes: Set((i % 4 == 0).then(|| "Met at the spring meetup.".to_owned())),
                deleted_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        for chunk in consultants.chunks(100) {
            consultant::Entity::insert_many(chunk.to_vec())
                .exec(txn)
                .await?;
        }
        for chunk in consultant_skills.chunks(200) {
            consultant_skill::Entity::insert_many(chunk.to_vec())
                .exec(txn)
                .await?;
        }

        // Tenders in every status, 2–4 required skills each.
        let statuses = [
            (TenderStatus::Draft, 10),
            (TenderStatus::Open, 25),
            (TenderStatus::InProgress, 10),
            (TenderStatus::Closed, 10),
            (TenderStatus::Cancelled, 5),
        ];
        let mut tenders = Vec::new();
        let mut tender_skills = Vec::new();
        let mut tender_facts = Vec::new();
        let mut n = 0usize;
        for (status, count) in statuses {
            for _ in 0..count {
                let id = Uuid::now_v7();
                let company_id = companies[n % companies.len()];
                let start = self.today
                    + Duration::days(i64::try_from(self.rng.below(90)).unwrap_or(0) - 30);
                let end =
                    start + Duration::days(30 + i64::try_from(self.rng.below(150)).unwrap_or(0));
                let budget_min = 40_000 + i64::try_from(self.rng.below(30)).unwrap_or(0) * 1_000;
                let budget_max =
                    budget_min + 20_000 + i64::try_from(self.rng.below(40)).unwrap_or(0) * 1_000;
                let city = *self.rng.pick(&CITIES);
                let remote_allowed = self.rng.below(2) == 0;
                let mut requirements: Vec<Requirement> = Vec::new();
                for k in 0..(2 + self.rng.below(3)) {
                    let skill_id = *self.rng.pick(&skills);
                    if requirements.iter().any(|r| r.skill_id == skill_id) {
                        continue;
                    }
                    let importance = match k {
                        0 => SkillImportance::Required,
                        1 => SkillImportance::Preferred,
                        _ => SkillImportance::NiceToHave,
                    };
                    let min_level = *self.rng.pick(&LEVELS[1..]);
                    tender_skills.push(tender_skill::ActiveModel {
                        tender_id: Set(id),
                        skill_id: Set(skill_id),
                        tenant_id: Set(t),
                        importance: Set(importance),
                        min_level: Set(min_level),
                    });
                    requirements.push(Requirement {
                        skill_id,
                        name: skill_names
                            .get(&skill_id)
                            .copied()
                            .unwrap_or_default()
                            .to_owned(),
                        importance,
                        min_level,
                    });
                }
                let title = format!(
                    "{} for {}",
                    requirements
                        .first()
                        .map(|r| r.name.as_str())
                        .unwrap_or("Consultant"),
                    COMPANIES[n % COMPANIES.len()].0
                );
                tender_facts.push((
                    id,
                    company_id,
                    status,
                    TenderFacts::new(
                        Some(start),
                        Some(budget_min),
                        Some(budget_max),
                        Some(city.to_owned()),
                        remote_allowed,
                        requirements,
                    ),
                ));
                tenders.push(tender::ActiveModel {
                    id: Set(id),
                    tenant_id: Set(t),
                    company_id: Set(company_id),
                    title: Set(title),
                    description: Set(Some("A mission for the agency's demo.".to_owned())),
                    start_date: Set(Some(start)),
                    end_date: Set(Some(end)),
                    location: Set(Some(city.to_owned())),
                    remote_allowed: Set(remote_allowed),
                    budget_min_cents: Set(Some(budget_min)),
                    budget_max_cents: Set(Some(budget_max)),
                    status: Set(status),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                n += 1;
            }
        }
        tender::Entity::insert_many(tenders).exec(txn).await?;
        tender_skill::Entity::insert_many(tender_skills.clone())
            .exec(txn)
            .await?;

        // Matches: the five best consultants of every tender past DRAFT.
        let weights = Weights::default();
        let mut matches = Vec::new();
        let mut collaborations = Vec::new();
        let mut client_company = companies[0];
        let mut consultant_login = facts[0].0;
        let mut found_login = false;
        for (tender_id, company_id, status, tf) in &tender_facts {
            if *status == TenderStatus::Draft {
                continue;
            }
            let mut scored: Vec<(Uuid, (scoring::Score, Vec<scoring::Reason>))> = facts
                .iter()
                .map(|(cid, cf)| (*cid, scoring::explain(tf, cf, &weights)))
                .collect();
            scored.sort_by(|a, b| b.1.0.score.total_cmp(&a.1.0.score));
            for (rank, (consultant_id, (s, reasons))) in scored.into_iter().take(5).enumerate() {
                let match_status = match (status, rank) {
                    (TenderStatus::Open, 0 | 1) => MatchStatus::Proposed,
                    (TenderStatus::Open, _) => MatchStatus::Pending,
                    (TenderStatus::InProgress | TenderStatus::Closed, 0) => MatchStatus::Accepted,
                    (TenderStatus::InProgress | TenderStatus::Closed, 1) => MatchStatus::Rejected,
                    _ => MatchStatus::Cancelled,
                };
                let id = Uuid::now_v7();
                let proposed =
                    !matches!(match_status, MatchStatus::Pending | MatchStatus::Cancelled);
                let decided = matches!(match_status, MatchStatus::Accepted | MatchStatus::Rejected);
                matches.push(tender_match::ActiveModel {
                    id: Set(id),
                    tenant_id: Set(t),
                    tender_id: Set(*tender_id),
                    consultant_id: Set(consultant_id),
                    score: Set(s.score),
                    score_without_rate: Set(s.score_without_rate),
                    breakdown: Set(json!(s.breakdown).to_string()),
                    reasons: Set(json!(reasons).to_string()),
                    status: Set(match_status),
                    notes: Set(None),
                    rejection_reason: Set((match_status == MatchStatus::Rejected)
                        .then(|| "Another candidate was a better fit.".to_owned())),
                    proposed_at: Set(proposed.then_some(now)),
                    decided_at: Set(decided.then_some(now)),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                if match_status == MatchStatus::Accepted {
                    if !found_login {
                        client_company = *company_id;
                        consultant_login = consultant_id;
                        found_login = true;
                    }
                    collaborations.push(collaboration::ActiveModel {
                        id: Set(Uuid::now_v7()),
                        tenant_id: Set(t),
                        match_id: Set(id),
                        tender_id: Set(*tender_id),
                        consultant_id: Set(consultant_id),
                        company_id: Set(*company_id),
                        status: Set(if *status == TenderStatus::Closed {
                            CollaborationStatus::Completed
                        } else {
                            CollaborationStatus::Active
                        }),
                        start_date: Set(tf.start_date),
                        end_date: Set(tf.start_date.map(|d| d + Duration::days(90))),
                        daily_rate_cents: Set(facts
                            .iter()
                            .find(|(cid, _)| *cid == consultant_id)
                            .and_then(|(_, f)| f.daily_rate_cents)),
                        created_at: Set(now),
                        updated_at: Set(now),
                    });
                }
            }
        }
        let counts = HashMap::from([
            ("companies", companies.len()),
            ("skills", skills.len()),
            ("consultants", facts.len()),
            ("tenders", tender_facts.len()),
            ("matches", matches.len()),
            ("collaborations", collaborations.len()),
        ]);
        for chunk in matches.chunks(100) {
            tender_match::Entity::insert_many(chunk.to_vec())
                .exec(txn)
                .await?;
        }
        if !collaborations.is_empty() {
            collaboration::Entity::insert_many(collaborations)
                .exec(txn)
                .await?;
        }
        Ok(Generated {
            client_company,
            consultant_login,
            counts,
        })
    }
}
