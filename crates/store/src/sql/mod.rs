//! [`RecordSource`] over the service's SQL database with PII records: PostgreSQL, MySQL/MariaDB
//! or SQLite, chosen by the URL scheme.
//!
//! Each backend has its own sqlx pool ([`postgres`], [`mysql`], [`sqlite`]) rather than sqlx's
//! `Any` driver, because `Any` decodes every value through a lowest-common-denominator type set
//! and loses timestamps, numerics and binary data, which a PII viewer must show faithfully.
//!
//! Defences, in the order they act:
//! - Table and column names never come from the caller into SQL. The caller's [`TableRef`] is
//!   looked up in the server's catalog with bound parameters; only the names the catalog returns
//!   are quoted (per dialect) into the `SELECT`. A name that is not in the catalog is
//!   [`StoreError::NotFound`]. That lookup is the SQL-injection defence; quoting is the second
//!   layer for names that are odd but real (`주문 "기록"`).
//! - `read_only` makes every session read-only where the backend supports it (PostgreSQL session
//!   characteristics, MySQL session transaction mode, SQLite `mode=ro`). The port only reads, so
//!   this is defence in depth against a bug, not the access control.
//! - Passwords enter as [`SecretString`], never appear in `Debug`, URLs, locations or errors.

mod mysql;
mod postgres;
mod sqlite;

use async_trait::async_trait;
use rampart_core::ports::{
    BackendInfo, Cell, ColumnInfo, PageRequest, RecordSource, RowPage, ServerInfo, StoreError,
    StoreResult, TableInfo, TableRef, DEFAULT_TIMEOUT,
};
use secrecy::SecretString;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// Most rows one [`RecordSource::page`] call returns, whatever the request asks: a page is for
/// a screen, and 1000 rows of wide PII tables is already megabytes over IPC.
pub const MAX_PAGE_ROWS: usize = 1000;

/// How to reach the service's SQL database.
#[derive(Clone)]
pub struct SqlOptions {
    /// `postgres://user@host:5432/db`, `mysql://user@host:3306/db` (also `mariadb://`),
    /// `sqlite:///path/to/file.db`. Without the password: a URL carrying one is refused, so the
    /// secret never ends up in a profile file, a log line or [`BackendInfo::location`].
    pub url: String,
    pub password: Option<SecretString>,
    /// Run every session read-only (see the module docs). Profiles default to `true`.
    pub read_only: bool,
    /// Bound for connecting and for each port call.
    pub timeout: Duration,
}

