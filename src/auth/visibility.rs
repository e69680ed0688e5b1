//! `visible` predicates of the role-aware schema: what a principal's introspection shows.
//! They read the same permission table as the guards.

use async_graphql::Context;

use super::{Permission, Principal};

fn principal_can(ctx: &Context<'_>, permission: Permission) -> bool {
    ctx.data_opt::<Principal>()
        .is_some_and(|p| p.can(permission))
}

/// Any signed-in principal.
pub fn authenticated(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<Principal>().is_some()
}

pub fn user_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::UserRead)
}

pub fn user_invite(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::UserInvite)
}

pub fn user_manage(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::UserManage)
}

pub fn audit_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::AuditRead)
}

pub fn company_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::CompanyRead)
}

pub fn company_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::CompanyWrite)
}

pub fn skill_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::SkillRead)
}

pub fn skill_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::SkillWrite)
}

pub fn consultant_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::ConsultantRead)
}

pub fn consultant_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::ConsultantWrite)
}

pub fn tender_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::TenderRead)
}

pub fn tender_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::TenderWrite)
}

pub fn match_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::MatchRead)
}

pub fn match_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::MatchWrite)
}

pub fn match_decide(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::MatchDecide)
}

pub fn collaboration_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::CollaborationRead)
}

pub fn collaboration_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::CollaborationWrite)
}

pub fn internal_notes_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::InternalNotesRead)
}

pub fn matching_configure(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::MatchingConfigure)
}

pub fn match_decline(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::MatchDecline)
}

pub fn workflow_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::WorkflowRead)
}

pub fn workflow_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::WorkflowWrite)
}

pub fn workflow_run(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::WorkflowRun)
}

pub fn workflow_secret_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::WorkflowSecretRead)
}

pub fn email_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::EmailRead)
}

pub fn resume_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::ResumeRead)
}

pub fn resume_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::ResumeWrite)
}

pub fn portfolio_read(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::PortfolioRead)
}

pub fn portfolio_write(ctx: &Context<'_>) -> bool {
    principal_can(ctx, Permission::PortfolioWrite)
}
