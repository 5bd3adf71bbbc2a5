//! Ports: the traits the use cases need, implemented by adapters in `rampart-store`.
//!
//! - [`KeySpace`]: the seed's Redis data model (strings, hashes, lists, expiry). Implemented by
//!   the service's Redis and by the embedded SQLite file, so one codec layer serves both.
//! - [`AuditIndex`]: searchable audit events (the service's Elasticsearch `audit_logs-YYYY.MM`,
//!   or an indexed table in the embedded file).
//! - [`RecordSource`]: the service's SQL database with PII records (PostgreSQL, MySQL/MariaDB,
//!   SQLite): connect, introspect, page.
//! - [`Clock`]: the only way the core learns the time.

use crate::CoreError;
use async_trait::async_trait;
use chrono::NaiveDateTime;
use rampart_domain::audit::AuditEvent;
use secrecy::SecretString;
use serde::Serialize;
use std::time::Duration;
use thiserror::Error;

use crate::error::ErrorCode;

/// Upper bound for SCAN COUNT and for commands in one pipeline (issue: never more than 1000).
pub const MAX_BATCH: usize = 1000;

/// A store failure. `Display` is a sentence safe to show an operator: it names the store and the
/// key, never a password or a stored value.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("{store} is unreachable: {reason}")]
    Unreachable { store: String, reason: String },
    #[error("{store} refused the credentials: {reason}")]
    AuthFailed { store: String, reason: String },
    #[error("{store} refused the operation ({op}): the account lacks the permission")]
    PermissionDenied { store: String, op: String },
    /// A read-write profile whose account may not write (found at connect).
    #[error(
        "{store} account {account} may not write, but profile {profile} is read-write: mark the \
         profile read-only to browse with this account, or give the account write rights"
    )]
    NoWriteRights {
        store: String,
        account: String,
        profile: String,
    },
    #[error("the profile for {store} is read-only; refused to {op}")]
    ReadOnly { store: String, op: String },
    #[error("key `{key}` holds a {actual}, expected a {expected}")]
    WrongType {
        key: String,
        expected: String,
        actual: String,
    },
    #[error("{what} is too large ({size} bytes; limit {limit})")]
    TooLarge {
        what: String,
        size: usize,
        limit: usize,
    },
    #[error("the batch has {len} commands; the limit is {limit}")]
    BatchTooLarge { len: usize, limit: usize },
    #[error("{store} TLS failed: {reason}")]
    Tls { store: String, reason: String },
    #[error("{store} returned an unexpected answer: {reason}")]
    Protocol { store: String, reason: String },
    #[error("not found: {0}")]
    NotFound(String),
    /// Bad configuration or input caught by the adapter (an unknown URL scheme, a malformed
    /// cursor, credentials inside a URL).
    #[error("{what} is invalid: {reason}")]
    Invalid { what: String, reason: String },
    #[error("{store} error: {reason}")]
    Backend { store: String, reason: String },
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Unreachable { .. } | StoreError::Tls { .. } => ErrorCode::Unavailable,
            StoreError::AuthFailed { .. } => ErrorCode::Unauthenticated,
            StoreError::PermissionDenied { .. } | StoreError::NoWriteRights { .. } => {
                ErrorCode::StoreDenied
            }
            StoreError::ReadOnly { .. } => ErrorCode::ReadOnly,
            StoreError::WrongType { .. } | StoreError::Protocol { .. } => ErrorCode::Malformed,
            StoreError::TooLarge { .. }
            | StoreError::BatchTooLarge { .. }
            | StoreError::Invalid { .. } => ErrorCode::Validation,
            StoreError::NotFound(_) => ErrorCode::NotFound,
            StoreError::Backend { .. } => ErrorCode::Internal,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which backend a port talks to, and whether writes are refused inside the adapter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendInfo {
    /// `redis`, `sqlite`, `postgres`, `mysql`, `elasticsearch`.
    pub kind: String,
    /// Where it is, without credentials (`redis://127.0.0.1:6379/0`, a file path).
    pub location: String,
    pub read_only: bool,
}

/// What a reachability check learned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    pub kind: String,
    pub version: String,
    pub latency_ms: u64,
    /// The account as the server knows it (`ACL WHOAMI`, `current_user`), when it says.
    pub account: Option<String>,
}

