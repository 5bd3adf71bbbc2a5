//! Access administration (MFA enrolment, sessions, API keys, locks, blocks, limits) on every
//! key-space backend. The console's clock is fixed, so TOTP steps, drift and replay are exact.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime, Utc};
use rampart_core::access::apikeys::IssueRequest;
use rampart_core::access::mfa::replay_key;
use rampart_core::access::Access;
use rampart_core::audit::{seed_event_writes, AuditWriter, Trail};
use rampart_core::error::CodeRefusal;
use rampart_core::ports::{FixedClock, KeySpace, StoreError, Ttl, Write};
use rampart_core::CoreError;
use rampart_domain::apikey::ApiKeyState;
use rampart_domain::audit::AuditEvent;
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::mfa::MfaRecord;
use rampart_domain::time::format_naive_iso;
use rampart_domain::token::RefreshRecord;
use rampart_domain::trail::Outcome;
use rampart_domain::user::{new_user_fields, Role};
use rampart_domain::{keys, limits, totp};
use rand::SeedableRng;
use secrecy::{ExposeSecret, SecretString};

use crate::keyspace::Backend;

struct Rig {
    b: Backend,
    now: NaiveDateTime,
    access: Access,
    audit: AuditWriter,
    officer: Operator,
    rng: rand::rngs::StdRng,
}

fn officer() -> Operator {
    Operator {
        id: "user_officer".into(),
        role: ConsoleRole::SecurityOfficer,
        authenticated_by: "sign_in".into(),
    }
}

fn writer(ks: &Arc<dyn KeySpace>, now: NaiveDateTime, events: bool) -> AuditWriter {
    AuditWriter::new(
        events.then(|| ks.clone()),
        None,
        Trail::new(ks.clone()),
        Arc::new(FixedClock(now)),
        Box::new(rand::rngs::StdRng::seed_from_u64(7)),
    )
}

fn rig(b: Backend) -> Rig {
    let now = Utc::now().naive_utc();
    Rig {
        access: Access::new(b.ks.clone(), None, Arc::new(FixedClock(now))),
        audit: writer(&b.ks, now, true),
        officer: officer(),
        rng: rand::rngs::StdRng::seed_from_u64(99),
        now,
        b,
    }
}

async fn add_user(r: &Rig, id: &str, email: &str, role: Role) {
    r.b.ks
        .apply(&[
            Write::HSet {
                key: keys::user(id),
                fields: new_user_fields(email, "김민준", role, &r.now),
            },
            Write::Set {
                key: keys::user_email(email),
                value: id.as_bytes().to_vec(),
                ttl_secs: None,
            },
        ])
        .await
        .unwrap();
}

fn code_at_step(secret: &str, step: u64) -> String {
    let key = totp::decode_secret(secret).unwrap();
    totp::code_at(key.expose_secret(), step * 30)
}

fn step_now(r: &Rig) -> u64 {
    totp::step_of(r.now.and_utc().timestamp() as u64)
}

async fn flag(r: &Rig, id: &str) -> Option<Vec<u8>> {
    r.b.ks.hget(&keys::user(id), "mfa_enabled").await.unwrap()
}

/// Every `audit_event:*` value, to prove no secret was recorded.
async fn all_events(ks: &Arc<dyn KeySpace>) -> String {
    let mut cursor = 0;
    let mut out = String::new();
    loop {
        let (next, batch) = ks.scan(cursor, "audit_event:*", 1000).await.unwrap();
        for k in batch {
            if let Some(v) = ks.get(&k).await.unwrap() {
                out.push_str(&String::from_utf8_lossy(&v));
                out.push('\n');
            }
        }
        if next == 0 {
            return out;
        }
        cursor = next;
    }
}

