//! Audit events in the seed's format (CONTRACT §6): the `audit_event:{id}` JSON, its index
//! lists, the event types and their retention.

use chrono::NaiveDateTime;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::FormatError;
use crate::pyjson;
use crate::time::{format_naive_iso, parse_naive_iso};

/// TTL of the Redis copy of every event, whatever its type (§6.1).
pub const REDIS_EVENT_TTL_SECS: u64 = 86_400;
/// Index lists are trimmed to this many ids (LTRIM 0 999).
pub const INDEX_LIST_LEN: i64 = 1000;
/// Largest event JSON Rampart reads (a hostile Redis value must not exhaust memory).
pub const MAX_EVENT_BYTES: usize = 256 * 1024;
/// Nesting limit for `details` when reading.
pub const MAX_EVENT_DEPTH: usize = 32;

/// The service's 11 event types (§6.3), in the seed's enum order.
pub const SEED_EVENT_TYPES: [&str; 11] = [
    "user_login",
    "user_logout",
    "user_registration",
    "password_change",
    "mfa_enabled",
    "mfa_disabled",
    "api_access",
    "data_export",
    "permission_change",
    "suspicious_activity",
    "security_violation",
];

/// Prefix of the event types Rampart itself introduces for admin actions with no seed type.
/// The service never parses event types back (nothing reads `audit_event:*`), and its ES
/// queries filter on the seed's names, so extra names are invisible to it.
pub const CONSOLE_EVENT_PREFIX: &str = "console_";

/// Retention in days for a seed event type (§6.3). Console types keep 1825 days: they are the
/// security officers' own actions and are kept as long as security violations.
pub fn retention_days(event_type: &str) -> u32 {
    match event_type {
        "user_login" => 90,
        "user_logout" => 30,
        "user_registration" => 365,
        "password_change" => 365,
        "mfa_enabled" => 365,
        "mfa_disabled" => 365,
        "api_access" => 30,
        "data_export" => 365,
        "permission_change" => 365,
        "suspicious_activity" => 365,
        "security_violation" => 1825,
        _ => 1825,
    }
}

/// Whether the type goes into the `security_events` list (§6.1).
pub fn is_security_type(event_type: &str) -> bool {
    matches!(event_type, "suspicious_activity" | "security_violation")
}

pub fn is_seed_type(event_type: &str) -> bool {
    SEED_EVENT_TYPES.contains(&event_type)
}

/// One audit event, field for field as `asdict(AuditEvent)` with the 11 keys in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub event_id: String,
    pub event_type: String,
    pub user_id: Option<String>,
    pub ip_address: String,
    pub user_agent: String,
    #[serde(with = "naive_iso_serde")]
    pub timestamp: NaiveDateTime,
    pub resource: Option<String>,
    pub action: String,
    pub result: String,
    /// A JSON object (`{}` by default); key order kept.
    pub details: Map<String, Value>,
    pub severity: String,
}

mod naive_iso_serde {
    use super::*;
    use serde::{Deserializer, Serializer};
    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_naive_iso(t))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let s = String::deserialize(d)?;
        parse_naive_iso(&s).map_err(serde::de::Error::custom)
    }
}

impl AuditEvent {
    /// The exact bytes the service writes: `json.dumps(asdict(event))` with Python's default
    /// separators and `ensure_ascii=True` (Korean text as `\uXXXX`).
    pub fn to_seed_json(&self) -> String {
        pyjson::dumps(&self.to_value())
    }

