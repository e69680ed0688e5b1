//! The authenticated actor of a request, resolved once at the edge.

use entity::Role;
use uuid::Uuid;

use super::permissions::{Permission, RowRule, role_has, row_rule_of};
use crate::error::{AppError, Result};

/// Who is acting: resolved from the access token and the user's current row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    pub tenant_id: Uuid,
    pub role: Role,
    pub company_id: Option<Uuid>,
    pub consultant_id: Option<Uuid>,
    /// The access token the principal came with (none for internal principals).
    pub token: Option<AccessTokenId>,
}

/// Which access token a request presented: what `logout` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessTokenId {
    pub jti: Uuid,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl Principal {
    pub fn can(&self, permission: Permission) -> bool {
        role_has(self.role, permission)
    }

    /// Which rows of the tenant the principal sees.
    pub fn row_rule(&self) -> RowRule {
        row_rule_of(self.role)
    }

    /// `FORBIDDEN` unless the principal holds `permission`.
    pub fn require(&self, permission: Permission) -> Result<()> {
        if self.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}
