//! API keys (CONTRACT §5.1, §5.2): `api_key:{key}` hashes that `validate_api_key` reads, and
//! their `api_usage:{key}` counters.
//!
//! The plaintext key is the suffix of the key name (a seed weakness, §7.5), so it is a secret
//! that SCAN reveals. Rampart shows it once, when issued, and otherwise names a key by its
//! handle (a SHA-256 prefix, [`apikey::handle`]) or its `key_id`; listings show a masked form.

use chrono::NaiveDateTime;
use rampart_domain::apikey::{self, ApiKeyRecord, ApiKeyState};
use rampart_domain::console::{Capability, Operator};
use rampart_domain::ids;
use rampart_domain::keys;
use rampart_domain::user::Permission;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use super::{details, ttl_secs, Access};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::mutate;
use crate::ports::{Applied, Guard, Write, MAX_BATCH};
use crate::seed::Unreadable;
use crate::CoreError;

/// What the operator asks for when issuing a key.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    /// The owning user: id or e-mail.
    pub user: String,
    /// Permission values; `None` gives the key the user's own permissions.
    pub permissions: Option<Vec<String>>,
    pub usage_limit: i64,
    pub rate_limit: i64,
    /// Naive UTC; must be in the future.
    pub expires_at: Option<NaiveDateTime>,
}

