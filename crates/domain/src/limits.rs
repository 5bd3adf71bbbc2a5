//! Rate limits, IP reputations, account locks and IP blocks (CONTRACT §5.3, §5.4, §6.2).

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use serde_json::Value;

use crate::apikey::py_int;
use crate::audit::AuditEvent;
use crate::error::FormatError;
use crate::time::{format_naive_iso, parse_naive_iso};

/// `(endpoint type, requests, window seconds)` of the middleware; unknown types use `default`'s.
pub const RATE_LIMITS: [(&str, u64, u64); 3] =
    [("default", 100, 60), ("auth", 10, 60), ("sensitive", 5, 60)];
pub const REPUTATION_TTL_SECS: u64 = 3600;
pub const LOCK_MINUTES: i64 = 15;
pub const BLOCK_MINUTES: i64 = 30;
/// Failures from one IP in five minutes that lock the account and block the IP.
pub const LOCKOUT_THRESHOLD: u64 = 5;
pub const LOCKOUT_WINDOW_MINUTES: i64 = 5;

pub fn rate_limit_for(endpoint_type: &str) -> (u64, u64) {
    RATE_LIMITS
        .iter()
        .find(|(t, _, _)| *t == endpoint_type)
        .map(|(_, n, w)| (*n, *w))
        .unwrap_or((100, 60))
}

/// A `rate_limit:*` counter as the middleware reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateLimitState {
    pub count: i64,
    pub limit: u64,
    /// The middleware denies when `count >= limit`.
    pub limited: bool,
}

pub fn rate_limit_state(endpoint_type: &str, value: &[u8]) -> Result<RateLimitState, FormatError> {
    let s = std::str::from_utf8(value).map_err(|_| FormatError::NotUtf8)?;
    let count = py_int(s)
        .ok_or_else(|| FormatError::invalid("rate_limit", format!("`{s}` is not an integer")))?;
    let (limit, _) = rate_limit_for(endpoint_type);
    Ok(RateLimitState {
        count,
        limit,
        limited: count >= limit as i64,
    })
}

/// Python `float(str)`: surrounding whitespace, underscores between digits, `nan`/`inf`.
pub fn py_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.starts_with('_') || t.ends_with('_') || t.contains("__") {
        return None;
    }
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().ok()
}

/// Python `str(float)` for the values the service caches (`0.8`, `0.35`, `0.0`).
pub fn py_float_str(v: f64) -> String {
    crate::pyrepr::to_repr(&crate::pyrepr::PyValue::Float(v))
}

/// An `ip_reputation:*` score and the service's verdict on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reputation {
    pub score: f64,
    /// `reputation and reputation < 0.5`: a score of exactly 0.0 (the worst) is allowed because
    /// it is falsy in Python (CONTRACT §7.8); NaN compares false and is allowed too.
    pub blocked_by_service: bool,
    /// What a sound rule (`score <= 0.5`, NaN suspicious) would say; shown next to the
    /// service's verdict so the weakness is visible.
    pub suspicious: bool,
}

pub fn reputation(value: &[u8]) -> Result<Reputation, FormatError> {
    let s = std::str::from_utf8(value).map_err(|_| FormatError::NotUtf8)?;
    let score = py_float(s)
        .ok_or_else(|| FormatError::invalid("ip_reputation", format!("`{s}` is not a float")))?;
    Ok(Reputation {
        score,
        blocked_by_service: score != 0.0 && score < 0.5,
        suspicious: score.is_nan() || score <= 0.5,
    })
}

/// The value of `account_lock:{id}` / `ip_block:{ip}`: the naive-UTC end time.
pub fn lock_value(now: &NaiveDateTime, minutes: i64) -> (String, u64) {
    let until = *now + Duration::minutes(minutes);
    (format_naive_iso(&until), (minutes * 60) as u64)
}

