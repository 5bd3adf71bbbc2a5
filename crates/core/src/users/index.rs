//! The in-memory users index: every `user:*` hash as a compact row, built by SCAN + pipelined
//! HGETALL, queried while it builds, kept fresh by re-scans and by the console's own writes.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use futures::stream::{FuturesOrdered, StreamExt};
use futures::SinkExt;
use rampart_domain::console::{allows, Capability, Operator};
use rampart_domain::keys;
use rampart_domain::userindex::{
    compile, decode_user, fingerprint, run, QueryCache, Table, UserQuery, UserRow, Verdict,
    MAX_LIMIT,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ports::{Clock, KeySpace, RawHashes, StoreResult, MAX_BATCH};
use crate::CoreError;

/// HGETALL pipelines in flight while the next SCAN steps run. Redis serves one while the client
/// decodes another; more only queue in Redis.
const PIPELINES_IN_FLIGHT: usize = 4;
/// SCAN steps fetched ahead of the pipelines (each at most [`MAX_BATCH`] keys).
const SCAN_AHEAD: usize = 8;
/// Most rows reserved up front from DBSIZE (an upper bound of the user count).
const MAX_RESERVE: u64 = 2_000_000;

/// Where a scan pass stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BuildState {
    /// No pass has started.
    Idle,
    Building,
    /// The last pass saw every key.
    Complete,
    Cancelled,
    Failed,
}

/// Progress of the current (or last) scan pass, for the table's progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BuildProgress {
    pub state: BuildState,
    /// `user:*` keys SCAN returned in this pass so far (a key SCAN repeats counts twice).
    #[ts(type = "number")]
    pub scanned: u64,
    /// DBSIZE when the pass started: an upper bound of the users (every family counts).
    #[ts(type = "number")]
    pub estimate: u64,
    /// Passes that saw every key.
    #[ts(type = "number")]
    pub passes: u64,
    pub error: Option<String>,
}

/// A page of the users table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserPage {
    /// Rows matching the query (in the index so far, while it builds).
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<UserRow>,
    /// `false` until a first pass has seen every key: the page is then filtered and sorted over
    /// the rows loaded so far (not SCAN order), and later pages may gain rows before it.
    pub complete: bool,
    /// Rows in the index (readable + unreadable).
    #[ts(type = "number")]
    pub loaded: u64,
    #[ts(type = "number")]
    pub unreadable: u64,
    pub progress: BuildProgress,
}

type Listener = Arc<dyn Fn(&BuildProgress) + Send + Sync>;

/// Every user of a key space, readable or not, in memory. `Send + Sync`; share it as `Arc`.
///
/// Locking: one `RwLock` over the table. A scan pass takes the write lock once per pipeline of
/// at most [`MAX_BATCH`] records (about a millisecond), so queries, which take the read lock,
/// are never held up for long; the desktop queries while it builds.
pub struct UserIndex {
    ks: Arc<dyn KeySpace>,
    clock: Arc<dyn Clock>,
    table: RwLock<Table>,
    cache: Mutex<QueryCache>,
    progress: Mutex<BuildProgress>,
    listener: Mutex<Option<Listener>>,
    cancel: Arc<AtomicBool>,
    running: AtomicBool,
    /// Number of the current pass; rows carry the last pass that saw them.
    epoch: AtomicU32,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic in another holder leaves plain data behind, still consistent enough to read.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Clears `running` however the pass ends (error, cancel, or the future being dropped).
struct Running<'a>(&'a AtomicBool);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl UserIndex {
    pub fn new(ks: Arc<dyn KeySpace>, clock: Arc<dyn Clock>) -> Arc<Self> {
        Arc::new(Self {
            ks,
            clock,
            table: RwLock::new(Table::new()),
            cache: Mutex::new(QueryCache::default()),
            progress: Mutex::new(BuildProgress {
                state: BuildState::Idle,
                scanned: 0,
                estimate: 0,
                passes: 0,
                error: None,
            }),
            listener: Mutex::new(None),
            cancel: Arc::new(AtomicBool::new(false)),
            running: AtomicBool::new(false),
            epoch: AtomicU32::new(0),
        })
    }

