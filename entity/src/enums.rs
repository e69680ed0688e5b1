//! Enumerations stored as short strings, shared by entities and the server.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A user's role inside their tenant; each role is a bundle of permissions defined by the server.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    #[sea_orm(string_value = "ADMIN")]
    Admin,
    #[sea_orm(string_value = "MANAGER")]
    Manager,
    #[sea_orm(string_value = "CONSULTANT")]
    Consultant,
    #[sea_orm(string_value = "CLIENT")]
    Client,
}

impl Role {
    /// The stored and wire name (`ADMIN`, `MANAGER`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Manager => "MANAGER",
            Role::Consultant => "CONSULTANT",
            Role::Client => "CLIENT",
        }
    }

    /// Parses the wire name, case-insensitively.
    pub fn parse(value: &str) -> Option<Role> {
        match value.to_ascii_uppercase().as_str() {
            "ADMIN" => Some(Role::Admin),
            "MANAGER" => Some(Role::Manager),
            "CONSULTANT" => Some(Role::Consultant),
            "CLIENT" => Some(Role::Client),
            _ => None,
        }
    }
}