impl SqlOptions {
    /// Read-only, default timeout, no password.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            password: None,
            read_only: true,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl fmt::Debug for SqlOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlOptions")
            .field("url", &self.url)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("read_only", &self.read_only)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The service's SQL database. Cheap to clone (the pools are shared).
#[derive(Clone)]
pub struct SqlRecordSource {
    pool: Pool,
    /// `PostgreSQL at host:port`: names the store in every error.
    store: String,
    /// The URL without credentials or query string, for [`BackendInfo`].
    location: String,
    read_only: bool,
    timeout: Duration,
}

impl fmt::Debug for SqlRecordSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlRecordSource")
            .field("store", &self.store)
            .field("location", &self.location)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum Pool {
    Postgres(sqlx::PgPool),
    MySql(sqlx::MySqlPool),
    Sqlite(sqlx::SqlitePool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Postgres,
    MySql,
    Sqlite,
}

impl Dialect {
    fn from_url(url: &str) -> StoreResult<Self> {
        let scheme = url
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase())
            .unwrap_or_default();
        match scheme.as_str() {
            "postgres" | "postgresql" => Ok(Dialect::Postgres),
            "mysql" | "mariadb" => Ok(Dialect::MySql),
            "sqlite" => Ok(Dialect::Sqlite),
            _ => Err(StoreError::Backend {
                store: "SQL database".into(),
                reason: format!(
                    "unsupported URL scheme `{scheme}` (expected postgres://, mysql:// or sqlite:)"
                ),
            }),
        }
    }

    /// Quote an identifier the catalog returned. Doubling the quote character is the escape
    /// in all three dialects; NUL cannot be represented in any of them and is refused.
    fn quote(self, ident: &str) -> StoreResult<String> {
        if ident.contains('\0') {
            return Err(StoreError::NotFound(format!(
                "identifier {ident:?} contains NUL"
            )));
        }
        Ok(match self {
            Dialect::MySql => format!("`{}`", ident.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
        })
    }
}

/// How a column's values are selected and decoded. Chosen from the catalog's type name, so
/// one decision covers every row (SQLite, whose values carry their own type, is the exception:
/// [`Kind::Dynamic`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    /// MySQL unsigned integers: decoded as u64, [`Cell::Text`] when above `i64::MAX`.
    UInt,
    Float,
    Text,
    Bytes,
    /// `timestamp`/`datetime` and zoned `timestamptz`/MySQL `TIMESTAMP` (sessions run in UTC,
    /// so both arrive as UTC).
    Timestamp,
    Date,
    /// Selected through a cast to text (`numeric`, `json`, `uuid`, `interval`, arrays, enums...).
    /// Exact decimals land here on purpose: a balance must not be rounded through f64.
    CastText,
    /// MySQL `BIT`: selected as `CAST(.. AS UNSIGNED)`.
    CastUInt,
    /// SQLite: by the value's storage class, with hints from the declared type.
    Dynamic {
        bool_hint: bool,
        time_hint: bool,
    },
}

/// A column as introspected: what the port reports plus how to read it.
#[derive(Debug, Clone)]
struct Column {
    info: ColumnInfo,
    kind: Kind,
    /// 1-based position in the primary key.
    pk_pos: Option<u32>,
    /// PostgreSQL: `format_type` output, used to cast keyset parameters back to the column type.
    sql_type: String,
}

/// A table as the catalog names it (never as the caller spelled it).
#[derive(Debug, Clone)]
struct Resolved {
    schema: Option<String>,
    name: String,
    columns: Vec<Column>,
}

impl SqlRecordSource {
    /// Connect and check the credentials with one real connection, so a wrong password or an
    /// unreachable server is reported here with its own error rather than as a pool timeout.
    pub async fn connect(opts: SqlOptions) -> Result<Self, StoreError> {
        match Dialect::from_url(&opts.url)? {
            Dialect::Postgres => postgres::connect(&opts).await,
            Dialect::MySql => mysql::connect(&opts).await,
            Dialect::Sqlite => sqlite::connect(&opts).await,
        }
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Postgres(p) => p.close().await,
            Pool::MySql(p) => p.close().await,
            Pool::Sqlite(p) => p.close().await,
        }
    }

    fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Postgres(_) => Dialect::Postgres,
            Pool::MySql(_) => Dialect::MySql,
            Pool::Sqlite(_) => Dialect::Sqlite,
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.dialect() {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// Run one port call under the configured timeout.
    async fn timed<T>(&self, fut: impl Future<Output = StoreResult<T>>) -> StoreResult<T> {
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(StoreError::Unreachable {
                store: self.store.clone(),
                reason: format!("no answer within {} ms", self.timeout.as_millis()),
            }),
        }
    }

    /// Look the table up in the catalog. `NotFound` when it is not there, which is how names
    /// with injection characters are refused.
    async fn resolve(&self, table: &TableRef) -> StoreResult<Resolved> {
        // No catalog holds a name with NUL, and PostgreSQL rejects NUL in a bound text
        // parameter with an encoding error rather than "no rows".
        if table.name.contains('\0') || table.schema.as_deref().is_some_and(|s| s.contains('\0')) {
            return Err(StoreError::NotFound(describe(table)));
        }
        let found = match &self.pool {
            Pool::Postgres(p) => postgres::resolve(p, table).await,
            Pool::MySql(p) => mysql::resolve(p, table).await,
            Pool::Sqlite(p) => sqlite::resolve(p, table).await,
        }
        .map_err(|e| map_sqlx(&self.store, "read the catalog", e))?;
        let resolved = match found {
            Lookup::Found(r) => r,
            Lookup::Missing => return Err(StoreError::NotFound(describe(table))),
            Lookup::Ambiguous => {
                return Err(StoreError::NotFound(format!(
                    "{} exists in several schemas; name the schema",
                    describe(table)
                )))
            }
        };
        if resolved.columns.is_empty() {
            // A table the account cannot see columns of looks empty in every catalog.
            return Err(StoreError::NotFound(describe(table)));
        }
        Ok(resolved)
    }
}

