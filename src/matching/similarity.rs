//! Where the score's `similarExperience` component comes from: how alike a tender's text is to
//! each consultant's portfolio and résumés. Matching declares the part ([`PastWorkSource`]);
//! search, above it, provides it from its embeddings, given at composition
//! (`crate::extensions`). Without one (no embedding model) nothing is measured and the
//! component is left out of the score.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::scoring::PastWork;
use crate::error::Result;
use crate::unit::UnitOfWork;

/// Measures past work against tenders.
pub trait PastWorkSource: Send + Sync + 'static {
    /// The consultants' past work most like tender `tender_id`'s text, by consultant (all of
    /// the tenant's, or `only` these); a consultant with nothing to compare is absent.
    fn past_work<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant_id: Uuid,
        tender_id: Uuid,
        only: Option<&'a [Uuid]>,
    ) -> BoxFuture<'a, Result<HashMap<Uuid, PastWork>>>;
}

/// The source as given at composition.
#[derive(Clone)]
pub struct Source(pub Arc<dyn PastWorkSource>);

/// The past work of `only` (or every consultant) against `tender_id`, in `uow`; empty without
/// a source.
pub async fn past_work(
    uow: &UnitOfWork,
    tenant_id: Uuid,
    tender_id: Uuid,
    only: Option<&[Uuid]>,
) -> Result<HashMap<Uuid, PastWork>> {
    match uow.extensions().get::<Source>() {
        Some(source) => {
            source
                .0
                .past_work(uow.txn(), tenant_id, tender_id, only)
                .await
        }
        None => Ok(HashMap::new()),
    }
}