/// The Redis type of a key, as `TYPE` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyType {
    None,
    String,
    Hash,
    List,
    /// A type the seed never uses (set, zset, stream...): named as Redis names it.
    Other(String),
}

impl KeyType {
    pub fn name(&self) -> &str {
        match self {
            KeyType::None => "none",
            KeyType::String => "string",
            KeyType::Hash => "hash",
            KeyType::List => "list",
            KeyType::Other(s) => s,
        }
    }
}

/// Remaining life of a key, as `PTTL` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ttl {
    Missing,
    Persistent,
    Millis(u64),
}

/// A hash as field/value byte pairs, in the order the store returned them.
pub type HashFields = Vec<(Vec<u8>, Vec<u8>)>;

/// One write to the key space. A batch of writes is applied atomically (MULTI/EXEC on Redis, one
/// transaction on SQLite): either all land or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// SET, or SETEX when `ttl_secs` is given.
    Set {
        key: String,
        value: Vec<u8>,
        ttl_secs: Option<u64>,
    },
    /// HSET key f1 v1 f2 v2 ... (other fields are left alone).
    HSet {
        key: String,
        fields: Vec<(String, Vec<u8>)>,
    },
    HDel {
        key: String,
        fields: Vec<String>,
    },
    /// LPUSH key v1 v2 ... (v2 ends up at the head, as Redis does).
    LPush {
        key: String,
        values: Vec<Vec<u8>>,
    },
    RPush {
        key: String,
        values: Vec<Vec<u8>>,
    },
    LTrim {
        key: String,
        start: i64,
        stop: i64,
    },
    Del {
        keys: Vec<String>,
    },
    Expire {
        key: String,
        ttl_secs: u64,
    },
}

impl Write {
    /// The command name, for error messages and the read-only refusal.
    pub fn op(&self) -> &'static str {
        match self {
            Write::Set {
                ttl_secs: Some(_), ..
            } => "SETEX",
            Write::Set { .. } => "SET",
            Write::HSet { .. } => "HSET",
            Write::HDel { .. } => "HDEL",
            Write::LPush { .. } => "LPUSH",
            Write::RPush { .. } => "RPUSH",
            Write::LTrim { .. } => "LTRIM",
            Write::Del { .. } => "DEL",
            Write::Expire { .. } => "EXPIRE",
        }
    }
}

/// A precondition checked atomically with a batch of writes (optimistic concurrency). A
/// read-modify-write reads, computes, then applies with guards on what it read; when another
/// writer (the service itself) changed a guarded value meanwhile, nothing is written and the
/// caller retries on fresh data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guard {
    /// The string key holds exactly this value (`None`: the key does not exist).
    StringIs { key: String, value: Option<Vec<u8>> },
    /// The hash field holds exactly this value (`None`: the field is absent).
    HashFieldIs {
        key: String,
        field: String,
        value: Option<Vec<u8>>,
    },
    /// The key exists (any type) or not.
    Exists { key: String, exists: bool },
    /// The list has exactly this length (0 when missing).
    ListLenIs { key: String, len: u64 },
}

/// Outcome of a guarded write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// A guard did not hold; nothing was written.
    Conflict,
}

/// The seed's Redis data model. Implementations: the service's Redis (`rampart_store::redis`)
/// and the embedded SQLite file (`rampart_store::embedded`).
///
/// Rules every implementation keeps: SCAN COUNT is clamped to [`MAX_BATCH`]; batches over
/// [`MAX_BATCH`] commands are refused with [`StoreError::BatchTooLarge`]; a read-only instance
/// refuses every write with [`StoreError::ReadOnly`] before anything is sent; reading a key of
/// the wrong type gives [`StoreError::WrongType`] naming the key.
#[async_trait]
pub trait KeySpace: Send + Sync {
    fn info(&self) -> BackendInfo;
    /// Round trip to the server: version, latency, account.
    async fn ping(&self) -> StoreResult<ServerInfo>;
    /// Whether the account may write the seed's keys, found without changing anything:
    /// `Some(false)` when the server refuses, `None` when the backend cannot tell.
    async fn write_rights(&self) -> StoreResult<Option<bool>> {
        Ok(None)
    }

