//! Interop with the service's own Python code, both ways, over a real Redis: Rust writes and the
//! Python peer (the seed's classes, run with redis-py, pyotp, cryptography, bcrypt, PyJWT) reads;
//! Python writes as the seed does and Rust reads, byte for byte.
//!
//! Each test leases its own Redis logical database from `rampart-testkit`.

mod access;
mod accounts;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use chrono::NaiveDateTime;
use rampart_core::audit::{AuditAction, AuditWriter, Trail};
use rampart_core::ports::{FixedClock, KeySpace, Ttl, Write};
use rampart_core::seed::SeedStore;
use rampart_domain::apikey::ApiKeyRecord;
use rampart_domain::audit::AuditEvent;
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::keyrecord::KeyRecord;
use rampart_domain::mfa::MfaRecord;
use rampart_domain::token::RefreshRecord;
use rampart_domain::trail::Outcome;
use rampart_domain::{kdf, keys, password, pii, totp, user};
use rampart_store::redis::{RedisKeySpace, RedisOptions};
use rand::SeedableRng;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};

/// A hash field as written: name and raw value.
type Field = (String, Vec<u8>);

struct Env {
    _lease: rampart_testkit::RedisLease,
    url: String,
    ks: Arc<dyn KeySpace>,
}

async fn env() -> Env {
    let lease = rampart_testkit::redis().await;
    let url = lease.url.clone();
    let ks = RedisKeySpace::connect(RedisOptions {
        url: url.clone(),
        username: None,
        password: None,
        db: None,
        read_only: false,
        timeout: Duration::from_secs(10),
        tls_insecure: false,
    })
    .await
    .expect("connect to the leased Redis");
    Env {
        _lease: lease,
        url,
        ks: Arc::new(ks),
    }
}