async fn enrolment_confirms_once_and_refuses_wrong_drifted_and_replayed_codes(b: Backend) {
    let mut r = rig(b);
    let id = "user_AAAAAAAAAAAAAAAAAAAAAA";
    add_user(&r, id, "mfa@example.com", Role::Admin).await;
    let shown = r
        .access
        .begin_enrollment(&r.audit, &r.officer, "mfa@example.com", &mut r.rng)
        .await
        .unwrap()
        .reveal();
    let setup = r.b.ks.get(&keys::mfa_setup(id)).await.unwrap().unwrap();
    let parsed = MfaRecord::parse(&setup).expect("mfa_setup is a py-repr dict");
    assert_eq!(parsed.secret().expose_secret(), &shown.secret);
    assert!(
        String::from_utf8(setup)
            .unwrap()
            .ends_with(&format!("'created_at': '{}'}}", format_naive_iso(&r.now))),
        "keys secret_key, backup_codes, created_at as setup_mfa writes"
    );
    assert!(
        matches!(r.b.ks.ttl(&keys::mfa_setup(id)).await.unwrap(), Ttl::Millis(ms) if ms <= 600_000 && ms > 590_000),
        "SETEX 600"
    );
    let step = step_now(&r);

    // A wrong code says so and changes nothing.
    let mut wrong = "000000".to_string();
    while (0..=2).any(|d| code_at_step(&shown.secret, step + d - 1) == wrong) {
        wrong = "111111".into();
    }
    let e = r
        .access
        .confirm_enrollment(&r.audit, &r.officer, id, &SecretString::from(wrong))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CoreError::CodeRefused(CodeRefusal::Wrong))
            && e.to_string().contains("the code is wrong")
            && !e.to_string().contains("seconds"),
        "{e}"
    );
    // A code three steps ahead is refused, and reported as clock drift.
    let e = r
        .access
        .confirm_enrollment(
            &r.audit,
            &r.officer,
            id,
            &SecretString::from(code_at_step(&shown.secret, step + 3)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CoreError::CodeRefused(CodeRefusal::Drift { steps: 3 }))
            && e.to_string().contains("90 seconds ahead"),
        "drift named: {e}"
    );
    assert!(r.b.ks.get(&keys::mfa(id)).await.unwrap().is_none());
    assert_eq!(
        flag(&r, id).await.as_deref(),
        Some(&b"False"[..]),
        "untouched"
    );

    // The previous step is inside pyotp's window and confirms.
    let codes = r
        .access
        .confirm_enrollment(
            &r.audit,
            &r.officer,
            id,
            &SecretString::from(code_at_step(&shown.secret, step - 1)),
        )
        .await
        .unwrap()
        .reveal();
    assert_eq!(codes.len(), 10);
    let rec = MfaRecord::parse(&r.b.ks.get(&keys::mfa(id)).await.unwrap().unwrap()).unwrap();
    assert_eq!(rec.secret().expose_secret(), &shown.secret);
    assert_eq!(rec.enabled_at(), Some(format_naive_iso(&r.now).as_str()));
    assert_eq!(flag(&r, id).await.as_deref(), Some(&b"true"[..]));
    assert!(r.b.ks.get(&keys::mfa_setup(id)).await.unwrap().is_none());
    assert_eq!(
        r.b.ks.get(&replay_key(id)).await.unwrap(),
        Some((step - 1).to_string().into_bytes()),
        "the accepted step is remembered in the store"
    );

    // Enrolling again needs a reset first; the reset needs a reason.
    let e = r
        .access
        .begin_enrollment(&r.audit, &r.officer, id, &mut r.rng)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Conflict(_)), "{e}");
    let e = r
        .access
        .reset_mfa(&r.audit, &r.officer, id, "  ")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Validation(_)), "{e}");
    assert!(
        r.b.ks.get(&keys::mfa(id)).await.unwrap().is_some(),
        "no reason, no reset"
    );
    r.access
        .reset_mfa(&r.audit, &r.officer, id, "새 휴대폰")
        .await
        .unwrap();
    assert_eq!(flag(&r, id).await.as_deref(), Some(&b"false"[..]));

    // Another console (another process: fresh Access and writer) refuses a code of a step
    // already accepted for this user, even under the new secret.
    let other = Access::new(r.b.ks.clone(), None, Arc::new(FixedClock(r.now)));
    let other_audit = writer(&r.b.ks, r.now, true);
    let again = other
        .begin_enrollment(&other_audit, &r.officer, id, &mut r.rng)
        .await
        .unwrap()
        .reveal();
    let e = other
        .confirm_enrollment(
            &other_audit,
            &r.officer,
            id,
            &SecretString::from(code_at_step(&again.secret, step - 1)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CoreError::CodeRefused(CodeRefusal::Replayed))
            && e.to_string().contains("already used"),
        "replay refused: {e}"
    );
    other
        .confirm_enrollment(
            &other_audit,
            &r.officer,
            id,
            &SecretString::from(code_at_step(&again.secret, step)),
        )
        .await
        .expect("a later step is fine");

    // Audited both ways; no secret, backup code or code in any event.
    let events = all_events(&r.b.ks).await;
    assert!(events.contains("\"mfa.enroll_confirm\""));
    assert!(
        events.contains("\"result\": \"failure\"") && events.contains("\"result\": \"success\"")
    );
    for s in [&shown.secret, &again.secret, &codes[0], &codes[9]] {
        assert!(
            !events.contains(s.as_str()),
            "a secret leaked into the audit events"
        );
    }
    assert!(
        events.contains("새 휴대폰") || events.contains("\\uc0c8"),
        "the reset reason is recorded"
    );
}