    /// Called after every pipeline of a pass and at its end (from the task running the pass).
    pub fn on_progress(&self, f: impl Fn(&BuildProgress) + Send + Sync + 'static) {
        *lock(&self.listener) = Some(Arc::new(f));
    }

    pub fn progress(&self) -> BuildProgress {
        lock(&self.progress).clone()
    }

    /// Ask the running pass to stop after its current pipeline. Rows loaded stay; nothing is
    /// dropped (a cancelled pass never sweeps).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    fn read(&self) -> RwLockReadGuard<'_, Table> {
        self.table.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Table> {
        self.table.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Approximate heap bytes of the index.
    pub fn heap_bytes(&self) -> usize {
        self.read().heap_bytes()
    }

    fn set_progress(&self, f: impl FnOnce(&mut BuildProgress)) {
        let snapshot = {
            let mut p = lock(&self.progress);
            f(&mut p);
            p.clone()
        };
        let listener = lock(&self.listener).clone();
        if let Some(l) = listener {
            l(&snapshot);
        }
    }

    /// The first build: same as [`UserIndex::refresh`].
    pub async fn build(&self) -> Result<BuildProgress, CoreError> {
        self.refresh().await
    }

    /// One scan pass over `user:*` (SCAN COUNT ≤ 1000, never KEYS; HGETALL pipelines of ≤ 1000
    /// keys, overlapped with SCAN): new and changed records are upserted (unchanged ones are
    /// recognised by a fingerprint of their bytes and not decoded again), deleted ones dropped
    /// when the pass completes. A second caller while a pass runs gets `Conflict`.
    pub async fn refresh(&self) -> Result<BuildProgress, CoreError> {
        if self.running.swap(true, Ordering::SeqCst) {
            return Err(CoreError::Conflict(
                "the users index is already being scanned".into(),
            ));
        }
        let _running = Running(&self.running);
        self.cancel.store(false, Ordering::SeqCst);
        let epoch = self.epoch.fetch_add(1, Ordering::SeqCst) + 1;
        let estimate = self.ks.dbsize().await.unwrap_or(0);
        let cold = {
            let mut t = self.write();
            let cold = t.is_empty();
            if cold {
                t.reserve(estimate.min(MAX_RESERVE) as usize);
            }
            cold
        };
        self.set_progress(|p| {
            p.state = BuildState::Building;
            p.scanned = 0;
            p.estimate = estimate;
            p.error = None;
        });
        // A cold build sizes the text arenas once the first few hundred records show how long
        // their texts are.
        let resize = cold.then(|| estimate.min(MAX_RESERVE) as usize);
        match self.pass(epoch, resize).await {
            Ok(true) => {
                self.write().sweep(epoch);
                self.set_progress(|p| {
                    p.state = BuildState::Complete;
                    p.passes += 1;
                });
            }
            Ok(false) => self.set_progress(|p| p.state = BuildState::Cancelled),
            Err(e) => {
                let msg = e.to_string();
                self.set_progress(|p| {
                    p.state = BuildState::Failed;
                    p.error = Some(msg);
                });
                return Err(e.into());
            }
        }
        Ok(self.progress())
    }

    /// `Ok(true)` when SCAN finished, `Ok(false)` when cancelled.
    async fn pass(&self, epoch: u32, mut resize: Option<usize>) -> StoreResult<bool> {
        // SCAN runs ahead in its own task: its chain of cursors is sequential, and it must not
        // wait while this task decodes.
        let (mut tx, mut rx) =
            futures::channel::mpsc::channel::<StoreResult<Vec<String>>>(SCAN_AHEAD);
        let (ks, cancel) = (self.ks.clone(), self.cancel.clone());
        tokio::spawn(async move {
            let mut cursor = 0u64;
            loop {
                if cancel.load(Ordering::SeqCst) {
                    return;
                }
                let step = ks.scan(cursor, "user:*", MAX_BATCH).await;
                let next = step.as_ref().map_or(0, |(n, _)| *n);
                let item = step.map(|(_, keys)| keys);
                let stop = item.is_err() || next == 0;
                if tx.send(item).await.is_err() || stop {
                    return;
                }
                cursor = next;
            }
        });
        let mut inflight = FuturesOrdered::new();
        let mut scan_done = false;
        loop {
            if self.cancel.load(Ordering::SeqCst) {
                return Ok(false);
            }
            if !scan_done && inflight.len() < PIPELINES_IN_FLIGHT {
                match rx.next().await {
                    None => scan_done = true,
                    Some(Err(e)) => return Err(e),
                    Some(Ok(keys)) if keys.is_empty() => {}
                    Some(Ok(keys)) => {
                        self.set_progress(|p| p.scanned += keys.len() as u64);
                        // Spawned: the replies are read and parsed on another worker while
                        // this task decodes the previous pipeline.
                        // SCAN COUNT is a hint: a step may return a few more keys than 1000.
                        for chunk in keys.chunks(MAX_BATCH) {
                            let (ks, keys) = (self.ks.clone(), chunk.to_vec());
                            inflight.push_back(tokio::spawn(async move {
                                let raw = ks.hgetall_raw(&keys).await;
                                (keys, raw)
                            }));
                        }
                    }
                }
                continue;
            }
            let Some(joined) = inflight.next().await else {
                return Ok(true);
            };
            let (keys, raw) = joined.map_err(|e| crate::ports::StoreError::Backend {
                store: self.ks.info().kind,
                reason: format!("a read task failed: {e}"),
            })?;
            self.apply(&keys, &raw?, epoch);
            if let Some(rows) = resize {
                let mut t = self.write();
                if t.len() >= 512 {
                    let more = rows.saturating_sub(t.len());
                    t.reserve(more);
                    resize = None;
                }
            }
            let listener = lock(&self.listener).clone();
            if let Some(l) = listener {
                l(&self.progress());
            }
        }
    }

    /// Upsert one pipeline's records under one short write lock.
    fn apply(&self, keys: &[String], raw: &RawHashes, epoch: u32) {
        let mut fields = Vec::with_capacity(16);
        let mut t = self.write();
        for (i, key) in keys.iter().enumerate().take(raw.len()) {
            let id = key.strip_prefix("user:").unwrap_or(key);
            match raw.fields_into(i, &mut fields) {
                // Empty when deleted between SCAN and HGETALL: the row is dropped.
                Ok(()) => {
                    t.upsert_fields(id, &fields, epoch);
                }
                Err(e) => {
                    let reason = e.to_string();
                    let fp = fingerprint(&[(b"error", reason.as_bytes())]);
                    t.upsert(id, &Verdict::Unreadable(reason), fp, epoch);
                }
            }
        }
        t.maybe_compact();
    }

    /// Re-read one user after the console changed it (or learned it changed): inserted,
    /// replaced, turned unreadable, or dropped when the hash is gone.
    pub async fn upsert(&self, id: &str) -> Result<(), CoreError> {
        let key = keys::user(id);
        let epoch = self.epoch.load(Ordering::SeqCst);
        match self.ks.hgetall(&key).await {
            Ok(f) => {
                let b: Vec<(&[u8], &[u8])> = f
                    .iter()
                    .map(|(k, v)| (k.as_slice(), v.as_slice()))
                    .collect();
                let mut t = self.write();
                if b.is_empty() {
                    t.remove(id);
                } else {
                    t.upsert(id, &decode_user(id, &b), fingerprint(&b), epoch);
                }
            }
            Err(e @ crate::ports::StoreError::WrongType { .. }) => {
                let reason = e.to_string();
                let fp = fingerprint(&[(b"error", reason.as_bytes())]);
                self.write()
                    .upsert(id, &Verdict::Unreadable(reason), fp, epoch);
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// Forget one user (the console deleted it).
    pub fn remove(&self, id: &str) -> bool {
        self.write().remove(id)
    }

    /// Filter, search, sort and page. Served from what is loaded while the first pass runs
    /// (`complete: false`), sorted over the loaded rows.
    pub fn query(&self, q: &UserQuery) -> Result<UserPage, CoreError> {
        let compiled = compile(q, self.clock.now()).map_err(CoreError::Validation)?;
        let progress = self.progress();
        let t = self.read();
        let found = {
            let mut cache = lock(&self.cache);
            run(&t, &compiled, &mut cache)
        };
        Ok(UserPage {
            total: found.total as u64,
            offset: q.offset,
            rows: found.page.iter().map(|&i| t.row(i)).collect(),
            complete: progress.passes > 0,
            loaded: t.len() as u64,
            unreadable: t.unreadable_count() as u64,
            progress,
        })
    }

    /// [`UserIndex::query`] for an operator: needs the console's read capability.
    pub fn list(&self, operator: &Operator, q: &UserQuery) -> Result<UserPage, CoreError> {
        require_read(operator)?;
        self.query(q)
    }

    /// Every user id matching `q` (its filters and sort; `offset` and `limit` are ignored)
    /// except those in `except`: a bulk action "over the filter" resolved to ids at dry-run
    /// time, so the batch acts on exactly the users its plan lists. Refused while the first
    /// scan pass has not seen every key (the set would silently miss users), and when more
    /// than `cap` users remain (a batch holds at most that many).
    pub fn matching_ids(
        &self,
        operator: &Operator,
        q: &UserQuery,
        except: &HashSet<String>,
        cap: usize,
    ) -> Result<Vec<String>, CoreError> {
        require_read(operator)?;
        let progress = self.progress();
        if progress.passes == 0 {
            return Err(CoreError::Conflict(format!(
                "the users index has read {} keys and not yet every user; a selection by filter \
                 waits until it has (pick rows one by one meanwhile)",
                progress.scanned
            )));
        }
        let too_many = |n: usize| {
            CoreError::Validation(format!(
                "{n} users match the filter; a batch holds at most {cap}: narrow the filter"
            ))
        };
        let mut page = UserQuery {
            offset: 0,
            limit: MAX_LIMIT,
            unreadable: Some(false),
            ..q.clone()
        };
        let first = self.query(&page)?;
        let total = first.total as usize;
        // Unticked rows lower the count by at most their number.
        if total.saturating_sub(except.len()) > cap {
            return Err(too_many(total.saturating_sub(except.len())));
        }
        let mut seen = HashSet::new();
        let mut ids = Vec::new();
        let mut rows = first.rows;
        loop {
            let n = rows.len();
            for r in rows {
                if let UserRow::User(u) = r {
                    if !except.contains(&u.id) && seen.insert(u.id.clone()) {
                        ids.push(u.id);
                    }
                }
            }
            page.offset += n as u64;
            if n == 0 || page.offset as usize >= total {
                break;
            }
            rows = self.query(&page)?.rows;
        }
        if ids.len() > cap {
            return Err(too_many(ids.len()));
        }
        Ok(ids)
    }

    /// The row of one id, if loaded.
    pub fn row(&self, id: &str) -> Option<UserRow> {
        let t = self.read();
        t.lookup(id).map(|i| t.row(i))
    }
}

/// Reads are not audited as mutations, but they still need the console's read capability.
pub fn require_read(operator: &Operator) -> Result<(), CoreError> {
    if allows(operator.role, Capability::Read) {
        Ok(())
    } else {
        Err(CoreError::Forbidden(format!(
            "the console role {} may not read users",
            operator.role.as_str()
        )))
    }
}