/// Run the Python peer (tests/python/peer.py) and parse its one JSON object.
fn peer(url: &str, args: &[&str], stdin: Option<&str>) -> Value {
    let script = rampart_testkit::repo_root().join("tests/python/peer.py");
    let mut full = vec!["--redis", url];
    full.extend_from_slice(args);
    rampart_testkit::run_python(&script, &full, stdin.map(str::as_bytes))
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

async fn get_str(ks: &dyn KeySpace, key: &str) -> String {
    String::from_utf8(
        ks.get(key)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{key} missing")),
    )
    .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Users

#[tokio::test]
async fn a_user_rust_writes_is_loaded_and_authenticated_by_the_service() {
    let e = env().await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let id = rampart_domain::ids::new_user_id(&mut rng);
    let email = "김민준@예시.한국";
    let pw = "비밀번호-테스트-2026!";
    let hash = password::hash_password_with_cost(&SecretString::from(pw.to_string()), [9u8; 16], 4)
        .unwrap();
    e.ks.apply(&[
        Write::HSet {
            key: keys::user(&id),
            fields: user::new_user_fields(email, "김민준", user::Role::PremiumUser, &now()),
        },
        Write::Set {
            key: keys::user_email(email),
            value: id.clone().into_bytes(),
            ttl_secs: None,
        },
        Write::Set {
            key: keys::user_password(&id),
            value: hash.into_bytes(),
            ttl_secs: None,
        },
    ])
    .await
    .unwrap();

    let got = peer(&e.url, &["get-user", "--id", &id], None);
    assert_eq!(got["found"], true, "the service finds the user: {got}");
    assert_eq!(got["role"], "premium_user");
    assert_eq!(
        got["permissions"],
        json!([
            "read_stock_data",
            "read_sentiment_data",
            "access_analytics",
            "export_data"
        ])
    );
    assert_eq!(
        (got["is_active"].clone(), got["mfa_enabled"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(got["username"], "김민준");

    let auth = peer(&e.url, &["authenticate", "--email", email], Some(pw));
    assert_eq!(
        auth["ok"], true,
        "bcrypt hash written by Rust verifies in Python: {auth}"
    );
    let wrong = peer(
        &e.url,
        &["authenticate", "--email", email],
        Some("wrong password"),
    );
    assert_eq!(wrong["ok"], false);

    // The service wrote last_login; Rust reads the user back with it.
    let u = SeedStore::new(e.ks.clone())
        .user(&id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        u.last_login.is_some(),
        "last_login written by the service is read by Rust"
    );
    assert!(u.warnings.is_empty(), "{:?}", u.warnings);
}

#[tokio::test]
async fn a_user_the_service_registers_reads_byte_for_byte_in_rust() {
    let e = env().await;
    let r = peer(
        &e.url,
        &[
            "register-user",
            "--email",
            "Zoë@Example.com",
            "--username",
            "Zoë Müller",
            "--role",
            "admin",
        ],
        Some("pw-0123456789"),
    );
    let id = r["user_id"].as_str().unwrap().to_string();
    let seed = SeedStore::new(e.ks.clone());
    let u = seed.user(&id).await.unwrap().unwrap();
    assert_eq!(u.role, user::Role::Admin);
    assert_eq!(
        user::join_permissions(&u.permissions),
        user::Role::Admin.permissions_field()
    );
    assert!(u.is_active && !u.mfa_enabled && u.warnings.is_empty());
    assert_eq!(
        seed.user_id_by_email("Zoë@Example.com").await.unwrap(),
        Some(id.clone())
    );
    assert_eq!(
        seed.user_id_by_email("zoë@example.com").await.unwrap(),
        None,
        "no normalisation"
    );
    let stored = get_str(&*e.ks, &keys::user_password(&id)).await;
    assert!(
        stored.starts_with("$2b$12$") && stored.len() == 60,
        "{stored}"
    );
    assert_eq!(
        password::verify_password(&SecretString::from("pw-0123456789".to_string()), &stored),
        Ok(true)
    );
    // Rust re-encodes exactly the fields the service wrote.
    let fields = e.ks.hgetall(&keys::user(&id)).await.unwrap();
    let mine = user::new_user_fields(&u.email, &u.username, u.role, &u.created_at.unwrap());
    for (k, v) in mine {
        let theirs = fields
            .iter()
            .find(|(f, _)| f == k.as_bytes())
            .map(|(_, v)| v.clone());
        assert_eq!(theirs, Some(v), "field {k} identical");
    }
}

#[tokio::test]
async fn malformed_user_records_are_reported_and_the_listing_goes_on() {
    let e = env().await;
    let good = peer(
        &e.url,
        &[
            "register-user",
            "--email",
            "ok@x.test",
            "--username",
            "ok",
            "--role",
            "guest",
        ],
        Some("pw-0123456789"),
    );
    let h = |k: &str, v: &str| (k.to_string(), v.as_bytes().to_vec());
    let bad: Vec<(&str, Vec<Field>)> = vec![
        (
            "user:bad_perm",
            vec![
                h("email", "a@x"),
                h("username", "a"),
                h("role", "guest"),
                h("permissions", "read_stock_data,fly"),
            ],
        ),
        (
            "user:no_email",
            vec![
                h("username", "a"),
                h("role", "guest"),
                h("permissions", "read_stock_data"),
            ],
        ),
        (
            "user:bad_role",
            vec![
                h("email", "a@x"),
                h("username", "a"),
                h("role", "root"),
                h("permissions", "read_stock_data"),
            ],
        ),
        (
            "user:bad_time",
            vec![
                h("email", "a@x"),
                h("username", "a"),
                h("role", "guest"),
                h("permissions", "read_stock_data"),
                h("created_at", "24/11/2026"),
            ],
        ),
        (
            "user:bad_utf8",
            vec![
                h("email", "a@x"),
                ("username".into(), vec![0xff, 0xfe]),
                h("role", "guest"),
                h("permissions", "read_stock_data"),
            ],
        ),
    ];
    let mut writes: Vec<Write> = bad
        .iter()
        .map(|(k, f)| Write::HSet {
            key: k.to_string(),
            fields: f.clone(),
        })
        .collect();
    writes.push(Write::Set {
        key: "user:wrong_type".into(),
        value: b"a string".to_vec(),
        ttl_secs: None,
    });
    e.ks.apply(&writes).await.unwrap();

    let listing = SeedStore::new(e.ks.clone()).list_users().await.unwrap();
    assert_eq!(listing.users.len(), 1, "the one good user is listed");
    assert_eq!(listing.users[0].id, good["user_id"].as_str().unwrap());
    let mut keys_bad: Vec<&str> = listing.unreadable.iter().map(|u| u.key.as_str()).collect();
    keys_bad.sort();
    assert_eq!(
        keys_bad,
        vec![
            "user:bad_perm",
            "user:bad_role",
            "user:bad_time",
            "user:bad_utf8",
            "user:no_email",
            "user:wrong_type"
        ]
    );
    for u in &listing.unreadable {
        assert!(!u.reason.is_empty(), "{} has a reason", u.key);
        // The service agrees each one is unreadable.
        let id = u.key.strip_prefix("user:").unwrap();
        let py = peer(&e.url, &["get-user", "--id", id], None);
        assert!(
            py.get("error").is_some(),
            "the service also fails on {}: {py}",
            u.key
        );
    }
}

// ---------------------------------------------------------------------------------------------
// MFA

#[tokio::test]
async fn mfa_rust_enrolls_is_verified_by_the_service_and_backup_codes_work_once() {
    let e = env().await;
    let r = peer(
        &e.url,
        &[
            "register-user",
            "--email",
            "m@x.test",
            "--username",
            "m",
            "--role",
            "basic_user",
        ],
        Some("pw-0123456789"),
    );
    let id = r["user_id"].as_str().unwrap().to_string();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let secret = totp::generate_secret(&mut rng);
    let codes = totp::generate_backup_codes(&mut rng);
    let rec = MfaRecord::new(
        SecretString::from(secret.clone()),
        codes.iter().cloned().map(SecretString::from).collect(),
        &now(),
    );
    e.ks.apply(&[
        Write::Set {
            key: keys::mfa(&id),
            value: rec.to_repr().expose_secret().as_bytes().to_vec(),
            ttl_secs: None,
        },
        Write::HSet {
            key: keys::user(&id),
            fields: vec![("mfa_enabled".into(), b"true".to_vec())],
        },
    ])
    .await
    .unwrap();

    // A code from pyotp, and one from Rust, both verify in the service.
    let code_py = peer(&e.url, &["totp-now", "--secret", &secret], None)["code"]
        .as_str()
        .unwrap()
        .to_string();
    let t = chrono::Utc::now().timestamp() as u64;
    let code_rs = totp::code_at(totp::decode_secret(&secret).unwrap().expose_secret(), t);
    assert_eq!(
        peer(
            &e.url,
            &["verify-mfa", "--id", &id, "--code", &code_py],
            None
        )["ok"],
        true
    );
    assert_eq!(
        peer(
            &e.url,
            &["verify-mfa", "--id", &id, "--code", &code_rs],
            None
        )["ok"],
        true
    );
    // A backup code works once; the service rewrites the dict and Rust reads it back.
    assert_eq!(
        peer(
            &e.url,
            &["verify-mfa", "--id", &id, "--code", &codes[3]],
            None
        )["ok"],
        true
    );
    assert_eq!(
        peer(
            &e.url,
            &["verify-mfa", "--id", &id, "--code", &codes[3]],
            None
        )["ok"],
        false,
        "used once"
    );
    let after = MfaRecord::parse(get_str(&*e.ks, &keys::mfa(&id)).await.as_bytes()).unwrap();
    assert_eq!(after.backup_codes().len(), 9);
    let expected = rec.clone().with_backup_codes(
        codes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 3)
            .map(|(_, c)| SecretString::from(c.clone()))
            .collect(),
    );
    assert_eq!(
        get_str(&*e.ks, &keys::mfa(&id)).await,
        *expected.to_repr().expose_secret(),
        "service's str(dict) == Rust's"
    );
    let u = SeedStore::new(e.ks.clone())
        .user(&id)
        .await
        .unwrap()
        .unwrap();
    assert!(u.mfa_enabled);
}

#[tokio::test]
async fn mfa_the_service_enrolls_reads_in_rust_and_rust_codes_verify() {
    let e = env().await;
    let r = peer(
        &e.url,
        &[
            "register-user",
            "--email",
            "n@x.test",
            "--username",
            "n",
            "--role",
            "admin",
        ],
        Some("pw-0123456789"),
    );
    let id = r["user_id"].as_str().unwrap().to_string();
    let setup = peer(&e.url, &["setup-mfa", "--id", &id], None);
    let secret = setup["secret_key"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 32);
    assert_eq!(
        setup["uri"].as_str().unwrap(),
        totp::provisioning_uri(&id, &secret),
        "otpauth URI identical"
    );
    let ttl = e.ks.ttl(&keys::mfa_setup(&id)).await.unwrap();
    assert!(
        matches!(ttl, Ttl::Millis(ms) if ms <= 600_000 && ms > 590_000),
        "setup TTL 600: {ttl:?}"
    );
    let t = chrono::Utc::now().timestamp() as u64;
    let bytes = totp::decode_secret(&secret).unwrap();
    let code = totp::code_at(bytes.expose_secret(), t);
    assert_eq!(
        peer(&e.url, &["enable-mfa", "--id", &id, "--code", &code], None)["ok"],
        true
    );
    let rec = MfaRecord::parse(get_str(&*e.ks, &keys::mfa(&id)).await.as_bytes()).unwrap();
    assert_eq!(rec.secret().expose_secret(), &secret);
    assert_eq!(rec.backup_codes().len(), 10);
    assert!(matches!(
        totp::check_code(bytes.expose_secret(), &code, t),
        totp::CodeCheck::Valid { .. }
    ));
    let u = SeedStore::new(e.ks.clone())
        .user(&id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        u.mfa_enabled,
        "mfa_enabled=true (lower case) read as enabled"
    );
}

// ---------------------------------------------------------------------------------------------
// Sessions

#[tokio::test]
async fn refresh_tokens_round_trip_both_ways() {
    let e = env().await;
    let r = peer(
        &e.url,
        &[
            "register-user",
            "--email",
            "s@x.test",
            "--username",
            "s",
            "--role",
            "guest",
        ],
        Some("pw-0123456789"),
    );
    let id = r["user_id"].as_str().unwrap().to_string();
    let made = peer(&e.url, &["create-refresh", "--id", &id], None);
    let token_id = made["token_id"].as_str().unwrap().to_string();
    let raw = get_str(&*e.ks, &keys::refresh_token(&token_id)).await;
    let rec = RefreshRecord::parse(raw.as_bytes()).unwrap();
    assert_eq!(rec.user_id, id);
    assert_eq!(
        rec.to_repr(),
        raw,
        "Rust re-encodes the service's str(dict) byte for byte"
    );
    assert!(
        matches!(e.ks.ttl(&keys::refresh_token(&token_id)).await.unwrap(), Ttl::Millis(ms) if ms > 604_790_000)
    );
    let (sessions, bad) = SeedStore::new(e.ks.clone()).sessions_of(&id).await.unwrap();
    assert_eq!((sessions.len(), bad.len()), (1, 0));
    // Deleting the record (a console revoke) makes the service refuse the refresh token.
    assert_eq!(
        peer(
            &e.url,
            &["refresh", "--jwt", made["jwt"].as_str().unwrap()],
            None
        )["ok"],
        true
    );
    e.ks.apply(&[Write::Del {
        keys: vec![keys::refresh_token(&token_id)],
    }])
    .await
    .unwrap();
    assert_eq!(
        peer(
            &e.url,
            &["refresh", "--jwt", made["jwt"].as_str().unwrap()],
            None
        )["ok"],
        false,
        "revoked"
    );
}

// ---------------------------------------------------------------------------------------------
// Keys

#[tokio::test]
async fn key_records_interoperate_with_the_service_kms() {
    let e = env().await;
    let master = [42u8; 32];
    let master_b64 = base64::engine::general_purpose::STANDARD.encode(master);
    std::env::set_var("MASTER_ENCRYPTION_KEY", &master_b64);
    let wrapping = kdf::wrapping_key(&master);

    // Python generates and rotates; Rust unwraps and re-encodes the JSON byte for byte.
    let g = peer(&e.url, &["kms-get-active", "--purpose", "pii"], None);
    let first = g["key"]["key_id"].as_str().unwrap().to_string();
    let rot = peer(&e.url, &["kms-rotate", "--purpose", "pii"], None);
    let new_id = rot["key"]["key_id"].as_str().unwrap().to_string();
    for (id, active) in [(&first, false), (&new_id, true)] {
        let token = e.ks.get(&keys::key(id)).await.unwrap().unwrap();
        let rec =
            KeyRecord::unwrap(&wrapping, &token).expect("Rust unwraps the service's Fernet token");
        assert_eq!(rec.is_active, active, "{id}");
        let plain = rampart_domain::fernet::decrypt(&wrapping, &token).unwrap();
        assert_eq!(
            rec.to_json().expose_secret().as_bytes(),
            plain.as_slice(),
            "json.dumps identical"
        );
    }
    assert_eq!(get_str(&*e.ks, &keys::active_key("pii")).await, new_id);

    // Rust writes a key; the service reads it (is_active as "True").
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let rec = KeyRecord {
        key_id: rampart_domain::ids::new_key_id(&mut rng),
        key_data: secrecy::SecretBox::new(Box::new(vec![5u8; 32])),
        algorithm: "AES-256-GCM".into(),
        created_at: now(),
        expires_at: Some(now() + chrono::Duration::days(90)),
        is_active: true,
        purpose: "audit".into(),
    };
    let token = rec.wrap(&wrapping, chrono::Utc::now().timestamp() as u64, [7u8; 16]);
    e.ks.apply(&[Write::Set {
        key: keys::key(&rec.key_id),
        value: token.into_bytes(),
        ttl_secs: None,
    }])
    .await
    .unwrap();
    let got = peer(&e.url, &["kms-get", "--key-id", &rec.key_id], None);
    assert_eq!(got["key"]["is_active"], true, "{got}");
    assert_eq!(got["key"]["purpose"], "audit");
    assert_eq!(
        got["key"]["key_data_b64"],
        base64::engine::general_purpose::STANDARD.encode([5u8; 32])
    );
}

#[tokio::test]
async fn field_encryption_blobs_decrypt_on_both_sides() {
    let e = env().await;
    let master = [17u8; 32];
    e.ks.apply(&[Write::Set {
        key: keys::ENCRYPTION_MASTER_KEY.into(),
        value: master.to_vec(),
        ttl_secs: None,
    }])
    .await
    .unwrap();
    let py = peer(
        &e.url,
        &[
            "encrypt-field",
            "--field",
            "phone",
            "--value",
            "010-1234-5678",
        ],
        None,
    );
    let blob: kdf::FieldBlob = serde_json::from_value(py.clone()).unwrap();
    let key = kdf::field_key(&master, "phone");
    assert_eq!(kdf::decrypt_field(&key, &blob).unwrap(), "010-1234-5678");
    let mine = kdf::encrypt_field(
        &kdf::field_key(&master, "ssn"),
        "ssn",
        "900101-1234567",
        1_700_000_000,
        [3u8; 16],
    );
    let back = peer(
        &e.url,
        &["decrypt-field"],
        Some(&serde_json::to_string(&mine).unwrap()),
    );
    assert_eq!(back["value"], "900101-1234567");
}

// ---------------------------------------------------------------------------------------------
// API keys, limits, locks

#[tokio::test]
async fn api_keys_rust_writes_validate_in_the_service_as_expected() {
    let e = env().await;
    let t = now();
    let cases = [
        (
            "k_valid",
            ApiKeyRecord::new(
                "ak_1",
                "user_1",
                "read_stock_data",
                1000,
                100,
                &t,
                Some(&(t + chrono::Duration::days(1))),
            ),
            true,
        ),
        (
            "k_expired",
            ApiKeyRecord::new(
                "ak_2",
                "user_1",
                "read_stock_data",
                1000,
                100,
                &t,
                Some(&(t - chrono::Duration::days(1))),
            ),
            false,
        ),
        (
            "k_inactive",
            {
                let mut r =
                    ApiKeyRecord::new("ak_3", "user_1", "read_stock_data", 1000, 100, &t, None);
                r.is_active = Some("false".into());
                r
            },
            false,
        ),
        (
            "k_capital",
            {
                let mut r =
                    ApiKeyRecord::new("ak_4", "user_1", "read_stock_data", 1000, 100, &t, None);
                r.is_active = Some("True".into());
                r
            },
            false,
        ),
    ];
    for (key, rec, valid) in cases {
        e.ks.apply(&[Write::HSet {
            key: keys::api_key(key),
            fields: rec.to_fields(),
        }])
        .await
        .unwrap();
        let got = peer(&e.url, &["validate-api-key", "--key", key], None);
        assert_eq!(!got["result"].is_null(), valid, "{key}: {got}");
        let fields = e.ks.hgetall(&keys::api_key(key)).await.unwrap();
        let usage = e.ks.get(&keys::api_usage(key)).await.unwrap();
        let state = ApiKeyRecord::from_hash(&fields).unwrap().unwrap().state(
            usage.as_deref().map(|u| std::str::from_utf8(u).unwrap()),
            &now(),
        );
        assert_eq!(
            state == rampart_domain::apikey::ApiKeyState::Valid,
            valid,
            "Rust's verdict agrees for {key}: {state:?}"
        );
    }
    assert_eq!(
        get_str(&*e.ks, &keys::api_usage("k_valid")).await,
        "1",
        "the service counted the use"
    );
}

#[tokio::test]
async fn limits_locks_and_events_the_service_writes_read_in_rust() {
    let e = env().await;
    for _ in 0..3 {
        peer(
            &e.url,
            &["rate-limit", "--type", "auth", "--ip", "2001:db8::7"],
            None,
        );
    }
    let key = keys::rate_limit("auth", "2001:db8::7");
    assert_eq!(keys::parse_rate_limit(&key), Some(("auth", "2001:db8::7")));
    let st = rampart_domain::limits::rate_limit_state(
        "auth",
        e.ks.get(&key).await.unwrap().unwrap().as_slice(),
    )
    .unwrap();
    assert_eq!((st.count, st.limited), (3, false));

    peer(
        &e.url,
        &["lock-account", "--id", "user_z", "--minutes", "15"],
        None,
    );
    peer(
        &e.url,
        &["block-ip", "--ip", "203.0.113.9", "--minutes", "30"],
        None,
    );
    let until = rampart_domain::limits::parse_lock_value(
        &e.ks
            .get(&keys::account_lock("user_z"))
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert!(
        (until - now()).num_seconds() > 890,
        "lock ends ~15 min from now"
    );
    assert!(
        matches!(e.ks.ttl(&keys::ip_block("203.0.113.9")).await.unwrap(), Ttl::Millis(ms) if ms > 1_790_000)
    );

    let details = r#"{"reason": "테스트", "n": 1.5, "nested": {"a": [1, null, true]}}"#;
    let ev = peer(
        &e.url,
        &[
            "log-event",
            "--type",
            "suspicious_activity",
            "--ip",
            "2001:db8::7",
            "--user-id",
            "user_z",
            "--action",
            "probe",
            "--result",
            "failure",
            "--details",
            details,
            "--severity",
            "high",
        ],
        None,
    );
    let id = ev["event_id"].as_str().unwrap();
    let raw = get_str(&*e.ks, &format!("audit_event:{id}")).await;
    let parsed = AuditEvent::from_seed_json(raw.as_bytes()).unwrap();
    assert_eq!(
        parsed.to_seed_json(),
        raw,
        "Rust re-encodes json.dumps(asdict(event)) byte for byte"
    );
    assert_eq!(
        e.ks.lrange("security_events", 0, -1).await.unwrap(),
        vec![id.as_bytes().to_vec()]
    );
    assert_eq!(
        e.ks.lrange(&keys::user_events("user_z"), 0, -1)
            .await
            .unwrap(),
        vec![id.as_bytes().to_vec()]
    );
}

#[tokio::test]
async fn console_audit_events_are_in_the_seed_format_and_chained_in_the_trail() {
    let e = env().await;
    let clock = Arc::new(FixedClock(now()));
    let writer = AuditWriter::new(
        Some(e.ks.clone()),
        None,
        Trail::new(e.ks.clone()),
        clock,
        Box::new(rand_chacha::ChaCha8Rng::seed_from_u64(4)),
    );
    let op = Operator {
        id: "op_kim".into(),
        role: ConsoleRole::SecurityOfficer,
        authenticated_by: "test".into(),
    };
    let action = AuditAction::new("permission_change", "user.role_change")
        .subject("user_q")
        .detail("new_role", "관리자")
        .severity("high");
    let rec = writer
        .record(&op, &action, Outcome::Success, None)
        .await
        .unwrap();
    let id = rec.event_id.unwrap();
    // The service's own JSON parser and re-encoder agree with Rust's bytes.
    let raw = peer(
        &e.url,
        &["raw-get", "--key", &format!("audit_event:{id}")],
        None,
    );
    let value = raw["value"].as_str().unwrap();
    let ev = AuditEvent::from_seed_json(value.as_bytes()).unwrap();
    assert_eq!(ev.to_seed_json(), value);
    assert!(
        value.contains(r#""actor": "op_kim""#) && value.contains(r#""user_id": "user_q""#),
        "actor apart from subject: {value}"
    );
    assert!(
        value.contains("\\uad00\\ub9ac\\uc790"),
        "ensure_ascii escapes: {value}"
    );
    assert!(raw["ttl"].as_i64().unwrap() > 86_390, "24 h TTL: {raw}");
    assert_eq!(
        e.ks.lrange(&keys::user_events("user_q"), 0, -1)
            .await
            .unwrap(),
        vec![id.as_bytes().to_vec()]
    );
    let refused = writer
        .record(&op, &action, Outcome::Refused, Some("read-only"))
        .await
        .unwrap();
    assert_eq!(refused.trail_seq, 2);
    let report = Trail::new(e.ks.clone()).verify().await.unwrap();
    assert!(report.ok && report.entries == 2, "{report:?}");
}

// ---------------------------------------------------------------------------------------------
// PII masking

#[tokio::test]
async fn pii_masking_matches_the_service() {
    let e = env().await;
    let record = json!({
        "email": "alice@x.com", "Email_Backup": "ab@x.com", "no_at_email": "plainaddress",
        "phone": "010-1234-5678", "Phone_Mobile": "１２３４５６７", "ssn": "900101-1234567",
        "us_ssn": "123-45-6789", "credit_card": "4111 1111 1111 1111", "card_number": "4111111111111111",
        "home_address": "서울특별시 강남구", "ip_address": "203.0.113.66", "passport": "M1",
        "name": "김민준", "empty_phone": ""
    });
    for role in ["admin", "premium_user", "Admin", ""] {
        let got = peer(&e.url, &["mask", "--role", role], Some(&record.to_string()));
        for (k, v) in record.as_object().unwrap() {
            let mine = if pii::is_pii_field(k) {
                pii::seed_mask_value(k, v.as_str().unwrap(), role)
            } else {
                v.as_str().unwrap().to_string()
            };
            assert_eq!(
                got["masked"][k].as_str().unwrap(),
                mine,
                "field {k} role {role:?}"
            );
        }
    }
}
