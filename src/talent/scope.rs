//! Row scopes of the talent domain (DESIGN §5): every read of companies, skills, consultants,
//! tenders, matches and collaborations starts here, filtered by the principal's tenant and the
//! role's row rule. Outside the scope, a row does not exist (`NOT_FOUND`).
//!
//! - ADMIN / MANAGER: the whole tenant.
//! - CONSULTANT: their own profile, OPEN tenders and the tenders of their own matches and
//!   collaborations (and the companies behind them), their own matches once PROPOSED or later,
//!   their own collaborations.
//! - CLIENT: their own company, its tenders, the matches on those tenders once PROPOSED or
//!   later, the consultants of those matches, and its collaborations.

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::{
    MatchStatus, TenderStatus, collaboration, company, consultant, consultant_skill, skill, tender,
    tender_match, tender_skill,
};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::auth::{Principal, RowRule};

/// A condition no row satisfies (a principal without the link its role needs).
pub(crate) fn nothing<C: ColumnTrait>(id: C) -> SimpleExpr {
    id.is_null()
}

/// Matches visible outside the agency: PROPOSED or later (a match cancelled before it was ever
/// proposed stays internal).
pub fn proposed_or_later() -> Condition {
    Condition::any()
        .add(tender_match::Column::Status.is_in([
            MatchStatus::Proposed,
            MatchStatus::Accepted,
            MatchStatus::Rejected,
        ]))
        .add(
            Condition::all()
                .add(tender_match::Column::Status.eq(MatchStatus::Cancelled))
                .add(tender_match::Column::ProposedAt.is_not_null()),
        )
}

/// Tenders of a consultant's own matches, once PROPOSED or later (subquery).
fn own_match_tenders(tenant_id: Uuid, consultant_id: Uuid) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(tender_match::Column::TenderId)
        .from(tender_match::Entity)
        .and_where(tender_match::Column::TenantId.eq(tenant_id))
        .and_where(tender_match::Column::ConsultantId.eq(consultant_id))
        .cond_where(proposed_or_later())
        .to_owned()
}

/// One column of a consultant's own collaborations (subquery).
fn own_collaboration_column(
    tenant_id: Uuid,
    consultant_id: Uuid,
    column: collaboration::Column,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(column)
        .from(collaboration::Entity)
        .and_where(collaboration::Column::TenantId.eq(tenant_id))
        .and_where(collaboration::Column::ConsultantId.eq(consultant_id))
        .to_owned()
}

/// Ids of the tenders of a company (subquery).
pub(crate) fn tenders_of_company(
    tenant_id: Uuid,
    company_id: Uuid,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(tender::Column::Id)
        .from(tender::Entity)
        .and_where(tender::Column::TenantId.eq(tenant_id))
        .and_where(tender::Column::CompanyId.eq(company_id))
        .to_owned()
}

pub fn companies(p: &Principal) -> Select<company::Entity> {
    let select = company::Entity::find().filter(company::Column::TenantId.eq(p.tenant_id));
    match (p.row_rule(), p.company_id, p.consultant_id) {
        (RowRule::WholeTenant, _, _) => select,
        (RowRule::OwnCompany, Some(company_id), _) => {
            select.filter(company::Column::Id.eq(company_id))
        }
        (RowRule::OwnConsultantProfile, _, consultant_id) => {
            let open_tenders = Query::select()
                .column(tender::Column::CompanyId)
                .from(tender::Entity)
                .and_where(tender::Column::TenantId.eq(p.tenant_id))
                .and_where(tender::Column::Status.eq(TenderStatus::Open))
                .to_owned();
            let mut any = Condition::any().add(company::Column::Id.in_subquery(open_tenders));
            if let Some(consultant_id) = consultant_id {
                let matched = Query::select()
                    .column(tender::Column::CompanyId)
                    .from(tender::Entity)
                    .and_where(tender::Column::TenantId.eq(p.tenant_id))
                    .and_where(
                        tender::Column::Id
                            .in_subquery(own_match_tenders(p.tenant_id, consultant_id)),
                    )
                    .to_owned();
                any = any.add(company::Column::Id.in_subquery(matched)).add(
                    company::Column::Id.in_subquery(own_collaboration_column(
                        p.tenant_id,
                        consultant_id,
                        collaboration::Column::CompanyId,
                    )),
                );
            }
            select.filter(any)
        }
        _ => select.filter(nothing(company::Column::Id)),
    }
}

/// The skill catalogue: every role of the tenant reads it.
pub fn skills(p: &Principal) -> Select<skill::Entity> {
    skill::Entity::find().filter(skill::Column::TenantId.eq(p.tenant_id))
}

/// Consultants, soft-deleted ones excluded.
pub fn consultants(p: &Principal) -> Select<consultant::Entity> {
    consultants_including_deleted(p).filter(consultant::Column::DeletedAt.is_null())
}

