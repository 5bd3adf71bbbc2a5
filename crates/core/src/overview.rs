//! The Overview: live figures for the connected stores. The desktop's Overview page and
//! `rampart status --json` both print this struct, so they always agree.
//!
//! Each part is computed on its own; a part that fails is reported in `errors` and the others
//! are still shown (an unreachable audit index must not hide the users).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::Duration;
use rampart_domain::keyrecord::PURPOSES;
use rampart_domain::keys::{self, KEY_AUDIT_LOG};
use rampart_domain::user::Role;
use serde::Serialize;
use ts_rs::TS;

use crate::audit::Trail;
use crate::error::IpcError;
use crate::ports::{AuditIndex, AuditQuery, Clock};
use crate::seed::SeedStore;
use crate::CoreError;

/// Users of one service role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoleCount {
    pub role: String,
    #[ts(type = "number")]
    pub users: u64,
    #[ts(type = "number")]
    pub active: u64,
    #[ts(type = "number")]
    pub mfa_enabled: u64,
}

/// Data keys of one purpose. Key records are encrypted under the master key, which the
/// Overview does not use: `active` is 1 when `active_key:{purpose}` points at a stored key, and
/// `total` counts the distinct key ids the key audit log and the pointer attribute to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PurposeKeys {
    pub purpose: String,
    #[ts(type = "number")]
    pub active: u64,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TrailStatus {
    pub ok: bool,
    #[ts(type = "number")]
    pub entries: u64,
    #[ts(type = "number | null")]
    pub first_broken: Option<u64>,
    pub message: String,
}

/// A part of the Overview that could not be computed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OverviewPart {
    pub part: String,
    pub error: IpcError,
}

/// Live figures for the Overview page and `rampart status --json` (same struct, same numbers).
#[derive(Debug, Clone, Serialize, TS)]
pub struct Overview {
    /// UTC, RFC 3339 with `Z`.
    pub generated_at: String,
    #[ts(type = "number")]
    pub users_total: u64,
    #[ts(type = "number")]
    pub users_unreadable: u64,
    pub users_by_role: Vec<RoleCount>,
    #[ts(type = "number")]
    pub mfa_enabled: u64,
    /// Service admins whose account has no MFA: flagged on the page.
    #[ts(type = "number")]
    pub admins_without_mfa: u64,
    pub keys_by_purpose: Vec<PurposeKeys>,
    /// `null` when the audit index could not answer (see `errors`).
    #[ts(type = "number | null")]
    pub events_24h: Option<u64>,
    #[ts(type = "number")]
    pub account_locks: u64,
    #[ts(type = "number")]
    pub ip_blocks: u64,
    pub trail: Option<TrailStatus>,
    pub errors: Vec<OverviewPart>,
}

/// Compute the Overview. Reads only; any console role may.
pub async fn overview(
    seed: &SeedStore,
    index: &dyn AuditIndex,
    trail: &Trail,
    clock: &Arc<dyn Clock>,
) -> Overview {
    let now = clock.now();
    let mut ov = Overview {
        generated_at: format!("{}Z", now.format("%Y-%m-%dT%H:%M:%S")),
        users_total: 0,
        users_unreadable: 0,
        users_by_role: Vec::new(),
        mfa_enabled: 0,
        admins_without_mfa: 0,
        keys_by_purpose: Vec::new(),
        events_24h: None,
        account_locks: 0,
        ip_blocks: 0,
        trail: None,
        errors: Vec::new(),
    };
    let mut errors = Vec::new();

    match seed.list_users().await {
        Ok(listing) => {
            let mut by_role: BTreeMap<&'static str, RoleCount> = BTreeMap::new();
            for role in Role::ALL {
                by_role.insert(
                    role.as_str(),
                    RoleCount {
                        role: role.as_str().into(),
                        users: 0,
                        active: 0,
                        mfa_enabled: 0,
                    },
                );
            }
            for u in &listing.users {
                let c = by_role.entry(u.role.as_str()).or_insert_with(|| RoleCount {
                    role: u.role.as_str().into(),
                    users: 0,
                    active: 0,
                    mfa_enabled: 0,
                });
                c.users += 1;
                c.active += u64::from(u.is_active);
                c.mfa_enabled += u64::from(u.mfa_enabled);
                if u.role == Role::Admin && !u.mfa_enabled {
                    ov.admins_without_mfa += 1;
                }
            }
            ov.users_total = listing.users.len() as u64;
            ov.users_unreadable = listing.unreadable.len() as u64;
            ov.mfa_enabled = by_role.values().map(|c| c.mfa_enabled).sum();
            ov.users_by_role = by_role.into_values().collect();
        }
        Err(e) => errors.push(ov_errors_push("users", e.into())),
    }

    match keys_by_purpose(seed).await {
        Ok(k) => ov.keys_by_purpose = k,
        Err(e) => errors.push(ov_errors_push("keys", e)),
    }

    let day = AuditQuery {
        from: Some(now - Duration::hours(24)),
        ..Default::default()
    };
    match index.count(&day).await {
        Ok(n) => ov.events_24h = Some(n),
        Err(e) => errors.push(ov_errors_push("events", e.into())),
    }

    for (pattern, slot, part) in [
        ("account_lock:*", &mut ov.account_locks, "account_locks"),
        ("ip_block:*", &mut ov.ip_blocks, "ip_blocks"),
    ] {
        let mut seen = BTreeSet::new();
        match seed.scan_each(pattern, |b| seen.extend(b)).await {
            Ok(()) => *slot = seen.len() as u64,
            Err(e) => errors.push(ov_errors_push(part, e.into())),
        }
    }

    match trail.verify().await {
        Ok(r) => {
            ov.trail = Some(TrailStatus {
                ok: r.ok,
                entries: r.entries,
                first_broken: r.first_break,
                message: r
                    .reason
                    .unwrap_or_else(|| format!("{} entries, hash chain intact", r.entries)),
            })
        }
        Err(e) => errors.push(ov_errors_push("trail", e.into())),
    }
    ov.errors = errors;
    ov
}

fn ov_errors_push(part: &str, e: CoreError) -> OverviewPart {
    OverviewPart {
        part: part.into(),
        error: IpcError::from_core(&e, None),
    }
}

async fn keys_by_purpose(seed: &SeedStore) -> Result<Vec<PurposeKeys>, CoreError> {
    let ks = seed.keyspace();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // The key audit log is capped at 1000 entries by the seed: one read.
    for raw in ks.lrange(KEY_AUDIT_LOG, 0, -1).await? {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&raw) else {
            continue;
        };
        let Some(purpose) = v.get("purpose").and_then(|p| p.as_str()) else {
            continue;
        };
        let set = ids.entry(purpose.to_string()).or_default();
        for f in ["old_key_id", "new_key_id"] {
            if let Some(id) = v.get(f).and_then(|x| x.as_str()) {
                set.insert(id.to_string());
            }
        }
    }
    let mut out = Vec::new();
    for purpose in PURPOSES {
        let set = ids.entry(purpose.to_string()).or_default();
        let mut active = 0;
        if let Some(id) = ks.get(&keys::active_key(purpose)).await? {
            let id = String::from_utf8_lossy(&id).into_owned();
            if ks.get(&keys::key(&id)).await?.is_some() {
                active = 1;
            }
            set.insert(id);
        }
        out.push(PurposeKeys {
            purpose: purpose.into(),
            active,
            total: set.len() as u64,
        });
    }
    Ok(out)
}
