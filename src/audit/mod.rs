//! The audit log: every sensitive action appends an event in the same transaction as the change,
//! hash-chained per tenant so that any edit made behind the API's back is detected (DESIGN §11).

mod changes;
mod denials;
pub mod scope;
mod service;

pub use changes::Changes;
pub use denials::{record_denial, summarize_denials};
pub use service::{
    AuditChainReport, AuditRecord, REDACTED, RequestMeta, record, record_standalone, verify_chain,
};
