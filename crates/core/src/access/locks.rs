//! Account locks, IP blocks, rate-limit counters and IP reputations (CONTRACT §5.3, §5.4, §6.2).
//!
//! The service writes `account_lock:{id}` and `ip_block:{ip}` (value: the naive-UTC end time,
//! TTL the same) after a burst of failed logins, and never reads them (§7.10). Rampart shows
//! them with time left and the events that caused them, lifts them with a reason, and writes
//! manual blocks exactly as `_block_ip_address` does.

use std::sync::Arc;

use rampart_domain::audit::AuditEvent;
use rampart_domain::console::{AccountChange, Capability, Operator};
use rampart_domain::keys;
use rampart_domain::limits::{
    self, block_origin, is_console_block_of, BlockOrigin, CONSOLE_BLOCK_ACTION,
    CONSOLE_BLOCK_EVENT, MAX_BLOCK_MINUTES,
};
use rampart_domain::time::{format_naive_iso, parse_naive_iso};
use serde::Serialize;
use serde_json::Value;

use super::{details, require_reason, ttl_secs, Access};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::{mutate, operator_guard};
use crate::ports::{AuditCursor, AuditIndex, AuditQuery, KeySpace, Write, MAX_BATCH};
use crate::seed::Unreadable;
use crate::CoreError;

/// Events shown as the cause of one lock or block.
pub const MAX_CAUSES: usize = 20;
/// Index-list entries read when looking for causes (newest first).
const CAUSE_SCAN: i64 = 200;
/// Restrictions whose causes are looked up in one listing. During an attack thousands of IPs
/// may be blocked at once; the causes of the newest are what an officer reads, and each lookup
/// costs two round trips.
pub const MAX_WITH_CAUSES: usize = 100;
/// The console's own block records read from the audit index per listing (newest first, one
/// year back: no block outlives that). More manual blocks than this in a year is not a
/// console's pace; blocks older than the last one read are judged without their record.
const CONSOLE_BLOCK_SCAN: usize = 2_000;
const CONSOLE_BLOCK_PAGE: usize = 1_000;

/// An audit event as the cause of a lock: what the service logged, no more.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CauseEvent {
    pub event_id: String,
    pub event_type: String,
    pub timestamp: String,
    pub user_id: Option<String>,
    pub ip_address: String,
    /// As the service logged it (`""` for its own lockout events).
    pub user_agent: String,
    pub action: String,
    pub result: String,
    pub details: Value,
}

impl From<AuditEvent> for CauseEvent {
    fn from(e: AuditEvent) -> Self {
        Self {
            event_id: e.event_id,
            event_type: e.event_type,
            timestamp: format_naive_iso(&e.timestamp),
            user_id: e.user_id,
            ip_address: e.ip_address,
            user_agent: e.user_agent,
            action: e.action,
            result: e.result,
            details: Value::Object(e.details),
        }
    }
}

/// A current lock (`account_lock:{user_id}`) or block (`ip_block:{ip}`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Restriction {
    /// The user id or the IP, exactly as in the key name.
    pub subject: String,
    /// The stored end time (naive UTC ISO), or the raw value when it does not parse.
    pub until: String,
    pub until_readable: bool,
    pub ttl_secs: Option<u64>,
    /// The login failures and the `security_violation` that caused it, newest first: from the
    /// service's Redis index lists (24 h), else from the audit index.
    pub causes: Vec<CauseEvent>,
    /// Who set an IP block ([`limits::block_origin`]); `None` for account locks (only the
    /// service locks accounts) and for blocks listed without their causes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<BlockOrigin>,
}

