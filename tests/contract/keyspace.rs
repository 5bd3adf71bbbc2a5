//! The [`KeySpace`] contract: ONE suite of cases, run against the service's Redis (a leased
//! logical DB from `rampart-testkit`) and the embedded SQLite file. Each case is a function
//! taking a [`Backend`]; the `contract!` macro at the bottom instantiates every case for both.
//!
//! Time: the embedded key space runs on a controllable clock; on Redis, expiry uses a 1 s TTL
//! and a short sleep.

use chrono::NaiveDateTime;
use rampart_core::ports::{
    Applied, Clock, Guard, HashFields, KeySpace, KeyType, StoreError, Ttl, Write, MAX_BATCH,
};
use rampart_store::embedded::keyspace::EmbeddedKeySpace;
use rampart_store::embedded::EmbeddedStore;
use rampart_store::redis::{RedisKeySpace, RedisOptions};
use std::any::Any;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Backends

/// A clock the embedded tests move by hand.
struct TestClock(Mutex<NaiveDateTime>);

impl Clock for TestClock {
    fn now(&self) -> NaiveDateTime {
        *self.0.lock().expect("clock lock")
    }
}

/// One backend under test: a read-write and a read-only view of the same data. Other suites
/// (`trail.rs`) reuse it to run their cases on both key spaces.
pub(crate) struct Backend {
    pub(crate) name: &'static str,
    pub(crate) ks: Arc<dyn KeySpace>,
    pub(crate) read_only: Arc<dyn KeySpace>,
    /// The embedded backend's clock; `None` for Redis (real time).
    clock: Option<Arc<TestClock>>,
    /// The Redis lease URL (for extra connections), if Redis.
    redis_url: Option<String>,
    /// Keeps the lease / temp file alive for the test's duration.
    _hold: Box<dyn Any + Send>,
}

impl Backend {
    pub(crate) async fn redis() -> Self {
        let lease = rampart_testkit::redis().await;
        let ks = RedisKeySpace::connect(RedisOptions::new(lease.url.clone()))
            .await
            .expect("connect to the leased Redis DB");
        let ro = RedisKeySpace::connect(RedisOptions {
            read_only: true,
            ..RedisOptions::new(lease.url.clone())
        })
        .await
        .expect("connect read-only to the leased Redis DB");
        Backend {
            name: "redis",
            ks: Arc::new(ks),
            read_only: Arc::new(ro),
            clock: None,
            redis_url: Some(lease.url.clone()),
            _hold: Box::new(lease),
        }
    }

    pub(crate) async fn embedded() -> Self {
        let file = rampart_testkit::sqlite_file();
        let store = EmbeddedStore::open(&file.path)
            .await
            .expect("open the embedded store");
        let clock = Arc::new(TestClock(Mutex::new(chrono::Utc::now().naive_utc())));
        let ks = EmbeddedKeySpace::new(store.clone(), clock.clone(), false);
        let ro = EmbeddedKeySpace::new(store, clock.clone(), true);
        Backend {
            name: "embedded",
            ks: Arc::new(ks),
            read_only: Arc::new(ro),
            clock: Some(clock),
            redis_url: None,
            _hold: Box::new(file),
        }
    }

    /// Let `ms` milliseconds pass for key expiry.
    pub(crate) async fn advance(&self, ms: u64) {
        match &self.clock {
            Some(clock) => {
                let mut now = clock.0.lock().expect("clock lock");
                *now += chrono::Duration::milliseconds(ms as i64);
            }
            None => tokio::time::sleep(Duration::from_millis(ms)).await,
        }
    }

    async fn apply(&self, writes: Vec<Write>) {
        self.ks
            .apply(&writes)
            .await
            .unwrap_or_else(|e| panic!("[{}] apply {writes:?} failed: {e}", self.name));
    }