async fn auditors_and_read_only_profiles_are_refused_and_audited(b: Backend) {
    let mut r = rig(b);
    let id = "user_BBBBBBBBBBBBBBBBBBBBBB";
    add_user(&r, id, "ro@example.com", Role::BasicUser).await;
    let auditor = Operator {
        id: "user_auditor".into(),
        role: ConsoleRole::Auditor,
        authenticated_by: "sign_in".into(),
    };
    let e = r
        .access
        .begin_enrollment(&r.audit, &auditor, id, &mut r.rng)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "{e}");
    let e = r
        .access
        .block_ip(&r.audit, &auditor, "203.0.113.9", 30, "test")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "{e}");
    assert!(r.b.ks.get(&keys::mfa_setup(id)).await.unwrap().is_none());
    assert!(r.b.ks.get("ip_block:203.0.113.9").await.unwrap().is_none());
    let last = r
        .audit
        .trail()
        .recent(0, 1)
        .await
        .unwrap()
        .remove(0)
        .unwrap();
    assert_eq!(
        (last.outcome, last.action.as_str()),
        (Outcome::Refused, "block.add")
    );

    // A read-only profile: the adapter refuses the write; the trail records the refusal.
    let ro = Access::new(r.b.read_only.clone(), None, Arc::new(FixedClock(r.now)));
    let audit = AuditWriter::new(
        None,
        None,
        Trail::new(r.b.ks.clone()),
        Arc::new(FixedClock(r.now)),
        Box::new(rand::rngs::StdRng::seed_from_u64(3)),
    );
    let e = ro
        .begin_enrollment(&audit, &r.officer, id, &mut r.rng)
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Store(StoreError::ReadOnly { .. })),
        "{e}"
    );
    let last = audit.trail().recent(0, 1).await.unwrap().remove(0).unwrap();
    assert_eq!(
        last.outcome,
        Outcome::Refused,
        "read-only refusal audited as refused"
    );
}

async fn mfa_coverage_counts_by_role_and_flags_admins_without_mfa(b: Backend) {
    let r = rig(b);
    let users = [
        ("user_adminWithMfa00000000", Role::Admin, true, true),
        ("user_adminNoMfa0000000000", Role::Admin, false, false),
        ("user_adminFlagOnly0000000", Role::Admin, true, false),
        ("user_premiumMfa0000000000", Role::PremiumUser, true, true),
        ("user_basic000000000000000", Role::BasicUser, false, false),
    ];
    for (id, role, on, record) in users {
        add_user(&r, id, &format!("{id}@example.com"), role).await;
        if on {
            r.b.ks
                .apply(&[Write::HSet {
                    key: keys::user(id),
                    fields: vec![("mfa_enabled".into(), b"true".to_vec())],
                }])
                .await
                .unwrap();
        }
        if record {
            let rec = MfaRecord::new(
                SecretString::from("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF".to_string()),
                vec![SecretString::from("22b33b22".to_string())],
                &r.now,
            );
            r.b.ks
                .apply(&[Write::Set {
                    key: keys::mfa(id),
                    value: rec.to_repr().expose_secret().as_bytes().to_vec(),
                    ttl_secs: None,
                }])
                .await
                .unwrap();
        }
    }
    let c = r.access.mfa_coverage().await.unwrap();
    let rows: Vec<(&str, u64, u64)> = c
        .roles
        .iter()
        .map(|x| (x.role.as_str(), x.total, x.enabled))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("admin", 3, 2),
            ("premium_user", 1, 1),
            ("basic_user", 1, 0),
            ("guest", 0, 0)
        ]
    );
    let gaps: Vec<(&str, &str)> = c
        .admins_without_mfa
        .iter()
        .map(|g| (g.user_id.as_str(), g.reason.as_str()))
        .collect();
    assert_eq!(
        gaps,
        vec![
            ("user_adminFlagOnly0000000", "flag_on_but_no_record"),
            ("user_adminNoMfa0000000000", "mfa_off"),
        ],
        "admins without working MFA are flagged with the reason"
    );
}

