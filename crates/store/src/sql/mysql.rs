//! MySQL and MariaDB: catalog queries, session setup and value decoding.
//!
//! Catalog strings are selected through `CAST(.. AS CHAR)`: MySQL 8 reports some
//! information_schema columns with binary collations, which sqlx refuses to decode as `String`.

use super::{
    column_info, decode_err, host_port, map_sqlx, redacted_location, refuse_inline_password,
    unique_schema, with_deadline, Column, Kind, Lookup, Pool, Resolved, SqlOptions,
    SqlRecordSource,
};
use chrono::{NaiveDate, NaiveDateTime};
use rampart_core::ports::{Cell, StoreResult, TableInfo, TableRef};
use secrecy::ExposeSecret;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlPool, MySqlPoolOptions, MySqlRow};
use sqlx::{Connection, Executor, Row, ValueRef};
use std::str::FromStr;

pub(super) async fn connect(opts: &SqlOptions) -> StoreResult<SqlRecordSource> {
    let store = format!("MySQL at {}", host_port(&opts.url, 3306));
    refuse_inline_password(&store, &opts.url)?;
    // sqlx's MySQL options parser only knows `mysql://`; `mariadb://` is the same protocol.
    let url = match opts.url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mariadb") => format!("mysql://{rest}"),
        _ => opts.url.clone(),
    };
    // sqlx sets `time_zone = '+00:00'` and utf8mb4 on every connection by default, so
    // TIMESTAMP columns arrive in UTC and Hangul round-trips.
    let mut co =
        MySqlConnectOptions::from_str(&url).map_err(|e| map_sqlx(&store, "parse the URL", e))?;
    if let Some(pw) = &opts.password {
        co = co.password(pw.expose_secret());
    }
    let read_only = opts.read_only;
    let timeout = opts.timeout;

    // A direct connection first, so a wrong password is reported as such (see postgres.rs).
    let mut probe = with_deadline(&store, timeout, MySqlConnection::connect_with(&co)).await?;
    with_deadline(&store, timeout, setup_session(&mut probe, read_only)).await?;
    let _ = probe.close().await;

    let pool = MySqlPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(timeout)
        .after_connect(move |conn, _meta| {
            Box::pin(async move { setup_session(conn, read_only).await })
        })
        .connect_lazy_with(co);
    Ok(SqlRecordSource {
        pool: Pool::MySql(pool),
        store,
        location: redacted_location(&opts.url),
        read_only,
        timeout,
    })
}

async fn setup_session(conn: &mut MySqlConnection, read_only: bool) -> Result<(), sqlx::Error> {
    if read_only {
        // Applies to every later transaction of the session, autocommit statements included;
        // a write then fails with ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION (1792).
        conn.execute("SET SESSION TRANSACTION READ ONLY").await?;
    }
    Ok(())
}

pub(super) async fn ping(pool: &MySqlPool) -> Result<(String, Option<String>), sqlx::Error> {
    let row = sqlx::query("SELECT CAST(VERSION() AS CHAR), CAST(CURRENT_USER() AS CHAR)")
        .fetch_one(pool)
        .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

pub(super) async fn tables(pool: &MySqlPool) -> Result<Vec<TableInfo>, sqlx::Error> {
    // The current database only: a profile points at the service's database, and listing
    // every schema the account can see would mix in unrelated applications.
    let rows = sqlx::query(
        "SELECT CAST(TABLE_SCHEMA AS CHAR), CAST(TABLE_NAME AS CHAR),
                CAST(TABLE_ROWS AS SIGNED)
         FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = DATABASE()
           AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')
         ORDER BY TABLE_NAME",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let estimate: Option<i64> = r.try_get(2)?;
            Ok(TableInfo {
                table: TableRef {
                    schema: Some(r.try_get(0)?),
                    name: r.try_get(1)?,
                },
                estimated_rows: estimate.and_then(|e| u64::try_from(e).ok()),
            })
        })
        .collect()
}

pub(super) async fn resolve(pool: &MySqlPool, table: &TableRef) -> Result<Lookup, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT CAST(c.TABLE_SCHEMA AS CHAR), CAST(c.TABLE_NAME AS CHAR),
                CAST(c.COLUMN_NAME AS CHAR), CAST(c.COLUMN_TYPE AS CHAR),
                CAST(c.DATA_TYPE AS CHAR), CAST(c.IS_NULLABLE AS CHAR),
                CAST(k.ORDINAL_POSITION AS SIGNED)
         FROM information_schema.COLUMNS c
         LEFT JOIN information_schema.KEY_COLUMN_USAGE k
                ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
               AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY'
         WHERE c.TABLE_SCHEMA = DATABASE()
           AND (? IS NULL OR c.TABLE_SCHEMA = ?)
           AND c.TABLE_NAME = ?
         ORDER BY c.ORDINAL_POSITION",
    )
    .bind(table.schema.as_deref())
    .bind(table.schema.as_deref())
    .bind(&table.name)
    .fetch_all(pool)
    .await?;

    // information_schema compares names case-insensitively; only an exact match counts, so
    // `CUSTOMERS` does not silently show `customers`.
    let rows: Vec<&MySqlRow> = rows
        .iter()
        .filter(|r| r.try_get::<String, _>(1).ok().as_deref() == Some(&*table.name))
        .collect();
    let schemas: Vec<String> = rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let schema = match unique_schema(schemas) {
        Ok(s) => s,
        Err(lookup) => return Ok(lookup),
    };
    let mut columns = Vec::with_capacity(rows.len());
    for r in &rows {
        let name: String = r.try_get(2)?;
        let column_type: String = r.try_get(3)?;
        let data_type: String = r.try_get(4)?;
        let nullable: String = r.try_get(5)?;
        let pk_pos: Option<i64> = r.try_get(6)?;
        columns.push(Column {
            kind: kind_for(
                &data_type.to_ascii_lowercase(),
                &column_type.to_ascii_lowercase(),
            ),
            info: column_info(
                name,
                column_type.clone(),
                nullable == "YES",
                pk_pos.is_some(),
            ),
            pk_pos: pk_pos.map(|p| p as u32),
            sql_type: column_type,
        });
    }
    // The exact-match filter above makes the catalog's spelling equal to the caller's.
    Ok(Lookup::Found(Resolved {
        schema: Some(schema),
        name: table.name.clone(),
        columns,
    }))
}

