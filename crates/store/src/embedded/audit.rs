//! [`AuditIndex`] over the embedded store's `audit_events` table (migration `0002_audit.sql`),
//! so the console searches audit events with no Elasticsearch. Semantics follow the
//! Elasticsearch adapter where the port leaves room: replace on an existing id, newest first
//! with the id breaking ties, calendar buckets in UTC with weeks starting on Monday, empty
//! buckets inside the asked range, `terms` ordered by count then key.
//!
//! Differences, by design: timestamps keep microseconds (Elasticsearch keeps milliseconds), and
//! the text filter matches substrings (`LIKE`, ASCII case-insensitive) of action, resource and
//! the details JSON, where Elasticsearch matches analysed words.

use super::{backend, EmbeddedStore};
use async_trait::async_trait;
use chrono::{DateTime, Datelike, Months, NaiveDateTime, TimeDelta, Timelike};
use rampart_core::ports::{
    AuditCursor, AuditIndex, AuditPage, AuditQuery, BackendInfo, Bucket, IndexReport, Interval,
    ServerInfo, StoreError, StoreResult, TermCount, TermField,
};
use rampart_domain::audit::AuditEvent;
use serde_json::{Map, Value};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::Connection;
use sqlx::{QueryBuilder, Row, Sqlite};
use std::time::Instant;

/// Most events one [`AuditIndex::index`] call takes (the port's limit).
pub const MAX_INDEX_BATCH: usize = 10_000;
/// Most events one search page returns.
pub const MAX_PAGE_EVENTS: usize = 1_000;
/// Most `terms` buckets returned.
pub const MAX_TERMS: usize = 1_000;
/// Most histogram buckets: Elasticsearch's default `search.max_buckets`, so a range and
/// interval that one backend refuses, the other refuses too.
pub const MAX_BUCKETS: usize = 65_536;
/// Elasticsearch refuses ids longer than this; the embedded index does the same so an event
/// accepted here can be copied there.
const MAX_ID_BYTES: usize = 512;

/// Rows per multi-row INSERT: 11 parameters each stays under SQLite's 32,766-variable limit,
/// and one statement this size is prepared once and reused for every full chunk.
const ROWS_PER_STATEMENT: usize = 2_000;
/// Rows per transaction in [`EmbeddedAuditIndex::index_bulk`] into a non-empty table: large
/// enough that commits (WAL syncs) are rare, small enough that another writer waits at most a
/// second or so.
const ROWS_PER_TRANSACTION: usize = 100_000;
/// From this many rows, a bulk load into an empty table rebuilds the indexes at the end.
const REBUILD_MIN_ROWS: usize = 50_000;

const COLUMNS: &str = "event_id, ts, event_type, user_id, ip_address, user_agent, resource, \
                       action, result, details, severity";

const STORE: &str = "embedded store";

/// Page cache for a bulk load: 256 MiB (negative values are KiB).
const BULK_CACHE: &str = "PRAGMA cache_size = -262144";
/// SQLite's default (2 MiB), restored afterwards.
const DEFAULT_CACHE: &str = "PRAGMA cache_size = -2000";

/// Audit events in the embedded SQLite file.
#[derive(Debug, Clone)]
pub struct EmbeddedAuditIndex {
    store: EmbeddedStore,
    read_only: bool,
}

impl EmbeddedAuditIndex {
    pub fn new(store: EmbeddedStore, read_only: bool) -> Self {
        Self { store, read_only }
    }

    /// Load many events at once (demo data, imports, benchmarks): no batch limit, multi-row
    /// inserts in large transactions. Same replace-on-id and per-event id checks as
    /// [`AuditIndex::index`]. Not atomic across transactions: on error, earlier transactions
    /// stay committed and the error says how many rows landed.
    pub async fn index_bulk(&self, events: &[AuditEvent]) -> StoreResult<IndexReport> {
        self.write(events, true).await
    }

