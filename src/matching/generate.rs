//! Generated matches: `generateMatches` scores every eligible consultant of the tenant against a
//! tender and keeps the best as PENDING matches; re-scoring keeps PENDING matches in step with
//! their tender and consultant. Matches already decided (PROPOSED and after) are never touched.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use entity::{
    ConsultantStatus, MatchStatus, TenderStatus, consultant, consultant_skill, skill, tender,
    tender_match, tender_skill,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::scoring::{self, ConsultantFacts, Held, Requirement, Score, TenderFacts, Weights};
use super::settings;
use crate::audit::AuditRecord;
use crate::auth::{Permission, Principal};
use crate::db::{Lock, lock_in_scope};
use crate::error::{AppError, Result, Validation, wire_name};
use crate::events::DomainEvent;
use crate::talent::scope;
use crate::unit::UnitOfWork;

/// Most matches one `generateMatches` keeps.
pub const MAX_LIMIT: u64 = 200;
const DEFAULT_LIMIT: u64 = 20;

/// What the score needs of a tender: its required skills with their names.
pub async fn tender_facts(
    conn: &impl ConnectionTrait,
    p: &Principal,
    t: &tender::Model,
) -> Result<TenderFacts> {
    let required = scope::tender_skills(p)
        .filter(tender_skill::Column::TenderId.eq(t.id))
        .all(conn)
        .await?;
    let names: HashMap<Uuid, String> = scope::skills(p)
        .filter(skill::Column::Id.is_in(required.iter().map(|r| r.skill_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    Ok(TenderFacts::new(
        t.start_date,
        t.budget_min_cents,
        t.budget_max_cents,
        t.location.clone(),
        t.remote_allowed,
        required
            .iter()
            .map(|r| Requirement {
                skill_id: r.skill_id,
                name: names.get(&r.skill_id).cloned().unwrap_or_default(),
                importance: r.importance,
                min_level: r.min_level,
            })
            .collect(),
    ))
}

type ConsultantRow = (
    Uuid,
    ConsultantStatus,
    Option<chrono::NaiveDate>,
    Option<i64>,
    Option<String>,
    entity::RemotePreference,
    i32,
);

/// What the score needs of consultants: those of `only` (whatever their status), or else every
/// one the tenant could staff (not LEAVING). Deleted ones are never there. Two statements,
/// whatever their number.
pub async fn consultant_facts(
    conn: &impl ConnectionTrait,
    p: &Principal,
    only: Option<&[Uuid]>,
) -> Result<Vec<(Uuid, ConsultantFacts)>> {
    let mut consultants = scope::consultants(p).select_only().columns([
        consultant::Column::Id,
        consultant::Column::Status,
        consultant::Column::AvailabilityDate,
        consultant::Column::DailyRateCents,
        consultant::Column::Location,
        consultant::Column::Remote,
        consultant::Column::YearsExperience,
    ]);
    let mut skills = scope::consultant_skills(p).select_only().columns([
        consultant_skill::Column::ConsultantId,
        consultant_skill::Column::SkillId,
        consultant_skill::Column::Level,
        consultant_skill::Column::YearsExperience,
    ]);
    match only {
        Some(ids) => {
            consultants = consultants.filter(consultant::Column::Id.is_in(ids.iter().copied()));
            skills =
                skills.filter(consultant_skill::Column::ConsultantId.is_in(ids.iter().copied()));
        }
        None => {
            consultants =
                consultants.filter(consultant::Column::Status.ne(ConsultantStatus::Leaving));
        }
    }
    let rows: Vec<ConsultantRow> = consultants.into_tuple().all(conn).await?;
    let mut held: HashMap<Uuid, Vec<Held>> = HashMap::with_capacity(rows.len());
    let skill_rows: Vec<(Uuid, Uuid, entity::SkillLevel, i32)> =
        skills.into_tuple().all(conn).await?;
    for (consultant_id, skill_id, level, years) in skill_rows {
        held.entry(consultant_id).or_default().push(Held {
            skill_id,
            level,
            years,
        });
    }
    Ok(rows
        .into_iter()
        .map(|(id, status, available, rate, location, remote, years)| {
            let facts = ConsultantFacts::new(status, available, rate, location, remote, years)
                .with_skills(held.remove(&id).unwrap_or_default());
            (id, facts)
        })
        .collect())
}

/// The stored form of a scored pair.
fn stored(t: &TenderFacts, c: &ConsultantFacts, w: &Weights) -> (Score, String, String) {
    let (score, reasons) = scoring::explain(t, c, w);
    (
        score,
        json!(score.breakdown).to_string(),
        json!(reasons).to_string(),
    )
}

/// What `generateMatches` asks for.
#[derive(Debug, Default)]
pub struct GenerateInput {
    pub tender_id: Uuid,
    /// The tenant's threshold when absent.
    pub min_score: Option<f64>,
    pub limit: Option<u64>,
}

/// Scores every eligible consultant of the tenant against the tender and upserts the best
/// (at least `minScore`, at most `limit`) as PENDING matches: new ones are created, PENDING ones
/// whose score moved are updated, decided ones are left as they are. Returns the matches of
/// those best candidates, best first. Run twice, the second run changes nothing, raises no
/// event and writes no audit.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn generate(uow: &UnitOfWork, input: GenerateInput) -> Result<Vec<tender_match::Model>> {
    let p = uow.principal()?;
    p.require(Permission::MatchWrite)?;
    let mut v = Validation::new();
    if let Some(min) = input.min_score
        && !(0.0..=1.0).contains(&min)
    {
        v.fail("minScore", "must be between 0 and 1");
    }
    let limit = input.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        v.fail("limit", format!("must be between 1 and {MAX_LIMIT}"));
    }
    v.finish()?;
    let txn = uow.txn();
    // One generation of a tender at a time; matches pointing at it may still be written.
    let t = lock_in_scope(
        txn,
        scope::tenders(p),
        tender::Column::Id,
        input.tender_id,
        "tender",
        Lock::Serialize,
    )
    .await?;
    if matches!(t.status, TenderStatus::Closed | TenderStatus::Cancelled) {
        return Err(AppError::conflict(
            "tenderId",
            format!("the tender is {}", wire_name(&t.status)),
        ));
    }
    let settings = settings::load(txn, p.tenant_id).await?;
    let threshold = input.min_score.unwrap_or(settings.min_score);
    let tf = tender_facts(txn, p, &t).await?;
    let mut candidates = consultant_facts(txn, p, None).await?;
    let mut past = super::similarity::past_work(uow, p.tenant_id, t.id, None).await?;
    for (id, cf) in &mut candidates {
        cf.past_work = past.take(id);
    }
    let mut ranked: Vec<(f64, Uuid, &ConsultantFacts)> = candidates
        .iter()
        .filter_map(|(id, cf)| {
            let s = scoring::score(&tf, cf, &settings.weights).score;
            (s >= threshold).then_some((s, *id, cf))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.truncate(usize::try_from(limit).unwrap_or(usize::MAX));

    let existing: HashMap<Uuid, tender_match::Model> = super::scope::matches(p)
        .filter(tender_match::Column::TenderId.eq(t.id))
        .filter(tender_match::Column::ConsultantId.is_in(ranked.iter().map(|(_, id, _)| *id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.consultant_id, m))
        .collect();
    let now = Utc::now();
    let (mut created, mut rescored) = (0usize, 0usize);
    let mut result = Vec::with_capacity(ranked.len());
    let mut new_rows = Vec::new();
    for (_, consultant_id, cf) in &ranked {
        let (score, breakdown, reasons) = stored(&tf, cf, &settings.weights);
        match existing.get(consultant_id) {
            Some(m) if m.status != MatchStatus::Pending => result.push(m.clone()),
            Some(m) => {
                let updated = rescore_row(uow, m, t.company_id, score, breakdown, reasons).await?;
                rescored += usize::from(updated.updated_at != m.updated_at);
                result.push(updated);
            }
            None => {
                let model = tender_match::Model {
                    id: Uuid::now_v7(),
                    tenant_id: p.tenant_id,
                    tender_id: t.id,
                    consultant_id: *consultant_id,
                    score: score.score,
                    score_without_rate: score.score_without_rate,
                    breakdown,
                    reasons,
                    status: MatchStatus::Pending,
                    notes: None,
                    rejection_reason: None,
                    proposed_at: None,
                    decided_at: None,
                    created_at: now,
                    updated_at: now,
                };
                uow.raise(DomainEvent::MatchCreated {
                    r#match: model.clone(),
                    company_id: t.company_id,
                })?;
                new_rows.push(tender_match::ActiveModel::from(model.clone()).reset_all());
                created += 1;
                result.push(model);
            }
        }
    }
    if !new_rows.is_empty() {
        tender_match::Entity::insert_many(new_rows)
            .exec(txn)
            .await?;
    }
    if created + rescored > 0 {
        uow.audit(
            AuditRecord::new("match.generated", "tender", Some(t.id)).changes(json!({
                "created": created,
                "rescored": rescored,
                "minScore": threshold,
                "limit": limit,
                "candidates": candidates.len(),
            })),
        )
        .await?;
    }
    Ok(result)
}

/// Writes a PENDING match's new score, if it moved, and raises `MatchScoreChanged`.
async fn rescore_row(
    uow: &UnitOfWork,
    m: &tender_match::Model,
    company_id: Uuid,
    score: Score,
    breakdown: String,
    reasons: String,
) -> Result<tender_match::Model> {
    if m.score == score.score
        && m.score_without_rate == score.score_without_rate
        && m.breakdown == breakdown
        && m.reasons == reasons
    {
        return Ok(m.clone());
    }
    let mut a: tender_match::ActiveModel = m.clone().into();
    a.score = Set(score.score);
    a.score_without_rate = Set(score.score_without_rate);
    a.breakdown = Set(breakdown);
    a.reasons = Set(reasons);
    a.updated_at = Set(Utc::now());
    let updated = a.update(uow.txn()).await?;
    if updated.score != m.score || updated.score_without_rate != m.score_without_rate {
        uow.raise(DomainEvent::MatchScoreChanged {
            r#match: updated.clone(),
            company_id,
            previous_score: m.score,
        })?;
    }
    Ok(updated)
}

/// Which PENDING matches to bring in step.
pub enum Rescore {
    Tender(Uuid),
    Consultant(Uuid),
}

/// Re-scores the PENDING matches of a tender or a consultant (after their facts changed);
/// returns how many scores moved.
pub async fn rescore(uow: &UnitOfWork, which: Rescore) -> Result<usize> {
    let p = uow.principal()?;
    let txn = uow.txn();
    let pending =
        super::scope::matches(p).filter(tender_match::Column::Status.eq(MatchStatus::Pending));
    let pending = match which {
        Rescore::Tender(id) => pending.filter(tender_match::Column::TenderId.eq(id)),
        Rescore::Consultant(id) => pending.filter(tender_match::Column::ConsultantId.eq(id)),
    }
    .all(txn)
    .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let settings = settings::load(txn, p.tenant_id).await?;
    let tender_ids: BTreeSet<Uuid> = pending.iter().map(|m| m.tender_id).collect();
    let consultant_ids: Vec<Uuid> = pending
        .iter()
        .map(|m| m.consultant_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let tenders = scope::tenders(p)
        .filter(tender::Column::Id.is_in(tender_ids))
        .all(txn)
        .await?;
    let mut tender_facts_by_id = HashMap::with_capacity(tenders.len());
    let mut past_work = HashMap::new();
    for t in &tenders {
        tender_facts_by_id.insert(t.id, (t.company_id, tender_facts(txn, p, t).await?));
        let mut measured =
            super::similarity::past_work(uow, p.tenant_id, t.id, Some(&consultant_ids)).await?;
        for consultant_id in &consultant_ids {
            if let Some(past) = measured.take(consultant_id) {
                past_work.insert((t.id, *consultant_id), past);
            }
        }
    }
    let consultants: HashMap<Uuid, ConsultantFacts> =
        consultant_facts(txn, p, Some(&consultant_ids))
            .await?
            .into_iter()
            .collect();
    let mut moved = 0;
    for m in &pending {
        let (Some((company_id, tf)), Some(cf)) = (
            tender_facts_by_id.get(&m.tender_id),
            consultants.get(&m.consultant_id),
        ) else {
            // A deleted consultant keeps the score they had.
            continue;
        };
        let mut cf = cf.clone();
        cf.past_work = past_work.remove(&(m.tender_id, m.consultant_id));
        let (score, breakdown, reasons) = stored(tf, &cf, &settings.weights);
        let updated = rescore_row(uow, m, *company_id, score, breakdown, reasons).await?;
        moved += usize::from(updated.score != m.score);
    }
    Ok(moved)
}
