//! API keys (CONTRACT §5.1, §5.2): the `api_key:{key}` hash the service reads but never writes,
//! and its `api_usage:{key}` counter.
//!
//! The plaintext key is the suffix of the Redis key name (a seed weakness, §7.5): Rampart never
//! shows it except once at issue time, and refers to keys by `key_id` elsewhere.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::error::FormatError;
use crate::time::{format_naive_iso, parse_naive_iso};

/// `api_usage` TTL, re-armed on every use by the service.
pub const USAGE_TTL_SECS: u64 = 86_400;
pub const DEFAULT_USAGE_LIMIT: i64 = 1000;
pub const DEFAULT_RATE_LIMIT: i64 = 100;

/// The fields Rampart writes for a new key, in this order (CONTRACT §5.1's natural choice).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKeyRecord {
    pub key_id: Option<String>,
    pub user_id: Option<String>,
    pub permissions: String,
    pub rate_limit: String,
    pub usage_limit: String,
    /// Raw `is_active`: the service accepts exactly `true` (lower case).
    pub is_active: Option<String>,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
}

/// What `validate_api_key` would decide for this key now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum ApiKeyState {
    Valid,
    Inactive,
    Expired,
    OverQuota,
    /// The service would raise on this record (bad integer, aware or malformed date).
    Broken(String),
}

fn get<'a>(fields: &'a [(Vec<u8>, Vec<u8>)], name: &str) -> Result<Option<&'a str>, FormatError> {
    fields
        .iter()
        .find(|(k, _)| k.as_slice() == name.as_bytes())
        .map(|(_, v)| {
            std::str::from_utf8(v).map_err(|_| FormatError::invalid(name, "is not UTF-8"))
        })
        .transpose()
}

impl ApiKeyRecord {
    pub fn from_hash(fields: &[(Vec<u8>, Vec<u8>)]) -> Result<Option<Self>, FormatError> {
        if fields.is_empty() {
            return Ok(None);
        }
        let o = |n: &str| get(fields, n).map(|v| v.map(str::to_owned));
        Ok(Some(Self {
            key_id: o("key_id")?,
            user_id: o("user_id")?,
            permissions: o("permissions")?.unwrap_or_default(),
            rate_limit: o("rate_limit")?.unwrap_or_else(|| DEFAULT_RATE_LIMIT.to_string()),
            usage_limit: o("usage_limit")?.unwrap_or_else(|| DEFAULT_USAGE_LIMIT.to_string()),
            is_active: o("is_active")?,
            created_at: o("created_at")?,
            expires_at: o("expires_at")?,
        }))
    }

    /// The hash fields to write, in order; `expires_at` only when there is one.
    pub fn to_fields(&self) -> Vec<(String, Vec<u8>)> {
        let mut f: Vec<(String, Vec<u8>)> = Vec::new();
        let mut push = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                f.push((k.into(), v.clone().into_bytes()));
            }
        };
        push("key_id", &self.key_id);
        push("user_id", &self.user_id);
        push("permissions", &Some(self.permissions.clone()));
        push("rate_limit", &Some(self.rate_limit.clone()));
        push("usage_limit", &Some(self.usage_limit.clone()));
        push("is_active", &self.is_active);
        push("created_at", &self.created_at);
        push("expires_at", &self.expires_at);
        f
    }

    /// A new key's record: `is_active` = `true` (the API-key convention, unlike the user hash).
    pub fn new(
        key_id: &str,
        user_id: &str,
        permissions: &str,
        usage_limit: i64,
        rate_limit: i64,
        created_at: &NaiveDateTime,
        expires_at: Option<&NaiveDateTime>,
    ) -> Self {
        Self {
            key_id: Some(key_id.into()),
            user_id: Some(user_id.into()),
            permissions: permissions.into(),
            rate_limit: rate_limit.to_string(),
            usage_limit: usage_limit.to_string(),
            is_active: Some(active_flag(true).into()),
            created_at: Some(format_naive_iso(created_at)),
            expires_at: expires_at.map(format_naive_iso),
        }
    }

    /// Decide as `validate_api_key` does, in its order: active, expiry, quota.
    pub fn state(&self, usage: Option<&str>, now: &NaiveDateTime) -> ApiKeyState {
        if self.is_active.as_deref() != Some("true") {
            return ApiKeyState::Inactive;
        }
        if let Some(exp) = self.expires_at.as_deref().filter(|s| !s.is_empty()) {
            match parse_naive_iso(exp) {
                Ok(t) if t < *now => return ApiKeyState::Expired,
                Ok(_) => {}
                Err(e) => return ApiKeyState::Broken(format!("expires_at: {e}")),
            }
        }
        let Some(limit) = py_int(&self.usage_limit) else {
            return ApiKeyState::Broken(format!(
                "usage_limit `{}` is not an integer",
                self.usage_limit
            ));
        };
        let used = match usage {
            None | Some("") => 0,
            Some(u) => match py_int(u) {
                Some(n) => n,
                None => return ApiKeyState::Broken(format!("api_usage `{u}` is not an integer")),
            },
        };
        if used >= limit {
            ApiKeyState::OverQuota
        } else {
            ApiKeyState::Valid
        }
    }
}