fn describe(table: &TableRef) -> String {
    match &table.schema {
        Some(s) => format!("table `{s}`.`{}`", table.name),
        None => format!("table `{}`", table.name),
    }
}

/// What a catalog lookup found.
enum Lookup {
    Found(Resolved),
    Missing,
    /// The caller gave no schema and the name exists in several: refuse rather than guess
    /// which one to show.
    Ambiguous,
}

/// The single schema among catalog rows, or why there is none.
fn unique_schema(mut schemas: Vec<String>) -> Result<String, Lookup> {
    schemas.dedup();
    match schemas.len() {
        0 => Err(Lookup::Missing),
        1 => Ok(schemas.remove(0)),
        _ => Err(Lookup::Ambiguous),
    }
}

/// The `SELECT` for one page. Everything interpolated is either a quoted catalog name, a
/// catalog type name (PostgreSQL casts), or an integer this function formats.
fn page_sql(
    dialect: Dialect,
    table: &Resolved,
    keys: &[usize],
    keyset: bool,
    fetch: usize,
    offset: u64,
) -> StoreResult<String> {
    let mut exprs = Vec::with_capacity(table.columns.len());
    for c in &table.columns {
        let q = dialect.quote(&c.info.name)?;
        exprs.push(match (dialect, c.kind) {
            (Dialect::Postgres, Kind::CastText) => format!("{q}::text"),
            (Dialect::MySql, Kind::CastText) => format!("CAST({q} AS CHAR)"),
            (Dialect::MySql, Kind::CastUInt) => format!("CAST({q} AS UNSIGNED)"),
            _ => q,
        });
    }
    let from = match &table.schema {
        Some(s) if dialect != Dialect::Sqlite => {
            format!("{}.{}", dialect.quote(s)?, dialect.quote(&table.name)?)
        }
        _ => dialect.quote(&table.name)?,
    };
    let key_cols = keys
        .iter()
        .map(|&k| dialect.quote(&table.columns[k].info.name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut sql = format!("SELECT {} FROM {from}", exprs.join(", "));
    if keyset {
        let params: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(i, &k)| match dialect {
                // sqlx declares each parameter's type from the Rust value (i64, text...);
                // casting to the column's own type keeps `numeric > text` and friends valid.
                Dialect::Postgres => format!("CAST(${} AS {})", i + 1, table.columns[k].sql_type),
                Dialect::MySql | Dialect::Sqlite => "?".to_string(),
            })
            .collect();
        if keys.len() == 1 {
            sql.push_str(&format!(" WHERE {} > {}", key_cols[0], params[0]));
        } else {
            // Row-value comparison: one index range scan on all three backends.
            sql.push_str(&format!(
                " WHERE ({}) > ({})",
                key_cols.join(", "),
                params.join(", ")
            ));
        }
    }
    sql.push_str(&format!(" ORDER BY {} LIMIT {fetch}", key_cols.join(", ")));
    if !keyset && offset > 0 {
        sql.push_str(&format!(" OFFSET {offset}"));
    }
    Ok(sql)
}

#[async_trait]
impl RecordSource for SqlRecordSource {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: self.kind_name().into(),
            location: self.location.clone(),
            read_only: self.read_only,
        }
    }

    async fn ping(&self) -> StoreResult<ServerInfo> {
        self.timed(async {
            let started = std::time::Instant::now();
            let (version, account) = match &self.pool {
                Pool::Postgres(p) => postgres::ping(p).await,
                Pool::MySql(p) => mysql::ping(p).await,
                Pool::Sqlite(p) => sqlite::ping(p).await,
            }
            .map_err(|e| map_sqlx(&self.store, "ping", e))?;
            Ok(ServerInfo {
                kind: self.kind_name().into(),
                version,
                latency_ms: started.elapsed().as_millis() as u64,
                account,
            })
        })
        .await
    }

    async fn tables(&self) -> StoreResult<Vec<TableInfo>> {
        self.timed(async {
            match &self.pool {
                Pool::Postgres(p) => postgres::tables(p).await,
                Pool::MySql(p) => mysql::tables(p).await,
                Pool::Sqlite(p) => sqlite::tables(p).await,
            }
            .map_err(|e| map_sqlx(&self.store, "list tables", e))
        })
        .await
    }

    async fn columns(&self, table: &TableRef) -> StoreResult<Vec<ColumnInfo>> {
        self.timed(async {
            Ok(self
                .resolve(table)
                .await?
                .columns
                .into_iter()
                .map(|c| c.info)
                .collect())
        })
        .await
    }

    async fn page(&self, table: &TableRef, request: &PageRequest) -> StoreResult<RowPage> {
        self.timed(async {
            let resolved = self.resolve(table).await?;
            // Primary key in key order; without one, the first column. That column may hold
            // duplicates, and a keyset page boundary inside a run of equal values skips the
            // rest of the run: for tables whose columns report no primary key, shells page by
            // offset (exact, given the same ORDER BY).
            let mut keys: Vec<(u32, usize)> = resolved
                .columns
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.pk_pos.map(|p| (p, i)))
                .collect();
            keys.sort_unstable();
            let keys: Vec<usize> = if keys.is_empty() {
                vec![0]
            } else {
                keys.into_iter().map(|(_, i)| i).collect()
            };
            let after = match &request.after {
                Some(after) if after.len() != keys.len() => {
                    return Err(StoreError::Backend {
                        store: self.store.clone(),
                        reason: format!(
                            "the page cursor has {} values; the key of {} has {}",
                            after.len(),
                            describe(table),
                            keys.len()
                        ),
                    });
                }
                Some(after) if after.iter().any(|c| matches!(c, Cell::Null)) => {
                    return Err(StoreError::Backend {
                        store: self.store.clone(),
                        reason: "the page cursor holds a NULL key value".into(),
                    });
                }
                other => other.as_deref(),
            };
            let limit = request.limit.clamp(1, MAX_PAGE_ROWS);
            // One row more than asked tells whether another page exists without a COUNT.
            let sql = page_sql(
                self.dialect(),
                &resolved,
                &keys,
                after.is_some(),
                limit + 1,
                request.offset,
            )?;
            let op = format!("read {}", describe(table));
            let mut rows = match &self.pool {
                Pool::Postgres(p) => postgres::fetch(p, &sql, after, &resolved.columns).await,
                Pool::MySql(p) => mysql::fetch(p, &sql, after, &resolved.columns).await,
                Pool::Sqlite(p) => sqlite::fetch(p, &sql, after, &resolved.columns).await,
            }
            .map_err(|e| map_sqlx(&self.store, &op, e))?;
            let next_after = if rows.len() > limit {
                rows.truncate(limit);
                rows.last()
                    .map(|r| keys.iter().map(|&k| r[k].clone()).collect())
            } else {
                None
            };
            Ok(RowPage {
                columns: resolved.columns.into_iter().map(|c| c.info).collect(),
                rows,
                next_after,
            })
        })
        .await
    }
}