    fn refuse_if_read_only(&self) -> StoreResult<()> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                store: STORE.into(),
                op: "index audit events".into(),
            });
        }
        Ok(())
    }

    async fn write(&self, events: &[AuditEvent], bulk: bool) -> StoreResult<IndexReport> {
        self.refuse_if_read_only()?;
        let mut report = IndexReport::default();
        let mut rows = Vec::with_capacity(events.len());
        for e in events {
            match check_id(&e.event_id) {
                Ok(()) => rows.push(e),
                Err(reason) => report.failed.push((e.event_id.clone(), reason)),
            }
        }
        if rows.is_empty() {
            return Ok(report);
        }
        let mut conn = self
            .store
            .pool()
            .acquire()
            .await
            .map_err(|e| db_err("connect", e))?;
        if bulk && rows.len() >= REBUILD_MIN_ROWS && table_is_empty(&mut conn).await? {
            // A large page cache for this connection lets the index builds sort in memory;
            // restored afterwards so the pooled connection goes back as it was.
            sqlx::query(BULK_CACHE)
                .execute(&mut *conn)
                .await
                .map_err(|e| db_err("pragma", e))?;
            let result = load_empty_table(&mut conn, &rows).await;
            let _ = sqlx::query(DEFAULT_CACHE).execute(&mut *conn).await;
            result?;
            report.indexed = rows.len() as u64;
            return Ok(report);
        }
        // Otherwise commit every ROWS_PER_TRANSACTION rows (a call of `index` is ≤ 10,000 rows,
        // so it is one transaction).
        for tx_rows in rows.chunks(ROWS_PER_TRANSACTION) {
            let mut tx = conn.begin().await.map_err(|e| db_err("begin", e))?;
            insert_rows(&mut tx, tx_rows).await.map_err(|e| {
                db_err(
                    &format!("insert (after {} rows committed)", report.indexed),
                    e,
                )
            })?;
            tx.commit().await.map_err(|e| db_err("commit", e))?;
            report.indexed += tx_rows.len() as u64;
        }
        Ok(report)
    }
}

/// Multi-row INSERT OR REPLACE of `rows`, in statements of [`ROWS_PER_STATEMENT`].
async fn insert_rows(conn: &mut SqliteConnection, rows: &[&AuditEvent]) -> Result<(), sqlx::Error> {
    let full_sql = insert_sql(ROWS_PER_STATEMENT);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let partial;
        let sql = if chunk.len() == ROWS_PER_STATEMENT {
            &full_sql
        } else {
            partial = insert_sql(chunk.len());
            &partial
        };
        let mut q = sqlx::query(sql);
        for e in chunk {
            // `&str` binds borrow; `&String` would copy every text into the arguments.
            q = q
                .bind(e.event_id.as_str())
                .bind(micros(&e.timestamp))
                .bind(e.event_type.as_str())
                .bind(e.user_id.as_deref())
                .bind(e.ip_address.as_str())
                .bind(e.user_agent.as_str())
                .bind(e.resource.as_deref())
                .bind(e.action.as_str())
                .bind(e.result.as_str())
                .bind(details_json(&e.details))
                .bind(e.severity.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn table_is_empty(conn: &mut SqliteConnection) -> StoreResult<bool> {
    let any: Option<i64> = sqlx::query_scalar("SELECT 1 FROM audit_events LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| db_err("probe", e))?;
    Ok(any.is_none())
}

/// Load into an empty table with the secondary indexes dropped and rebuilt at the end: SQLite
/// builds an index from sorted keys several times faster than it maintains four indexes row by
/// row (two of them keyed by user and IP, so inserts land all over them). The index
/// definitions are read back from `sqlite_master`, so the migration stays their only source.
/// One transaction: a failure leaves the table empty with every index in place.
async fn load_empty_table(conn: &mut SqliteConnection, rows: &[&AuditEvent]) -> StoreResult<()> {
    let mut tx = conn.begin().await.map_err(|e| db_err("begin", e))?;
    // `sql IS NULL` marks the automatic index of the primary key, which stays.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master \
         WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(|e| db_err("read index definitions", e))?;
    for (name, _) in &indexes {
        let drop = format!("DROP INDEX \"{}\"", name.replace('"', "\"\""));
        sqlx::query(&drop)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_err("drop index", e))?;
    }
    insert_rows(&mut tx, rows)
        .await
        .map_err(|e| db_err("insert", e))?;
    for (_, create) in &indexes {
        sqlx::query(create)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_err("create index", e))?;
    }
    tx.commit().await.map_err(|e| db_err("commit", e))
}

fn details_json(details: &Map<String, Value>) -> String {
    // A map of JSON values always serializes; the fallback is unreachable in practice.
    serde_json::to_string(details).unwrap_or_else(|_| "{}".into())
}

fn insert_sql(rows: usize) -> String {
    let one = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    let mut sql = String::with_capacity(64 + rows * (one.len() + 2));
    sql.push_str("INSERT OR REPLACE INTO audit_events (");
    sql.push_str(COLUMNS);
    sql.push_str(") VALUES ");
    for i in 0..rows {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(one);
    }
    sql
}

fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("empty event_id (Elasticsearch refuses an empty _id)".into())
    } else if id.len() > MAX_ID_BYTES {
        Err(format!(
            "event_id longer than {MAX_ID_BYTES} bytes (Elasticsearch's _id limit)"
        ))
    } else {
        Ok(())
    }
}

