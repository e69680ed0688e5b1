//! Authentication and authorisation: tokens, passwords, the principal, the permission table,
//! guards and the role-aware visibility of the schema (DESIGN §5, §6).

pub mod budgets;
pub mod edge;
pub mod jwt;
pub mod password;
pub mod permissions;
pub mod principal;
pub mod rate_limit;
pub mod sessions;
pub mod throttle;
pub mod visibility;

pub use permissions::{Permission, RowRule};
pub use principal::Principal;
