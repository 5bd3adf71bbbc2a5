//! Redis key names of the seed (CONTRACT §0), built by plain concatenation with no escaping, and
//! the reverse: which family a key belongs to.

use serde::Serialize;

pub const JWT_SECRET_KEY: &str = "jwt_secret_key";
pub const ENCRYPTION_MASTER_KEY: &str = "encryption_master_key";
pub const KEY_AUDIT_LOG: &str = "key_audit_log";
pub const SECURITY_EVENTS: &str = "security_events";
/// Rampart's own keys live under this prefix, which no seed prefix shares.
pub const RAMPART_PREFIX: &str = "rampart:";

pub fn user(id: &str) -> String {
    format!("user:{id}")
}
pub fn user_email(email: &str) -> String {
    format!("user_email:{email}")
}
pub fn user_password(id: &str) -> String {
    format!("user_password:{id}")
}
pub fn refresh_token(token_id: &str) -> String {
    format!("refresh_token:{token_id}")
}
pub fn mfa_setup(id: &str) -> String {
    format!("mfa_setup:{id}")
}
pub fn mfa(id: &str) -> String {
    format!("mfa:{id}")
}
pub fn key(key_id: &str) -> String {
    format!("key:{key_id}")
}
pub fn active_key(purpose: &str) -> String {
    format!("active_key:{purpose}")
}
pub fn api_key(api_key: &str) -> String {
    format!("api_key:{api_key}")
}
pub fn api_usage(api_key: &str) -> String {
    format!("api_usage:{api_key}")
}
pub fn rate_limit(endpoint_type: &str, ip: &str) -> String {
    format!("rate_limit:{endpoint_type}:{ip}")
}
pub fn ip_reputation(ip: &str) -> String {
    format!("ip_reputation:{ip}")
}
pub fn user_events(id: &str) -> String {
    format!("user_events:{id}")
}
pub fn ip_events(ip: &str) -> String {
    format!("ip_events:{ip}")
}
pub fn account_lock(id: &str) -> String {
    format!("account_lock:{id}")
}
pub fn ip_block(ip: &str) -> String {
    format!("ip_block:{ip}")
}

/// The key families of CONTRACT §0, for counting and for routing a scanned key to its codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    JwtSecret,
    User,
    UserEmail,
    UserPassword,
    RefreshToken,
    MfaSetup,
    Mfa,
    EncryptionMasterKey,
    Key,
    ActiveKey,
    KeyAuditLog,
    ApiKey,
    ApiUsage,
    RateLimit,
    IpReputation,
    AuditEvent,
    UserEvents,
    IpEvents,
    SecurityEvents,
    AccountLock,
    IpBlock,
    Rampart,
    Unknown,
}

/// Every prefixed family with its SCAN pattern, for status counts.
pub const PREFIXED: [(Family, &str); 17] = [
    (Family::User, "user:*"),
    (Family::UserEmail, "user_email:*"),
    (Family::UserPassword, "user_password:*"),
    (Family::RefreshToken, "refresh_token:*"),
    (Family::MfaSetup, "mfa_setup:*"),
    (Family::Mfa, "mfa:*"),
    (Family::Key, "key:*"),
    (Family::ActiveKey, "active_key:*"),
    (Family::ApiKey, "api_key:*"),
    (Family::ApiUsage, "api_usage:*"),
    (Family::RateLimit, "rate_limit:*"),
    (Family::IpReputation, "ip_reputation:*"),
    (Family::AuditEvent, "audit_event:*"),
    (Family::UserEvents, "user_events:*"),
    (Family::IpEvents, "ip_events:*"),
    (Family::AccountLock, "account_lock:*"),
    (Family::IpBlock, "ip_block:*"),
];

/// Classify a key and return the part after its family prefix (`None` for fixed names).
/// Prefixes never shadow each other (`user:` vs `user_email:`; `key:` vs `key_audit_log`).
pub fn classify(key: &str) -> (Family, Option<&str>) {
    match key {
        JWT_SECRET_KEY => return (Family::JwtSecret, None),
        ENCRYPTION_MASTER_KEY => return (Family::EncryptionMasterKey, None),
        KEY_AUDIT_LOG => return (Family::KeyAuditLog, None),
        SECURITY_EVENTS => return (Family::SecurityEvents, None),
        _ => {}
    }
    if let Some(rest) = key.strip_prefix(RAMPART_PREFIX) {
        return (Family::Rampart, Some(rest));
    }
    let Some((prefix, rest)) = key.split_once(':') else {
        return (Family::Unknown, None);
    };
    let family = match prefix {
        "user" => Family::User,
        "user_email" => Family::UserEmail,
        "user_password" => Family::UserPassword,
        "refresh_token" => Family::RefreshToken,
        "mfa_setup" => Family::MfaSetup,
        "mfa" => Family::Mfa,
        "key" => Family::Key,
        "active_key" => Family::ActiveKey,
        "api_key" => Family::ApiKey,
        "api_usage" => Family::ApiUsage,
        "rate_limit" => Family::RateLimit,
        "ip_reputation" => Family::IpReputation,
        "audit_event" => Family::AuditEvent,
        "user_events" => Family::UserEvents,
        "ip_events" => Family::IpEvents,
        "account_lock" => Family::AccountLock,
        "ip_block" => Family::IpBlock,
        _ => return (Family::Unknown, None),
    };
    (family, Some(rest))
}

/// Split `rate_limit:{type}:{ip}` on the first two colons only: IPv6 addresses contain colons.
pub fn parse_rate_limit(key: &str) -> Option<(&str, &str)> {
    let rest = key.strip_prefix("rate_limit:")?;
    rest.split_once(':')
}

/// Escape Redis glob metacharacters so a literal (an e-mail, an IP) can be used in a pattern.
pub fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_rate_limit_keys_split_on_first_two_colons() {
        assert_eq!(
            parse_rate_limit("rate_limit:auth:2001:db8::1"),
            Some(("auth", "2001:db8::1"))
        );
        assert_eq!(
            parse_rate_limit("rate_limit:default:1.2.3.4"),
            Some(("default", "1.2.3.4"))
        );
        assert_eq!(parse_rate_limit("rate_limit:x"), None, "no ip part");
    }

    #[test]
    fn families_do_not_shadow_each_other() {
        let cases = [
            ("user:user_abc", Family::User, Some("user_abc")),
            (
                "user_email:김@예시.한국",
                Family::UserEmail,
                Some("김@예시.한국"),
            ),
            ("user_password:u", Family::UserPassword, Some("u")),
            ("user_events:u", Family::UserEvents, Some("u")),
            ("key:key_1", Family::Key, Some("key_1")),
            ("key_audit_log", Family::KeyAuditLog, None),
            (
                "ip_events:2001:db8::1",
                Family::IpEvents,
                Some("2001:db8::1"),
            ),
            ("ip_block:::1", Family::IpBlock, Some("::1")),
            ("rampart:trail", Family::Rampart, Some("trail")),
            ("jwt_secret_key", Family::JwtSecret, None),
            ("something", Family::Unknown, None),
        ];
        for (key, fam, rest) in cases {
            assert_eq!(classify(key), (fam, rest), "classify({key})");
        }
        assert_eq!(glob_escape("a*b?[c]"), "a\\*b\\?\\[c\\]");
    }
}
