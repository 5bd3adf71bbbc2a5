//! Redis-adapter tests that the shared key-space contract (tests/contract/keyspace.rs) cannot
//! express: URL and secret handling, TLS, NOAUTH, the script's replies, and the glob matcher
//! checked against the real SCAN MATCH.

use super::*;
use rampart_core::ports::KeySpace;
use std::time::Instant;

fn opts(url: &str) -> RedisOptions {
    RedisOptions::new(url)
}

#[test]
fn debug_never_shows_the_password() {
    let o = RedisOptions {
        username: Some("ops".into()),
        password: Some("hunter2-Secret".to_string().into()),
        ..opts("redis://127.0.0.1:6379/3")
    };
    let text = format!("{o:?}");
    assert!(
        !text.contains("hunter2-Secret"),
        "Debug must redact the password: {text}"
    );
    assert!(
        text.contains("<redacted>") && text.contains("ops"),
        "but show the rest: {text}"
    );
}

#[tokio::test]
async fn url_rules_are_enforced_before_connecting() {
    // (why, options, what the sentence must say)
    let cases: Vec<(&str, RedisOptions, &str)> = vec![
        (
            "password in the URL",
            opts("redis://u:hunter2-Secret@127.0.0.1:6379"),
            "password field",
        ),
        (
            "other scheme",
            opts("http://127.0.0.1:6379"),
            "redis:// or rediss://",
        ),
        ("not a URL", opts("127.0.0.1:6379"), "not a valid URL"),
        (
            "fragment",
            opts("rediss://127.0.0.1:6379/#insecure"),
            "fragment",
        ),
        (
            "insecure TLS on plain redis://",
            RedisOptions {
                tls_insecure: true,
                ..opts("redis://127.0.0.1:6379")
            },
            "rediss://",
        ),
        (
            "DB path not a number",
            opts("redis://127.0.0.1:6379/x"),
            "DB number",
        ),
    ];
    for (why, o, says) in cases {
        let err = RedisKeySpace::connect(o).await.expect_err(why);
        let text = format!("{err} {err:?}");
        assert!(
            text.contains(says),
            "{why}: the refusal should say `{says}`: {text}"
        );
        assert!(
            !text.contains("hunter2-Secret"),
            "{why}: the password leaked: {text}"
        );
    }
}

#[test]
fn target_takes_the_db_from_the_path_unless_given() {
    let t = Target::parse(&opts("redis://127.0.0.1:6390/7")).unwrap();
    assert_eq!(
        (t.host_port(), t.db, t.tls),
        ("127.0.0.1:6390".to_string(), 7, false)
    );
    let t = Target::parse(&RedisOptions {
        db: Some(2),
        ..opts("rediss://[::1]/7")
    })
    .unwrap();
    assert_eq!(
        (t.host_port(), t.db, t.tls),
        ("[::1]:6379".to_string(), 2, true)
    );
    let t = Target::parse(&opts("redis://ops%40x@h:1")).unwrap();
    assert_eq!(
        t.username.as_deref(),
        Some("ops@x"),
        "a user name in the URL is decoded"
    );
}

#[test]
fn script_replies_parse() {
    let bulk = |s: &str| Value::BulkString(s.as_bytes().to_vec());
    assert_eq!(
        script::outcome(&Value::Array(vec![bulk("ok")])),
        Some(script::Outcome::Ok)
    );
    assert_eq!(
        script::outcome(&Value::Array(vec![bulk("conflict"), Value::Int(2)])),
        Some(script::Outcome::Conflict(2))
    );
    assert_eq!(
        script::outcome(&Value::Array(vec![
            bulk("wrongtype"),
            Value::Int(1),
            bulk("k"),
            bulk("string"),
            bulk("hash")
        ])),
        Some(script::Outcome::WrongType {
            key: "k".into(),
            actual: "string".into(),
            expected: "hash".into()
        })
    );
    assert_eq!(
        script::outcome(&Value::Array(vec![bulk("what")])),
        None,
        "unknown replies"
    );
    assert_eq!(script::outcome(&Value::Okay), None);
}

