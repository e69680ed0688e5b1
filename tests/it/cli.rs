//! The command line: schema export per role, demo seeding, tenant creation and key rotation.

use std::process::Command;

use crate::helpers::master_key;

const BIN: &str = env!("CARGO_BIN_EXE_talentgraph");

fn talentgraph(dir: &std::path::Path, args: &[&str], keys: &str) -> std::process::Output {
    Command::new(BIN)
        // Not this test's subject: no embedding jobs in the background.
        .env_remove("TALENTGRAPH_EMBEDDING_MODEL")
        .args(args)
        .current_dir(dir)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/cli.db?mode=rwc", dir.display()),
        )
        .env("TALENTGRAPH_JWT_SECRET", crate::helpers::JWT_SECRET)
        .env("TALENTGRAPH_ENCRYPTION_KEYS", keys)
        .env_remove("TALENTGRAPH_LOG_FORMAT")
        .output()
        .expect("run talentgraph")
}

#[test]
fn export_schema_prints_each_roles_sdl() {
    let dir = std::env::temp_dir();
    let client = talentgraph(
        &dir,
        &["export-schema", "--role", "CLIENT"],
        &master_key("k1", 1),
    );
    assert!(client.status.success(), "{client:?}");
    let sdl = String::from_utf8(client.stdout).expect("utf8");
    assert!(sdl.contains("type Query") && sdl.contains("changePassword"));
    for hidden in ["auditEvents", "inviteUser", "updateUserRole", "users("] {
        assert!(!sdl.contains(hidden), "CLIENT SDL shows {hidden}");
    }
    let admin = talentgraph(&dir, &["export-schema"], &master_key("k1", 1));
    let sdl = String::from_utf8(admin.stdout).expect("utf8");
    assert!(sdl.contains("auditEvents") && sdl.contains("inviteUser"));
    let bad = talentgraph(
        &dir,
        &["export-schema", "--role", "ROOT"],
        &master_key("k1", 1),
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn seed_demo_create_tenant_migrate_and_rotate_work_end_to_end() {
    let dir = std::env::temp_dir().join(format!("tg-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let k1 = master_key("k1", 1);
    let seeded = talentgraph(&dir, &["seed-demo"], &k1);
    assert!(seeded.status.success(), "{seeded:?}");
    let out = String::from_utf8_lossy(&seeded.stdout);
    for role in ["ADMIN", "MANAGER", "CONSULTANT", "CLIENT"] {
        assert!(out.contains(role), "{out}");
    }
    // Idempotent.
    assert!(talentgraph(&dir, &["seed-demo"], &k1).status.success());
    let created = talentgraph(
        &dir,
        &[
            "create-tenant",
            "--name",
            "Acme",
            "--slug",
            "acme",
            "--admin-email",
            "a@acme.test",
            "--admin-name",
            "Ann",
            "--admin-password",
            "long enough pw",
        ],
        &k1,
    );
    assert!(created.status.success(), "{created:?}");
    let status = talentgraph(&dir, &["migrate", "status"], &k1);
    assert!(
        String::from_utf8_lossy(&status.stdout).contains("Applied"),
        "{status:?}"
    );

    let both = format!("{},{k1}", master_key("k2", 2));
    let rotated = talentgraph(&dir, &["rotate-encryption-key"], &both);
    assert!(rotated.status.success(), "{rotated:?}");
    assert!(
        String::from_utf8_lossy(&rotated.stdout).contains("re-wrapped 2"),
        "{rotated:?}"
    );
    // The old key can go; the demo data is still readable (seeding re-reads the demo tenant).
    let again = talentgraph(&dir, &["rotate-encryption-key"], &master_key("k2", 2));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("re-wrapped 0"),
        "{again:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_demo_agency_is_believable_and_each_login_sees_its_share() {
    use serde_json::json;

    use crate::helpers::{TestApp, data};

    let app = TestApp::spawn().await;
    talentgraph::demo::seed(&app.state).await.expect("seed");
    let login = |email: &'static str| {
        let app = &app;
        async move {
            let body = app
                .anon(
                    "mutation($e: String!) { login(input: { tenantSlug: \"demo\", email: $e, password: \"talentgraph-demo\" }) { accessToken } }",
                    json!({ "e": email }),
                )
                .await;
            data(&body)["login"]["accessToken"]
                .as_str()
                .expect("token")
                .to_owned()
        }
    };
    let admin = login("admin@demo.talentgraph.dev").await;
    let counts = "{ companies { totalCount } skills { totalCount } consultants { totalCount }
        tenders { totalCount } matches { totalCount } collaborations { totalCount }
        open: tenders(filter: { status: [OPEN] }) { totalCount }
        drafts: tenders(filter: { status: [DRAFT] }) { totalCount } }";
    let body = app.gql(Some(&admin), counts, json!({})).await;
    let d = data(&body);
    assert_eq!(d["companies"]["totalCount"], 5);
    assert_eq!(d["skills"]["totalCount"], 60);
    assert_eq!(d["consultants"]["totalCount"], 200);
    assert_eq!(d["tenders"]["totalCount"], 60);
    assert_eq!(d["open"]["totalCount"], 25);
    assert_eq!(d["drafts"]["totalCount"], 10);
    assert_eq!(d["matches"]["totalCount"], 250);
    assert_eq!(d["collaborations"]["totalCount"], 20);

    let client = login("client@demo.talentgraph.dev").await;
    let body = app.gql(Some(&client), "{ companies { totalCount } tenders { totalCount } collaborations { totalCount } matches(filter: { status: [PENDING] }) { totalCount } }", json!({})).await;
    let d = data(&body);
    assert_eq!(d["companies"]["totalCount"], 1);
    assert_eq!(d["tenders"]["totalCount"], 12);
    assert!(d["collaborations"]["totalCount"].as_u64().unwrap_or(0) >= 1);
    assert_eq!(d["matches"]["totalCount"], 0);

    let consultant = login("consultant@demo.talentgraph.dev").await;
    let body = app.gql(Some(&consultant), "{ consultants { totalCount edges { node { email dailyRate } } } collaborations { totalCount } }", json!({})).await;
    let d = data(&body);
    assert_eq!(d["consultants"]["totalCount"], 1);
    assert!(
        d["consultants"]["edges"][0]["node"]["email"]
            .as_str()
            .is_some_and(|e| e.ends_with("@consultants.example"))
    );
    assert!(d["collaborations"]["totalCount"].as_u64().unwrap_or(0) >= 1);
}
