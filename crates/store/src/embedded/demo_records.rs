//! The demo's PII records: a `customers` table in a SQLite file of its own beside the embedded
//! store, standing in for the service's SQL database. A separate file keeps Rampart's own tables
//! (key space, audit index, trail) out of the record views.

use std::path::Path;
use std::str::FromStr;

use async_trait::async_trait;
use rampart_core::demo::DemoCustomer;
use rampart_core::ports::{DemoRecords, StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use super::backend;

/// The demo records file that goes with an embedded store file: `demo.db` -> `demo.records.db`.
pub fn records_path(embedded: &Path) -> std::path::PathBuf {
    embedded.with_extension("records.db")
}

/// The demo records file as a [`DemoRecords`] port.
#[derive(Debug, Clone)]
pub struct DemoRecordsFile {
    path: std::path::PathBuf,
    read_only: bool,
}

impl DemoRecordsFile {
    /// The records file that goes with the embedded store at `embedded`.
    pub fn beside(embedded: &Path, read_only: bool) -> Self {
        Self {
            path: records_path(embedded),
            read_only,
        }
    }
}

#[async_trait]
impl DemoRecords for DemoRecordsFile {
    async fn write_customers(&self, rows: &[DemoCustomer]) -> StoreResult<usize> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                store: "demo records file".into(),
                op: "write demo records".into(),
            });
        }
        write_customers(&self.path, rows).await
    }
}

/// Create `customers` (if missing) in the SQLite file at `path` and upsert the rows in one
/// transaction. Returns the count.
pub async fn write_customers(path: &Path, rows: &[DemoCustomer]) -> Result<usize, StoreError> {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .map_err(|e| backend(e.to_string()))?
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .map_err(|e| backend(format!("cannot open {}: {e}", path.display())))?;
    let mut tx = pool.begin().await.map_err(|e| backend(e.to_string()))?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS customers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL,
            phone TEXT NOT NULL,
            ssn TEXT NOT NULL,
            home_address TEXT NOT NULL,
            card_number TEXT NOT NULL,
            created_at TIMESTAMP NOT NULL
        )",
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| backend(e.to_string()))?;
    for r in rows {
        sqlx::query(
            "INSERT OR REPLACE INTO customers (id, name, email, phone, ssn, home_address, card_number, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(r.id)
        .bind(&r.name)
        .bind(&r.email)
        .bind(&r.phone)
        .bind(&r.ssn)
        .bind(&r.home_address)
        .bind(&r.card_number)
        .bind(r.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| backend(e.to_string()))?;
    }
    tx.commit().await.map_err(|e| backend(e.to_string()))?;
    pool.close().await;
    Ok(rows.len())
}