pub fn parse_lock_value(value: &[u8]) -> Result<NaiveDateTime, FormatError> {
    let s = std::str::from_utf8(value).map_err(|_| FormatError::NotUtf8)?;
    parse_naive_iso(s)
}

/// Longest manual IP block Rampart writes (one year). The service never reads blocks (CONTRACT
/// §7.10), so a longer one protects nothing and only outlives whoever set it.
pub const MAX_BLOCK_MINUTES: i64 = 365 * 24 * 60;

/// A manual block's target: an IPv4 or IPv6 address, in the canonical text Rust prints (v6
/// compressed, lower case), which is the form a socket peer address takes in the service.
/// Surrounding whitespace is refused rather than trimmed: the key name would differ.
pub fn canonical_ip(s: &str) -> Result<String, FormatError> {
    s.parse::<std::net::IpAddr>()
        .map(|ip| ip.to_string())
        .map_err(|_| FormatError::invalid("ip", format!("`{s}` is not an IPv4 or IPv6 address")))
}

/// The audit event type and action the console records for a manual block (core's
/// `Access::block_ip`). Its success record carries the address and the end time it wrote.
pub const CONSOLE_BLOCK_EVENT: &str = "console_ip_block";
pub const CONSOLE_BLOCK_ACTION: &str = "block.add";

/// Who set an IP block, judged on evidence. Absence of login failures proves nothing: the
/// service's events live 24 h in Redis and may be gone from the index too, so a block with no
/// failures on record is "unknown", not "the console's".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum BlockOrigin {
    /// Rampart audited a console block of this address ending at this very time.
    Console,
    /// No console record, but the service's login failures or lockout from this address are.
    Service,
    /// Neither is on record (aged out, or the key was written by hand).
    Unknown,
}

/// The origin rule. `console_record`: one of the console's block records matches this block
/// ([`is_console_block_of`]). `service_events`: the login failures and lockouts of the address
/// that were found, or `None` when they were not looked up; then only a console record can
/// tell, and otherwise the origin is not judged (`None`).
pub fn block_origin(console_record: bool, service_events: Option<usize>) -> Option<BlockOrigin> {
    match (console_record, service_events) {
        (true, _) => Some(BlockOrigin::Console),
        (false, Some(n)) if n > 0 => Some(BlockOrigin::Service),
        (false, Some(_)) => Some(BlockOrigin::Unknown),
        (false, None) => None,
    }
}

