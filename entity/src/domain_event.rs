//! `domain_event`: the transactional outbox; one row per domain event, numbered per tenant.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_event")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// Position in the tenant's event sequence, from 1, gap-free in commit order.
    pub seq: i64,
    /// The event's name (`match.created`, `tender.published`, …).
    pub kind: String,
    /// JSON text of the event.
    pub payload: String,
    pub actor_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