    /// Every key, by a full SCAN with `pattern`.
    async fn scan_all(&self, pattern: &str) -> BTreeSet<String> {
        let mut cursor = 0;
        let mut seen = BTreeSet::new();
        loop {
            let (next, keys) = self.ks.scan(cursor, pattern, 100).await.expect("scan step");
            seen.extend(keys);
            if next == 0 {
                return seen;
            }
            cursor = next;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Write builders

fn set(key: &str, value: impl AsRef<[u8]>) -> Write {
    Write::Set {
        key: key.into(),
        value: value.as_ref().to_vec(),
        ttl_secs: None,
    }
}
fn setex(key: &str, value: impl AsRef<[u8]>, ttl: u64) -> Write {
    Write::Set {
        key: key.into(),
        value: value.as_ref().to_vec(),
        ttl_secs: Some(ttl),
    }
}
fn hset(key: &str, fields: &[(&str, &[u8])]) -> Write {
    Write::HSet {
        key: key.into(),
        fields: fields
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_vec()))
            .collect(),
    }
}
fn hdel(key: &str, fields: &[&str]) -> Write {
    Write::HDel {
        key: key.into(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    }
}
fn lpush(key: &str, values: &[&str]) -> Write {
    Write::LPush {
        key: key.into(),
        values: values.iter().map(|v| v.as_bytes().to_vec()).collect(),
    }
}
fn rpush(key: &str, values: &[&str]) -> Write {
    Write::RPush {
        key: key.into(),
        values: values.iter().map(|v| v.as_bytes().to_vec()).collect(),
    }
}
fn ltrim(key: &str, start: i64, stop: i64) -> Write {
    Write::LTrim {
        key: key.into(),
        start,
        stop,
    }
}
fn del(keys: &[&str]) -> Write {
    Write::Del {
        keys: keys.iter().map(|k| k.to_string()).collect(),
    }
}
fn expire(key: &str, ttl_secs: u64) -> Write {
    Write::Expire {
        key: key.into(),
        ttl_secs,
    }
}

fn sorted(mut h: HashFields) -> HashFields {
    h.sort();
    h
}

fn strings(values: Vec<Vec<u8>>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| String::from_utf8(v).expect("test values are UTF-8"))
        .collect()
}

fn is_wrong_type(e: &StoreError, key: &str, expected: &str, actual: &str) -> bool {
    matches!(e, StoreError::WrongType { key: k, expected: x, actual: a }
        if k == key && x == expected && a == actual)
}

const KOREAN: &str = "김민준 — 보안 아키텍처 개선 계획";
const EMOJI: &str = "🔐🗝️👩🏽‍💻";

// ---------------------------------------------------------------------------------------------
// Cases

async fn strings_round_trip_bytes_and_unicode(b: Backend) {
    let binary: Vec<u8> = (0..=255u8).collect();
    b.apply(vec![
        set("bin", &binary),
        set("ko", KOREAN),
        set("emoji", EMOJI),
        set("empty", b""),
        set("user_email:김@예시.한국", "user_Vq8rx0rpoS5Lid-vLxRY2A"),
    ])
    .await;
    let ks = &b.ks;
    assert_eq!(
        ks.get("bin").await.unwrap(),
        Some(binary),
        "[{}] all 256 byte values",
        b.name
    );
    assert_eq!(
        ks.get("ko").await.unwrap().as_deref(),
        Some(KOREAN.as_bytes()),
        "[{}] Korean",
        b.name
    );
    assert_eq!(
        ks.get("emoji").await.unwrap().as_deref(),
        Some(EMOJI.as_bytes()),
        "[{}] emoji",
        b.name
    );
    assert_eq!(
        ks.get("empty").await.unwrap(),
        Some(vec![]),
        "[{}] empty is not missing",
        b.name
    );
    assert_eq!(
        ks.get("user_email:김@예시.한국").await.unwrap().as_deref(),
        Some(&b"user_Vq8rx0rpoS5Lid-vLxRY2A"[..]),
        "[{}] a Unicode key name is used byte for byte",
        b.name
    );
    assert_eq!(
        ks.get("missing").await.unwrap(),
        None,
        "[{}] missing key reads as None",
        b.name
    );
    assert_eq!(
        ks.key_type("ko").await.unwrap(),
        KeyType::String,
        "[{}] TYPE string",
        b.name
    );
    assert_eq!(
        ks.key_type("missing").await.unwrap(),
        KeyType::None,
        "[{}] TYPE none",
        b.name
    );
    assert_eq!(
        ks.ttl("ko").await.unwrap(),
        Ttl::Persistent,
        "[{}] SET leaves no TTL",
        b.name
    );
    assert_eq!(
        ks.ttl("missing").await.unwrap(),
        Ttl::Missing,
        "[{}] PTTL of a missing key",
        b.name
    );
}

async fn hashes_round_trip(b: Backend) {
    let bin: Vec<u8> = vec![0, 0xff, 0x80, b'\n', 0];
    b.apply(vec![hset(
        "user:user_Vq8rx0rpoS5Lid-vLxRY2A",
        &[
            ("email", "김@예시.한국".as_bytes()),
            ("username", "김민준".as_bytes()),
            ("role", b"premium_user"),
            ("is_active", b"True"),
            ("이모지", EMOJI.as_bytes()),
            ("blob", &bin),
            ("empty", b""),
        ],
    )])
    .await;
    let key = "user:user_Vq8rx0rpoS5Lid-vLxRY2A";
    let got = sorted(b.ks.hgetall(key).await.unwrap());
    let want = sorted(vec![
        (b"email".to_vec(), "김@예시.한국".as_bytes().to_vec()),
        (b"username".to_vec(), "김민준".as_bytes().to_vec()),
        (b"role".to_vec(), b"premium_user".to_vec()),
        (b"is_active".to_vec(), b"True".to_vec()),
        ("이모지".as_bytes().to_vec(), EMOJI.as_bytes().to_vec()),
        (b"blob".to_vec(), bin.clone()),
        (b"empty".to_vec(), vec![]),
    ]);
    assert_eq!(
        got, want,
        "[{}] HGETALL returns every field byte for byte",
        b.name
    );
    assert_eq!(
        b.ks.hget(key, "blob").await.unwrap(),
        Some(bin),
        "[{}] HGET binary",
        b.name
    );
    assert_eq!(
        b.ks.hget(key, "nope").await.unwrap(),
        None,
        "[{}] HGET absent field",
        b.name
    );
    assert_eq!(
        b.ks.hgetall("missing").await.unwrap(),
        vec![],
        "[{}] HGETALL missing",
        b.name
    );
    assert_eq!(
        b.ks.key_type(key).await.unwrap(),
        KeyType::Hash,
        "[{}] TYPE hash",
        b.name
    );

    // HSET overwrites one field and leaves the others; HDEL of the last field deletes the key.
    b.apply(vec![hset(key, &[("role", b"admin")])]).await;
    assert_eq!(
        b.ks.hget(key, "role").await.unwrap().as_deref(),
        Some(&b"admin"[..])
    );
    assert_eq!(
        b.ks.hgetall(key).await.unwrap().len(),
        7,
        "[{}] HSET keeps other fields",
        b.name
    );
    b.apply(vec![
        hset("h2", &[("a", b"1"), ("b", b"2")]),
        hdel("h2", &["a", "zzz"]),
    ])
    .await;
    assert_eq!(
        b.ks.hgetall("h2").await.unwrap(),
        vec![(b"b".to_vec(), b"2".to_vec())]
    );
    b.apply(vec![hdel("h2", &["b"])]).await;
    assert_eq!(
        b.ks.key_type("h2").await.unwrap(),
        KeyType::None,
        "[{}] a hash dies with its last field, as in Redis",
        b.name
    );
}

async fn lists_follow_redis_order_and_indexes(b: Backend) {
    // LPUSH k a b c leaves c at the head (the seed's audit lists rely on it).
    b.apply(vec![
        lpush("security_events", &["a", "b", "c"]),
        rpush("security_events", &["d"]),
    ])
    .await;
    let ks = &b.ks;
    let all = strings(ks.lrange("security_events", 0, -1).await.unwrap());
    assert_eq!(
        all,
        ["c", "b", "a", "d"],
        "[{}] LPUSH order then RPUSH",
        b.name
    );
    assert_eq!(ks.llen("security_events").await.unwrap(), 4);
    // LRANGE index rules, table-driven: (start, stop, expected).
    let cases: &[(i64, i64, &[&str])] = &[
        (0, 0, &["c"]),
        (-1, -1, &["d"]),
        (-2, -1, &["a", "d"]),
        (1, 2, &["b", "a"]),
        (-100, 100, &["c", "b", "a", "d"]),
        (2, 1, &[]),
        (5, 10, &[]),
        (0, -5, &[]),
    ];
    for (start, stop, want) in cases {
        let got = strings(ks.lrange("security_events", *start, *stop).await.unwrap());
        assert_eq!(got, *want, "[{}] LRANGE {start} {stop}", b.name);
    }
    // LTRIM 0 2 keeps the newest 3 (the seed's LTRIM 0 999 pattern), negative stop too.
    b.apply(vec![ltrim("security_events", 0, 2)]).await;
    assert_eq!(
        strings(ks.lrange("security_events", 0, -1).await.unwrap()),
        ["c", "b", "a"]
    );
    b.apply(vec![ltrim("security_events", 1, -1)]).await;
    assert_eq!(
        strings(ks.lrange("security_events", 0, -1).await.unwrap()),
        ["b", "a"]
    );
    b.apply(vec![
        lpush("security_events", &["e"]),
        ltrim("security_events", -2, -1),
    ])
    .await;
    assert_eq!(
        strings(ks.lrange("security_events", 0, -1).await.unwrap()),
        ["b", "a"],
        "[{}] LTRIM with negative start",
        b.name
    );
    b.apply(vec![ltrim("security_events", 5, 10)]).await;
    assert_eq!(
        ks.key_type("security_events").await.unwrap(),
        KeyType::None,
        "[{}] LTRIM to nothing deletes the list",
        b.name
    );
    assert_eq!(
        ks.llen("security_events").await.unwrap(),
        0,
        "[{}] LLEN of missing",
        b.name
    );
    assert!(ks.lrange("missing", 0, -1).await.unwrap().is_empty());
}

async fn ttl_set_by_setex_and_expire(b: Backend) {
    b.apply(vec![
        setex("refresh_token:abc", "{'user_id': 'u'}", 604_800),
        set("plain", "x"),
        expire("plain", 60),
        set("cleared", "x"),
    ])
    .await;
    b.apply(vec![expire("cleared", 60), set("cleared", "y")])
        .await;
    let ttl = b.ks.ttl("refresh_token:abc").await.unwrap();
    assert!(
        matches!(ttl, Ttl::Millis(ms) if ms > 604_790_000 && ms <= 604_800_000),
        "[{}] SETEX 604800 shows as a PTTL just under 604800 s, got {ttl:?}",
        b.name
    );
    let ttl = b.ks.ttl("plain").await.unwrap();
    assert!(
        matches!(ttl, Ttl::Millis(ms) if ms > 50_000 && ms <= 60_000),
        "[{}] EXPIRE 60, got {ttl:?}",
        b.name
    );
    assert_eq!(
        b.ks.ttl("cleared").await.unwrap(),
        Ttl::Persistent,
        "[{}] SET without TTL clears an existing TTL, as in Redis",
        b.name
    );
    // EXPIRE 0 deletes the key.
    b.apply(vec![expire("plain", 0)]).await;
    assert_eq!(
        b.ks.key_type("plain").await.unwrap(),
        KeyType::None,
        "[{}] EXPIRE 0",
        b.name
    );
}

async fn expired_keys_vanish(b: Backend) {
    b.apply(vec![
        setex("api_usage:k", "7", 1),
        hset("h", &[("f", b"v")]),
        expire("h", 1),
        rpush("l", &["x"]),
        expire("l", 1),
        set("stays", "1"),
    ])
    .await;
    assert_eq!(
        b.ks.dbsize().await.unwrap(),
        4,
        "[{}] all four keys before expiry",
        b.name
    );
    b.advance(1_300).await;
    let ks = &b.ks;
    assert_eq!(
        ks.get("api_usage:k").await.unwrap(),
        None,
        "[{}] expired string",
        b.name
    );
    assert_eq!(
        ks.hgetall("h").await.unwrap(),
        vec![],
        "[{}] expired hash",
        b.name
    );
    assert!(
        ks.lrange("l", 0, -1).await.unwrap().is_empty(),
        "[{}] expired list",
        b.name
    );
    assert_eq!(ks.key_type("h").await.unwrap(), KeyType::None);
    assert_eq!(ks.ttl("api_usage:k").await.unwrap(), Ttl::Missing);
    assert_eq!(
        ks.dbsize().await.unwrap(),
        1,
        "[{}] DBSIZE skips expired keys",
        b.name
    );
    assert_eq!(b.scan_all("*").await, BTreeSet::from(["stays".to_string()]));
    // The expired string's name is free: a hash there is no WRONGTYPE.
    b.apply(vec![hset("api_usage:k", &[("f", b"v")])]).await;
    assert_eq!(ks.key_type("api_usage:k").await.unwrap(), KeyType::Hash);
    assert_eq!(
        ks.ttl("api_usage:k").await.unwrap(),
        Ttl::Persistent,
        "[{}] new key, no TTL",
        b.name
    );
}

async fn wrong_type_reads_name_the_key(b: Backend) {
    b.apply(vec![
        set("s", "1"),
        hset("h", &[("f", b"v")]),
        rpush("l", &["x"]),
    ])
    .await;
    let ks = &b.ks;
    // (what, result, key, expected, actual)
    let cases: Vec<(&str, StoreError, &str, &str, &str)> = vec![
        (
            "GET hash",
            ks.get("h").await.unwrap_err(),
            "h",
            "string",
            "hash",
        ),
        (
            "GET list",
            ks.get("l").await.unwrap_err(),
            "l",
            "string",
            "list",
        ),
        (
            "HGETALL string",
            ks.hgetall("s").await.unwrap_err(),
            "s",
            "hash",
            "string",
        ),
        (
            "HGETALL list",
            ks.hgetall("l").await.unwrap_err(),
            "l",
            "hash",
            "list",
        ),
        (
            "HGET string",
            ks.hget("s", "f").await.unwrap_err(),
            "s",
            "hash",
            "string",
        ),
        (
            "LRANGE string",
            ks.lrange("s", 0, -1).await.unwrap_err(),
            "s",
            "list",
            "string",
        ),
        (
            "LRANGE hash",
            ks.lrange("h", 0, -1).await.unwrap_err(),
            "h",
            "list",
            "hash",
        ),
        (
            "LLEN hash",
            ks.llen("h").await.unwrap_err(),
            "h",
            "list",
            "hash",
        ),
    ];
    for (what, err, key, expected, actual) in cases {
        assert!(
            is_wrong_type(&err, key, expected, actual),
            "[{}] {what}: expected WrongType naming `{key}` ({actual}, not {expected}), got {err:?}",
            b.name
        );
        assert!(
            err.to_string().contains(&format!("`{key}`")),
            "the sentence names the key"
        );
    }
}

async fn batch_reads_report_wrong_type_in_the_slot(b: Backend) {
    b.apply(vec![
        set("s", "1"),
        hset("h", &[("f", b"v")]),
        rpush("l", &["x"]),
    ])
    .await;
    let keys: Vec<String> = ["s", "h", "missing", "l"].map(String::from).to_vec();
    let got =
        b.ks.get_many(&keys)
            .await
            .expect("the batch itself succeeds");
    assert_eq!(got.len(), 4);
    assert_eq!(got[0], Ok(Some(b"1".to_vec())), "[{}] GET slot", b.name);
    assert!(
        is_wrong_type(got[1].as_ref().unwrap_err(), "h", "string", "hash"),
        "[{}] {got:?}",
        b.name
    );
    assert_eq!(got[2], Ok(None), "[{}] missing slot", b.name);
    assert!(
        is_wrong_type(got[3].as_ref().unwrap_err(), "l", "string", "list"),
        "[{}] {got:?}",
        b.name
    );

    let got =
        b.ks.hgetall_many(&keys)
            .await
            .expect("the batch itself succeeds");
    assert!(
        is_wrong_type(got[0].as_ref().unwrap_err(), "s", "hash", "string"),
        "[{}] {got:?}",
        b.name
    );
    assert_eq!(
        got[1],
        Ok(vec![(b"f".to_vec(), b"v".to_vec())]),
        "[{}] HGETALL slot",
        b.name
    );
    assert_eq!(got[2], Ok(vec![]), "[{}] missing hash slot", b.name);
    assert!(
        is_wrong_type(got[3].as_ref().unwrap_err(), "l", "hash", "list"),
        "[{}] {got:?}",
        b.name
    );

    // More keys than one pipeline: order is kept across chunks.
    let many: Vec<Write> = (0..2500)
        .map(|i| hset(&format!("user:{i}"), &[("n", i.to_string().as_bytes())]))
        .collect();
    assert_eq!(b.ks.apply_bulk(&many).await.unwrap(), 2500);
    let keys: Vec<String> = (0..2500).rev().map(|i| format!("user:{i}")).collect();
    let got = b.ks.hgetall_many(&keys).await.unwrap();
    for (i, slot) in (0..2500).rev().zip(&got) {
        assert_eq!(
            slot.as_ref().unwrap(),
            &vec![(b"n".to_vec(), i.to_string().into_bytes())],
            "[{}] slot order across {MAX_BATCH}-key pipelines",
            b.name
        );
    }
}

async fn scan_visits_every_key_with_patterns(b: Backend) {
    let keys = [
        "rate_limit:auth:2001:db8::1",
        "rate_limit:auth:127.0.0.1",
        "rate_limit:api:2001:db8::1",
        "user_email:김@예시.한국",
        "user_email:a@x.com",
        "user:user_Vq8rx0rpoS5Lid-vLxRY2A",
        "user_password:user_Vq8rx0rpoS5Lid-vLxRY2A",
        "user_events:user_Vq8rx0rpoS5Lid-vLxRY2A",
        "key:k1",
        "key_audit_log",
        "ip_block:2001:db8::1",
    ];
    // Plus filler so SCAN needs several steps.
    let mut writes: Vec<Write> = keys.iter().map(|k| set(k, "v")).collect();
    writes.extend((0..500).map(|i| set(&format!("filler:{i}"), "v")));
    b.ks.apply_bulk(&writes).await.unwrap();
    let set_of = |ks: &[&str]| ks.iter().map(|k| k.to_string()).collect::<BTreeSet<_>>();
    let cases: &[(&str, &[&str])] = &[
        (
            "rate_limit:auth:*",
            &["rate_limit:auth:2001:db8::1", "rate_limit:auth:127.0.0.1"],
        ),
        (
            "rate_limit:*:2001:db8::1",
            &["rate_limit:auth:2001:db8::1", "rate_limit:api:2001:db8::1"],
        ),
        (
            "*::1",
            &[
                "rate_limit:auth:2001:db8::1",
                "rate_limit:api:2001:db8::1",
                "ip_block:2001:db8::1",
            ],
        ),
        (
            "user_email:*",
            &["user_email:김@예시.한국", "user_email:a@x.com"],
        ),
        ("user_email:김@*", &["user_email:김@예시.한국"]),
        // `?` is one byte: 김 is three.
        ("user_email:???@*", &["user_email:김@예시.한국"]),
        ("user:*", &["user:user_Vq8rx0rpoS5Lid-vLxRY2A"]),
        ("key:*", &["key:k1"]),
        ("key[_:]*", &["key:k1", "key_audit_log"]),
        (
            "user_[ep]*",
            &[
                "user_email:김@예시.한국",
                "user_email:a@x.com",
                "user_password:user_Vq8rx0rpoS5Lid-vLxRY2A",
                "user_events:user_Vq8rx0rpoS5Lid-vLxRY2A",
            ],
        ),
        (
            "rate_limit:auth:2001:db8::\\1",
            &["rate_limit:auth:2001:db8::1"],
        ),
        ("nothing:*", &[]),
    ];
    for (pattern, want) in cases {
        assert_eq!(
            b.scan_all(pattern).await,
            set_of(want),
            "[{}] SCAN MATCH {pattern}",
            b.name
        );
    }
    let all = b.scan_all("*").await;
    assert_eq!(
        all.len(),
        keys.len() + 500,
        "[{}] SCAN * visits every key",
        b.name
    );
    assert_eq!(
        b.ks.dbsize().await.unwrap(),
        (keys.len() + 500) as u64,
        "[{}] DBSIZE",
        b.name
    );
}

async fn scan_count_is_clamped(b: Backend) {
    let writes: Vec<Write> = (0..3000).map(|i| set(&format!("k:{i}"), "v")).collect();
    b.ks.apply_bulk(&writes).await.unwrap();
    // Redis SCAN stops after the hash bucket that reaches COUNT, so it may return a few keys
    // more than COUNT; asked for 50,000 it would return all 3000 at once without the clamp.
    let slack = if b.name == "redis" { 16 } else { 0 };
    let (mut cursor, mut steps, mut seen) = (0u64, 0, BTreeSet::new());
    loop {
        let (next, keys) = b.ks.scan(cursor, "*", 50_000).await.unwrap();
        assert!(
            keys.len() <= MAX_BATCH + slack,
            "[{}] SCAN COUNT 50000 is clamped to {MAX_BATCH}: a step returned {} keys",
            b.name,
            keys.len()
        );
        seen.extend(keys);
        steps += 1;
        if next == 0 {
            break;
        }
        cursor = next;
    }
    assert!(
        steps >= 3,
        "[{}] 3000 keys need at least 3 clamped steps, took {steps}",
        b.name
    );
    assert_eq!(
        seen.len(),
        3000,
        "[{}] the clamped scan still visits every key",
        b.name
    );
}

async fn batches_over_the_limit_are_refused(b: Backend) {
    let too_many: Vec<Write> = (0..=MAX_BATCH)
        .map(|i| set(&format!("k{i}"), "v"))
        .collect();
    let want = StoreError::BatchTooLarge {
        len: MAX_BATCH + 1,
        limit: MAX_BATCH,
    };
    assert_eq!(
        b.ks.apply(&too_many).await,
        Err(want.clone()),
        "[{}] apply > limit",
        b.name
    );
    assert_eq!(
        b.ks.apply_guarded(&[], &too_many).await,
        Err(want),
        "[{}] apply_guarded > limit",
        b.name
    );
    let guards = vec![
        Guard::Exists {
            key: "g".into(),
            exists: false
        };
        2
    ];
    assert!(
        matches!(
            b.ks.apply_guarded(&guards, &too_many[..MAX_BATCH - 1])
                .await,
            Err(StoreError::BatchTooLarge { .. })
        ),
        "[{}] guards count toward the limit",
        b.name
    );
    assert_eq!(
        b.ks.dbsize().await.unwrap(),
        0,
        "[{}] a refused batch writes nothing",
        b.name
    );
    b.ks.apply(&too_many[..MAX_BATCH])
        .await
        .expect("exactly the limit is accepted");
    assert_eq!(b.ks.dbsize().await.unwrap(), MAX_BATCH as u64);
}

async fn apply_is_all_or_nothing(b: Backend) {
    b.apply(vec![set("s", "keep")]).await;
    // The fourth write fails (HSET on a string). Redis's MULTI/EXEC would keep the other
    // writes; the contract says nothing lands.
    let batch = vec![
        set("a", "1"),
        hset("h", &[("f", b"v")]),
        lpush("l", &["x"]),
        hset("s", &[("f", b"v")]),
        set("b", "2"),
        del(&["s"]),
    ];
    let err = b.ks.apply(&batch).await.unwrap_err();
    assert!(
        is_wrong_type(&err, "s", "hash", "string"),
        "[{}] the failing write is named: {err:?}",
        b.name
    );
    assert_eq!(
        b.ks.dbsize().await.unwrap(),
        1,
        "[{}] nothing from the failed batch landed",
        b.name
    );
    assert_eq!(
        b.ks.get("s").await.unwrap().as_deref(),
        Some(&b"keep"[..]),
        "[{}] s untouched",
        b.name
    );

    // Types change inside the batch: x becomes a string, then HSET x must fail.
    let err =
        b.ks.apply(&[set("x", "1"), hset("x", &[("f", b"v")])])
            .await
            .unwrap_err();
    assert!(
        is_wrong_type(&err, "x", "hash", "string"),
        "[{}] in-batch type: {err:?}",
        b.name
    );
    assert_eq!(
        b.ks.key_type("x").await.unwrap(),
        KeyType::None,
        "[{}] x not created",
        b.name
    );

    // ...and an emptied hash or list frees the name for another type within the batch.
    b.apply(vec![
        hset("y", &[("f", b"v")]),
        hdel("y", &["f"]),
        lpush("y", &["now a list"]),
        rpush("z", &["a"]),
        ltrim("z", 1, -1),
        hset("z", &[("now", b"a hash")]),
    ])
    .await;
    assert_eq!(
        b.ks.key_type("y").await.unwrap(),
        KeyType::List,
        "[{}] y",
        b.name
    );
    assert_eq!(
        b.ks.key_type("z").await.unwrap(),
        KeyType::Hash,
        "[{}] z",
        b.name
    );

    // SETEX 0 is refused before anything is written (Redis: invalid expire time).
    let err =
        b.ks.apply(&[set("c", "1"), setex("d", "1", 0)])
            .await
            .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid { .. }) && err.to_string().contains("expire time"),
        "[{}] SETEX 0 is refused as invalid: {err}",
        b.name
    );
    assert_eq!(
        b.ks.key_type("c").await.unwrap(),
        KeyType::None,
        "[{}] c not written",
        b.name
    );
}

