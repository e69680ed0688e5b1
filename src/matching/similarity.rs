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
    /// the tenant's, or `only` these); a consultant with nothing to compare is absent. `None`:
    /// the tender's text cannot be compared (not embedded yet).
    fn past_work<'a>(
        &'a self,
        txn: &'a DatabaseTransaction,
        tenant_id: Uuid,
        tender_id: Uuid,
        only: Option<&'a [Uuid]>,
    ) -> BoxFuture<'a, Result<Option<HashMap<Uuid, PastWork>>>>;
}

/// The source as given at composition.
#[derive(Clone)]
pub struct Source(pub Arc<dyn PastWorkSource>);

/// What is known of consultants' past work against one tender.
pub struct Measured(Option<HashMap<Uuid, PastWork>>);

impl Measured {
    /// Consultant `id`'s: `None` when nothing could be measured (no source, tender not
    /// embedded), [`PastWork::nothing`] when they have nothing to compare.
    pub fn take(&mut self, id: &Uuid) -> Option<PastWork> {
        let known = self.0.as_mut()?;
        Some(known.remove(id).unwrap_or_else(PastWork::nothing))
    }
}

/// The past work of `only` (or every consultant) against `tender_id`, in `uow`.
pub async fn past_work(
    uow: &UnitOfWork,
    tenant_id: Uuid,
    tender_id: Uuid,
    only: Option<&[Uuid]>,
) -> Result<Measured> {
    match uow.extensions().get::<Source>() {
        Some(source) => Ok(Measured(
            source
                .0
                .past_work(uow.txn(), tenant_id, tender_id, only)
                .await?,
        )),
        None => Ok(Measured(None)),
    }
}