async fn sessions_are_listed_masked_and_revoked_one_or_all(b: Backend) {
    let r = rig(b);
    let id = "user_CCCCCCCCCCCCCCCCCCCCCC";
    add_user(&r, id, "s@example.com", Role::BasicUser).await;
    let tokens = [
        (id, "abcdefXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1"),
        (id, "abcdefYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY2"),
        (id, "zzzzzzZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ3"),
        (
            "user_someoneElse000000000",
            "otherXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX4",
        ),
    ];
    for (i, (uid, tid)) in tokens.iter().enumerate() {
        let rec = RefreshRecord {
            user_id: uid.to_string(),
            token_id: tid.to_string(),
            exp: r.now + Duration::days(7),
            created_at: r.now - Duration::minutes(i as i64),
        };
        r.b.ks
            .apply(&[Write::Set {
                key: keys::refresh_token(tid),
                value: rec.to_repr().into_bytes(),
                ttl_secs: Some(604_800),
            }])
            .await
            .unwrap();
    }
    let list = r.access.list_sessions("s@example.com").await.unwrap();
    let shown: Vec<&str> = list.sessions.iter().map(|s| s.token.as_str()).collect();
    assert_eq!(
        shown,
        vec!["abcdef…", "abcdef…", "zzzzzz…"],
        "newest first, masked"
    );
    assert!(list.sessions.iter().all(|s| s.ttl_secs.is_some()));

    for (prefix, why) in [("abcde", "too short"), ("abcdef", "ambiguous")] {
        let e = r
            .access
            .revoke_session(&r.audit, &r.officer, id, prefix)
            .await
            .unwrap_err();
        assert!(matches!(e, CoreError::Validation(_)), "{why}: {e}");
    }
    let e = r
        .access
        .revoke_session(&r.audit, &r.officer, id, "otherX")
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::NotFound(_)),
        "another user's session is not this user's"
    );
    let one = r
        .access
        .revoke_session(&r.audit, &r.officer, id, "abcdefX")
        .await
        .unwrap();
    assert_eq!(one.tokens, vec!["abcdef…"]);
    assert!(r
        .b
        .ks
        .get(&keys::refresh_token(tokens[0].1))
        .await
        .unwrap()
        .is_none());
    assert!(r
        .b
        .ks
        .get(&keys::refresh_token(tokens[1].1))
        .await
        .unwrap()
        .is_some());
    let all = r
        .access
        .revoke_all_sessions(&r.audit, &r.officer, id)
        .await
        .unwrap();
    assert_eq!(all.tokens.len(), 2);
    assert!(r
        .access
        .list_sessions(id)
        .await
        .unwrap()
        .sessions
        .is_empty());
    assert!(
        r.b.ks
            .get(&keys::refresh_token(tokens[3].1))
            .await
            .unwrap()
            .is_some(),
        "other users' sessions are untouched"
    );
    let events = all_events(&r.b.ks).await;
    for (_, tid) in tokens {
        assert!(
            !events.contains(tid),
            "full token ids never reach the audit"
        );
    }
}

