//! The audit writer: every console mutation, success, failure or refusal, is recorded
//! (a) in the service's audit stores in the seed's format (`audit_event:*` + index lists, and
//! the audit index: Elasticsearch or the embedded table), and (b) in Rampart's own hash-chained
//! admin trail. Only the core writes audit records; shells never do.

use std::sync::{Arc, Mutex};

use rampart_domain::audit::{self, AuditEvent, INDEX_LIST_LEN, REDIS_EVENT_TTL_SECS};
use rampart_domain::console::Operator;
use rampart_domain::trail::{self, Outcome, TrailDraft, TrailEntry, VerifyReport};
use rand::RngCore;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::ports::{
    Applied, AuditIndex, Clock, Guard, KeySpace, StoreError, StoreResult, Write, MAX_BATCH,
};
use crate::CoreError;

/// Key of the trail list (RPUSH, oldest first) and of its head (the last entry's JSON).
pub const TRAIL_LIST: &str = "rampart:admin_trail";
pub const TRAIL_HEAD: &str = "rampart:admin_trail:head";
/// Optimistic-append retries before giving up (another operator appending at the same moment).
const APPEND_RETRIES: usize = 50;

/// Rampart's append-only admin trail over a [`KeySpace`] (the service's Redis when the profile
/// is writable, else the operator's local embedded file).
#[derive(Clone)]
pub struct Trail {
    ks: Arc<dyn KeySpace>,
}

impl Trail {
    pub fn new(ks: Arc<dyn KeySpace>) -> Self {
        Self { ks }
    }

    /// Append one entry. The head is compared-and-set with the push, so two operators appending
    /// at once never fork the chain: the loser re-reads the head and chains after the winner.
    pub async fn append(&self, draft: TrailDraft) -> StoreResult<TrailEntry> {
        for _ in 0..APPEND_RETRIES {
            let head = self.ks.get(TRAIL_HEAD).await?;
            let prev = match &head {
                None => None,
                Some(bytes) => {
                    Some(
                        TrailEntry::from_json(bytes).map_err(|e| StoreError::Protocol {
                            store: "admin trail".into(),
                            reason: format!(
                                "the trail head is unreadable ({e}); run `rampart audit verify`"
                            ),
                        })?,
                    )
                }
            };
            let entry = draft.clone().chain(prev.as_ref());
            let json = entry.to_json().into_bytes();
            let applied = self
                .ks
                .apply_guarded(
                    &[Guard::StringIs {
                        key: TRAIL_HEAD.into(),
                        value: head,
                    }],
                    &[
                        Write::RPush {
                            key: TRAIL_LIST.into(),
                            values: vec![json.clone()],
                        },
                        Write::Set {
                            key: TRAIL_HEAD.into(),
                            value: json,
                            ttl_secs: None,
                        },
                    ],
                )
                .await?;
            if applied == Applied::Done {
                return Ok(entry);
            }
        }
        Err(StoreError::Backend {
            store: "admin trail".into(),
            reason: "too many concurrent appends; try again".into(),
        })
    }

    /// Verify the whole chain, oldest first, and that the head is the last entry.
    pub async fn verify(&self) -> StoreResult<VerifyReport> {
        let len = self.ks.llen(TRAIL_LIST).await?;
        let mut raw: Vec<Vec<u8>> = Vec::with_capacity(len as usize);
        let mut start = 0i64;
        while (start as u64) < len {
            let stop = start + MAX_BATCH as i64 - 1;
            let chunk = self.ks.lrange(TRAIL_LIST, start, stop).await?;
            if chunk.is_empty() {
                break;
            }
            start += chunk.len() as i64;
            raw.extend(chunk);
        }
        let mut report = trail::verify(raw.iter().map(|v| v.as_slice()));
        if report.ok {
            let head = self.ks.get(TRAIL_HEAD).await?;
            let last = raw.last();
            if head.as_ref() != last {
                report.ok = false;
                report.first_break = Some(report.entries + 1);
                report.reason = Some(match (head, last) {
                    (Some(_), None) => "the trail list is empty but its head records an entry: the trail was truncated".into(),
                    (None, Some(_)) => "the trail head is missing".into(),
                    _ => "the trail head differs from the last entry: entries after it were removed or the head was rewritten".into(),
                });
            }
        }
        Ok(report)
    }

