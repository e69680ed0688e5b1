//! Database migrations of talentgraph, in order. A landed migration is never edited, only followed.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_tenant;
mod m20261121_000002_create_tenant_key;
mod m20261121_000003_create_user;
mod m20261121_000004_create_refresh_token;
mod m20261121_000005_create_invitation;
mod m20261121_000006_create_audit;
mod m20261121_000007_create_login_throttle;
mod m20261121_000008_create_company;
mod m20261121_000009_create_skill;
mod m20261121_000010_create_consultant;
mod m20261121_000011_create_consultant_skill;
mod m20261121_000012_create_tender;
mod m20261121_000013_create_tender_skill;
mod m20261121_000014_create_tender_match;
mod m20261121_000015_create_collaboration;
mod m20261202_000016_add_tender_match_score_without_rate;
mod m20261202_000017_create_access_denial;
mod m20261202_000018_add_invitation_revoked_at;
mod m20261202_000019_create_revoked_access_token;
mod m20261206_000020_create_domain_event;
mod m20261206_000021_create_matching_settings;
mod m20261207_000022_create_job;
mod m20261207_000023_create_workflow;
mod m20261207_000024_create_webhook_receipt;
mod m20261207_000025_create_rate_count;
mod m20261207_000026_create_resume;
mod m20261207_000027_create_portfolio_project;
mod m20261207_000028_create_search;
mod m20261207_000029_add_similar_experience_weight;
mod m20261207_000030_scope_search_index_by_tenant;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_tenant::Migration),
            Box::new(m20261121_000002_create_tenant_key::Migration),
            Box::new(m20261121_000003_create_user::Migration),
            Box::new(m20261121_000004_create_refresh_token::Migration),
            Box::new(m20261121_000005_create_invitation::Migration),
            Box::new(m20261121_000006_create_audit::Migration),
            Box::new(m20261121_000007_create_login_throttle::Migration),
            Box::new(m20261121_000008_create_company::Migration),
            Box::new(m20261121_000009_create_skill::Migration),
            Box::new(m20261121_000010_create_consultant::Migration),
            Box::new(m20261121_000011_create_consultant_skill::Migration),
            Box::new(m20261121_000012_create_tender::Migration),
            Box::new(m20261121_000013_create_tender_skill::Migration),
            Box::new(m20261121_000014_create_tender_match::Migration),
            Box::new(m20261121_000015_create_collaboration::Migration),
            Box::new(m20261202_000016_add_tender_match_score_without_rate::Migration),
            Box::new(m20261202_000017_create_access_denial::Migration),
            Box::new(m20261202_000018_add_invitation_revoked_at::Migration),
            Box::new(m20261202_000019_create_revoked_access_token::Migration),
            Box::new(m20261206_000020_create_domain_event::Migration),
            Box::new(m20261206_000021_create_matching_settings::Migration),
            Box::new(m20261207_000022_create_job::Migration),
            Box::new(m20261207_000023_create_workflow::Migration),
            Box::new(m20261207_000024_create_webhook_receipt::Migration),
            Box::new(m20261207_000025_create_rate_count::Migration),
            Box::new(m20261207_000026_create_resume::Migration),
            Box::new(m20261207_000027_create_portfolio_project::Migration),
            Box::new(m20261207_000028_create_search::Migration),
            Box::new(m20261207_000029_add_similar_experience_weight::Migration),
            Box::new(m20261207_000030_scope_search_index_by_tenant::Migration),
        ]
    }
}
