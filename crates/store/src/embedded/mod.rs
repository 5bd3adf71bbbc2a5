//! The embedded store: one SQLite file under the app data dir, so the console runs with no
//! server (demo, offline ceremonies). It holds the seed's key space ([`keyspace`]) and an indexed
//! audit-event table ([`audit`]). Migrations live in `crates/store/migrations/embedded/`.

pub mod audit;
pub mod demo_records;
pub mod keyspace;

use rampart_core::ports::StoreError;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/embedded");

/// An open embedded store file, migrated to the current schema.
#[derive(Clone, Debug)]
pub struct EmbeddedStore {
    pool: SqlitePool,
    path: PathBuf,
}

impl EmbeddedStore {
    /// Open (creating when missing) and migrate the file at `path`.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Unreachable {
                store: "embedded store".into(),
                reason: format!("cannot create {}: {e}", dir.display()),
            })?;
        }
        let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| backend(e.to_string()))?
            .create_if_missing(true)
            // WAL lets readers (the UI) run while a long write (demo seed) is in progress.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // 64 MiB page cache per connection (grown only as used): index maintenance of the
            // audit table stays in memory while millions of events are appended.
            .pragma("cache_size", "-65536")
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Unreachable {
                store: "embedded store".into(),
                reason: format!("cannot open {}: {e}", path.display()),
            })?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| backend(format!("migration failed: {e}")))?;
        Ok(Self {
            pool,
            path: path.to_path_buf(),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

pub(crate) fn backend(reason: String) -> StoreError {
    StoreError::Backend {
        store: "embedded store".into(),
        reason,
    }
}
