//! Bulk talent fixtures written straight to the database (fast, for volume tests), and small
//! API-driven builders.

use chrono::Utc;
use entity::{
    MatchStatus, SkillImportance, SkillLevel, TenderStatus, company, consultant, consultant_skill,
    skill, tender, tender_match, tender_skill,
};
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;

use super::TestApp;

/// What `seed_volume` created.
pub struct Volume {
    pub tenders: Vec<Uuid>,
    pub consultants: Vec<Uuid>,
}

/// One company, five skills, `consultants` consultants with two skills each, `tenders` OPEN
/// tenders with two required skills and `per_tender` PROPOSED matches each.
pub async fn seed_volume(
    app: &TestApp,
    tenant: Uuid,
    tenders: usize,
    consultants: usize,
    per_tender: usize,
) -> Volume {
    let db = &app.state.db;
    let now = Utc::now();
    let company_id = Uuid::now_v7();
    company::Entity::insert(company::ActiveModel {
        id: Set(company_id),
        tenant_id: Set(tenant),
        name: Set("Volume Co".into()),
        description: Set(None),
        website: Set(None),
        address: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec(db)
    .await
    .expect("company");
    let skills: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
    skill::Entity::insert_many(skills.iter().enumerate().map(|(i, id)| skill::ActiveModel {
        id: Set(*id),
        tenant_id: Set(tenant),
        name: Set(format!("Skill {i}")),
        name_key: Set(format!("skill {i}")),
        category: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }))
    .exec(db)
    .await
    .expect("skills");
    let consultant_ids: Vec<Uuid> = (0..consultants).map(|_| Uuid::now_v7()).collect();
    consultant::Entity::insert_many(consultant_ids.iter().enumerate().map(|(i, id)| {
        consultant::ActiveModel {
            id: Set(*id),
            tenant_id: Set(tenant),
            first_name: Set(format!("First{i}")),
            last_name: Set(format!("Last{i}")),
            title: Set("Engineer".into()),
            bio: Set(None),
            years_experience: Set(5),
            daily_rate_cents: Set(Some(60_000)),
            email: Set(None),
            phone: Set(None),
            availability_date: Set(None),
            status: Set(entity::ConsultantStatus::Available),
            location: Set(None),
            remote: Set(entity::RemotePreference::Hybrid),
            internal_notes: Set(None),
            deleted_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
    }))
    .exec(db)
    .await
    .expect("consultants");
    consultant_skill::Entity::insert_many(consultant_ids.iter().enumerate().flat_map(|(i, id)| {
        [skills[i % 5], skills[(i + 1) % 5]].map(|skill_id| consultant_skill::ActiveModel {
            consultant_id: Set(*id),
            skill_id: Set(skill_id),
            tenant_id: Set(tenant),
            level: Set(SkillLevel::Advanced),
            years_experience: Set(3),
        })
    }))
    .exec(db)
    .await
    .expect("consultant skills");
    let tender_ids: Vec<Uuid> = (0..tenders).map(|_| Uuid::now_v7()).collect();
    tender::Entity::insert_many(
        tender_ids
            .iter()
            .enumerate()
            .map(|(i, id)| tender::ActiveModel {
                id: Set(*id),
                tenant_id: Set(tenant),
                company_id: Set(company_id),
                title: Set(format!("Tender {i}")),
                description: Set(None),
                start_date: Set(None),
                end_date: Set(None),
                location: Set(None),
                remote_allowed: Set(true),
                budget_min_cents: Set(None),
                budget_max_cents: Set(None),
                status: Set(TenderStatus::Open),
                created_at: Set(now),
                updated_at: Set(now),
            }),
    )
    .exec(db)
    .await
    .expect("tenders");
    tender_skill::Entity::insert_many(tender_ids.iter().enumerate().flat_map(|(i, id)| {
        [skills[i % 5], skills[(i + 2) % 5]].map(|skill_id| tender_skill::ActiveModel {
            tender_id: Set(*id),
            skill_id: Set(skill_id),
            tenant_id: Set(tenant),
            importance: Set(SkillImportance::Required),
            min_level: Set(SkillLevel::Intermediate),
        })
    }))
    .exec(db)
    .await
    .expect("tender skills");
    let matches: Vec<tender_match::ActiveModel> = tender_ids
        .iter()
        .enumerate()
        .flat_map(|(i, t)| (0..per_tender).map(move |j| (i, j, *t)))
        .map(|(i, j, t)| tender_match::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(tenant),
            tender_id: Set(t),
            consultant_id: Set(consultant_ids[(i + j) % consultant_ids.len()]),
            score: Set(0.5 + j as f64 / 100.0),
            score_without_rate: Set(0.5 + j as f64 / 100.0),
            breakdown: Set("{}".into()),
            reasons: Set("[]".into()),
            status: Set(MatchStatus::Proposed),
            notes: Set(None),
            rejection_reason: Set(None),
            proposed_at: Set(Some(now)),
            decided_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    for chunk in matches.chunks(200) {
        tender_match::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .expect("matches");
    }
    Volume {
        tenders: tender_ids,
        consultants: consultant_ids,
    }
}

/// API-driven builders: each creates one row as the agency's ADMIN and returns its id.
impl super::Agency {
    /// Runs a mutation as the ADMIN and returns `data[field].id`.
    pub async fn make(&self, app: &TestApp, query: &str, variables: Value, field: &str) -> String {
        let body = app.gql(self.admin.token(), query, variables).await;
        super::data(&body)[field]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{field}.id in {body}"))
            .to_owned()
    }

    pub async fn company(&self, app: &TestApp, name: &str) -> String {
        self.make(
            app,
            "mutation($n: String!) { createCompany(input: { name: $n }) { id } }",
            json!({ "n": name }),
            "createCompany",
        )
        .await
    }

    pub async fn skill(&self, app: &TestApp, name: &str) -> String {
        self.make(
            app,
            "mutation($n: String!) { createSkill(input: { name: $n }) { id } }",
            json!({ "n": name }),
            "createSkill",
        )
        .await
    }

    /// A consultant from a `CreateConsultantInput` (first/last name and title default).
    pub async fn consultant(&self, app: &TestApp, input: Value) -> String {
        let mut full = json!({ "firstName": "Con", "lastName": "Sultant", "title": "Engineer" });
        if let (Some(full), Some(input)) = (full.as_object_mut(), input.as_object()) {
            full.extend(input.clone());
        }
        self.make(
            app,
            "mutation($i: CreateConsultantInput!) { createConsultant(input: $i) { id } }",
            json!({ "i": full }),
            "createConsultant",
        )
        .await
    }

    /// A DRAFT tender of `company` from a `CreateTenderInput` (the title defaults).
    pub async fn draft_tender(&self, app: &TestApp, company: &str, input: Value) -> String {
        let mut full = json!({ "companyId": company, "title": "A tender" });
        if let (Some(full), Some(input)) = (full.as_object_mut(), input.as_object()) {
            full.extend(input.clone());
        }
        self.make(
            app,
            "mutation($i: CreateTenderInput!) { createTender(input: $i) { id } }",
            json!({ "i": full }),
            "createTender",
        )
        .await
    }

    /// An OPEN tender of `company`.
    pub async fn open_tender(&self, app: &TestApp, company: &str, input: Value) -> String {
        let id = self.draft_tender(app, company, input).await;
        self.make(
            app,
            "mutation($id: ID!) { publishTender(id: $id) { id } }",
            json!({ "id": id }),
            "publishTender",
        )
        .await
    }

    /// A PENDING match of `consultant` on `tender`.
    pub async fn pending_match(&self, app: &TestApp, tender: &str, consultant: &str) -> String {
        self.make(
            app,
            "mutation($t: ID!, $c: ID!) { createMatch(input: { tenderId: $t, consultantId: $c }) { id } }",
            json!({ "t": tender, "c": consultant }),
            "createMatch",
        )
        .await
    }

    /// A PROPOSED match of `consultant` on `tender`.
    pub async fn proposed_match(&self, app: &TestApp, tender: &str, consultant: &str) -> String {
        let id = self.pending_match(app, tender, consultant).await;
        self.make(
            app,
            "mutation($id: ID!) { proposeMatch(id: $id) { id } }",
            json!({ "id": id }),
            "proposeMatch",
        )
        .await
    }
}