async fn guarded_writes_apply_only_when_guards_hold(b: Backend) {
    b.apply(vec![
        set("s", "v1"),
        hset("h", &[("f", b"1")]),
        rpush("l", &["a", "b"]),
    ])
    .await;
    let probe = || set("probe", "written");
    // (why, guard, holds)
    let cases: Vec<(&str, Guard, bool)> = vec![
        (
            "string equal",
            Guard::StringIs {
                key: "s".into(),
                value: Some(b"v1".to_vec()),
            },
            true,
        ),
        (
            "string differs",
            Guard::StringIs {
                key: "s".into(),
                value: Some(b"v2".to_vec()),
            },
            false,
        ),
        (
            "string absent",
            Guard::StringIs {
                key: "new".into(),
                value: None,
            },
            true,
        ),
        (
            "string present",
            Guard::StringIs {
                key: "s".into(),
                value: None,
            },
            false,
        ),
        (
            "string on a hash",
            Guard::StringIs {
                key: "h".into(),
                value: Some(b"1".to_vec()),
            },
            false,
        ),
        (
            "field equal",
            Guard::HashFieldIs {
                key: "h".into(),
                field: "f".into(),
                value: Some(b"1".to_vec()),
            },
            true,
        ),
        (
            "field differs",
            Guard::HashFieldIs {
                key: "h".into(),
                field: "f".into(),
                value: Some(b"2".to_vec()),
            },
            false,
        ),
        (
            "field absent",
            Guard::HashFieldIs {
                key: "h".into(),
                field: "g".into(),
                value: None,
            },
            true,
        ),
        (
            "field of missing key",
            Guard::HashFieldIs {
                key: "nope".into(),
                field: "g".into(),
                value: None,
            },
            true,
        ),
        (
            "field present",
            Guard::HashFieldIs {
                key: "h".into(),
                field: "f".into(),
                value: None,
            },
            false,
        ),
        (
            "exists",
            Guard::Exists {
                key: "l".into(),
                exists: true,
            },
            true,
        ),
        (
            "not exists",
            Guard::Exists {
                key: "l".into(),
                exists: false,
            },
            false,
        ),
        (
            "list len",
            Guard::ListLenIs {
                key: "l".into(),
                len: 2,
            },
            true,
        ),
        (
            "list len differs",
            Guard::ListLenIs {
                key: "l".into(),
                len: 3,
            },
            false,
        ),
        (
            "missing list is empty",
            Guard::ListLenIs {
                key: "nope".into(),
                len: 0,
            },
            true,
        ),
    ];
    for (why, guard, holds) in cases {
        let got =
            b.ks.apply_guarded(std::slice::from_ref(&guard), &[probe()])
                .await
                .unwrap();
        let written = b.ks.get("probe").await.unwrap().is_some();
        if holds {
            assert_eq!(
                got,
                Applied::Done,
                "[{}] {why}: guard holds -> Done",
                b.name
            );
            assert!(written, "[{}] {why}: Done wrote the batch", b.name);
        } else {
            assert_eq!(
                got,
                Applied::Conflict,
                "[{}] {why}: guard fails -> Conflict",
                b.name
            );
            assert!(!written, "[{}] {why}: Conflict wrote nothing", b.name);
        }
        b.apply(vec![del(&["probe"])]).await;
    }
    // Several guards: one failing one is enough for Conflict; nothing of a multi-write lands.
    let guards = [
        Guard::StringIs {
            key: "s".into(),
            value: Some(b"v1".to_vec()),
        },
        Guard::ListLenIs {
            key: "l".into(),
            len: 99,
        },
    ];
    let got =
        b.ks.apply_guarded(&guards, &[set("s", "v2"), probe()])
            .await
            .unwrap();
    assert_eq!(got, Applied::Conflict);
    assert_eq!(
        b.ks.get("s").await.unwrap().as_deref(),
        Some(&b"v1"[..]),
        "[{}] s unchanged",
        b.name
    );
}