/// Build a column for the port, with the seed's PII rule applied to its name.
fn column_info(name: String, data_type: String, nullable: bool, pk: bool) -> ColumnInfo {
    let pii = rampart_domain::pii::is_pii_field(&name);
    ColumnInfo {
        name,
        data_type,
        nullable,
        primary_key: pk,
        pii,
    }
}

/// A decode failure inside a row: names the column, never the value.
fn decode_err(column: &str, e: impl fmt::Display) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: e.to_string().into(),
    }
}

/// Map an sqlx error to a typed store error. `op` says what was being done, for
/// `PermissionDenied`. Server messages are kept (they name objects, never the password).
fn map_sqlx(store: &str, op: &str, e: sqlx::Error) -> StoreError {
    let store_s = store.to_string();
    match e {
        sqlx::Error::Io(io) => StoreError::Unreachable {
            store: store_s,
            reason: io.to_string(),
        },
        sqlx::Error::Tls(t) => StoreError::Tls {
            store: store_s,
            reason: t.to_string(),
        },
        sqlx::Error::PoolTimedOut => StoreError::Unreachable {
            store: store_s,
            reason: "timed out waiting for a connection".into(),
        },
        sqlx::Error::PoolClosed => StoreError::Unreachable {
            store: store_s,
            reason: "the connection pool is closed".into(),
        },
        sqlx::Error::Database(db) => map_database(store, op, db.as_ref()),
        sqlx::Error::RowNotFound => StoreError::NotFound(op.to_string()),
        sqlx::Error::ColumnDecode { index, source } => StoreError::Protocol {
            store: store_s,
            reason: format!("cannot decode column `{index}`: {source}"),
        },
        sqlx::Error::Protocol(p) => StoreError::Protocol {
            store: store_s,
            reason: p,
        },
        other => StoreError::Backend {
            store: store_s,
            reason: other.to_string(),
        },
    }
}