    /// The event as a JSON object in the seed's key order.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("event_id".into(), Value::String(self.event_id.clone()));
        m.insert("event_type".into(), Value::String(self.event_type.clone()));
        m.insert("user_id".into(), opt(&self.user_id));
        m.insert("ip_address".into(), Value::String(self.ip_address.clone()));
        m.insert("user_agent".into(), Value::String(self.user_agent.clone()));
        m.insert(
            "timestamp".into(),
            Value::String(format_naive_iso(&self.timestamp)),
        );
        m.insert("resource".into(), opt(&self.resource));
        m.insert("action".into(), Value::String(self.action.clone()));
        m.insert("result".into(), Value::String(self.result.clone()));
        m.insert("details".into(), Value::Object(self.details.clone()));
        m.insert("severity".into(), Value::String(self.severity.clone()));
        Value::Object(m)
    }

    /// Read an `audit_event:*` value. Lenient where the service is (unknown event types and
    /// results are kept as text); strict where a reader would break (missing keys, wrong types,
    /// an aware timestamp).
    pub fn from_seed_json(bytes: &[u8]) -> Result<Self, FormatError> {
        if bytes.len() > MAX_EVENT_BYTES {
            return Err(FormatError::TooLarge {
                size: bytes.len(),
                limit: MAX_EVENT_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| FormatError::NotUtf8)?;
        let v = pyjson::loads(text, MAX_EVENT_DEPTH)?;
        Self::from_value(&v)
    }

    /// Build from a JSON object (an ES `_source` or a decoded Redis value).
    pub fn from_value(v: &Value) -> Result<Self, FormatError> {
        let obj = v
            .as_object()
            .ok_or_else(|| FormatError::Malformed("not a JSON object".into()))?;
        let s = |k: &str| -> Result<String, FormatError> {
            match obj.get(k) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err(FormatError::invalid(k, "is not a string")),
                None => Err(FormatError::MissingField(k.into())),
            }
        };
        let os = |k: &str| -> Result<Option<String>, FormatError> {
            match obj.get(k) {
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Null) | None => Ok(None),
                Some(_) => Err(FormatError::invalid(k, "is neither a string nor null")),
            }
        };
        let details = match obj.get("details") {
            Some(Value::Object(m)) => m.clone(),
            Some(Value::Null) | None => Map::new(),
            Some(_) => return Err(FormatError::invalid("details", "is not a JSON object")),
        };
        Ok(AuditEvent {
            event_id: s("event_id")?,
            event_type: s("event_type")?,
            user_id: os("user_id")?,
            ip_address: s("ip_address")?,
            user_agent: s("user_agent")?,
            timestamp: parse_naive_iso(&s("timestamp")?)
                .map_err(|e| FormatError::invalid("timestamp", e.to_string()))?,
            resource: os("resource")?,
            action: s("action")?,
            result: s("result")?,
            details,
            severity: s("severity")?,
        })
    }

    /// The Elasticsearch index the service writes this event to: `audit_logs-%Y.%m`.
    pub fn es_index(&self) -> String {
        es_index_for(&self.timestamp)
    }
}

fn opt(v: &Option<String>) -> Value {
    v.as_ref()
        .map(|s| Value::String(s.clone()))
        .unwrap_or(Value::Null)
}

pub fn es_index_for(t: &NaiveDateTime) -> String {
    format!("audit_logs-{}", t.format("%Y.%m"))
}

/// An event id in the seed's shape `audit_{epoch_ms}_{signed int}`. The seed's second part is
/// Python's per-process `hash(ip)`, which no other process can reproduce (§6.1); nothing
/// parses it, so Rampart uses a random signed 64-bit value, which also avoids the seed's
/// same-millisecond collisions.
pub fn new_event_id(now: &NaiveDateTime, rng: &mut (impl RngCore + ?Sized)) -> String {
    let ms = now.and_utc().timestamp_millis();
    let tail = rng.next_u64() as i64;
    format!("audit_{ms}_{tail}")
}

/// Keys the service writes for one event (§6.1): `(key, ttl)` for the event itself and the
/// index lists it is pushed to.
pub fn index_lists(event: &AuditEvent) -> Vec<String> {
    let mut lists = Vec::with_capacity(3);
    if let Some(uid) = event.user_id.as_deref().filter(|u| !u.is_empty()) {
        lists.push(format!("user_events:{uid}"));
    }
    lists.push(format!("ip_events:{}", event.ip_address));
    if is_security_type(&event.event_type) {
        lists.push("security_events".to_string());
    }
    lists
}

