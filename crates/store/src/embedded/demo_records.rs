//! The demo's PII records: a `customers` table in the embedded file, so the console's SQL record
//! views have real rows to page through with no database server.

use rampart_core::demo::DemoCustomer;
use rampart_core::ports::StoreError;

use super::{backend, EmbeddedStore};

/// Create `customers` (if missing) and upsert the rows in one transaction. Returns the count.
pub async fn write_customers(
    store: &EmbeddedStore,
    rows: &[DemoCustomer],
) -> Result<usize, StoreError> {
    let mut tx = store
        .pool()
        .begin()
        .await
        .map_err(|e| backend(e.to_string()))?;
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
    Ok(rows.len())
}
