//! PostgreSQL: catalog queries, session setup and value decoding.

use super::{
    column_info, decode_err, host_port, map_sqlx, redacted_location, refuse_inline_password,
    unique_schema, with_deadline, Column, Kind, Lookup, Pool, Resolved, SqlOptions,
    SqlRecordSource,
};
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rampart_core::ports::{Cell, StoreResult, TableInfo, TableRef};
use secrecy::ExposeSecret;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow, PgValueFormat};
use sqlx::{Connection, Executor, Row, TypeInfo, ValueRef};
use std::str::FromStr;
use std::time::Duration;

pub(super) async fn connect(opts: &SqlOptions) -> StoreResult<SqlRecordSource> {
    let store = format!("PostgreSQL at {}", host_port(&opts.url, 5432));
    refuse_inline_password(&store, &opts.url)?;
    let mut co = PgConnectOptions::from_str(&opts.url)
        .map_err(|e| map_sqlx(&store, "parse the URL", e))?
        .application_name("rampart");
    if let Some(pw) = &opts.password {
        co = co.password(pw.expose_secret());
    }
    let read_only = opts.read_only;
    let timeout = opts.timeout;

    // One direct connection first: the pool retries refused connections until its acquire
    // timeout and then reports only "timed out", which would hide "wrong password".
    let mut probe = with_deadline(&store, timeout, PgConnection::connect_with(&co)).await?;
    with_deadline(
        &store,
        timeout,
        setup_session(&mut probe, read_only, timeout),
    )
    .await?;
    let _ = probe.close().await;

    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(timeout)
        .after_connect(move |conn, _meta| {
            Box::pin(async move { setup_session(conn, read_only, timeout).await })
        })
        .connect_lazy_with(co);
    Ok(SqlRecordSource {
        pool: Pool::Postgres(pool),
        store,
        location: redacted_location(&opts.url),
        read_only,
        timeout,
    })
}

/// Every session: UTC (so `timestamptz` values and keyset parameters are unambiguous), a
/// server-side statement timeout (so an abandoned query does not keep running), and read-only
/// transactions when the profile says so.
async fn setup_session(
    conn: &mut PgConnection,
    read_only: bool,
    timeout: Duration,
) -> Result<(), sqlx::Error> {
    conn.execute("SET TIME ZONE 'UTC'").await?;
    conn.execute(format!("SET statement_timeout = {}", timeout.as_millis()).as_str())
        .await?;
    if read_only {
        conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            .await?;
    }
    Ok(())
}

pub(super) async fn ping(pool: &PgPool) -> Result<(String, Option<String>), sqlx::Error> {
    let row = sqlx::query("SELECT current_setting('server_version'), current_user::text")
        .fetch_one(pool)
        .await?;
    Ok((row.try_get(0)?, Some(row.try_get(1)?)))
}

pub(super) async fn tables(pool: &PgPool) -> Result<Vec<TableInfo>, sqlx::Error> {
    // information_schema.tables lists only what the account has a privilege on; pg_class adds
    // the planner's row estimate (-1 before the first ANALYZE since PostgreSQL 14).
    let rows = sqlx::query(
        "SELECT t.table_schema::text, t.table_name::text,
                CASE WHEN c.relkind IN ('r', 'p', 'm', 'f') AND c.reltuples >= 0
                     THEN c.reltuples::float8 END
         FROM information_schema.tables t
         JOIN pg_catalog.pg_namespace n ON n.nspname = t.table_schema
         JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.table_name
         WHERE t.table_schema NOT IN ('pg_catalog', 'information_schema')
           AND t.table_type IN ('BASE TABLE', 'VIEW')
         ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let estimate: Option<f64> = r.try_get(2)?;
            Ok(TableInfo {
                table: TableRef {
                    schema: Some(r.try_get(0)?),
                    name: r.try_get(1)?,
                },
                estimated_rows: estimate.map(|e| e.round() as u64),
            })
        })
        .collect()
}

pub(super) async fn resolve(pool: &PgPool, table: &TableRef) -> Result<Lookup, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT n.nspname::text, c.relname::text, a.attname::text,
                format_type(a.atttypid, a.atttypmod),
                (CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END)::text,
                NOT a.attnotnull,
                array_position(con.conkey, a.attnum)
         FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_catalog.pg_attribute a
              ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
         LEFT JOIN pg_catalog.pg_constraint con ON con.conrelid = c.oid AND con.contype = 'p'
         WHERE c.relname = $1
           AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND ($2::text IS NULL OR n.nspname = $2)
         ORDER BY n.nspname, a.attnum",
    )
    .bind(&table.name)
    .bind(table.schema.as_deref())
    .fetch_all(pool)
    .await?;

    let schemas: Vec<String> = rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let schema = match unique_schema(schemas) {
        Ok(s) => s,
        Err(lookup) => return Ok(lookup),
    };
    let mut name = String::new();
    let mut columns = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.try_get::<String, _>(0).ok().as_ref() == Some(&schema))
    {
        name = r.try_get(1)?;
        let col: String = r.try_get(2)?;
        let sql_type: String = r.try_get(3)?;
        let typname: String = r.try_get(4)?;
        let nullable: bool = r.try_get(5)?;
        let pk_pos: Option<i32> = r.try_get(6)?;
        columns.push(Column {
            info: column_info(col, sql_type.clone(), nullable, pk_pos.is_some()),
            kind: kind_for(&typname),
            pk_pos: pk_pos.map(|p| p as u32),
            sql_type,
        });
    }
    Ok(Lookup::Found(Resolved {
        schema: Some(schema),
        name,
        columns,
    }))
}