/// Consultants including soft-deleted ones (restore, and lists that ask for them).
pub fn consultants_including_deleted(p: &Principal) -> Select<consultant::Entity> {
    let select = consultant::Entity::find().filter(consultant::Column::TenantId.eq(p.tenant_id));
    match (p.row_rule(), p.company_id, p.consultant_id) {
        (RowRule::WholeTenant, _, _) => select,
        (RowRule::OwnConsultantProfile, _, Some(consultant_id)) => {
            select.filter(consultant::Column::Id.eq(consultant_id))
        }
        (RowRule::OwnCompany, Some(company_id), _) => {
            let proposed = Query::select()
                .column(tender_match::Column::ConsultantId)
                .from(tender_match::Entity)
                .and_where(tender_match::Column::TenantId.eq(p.tenant_id))
                .and_where(
                    tender_match::Column::TenderId
                        .in_subquery(tenders_of_company(p.tenant_id, company_id)),
                )
                .cond_where(proposed_or_later())
                .to_owned();
            select.filter(consultant::Column::Id.in_subquery(proposed))
        }
        _ => select.filter(nothing(consultant::Column::Id)),
    }
}

/// Whether `p` sees tender `t`, decided in memory where [`tenders`] allows it; `None` where
/// only the database can tell (a CONSULTANT and a tender that is not OPEN: theirs through a
/// match or a collaboration).
pub fn tender_visible(p: &Principal, t: &tender::Model) -> Option<bool> {
    if t.tenant_id != p.tenant_id {
        return Some(false);
    }
    match (p.row_rule(), p.company_id) {
        (RowRule::WholeTenant, _) => Some(true),
        (RowRule::OwnConsultantProfile, _) if t.status == TenderStatus::Open => Some(true),
        (RowRule::OwnConsultantProfile, _) if p.consultant_id.is_some() => None,
        (RowRule::OwnCompany, Some(company_id)) => Some(t.company_id == company_id),
        _ => Some(false),
    }
}

/// A consultant's tenders through their own work: those of their matches once PROPOSED or
/// later and of their collaborations, whatever the tender's status.
fn own_work(p: &Principal) -> Condition {
    match p.consultant_id {
        Some(consultant_id) => Condition::any()
            .add(tender::Column::Id.in_subquery(own_match_tenders(p.tenant_id, consultant_id)))
            .add(tender::Column::Id.in_subquery(own_collaboration_column(
                p.tenant_id,
                consultant_id,
                collaboration::Column::TenderId,
            ))),
        None => Condition::all().add(nothing(tender::Column::Id)),
    }
}

/// The tenders a CONSULTANT sees whatever their status ([`tenders`] without its OPEN ones): what
/// decides, for an event of a tender that is not OPEN, whether the consultant may see it — the
/// status the event carries, not the row's now, decides the rest ([`tender_visible`]).
pub fn tenders_through_own_work(p: &Principal) -> Select<tender::Entity> {
    let select = tender::Entity::find().filter(tender::Column::TenantId.eq(p.tenant_id));
    match p.row_rule() {
        RowRule::OwnConsultantProfile => select.filter(own_work(p)),
        _ => select.filter(nothing(tender::Column::Id)),
    }
}

pub fn tenders(p: &Principal) -> Select<tender::Entity> {
    let select = tender::Entity::find().filter(tender::Column::TenantId.eq(p.tenant_id));
    match (p.row_rule(), p.company_id) {
        (RowRule::WholeTenant, _) => select,
        (RowRule::OwnConsultantProfile, _) => select.filter(
            Condition::any()
                .add(tender::Column::Status.eq(TenderStatus::Open))
                .add(own_work(p)),
        ),
        (RowRule::OwnCompany, Some(company_id)) => {
            select.filter(tender::Column::CompanyId.eq(company_id))
        }
        _ => select.filter(nothing(tender::Column::Id)),
    }
}

/// Matches pointing at the tenant's tenders, whoever may see them: for the tender's own
/// integrity rules (a tender with matches keeps its company), which its writers (the whole
/// tenant) apply. Who sees which match is matching's rule (`matching::scope`).
pub fn matches_of_tenders(p: &Principal) -> Select<tender_match::Entity> {
    tender_match::Entity::find().filter(tender_match::Column::TenantId.eq(p.tenant_id))
}

/// Collaborations pointing at the tenant's tenders, whoever may see them (see
/// [`matches_of_tenders`]).
pub fn collaborations_of_tenders(p: &Principal) -> Select<collaboration::Entity> {
    collaboration::Entity::find().filter(collaboration::Column::TenantId.eq(p.tenant_id))
}

/// Skills of consultants. The row rule is the parent's: read them only for consultants already
/// loaded through [`consultants`].
pub fn consultant_skills(p: &Principal) -> Select<consultant_skill::Entity> {
    consultant_skill::Entity::find().filter(consultant_skill::Column::TenantId.eq(p.tenant_id))
}

/// Required skills of tenders. The row rule is the parent's: read them only for tenders already
/// loaded through [`tenders`].
pub fn tender_skills(p: &Principal) -> Select<tender_skill::Entity> {
    tender_skill::Entity::find().filter(tender_skill::Column::TenantId.eq(p.tenant_id))
}
