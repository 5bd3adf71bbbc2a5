//! One user's detail on both key spaces (a leased Redis DB and the embedded file), written in
//! the service's own formats: sessions (masked, expired ones flagged), API keys (masked, state
//! as `validate_api_key` decides), the lock's seconds left by the injected clock, the MFA
//! backup-code count without any code or secret, and recent events from `user_events:{id}`,
//! newest first. Broken parts are problems with their key; an unreadable user still shows the
//! rest.

use chrono::{NaiveDate, NaiveDateTime};
use rampart_core::ports::{FixedClock, Write};
use rampart_core::seed::SeedStore;
use rampart_core::users::user_detail;
use rampart_core::CoreError;
use rampart_domain::apikey::ApiKeyRecord;
use rampart_domain::audit::{event_key, AuditEvent};
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::mfa::MfaRecord;
use rampart_domain::token::RefreshRecord;
use rampart_domain::user::{new_user_fields, Role};
use secrecy::{ExposeSecret, SecretString};

use crate::keyspace::Backend;

const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const PLAIN_KEY: &str = "rk_live_9f8e7d6c5b4a39281706";

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 24)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("date")
}

fn at(mins: i64) -> NaiveDateTime {
    now() + chrono::Duration::minutes(mins)
}

fn auditor() -> Operator {
    Operator {
        id: "op_auditor".into(),
        role: ConsoleRole::Auditor,
        authenticated_by: "test".into(),
    }
}

fn set(key: &str, value: &[u8]) -> Write {
    Write::Set {
        key: key.into(),
        value: value.to_vec(),
        ttl_secs: None,
    }
}

fn session(user: &str, token: &str, created: i64, exp: i64) -> Write {
    let r = RefreshRecord {
        user_id: user.into(),
        token_id: token.into(),
        exp: at(exp),
        created_at: at(created),
    };
    set(&format!("refresh_token:{token}"), r.to_repr().as_bytes())
}

fn event(id: &str, user: &str, mins: i64, action: &str) -> AuditEvent {
    AuditEvent {
        event_id: id.into(),
        event_type: "user_login".into(),
        user_id: Some(user.into()),
        ip_address: "10.0.0.7".into(),
        user_agent: "pytest".into(),
        timestamp: at(mins),
        resource: None,
        action: action.into(),
        result: "success".into(),
        details: serde_json::Map::new(),
        severity: "low".into(),
    }
}

async fn write_user_world(b: &Backend) {
    let mut user = new_user_fields("Kim@Example.com", "김보안", Role::PremiumUser, &at(-600));
    user.push(("mfa_enabled".into(), b"True".to_vec()));
    let codes: Vec<SecretString> = ["11111111", "22222222", "33333333"]
        .iter()
        .map(|c| SecretString::from(c.to_string()))
        .collect();
    let mfa = MfaRecord::new(SecretString::from(SECRET.to_string()), codes, &at(-300));
    let mine = ApiKeyRecord::new(
        "key_d1",
        "user_d1",
        "read_stock_data",
        1000,
        100,
        &at(-120),
        Some(&at(60 * 24)),
    );
    let theirs = ApiKeyRecord::new("key_x", "user_other", "", 1000, 100, &at(-60), None);
    let old = event("audit_1_1", "user_d1", -90, "login");
    let new = event("audit_2_2", "user_d1", -5, "login_again");
    let mut writes = vec![
        Write::HSet {
            key: "user:user_d1".into(),
            fields: user,
        },
        set("user_email:Kim@Example.com", b"user_d1"),
        set("mfa:user_d1", mfa.to_repr().expose_secret().as_bytes()),
        session("user_d1", "tokAAAAAAAAAAAA1", -30, 60 * 24),
        session("user_d1", "tokBBBBBBBBBBBB2", -60 * 24 * 8, -60 * 24),
        session("user_other", "tokCCCCCCCCCCCC3", -10, 60),
        set("refresh_token:tokBROKEN", b"{'user_id': 'user_d1'"),
        Write::HSet {
            key: format!("api_key:{PLAIN_KEY}"),
            fields: mine.to_fields(),
        },
        set(&format!("api_usage:{PLAIN_KEY}"), b"5"),
        Write::HSet {
            key: "api_key:other_plain_key_0000".into(),
            fields: theirs.to_fields(),
        },
        set("account_lock:user_d1", b"2026-11-24T12:10:00"),
        set(&event_key(&old.event_id), old.to_seed_json().as_bytes()),
        set(&event_key(&new.event_id), new.to_seed_json().as_bytes()),
        // LPUSH as the service does per event: the newest id ends up first. The middle id's
        // event expired after its 24 h TTL: skipped, not a problem.
        Write::LPush {
            key: "user_events:user_d1".into(),
            values: vec![
                b"audit_1_1".to_vec(),
                b"audit_gone_0".to_vec(),
                b"audit_2_2".to_vec(),
            ],
        },
    ];
    // A user the service cannot load (unknown role), with a lock that is not a time.
    writes.push(Write::HSet {
        key: "user:user_bad".into(),
        fields: vec![
            ("email".into(), b"bad@example.com".to_vec()),
            ("username".into(), b"bad".to_vec()),
            ("role".into(), b"root".to_vec()),
        ],
    });
    writes.push(set("account_lock:user_bad", b"soon"));
    b.ks.apply(&writes).await.expect("write the user's world");
}