fn db_err(op: &str, e: sqlx::Error) -> StoreError {
    backend(format!("audit index: {op} failed: {e}"))
}

/// Microseconds since the epoch, UTC: the `ts` column.
fn micros(t: &NaiveDateTime) -> i64 {
    t.and_utc().timestamp_micros()
}

fn from_micros(us: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_micros(us).map(|t| t.naive_utc())
}

/// Append `AND ...` for every filter of the query. Values are always bound.
fn push_filters(qb: &mut QueryBuilder<'_, Sqlite>, q: &AuditQuery) {
    if let Some(from) = &q.from {
        qb.push(" AND ts >= ").push_bind(micros(from));
    }
    if let Some(to) = &q.to {
        qb.push(" AND ts < ").push_bind(micros(to));
    }
    let mut any_of = |column: &str, values: &[String]| {
        if values.is_empty() {
            return;
        }
        qb.push(format_args!(" AND {column} IN ("));
        let mut list = qb.separated(", ");
        for v in values {
            list.push_bind(v.clone());
        }
        list.push_unseparated(")");
    };
    any_of("event_type", &q.event_types);
    any_of("result", &q.results);
    any_of("severity", &q.severities);
    if let Some(user_id) = &q.user_id {
        qb.push(" AND user_id = ").push_bind(user_id.clone());
    }
    if let Some(ip) = &q.ip_address {
        qb.push(" AND ip_address = ").push_bind(ip.clone());
    }
    if let Some(text) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = format!("%{}%", escape_like(text));
        qb.push(" AND (action LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR resource LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR details LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
}

/// `%` and `_` in the operator's text are literal characters, not wildcards.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn row_to_event(row: &SqliteRow) -> Result<AuditEvent, String> {
    let get = |i: usize| row.try_get::<String, _>(i).map_err(|e| e.to_string());
    let ts: i64 = row.try_get(1).map_err(|e| e.to_string())?;
    let details_text = get(9)?;
    let details: Map<String, Value> =
        serde_json::from_str(&details_text).map_err(|e| format!("details: {e}"))?;
    Ok(AuditEvent {
        event_id: get(0)?,
        timestamp: from_micros(ts).ok_or("timestamp out of range")?,
        event_type: get(2)?,
        user_id: row.try_get(3).map_err(|e| e.to_string())?,
        ip_address: get(4)?,
        user_agent: get(5)?,
        resource: row.try_get(6).map_err(|e| e.to_string())?,
        action: get(7)?,
        result: get(8)?,
        details,
        severity: get(10)?,
    })
}

