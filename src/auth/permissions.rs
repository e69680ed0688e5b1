//! The permission table: which role holds which permission. The only place roles are mapped;
//! guards and schema visibility both read it, never role names.

use entity::Role;

/// One thing a principal may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read the own tenant.
    TenantRead,
    /// List and read the tenant's users.
    UserRead,
    /// Invite users.
    UserInvite,
    /// Change roles, deactivate and restore users.
    UserManage,
    /// Read the audit log and verify its chain.
    AuditRead,
    CompanyRead,
    CompanyWrite,
    /// The skill catalogue.
    SkillRead,
    SkillWrite,
    ConsultantRead,
    ConsultantWrite,
    /// Consultant e-mail and phone.
    ConsultantContactRead,
    /// Consultant daily rates.
    ConsultantRateRead,
    /// Internal notes on consultants and matches.
    InternalNotesRead,
    TenderRead,
    TenderWrite,
    MatchRead,
    MatchWrite,
    /// Accept or reject proposed matches.
    MatchDecide,
    /// Decline one's own proposed match (a consultant).
    MatchDecline,
    CollaborationRead,
    CollaborationWrite,
    /// Read and change the matching settings (score weights, threshold).
    MatchingConfigure,
    WorkflowRead,
    WorkflowWrite,
    WorkflowRun,
    /// A workflow's webhook signing secret.
    WorkflowSecretRead,
    /// The e-mail the recording provider kept (`sentEmails`).
    EmailRead,
    /// Résumés (a consultant: their own), their files and what was extracted from them.
    ResumeRead,
    /// Upload and delete résumés (a consultant: their own); applying their suggestions to a
    /// profile also takes `consultant:write`.
    ResumeWrite,
    /// Consultants' portfolios (within the consultant row rules; a client never sees the
    /// projects marked internal).
    PortfolioRead,
    /// Add, change and remove portfolio projects (a consultant: their own).
    PortfolioWrite,
}

impl Permission {
    /// The wire name, e.g. `user:invite`, `consultant.contact:read`.
    pub fn as_str(self) -> &'static str {
        use Permission::*;
        match self {
            TenantRead => "tenant:read",
            UserRead => "user:read",
            UserInvite => "user:invite",
            UserManage => "user:manage",
            AuditRead => "audit:read",
            CompanyRead => "company:read",
            CompanyWrite => "company:write",
            SkillRead => "skill:read",
            SkillWrite => "skill:write",
            ConsultantRead => "consultant:read",
            ConsultantWrite => "consultant:write",
            ConsultantContactRead => "consultant.contact:read",
            ConsultantRateRead => "consultant.rate:read",
            InternalNotesRead => "internal_notes:read",
            TenderRead => "tender:read",
            TenderWrite => "tender:write",
            MatchRead => "match:read",
            MatchWrite => "match:write",
            MatchDecide => "match:decide",
            MatchDecline => "match:decline",
            CollaborationRead => "collaboration:read",
            CollaborationWrite => "collaboration:write",
            MatchingConfigure => "matching:configure",
            WorkflowRead => "workflow:read",
            WorkflowWrite => "workflow:write",
            WorkflowRun => "workflow:run",
            WorkflowSecretRead => "workflow.secret:read",
            EmailRead => "email:read",
            ResumeRead => "resume:read",
            ResumeWrite => "resume:write",
            PortfolioRead => "portfolio:read",
            PortfolioWrite => "portfolio:write",
        }
    }
}

/// The permissions of a role.
pub fn permissions_of(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::Admin => &[
            TenantRead,
            UserRead,
            UserInvite,
            UserManage,
            AuditRead,
            CompanyRead,
            CompanyWrite,
            SkillRead,
            SkillWrite,
            ConsultantRead,
            ConsultantWrite,
            ConsultantContactRead,
            ConsultantRateRead,
            InternalNotesRead,
            TenderRead,
            TenderWrite,
            MatchRead,
            MatchWrite,
            MatchDecide,
            CollaborationRead,
            CollaborationWrite,
            MatchingConfigure,
            WorkflowRead,
            WorkflowWrite,
            WorkflowRun,
            WorkflowSecretRead,
            EmailRead,
            ResumeRead,
            ResumeWrite,
            PortfolioRead,
            PortfolioWrite,
        ],
        Role::Manager => &[
            TenantRead,
            UserRead,
            CompanyRead,
            CompanyWrite,
            SkillRead,
            SkillWrite,
            ConsultantRead,
            ConsultantWrite,
            ConsultantContactRead,
            ConsultantRateRead,
            InternalNotesRead,
            TenderRead,
            TenderWrite,
            MatchRead,
            MatchWrite,
            MatchDecide,
            CollaborationRead,
            CollaborationWrite,
            WorkflowRead,
            WorkflowWrite,
            WorkflowRun,
            ResumeRead,
            ResumeWrite,
            PortfolioRead,
            PortfolioWrite,
        ],
        Role::Consultant => &[
            TenantRead,
            CompanyRead,
            SkillRead,
            ConsultantRead,
            TenderRead,
            MatchRead,
            MatchDecline,
            CollaborationRead,
            ResumeRead,
            ResumeWrite,
            PortfolioRead,
            PortfolioWrite,
        ],
        Role::Client => &[
            TenantRead,
            CompanyRead,
            SkillRead,
            ConsultantRead,
            TenderRead,
            MatchRead,
            MatchDecide,
            CollaborationRead,
            PortfolioRead,
        ],
    }
}

/// Which rows of the tenant a role's principals see (DESIGN §5); applied by the row scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowRule {
    /// Every row of the tenant.
    WholeTenant,
    /// Their own consultant profile, OPEN tenders, their own proposed matches and collaborations.
    OwnConsultantProfile,
    /// Their own company, its tenders, proposed matches and collaborations.
    OwnCompany,
}

/// The row rule of a role.
pub fn row_rule_of(role: Role) -> RowRule {
    match role {
        Role::Admin | Role::Manager => RowRule::WholeTenant,
        Role::Consultant => RowRule::OwnConsultantProfile,
        Role::Client => RowRule::OwnCompany,
    }
}

/// Whether `role` holds `permission`.
pub fn role_has(role: Role, permission: Permission) -> bool {
    permissions_of(role).contains(&permission)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admin_administers_users_and_reads_audit() {
        for p in [
            Permission::UserInvite,
            Permission::UserManage,
            Permission::AuditRead,
        ] {
            assert!(role_has(Role::Admin, p));
            assert!(!role_has(Role::Manager, p));
            assert!(!role_has(Role::Consultant, p));
            assert!(!role_has(Role::Client, p));
        }
    }

    #[test]
    fn clients_and_consultants_never_see_contact_details_or_notes() {
        for role in [Role::Client, Role::Consultant] {
            assert!(!role_has(role, Permission::ConsultantContactRead));
            assert!(!role_has(role, Permission::InternalNotesRead));
            assert!(!role_has(role, Permission::UserRead));
        }
    }
}