/// A freshly issued key. The key itself is revealed once; `Debug` redacts it.
pub struct IssuedKey {
    pub handle: String,
    pub key_id: String,
    pub user_id: String,
    key: SecretString,
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedKey")
            .field("handle", &self.handle)
            .field("key_id", &self.key_id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
pub struct IssuedShown {
    pub handle: String,
    pub key_id: String,
    pub user_id: String,
    /// The `X-API-Key` value. Shown only now.
    pub api_key: String,
}

impl IssuedKey {
    pub fn reveal(&self) -> IssuedShown {
        IssuedShown {
            handle: self.handle.clone(),
            key_id: self.key_id.clone(),
            user_id: self.user_id.clone(),
            api_key: self.key.expose_secret().to_string(),
        }
    }
}

/// One key as a listing shows it: never the key itself.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ApiKeyView {
    pub handle: String,
    pub masked: String,
    pub key_id: Option<String>,
    pub user_id: Option<String>,
    pub permissions: Vec<String>,
    /// `api_usage:{key}` (0 when absent) against `usage_limit`.
    pub usage: Option<i64>,
    pub usage_limit: String,
    /// Seconds until the usage counter resets (it is re-armed on every use: a sliding 24 h).
    pub usage_ttl_secs: Option<u64>,
    pub rate_limit: String,
    /// Raw `is_active`: the service accepts exactly `true`.
    pub is_active: Option<String>,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    /// What `validate_api_key` would decide now.
    pub state: ApiKeyState,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiKeyListing {
    pub keys: Vec<ApiKeyView>,
    /// Hashes the service could not read (key names masked).
    pub unreadable: Vec<Unreadable>,
}

/// A found key: the plaintext stays inside the core.
struct Found {
    key: String,
    record: ApiKeyRecord,
}

impl Access {
    /// Issue a key: `api_key:{token_urlsafe(32)}` with `key_id` = `ak_` + token_urlsafe(12),
    /// the fields CONTRACT §5.1 suggests, `is_active` = `true` (lower case, the API-key
    /// convention). Randomness is the caller's.
    pub async fn issue_api_key(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        req: &IssueRequest,
        rng: &mut (dyn RngCore + Send),
    ) -> Result<IssuedKey, CoreError> {
        let (id, user) = self.subject(&req.user).await;
        let (key_id, key) = ids::new_api_key(rng);
        let handle = apikey::handle(&key);
        let mut action = AuditAction::new("console_api_key", "apikey.issue")
            .resource(key_id.clone())
            .detail("handle", handle.as_str());
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (issued, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let user = user?;
                let now = audit.clock().now();
                let perms = match &req.permissions {
                    None => user.permissions.iter().map(|p| p.as_str().to_string()).collect(),
                    Some(list) => list.clone(),
                };
                if perms.is_empty() {
                    return Err(CoreError::Validation(
                        "an API key needs at least one permission (the service splits an empty value into [''])".into(),
                    ));
                }
                for p in &perms {
                    let Some(parsed) = Permission::parse(p) else {
                        return Err(CoreError::Validation(format!("`{p}` is not a permission")));
                    };
                    if !user.permissions.contains(&parsed) {
                        return Err(CoreError::Validation(format!(
                            "the user does not hold `{p}`; a key cannot grant more than its owner has"
                        )));
                    }
                }
                if req.usage_limit < 1 || req.rate_limit < 1 {
                    return Err(CoreError::Validation(
                        "usage and rate limits must be at least 1".into(),
                    ));
                }
                if req.expires_at.is_some_and(|t| t <= now) {
                    return Err(CoreError::Validation("the expiry must be in the future".into()));
                }
                let record = ApiKeyRecord::new(
                    &key_id,
                    &user.id,
                    &perms.join(","),
                    req.usage_limit,
                    req.rate_limit,
                    &now,
                    req.expires_at.as_ref(),
                );
                let applied = self
                    .ks
                    .apply_guarded(
                        &[
                            Guard::Exists { key: keys::api_key(&key), exists: false },
                            Guard::Exists { key: keys::user(&user.id), exists: true },
                        ],
                        &[Write::HSet { key: keys::api_key(&key), fields: record.to_fields() }],
                    )
                    .await?;
                if applied == Applied::Conflict {
                    return Err(CoreError::Conflict(
                        "the key could not be written (the user was deleted, or a key collided); try again".into(),
                    ));
                }
                let issued = IssuedKey {
                    handle: handle.clone(),
                    key_id: key_id.clone(),
                    user_id: user.id.clone(),
                    key: SecretString::from(key.clone()),
                };
                Ok((issued, details([("permissions", Value::from(perms.join(",")))])))
            },
        )
        .await?;
        Ok(issued)
    }

    /// Every API key (SCAN `api_key:*`), optionally only one user's, with usage and state.
    pub async fn list_api_keys(&self, user: Option<&str>) -> Result<ApiKeyListing, CoreError> {
        let owner = match user {
            Some(who) => Some(self.user(who).await?.id),
            None => None,
        };
        let (found, unreadable) = self.all_keys().await?;
        let now = self.clock.now();
        let mut out = Vec::new();
        let selected: Vec<Found> = found
            .into_iter()
            .filter(|f| owner.is_none() || f.record.user_id == owner)
            .collect();
        for chunk in selected.chunks(MAX_BATCH) {
            let usage_keys: Vec<String> = chunk.iter().map(|f| keys::api_usage(&f.key)).collect();
            let usages = self.ks.get_many(&usage_keys).await?;
            for (f, u) in chunk.iter().zip(usages) {
                let raw = match u {
                    Ok(v) => v.map(|b| String::from_utf8_lossy(&b).into_owned()),
                    Err(e) => Some(format!("<{e}>")),
                };
                let usage_ttl = if raw.is_some() {
                    ttl_secs(self.ks.ttl(&keys::api_usage(&f.key)).await?)
                } else {
                    None
                };
                out.push(ApiKeyView {
                    handle: apikey::handle(&f.key),
                    masked: apikey::mask(&f.key),
                    key_id: f.record.key_id.clone(),
                    user_id: f.record.user_id.clone(),
                    permissions: f
                        .record
                        .permissions
                        .split(',')
                        .map(str::to_string)
                        .collect(),
                    usage: match raw.as_deref() {
                        None => Some(0),
                        Some(s) => apikey::py_int(s),
                    },
                    usage_limit: f.record.usage_limit.clone(),
                    usage_ttl_secs: usage_ttl,
                    rate_limit: f.record.rate_limit.clone(),
                    is_active: f.record.is_active.clone(),
                    created_at: f.record.created_at.clone(),
                    expires_at: f.record.expires_at.clone(),
                    state: f.record.state(raw.as_deref(), &now),
                });
            }
        }
        out.sort_by(|a, b| {
            (&a.user_id, &a.created_at, &a.handle).cmp(&(&b.user_id, &b.created_at, &b.handle))
        });
        Ok(ApiKeyListing {
            keys: out,
            unreadable,
        })
    }

    /// Set `is_active` to `true` or `false` (lower case, as `validate_api_key` compares it).
    pub async fn set_api_key_active(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        selector: &str,
        active: bool,
    ) -> Result<ApiKeyView, CoreError> {
        let found = self.find_key(selector).await;
        let verb = if active {
            "apikey.activate"
        } else {
            "apikey.deactivate"
        };
        let action = key_action(verb, &found);
        let (view, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let f = found?;
                let applied = self
                    .ks
                    .apply_guarded(
                        &[Guard::Exists {
                            key: keys::api_key(&f.key),
                            exists: true,
                        }],
                        &[Write::HSet {
                            key: keys::api_key(&f.key),
                            fields: vec![(
                                "is_active".into(),
                                apikey::active_flag(active).as_bytes().to_vec(),
                            )],
                        }],
                    )
                    .await?;
                if applied == Applied::Conflict {
                    return Err(CoreError::NotFound("the key was revoked meanwhile".into()));
                }
                let listing = self.list_api_keys(None).await?;
                let handle = apikey::handle(&f.key);
                let view = listing
                    .keys
                    .into_iter()
                    .find(|k| k.handle == handle)
                    .ok_or_else(|| CoreError::NotFound("the key was revoked meanwhile".into()))?;
                Ok((
                    view,
                    details([("is_active", apikey::active_flag(active).into())]),
                ))
            },
        )
        .await?;
        Ok(view)
    }