fn map_database(store: &str, op: &str, db: &dyn sqlx::error::DatabaseError) -> StoreError {
    let store_s = store.to_string();
    let message = db.message().to_string();
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        // MySQL error numbers are finer than its SQLSTATEs (1044 and 1045 share 42000/28000).
        return match my.number() {
            1045 | 1698 => StoreError::AuthFailed {
                store: store_s,
                reason: message,
            },
            1044 | 1142 | 1143 | 1227 => StoreError::PermissionDenied {
                store: store_s,
                op: op.to_string(),
            },
            1049 => StoreError::NotFound(message),
            1146 => StoreError::NotFound(message),
            1792 => StoreError::ReadOnly {
                store: store_s,
                op: op.to_string(),
            },
            _ => StoreError::Backend {
                store: store_s,
                reason: message,
            },
        };
    }
    if db
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some()
    {
        return match code.as_str() {
            // invalid_password, invalid_authorization_specification (unknown role, no
            // pg_hba entry).
            "28P01" | "28000" => StoreError::AuthFailed {
                store: store_s,
                reason: message,
            },
            "42501" => StoreError::PermissionDenied {
                store: store_s,
                op: op.to_string(),
            },
            // undefined_table, invalid_schema_name, invalid_catalog_name (no such database).
            "42P01" | "3F000" | "3D000" => StoreError::NotFound(message),
            "25006" => StoreError::ReadOnly {
                store: store_s,
                op: op.to_string(),
            },
            "57014" => StoreError::Unreachable {
                store: store_s,
                reason: format!("statement cancelled: {message}"),
            },
            _ => StoreError::Backend {
                store: store_s,
                reason: format!("{code}: {message}"),
            },
        };
    }
    // SQLite: primary result codes.
    match code.as_str() {
        "14" => StoreError::Unreachable {
            store: store_s,
            reason: message,
        },
        "8" => StoreError::ReadOnly {
            store: store_s,
            op: op.to_string(),
        },
        "23" => StoreError::PermissionDenied {
            store: store_s,
            op: op.to_string(),
        },
        _ => StoreError::Backend {
            store: store_s,
            reason: message,
        },
    }
}

/// `scheme://user@host:port/db` without password or query string, for `BackendInfo`.
fn redacted_location(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_password(None);
            u.set_query(None);
            u.to_string()
        }
        Err(_) => "<unparsable url>".into(),
    }
}

/// Refuse a URL that carries a password: it belongs in `SqlOptions::password`.
fn refuse_inline_password(store: &str, url: &str) -> StoreResult<()> {
    match url::Url::parse(url) {
        Ok(u) if u.password().is_some() => Err(StoreError::AuthFailed {
            store: store.into(),
            reason: "the URL carries a password; pass it separately so it is not stored or \
                     shown with the URL"
                .into(),
        }),
        _ => Ok(()),
    }
}

/// `host:port` from a server URL, with the dialect's default port.
fn host_port(url: &str, default_port: u16) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}:{}",
            u.host_str().unwrap_or("localhost"),
            u.port().unwrap_or(default_port)
        ),
        Err(_) => "<unparsable url>".into(),
    }
}

/// Connect with a deadline; a timeout is reported as unreachable.
async fn with_deadline<T>(
    store: &str,
    timeout: Duration,
    fut: impl Future<Output = Result<T, sqlx::Error>>,
) -> StoreResult<T> {
    match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r.map_err(|e| map_sqlx(store, "connect", e)),
        Err(_) => Err(StoreError::Unreachable {
            store: store.into(),
            reason: format!("no answer within {} ms", timeout.as_millis()),
        }),
    }
}

#[cfg(test)]
mod tests;