fn kind_for(data_type: &str, column_type: &str) -> Kind {
    match data_type {
        // MySQL's BOOLEAN is an alias of TINYINT(1); the display width is the only trace.
        "tinyint" if column_type.starts_with("tinyint(1)") => Kind::Bool,
        "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint" | "year" => {
            if column_type.contains("unsigned") {
                Kind::UInt
            } else {
                Kind::Int
            }
        }
        "float" | "double" | "real" => Kind::Float,
        "decimal" | "numeric" | "time" => Kind::CastText,
        "bit" => Kind::CastUInt,
        "char" | "varchar" | "tinytext" | "text" | "mediumtext" | "longtext" | "enum" | "set"
        | "json" => Kind::Text,
        "date" => Kind::Date,
        "datetime" | "timestamp" => Kind::Timestamp,
        // binary, varbinary, blobs, geometry (WKB) and anything newer: raw bytes.
        _ => Kind::Bytes,
    }
}

pub(super) async fn fetch(
    pool: &MySqlPool,
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
            Cell::Timestamp(t) => q.bind(*t),
            Cell::Null => q.bind(None::<String>),
        };
    }
    let rows = q.fetch_all(pool).await?;
    rows.iter()
        .map(|row| {
            columns
                .iter()
                .enumerate()
                .map(|(i, c)| decode(row, i, c))
                .collect()
        })
        .collect()
}

/// Decode by the catalog's type. Unchecked getters are used where sqlx's compatibility check
/// is narrower than the wire format (a `utf8mb4_bin` VARCHAR carries the BINARY flag and is
/// refused as `String`); the MySQL decoders used here check the buffer length themselves.
fn decode(row: &MySqlRow, i: usize, c: &Column) -> Result<Cell, sqlx::Error> {
    let name = &c.info.name;
    if row.try_get_raw(i)?.is_null() {
        return Ok(Cell::Null);
    }
    Ok(match c.kind {
        Kind::Bool => Cell::Bool(row.try_get_unchecked::<i64, _>(i)? != 0),
        Kind::Int => Cell::Int(row.try_get_unchecked::<i64, _>(i)?),
        Kind::UInt | Kind::CastUInt => {
            let v = row.try_get_unchecked::<u64, _>(i)?;
            i64::try_from(v)
                .map(Cell::Int)
                .unwrap_or_else(|_| Cell::Text(v.to_string()))
        }
        Kind::Float => Cell::Float(row.try_get_unchecked::<f64, _>(i)?),
        Kind::Text | Kind::CastText => {
            let bytes = row.try_get_unchecked::<Vec<u8>, _>(i)?;
            // A text column in a non-UTF-8 charset (latin1 bytes) is shown as bytes rather
            // than replaced characters.
            String::from_utf8(bytes)
                .map(Cell::Text)
                .unwrap_or_else(|e| Cell::Bytes(e.into_bytes()))
        }
        Kind::Timestamp => match row.try_get_unchecked::<NaiveDateTime, _>(i) {
            Ok(t) => Cell::Timestamp(t),
            Err(e) => zero_date(row, i).ok_or_else(|| decode_err(name, e))?,
        },
        Kind::Date => match row.try_get_unchecked::<NaiveDate, _>(i) {
            Ok(d) => Cell::Timestamp(d.and_hms_opt(0, 0, 0).unwrap_or_default()),
            Err(e) => zero_date(row, i).ok_or_else(|| decode_err(name, e))?,
        },
        Kind::Bytes | Kind::Dynamic { .. } => Cell::Bytes(row.try_get_unchecked::<Vec<u8>, _>(i)?),
    })
}

/// MySQL's "zero date" (`0000-00-00`, allowed by lax SQL modes) has no calendar value; it is
/// sent as a binary value of length 0 (just the length byte). Shown as MySQL prints it.
fn zero_date(row: &MySqlRow, i: usize) -> Option<Cell> {
    match row.try_get_unchecked::<Vec<u8>, _>(i) {
        Ok(b) if b.len() <= 1 => Some(Cell::Text("0000-00-00 00:00:00".into())),
        _ => None,
    }
}