    async fn key_type(&self, key: &str) -> StoreResult<KeyType>;
    async fn ttl(&self, key: &str) -> StoreResult<Ttl>;
    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>>;
    /// GET for many keys in pipelines of at most [`MAX_BATCH`]. A key holding another type
    /// yields `Err(WrongType)` in its slot; the rest are still returned.
    async fn get_many(&self, keys: &[String]) -> StoreResult<Vec<StoreResult<Option<Vec<u8>>>>>;
    /// HGETALL; an empty vector when the key is missing (as Redis answers).
    async fn hgetall(&self, key: &str) -> StoreResult<HashFields>;
    async fn hget(&self, key: &str, field: &str) -> StoreResult<Option<Vec<u8>>>;
    /// HGETALL for many keys in pipelines of at most [`MAX_BATCH`]; per-key errors in slots.
    async fn hgetall_many(&self, keys: &[String]) -> StoreResult<Vec<StoreResult<HashFields>>>;
    /// LRANGE with Redis index semantics (negative from the end, inclusive stop).
    async fn lrange(&self, key: &str, start: i64, stop: i64) -> StoreResult<Vec<Vec<u8>>>;
    async fn llen(&self, key: &str) -> StoreResult<u64>;
    /// One SCAN step: `cursor` 0 starts; a returned cursor of 0 means done. `count` is a hint,
    /// clamped to [`MAX_BATCH`]. Keys may repeat across steps (as Redis SCAN allows).
    async fn scan(
        &self,
        cursor: u64,
        pattern: &str,
        count: usize,
    ) -> StoreResult<(u64, Vec<String>)>;
    /// Number of keys in the key space (DBSIZE).
    async fn dbsize(&self) -> StoreResult<u64>;

    /// Apply writes atomically. At most [`MAX_BATCH`] writes.
    async fn apply(&self, writes: &[Write]) -> StoreResult<()>;
    /// Apply writes atomically only if every guard holds at that moment.
    async fn apply_guarded(&self, guards: &[Guard], writes: &[Write]) -> StoreResult<Applied>;
    /// HGETALL for at most [`MAX_BATCH`] keys, the replies held in one buffer ([`RawHashes`]):
    /// the bulk path for decoding every `user:*` hash without a buffer per field. The default
    /// copies from [`KeySpace::hgetall_many`]; the Redis adapter parses its socket buffer.
    async fn hgetall_raw(&self, keys: &[String]) -> StoreResult<RawHashes> {
        let mut out = RawHashes::default();
        for slot in self.hgetall_many(keys).await? {
            match slot {
                Ok(fields) => out.push_hash(&fields),
                Err(e) => out.push_failed(e),
            }
        }
        Ok(out)
    }

    /// Apply writes in pipelines of at most [`MAX_BATCH`], not atomically across pipelines.
    /// For bulk loads (demo data, benchmarks); returns the number of writes applied.
    async fn apply_bulk(&self, writes: &[Write]) -> StoreResult<u64>;
}

/// The replies of one HGETALL pipeline: every field name and value is a byte range of one
/// buffer, so a million hashes cost a few thousand allocations, not tens of millions.
#[derive(Debug, Default)]
pub struct RawHashes {
    buf: Vec<u8>,
    /// (start, len) of each field name and value, in order.
    spans: Vec<(u32, u32)>,
    slots: Vec<RawSlot>,
}

#[derive(Debug)]
enum RawSlot {
    /// Spans `first .. first + 2 * pairs`.
    Hash {
        first: u32,
        pairs: u32,
    },
    Failed(StoreError),
}

impl RawHashes {
    /// Replies parsed in place: `buf` holds them, `items` are the (start, len) of every name and
    /// value in order, `slots` say per key how many pairs (or the error).
    pub fn from_parts(buf: Vec<u8>, items: Vec<(u32, u32)>) -> Self {
        Self {
            buf,
            spans: items,
            slots: Vec::new(),
        }
    }

    /// Close the next key's slot: the `pairs` pairs after the previous slot's.
    pub fn push_pairs(&mut self, first_item: usize, pairs: usize) {
        self.slots.push(RawSlot::Hash {
            first: first_item as u32,
            pairs: pairs as u32,
        });
    }

    /// Append a hash by copying its fields.
    pub fn push_hash(&mut self, fields: &HashFields) {
        let first = self.spans.len();
        for (k, v) in fields {
            for b in [k, v] {
                self.spans.push((self.buf.len() as u32, b.len() as u32));
                self.buf.extend_from_slice(b);
            }
        }
        self.push_pairs(first, fields.len());
    }