async fn detail_shows_every_part_masked_and_counted(b: Backend) {
    write_user_world(&b).await;
    let seed = SeedStore::new(b.ks.clone());
    let clock = FixedClock(now());
    let d = user_detail(&seed, None, &clock, &auditor(), "Kim@Example.com")
        .await
        .expect("detail by e-mail");
    let n = b.name;
    assert_eq!(d.id, "user_d1", "[{n}] resolved through user_email:*");
    let p = d.profile.as_ref().expect("profile");
    assert_eq!(
        (p.username.as_str(), p.role.as_str()),
        ("김보안", "premium_user")
    );
    assert!(p.permissions_match_role, "[{n}] {p:?}");
    assert!(d.unreadable.is_none());

    assert!(
        d.mfa.flag && d.mfa.record && !d.mfa.inconsistent,
        "[{n}] {:?}",
        d.mfa
    );
    assert_eq!(d.mfa.backup_codes_left, 3, "[{n}] the count only");
    assert_eq!(d.mfa.enabled_at.as_deref(), Some("2026-11-24T07:00:00"));

    let tokens: Vec<(&str, bool)> = d
        .sessions
        .iter()
        .map(|s| (s.token.as_str(), s.expired))
        .collect();
    assert_eq!(
        tokens,
        vec![("tokAAAAA…", false), ("tokBBBBB…", true)],
        "[{n}] the user's sessions only, newest first, masked, expiry by the injected clock"
    );

    assert_eq!(
        d.api_keys.len(),
        1,
        "[{n}] only the user's keys: {:?}",
        d.api_keys
    );
    let k = &d.api_keys[0];
    assert_eq!(k.key, "rk_l…", "[{n}] first 4 characters only");
    assert_eq!(k.key_id.as_deref(), Some("key_d1"));
    assert_eq!((k.state.as_str(), k.usage.as_deref()), ("valid", Some("5")));

    let lock = d.lock.as_ref().expect("lock");
    assert_eq!(
        lock.seconds_left, 600,
        "[{n}] 12:10 - 12:00 by the injected clock"
    );

    let events: Vec<&str> = d.events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(events, vec!["audit_2_2", "audit_1_1"], "[{n}] newest first");
    assert_eq!(d.events_source, "user_events:user_d1");

    let problems: Vec<&str> = d.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        problems,
        vec!["refresh_token:tokBROKEN"],
        "[{n}] {:?}",
        d.problems
    );

    let shown = serde_json::to_string(&d).expect("json");
    for secret in [SECRET, PLAIN_KEY, "11111111", "tokAAAAAAAAAAAA1"] {
        assert!(!shown.contains(secret), "[{n}] `{secret}` leaked: {shown}");
    }

    // By id, an unreadable user: the reason, and every other part still read.
    let bad = user_detail(&seed, None, &clock, &auditor(), "user_bad")
        .await
        .expect("detail of an unreadable user");
    assert!(bad.profile.is_none());
    assert!(
        bad.unreadable
            .as_deref()
            .is_some_and(|r| r.contains("role")),
        "[{n}] {:?}",
        bad.unreadable
    );
    assert!(bad.lock.is_none());
    assert!(
        bad.problems
            .iter()
            .any(|p| p.key == "account_lock:user_bad"),
        "[{n}] a lock that is not a time is a problem: {:?}",
        bad.problems
    );

    for who in ["user_nobody", "nobody@example.com"] {
        let missing = user_detail(&seed, None, &clock, &auditor(), who).await;
        assert!(
            matches!(missing, Err(CoreError::NotFound(_))),
            "[{n}] {who}: {missing:?}"
        );
    }
}

macro_rules! both {
    ($($case:ident),* $(,)?) => {
        mod redis_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::Backend::redis().await).await
                }
            )*
        }
        mod embedded_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    super::$case(super::Backend::embedded().await).await
                }
            )*
        }
    };
}

both!(detail_shows_every_part_masked_and_counted);