/// Hex characters of a key's [`handle`]: 48 bits, enough to tell a store's keys apart while
/// revealing nothing usable about the key.
pub const HANDLE_LEN: usize = 12;

/// A stable, non-secret name for an API key: the first [`HANDLE_LEN`] hex characters of its
/// SHA-256. Listings and commands use it so the plaintext key (the Redis key name's suffix, a
/// seed weakness, CONTRACT §7.5) is shown only once, at issue time.
pub fn handle(api_key: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(api_key.as_bytes()))[..HANDLE_LEN].to_string()
}

/// What a listing shows of a key: its first 4 characters and an ellipsis (about 24 of 256 bits,
/// enough to recognise a key someone reads out, far from enough to use it).
pub fn mask(api_key: &str) -> String {
    let head: String = api_key.chars().take(4).collect();
    format!("{head}…")
}

/// `is_active` spelling for API keys: lower case `true`/`false` (CONTRACT §8).
pub fn active_flag(active: bool) -> &'static str {
    if active {
        "true"
    } else {
        "false"
    }
}

/// Python `int(str)`: optional surrounding whitespace, optional sign, digits with single
/// underscores between them.
pub fn py_int(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: i64 = clean.parse().ok()?;
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        parse_naive_iso("2026-11-24T00:00:00").unwrap()
    }

    fn rec(active: &str, exp: Option<&str>, limit: &str) -> ApiKeyRecord {
        ApiKeyRecord {
            key_id: Some("ak_x".into()),
            user_id: Some("user_x".into()),
            permissions: "read_stock_data".into(),
            rate_limit: "100".into(),
            usage_limit: limit.into(),
            is_active: Some(active.into()),
            created_at: None,
            expires_at: exp.map(str::to_owned),
        }
    }

    #[test]
    fn validation_matches_validate_api_key() {
        let cases = [
            (rec("true", None, "1000"), Some("5"), ApiKeyState::Valid),
            (rec("True", None, "1000"), None, ApiKeyState::Inactive),
            (rec("1", None, "1000"), None, ApiKeyState::Inactive),
            (
                rec("true", Some("2026-11-23T00:00:00"), "1000"),
                None,
                ApiKeyState::Expired,
            ),
            (rec("true", Some(""), "1000"), None, ApiKeyState::Valid),
            (rec("true", None, "10"), Some("10"), ApiKeyState::OverQuota),
            (rec("true", None, " 1_0 "), Some("9"), ApiKeyState::Valid),
        ];
        for (r, usage, want) in cases {
            assert_eq!(r.state(usage, &now()), want, "{r:?} usage {usage:?}");
        }
        assert!(matches!(
            rec("true", None, "").state(None, &now()),
            ApiKeyState::Broken(_)
        ));
        assert!(
            matches!(
                rec("true", Some("2030-01-01T00:00:00+00:00"), "1").state(None, &now()),
                ApiKeyState::Broken(_)
            ),
            "an aware expiry makes the service raise TypeError"
        );
    }

    #[test]
    fn handles_are_stable_short_and_not_the_key() {
        let key = "YYoi0r3cFYdL0Qv7oQx8WZ9zQm6lQeSg1c2b3a4d5e6";
        assert_eq!(handle(key), handle(key), "stable");
        assert_eq!(handle(key).len(), HANDLE_LEN);
        assert!(
            !key.contains(&handle(key)),
            "the handle is not a piece of the key"
        );
        assert_ne!(
            handle(key),
            handle("another"),
            "distinct keys, distinct handles"
        );
        assert_eq!(mask(key), "YYoi…");
        assert_eq!(
            mask("김민"),
            "김민…",
            "masking counts characters, not bytes"
        );
    }

    #[test]
    fn new_record_round_trips_through_fields() {
        let r = ApiKeyRecord::new("ak_1", "user_1", "read_stock_data", 1000, 100, &now(), None);
        let f: Vec<(Vec<u8>, Vec<u8>)> = r
            .to_fields()
            .into_iter()
            .map(|(k, v)| (k.into_bytes(), v))
            .collect();
        assert_eq!(ApiKeyRecord::from_hash(&f).unwrap().unwrap(), r);
        assert_eq!(r.is_active.as_deref(), Some("true"));
    }
}