pub fn event_key(event_id: &str) -> String {
    format!("audit_event:{event_id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn sample() -> AuditEvent {
        let mut details = Map::new();
        details.insert(
            "reason".into(),
            Value::String("repeated_login_failures".into()),
        );
        details.insert("failures".into(), Value::from(7));
        AuditEvent {
            event_id: "audit_1795493557494_-3872837313787996192".into(),
            event_type: "security_violation".into(),
            user_id: None,
            ip_address: "2001:db8:bad::1".into(),
            user_agent: "".into(),
            timestamp: NaiveDate::from_ymd_opt(2026, 11, 24)
                .unwrap()
                .and_hms_micro_opt(4, 12, 37, 495_057)
                .unwrap(),
            resource: None,
            action: "account_locked".into(),
            result: "success".into(),
            details,
            severity: "high".into(),
        }
    }

    #[test]
    fn contract_example_is_reproduced_byte_for_byte() {
        // CONTRACT §6.1 example, written by the seed's AuditService.
        let expected = r#"{"event_id": "audit_1795493557494_-3872837313787996192", "event_type": "security_violation", "user_id": null, "ip_address": "2001:db8:bad::1", "user_agent": "", "timestamp": "2026-11-24T04:12:37.495057", "resource": null, "action": "account_locked", "result": "success", "details": {"reason": "repeated_login_failures", "failures": 7}, "severity": "high"}"#;
        assert_eq!(sample().to_seed_json(), expected);
        assert_eq!(
            AuditEvent::from_seed_json(expected.as_bytes()).unwrap(),
            sample()
        );
    }

    #[test]
    fn korean_details_are_escaped_as_python_does() {
        let mut e = sample();
        e.details
            .insert("note".into(), Value::String("잠금".into()));
        let json = e.to_seed_json();
        assert!(
            json.contains(r#""note": "\uc7a0\uae08""#),
            "ensure_ascii escapes Hangul: {json}"
        );
        assert_eq!(AuditEvent::from_seed_json(json.as_bytes()).unwrap(), e);
    }

    #[test]
    fn malformed_events_are_typed_errors() {
        let cases: &[(&[u8], &str)] = &[
            (b"{\"event_id\": \"a\"", "truncated JSON"),
            (b"[1, 2]", "not an object"),
            (b"\xff\xfe", "not UTF-8"),
            (
                br#"{"event_id": "a", "event_type": "user_login"}"#,
                "missing keys",
            ),
        ];
        for (bytes, why) in cases {
            assert!(
                AuditEvent::from_seed_json(bytes).is_err(),
                "{why} must be refused"
            );
        }
        let aware = sample().to_seed_json().replace("495057\"", "495057Z\"");
        assert!(
            AuditEvent::from_seed_json(aware.as_bytes()).is_err(),
            "aware time refused"
        );
    }

    #[test]
    fn index_lists_follow_the_seed() {
        let mut e = sample();
        assert_eq!(
            index_lists(&e),
            vec!["ip_events:2001:db8:bad::1", "security_events"]
        );
        e.user_id = Some("user_x".into());
        e.event_type = "user_login".into();
        assert_eq!(
            index_lists(&e),
            vec!["user_events:user_x", "ip_events:2001:db8:bad::1"]
        );
        e.user_id = Some(String::new());
        assert_eq!(
            index_lists(&e),
            vec!["ip_events:2001:db8:bad::1"],
            "empty user id is falsy"
        );
    }

    #[test]
    fn retention_table_matches_the_seed() {
        let expected = [90, 30, 365, 365, 365, 365, 30, 365, 365, 365, 1825];
        for (t, d) in SEED_EVENT_TYPES.iter().zip(expected) {
            assert_eq!(retention_days(t), d, "retention of {t}");
        }
        assert_eq!(es_index_for(&sample().timestamp), "audit_logs-2026.11");
    }
}