    pub fn push_failed(&mut self, e: StoreError) {
        self.slots.push(RawSlot::Failed(e));
    }

    /// Replace the error of slot `i` (naming WRONGTYPE after the fact).
    pub fn set_failed(&mut self, i: usize, e: StoreError) {
        if let Some(s) = self.slots.get_mut(i) {
            *s = RawSlot::Failed(e);
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Slot `i`'s fields into `out` (cleared first), or its error.
    pub fn fields_into<'a>(
        &'a self,
        i: usize,
        out: &mut Vec<(&'a [u8], &'a [u8])>,
    ) -> Result<(), &'a StoreError> {
        out.clear();
        match &self.slots[i] {
            RawSlot::Failed(e) => Err(e),
            RawSlot::Hash { first, pairs } => {
                let first = *first as usize;
                let at = |(s, l): (u32, u32)| &self.buf[s as usize..(s + l) as usize];
                for p in 0..*pairs as usize {
                    out.push((
                        at(self.spans[first + 2 * p]),
                        at(self.spans[first + 2 * p + 1]),
                    ));
                }
                Ok(())
            }
        }
    }
}

/// The only source of "now" for use cases, so tests can fix time.
pub trait Clock: Send + Sync {
    /// Naive UTC, as the seed stores it.
    fn now(&self) -> NaiveDateTime;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        chrono::Utc::now().naive_utc()
    }
}

/// A fixed clock for tests and deterministic demo data.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub NaiveDateTime);

impl Clock for FixedClock {
    fn now(&self) -> NaiveDateTime {
        self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Audit search

/// Filters over audit events. All present filters must match (AND); list filters match any of
/// their values (OR). Times are naive UTC, `from` inclusive, `to` exclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditQuery {
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    pub event_types: Vec<String>,
    pub user_id: Option<String>,
    pub ip_address: Option<String>,
    pub results: Vec<String>,
    pub severities: Vec<String>,
    /// Free text matched against action, resource and details (implementation-defined).
    pub text: Option<String>,
}

/// A page of events, newest first (timestamp desc, then event_id desc for ties).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// Total matching events (exact up to 10,000 for Elasticsearch unless it says more).
    pub total: u64,
    /// Pass back to get the next page (search_after); `None` at the end.
    pub next: Option<AuditCursor>,
    /// Events on this page that could not be read, as (event_id, reason): reported, never
    /// hidden, and the rest of the page is still returned.
    pub unreadable: Vec<(String, String)>,
}

/// Keyset cursor: the (timestamp, event_id) of the last event of the previous page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AuditCursor {
    pub timestamp: NaiveDateTime,
    pub event_id: String,
}

/// Histogram bucket width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Hour,
    Day,
    Week,
    Month,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// Bucket start, naive UTC.
    pub start: NaiveDateTime,
    pub count: u64,
}

/// Fields a `terms` aggregation may group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermField {
    EventType,
    UserId,
    IpAddress,
    Result,
    Severity,
    Action,
}

