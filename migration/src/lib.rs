//! Database migrations of talentgraph, in order. A landed migration is never edited, only followed.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_tenant;
mod m20261121_000002_create_tenant_key;
mod m20261121_000003_create_user;
mod m20261121_000004_create_refresh_token;
mod m20261121_000005_create_invitation;
mod m20261121_000006_create_audit;
mod m20261121_000007_create_login_throttle;

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
        ]
    }
}