/// Whether `event` is the console's successful record of writing the block `ip` until `until`.
/// The end time must match too: the service re-arms a block on each further failure with a new
/// end time, so an earlier console block of the same address does not claim the current one.
pub fn is_console_block_of(event: &AuditEvent, ip: &str, until: &NaiveDateTime) -> bool {
    let detail = |k: &str| event.details.get(k).and_then(Value::as_str);
    event.event_type == CONSOLE_BLOCK_EVENT
        && event.action == CONSOLE_BLOCK_ACTION
        && event.result == "success"
        && detail("ip") == Some(ip)
        && detail("until").and_then(|s| parse_naive_iso(s).ok()) == Some(*until)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reputation_verdict_reproduces_the_fail_open_rule() {
        let cases = [
            ("0.8", false, false),
            ("0.35", true, true),
            ("0.0", false, true),
            ("0.5", false, true),
            ("nan", false, true),
            (" 1e-3 ", true, true),
            ("inf", false, false),
        ];
        for (v, blocked, suspicious) in cases {
            let r = reputation(v.as_bytes()).unwrap();
            assert_eq!(
                (r.blocked_by_service, r.suspicious),
                (blocked, suspicious),
                "score {v}"
            );
        }
        assert!(reputation(b"high").is_err());
    }

    #[test]
    fn rate_limits_and_locks() {
        assert_eq!(rate_limit_for("auth"), (10, 60));
        assert_eq!(
            rate_limit_for("authors"),
            (100, 60),
            "unknown types use default numbers"
        );
        assert!(rate_limit_state("sensitive", b"5").unwrap().limited);
        assert!(!rate_limit_state("default", b"99").unwrap().limited);
        let now = parse_naive_iso("2026-11-24T04:00:00.5").unwrap();
        assert_eq!(
            lock_value(&now, 15),
            ("2026-11-24T04:15:00.500000".into(), 900)
        );
        assert_eq!(lock_value(&now, 30).1, 1800);
    }

    #[test]
    fn manual_block_targets_are_ip_addresses_in_canonical_form() {
        for (input, want) in [
            ("203.0.113.7", Some("203.0.113.7")),
            ("2001:DB8:0:0::1", Some("2001:db8::1")),
            ("::ffff:1.2.3.4", Some("::ffff:1.2.3.4")),
            (" 1.2.3.4", None),
            ("1.2.3.4/24", None),
            ("example.com", None),
            ("256.1.1.1", None),
            ("", None),
        ] {
            assert_eq!(canonical_ip(input).ok().as_deref(), want, "{input:?}");
        }
    }

    fn console_block(ip: &str, until: &str, result: &str) -> AuditEvent {
        let mut details = serde_json::Map::new();
        details.insert("ip".into(), ip.into());
        details.insert("minutes".into(), 30.into());
        if result == "success" {
            details.insert("until".into(), until.into());
        }
        AuditEvent {
            event_id: "audit_1_2".into(),
            event_type: CONSOLE_BLOCK_EVENT.into(),
            user_id: None,
            ip_address: "127.0.0.1".into(),
            user_agent: "rampart-console/0.1.0".into(),
            timestamp: parse_naive_iso("2026-11-24T04:00:00").unwrap(),
            resource: Some(format!("ip:{ip}")),
            action: CONSOLE_BLOCK_ACTION.into(),
            result: result.into(),
            details,
            severity: "high".into(),
        }
    }

    #[test]
    fn a_block_is_the_consoles_only_when_its_record_names_this_address_and_end_time() {
        let until = parse_naive_iso("2026-11-24T04:30:00.250000").unwrap();
        let ok = console_block("203.0.113.7", "2026-11-24T04:30:00.250000", "success");
        assert!(is_console_block_of(&ok, "203.0.113.7", &until));
        assert!(
            !is_console_block_of(&ok, "203.0.113.8", &until),
            "another address"
        );
        let rearmed = parse_naive_iso("2026-11-24T04:41:07.000001").unwrap();
        assert!(
            !is_console_block_of(&ok, "203.0.113.7", &rearmed),
            "the service re-armed the block after the console set it: the current one is not the console's"
        );
        let failed = console_block("203.0.113.7", "2026-11-24T04:30:00.250000", "failure");
        assert!(
            !is_console_block_of(&failed, "203.0.113.7", &until),
            "a refused or failed block wrote nothing"
        );
        let mut unblock = ok.clone();
        unblock.event_type = "console_ip_unblock".into();
        unblock.action = "block.remove".into();
        assert!(!is_console_block_of(&unblock, "203.0.113.7", &until));
    }

    #[test]
    fn block_origin_is_judged_on_evidence_never_on_missing_failures() {
        use BlockOrigin::*;
        let cases = [
            (
                true,
                Some(7),
                Some(Console),
                "a console record wins over failures",
            ),
            (
                true,
                Some(0),
                Some(Console),
                "a console block with no failures",
            ),
            (
                true,
                None,
                Some(Console),
                "causes not looked up: the record still tells",
            ),
            (
                false,
                Some(7),
                Some(Service),
                "failures and no console record",
            ),
            (
                false,
                Some(0),
                Some(Unknown),
                "no failures is not proof of a console block: events age out",
            ),
            (false, None, None, "nothing looked up: not judged"),
        ];
        for (console, service, want, why) in cases {
            assert_eq!(block_origin(console, service), want, "{why}");
        }
    }
}