impl TermField {
    pub fn name(&self) -> &'static str {
        match self {
            TermField::EventType => "event_type",
            TermField::UserId => "user_id",
            TermField::IpAddress => "ip_address",
            TermField::Result => "result",
            TermField::Severity => "severity",
            TermField::Action => "action",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TermCount {
    pub key: String,
    pub count: u64,
}

/// Per-event outcome of a bulk index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexReport {
    pub indexed: u64,
    /// (event_id, reason) for events the backend refused; the others are indexed.
    pub failed: Vec<(String, String)>,
}

/// Searchable audit events: Elasticsearch (`audit_logs-YYYY.MM`, id = event_id) or the embedded
/// file's indexed table. Indexing an event with an existing id replaces it (as ES does).
#[async_trait]
pub trait AuditIndex: Send + Sync {
    fn info(&self) -> BackendInfo;
    async fn ping(&self) -> StoreResult<ServerInfo>;
    /// Index events (bulk). At most 10,000 per call.
    async fn index(&self, events: &[AuditEvent]) -> StoreResult<IndexReport>;
    async fn search(
        &self,
        query: &AuditQuery,
        size: usize,
        after: Option<&AuditCursor>,
    ) -> StoreResult<AuditPage>;
    async fn count(&self, query: &AuditQuery) -> StoreResult<u64>;
    async fn histogram(&self, query: &AuditQuery, interval: Interval) -> StoreResult<Vec<Bucket>>;
    async fn terms(
        &self,
        query: &AuditQuery,
        field: TermField,
        size: usize,
    ) -> StoreResult<Vec<TermCount>>;
}

// ---------------------------------------------------------------------------------------------
// SQL record sources

/// A table of the service's SQL database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRef {
    /// Schema (PostgreSQL) or database (MySQL); `None` for SQLite's main database.
    pub schema: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    pub table: TableRef,
    /// The server's estimate (statistics), not an exact count.
    pub estimated_rows: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnInfo {
    pub name: String,
    /// The type as the server names it (`character varying`, `varchar(255)`, `TEXT`).
    pub data_type: String,
    pub nullable: bool,
    pub primary_key: bool,
    /// Whether the seed's PII detection (`PIIManager._is_pii_field`) flags this column name.
    pub pii: bool,
}

/// One cell, typed loosely enough for every backend.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// Binary, or a type the adapter does not decode; shown as hex by shells.
    Bytes(Vec<u8>),
    /// Naive UTC (timestamps with a zone are converted to UTC).
    Timestamp(NaiveDateTime),
}

/// A page request. Rows are ordered by the primary key (or the first column when there is none)
/// and paged by keyset when `after` is given, else by offset.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageRequest {
    pub limit: usize,
    pub offset: u64,
    /// Primary-key values of the last row of the previous page (keyset paging).
    pub after: Option<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowPage {
    pub columns: Vec<ColumnInfo>,
    pub rows: Vec<Vec<Cell>>,
    /// Keyset for the next page, `None` at the end.
    pub next_after: Option<Vec<Cell>>,
}

/// The service's SQL database: PostgreSQL, MySQL/MariaDB or SQLite.
#[async_trait]
pub trait RecordSource: Send + Sync {
    fn info(&self) -> BackendInfo;
    async fn ping(&self) -> StoreResult<ServerInfo>;
    async fn tables(&self) -> StoreResult<Vec<TableInfo>>;
    async fn columns(&self, table: &TableRef) -> StoreResult<Vec<ColumnInfo>>;
    async fn page(&self, table: &TableRef, request: &PageRequest) -> StoreResult<RowPage>;
}

/// Where `demo seed` puts its PII records (the embedded profile's records file). A port, so the
/// write happens inside the audited demo-seed use case like every other demo write.
#[async_trait]
pub trait DemoRecords: Send + Sync {
    /// Create the `customers` table when missing and upsert the rows; returns how many.
    async fn write_customers(&self, rows: &[crate::demo::DemoCustomer]) -> StoreResult<usize>;
}

/// Default timeout for one store round trip; adapters use it unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the OS keychain could not serve a request. Never carries the secret.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("the OS keychain is not available ({0}); on Linux a Secret Service (GNOME Keyring, KWallet) must run in the desktop session")]
    Unavailable(String),
    #[error("the OS keychain is locked or refused access ({0}); unlock it and try again")]
    Locked(String),
    #[error("the OS keychain failed: {0}")]
    Failed(String),
}

impl From<VaultError> for CoreError {
    fn from(e: VaultError) -> Self {
        CoreError::Keychain(match e {
            VaultError::Unavailable(r) => format!("not available ({r}); on Linux a Secret Service (GNOME Keyring, KWallet) must run in the desktop session"),
            VaultError::Locked(r) => format!("locked or access refused ({r}); unlock it and try again"),
            VaultError::Failed(r) => r,
        })
    }
}

/// The OS keychain, where operator secrets (store passwords, API keys, key material) live.
/// Config files hold only the account names. Blocking, as the platform APIs are: callers run
/// it off the async workers.
pub trait SecretVault: Send + Sync {
    /// Which keychain this is, for the Settings page and error messages.
    fn backend(&self) -> String;
    fn get(&self, account: &str) -> Result<Option<SecretString>, VaultError>;
    fn set(&self, account: &str, secret: &SecretString) -> Result<(), VaultError>;
    /// Deleting an absent entry is not an error.
    fn delete(&self, account: &str) -> Result<(), VaultError>;
}
