//! A résumé's analysis as suggestions with ids (`title`, `totalYears`, `email:0`, `phone:0`,
//! `skill:<id>`), and `applyResumeSuggestions`: what the person accepts is copied into the
//! consultant's profile through talent's own services (so it is validated, encrypted, audited
//! and re-scored as any other change), in one unit of work with the application's own audit.

use entity::{ResumeStatus, SkillLevel, consultant, consultant_skill, resume};
use sea_orm::{ColumnTrait as _, QueryFilter as _};
use serde_json::json;
use uuid::Uuid;

use super::analysis::Analysis;
use super::scope;
use crate::audit::AuditRecord;
use crate::auth::Permission;
use crate::crypto::TenantKeys;
use crate::db::Lock;
use crate::error::{AppError, Result, Validation};
use crate::talent::consultants::{self, ConsultantInput, SkillEntry};
use crate::unit::UnitOfWork;

/// The id of the suggestion of skill `skill_id`.
pub fn skill_key(skill_id: Uuid) -> String {
    format!("skill:{skill_id}")
}

/// A résumé's analysis, opened with the tenant's keys (`None` before it was read).
pub fn analysis_of(keys: &TenantKeys, resume: &resume::Model) -> Result<Option<Analysis>> {
    let Some(sealed) = &resume.analysis else {
        return Ok(None);
    };
    let json = keys
        .decrypt("resume", "analysis", resume.id, sealed)
        .map_err(|err| AppError::internal(format!("resume analysis: {err}")))?;
    serde_json::from_str(&json)
        .map(Some)
        .map_err(|err| AppError::internal(format!("resume analysis: {err}")))
}

/// The level a number of years suggests.
fn level_for(years: Option<f64>) -> SkillLevel {
    match years.unwrap_or(0.0) {
        y if y >= 8.0 => SkillLevel::Expert,
        y if y >= 4.0 => SkillLevel::Advanced,
        y if y >= 1.0 => SkillLevel::Intermediate,
        _ => SkillLevel::Beginner,
    }
}

fn whole_years(years: f64) -> i32 {
    // Bounded: a résumé's years are well within i32.
    years.round().clamp(0.0, 80.0) as i32
}

/// Copies the accepted suggestions of résumé `id` into its consultant's profile.
#[tracing::instrument(skip_all, fields(tenant = uow.tenant_id().map(tracing::field::display)))]
pub async fn apply(
    uow: &UnitOfWork,
    keys: &TenantKeys,
    id: Uuid,
    accept: Vec<String>,
) -> Result<consultant::Model> {
    let p = uow.principal()?;
    p.require(Permission::ResumeWrite)?;
    p.require(Permission::ConsultantWrite)?;
    let txn = uow.txn();
    let resume = crate::db::lock_in_scope(
        txn,
        scope::resumes(p),
        resume::Column::Id,
        id,
        "resume",
        Lock::Update,
    )
    .await?;
    if resume.status != ResumeStatus::Done {
        return Err(AppError::conflict(
            "resumeId",
            "has not been read yet: wait until its status is DONE",
        ));
    }
    let analysis = analysis_of(keys, &resume)?.unwrap_or_default();
    let mut v = Validation::new();
    if accept.is_empty() {
        v.fail("accept", "accepts nothing");
    }
    let mut input = ConsultantInput::default();
    let mut skills = Vec::new();
    for (i, key) in accept.iter().enumerate() {
        let field = format!("accept[{i}]");
        let found = match key.split_once(':') {
            None if key == "title" => analysis.title.as_ref().map(|t| {
                input.title = Some(t.value.chars().take(200).collect());
            }),
            None if key == "totalYears" => analysis.total_years.as_ref().map(|t| {
                input.years_experience = Some(whole_years(t.value));
            }),
            Some(("email", n)) => n
                .parse::<usize>()
                .ok()
                .and_then(|n| analysis.emails.get(n))
                .map(|e| input.email = Some(Some(e.value.clone()))),
            Some(("phone", n)) => n
                .parse::<usize>()
                .ok()
                .and_then(|n| analysis.phones.get(n))
                .map(|e| input.phone = Some(Some(e.value.clone()))),
            Some(("skill", _)) => analysis
                .skills
                .iter()
                .find(|s| skill_key(s.skill_id) == *key)
                .map(|s| skills.push(s.clone())),
            _ => None,
        };
        if found.is_none() {
            v.fail(field, "is not a suggestion of this résumé");
        }
    }
    v.finish()?;

    let consultant_id = resume.consultant_id;
    let profile_changes = input.title.is_some()
        || input.years_experience.is_some()
        || input.email.is_some()
        || input.phone.is_some();
    let mut consultant = if profile_changes {
        consultants::update(uow, keys, consultant_id, input).await?
    } else {
        crate::db::find_in_scope(
            txn,
            crate::talent::scope::consultants(p),
            consultant::Column::Id,
            consultant_id,
            "consultant",
        )
        .await?
    };
    if !skills.is_empty() {
        // The consultant's skills stay; a suggested one is added, or its years raised.
        let mut entries: Vec<SkillEntry> = crate::talent::scope::consultant_skills(p)
            .filter(consultant_skill::Column::ConsultantId.eq(consultant_id))
            .all(txn)
            .await?
            .into_iter()
            .map(|s| SkillEntry {
                skill_id: s.skill_id,
                level: s.level,
                years_experience: s.years_experience,
            })
            .collect();
        for found in &skills {
            let years = found.years.map_or(0, whole_years);
            match entries.iter_mut().find(|e| e.skill_id == found.skill_id) {
                Some(entry) => entry.years_experience = entry.years_experience.max(years),
                None => entries.push(SkillEntry {
                    skill_id: found.skill_id,
                    level: level_for(found.years),
                    years_experience: years,
                }),
            }
        }
        consultant = consultants::set_skills(uow, consultant_id, entries).await?;
    }
    uow.audit(
        AuditRecord::new("resume.suggestions_applied", "resume", Some(id)).changes(json!({
            "consultantId": consultant_id,
            "accepted": accept,
        })),
    )
    .await?;
    Ok(consultant)
}