async fn api_keys_are_issued_listed_deactivated_and_revoked(b: Backend) {
    let mut r = rig(b);
    let id = "user_DDDDDDDDDDDDDDDDDDDDDD";
    add_user(&r, id, "k@example.com", Role::PremiumUser).await;
    let req = |perms: Option<Vec<&str>>| IssueRequest {
        user: id.into(),
        permissions: perms.map(|p| p.into_iter().map(str::to_string).collect()),
        usage_limit: 1000,
        rate_limit: 100,
        expires_at: None,
    };
    for (perms, why) in [
        (Some(vec!["manage_users"]), "more than the owner holds"),
        (Some(vec![]), "empty"),
        (Some(vec!["read_stock_data", "admin"]), "unknown value"),
    ] {
        let e = r
            .access
            .issue_api_key(&r.audit, &r.officer, &req(perms), &mut r.rng)
            .await
            .unwrap_err();
        assert!(matches!(e, CoreError::Validation(_)), "{why}: {e}");
    }
    let mut past = req(None);
    past.expires_at = Some(r.now - Duration::seconds(1));
    assert!(r
        .access
        .issue_api_key(&r.audit, &r.officer, &past, &mut r.rng)
        .await
        .is_err());

    let issued = r
        .access
        .issue_api_key(&r.audit, &r.officer, &req(None), &mut r.rng)
        .await
        .unwrap()
        .reveal();
    assert!(issued.key_id.starts_with("ak_") && issued.api_key.len() == 43);
    let f = |name: &'static str| {
        let ks = r.b.ks.clone();
        let key = keys::api_key(&issued.api_key);
        async move {
            ks.hget(&key, name)
                .await
                .unwrap()
                .map(|v| String::from_utf8(v).unwrap())
        }
    };
    assert_eq!(f("is_active").await.as_deref(), Some("true"));
    assert_eq!(
        f("permissions").await.as_deref(),
        Some("read_stock_data,read_sentiment_data,access_analytics,export_data"),
        "the owner's permissions by default, in table order"
    );
    assert_eq!(f("created_at").await, Some(format_naive_iso(&r.now)));
    assert_eq!(
        f("expires_at").await,
        None,
        "no expiry field without an expiry"
    );

    let listing = r.access.list_api_keys(None).await.unwrap();
    assert_eq!(listing.keys.len(), 1);
    let k = &listing.keys[0];
    assert_eq!(k.handle, issued.handle);
    assert_eq!(k.masked, format!("{}…", &issued.api_key[..4]));
    assert_eq!((k.usage, k.state.clone()), (Some(0), ApiKeyState::Valid));
    assert!(!serde_json::to_string(&listing)
        .unwrap()
        .contains(&issued.api_key));

    let v = r
        .access
        .set_api_key_active(&r.audit, &r.officer, &issued.handle, false)
        .await
        .unwrap();
    assert_eq!(
        (v.is_active.as_deref(), v.state),
        (Some("false"), ApiKeyState::Inactive)
    );
    let v = r
        .access
        .set_api_key_active(&r.audit, &r.officer, &issued.key_id, true)
        .await
        .unwrap();
    assert_eq!(v.is_active.as_deref(), Some("true"));
    let e = r
        .access
        .revoke_api_key(&r.audit, &r.officer, "ffffffffffff")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::NotFound(_)), "{e}");
    r.b.ks
        .apply(&[Write::Set {
            key: keys::api_usage(&issued.api_key),
            value: b"5".to_vec(),
            ttl_secs: Some(86_400),
        }])
        .await
        .unwrap();
    assert_eq!(
        r.access.list_api_keys(Some(id)).await.unwrap().keys[0].usage,
        Some(5)
    );
    r.access
        .revoke_api_key(&r.audit, &r.officer, &issued.handle)
        .await
        .unwrap();
    assert!(r
        .b
        .ks
        .hgetall(&keys::api_key(&issued.api_key))
        .await
        .unwrap()
        .is_empty());
    assert!(r
        .b
        .ks
        .get(&keys::api_usage(&issued.api_key))
        .await
        .unwrap()
        .is_none());
    assert!(
        !all_events(&r.b.ks).await.contains(&issued.api_key),
        "the key never reaches the audit"
    );
}