/// Start of the calendar bucket holding `t`, in UTC, as Elasticsearch's `calendar_interval`
/// computes it (ISO weeks start on Monday). Shared with the Elasticsearch adapter so both
/// backends agree on bucket boundaries.
pub(crate) fn bucket_start(t: NaiveDateTime, interval: Interval) -> NaiveDateTime {
    let date = t.date();
    let midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or(t);
    match interval {
        Interval::Hour => date.and_hms_opt(t.hour(), 0, 0).unwrap_or(t),
        Interval::Day => midnight(date),
        Interval::Week => {
            midnight(date - TimeDelta::days(date.weekday().num_days_from_monday().into()))
        }
        Interval::Month => midnight(date.with_day(1).unwrap_or(date)),
    }
}

fn next_bucket(b: NaiveDateTime, interval: Interval) -> Option<NaiveDateTime> {
    match interval {
        Interval::Hour => b.checked_add_signed(TimeDelta::hours(1)),
        Interval::Day => b.checked_add_signed(TimeDelta::days(1)),
        Interval::Week => b.checked_add_signed(TimeDelta::days(7)),
        Interval::Month => b.checked_add_months(Months::new(1)),
    }
}

/// Buckets with zero counts filled in: across `[from, to)` when the query gives bounds,
/// otherwise between the first and last non-empty bucket (Elasticsearch's `min_doc_count: 0`
/// with `extended_bounds`). Refuses more than [`MAX_BUCKETS`].
pub(crate) fn fill_buckets(
    found: Vec<(NaiveDateTime, u64)>,
    interval: Interval,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> StoreResult<Vec<Bucket>> {
    let mut counts = std::collections::BTreeMap::new();
    for (t, c) in found {
        *counts.entry(bucket_start(t, interval)).or_insert(0u64) += c;
    }
    let lo = from
        .map(|f| bucket_start(f, interval))
        .or_else(|| counts.keys().next().copied());
    let last_instant = to.and_then(|t| t.checked_sub_signed(TimeDelta::microseconds(1)));
    let hi = last_instant
        .map(|t| bucket_start(t, interval))
        .or_else(|| counts.keys().next_back().copied());
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut b = lo;
    while b <= hi {
        if out.len() == MAX_BUCKETS {
            return Err(StoreError::TooLarge {
                what: "the histogram (buckets)".into(),
                size: MAX_BUCKETS + 1,
                limit: MAX_BUCKETS,
            });
        }
        out.push(Bucket {
            start: b,
            count: counts.get(&b).copied().unwrap_or(0),
        });
        match next_bucket(b, interval) {
            Some(n) => b = n,
            None => break,
        }
    }
    Ok(out)
}

#[async_trait]
impl AuditIndex for EmbeddedAuditIndex {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: "sqlite".into(),
            location: self.store.path().display().to_string(),
            read_only: self.read_only,
        }
    }

    async fn ping(&self) -> StoreResult<ServerInfo> {
        let started = Instant::now();
        let version: String = sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(self.store.pool())
            .await
            .map_err(|e| db_err("ping", e))?;
        Ok(ServerInfo {
            kind: "sqlite".into(),
            version,
            latency_ms: started.elapsed().as_millis() as u64,
            account: None,
        })
    }

    async fn index(&self, events: &[AuditEvent]) -> StoreResult<IndexReport> {
        self.refuse_if_read_only()?;
        if events.len() > MAX_INDEX_BATCH {
            return Err(StoreError::BatchTooLarge {
                len: events.len(),
                limit: MAX_INDEX_BATCH,
            });
        }
        // ≤ 10,000 rows: one transaction, so a call lands entirely or not at all.
        self.write(events, false).await
    }

    async fn search(
        &self,
        query: &AuditQuery,
        size: usize,
        after: Option<&AuditCursor>,
    ) -> StoreResult<AuditPage> {
        let size = size.min(MAX_PAGE_EVENTS);
        let total = self.count(query).await?;
        if size == 0 {
            return Ok(AuditPage {
                events: Vec::new(),
                total,
                next: None,
                unreadable: Vec::new(),
            });
        }
        let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM audit_events WHERE 1 = 1"));
        push_filters(&mut qb, query);
        if let Some(c) = after {
            // Row-value comparison walks the (ts DESC, event_id DESC) index from the cursor.
            qb.push(" AND (ts, event_id) < (")
                .push_bind(micros(&c.timestamp))
                .push(", ")
                .push_bind(c.event_id.clone())
                .push(")");
        }
        qb.push(" ORDER BY ts DESC, event_id DESC LIMIT ")
            .push_bind(size as i64 + 1);
        let rows = qb
            .build()
            .fetch_all(self.store.pool())
            .await
            .map_err(|e| db_err("search", e))?;
        let mut events = Vec::with_capacity(size);
        let mut unreadable = Vec::new();
        let mut last: Option<AuditCursor> = None;
        for row in rows.iter().take(size) {
            let id: String = row.try_get(0).unwrap_or_default();
            let ts: i64 = row.try_get(1).unwrap_or_default();
            match row_to_event(row) {
                Ok(e) => events.push(e),
                // Same policy as the Elasticsearch adapter: one bad row does not hide the page.
                Err(reason) => {
                    tracing::warn!(event_id = %id, %reason, "an unreadable audit row");
                    unreadable.push((id.clone(), reason.to_string()));
                }
            }
            last = from_micros(ts).map(|timestamp| AuditCursor {
                timestamp,
                event_id: id,
            });
        }
        let next = if rows.len() > size { last } else { None };
        Ok(AuditPage {
            events,
            total,
            next,
            unreadable,
        })
    }

    async fn count(&self, query: &AuditQuery) -> StoreResult<u64> {
        let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM audit_events WHERE 1 = 1");
        push_filters(&mut qb, query);
        let n: i64 = qb
            .build_query_scalar()
            .fetch_one(self.store.pool())
            .await
            .map_err(|e| db_err("count", e))?;
        Ok(n as u64)
    }

    async fn histogram(&self, query: &AuditQuery, interval: Interval) -> StoreResult<Vec<Bucket>> {
        // Bucket in SQL so only one row per bucket leaves SQLite. Fixed-width intervals floor
        // the micros against an origin (floor, not truncation, so pre-1970 times bucket
        // correctly); months group on the calendar month.
        const HOUR: i64 = 3_600_000_000;
        const DAY: i64 = 24 * HOUR;
        // 1969-12-29, a Monday: ISO weeks are aligned to it.
        const MONDAY_ORIGIN: i64 = -3 * DAY;
        let mut qb = match interval {
            Interval::Month => QueryBuilder::new(
                "SELECT strftime('%Y-%m', (ts - ((ts % 1000000) + 1000000) % 1000000) / 1000000, \
                 'unixepoch') AS b, COUNT(*) FROM audit_events WHERE 1 = 1",
            ),
            _ => {
                let (width, origin) = match interval {
                    Interval::Hour => (HOUR, 0),
                    Interval::Day => (DAY, 0),
                    _ => (7 * DAY, MONDAY_ORIGIN),
                };
                QueryBuilder::new(format!(
                    "SELECT ts - (((ts - ({origin})) % {width}) + {width}) % {width} AS b, \
                     COUNT(*) FROM audit_events WHERE 1 = 1"
                ))
            }
        };
        push_filters(&mut qb, query);
        qb.push(" GROUP BY b ORDER BY b");
        let rows = qb
            .build()
            .fetch_all(self.store.pool())
            .await
            .map_err(|e| db_err("histogram", e))?;
        let mut found = Vec::with_capacity(rows.len());
        for row in &rows {
            let count: i64 = row.try_get(1).map_err(|e| db_err("histogram", e))?;
            let start = match interval {
                Interval::Month => {
                    let ym: String = row.try_get(0).map_err(|e| db_err("histogram", e))?;
                    chrono::NaiveDate::parse_from_str(&format!("{ym}-01"), "%Y-%m-%d")
                        .ok()
                        .and_then(|d| d.and_hms_opt(0, 0, 0))
                }
                _ => from_micros(row.try_get(0).map_err(|e| db_err("histogram", e))?),
            }
            .ok_or_else(|| backend("histogram: bucket key out of range".into()))?;
            found.push((start, count as u64));
        }
        fill_buckets(found, interval, query.from, query.to)
    }

    async fn terms(
        &self,
        query: &AuditQuery,
        field: TermField,
        size: usize,
    ) -> StoreResult<Vec<TermCount>> {
        let size = size.min(MAX_TERMS);
        if size == 0 {
            return Ok(Vec::new());
        }
        // The column name comes from the closed TermField enum, never from input.
        let column = field.name();
        let mut qb = QueryBuilder::new(format!(
            "SELECT {column}, COUNT(*) AS n FROM audit_events WHERE {column} IS NOT NULL"
        ));
        push_filters(&mut qb, query);
        // Count desc, then key asc: Elasticsearch's terms order (BINARY collation compares
        // UTF-8 bytes, as keyword fields do).
        qb.push(format_args!(
            " GROUP BY {column} ORDER BY n DESC, {column} ASC LIMIT "
        ))
        .push_bind(size as i64);
        let rows = qb
            .build()
            .fetch_all(self.store.pool())
            .await
            .map_err(|e| db_err("terms", e))?;
        rows.iter()
            .map(|r| {
                Ok(TermCount {
                    key: r.try_get(0).map_err(|e| db_err("terms", e))?,
                    count: r.try_get::<i64, _>(1).map_err(|e| db_err("terms", e))? as u64,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn calendar_buckets_match_elasticsearch_boundaries() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 26)
            .unwrap()
            .and_hms_micro_opt(13, 45, 1, 7)
            .unwrap();
        assert_eq!(bucket_start(t, Interval::Hour), at(2026, 11, 26, 13));
        assert_eq!(bucket_start(t, Interval::Day), at(2026, 11, 26, 0));
        assert_eq!(
            bucket_start(t, Interval::Week),
            at(2026, 11, 23, 0),
            "2026-11-23 is a Monday"
        );
        assert_eq!(bucket_start(t, Interval::Month), at(2026, 11, 1, 0));
        assert_eq!(
            bucket_start(at(2026, 11, 23, 0), Interval::Week),
            at(2026, 11, 23, 0)
        );
    }

    #[test]
    fn empty_buckets_fill_the_asked_range_and_to_is_exclusive() {
        let found = vec![(at(2026, 11, 2, 5), 3)];
        let b = fill_buckets(
            found,
            Interval::Day,
            Some(at(2026, 11, 1, 0)),
            Some(at(2026, 11, 4, 0)),
        )
        .unwrap();
        let got: Vec<_> = b.iter().map(|b| (b.start.day(), b.count)).collect();
        assert_eq!(
            got,
            vec![(1, 0), (2, 3), (3, 0)],
            "11-04 is excluded by the exclusive `to`"
        );
        assert!(fill_buckets(vec![], Interval::Day, None, None)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn too_many_buckets_are_refused_like_elasticsearch() {
        let err = fill_buckets(
            vec![],
            Interval::Hour,
            Some(at(2000, 1, 1, 0)),
            Some(at(2020, 1, 1, 0)),
        )
        .unwrap_err();
        assert!(matches!(err, StoreError::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn like_wildcards_in_text_are_literal() {
        assert_eq!(escape_like(r"50%_off\x"), r"50\%\_off\\x");
    }

    /// The bulk path's budget: 1M events well under 30 s on the 2-core CI machine. Ignored by
    /// default (it writes ~400 MB); run with
    /// `cargo test -p rampart-store --release -- --ignored index_bulk_loads` to measure.
    #[tokio::test]
    #[ignore = "benchmark: writes a 1M-event file"]
    async fn index_bulk_loads_a_million_events_in_budget() {
        const N: usize = 1_000_000;
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(&dir.path().join("bench.sqlite3"))
            .await
            .unwrap();
        let idx = EmbeddedAuditIndex::new(store, false);
        let base = at(2026, 1, 1, 0);
        let types = rampart_domain::audit::SEED_EVENT_TYPES;
        let events: Vec<AuditEvent> = (0..N)
            .map(|i| AuditEvent {
                event_id: format!(
                    "audit_{}_{}",
                    1_767_225_600_000 + i as i64 * 37,
                    i * 7_919 % 1_000_003
                ),
                event_type: types[i % types.len()].to_string(),
                user_id: (i % 4 != 0).then(|| format!("user_{:04x}", i % 5_000)),
                ip_address: format!("10.{}.{}.{}", i % 7, i % 251, i % 253),
                user_agent: "Mozilla/5.0 (X11; Linux x86_64)".into(),
                timestamp: base + TimeDelta::milliseconds(i as i64 * 37),
                resource: (i % 3 == 0).then(|| "customers".to_string()),
                action: "login".into(),
                result: if i % 5 == 0 { "failure" } else { "success" }.into(),
                details: serde_json::json!({"attempt": i % 9, "note": "정상 로그인"})
                    .as_object()
                    .cloned()
                    .unwrap(),
                severity: "medium".into(),
            })
            .collect();
        let started = Instant::now();
        let report = idx.index_bulk(&events).await.unwrap();
        let secs = started.elapsed().as_secs_f64();
        assert_eq!(report.indexed, N as u64);
        let rate = N as f64 / secs;
        println!("index_bulk: {N} events in {secs:.1} s = {rate:.0} rows/s");
        assert_eq!(idx.count(&AuditQuery::default()).await.unwrap(), N as u64);
        assert_eq!(
            secondary_indexes(&idx).await.len(),
            4,
            "indexes rebuilt after the load"
        );
        assert!(
            secs < 30.0,
            "1M events took {secs:.1} s; the budget is 30 s"
        );
    }

    async fn secondary_indexes(idx: &EmbeddedAuditIndex) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' \
             AND sql IS NOT NULL ORDER BY name",
        )
        .fetch_all(idx.store.pool())
        .await
        .unwrap()
    }

    fn numbered(n: usize, tag: &str) -> Vec<AuditEvent> {
        (0..n)
            .map(|i| AuditEvent {
                event_id: format!("{tag}_{i:06}"),
                event_type: "api_access".into(),
                user_id: Some(format!("u{}", i % 10)),
                ip_address: "192.0.2.1".into(),
                user_agent: String::new(),
                timestamp: at(2026, 11, 1, 0) + TimeDelta::seconds(i as i64),
                resource: None,
                action: "GET".into(),
                result: "success".into(),
                details: Map::new(),
                severity: "low".into(),
            })
            .collect()
    }

    #[tokio::test]
    async fn bulk_loads_rebuild_indexes_when_empty_and_append_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(&dir.path().join("a.sqlite3"))
            .await
            .unwrap();
        let idx = EmbeddedAuditIndex::new(store, false);
        let before = secondary_indexes(&idx).await;
        assert_eq!(before.len(), 4, "the migration's indexes: {before:?}");

        let mut first = numbered(REBUILD_MIN_ROWS, "a");
        let mut replaced = first[0].clone();
        replaced.action = "POST".into();
        first.push(replaced.clone());
        let r = idx.index_bulk(&first).await.unwrap();
        assert_eq!(r.indexed as usize, REBUILD_MIN_ROWS + 1);
        assert_eq!(
            secondary_indexes(&idx).await,
            before,
            "same indexes after the rebuild path"
        );

        // Into a non-empty table: the chunked path, indexes untouched.
        let r = idx.index_bulk(&numbered(3_000, "b")).await.unwrap();
        assert_eq!(r.indexed, 3_000);
        let total = REBUILD_MIN_ROWS as u64 + 3_000;
        assert_eq!(idx.count(&AuditQuery::default()).await.unwrap(), total);
        let by_user = AuditQuery {
            user_id: Some("u3".into()),
            ..Default::default()
        };
        assert_eq!(idx.count(&by_user).await.unwrap(), total / 10);
        let first_second = AuditQuery {
            user_id: Some("u0".into()),
            to: Some(at(2026, 11, 1, 0) + TimeDelta::seconds(1)),
            ..Default::default()
        };
        let page = idx.search(&first_second, 10, None).await.unwrap();
        assert_eq!(
            page.events.len(),
            2,
            "a_000000 and b_000000 share the first second"
        );
        assert!(
            page.events.contains(&replaced),
            "the last occurrence of an id wins in a bulk load"
        );
    }
}
