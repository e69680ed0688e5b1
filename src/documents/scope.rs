//! Row scopes of résumés (DESIGN §5): ADMIN and MANAGER see the organisation's; a CONSULTANT
//! their own; a CLIENT none. Outside the scope, a résumé does not exist (`NOT_FOUND`).

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::resume;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
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

/// The résumé a signed download link names: the link, checked by its signature, is the
/// authority (there is no principal on `GET /files/<token>`); still within its tenant.
pub fn resume_of_link(tenant_id: Uuid, resume_id: Uuid) -> Select<resume::Entity> {
    resume::Entity::find()
        .filter(resume::Column::TenantId.eq(tenant_id))
        .filter(resume::Column::Id.eq(resume_id))
}

/// A résumé by id for the server's own work (extraction jobs, which carry the tenant).
pub fn resume_for_system(tenant_id: Uuid, resume_id: Uuid) -> Select<resume::Entity> {
    resume_of_link(tenant_id, resume_id)
}

/// The organisation's skill catalogue, for the server's own reading of a résumé.
pub fn catalogue(tenant_id: Uuid) -> Select<entity::skill::Entity> {
    entity::skill::Entity::find().filter(entity::skill::Column::TenantId.eq(tenant_id))
}
