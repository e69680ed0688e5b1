//! A fresh database per test server: a SQLite file in a temporary directory, or a new
//! PostgreSQL database (dropped again afterwards) when `TALENTGRAPH_TEST_POSTGRES_URL` is set.

use sea_orm::{ConnectionTrait as _, Database};

pub struct TestDatabase {
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<TempDir>,
    /// The uploaded files' folder, removed with the database it belongs to.
    _files: Option<TempDir>,
}

/// The folder of uploaded files of the database at `url` (every instance on it shares it).
pub fn files_dir(url: &str) -> std::path::PathBuf {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::hash::DefaultHasher::new();
    url.hash(&mut hasher);
    std::env::temp_dir().join(format!("tg_files_{:016x}", hasher.finish()))
}

/// A temporary directory removed on drop.
pub struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        let name = format!("tg_test_{}", uuid::Uuid::now_v7().simple());
        match std::env::var("TALENTGRAPH_TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("PostgreSQL reachable");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url);
                let url = format!("{base}/{name}");
                TestDatabase {
                    _files: Some(TempDir(files_dir(&url))),
                    url,
                    postgres: Some((admin_url.clone(), name)),
                    _dir: None,
                }
            }
            _ => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("temp dir");
                let url = format!("sqlite://{}/test.db?mode=rwc", dir.display());
                TestDatabase {
                    _files: Some(TempDir(files_dir(&url))),
                    url,
                    postgres: None,
                    _dir: Some(TempDir(dir)),
                }
            }
        }
    }

    /// The same database, not owned: for a second server instance (dropping it drops nothing).
    pub fn shared(url: &str) -> TestDatabase {
        TestDatabase {
            url: url.to_owned(),
            postgres: None,
            _dir: None,
            _files: None,
        }
    }

    /// A placeholder left behind when the database moves to another server.
    pub fn detached() -> TestDatabase {
        TestDatabase {
            url: String::new(),
            postgres: None,
            _dir: None,
            _files: None,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop from a thread with its own runtime: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}