impl Restriction {
    /// The stored end time, when it parses.
    fn until_time(&self) -> Option<chrono::NaiveDateTime> {
        self.until_readable
            .then(|| parse_naive_iso(&self.until).ok())
            .flatten()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RateCounter {
    pub endpoint_type: String,
    pub ip: String,
    pub count: Option<i64>,
    pub limit: u64,
    pub window_secs: u64,
    /// The middleware denies when `count >= limit`.
    pub limited: bool,
    /// `None` for a counter without TTL: the §7.7 race left it limiting that IP for ever.
    pub ttl_secs: Option<u64>,
    pub unreadable: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LowReputation {
    pub ip: String,
    /// The stored text (`0.35`, `nan`…), exactly as Python wrote it.
    pub raw: String,
    /// The parsed score; `None` for NaN/∞ (JSON has no such numbers).
    pub score: Option<f64>,
    /// What the service decides (`reputation and reputation < 0.5`, CONTRACT §7.8).
    pub blocked_by_service: bool,
    pub ttl_secs: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LimitsView {
    /// Busiest first, at most the requested number.
    pub counters: Vec<RateCounter>,
    pub counters_total: usize,
    /// Scores ≤ 0.5 or NaN (the sound rule), lowest first.
    pub low_reputations: Vec<LowReputation>,
    pub reputations_total: usize,
    pub unreadable: Vec<Unreadable>,
}

impl Access {
    /// Current account locks, longest time left first, with the events behind each (when
    /// `with_causes`, for the first [`MAX_WITH_CAUSES`]).
    pub async fn list_locks(&self, with_causes: bool) -> Result<Vec<Restriction>, CoreError> {
        self.restrictions("account_lock:", with_causes).await
    }

    /// Current IP blocks, as [`list_locks`](Self::list_locks).
    pub async fn list_blocks(&self, with_causes: bool) -> Result<Vec<Restriction>, CoreError> {
        self.restrictions("ip_block:", with_causes).await
    }

    async fn restrictions(
        &self,
        prefix: &str,
        with_causes: bool,
    ) -> Result<Vec<Restriction>, CoreError> {
        let mut names = Vec::new();
        self.seed
            .scan_each(&format!("{prefix}*"), |b| names.extend(b))
            .await?;
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for chunk in names.chunks(MAX_BATCH) {
            let values = self.ks.get_many(chunk).await?;
            for (name, v) in chunk.iter().zip(values) {
                let Ok(Some(v)) = v else { continue };
                let subject = name[prefix.len()..].to_string();
                let (until, readable) = match limits::parse_lock_value(&v) {
                    Ok(t) => (format_naive_iso(&t), true),
                    Err(_) => (String::from_utf8_lossy(&v).into_owned(), false),
                };
                let ttl = ttl_secs(self.ks.ttl(name).await?);
                out.push(Restriction {
                    subject,
                    until,
                    until_readable: readable,
                    ttl_secs: ttl,
                    causes: Vec::new(),
                    origin: None,
                });
            }
        }
        // Longest time left first: the newest (or longest manual) restrictions lead.
        out.sort_by(|a, b| {
            b.ttl_secs
                .cmp(&a.ttl_secs)
                .then_with(|| a.subject.cmp(&b.subject))
        });
        if with_causes {
            for r in out.iter_mut().take(MAX_WITH_CAUSES) {
                r.causes = if prefix == "account_lock:" {
                    self.causes(Some(&r.subject), None).await?
                } else {
                    self.causes(None, Some(&r.subject)).await?
                };
            }
            if prefix == "ip_block:" {
                let records = self.console_block_records(&out).await?;
                for (i, r) in out.iter_mut().enumerate() {
                    let console = r.until_time().is_some_and(|until| {
                        records
                            .iter()
                            .any(|e| is_console_block_of(e, &r.subject, &until))
                    });
                    let looked_up = (i < MAX_WITH_CAUSES).then_some(r.causes.len());
                    r.origin = block_origin(console, looked_up);
                }
            }
        }
        Ok(out)
    }

    /// The console's successful block records that may explain `blocks`, newest first, from
    /// the audit index (where every console action is indexed). Stops once each block with a
    /// readable end time has its record. Without an index there is no record to find.
    async fn console_block_records(
        &self,
        blocks: &[Restriction],
    ) -> Result<Vec<AuditEvent>, CoreError> {
        let Some(index) = &self.index else {
            return Ok(Vec::new());
        };
        let mut pending: Vec<(&str, chrono::NaiveDateTime)> = blocks
            .iter()
            .filter_map(|b| Some((b.subject.as_str(), b.until_time()?)))
            .collect();
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let q = AuditQuery {
            event_types: vec![CONSOLE_BLOCK_EVENT.into()],
            results: vec!["success".into()],
            from: Some(self.clock.now() - chrono::Duration::minutes(MAX_BLOCK_MINUTES)),
            ..Default::default()
        };
        let mut out = Vec::new();
        let mut after: Option<AuditCursor> = None;
        while out.len() < CONSOLE_BLOCK_SCAN {
            let page = index.search(&q, CONSOLE_BLOCK_PAGE, after.as_ref()).await?;
            for e in page.events {
                pending.retain(|(ip, until)| !is_console_block_of(&e, ip, until));
                out.push(e);
            }
            if pending.is_empty() {
                break;
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        Ok(out)
    }

    /// The failed logins and lock events of a user or an IP, newest first: the service's own
    /// index lists point at `audit_event:*` copies that live 24 h; when none is left, the audit
    /// index (Elasticsearch or the embedded table) is asked.
    pub async fn causes(
        &self,
        user_id: Option<&str>,
        ip: Option<&str>,
    ) -> Result<Vec<CauseEvent>, CoreError> {
        let list = match (user_id, ip) {
            (Some(u), _) => keys::user_events(u),
            (None, Some(ip)) => keys::ip_events(ip),
            (None, None) => return Ok(Vec::new()),
        };
        let ids = self.ks.lrange(&list, 0, CAUSE_SCAN - 1).await?;
        let event_keys: Vec<String> = ids
            .iter()
            .map(|id| format!("audit_event:{}", String::from_utf8_lossy(id)))
            .collect();
        let mut out: Vec<CauseEvent> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for chunk in event_keys.chunks(MAX_BATCH) {
            for v in self
                .ks
                .get_many(chunk)
                .await?
                .into_iter()
                .flatten()
                .flatten()
            {
                let Ok(e) = AuditEvent::from_seed_json(&v) else {
                    continue;
                };
                if is_cause(&e) && seen.insert(e.event_id.clone()) {
                    out.push(e.into());
                }
                if out.len() >= MAX_CAUSES {
                    return Ok(out);
                }
            }
        }
        if out.is_empty() {
            if let Some(index) = &self.index {
                out = index_causes(index, user_id, ip).await?;
            }
        }
        Ok(out)
    }

    /// Lift an account lock (DEL `account_lock:{id}`). The reason is recorded.
    pub async fn unlock_account(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        reason: &str,
    ) -> Result<Restriction, CoreError> {
        let (id, user) = self.subject(who).await;
        let reason_ok = require_reason(reason);
        let mut action = AuditAction::new("console_account_unlock", "lock.unlock").severity("high");
        if let Ok(r) = &reason_ok {
            action = action.detail("reason", r.as_str());
        }
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (lifted, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                reason_ok?;
                // A lock may outlive its user record; the key name is what matters, so an
                // unreadable user can still be unlocked by id.
                let uid = match (user, &id) {
                    (Ok(u), _) => u.id,
                    (Err(CoreError::Malformed(_)), Some(id)) => id.clone(),
                    (Err(e), _) => return Err(e),
                };
                operator_guard(&self.ks, operator, &uid, AccountChange::Standing).await?;
                let lifted = self.lift(&keys::account_lock(&uid), &uid).await?;
                let was = details([("was_until", lifted.until.clone().into())]);
                Ok((lifted, was))
            },
        )
        .await?;
        Ok(lifted)
    }

    /// Lift an IP block (DEL `ip_block:{ip}`), the IP exactly as listed. The reason is recorded.
    pub async fn unblock_ip(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        ip: &str,
        reason: &str,
    ) -> Result<Restriction, CoreError> {
        let reason_ok = require_reason(reason);
        let mut action = AuditAction::new("console_ip_unblock", "block.remove")
            .resource(format!("ip:{ip}"))
            .detail("ip", ip)
            .severity("high");
        if let Ok(r) = &reason_ok {
            action = action.detail("reason", r.as_str());
        }
        let (lifted, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                reason_ok?;
                let lifted = self.lift(&keys::ip_block(ip), ip).await?;
                let was = details([("was_until", lifted.until.clone().into())]);
                Ok((lifted, was))
            },
        )
        .await?;
        Ok(lifted)
    }

    async fn lift(&self, key: &str, subject: &str) -> Result<Restriction, CoreError> {
        let Some(v) = self.ks.get(key).await? else {
            return Err(CoreError::NotFound(format!(
                "`{key}` does not exist (it may have expired)"
            )));
        };
        let ttl = ttl_secs(self.ks.ttl(key).await?);
        self.ks
            .apply(&[Write::Del {
                keys: vec![key.to_string()],
            }])
            .await?;
        let (until, readable) = match limits::parse_lock_value(&v) {
            Ok(t) => (format_naive_iso(&t), true),
            Err(_) => (String::from_utf8_lossy(&v).into_owned(), false),
        };
        Ok(Restriction {
            subject: subject.to_string(),
            until,
            until_readable: readable,
            ttl_secs: ttl,
            causes: Vec::new(),
            origin: None,
        })
    }

    /// Block an IP for `minutes` exactly as `_block_ip_address` does: SETEX `ip_block:{ip}`
    /// `minutes × 60` with the naive-UTC end time as the value. The address must be IPv4 or
    /// IPv6 and is written in canonical form. An existing block is replaced (as the service's
    /// repeated failures re-arm it).
    pub async fn block_ip(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        ip: &str,
        minutes: i64,
        reason: &str,
    ) -> Result<Restriction, CoreError> {
        let reason_ok = require_reason(reason);
        let canonical = limits::canonical_ip(ip.trim());
        let shown = canonical.clone().unwrap_or_else(|_| ip.to_string());
        let mut action = AuditAction::new(CONSOLE_BLOCK_EVENT, CONSOLE_BLOCK_ACTION)
            .resource(format!("ip:{shown}"))
            .detail("ip", shown.as_str())
            .detail("minutes", minutes)
            .severity("high");
        if let Ok(r) = &reason_ok {
            action = action.detail("reason", r.as_str());
        }
        let (r, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                reason_ok?;
                let ip = canonical.map_err(|e| CoreError::Validation(e.to_string()))?;
                if !(1..=MAX_BLOCK_MINUTES).contains(&minutes) {
                    return Err(CoreError::Validation(format!(
                        "a block lasts from 1 minute to {MAX_BLOCK_MINUTES} minutes (one year)"
                    )));
                }
                let (until, ttl) = limits::lock_value(&audit.clock().now(), minutes);
                self.ks
                    .apply(&[Write::Set {
                        key: keys::ip_block(&ip),
                        value: until.clone().into_bytes(),
                        ttl_secs: Some(ttl),
                    }])
                    .await?;
                let r = Restriction {
                    subject: ip,
                    until: until.clone(),
                    until_readable: true,
                    ttl_secs: Some(ttl),
                    causes: Vec::new(),
                    origin: Some(BlockOrigin::Console),
                };
                Ok((r, details([("until", until.into())])))
            },
        )
        .await?;
        Ok(r)
    }

    /// Live `rate_limit:*` counters (busiest first, at most `max`) and `ip_reputation:*` scores
    /// that a sound rule finds suspicious (≤ 0.5 or NaN, lowest first, at most `max`).
    pub async fn limits(&self, max: usize) -> Result<LimitsView, CoreError> {
        let mut unreadable = Vec::new();
        let counters_raw = read_all(&self.ks, &self.seed, "rate_limit:*").await?;
        let mut counters = Vec::new();
        for (name, v) in counters_raw {
            let Some((etype, ip)) = keys::parse_rate_limit(&name) else {
                unreadable.push(Unreadable {
                    key: name.clone(),
                    reason: "no `{type}:{ip}` after the prefix".into(),
                });
                continue;
            };
            let (limit, window) = limits::rate_limit_for(etype);
            let (count, limited, bad) = match limits::rate_limit_state(etype, &v) {
                Ok(s) => (Some(s.count), s.limited, None),
                Err(e) => (None, false, Some(e.to_string())),
            };
            counters.push(RateCounter {
                endpoint_type: etype.to_string(),
                ip: ip.to_string(),
                count,
                limit,
                window_secs: window,
                limited,
                ttl_secs: None,
                unreadable: bad,
            });
        }
        // Unreadable counters first: the middleware's `int()` fails on them too, so they matter
        // more than any busy one and must not fall past `max`. Then the busiest.
        counters.sort_by(|a, b| {
            a.count
                .is_some()
                .cmp(&b.count.is_some())
                .then(b.count.cmp(&a.count))
                .then_with(|| a.ip.cmp(&b.ip))
        });
        let counters_total = counters.len();
        counters.truncate(max);
        for c in counters.iter_mut() {
            c.ttl_secs = ttl_secs(
                self.ks
                    .ttl(&keys::rate_limit(&c.endpoint_type, &c.ip))
                    .await?,
            );
        }

        let reps_raw = read_all(&self.ks, &self.seed, "ip_reputation:*").await?;
        let reputations_total = reps_raw.len();
        let mut low = Vec::new();
        for (name, v) in reps_raw {
            let ip = name["ip_reputation:".len()..].to_string();
            match limits::reputation(&v) {
                Ok(r) if r.suspicious => low.push(LowReputation {
                    ip,
                    raw: String::from_utf8_lossy(&v).into_owned(),
                    score: r.score.is_finite().then_some(r.score),
                    blocked_by_service: r.blocked_by_service,
                    ttl_secs: None,
                }),
                Ok(_) => {}
                Err(e) => unreadable.push(Unreadable {
                    key: name,
                    reason: e.to_string(),
                }),
            }
        }
        // NaN first (the service lets it through, a sound rule does not), then lowest scores.
        low.sort_by(|a, b| {
            let ka = a.score.unwrap_or(f64::NEG_INFINITY);
            let kb = b.score.unwrap_or(f64::NEG_INFINITY);
            ka.total_cmp(&kb).then_with(|| a.ip.cmp(&b.ip))
        });
        low.truncate(max);
        for r in low.iter_mut() {
            r.ttl_secs = ttl_secs(self.ks.ttl(&keys::ip_reputation(&r.ip)).await?);
        }
        Ok(LimitsView {
            counters,
            counters_total,
            low_reputations: low,
            reputations_total,
            unreadable,
        })
    }
}

/// A failed login or the lock the service logged after the burst.
fn is_cause(e: &AuditEvent) -> bool {
    (e.event_type == "user_login" && e.result == "failure")
        || (e.event_type == "security_violation" && e.action == "account_locked")
}

async fn index_causes(
    index: &Arc<dyn AuditIndex>,
    user_id: Option<&str>,
    ip: Option<&str>,
) -> Result<Vec<CauseEvent>, CoreError> {
    let q = AuditQuery {
        event_types: vec!["user_login".into(), "security_violation".into()],
        user_id: user_id.map(str::to_string),
        ip_address: if user_id.is_none() {
            ip.map(str::to_string)
        } else {
            None
        },
        ..Default::default()
    };
    let page = index.search(&q, CAUSE_SCAN as usize, None).await?;
    Ok(page
        .events
        .into_iter()
        .filter(is_cause)
        .take(MAX_CAUSES)
        .map(CauseEvent::from)
        .collect())
}

/// Every (key, value) of a string family, SCAN + pipelined GET.
async fn read_all(
    ks: &Arc<dyn KeySpace>,
    seed: &crate::seed::SeedStore,
    pattern: &str,
) -> Result<Vec<(String, Vec<u8>)>, CoreError> {
    let mut names = Vec::new();
    seed.scan_each(pattern, |b| names.extend(b)).await?;
    names.sort();
    names.dedup();
    let mut out = Vec::with_capacity(names.len());
    for chunk in names.chunks(MAX_BATCH) {
        for (name, v) in chunk.iter().zip(ks.get_many(chunk).await?) {
            if let Ok(Some(v)) = v {
                out.push((name.clone(), v));
            }
        }
    }
    Ok(out)
}