async fn concurrent_guarded_increments_lose_nothing(b: Backend) {
    const TASKS: u64 = 8;
    const EACH: u64 = 20;
    let mut handles = Vec::new();
    for _ in 0..TASKS {
        let ks = b.ks.clone();
        handles.push(tokio::spawn(async move {
            let mut conflicts = 0u64;
            for _ in 0..EACH {
                loop {
                    let cur = ks.hget("counter", "n").await.expect("read the counter");
                    let n: u64 = cur
                        .as_deref()
                        .map_or(0, |v| std::str::from_utf8(v).unwrap().parse().unwrap());
                    let guard = Guard::HashFieldIs {
                        key: "counter".into(),
                        field: "n".into(),
                        value: cur,
                    };
                    let write = hset("counter", &[("n", (n + 1).to_string().as_bytes())]);
                    match ks
                        .apply_guarded(&[guard], &[write])
                        .await
                        .expect("guarded write")
                    {
                        Applied::Done => break,
                        Applied::Conflict => conflicts += 1,
                    }
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for h in handles {
        conflicts += h.await.expect("task");
    }
    let n =
        b.ks.hget("counter", "n")
            .await
            .unwrap()
            .expect("counter exists");
    assert_eq!(
        String::from_utf8(n).unwrap(),
        (TASKS * EACH).to_string(),
        "[{}] {TASKS} tasks x {EACH} guarded increments lose no update ({conflicts} retries)",
        b.name
    );
}

async fn read_only_refuses_every_write(b: Backend) {
    b.apply(vec![
        set("s", "v"),
        hset("h", &[("f", b"v")]),
        rpush("l", &["a"]),
    ])
    .await;
    let every_kind = vec![
        set("s", "changed"),
        setex("s", "changed", 10),
        hset("h", &[("f", b"changed")]),
        hdel("h", &["f"]),
        lpush("l", &["b"]),
        rpush("l", &["b"]),
        ltrim("l", 1, 1),
        del(&["s"]),
        expire("s", 1),
    ];
    let ro = &b.read_only;
    assert!(ro.info().read_only, "[{}] info says read-only", b.name);
    for w in &every_kind {
        let want = StoreError::ReadOnly {
            store: String::new(),
            op: w.op().to_string(),
        };
        for (how, res) in [
            ("apply", ro.apply(std::slice::from_ref(w)).await.map(|_| ())),
            (
                "apply_guarded",
                ro.apply_guarded(&[], std::slice::from_ref(w))
                    .await
                    .map(|_| ()),
            ),
            (
                "apply_bulk",
                ro.apply_bulk(std::slice::from_ref(w)).await.map(|_| ()),
            ),
        ] {
            match res {
                Err(StoreError::ReadOnly { op, .. }) => {
                    assert_eq!(op, w.op(), "[{}] {how} names the refused op", b.name)
                }
                other => panic!(
                    "[{}] {how} of {} on a read-only profile: {other:?} (want {want:?})",
                    b.name,
                    w.op()
                ),
            }
        }
    }
    // Even an oversized batch is refused as read-only first: nothing is sent.
    let big: Vec<Write> = (0..2000).map(|i| set(&format!("k{i}"), "v")).collect();
    assert!(matches!(
        ro.apply_bulk(&big).await,
        Err(StoreError::ReadOnly { .. })
    ));
    // Reads work, and the data is unchanged.
    assert_eq!(
        ro.get("s").await.unwrap().as_deref(),
        Some(&b"v"[..]),
        "[{}] s unchanged",
        b.name
    );
    assert_eq!(
        ro.hgetall("h").await.unwrap(),
        vec![(b"f".to_vec(), b"v".to_vec())]
    );
    assert_eq!(strings(ro.lrange("l", 0, -1).await.unwrap()), ["a"]);
    assert_eq!(ro.ttl("s").await.unwrap(), Ttl::Persistent);
    assert_eq!(
        ro.dbsize().await.unwrap(),
        3,
        "[{}] no key added or removed",
        b.name
    );
}

async fn ping_and_info_describe_the_backend(b: Backend) {
    let info = b.ks.ping().await.expect("ping");
    let kind = if b.name == "redis" { "redis" } else { "sqlite" };
    assert_eq!(info.kind, kind);
    assert!(
        !info.version.is_empty(),
        "[{}] a version is reported",
        b.name
    );
    let backend = b.ks.info();
    assert_eq!(backend.kind, kind);
    assert!(!backend.read_only);
    if let Some(url) = &b.redis_url {
        assert_eq!(
            &backend.location, url,
            "[redis] location is the URL without credentials"
        );
        assert_eq!(
            info.account.as_deref(),
            Some("default"),
            "[redis] ACL WHOAMI"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Connection failures (backend-specific by nature)

#[tokio::test]
async fn redis_unreachable_is_a_clear_sentence() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = RedisKeySpace::connect(RedisOptions::new(format!("redis://127.0.0.1:{port}")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Unreachable { .. }),
        "closed port: {err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains(&format!("Redis at 127.0.0.1:{port} is unreachable")),
        "the sentence names the server: {text}"
    );
}

/// "Test connection" tells whether the account may write, without writing: an ACL user with
/// read commands only gets `Some(false)`, a full user `Some(true)`, and neither changes the data.
#[tokio::test]
async fn redis_write_rights_follow_the_acl_and_change_nothing() {
    let lease = rampart_testkit::redis().await;
    let reader = lease.acl_user(&[
        "~*",
        "+@read",
        "+@connection",
        "+acl|whoami",
        "+info",
        "+hdel|nothing",
    ]);
    let writer = lease.acl_user(&["~*", "+@all"]);
    let connect = |name: &str, password: &str| {
        RedisKeySpace::connect(RedisOptions {
            username: Some(name.to_string()),
            password: Some(password.to_string().into()),
            ..RedisOptions::new(lease.url.clone())
        })
    };
    let r = connect(&reader.name, &reader.password).await.unwrap();
    assert_eq!(
        r.write_rights().await.unwrap(),
        Some(false),
        "a read-only ACL is reported as unable to write"
    );
    let w = connect(&writer.name, &writer.password).await.unwrap();
    assert_eq!(w.write_rights().await.unwrap(), Some(true));
    assert_eq!(w.dbsize().await.unwrap(), 0, "the probe wrote nothing");
    let info = r.ping().await.unwrap();
    assert_eq!(
        info.account.as_deref(),
        Some(reader.name.as_str()),
        "ACL WHOAMI"
    );
}

#[tokio::test]
async fn redis_wrong_password_and_missing_permission() {
    let lease = rampart_testkit::redis().await;
    let user = lease.acl_user(&["~*", "+@all"]);
    let opts = |password: &str| RedisOptions {
        username: Some(user.name.clone()),
        password: Some(password.to_string().into()),
        ..RedisOptions::new(lease.url.clone())
    };
    let wrong = format!("{}-wrong", user.password);
    let err = RedisKeySpace::connect(opts(&wrong)).await.unwrap_err();
    assert!(
        matches!(err, StoreError::AuthFailed { .. }),
        "wrong password: {err:?}"
    );
    assert!(
        !format!("{err} {err:?}").contains(&wrong),
        "the password never shows in an error"
    );
    assert!(
        !format!("{:?}", opts(&wrong)).contains(&wrong),
        "RedisOptions' Debug redacts the password"
    );

    let ok = RedisKeySpace::connect(opts(&user.password))
        .await
        .expect("right password");
    assert_eq!(
        ok.ping().await.unwrap().account.as_deref(),
        Some(user.name.as_str())
    );
    assert!(
        !ok.info().location.contains(&user.password),
        "location has no credentials"
    );

    // An account without write permission: reads work, writes are PermissionDenied.
    let reader = lease.acl_user(&["~*", "+@all", "-@write"]);
    let ks = RedisKeySpace::connect(RedisOptions {
        username: Some(reader.name.clone()),
        password: Some(reader.password.clone().into()),
        ..RedisOptions::new(lease.url.clone())
    })
    .await
    .expect("connect as the read-only ACL user");
    assert_eq!(ks.get("anything").await.unwrap(), None, "reads are allowed");
    for res in [
        ks.apply(&[set("k", "v")]).await.map(|_| ()),
        ks.apply_guarded(&[], &[set("k", "v")]).await.map(|_| ()),
        ks.apply_bulk(&[set("k", "v")]).await.map(|_| ()),
    ] {
        assert!(
            matches!(res, Err(StoreError::PermissionDenied { .. })),
            "a -@write account is refused with PermissionDenied, got {res:?}"
        );
    }
    assert_eq!(ks.dbsize().await.unwrap(), 0, "nothing was written");
}

#[tokio::test]
async fn embedded_unopenable_file_is_unreachable() {
    let file = rampart_testkit::sqlite_file();
    std::fs::write(&file.path, b"not a directory").unwrap();
    let err = EmbeddedStore::open(&file.path.join("inside-a-file.sqlite3"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Unreachable { .. }),
        "a file as a directory: {err:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Every case against every backend.

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
    strings_round_trip_bytes_and_unicode,
    hashes_round_trip,
    lists_follow_redis_order_and_indexes,
    ttl_set_by_setex_and_expire,
    expired_keys_vanish,
    wrong_type_reads_name_the_key,
    batch_reads_report_wrong_type_in_the_slot,
    scan_visits_every_key_with_patterns,
    scan_count_is_clamped,
    batches_over_the_limit_are_refused,
    apply_is_all_or_nothing,
    guarded_writes_apply_only_when_guards_hold,
    concurrent_guarded_increments_lose_nothing,
    read_only_refuses_every_write,
    ping_and_info_describe_the_backend,
);
