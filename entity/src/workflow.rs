//! `workflow`: an organisation's automation: a trigger, an optional condition and ordered steps.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::enums::TriggerKind;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "workflow")]
#[serde(rename_all = "camelCase")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub enabled: bool,
    pub trigger_kind: TriggerKind,
    /// For EVENT triggers: the event's stored name (`tender.published`).
    pub trigger_event: Option<String>,
    /// For SCHEDULE triggers: the cron expression and its IANA time zone.
    pub cron: Option<String>,
    pub timezone: Option<String>,
    /// An expression over the event data; the run starts only when it holds.
    pub condition: Option<String>,
    /// JSON array of steps: `{kind, config, retry}`.
    pub steps: String,
    /// The webhook signing secret (`whsec_…`), encrypted with the tenant key.
    #[serde(skip)]
    pub signing_secret: String,
    /// For enabled SCHEDULE triggers: the next tick not yet enqueued.
    pub next_tick_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
