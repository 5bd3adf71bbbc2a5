//! One user in full: profile, role and stored permissions against the role table, MFA state
//! (never the secret or the codes), sessions, API keys (masked), account lock, recent events.
//!
//! Each part is read on its own: a part that is unreadable is reported in `problems` with its
//! key and reason, and the others are still shown.

use chrono::NaiveDateTime;
use rampart_domain::apikey::{ApiKeyRecord, ApiKeyState};
use rampart_domain::console::{ConsoleRole, Operator, OPERATORS_KEY};
use rampart_domain::keys;
use rampart_domain::limits::parse_lock_value;
use rampart_domain::time::format_naive_iso;
use rampart_domain::user::UserRecord;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ports::{AuditIndex, AuditQuery, Clock, KeySpace, MAX_BATCH};
use crate::seed::{ReadError, SeedStore, Unreadable};
use crate::signin::Operators;
use crate::users::index::require_read;
use crate::CoreError;

/// Recent audit events shown in the detail.
pub const RECENT_EVENTS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserProfile {
    pub email: String,
    pub username: String,
    pub role: String,
    pub is_active: bool,
    pub mfa_enabled: bool,
    pub created_at: Option<String>,
    pub last_login: Option<String>,
    /// As stored in `permissions`, in stored order.
    pub permissions: Vec<String>,
    /// The role table's permissions (CONTRACT §1.7), in table order.
    pub role_permissions: Vec<String>,
    /// Stored permissions equal the role's table, order included. A mismatch is flagged,
    /// never fixed here (role change rewrites it).
    pub permissions_match_role: bool,
    /// What the service tolerates but does not write (see `UserRecord::warnings`).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MfaState {
    /// The `mfa_enabled` flag of the user hash.
    pub flag: bool,
    /// `mfa:{id}` exists and parses.
    pub record: bool,
    pub enabled_at: Option<String>,
    /// How many backup codes are left: the count only, never the codes.
    #[ts(type = "number")]
    pub backup_codes_left: u64,
    /// Flag and record disagree (e.g. flag on, record missing: the service cannot verify).
    pub inconsistent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionRow {
    /// The token id, first 8 characters then `…`.
    pub token: String,
    pub created_at: String,
    pub expires_at: String,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApiKeyRow {
    /// The key itself is the Redis key's suffix (a seed weakness): first 4 characters then `…`.
    pub key: String,
    pub key_id: Option<String>,
    pub permissions: String,
    pub is_active: Option<String>,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    pub usage: Option<String>,
    pub usage_limit: String,
    /// What `validate_api_key` would decide now: valid, inactive, expired, over_quota, broken.
    pub state: String,
    pub state_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LockState {
    pub until: String,
    #[ts(type = "number")]
    pub seconds_left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EventRow {
    pub event_id: String,
    pub event_type: String,
    pub timestamp: String,
    pub action: String,
    pub result: String,
    pub severity: String,
    pub ip_address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Problem {
    pub key: String,
    pub reason: String,
}

/// Everything the console shows about one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserDetail {
    pub id: String,
    pub key: String,
    /// `null` when the record is unreadable (see `unreadable`).
    pub profile: Option<UserProfile>,
    pub unreadable: Option<String>,
    pub mfa: MfaState,
    pub sessions: Vec<SessionRow>,
    pub api_keys: Vec<ApiKeyRow>,
    pub lock: Option<LockState>,
    /// The user's console role in Rampart's registry, when they hold one: an operator's
    /// credentials are changed only after the role is revoked, and the detail says why.
    pub console_role: Option<ConsoleRole>,
    /// Newest first: from the audit index when it answers, else the `user_events:{id}` list.
    pub events: Vec<EventRow>,
    pub events_source: String,
    pub problems: Vec<Problem>,
}

fn problem(u: Unreadable) -> Problem {
    Problem {
        key: u.key,
        reason: u.reason,
    }
}

fn mask(s: &str, keep: usize) -> String {
    let head: String = s.chars().take(keep).collect();
    format!("{head}…")
}

/// Resolve `who` (a `user_…` id, or an e-mail through `user_email:{email}`) to an id.
pub async fn resolve(seed: &SeedStore, who: &str) -> Result<String, CoreError> {
    if who.contains('@') {
        seed.user_id_by_email(who)
            .await?
            .ok_or_else(|| CoreError::NotFound(format!("no user with e-mail `{who}`")))
    } else {
        Ok(who.to_string())
    }
}

/// The detail of `who` (id or e-mail). Needs the console's read capability; not audited (it
/// changes nothing).
pub async fn user_detail(
    seed: &SeedStore,
    index: Option<&dyn AuditIndex>,
    clock: &dyn Clock,
    operator: &Operator,
    who: &str,
) -> Result<UserDetail, CoreError> {
    require_read(operator)?;
    let id = resolve(seed, who).await?;
    let key = keys::user(&id);
    let now = clock.now();
    let mut problems = Vec::new();
    let (profile, unreadable, flag) = match seed.user(&id).await {
        Ok(Some(u)) => {
            let flag = u.mfa_enabled;
            (Some(profile_of(u)), None, flag)
        }
        Ok(None) => return Err(CoreError::NotFound(format!("user `{id}`"))),
        Err(ReadError::Unreadable(u)) => (None, Some(u.reason), false),
        Err(ReadError::Store(e)) => return Err(e.into()),
    };
    let mfa = match seed.mfa_summary(&id).await {
        Ok(Some(s)) => MfaState {
            flag,
            record: true,
            enabled_at: s.enabled_at,
            backup_codes_left: s.backup_codes_left as u64,
            inconsistent: !flag,
        },
        Ok(None) => MfaState {
            flag,
            record: false,
            enabled_at: None,
            backup_codes_left: 0,
            inconsistent: flag,
        },
        Err(ReadError::Unreadable(u)) => {
            problems.push(problem(u));
            MfaState {
                flag,
                record: false,
                enabled_at: None,
                backup_codes_left: 0,
                inconsistent: true,
            }
        }
        Err(ReadError::Store(e)) => return Err(e.into()),
    };
    let (sessions, bad) = seed.sessions_of(&id).await?;
    problems.extend(bad.into_iter().map(problem));
    let sessions = sessions
        .into_iter()
        .map(|s| SessionRow {
            token: mask(&s.token_id, 8),
            created_at: format_naive_iso(&s.created_at),
            expires_at: format_naive_iso(&s.exp),
            expired: s.exp < now,
        })
        .collect();
    let api_keys = api_keys_of(seed.keyspace().as_ref(), &id, &now, &mut problems).await?;
    let lock = match seed.keyspace().get(&keys::account_lock(&id)).await? {
        None => None,
        Some(v) => match parse_lock_value(&v) {
            Ok(until) => Some(LockState {
                until: format_naive_iso(&until),
                seconds_left: (until - now).num_seconds().max(0),
            }),
            Err(e) => {
                problems.push(Problem {
                    key: keys::account_lock(&id),
                    reason: e.to_string(),
                });
                None
            }
        },
    };
    let console_role = match Operators::new(seed.keyspace().clone()).grant_of(&id).await {
        Ok(g) => g.map(|g| g.role),
        Err(CoreError::Malformed(reason)) => {
            problems.push(Problem {
                key: OPERATORS_KEY.into(),
                reason,
            });
            None
        }
        Err(e) => return Err(e),
    };
    let (events, events_source) = recent_events(seed, index, &id, &mut problems).await?;
    Ok(UserDetail {
        id,
        key,
        profile,
        unreadable,
        mfa,
        sessions,
        api_keys,
        lock,
        console_role,
        events,
        events_source,
        problems,
    })
}

fn profile_of(u: UserRecord) -> UserProfile {
    let role_perms = u.role.permissions();
    UserProfile {
        permissions_match_role: u.permissions.as_slice() == role_perms,
        permissions: u
            .permissions
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
        role_permissions: role_perms.iter().map(|p| p.as_str().to_owned()).collect(),
        email: u.email,
        username: u.username,
        role: u.role.as_str().to_owned(),
        is_active: u.is_active,
        mfa_enabled: u.mfa_enabled,
        created_at: u.created_at.map(|t| format_naive_iso(&t)),
        last_login: u.last_login.map(|t| format_naive_iso(&t)),
        warnings: u.warnings,
    }
}

/// The seed keeps no per-user index of API keys: SCAN `api_key:*` and keep the user's.
async fn api_keys_of(
    ks: &dyn KeySpace,
    id: &str,
    now: &NaiveDateTime,
    problems: &mut Vec<Problem>,
) -> Result<Vec<ApiKeyRow>, CoreError> {
    let mut all = Vec::new();
    let mut cursor = 0;
    loop {
        let (next, batch) = ks.scan(cursor, "api_key:*", MAX_BATCH).await?;
        all.extend(batch);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    all.sort();
    all.dedup();
    let mut mine = Vec::new();
    for chunk in all.chunks(MAX_BATCH) {
        for (k, slot) in chunk.iter().zip(ks.hgetall_many(chunk).await?) {
            let rec = match slot
                .map_err(|e| e.to_string())
                .and_then(|f| ApiKeyRecord::from_hash(&f).map_err(|e| e.to_string()))
            {
                Ok(Some(r)) => r,
                Ok(None) => continue,
                Err(reason) => {
                    problems.push(Problem {
                        key: mask(k, "api_key:".len() + 4),
                        reason,
                    });
                    continue;
                }
            };
            if rec.user_id.as_deref() == Some(id) {
                mine.push((k.clone(), rec));
            }
        }
    }
    let mut rows = Vec::with_capacity(mine.len());
    for (k, rec) in mine {
        let plain = k.strip_prefix("api_key:").unwrap_or(&k);
        let usage = ks
            .get(&keys::api_usage(plain))
            .await
            .ok()
            .flatten()
            .map(|v| String::from_utf8_lossy(&v).into_owned());
        let (state, state_reason) = match rec.state(usage.as_deref(), now) {
            ApiKeyState::Valid => ("valid", None),
            ApiKeyState::Inactive => ("inactive", None),
            ApiKeyState::Expired => ("expired", None),
            ApiKeyState::OverQuota => ("over_quota", None),
            ApiKeyState::Broken(r) => ("broken", Some(r)),
        };
        rows.push(ApiKeyRow {
            key: mask(plain, 4),
            key_id: rec.key_id,
            permissions: rec.permissions,
            is_active: rec.is_active,
            created_at: rec.created_at,
            expires_at: rec.expires_at,
            usage,
            usage_limit: rec.usage_limit,
            state: state.into(),
            state_reason,
        });
    }
    rows.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(rows)
}

async fn recent_events(
    seed: &SeedStore,
    index: Option<&dyn AuditIndex>,
    id: &str,
    problems: &mut Vec<Problem>,
) -> Result<(Vec<EventRow>, String), CoreError> {
    let row = |e: &rampart_domain::audit::AuditEvent| EventRow {
        event_id: e.event_id.clone(),
        event_type: e.event_type.clone(),
        timestamp: format_naive_iso(&e.timestamp),
        action: e.action.clone(),
        result: e.result.clone(),
        severity: e.severity.clone(),
        ip_address: e.ip_address.clone(),
    };
    if let Some(index) = index {
        let q = AuditQuery {
            user_id: Some(id.to_string()),
            ..AuditQuery::default()
        };
        if let Ok(page) = index.search(&q, RECENT_EVENTS, None).await {
            for (eid, reason) in page.unreadable {
                problems.push(Problem { key: eid, reason });
            }
            return Ok((page.events.iter().map(row).collect(), "audit_index".into()));
        }
    }
    // The service's own list: newest first, ids whose 24 h events expired are skipped.
    let ks = seed.keyspace();
    let list = keys::user_events(id);
    let ids = ks.lrange(&list, 0, RECENT_EVENTS as i64 - 1).await?;
    let keys_: Vec<String> = ids
        .iter()
        .map(|b| rampart_domain::audit::event_key(&String::from_utf8_lossy(b)))
        .collect();
    let mut out = Vec::new();
    for (k, v) in keys_.iter().zip(ks.get_many(&keys_).await?) {
        match v {
            Ok(Some(bytes)) => match rampart_domain::audit::AuditEvent::from_seed_json(&bytes) {
                Ok(e) => out.push(row(&e)),
                Err(e) => problems.push(Problem {
                    key: k.clone(),
                    reason: e.to_string(),
                }),
            },
            Ok(None) => {}
            Err(e) => problems.push(Problem {
                key: k.clone(),
                reason: e.to_string(),
            }),
        }
    }
    Ok((out, list))
}