async fn locks_blocks_and_limits_are_listed_and_lifted_with_a_reason(b: Backend) {
    let r = rig(b);
    let id = "user_EEEEEEEEEEEEEEEEEEEEEE";
    add_user(&r, id, "l@example.com", Role::BasicUser).await;
    let (until, ttl) = limits::lock_value(&r.now, 15);
    let (buntil, bttl) = limits::lock_value(&r.now, 30);
    let failure = AuditEvent {
        event_id: "audit_1_-2".into(),
        event_type: "user_login".into(),
        user_id: Some(id.into()),
        ip_address: "2001:db8::9".into(),
        user_agent: String::new(),
        timestamp: r.now,
        resource: None,
        action: "login".into(),
        result: "failure".into(),
        details: Default::default(),
        severity: "medium".into(),
    };
    let mut writes = seed_event_writes(&failure);
    writes.extend([
        Write::Set {
            key: keys::account_lock(id),
            value: until.clone().into_bytes(),
            ttl_secs: Some(ttl),
        },
        Write::Set {
            key: keys::ip_block("2001:db8::9"),
            value: buntil.into_bytes(),
            ttl_secs: Some(bttl),
        },
        Write::Set {
            key: "rate_limit:auth:2001:db8::1".into(),
            value: b"10".to_vec(),
            ttl_secs: Some(60),
        },
        Write::Set {
            key: "rate_limit:default:192.0.2.1".into(),
            value: b"3".to_vec(),
            ttl_secs: Some(60),
        },
        Write::Set {
            key: "ip_reputation:192.0.2.5".into(),
            value: b"0.35".to_vec(),
            ttl_secs: Some(3600),
        },
        Write::Set {
            key: "ip_reputation:192.0.2.6".into(),
            value: b"0.0".to_vec(),
            ttl_secs: Some(3600),
        },
        Write::Set {
            key: "ip_reputation:192.0.2.7".into(),
            value: b"0.8".to_vec(),
            ttl_secs: Some(3600),
        },
        Write::Set {
            key: "ip_reputation:192.0.2.8".into(),
            value: b"high".to_vec(),
            ttl_secs: Some(3600),
        },
    ]);
    r.b.ks.apply(&writes).await.unwrap();

    let locks = r.access.list_locks(true).await.unwrap();
    assert_eq!(locks.len(), 1);
    assert_eq!(
        (locks[0].subject.as_str(), locks[0].until.as_str()),
        (id, until.as_str())
    );
    assert!(locks[0].ttl_secs.is_some_and(|t| t <= 900 && t > 880));
    assert_eq!(locks[0].causes.len(), 1, "the failure behind the lock");
    let blocks = r.access.list_blocks(true).await.unwrap();
    assert_eq!(blocks[0].subject, "2001:db8::9", "the IPv6 address whole");
    assert_eq!(blocks[0].causes.len(), 1);

    let view = r.access.limits(10).await.unwrap();
    let c = &view.counters[0];
    assert_eq!(
        (
            c.endpoint_type.as_str(),
            c.ip.as_str(),
            c.count,
            c.limit,
            c.limited
        ),
        ("auth", "2001:db8::1", Some(10), 10, true),
        "split on the first two colons; auth allows 10"
    );
    assert_eq!(view.counters_total, 2);
    let low: Vec<(&str, bool)> = view
        .low_reputations
        .iter()
        .map(|l| (l.raw.as_str(), l.blocked_by_service))
        .collect();
    assert_eq!(
        low,
        vec![("0.0", false), ("0.35", true)],
        "0.0 is let through by the service"
    );
    assert!(view
        .unreadable
        .iter()
        .any(|u| u.key == "ip_reputation:192.0.2.8"));

    let e = r
        .access
        .unlock_account(&r.audit, &r.officer, id, "")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Validation(_)));
    assert!(
        r.b.ks.get(&keys::account_lock(id)).await.unwrap().is_some(),
        "still locked"
    );
    let lifted = r
        .access
        .unlock_account(&r.audit, &r.officer, id, "verified by phone")
        .await
        .unwrap();
    assert_eq!(lifted.until, until);
    assert!(r.b.ks.get(&keys::account_lock(id)).await.unwrap().is_none());
    let e = r
        .access
        .unlock_account(&r.audit, &r.officer, id, "again")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::NotFound(_)));
    r.access
        .unblock_ip(&r.audit, &r.officer, "2001:db8::9", "false positive")
        .await
        .unwrap();
    assert!(r
        .b
        .ks
        .get(&keys::ip_block("2001:db8::9"))
        .await
        .unwrap()
        .is_none());

    for (ip, minutes) in [("example.com", 30), ("10.0.0.1/8", 30), ("10.0.0.1", 0)] {
        let e = r
            .access
            .block_ip(&r.audit, &r.officer, ip, minutes, "bad input")
            .await
            .unwrap_err();
        assert!(matches!(e, CoreError::Validation(_)), "{ip} {minutes}: {e}");
    }
    let b = r
        .access
        .block_ip(&r.audit, &r.officer, "2001:DB8:0::1", 30, "scanner")
        .await
        .unwrap();
    assert_eq!(b.subject, "2001:db8::1", "canonical form");
    let key = keys::ip_block("2001:db8::1");
    assert_eq!(
        r.b.ks.get(&key).await.unwrap(),
        Some(limits::lock_value(&r.now, 30).0.into_bytes()),
        "the value _block_ip_address writes: the naive-UTC end time"
    );
    assert!(
        matches!(r.b.ks.ttl(&key).await.unwrap(), Ttl::Millis(ms) if ms <= 1_800_000 && ms > 1_790_000)
    );
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod redis_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::Backend::redis().await).await
                }
            )*
        }
        mod embedded_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::Backend::embedded().await).await
                }
            )*
        }
    };
}

contract!(
    enrolment_confirms_once_and_refuses_wrong_drifted_and_replayed_codes,
    auditors_and_read_only_profiles_are_refused_and_audited,
    mfa_coverage_counts_by_role_and_flags_admins_without_mfa,
    sessions_are_listed_masked_and_revoked_one_or_all,
    api_keys_are_issued_listed_deactivated_and_revoked,
    locks_blocks_and_limits_are_listed_and_lifted_with_a_reason,
);