/// Types decoded natively; everything else is selected as `::text`, which PostgreSQL defines
/// for every type (json, uuid, inet, intervals, arrays, enums, ranges, extension types).
fn kind_for(typname: &str) -> Kind {
    match typname {
        "bool" => Kind::Bool,
        "int2" | "int4" | "int8" => Kind::Int,
        "float4" | "float8" => Kind::Float,
        "text" | "varchar" | "bpchar" | "name" => Kind::Text,
        "bytea" => Kind::Bytes,
        "timestamp" | "timestamptz" => Kind::Timestamp,
        "date" => Kind::Date,
        // numeric and money are exact; text keeps every digit.
        _ => Kind::CastText,
    }
}

pub(super) async fn fetch(
    pool: &PgPool,
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
                .map(|(i, c)| decode(row, i, &c.info.name))
                .collect()
        })
        .collect()
}

/// Decode by the type the server reports for the result column (after our `::text` casts the
/// set is closed). Checked decoders throughout: sqlx's unchecked integer decoders assume the
/// buffer width matches and would panic on a mismatch.
fn decode(row: &PgRow, i: usize, name: &str) -> Result<Cell, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let ty = raw.type_info().name().to_string();
    Ok(match ty.as_str() {
        "BOOL" => Cell::Bool(row.try_get(i)?),
        "INT2" => Cell::Int(row.try_get::<i16, _>(i)?.into()),
        "INT4" => Cell::Int(row.try_get::<i32, _>(i)?.into()),
        "INT8" => Cell::Int(row.try_get(i)?),
        "FLOAT4" => Cell::Float(row.try_get::<f32, _>(i)?.into()),
        "FLOAT8" => Cell::Float(row.try_get(i)?),
        "BYTEA" => Cell::Bytes(row.try_get(i)?),
        "TIMESTAMP" | "TIMESTAMPTZ" => timestamp(raw.format(), raw.as_bytes(), raw.as_str())
            .map_err(|e| decode_err(name, e))?,
        "DATE" => {
            date(raw.format(), raw.as_bytes(), raw.as_str()).map_err(|e| decode_err(name, e))?
        }
        _ => Cell::Text(row.try_get(i)?),
    })
}

fn pg_epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default()
}

/// `timestamp`/`timestamptz` on the wire: microseconds since 2000-01-01 (UTC for timestamptz).
/// Decoded here rather than by sqlx because `'infinity'` (i64::MAX) makes sqlx's chrono
/// addition panic; it becomes the text PostgreSQL would print.
fn timestamp(
    format: PgValueFormat,
    bytes: Result<&[u8], sqlx::error::BoxDynError>,
    text: Result<&str, sqlx::error::BoxDynError>,
) -> Result<Cell, String> {
    match format {
        PgValueFormat::Binary => {
            let b: [u8; 8] = bytes
                .map_err(|e| e.to_string())?
                .try_into()
                .map_err(|_| "timestamp is not 8 bytes".to_string())?;
            Ok(match i64::from_be_bytes(b) {
                i64::MAX => Cell::Text("infinity".into()),
                i64::MIN => Cell::Text("-infinity".into()),
                us => pg_epoch()
                    .checked_add_signed(TimeDelta::microseconds(us))
                    .map(Cell::Timestamp)
                    .unwrap_or_else(|| Cell::Text(format!("{us} µs after 2000-01-01"))),
            })
        }
        PgValueFormat::Text => Ok(Cell::Text(text.map_err(|e| e.to_string())?.to_string())),
    }
}

/// `date` on the wire: days since 2000-01-01, with i32::MAX/MIN for ±infinity.
fn date(
    format: PgValueFormat,
    bytes: Result<&[u8], sqlx::error::BoxDynError>,
    text: Result<&str, sqlx::error::BoxDynError>,
) -> Result<Cell, String> {
    match format {
        PgValueFormat::Binary => {
            let b: [u8; 4] = bytes
                .map_err(|e| e.to_string())?
                .try_into()
                .map_err(|_| "date is not 4 bytes".to_string())?;
            Ok(match i32::from_be_bytes(b) {
                i32::MAX => Cell::Text("infinity".into()),
                i32::MIN => Cell::Text("-infinity".into()),
                days => pg_epoch()
                    .checked_add_signed(TimeDelta::days(days.into()))
                    .map(Cell::Timestamp)
                    .unwrap_or_else(|| Cell::Text(format!("{days} days after 2000-01-01"))),
            })
        }
        PgValueFormat::Text => Ok(Cell::Text(text.map_err(|e| e.to_string())?.to_string())),
    }
}
