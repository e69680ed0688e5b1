//! `SET_TENDER_STATUS`: moves the tender along its life cycle (a tender already there is left
//! as it is).

use entity::TenderStatus;
use serde_json::{Value, json};

use super::{StepContext, StepError, tender_of};
use crate::talent::tenders::{Transition, transition};
use crate::unit::UnitOfWork;

pub async fn perform(
    uow: &UnitOfWork,
    ctx: &StepContext<'_>,
    status: TenderStatus,
) -> Result<Value, StepError> {
    let tender_id = tender_of(ctx.data)?;
    let p = uow.principal()?;
    // Read in the unit's own transaction: on SQLite its one writer is held by this unit.
    let current = crate::db::find_in_scope(
        uow.txn(),
        crate::talent::scope::tenders(p),
        entity::tender::Column::Id,
        tender_id,
        "tender",
    )
    .await?;
    if current.status == status {
        return Ok(json!({ "tenderId": tender_id, "status": status, "changed": false }));
    }
    let step = match status {
        TenderStatus::Open => Transition::Publish,
        TenderStatus::InProgress => Transition::Start,
        TenderStatus::Closed => Transition::Close,
        TenderStatus::Cancelled => Transition::Cancel,
        TenderStatus::Draft => {
            return Err(StepError::permanent("a tender cannot go back to DRAFT"));
        }
    };
    let moved = transition(uow, tender_id, step).await?;
    Ok(json!({ "tenderId": tender_id, "status": moved.status, "changed": true }))
}
