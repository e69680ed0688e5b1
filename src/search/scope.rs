//! What the indexer reads and writes. The index follows every change of its tenant whoever made
//! it (a consultant's edit re-indexes the agency's notes too), so these read a whole tenant's
//! rows; what a reader finds is decided in `fulltext` and `semantic` through the domains' row
//! scopes.

#![expect(
    clippy::disallowed_methods,
    reason = "the indexer reads its tenant's rows whoever acts; readers go through row scopes"
)]

use entity::{
    company, consultant, consultant_skill, portfolio_project, portfolio_project_skill,
    search_chunk, search_entry, skill, tender, tender_skill,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

/// Every organisation's id (re-indexing).
pub fn tenant_ids() -> sea_orm::Selector<sea_orm::SelectGetableTuple<Uuid>> {
    use sea_orm::QuerySelect as _;
    entity::tenant::Entity::find()
        .select_only()
        .column(entity::tenant::Column::Id)
        .into_tuple()
}

pub fn entries(tenant_id: Uuid) -> Select<search_entry::Entity> {
    search_entry::Entity::find().filter(search_entry::Column::TenantId.eq(tenant_id))
}

pub fn chunks(tenant_id: Uuid) -> Select<search_chunk::Entity> {
    search_chunk::Entity::find().filter(search_chunk::Column::TenantId.eq(tenant_id))
}

pub fn consultants(tenant_id: Uuid) -> Select<consultant::Entity> {
    consultant::Entity::find().filter(consultant::Column::TenantId.eq(tenant_id))
}

pub fn consultant_skills(tenant_id: Uuid) -> Select<consultant_skill::Entity> {
    consultant_skill::Entity::find().filter(consultant_skill::Column::TenantId.eq(tenant_id))
}

pub fn tenders(tenant_id: Uuid) -> Select<tender::Entity> {
    tender::Entity::find().filter(tender::Column::TenantId.eq(tenant_id))
}

pub fn tender_skills(tenant_id: Uuid) -> Select<tender_skill::Entity> {
    tender_skill::Entity::find().filter(tender_skill::Column::TenantId.eq(tenant_id))
}

pub fn companies(tenant_id: Uuid) -> Select<company::Entity> {
    company::Entity::find().filter(company::Column::TenantId.eq(tenant_id))
}

pub fn skills(tenant_id: Uuid) -> Select<skill::Entity> {
    skill::Entity::find().filter(skill::Column::TenantId.eq(tenant_id))
}

pub fn projects(tenant_id: Uuid) -> Select<portfolio_project::Entity> {
    portfolio_project::Entity::find().filter(portfolio_project::Column::TenantId.eq(tenant_id))
}

pub fn project_skills(tenant_id: Uuid) -> Select<portfolio_project_skill::Entity> {
    portfolio_project_skill::Entity::find()
        .filter(portfolio_project_skill::Column::TenantId.eq(tenant_id))
}
