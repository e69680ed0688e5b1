//! Row scopes of résumés and portfolios (DESIGN §5). Résumés: ADMIN and MANAGER see the
//! organisation's, a CONSULTANT their own, a CLIENT none. Portfolio projects follow their
//! consultant's row rule (a CLIENT: the consultants proposed to it), and a CLIENT never sees one
//! marked internal. Outside the scope, a row does not exist (`NOT_FOUND`).

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::{consultant, portfolio_project, portfolio_project_skill, resume};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect as _, QueryTrait as _, Select};
use uuid::Uuid;

use crate::auth::{Principal, RowRule};

pub fn resumes(p: &Principal) -> Select<resume::Entity> {
    let select = resume::Entity::find().filter(resume::Column::TenantId.eq(p.tenant_id));
    match (p.row_rule(), p.consultant_id) {
        (RowRule::WholeTenant, _) => select,
        (RowRule::OwnConsultantProfile, Some(consultant_id)) => {
            select.filter(resume::Column::ConsultantId.eq(consultant_id))
        }
        _ => select.filter(resume::Column::Id.is_null()),
    }
}

/// Résumés of one tenant, where no principal acts and something else is the authority: a
/// download link checked by its signature (`GET /files/<token>`), an extraction job (which
/// carries its tenant).
pub fn resumes_of_tenant(tenant_id: Uuid) -> Select<resume::Entity> {
    resume::Entity::find().filter(resume::Column::TenantId.eq(tenant_id))
}

/// The organisation's skill catalogue, for the server's own reading of a résumé.
pub fn catalogue(tenant_id: Uuid) -> Select<entity::skill::Entity> {
    entity::skill::Entity::find().filter(entity::skill::Column::TenantId.eq(tenant_id))
}

/// Portfolio projects of the consultants `p` sees; a client's without the internal ones.
pub fn portfolio_projects(p: &Principal) -> Select<portfolio_project::Entity> {
    let consultants = crate::talent::scope::consultants(p)
        .select_only()
        .column(consultant::Column::Id)
        .into_query();
    let select = portfolio_project::Entity::find()
        .filter(portfolio_project::Column::TenantId.eq(p.tenant_id))
        .filter(portfolio_project::Column::ConsultantId.in_subquery(consultants));
    match p.row_rule() {
        RowRule::OwnCompany => select.filter(portfolio_project::Column::Internal.eq(false)),
        RowRule::WholeTenant | RowRule::OwnConsultantProfile => select,
    }
}

/// The skills of portfolio projects of `p`'s organisation (read by the ids of projects in
/// scope).
pub fn portfolio_skills(p: &Principal) -> Select<portfolio_project_skill::Entity> {
    portfolio_project_skill::Entity::find()
        .filter(portfolio_project_skill::Column::TenantId.eq(p.tenant_id))
}