    /// Entries from newest to oldest, `offset` from the newest.
    pub async fn recent(
        &self,
        offset: u64,
        count: usize,
    ) -> StoreResult<Vec<Result<TrailEntry, String>>> {
        let count = count.min(MAX_BATCH);
        let stop = -1 - offset as i64;
        let start = stop - count as i64 + 1;
        let raw = self.ks.lrange(TRAIL_LIST, start, stop).await?;
        Ok(raw
            .iter()
            .rev()
            .map(|b| TrailEntry::from_json(b).map_err(|e| e.to_string()))
            .collect())
    }
}

/// Where the service's events go and how the console identifies itself in them.
pub struct AuditWriter {
    /// The service's key space: `audit_event:*` and its index lists. `None` when the profile
    /// cannot take writes (read-only): the trail still records the refusal.
    events: Option<Arc<dyn KeySpace>>,
    index: Option<Arc<dyn AuditIndex>>,
    trail: Trail,
    clock: Arc<dyn Clock>,
    rng: Mutex<Box<dyn RngCore + Send>>,
    /// `ip_address` of console events: the operator workstation's address as configured.
    ip_address: String,
    user_agent: String,
}

/// What the use case did, for the audit record. Secrets never go in `details`.
#[derive(Debug, Clone)]
pub struct AuditAction {
    /// A seed event type where one fits (`permission_change`, `mfa_disabled`, …), else a
    /// `console_*` type.
    pub event_type: String,
    /// Dotted console action, e.g. `user.deactivate`, `demo.seed`.
    pub action: String,
    /// The service user acted on (the event's `user_id`), when there is one.
    pub subject_user: Option<String>,
    /// Other subject (a key id, a table), the event's `resource`.
    pub resource: Option<String>,
    pub details: Map<String, Value>,
    pub severity: String,
}

impl AuditAction {
    pub fn new(event_type: &str, action: &str) -> Self {
        Self {
            event_type: event_type.into(),
            action: action.into(),
            subject_user: None,
            resource: None,
            details: Map::new(),
            severity: "medium".into(),
        }
    }

    pub fn subject(mut self, user_id: impl Into<String>) -> Self {
        self.subject_user = Some(user_id.into());
        self
    }

    pub fn resource(mut self, r: impl Into<String>) -> Self {
        self.resource = Some(r.into());
        self
    }

    pub fn detail(mut self, k: &str, v: impl Into<Value>) -> Self {
        self.details.insert(k.into(), v.into());
        self
    }

    pub fn severity(mut self, s: &str) -> Self {
        self.severity = s.into();
        self
    }
}

/// Ids of what was written for one audited action.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub event_id: Option<String>,
    pub trail_seq: u64,
    /// Stores that could not take the event (the action's outcome is unaffected, but the
    /// operator is told).
    pub warnings: Vec<String>,
}