    /// Revoke: DEL `api_key:{key}` and its `api_usage:{key}`. The service then answers "invalid
    /// key" (its hash is gone).
    pub async fn revoke_api_key(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        selector: &str,
    ) -> Result<String, CoreError> {
        let found = self.find_key(selector).await;
        let action = key_action("apikey.revoke", &found).severity("high");
        let (handle, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let f = found?;
                self.ks
                    .apply(&[Write::Del {
                        keys: vec![keys::api_key(&f.key), keys::api_usage(&f.key)],
                    }])
                    .await?;
                Ok((apikey::handle(&f.key), serde_json::Map::new()))
            },
        )
        .await?;
        Ok(handle)
    }

    /// Every readable `api_key:*` hash with its plaintext name (kept inside the core).
    async fn all_keys(&self) -> Result<(Vec<Found>, Vec<Unreadable>), CoreError> {
        let mut names = Vec::new();
        self.seed
            .scan_each("api_key:*", |b| names.extend(b))
            .await?;
        names.sort();
        names.dedup();
        let mut found = Vec::new();
        let mut bad = Vec::new();
        for chunk in names.chunks(MAX_BATCH) {
            for (name, slot) in chunk.iter().zip(self.ks.hgetall_many(chunk).await?) {
                let key = name.strip_prefix("api_key:").unwrap_or(name).to_string();
                let masked = format!(
                    "api_key:{} (handle {})",
                    apikey::mask(&key),
                    apikey::handle(&key)
                );
                match slot
                    .map_err(|e| e.to_string())
                    .and_then(|f| ApiKeyRecord::from_hash(&f).map_err(|e| e.to_string()))
                {
                    Ok(Some(record)) => found.push(Found { key, record }),
                    Ok(None) => {}
                    Err(reason) => bad.push(Unreadable {
                        key: masked,
                        reason,
                    }),
                }
            }
        }
        Ok((found, bad))
    }

    /// A key by handle (or a longer prefix of the SHA-256) or by `key_id`; must be unique.
    async fn find_key(&self, selector: &str) -> Result<Found, CoreError> {
        let sel = selector.trim();
        if sel.len() < 6 {
            return Err(CoreError::Validation(
                "name the key by its handle (12 hex characters) or its key_id (ak_…)".into(),
            ));
        }
        let (found, _) = self.all_keys().await?;
        let mut hits: Vec<Found> = found
            .into_iter()
            .filter(|f| {
                f.record.key_id.as_deref() == Some(sel)
                    || apikey::handle(&f.key).starts_with(&sel.to_ascii_lowercase())
            })
            .collect();
        match hits.len() {
            1 => Ok(hits.remove(0)),
            0 => Err(CoreError::NotFound(format!(
                "no API key with handle or key_id `{sel}`"
            ))),
            n => Err(CoreError::Validation(format!(
                "{n} API keys match `{sel}`; give the full handle"
            ))),
        }
    }
}

fn key_action(verb: &str, found: &Result<Found, CoreError>) -> AuditAction {
    let mut a = AuditAction::new("console_api_key", verb);
    if let Ok(f) = found {
        a = a.detail("handle", apikey::handle(&f.key));
        if let Some(id) = &f.record.key_id {
            a = a.resource(id.clone());
        }
        if let Some(u) = &f.record.user_id {
            a = a.subject(u.clone());
        }
    }
    a
}
