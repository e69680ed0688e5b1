//! Row scopes of the matching domain (DESIGN §5): which matches and collaborations a principal
//! sees, in SQL ([`matches`], [`collaborations`]) and, for events, in memory ([`match_visible`]).
//!
//! - ADMIN / MANAGER: the whole tenant.
//! - CONSULTANT: their own matches once PROPOSED or later, their own collaborations.
//! - CLIENT: the matches on their company's tenders once PROPOSED or later, its collaborations.

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::{MatchStatus, collaboration, tender_match};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::auth::{Principal, RowRule};
use crate::talent::scope::{nothing, proposed_or_later, tenders_of_company};

/// Whether `p` sees match `m` of a tender of `company_id`: [`matches`] decided in memory, for
/// events (a test holds the two to the same answers).
pub fn match_visible(p: &Principal, m: &tender_match::Model, company_id: Uuid) -> bool {
    let proposed_or_later = match m.status {
        MatchStatus::Proposed | MatchStatus::Accepted | MatchStatus::Rejected => true,
        MatchStatus::Cancelled => m.proposed_at.is_some(),
        MatchStatus::Pending => false,
    };
    m.tenant_id == p.tenant_id
        && match (p.row_rule(), p.company_id, p.consultant_id) {
            (RowRule::WholeTenant, _, _) => true,
            (RowRule::OwnConsultantProfile, _, Some(consultant_id)) => {
                m.consultant_id == consultant_id && proposed_or_later
            }
            (RowRule::OwnCompany, Some(own), _) => own == company_id && proposed_or_later,
            _ => false,
        }
}

pub fn matches(p: &Principal) -> Select<tender_match::Entity> {
    let select =
        tender_match::Entity::find().filter(tender_match::Column::TenantId.eq(p.tenant_id));
    match (p.row_rule(), p.company_id, p.consultant_id) {
        (RowRule::WholeTenant, _, _) => select,
        (RowRule::OwnConsultantProfile, _, Some(consultant_id)) => select
            .filter(tender_match::Column::ConsultantId.eq(consultant_id))
            .filter(proposed_or_later()),
        (RowRule::OwnCompany, Some(company_id), _) => select
            .filter(
                tender_match::Column::TenderId
                    .in_subquery(tenders_of_company(p.tenant_id, company_id)),
            )
            .filter(proposed_or_later()),
        _ => select.filter(nothing(tender_match::Column::Id)),
    }
}

pub fn collaborations(p: &Principal) -> Select<collaboration::Entity> {
    let select =
        collaboration::Entity::find().filter(collaboration::Column::TenantId.eq(p.tenant_id));
    match (p.row_rule(), p.company_id, p.consultant_id) {
        (RowRule::WholeTenant, _, _) => select,
        (RowRule::OwnConsultantProfile, _, Some(consultant_id)) => {
            select.filter(collaboration::Column::ConsultantId.eq(consultant_id))
        }
        (RowRule::OwnCompany, Some(company_id), _) => {
            select.filter(collaboration::Column::CompanyId.eq(company_id))
        }
        _ => select.filter(nothing(collaboration::Column::Id)),
    }
}
