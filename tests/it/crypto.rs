//! Encryption at rest: envelope keys, binding, rotation and crypto-shredding (DESIGN §11).

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, code, data, master_key};

async fn user_row(app: &TestApp, id: &str) -> entity::user::Model {
    let id = uuid::Uuid::parse_str(id).expect("uuid");
    entity::user::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .expect("query")
        .expect("row")
}

#[tokio::test]
async fn emails_are_encrypted_at_rest_with_a_blind_index() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let row = user_row(&app, &agency.admin.user_id).await;
    assert!(row.email.starts_with("v1:d1:"), "{}", row.email);
    assert!(!row.email.contains(&agency.admin.email) && !row.email.contains("admin@"));
    assert_eq!(row.email_index.len(), 64);
    // The same e-mail in two tenants has unrelated ciphertexts and indexes.
    let other = app.agency().await;
    let email = format!("shared@{}.test", agency.slug);
    agency.invite(&app, &email, "CLIENT").await;
    other.invite(&app, &email, "CLIENT").await;
    let rows = entity::invitation::Entity::find()
        .filter(entity::invitation::Column::Role.eq(entity::Role::Client))
        .all(&app.state.db)
        .await
        .expect("query");
    assert_eq!(rows.len(), 2);
    assert_ne!(rows[0].email_index, rows[1].email_index);
    // Master keys wrap the tenant keys; no tenant key is stored in the clear.
    let keys = entity::tenant_key::Entity::find()
        .all(&app.state.db)
        .await
        .expect("query");
    assert!(
        keys.iter()
            .all(|k| k.wrapped_dek.starts_with("v1:k1:") && k.kek_id == "k1")
    );
}

#[tokio::test]
async fn a_ciphertext_copied_to_another_row_is_refused_without_leaking() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let victim = agency.member(&app, "MANAGER").await;
    let admin_row = user_row(&app, &agency.admin.user_id).await;
    let mut moved: entity::user::ActiveModel = user_row(&app, &victim.user_id).await.into();
    moved.email = sea_orm::Set(admin_row.email.clone());
    sea_orm::ActiveModelTrait::update(moved, &app.state.db)
        .await
        .expect("update");
    let body = app
        .gql(
            agency.admin.token(),
            "query($id: ID!) { user(id: $id) { email } }",
            json!({ "id": victim.user_id }),
        )
        .await;
    assert_eq!(code(&body), "INTERNAL_SERVER_ERROR", "{body}");
    let text = body.to_string();
    assert!(
        !text.contains(&agency.admin.email) && !text.contains("v1:") && !text.contains("aead"),
        "{text}"
    );
}

#[tokio::test]
async fn values_stay_readable_after_master_key_rotation() {
    let app = TestApp::spawn().await;
    let agency = app.agency().await;
    let member = agency.member(&app, "CLIENT").await;
    let new_ring = format!("{},{}", master_key("k2", 2), master_key("k1", 1));
    let app = app.restart_with_keys(&new_ring).await;
    // Before rotation the old key still unwraps.
    data(&agency.login(&app, &member.email, PASSWORD).await);

    let report =
        talentgraph::tenancy::keys::rotate_master_key(&app.state, &app.state.config.master_keys)
            .await
            .expect("rotate");
    assert_eq!(report.rewrapped.len(), 1);
    let again =
        talentgraph::tenancy::keys::rotate_master_key(&app.state, &app.state.config.master_keys)
            .await
            .expect("rotate again");
    assert_eq!((again.rewrapped.len(), again.already_current), (0, 1));
    let keys = entity::tenant_key::Entity::find()
        .all(&app.state.db)
        .await
        .expect("query");
    assert!(
        keys.iter()
            .all(|k| k.kek_id == "k2" && k.wrapped_dek.starts_with("v1:k2:"))
    );

    // Once rotated, the old master key can be retired.
    let app = app.restart_with_keys(&master_key("k2", 2)).await;
    let body = agency.login(&app, &member.email, PASSWORD).await;
    assert_eq!(data(&body)["login"]["user"]["email"], member.email);
}

#[tokio::test]
async fn destroying_a_tenant_key_shreds_that_tenant_only() {
    let app = TestApp::spawn().await;
    let doomed = app.agency().await;
    let kept = app.agency().await;
    let tenant = uuid::Uuid::parse_str(&doomed.tenant_id).expect("uuid");
    assert!(
        talentgraph::crypto::destroy_tenant_keys(&app.state.db, tenant)
            .await
            .expect("destroy")
    );
    let body = app
        .gql(doomed.admin.token(), "{ me { email } }", json!({}))
        .await;
    assert_eq!(code(&body), "INTERNAL_SERVER_ERROR", "{body}");
    assert!(!body.to_string().contains(&doomed.admin.email));
    // The ciphertext is still there, but nothing can open it any more.
    let row = user_row(&app, &doomed.admin.user_id).await;
    assert!(row.email.starts_with("v1:"));
    let body = app
        .gql(kept.admin.token(), "{ me { email } }", json!({}))
        .await;
    assert_eq!(data(&body)["me"]["email"], kept.admin.email);
}