async fn leased() -> (rampart_testkit::RedisLease, RedisKeySpace) {
    let lease = rampart_testkit::redis().await;
    let ks = RedisKeySpace::connect(opts(&lease.url))
        .await
        .expect("connect to the lease");
    (lease, ks)
}

/// The embedded store's glob matcher must pick exactly the keys Redis's SCAN MATCH picks.
#[tokio::test]
async fn glob_matches_what_redis_scan_matches() {
    let (_lease, ks) = leased().await;
    let keys = [
        "rate_limit:auth:2001:db8::1",
        "rate_limit:auth:127.0.0.1",
        "user_email:김@예시.한국",
        "user_email:A@x.com",
        "user:abc",
        "user_events:abc",
        "key:1",
        "key_audit_log",
        "h*llo",
        "hello",
        "hallo",
        "h\\llo",
        "[x]",
        "x",
        "",
    ];
    let writes: Vec<Write> = keys
        .iter()
        .map(|k| Write::Set {
            key: k.to_string(),
            value: b"v".to_vec(),
            ttl_secs: None,
        })
        .collect();
    ks.apply(&writes).await.unwrap();
    let patterns = [
        "*",
        "user:*",
        "user_*",
        "user_email:?@*",
        "user_email:???@*",
        "*::1",
        "*:*:*:*",
        "h?llo",
        "h[ae]llo",
        "h[^e]llo",
        "h[a-f]llo",
        "h[f-a]llo",
        "h\\*llo",
        "h\\\\llo",
        "h[\\*]llo",
        "[[]x]",
        "\\[x\\]",
        "[]x",
        "key[_:]*",
        "*[0-9]",
        "rate_limit:auth:[0-9]*",
        "h*llo*",
        "**",
        "?",
        "",
        "user_email:[^a-z]@*",
        "x[",
        "x\\",
    ];
    for pattern in patterns {
        let mut cursor = 0;
        let mut from_redis = std::collections::BTreeSet::new();
        loop {
            let (next, found) = ks.scan(cursor, pattern, 1000).await.unwrap();
            from_redis.extend(found);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        let ours: std::collections::BTreeSet<String> = keys
            .iter()
            .filter(|k| rules::scan_match(pattern, k))
            .map(|k| k.to_string())
            .collect();
        assert_eq!(
            ours, from_redis,
            "glob `{pattern}` disagrees with Redis SCAN MATCH"
        );
    }
}

#[tokio::test]
async fn tls_certificates_are_verified_unless_told_otherwise() {
    let tls = rampart_testkit::redis_tls();
    let password = || Some(SecretString::from(tls.password.clone()));

    // A self-signed certificate is not in the web PKI roots: a TLS error, never a silent pass.
    let err = RedisKeySpace::connect(RedisOptions {
        password: password(),
        ..opts(&tls.url)
    })
    .await
    .expect_err("an unknown issuer must be refused");
    assert!(
        matches!(err, StoreError::Tls { .. }),
        "bad certificate -> Tls, got {err:?}"
    );

    // Told to skip verification, it connects and works.
    let ks = RedisKeySpace::connect(RedisOptions {
        password: password(),
        tls_insecure: true,
        ..opts(&tls.url)
    })
    .await
    .expect("tls_insecure accepts the self-signed certificate");
    assert_eq!(ks.ping().await.unwrap().kind, "redis");
    assert!(ks.info().location.starts_with("rediss://127.0.0.1:"));

    // NOAUTH: the server wants a password and none was given.
    let err = RedisKeySpace::connect(RedisOptions {
        tls_insecure: true,
        ..opts(&tls.url)
    })
    .await
    .expect_err("no password");
    assert!(
        matches!(err, StoreError::AuthFailed { .. }),
        "NOAUTH -> AuthFailed, got {err:?}"
    );

    // Plain text to a TLS port does not pass for a working connection.
    let plain = tls.url.replacen("rediss://", "redis://", 1);
    let res = RedisKeySpace::connect(RedisOptions {
        password: password(),
        timeout: Duration::from_secs(2),
        ..opts(&plain)
    })
    .await;
    assert!(res.is_err(), "plain text to a TLS port must fail");
}

#[tokio::test]
async fn acl_denied_command_in_a_batch_writes_nothing() {
    let (lease, _) = leased().await;
    // This user may SET but not HSET: the batch is refused before its SET lands.
    let user = lease.acl_user(&["~*", "+@all", "-hset"]);
    let ks = RedisKeySpace::connect(RedisOptions {
        username: Some(user.name.clone()),
        password: Some(user.password.clone().into()),
        ..opts(&lease.url)
    })
    .await
    .unwrap();
    let batch = [
        Write::Set {
            key: "a".into(),
            value: b"1".to_vec(),
            ttl_secs: None,
        },
        Write::HSet {
            key: "h".into(),
            fields: vec![("f".into(), b"v".to_vec())],
        },
    ];
    let err = ks.apply(&batch).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::PermissionDenied {
            store: format!("Redis at {}", lease.host_port),
            op: "HSET".into()
        },
        "the denied command is named"
    );
    assert_eq!(
        ks.get("a").await.unwrap(),
        None,
        "the allowed SET before it did not land"
    );
}

