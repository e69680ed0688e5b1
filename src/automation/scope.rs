//! Row scopes of the automation domain: workflows, their runs and the e-mail they sent belong
//! to the organisation's staff (ADMIN, MANAGER: the whole tenant); nobody else sees any.

#![expect(
    clippy::disallowed_methods,
    reason = "scopes are where the tenant and row filters are added"
)]

use entity::{sent_email, workflow, workflow_run};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

use crate::auth::{Principal, RowRule};
use crate::talent::scope::nothing;

pub fn workflows(p: &Principal) -> Select<workflow::Entity> {
    let select = workflow::Entity::find().filter(workflow::Column::TenantId.eq(p.tenant_id));
    match p.row_rule() {
        RowRule::WholeTenant => select,
        _ => select.filter(nothing(workflow::Column::Id)),
    }
}

pub fn runs(p: &Principal) -> Select<workflow_run::Entity> {
    let select =
        workflow_run::Entity::find().filter(workflow_run::Column::TenantId.eq(p.tenant_id));
    match p.row_rule() {
        RowRule::WholeTenant => select,
        _ => select.filter(nothing(workflow_run::Column::Id)),
    }
}

pub fn sent_emails(p: &Principal) -> Select<sent_email::Entity> {
    let select = sent_email::Entity::find().filter(sent_email::Column::TenantId.eq(p.tenant_id));
    match p.row_rule() {
        RowRule::WholeTenant => select,
        _ => select.filter(nothing(sent_email::Column::Id)),
    }
}

/// Whether `p` sees `run`: [`runs`] decided in memory, for events.
pub fn run_visible(p: &Principal, run: &workflow_run::Model) -> bool {
    run.tenant_id == p.tenant_id && p.row_rule() == RowRule::WholeTenant
}
