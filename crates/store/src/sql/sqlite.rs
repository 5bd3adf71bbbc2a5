//! SQLite: catalog queries and value decoding.
//!
//! SQLite values carry their own storage class (a `TIMESTAMP` column may hold text, integers
//! or reals), so cells are decoded per value, with the declared type only as a hint: text in a
//! date/time column that parses as a timestamp becomes [`Cell::Timestamp`], 0/1 in a boolean
//! column becomes [`Cell::Bool`], and everything else keeps its storage class.

use super::{
    column_info, map_sqlx, with_deadline, Column, Kind, Lookup, Pool, Resolved, SqlOptions,
    SqlRecordSource,
};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rampart_core::ports::{Cell, StoreResult, TableInfo, TableRef};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions, SqliteRow,
};
use sqlx::{Connection, Row, TypeInfo, ValueRef};
use std::str::FromStr;

/// Tables that belong to SQLite itself or to a migration tool, not to the service's data.
const HIDDEN: &str = "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations'";

pub(super) async fn connect(opts: &SqlOptions) -> StoreResult<SqlRecordSource> {
    let mut co = SqliteConnectOptions::from_str(&opts.url)
        .map_err(|e| map_sqlx(&format!("SQLite at {}", opts.url), "parse the URL", e))?;
    let store = format!("SQLite at {}", co.get_filename().display());
    // `mode=ro`: the file is opened read-only by SQLite itself. Never create a missing file:
    // a typo in a profile must fail, not show an empty database.
    co = co
        .read_only(opts.read_only)
        .create_if_missing(false)
        .busy_timeout(opts.timeout);
    let probe = with_deadline(&store, opts.timeout, SqliteConnection::connect_with(&co)).await?;
    let _ = probe.close().await;
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(opts.timeout)
        .connect_lazy_with(co.clone());
    Ok(SqlRecordSource {
        pool: Pool::Sqlite(pool),
        location: co.get_filename().display().to_string(),
        store,
        read_only: opts.read_only,
        timeout: opts.timeout,
    })
}

pub(super) async fn ping(pool: &SqlitePool) -> Result<(String, Option<String>), sqlx::Error> {
    let row = sqlx::query("SELECT sqlite_version()")
        .fetch_one(pool)
        .await?;
    Ok((row.try_get(0)?, None))
}

pub(super) async fn tables(pool: &SqlitePool) -> Result<Vec<TableInfo>, sqlx::Error> {
    // No estimate: SQLite keeps no row statistics unless ANALYZE ran, and COUNT(*) is a scan.
    let sql = format!(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND {HIDDEN} ORDER BY name"
    );
    let rows = sqlx::query(&sql).fetch_all(pool).await?;
    rows.iter()
        .map(|r| {
            Ok(TableInfo {
                table: TableRef {
                    schema: None,
                    name: r.try_get(0)?,
                },
                estimated_rows: None,
            })
        })
        .collect()
}

pub(super) async fn resolve(pool: &SqlitePool, table: &TableRef) -> Result<Lookup, sqlx::Error> {
    if !matches!(table.schema.as_deref(), None | Some("main")) {
        return Ok(Lookup::Missing);
    }
    let sql = format!(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND {HIDDEN} AND name = ?"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(&table.name)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(Lookup::Missing);
    };
    let name: String = row.try_get(0)?;
    // The table-valued pragma takes the name as a bound parameter: no quoting needed here.
    let rows = sqlx::query(r#"SELECT name, type, "notnull", pk FROM pragma_table_info(?)"#)
        .bind(&name)
        .fetch_all(pool)
        .await?;
    let mut columns = Vec::with_capacity(rows.len());
    for r in &rows {
        let col: String = r.try_get(0)?;
        let declared: String = r.try_get(1)?;
        let notnull: i64 = r.try_get(2)?;
        let pk: i64 = r.try_get(3)?;
        let upper = declared.to_ascii_uppercase();
        // An INTEGER PRIMARY KEY is the rowid and never NULL, though the pragma says nullable.
        let rowid = pk > 0 && upper == "INTEGER";
        columns.push(Column {
            info: column_info(col, declared.clone(), notnull == 0 && !rowid, pk > 0),
            kind: Kind::Dynamic {
                bool_hint: upper.contains("BOOL"),
                time_hint: upper.contains("DATE") || upper.contains("TIME"),
            },
            pk_pos: (pk > 0).then_some(pk as u32),
            sql_type: declared,
        });
    }
    Ok(Lookup::Found(Resolved {
        schema: None,
        name,
        columns,
    }))
}

pub(super) async fn fetch(
    pool: &SqlitePool,
    sql: &str,
    after: Option<&[Cell]>,
    columns: &[Column],
) -> Result<Vec<Vec<Cell>>, sqlx::Error> {
    let mut q = sqlx::query(sql);
    for cell in after.unwrap_or_default() {
        q = match cell {
            Cell::Bool(b) => q.bind(*b),
            Cell::Int(i) => q.bind(*i),
            Cell::Float(f) => q.bind(*f),
            Cell::Text(s) => q.bind(s.clone()),
            Cell::Bytes(b) => q.bind(b.clone()),
            // Keyset on a timestamp key only works when the file stores this same text form;
            // SQLite has no timestamp type to convert through.
            Cell::Timestamp(t) => q.bind(t.format("%Y-%m-%d %H:%M:%S%.f").to_string()),
            Cell::Null => q.bind(None::<String>),
        };
    }
    let rows = q.fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| decode(row, i, c.kind))
                .collect()
        })
        .collect()
}

fn decode(row: &SqliteRow, i: usize, kind: Kind) -> Result<Cell, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let (bool_hint, time_hint) = match kind {
        Kind::Dynamic {
            bool_hint,
            time_hint,
        } => (bool_hint, time_hint),
        _ => (false, false),
    };
    let class = raw.type_info().name().to_string();
    Ok(match class.as_str() {
        "INTEGER" => {
            let v: i64 = row.try_get_unchecked(i)?;
            match v {
                0 | 1 if bool_hint => Cell::Bool(v == 1),
                _ => Cell::Int(v),
            }
        }
        "REAL" => Cell::Float(row.try_get_unchecked(i)?),
        "TEXT" => {
            let s: String = row.try_get_unchecked(i)?;
            match time_hint.then(|| parse_time(&s)).flatten() {
                Some(t) => Cell::Timestamp(t),
                None => Cell::Text(s),
            }
        }
        _ => Cell::Bytes(row.try_get_unchecked(i)?),
    })
}

/// The text forms SQLite's date functions and common drivers write. A zone offset or `Z` is
/// converted to UTC, as the port promises naive UTC.
pub(super) fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.naive_utc());
    }
    for f in ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%:z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.naive_utc());
        }
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
}
