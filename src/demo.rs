//! The demo organisation (slug `demo`): one user per role, so every portal can be tried at once.

use entity::{Role, tenant};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::app::AppState;
use crate::audit::RequestMeta;
use crate::auth::password::NewPassword;
use crate::crypto::load_tenant_keys;
use crate::error::Result;
use crate::tenancy::inputs::Email;
use crate::tenancy::sessions::{self, SignUp, new_user};

/// Password of every demo login (printed at start-up; demo data only).
pub const DEMO_PASSWORD: &str = "talentgraph-demo";
pub const DEMO_SLUG: &str = "demo";

const USERS: [(&str, &str, Role); 3] = [
    (
        "manager@demo.talentgraph.dev",
        "Morgan Manager",
        Role::Manager,
    ),
    (
        "consultant@demo.talentgraph.dev",
        "Casey Consultant",
        Role::Consultant,
    ),
    (
        "client@demo.talentgraph.dev",
        "Charlie Client",
        Role::Client,
    ),
];
const ADMIN_EMAIL: &str = "admin@demo.talentgraph.dev";

/// Creates the demo organisation unless it exists, then prints its logins.
#[expect(
    clippy::disallowed_methods,
    reason = "the demo tenant is found by slug before any principal exists"
)]
pub async fn seed(state: &AppState) -> Result<()> {
    let exists = tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(DEMO_SLUG))
        .one(&state.db)
        .await?
        .is_some();
    if !exists {
        let session = sessions::sign_up(
            state,
            &RequestMeta::default(),
            SignUp {
                organization_name: "Demo Talent Agency".to_owned(),
                slug: DEMO_SLUG.to_owned(),
                email: ADMIN_EMAIL.to_owned(),
                password: DEMO_PASSWORD.to_owned(),
                full_name: "Ada Admin".to_owned(),
            },
        )
        .await?;
        let tenant_id = session.user.tenant_id;
        let keys = load_tenant_keys(&state.db, &state.config.master_keys, tenant_id).await?;
        let hash = state
            .passwords
            .hash(NewPassword::parse("password", DEMO_PASSWORD.to_owned())?)
            .await?;
        let txn = state.db.begin().await?;
        for (email, name, role) in USERS {
            let email = Email::parse("email", email)?;
            new_user(
                &keys,
                &email,
                name.to_owned(),
                hash.clone(),
                role,
                None,
                None,
            )
            .insert(&txn)
            .await?;
        }
        txn.commit().await?;
        tracing::info!("seeded the demo organisation");
    }
    println!("Demo organisation `{DEMO_SLUG}` — every login uses the password `{DEMO_PASSWORD}`:");
    println!("  ADMIN       {ADMIN_EMAIL}");
    for (email, _, role) in USERS {
        println!("  {:<11} {email}", role.as_str());
    }
    Ok(())
}