/// Throughput of the bulk paths on `RAMPART_PERF_HASHES` (default 100,000) user hashes of 8
/// fields: apply_bulk, hgetall_many over all keys, and scan_hashes (SCAN→HGETALL) end to end.
/// `cargo test -p rampart-store --release --lib -- --ignored --nocapture hgetall_throughput`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly"]
async fn hgetall_throughput() {
    use futures::StreamExt;
    let n: usize = std::env::var("RAMPART_PERF_HASHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let (_lease, ks) = leased().await;
    let keys: Vec<String> = (0..n).map(|i| format!("user:user_{i:022}")).collect();
    let writes: Vec<Write> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| Write::HSet {
            key: k.clone(),
            fields: vec![
                ("email".into(), format!("user{i}@example.com").into_bytes()),
                ("username".into(), format!("사용자{i}").into_bytes()),
                ("role".into(), b"premium_user".to_vec()),
                (
                    "permissions".into(),
                    b"read_stock_data,read_sentiment_data,access_analytics,export_data".to_vec(),
                ),
                ("is_active".into(), b"True".to_vec()),
                ("mfa_enabled".into(), b"False".to_vec()),
                ("created_at".into(), b"2026-11-24T04:06:55.525205".to_vec()),
                ("last_login".into(), b"2026-11-24T05:06:55.525205".to_vec()),
            ],
        })
        .collect();
    // Non-user keys so the SCAN pattern has to filter, as on the service (one per user unless
    // RAMPART_PERF_OTHERS says otherwise).
    let n_others: usize = std::env::var("RAMPART_PERF_OTHERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    let others: Vec<Write> = (0..n_others)
        .map(|i| Write::Set {
            key: format!("user_email:user{i}@example.com"),
            value: b"x".to_vec(),
            ttl_secs: None,
        })
        .collect();
    let t = Instant::now();
    ks.apply_bulk(&writes).await.unwrap();
    ks.apply_bulk(&others).await.unwrap();
    let load = t.elapsed().as_secs_f64();
    let total = n + n_others;
    println!(
        "redis apply_bulk: {total} writes in {load:.2} s = {:.0} writes/s",
        total as f64 / load
    );

    let t = Instant::now();
    let got = ks.hgetall_many(&keys).await.unwrap();
    let many = t.elapsed().as_secs_f64();
    assert!(got.iter().all(|h| h.as_ref().is_ok_and(|f| f.len() == 8)));
    println!(
        "redis hgetall_many: {n} hashes in {many:.2} s = {:.0} hashes/s",
        n as f64 / many
    );

    let t = Instant::now();
    let mut seen = 0;
    let mut stream = std::pin::pin!(ks.scan_hashes("user:*", 1000));
    while let Some(batch) = stream.next().await {
        seen += batch.unwrap().len();
    }
    let scan = t.elapsed().as_secs_f64();
    assert!(seen >= n, "every hash is streamed");
    println!(
        "redis scan_hashes(user:*): {seen} hashes among {total} keys in {scan:.2} s = {:.0} hashes/s",
        seen as f64 / scan
    );
}

#[tokio::test]
async fn scan_hashes_streams_every_hash_and_names_strays() {
    use futures::StreamExt;
    let (_lease, ks) = leased().await;
    let mut writes: Vec<Write> = (0..2500)
        .map(|i| Write::HSet {
            key: format!("user:{i}"),
            fields: vec![("n".into(), i.to_string().into_bytes())],
        })
        .collect();
    // A string under the same prefix, and keys the pattern must skip.
    writes.push(Write::Set {
        key: "user:stray".into(),
        value: b"x".to_vec(),
        ttl_secs: None,
    });
    writes.push(Write::Set {
        key: "user_email:a".into(),
        value: b"x".to_vec(),
        ttl_secs: None,
    });
    ks.apply_bulk(&writes).await.unwrap();

    let mut hashes = std::collections::BTreeMap::new();
    let mut strays = Vec::new();
    let mut stream = std::pin::pin!(ks.scan_hashes("user:*", 300));
    while let Some(batch) = stream.next().await {
        assert!(
            batch.as_ref().unwrap().len() <= 300 + 16,
            "batches follow the page size"
        );
        for (key, slot) in batch.unwrap() {
            match slot {
                Ok(fields) => {
                    hashes.insert(key, fields);
                }
                Err(e) => strays.push((key, e)),
            }
        }
    }
    assert_eq!(
        hashes.len(),
        2500,
        "every user hash is streamed once (deduplicated here)"
    );
    assert_eq!(hashes["user:42"], vec![(b"n".to_vec(), b"42".to_vec())]);
    assert_eq!(
        strays.len(),
        1,
        "the string under user:* is reported, not hidden"
    );
    assert!(
        matches!(&strays[0].1, StoreError::WrongType { key, actual, .. } if key == "user:stray" && actual == "string"),
        "{strays:?}"
    );
}

#[tokio::test]
async fn bulk_lanes_authenticate_and_select_like_the_main_connection() {
    let (lease, admin) = leased().await;
    admin
        .apply(&[Write::HSet {
            key: "h".into(),
            fields: vec![("f".into(), b"v".to_vec())],
        }])
        .await
        .unwrap();
    let user = lease.acl_user(&["~*", "+@all"]);
    let ks = RedisKeySpace::connect(RedisOptions {
        username: Some(user.name.clone()),
        password: Some(user.password.clone().into()),
        ..opts(&lease.url)
    })
    .await
    .unwrap();
    let keys = ["h".to_string(), "missing".to_string()];
    // Straight on the lanes: hgetall_many would hide a lane failure behind its fallback.
    let lanes = ks
        .lanes
        .as_ref()
        .expect("a plain redis:// profile has lanes");
    let slots = lanes
        .hgetall(&keys, &ks.names)
        .await
        .expect("the lanes authenticate");
    assert!(slots.iter().all(|s| matches!(s, Slot::Value(_))));
    let got = ks.hgetall_many(&keys).await.unwrap();
    assert_eq!(
        got,
        vec![Ok(vec![(b"f".to_vec(), b"v".to_vec())]), Ok(vec![])],
        "the lanes read the leased DB {} as the ACL user",
        lease.db
    );
}