impl AuditWriter {
    pub fn new(
        events: Option<Arc<dyn KeySpace>>,
        index: Option<Arc<dyn AuditIndex>>,
        trail: Trail,
        clock: Arc<dyn Clock>,
        rng: Box<dyn RngCore + Send>,
    ) -> Self {
        Self {
            events,
            index,
            trail,
            clock,
            rng: Mutex::new(rng),
            ip_address: "127.0.0.1".into(),
            user_agent: format!("rampart-console/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// Set the address recorded as `ip_address` (default `127.0.0.1`, the console host).
    pub fn with_ip_address(mut self, ip: impl Into<String>) -> Self {
        self.ip_address = ip.into();
        self
    }

    pub fn trail(&self) -> &Trail {
        &self.trail
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Record one action with its outcome. The trail entry is mandatory: if it cannot be
    /// written the call fails, so no console action goes unrecorded silently. The service-side
    /// event is best effort with a warning (the seed itself tolerates an unreachable ES).
    pub async fn record(
        &self,
        operator: &Operator,
        action: &AuditAction,
        outcome: Outcome,
        error: Option<&str>,
    ) -> Result<Recorded, CoreError> {
        self.record_as(&operator.id, operator.role.as_str(), action, outcome, error)
            .await
    }

    /// [`record`](Self::record) for an actor who is not (yet) a signed-in operator: a sign-in
    /// attempt (`actor_role` `none`) or the local bootstrap.
    pub async fn record_as(
        &self,
        actor: &str,
        actor_role: &str,
        action: &AuditAction,
        outcome: Outcome,
        error: Option<&str>,
    ) -> Result<Recorded, CoreError> {
        let now = self.clock.now();
        let mut details = Map::new();
        details.insert("actor".into(), actor.into());
        details.insert("actor_role".into(), actor_role.into());
        details.insert("console_action".into(), action.action.clone().into());
        details.insert("outcome".into(), outcome.as_str().into());
        for (k, v) in &action.details {
            details.insert(k.clone(), v.clone());
        }
        if let Some(e) = error {
            details.insert("error".into(), e.into());
        }
        let mut warnings = Vec::new();
        let mut event_id = None;
        if let Some(ks) = &self.events {
            let id = {
                let mut rng = self.rng.lock().expect("rng mutex poisoned");
                audit::new_event_id(&now, &mut **rng)
            };
            let event = AuditEvent {
                event_id: id.clone(),
                event_type: action.event_type.clone(),
                user_id: action.subject_user.clone(),
                ip_address: self.ip_address.clone(),
                user_agent: self.user_agent.clone(),
                timestamp: now,
                resource: action.resource.clone(),
                action: action.action.clone(),
                // The seed's convention is success|failure|error; a refusal is a failure whose
                // details say it was refused.
                result: match outcome {
                    Outcome::Success => "success",
                    Outcome::Failure | Outcome::Refused => "failure",
                }
                .into(),
                details: details.clone(),
                severity: action.severity.clone(),
            };
            match ks.apply(&seed_event_writes(&event)).await {
                Ok(()) => event_id = Some(id),
                Err(e) => {
                    warnings.push(format!("audit event not written to the service store: {e}"))
                }
            }
            if let Some(index) = &self.index {
                match index.index(std::slice::from_ref(&event)).await {
                    Ok(r) if r.failed.is_empty() => {}
                    Ok(r) => {
                        warnings.push(format!("audit index refused the event: {}", r.failed[0].1))
                    }
                    Err(e) => warnings.push(format!("audit event not indexed: {e}")),
                }
            }
        }
        let entry = self
            .trail
            .append(TrailDraft {
                at: now,
                actor: actor.into(),
                actor_role: actor_role.into(),
                action: action.action.clone(),
                subject: action
                    .subject_user
                    .clone()
                    .or_else(|| action.resource.clone()),
                outcome,
                details: details.clone(),
                event_id: event_id.clone(),
            })
            .await?;
        for w in &warnings {
            tracing::warn!(action = %action.action, "{w}");
        }
        Ok(Recorded {
            event_id,
            trail_seq: entry.seq,
            warnings,
        })
    }
}

/// The writes `_store_event_redis` performs for one event, as one atomic batch: SETEX the JSON
/// for 24 h, then LPUSH + LTRIM 0 999 each index list (no TTL on the lists, as the seed).
pub fn seed_event_writes(event: &AuditEvent) -> Vec<Write> {
    let mut w = vec![Write::Set {
        key: audit::event_key(&event.event_id),
        value: event.to_seed_json().into_bytes(),
        ttl_secs: Some(REDIS_EVENT_TTL_SECS),
    }];
    for list in audit::index_lists(event) {
        w.push(Write::LPush {
            key: list.clone(),
            values: vec![event.event_id.clone().into_bytes()],
        });
        w.push(Write::LTrim {
            key: list,
            start: 0,
            stop: INDEX_LIST_LEN - 1,
        });
    }
    w
}
