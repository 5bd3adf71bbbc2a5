//! The users index on both key spaces (a leased Redis DB and the embedded file): built by SCAN
//! and pipelined HGETALL, every record listed (malformed ones as unreadable with the reason),
//! refreshed after another writer changed or deleted users, and `hgetall_raw` agreeing with
//! `hgetall_many` slot for slot.

use std::sync::Arc;

use rampart_core::ports::{Clock, SystemClock, Write};
use rampart_core::users::{LastLoginFilter, SearchMode, SortKey, UserIndex, UserQuery, UserRow};
use rampart_domain::user::{new_user_fields, Role};

use crate::keyspace::Backend;

fn user_write(id: &str, email: &str, username: &str, role: Role) -> Write {
    let created = chrono::Utc::now().naive_utc();
    Write::HSet {
        key: format!("user:{id}"),
        fields: new_user_fields(email, username, role, &created),
    }
}

fn hset(key: &str, pairs: &[(&str, &[u8])]) -> Write {
    Write::HSet {
        key: key.into(),
        fields: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect(),
    }
}

fn all() -> UserQuery {
    UserQuery {
        sort: SortKey::Email,
        descending: false,
        limit: 10_000,
        ..UserQuery::default()
    }
}

fn ids(page: &rampart_core::users::UserPage) -> Vec<String> {
    page.rows.iter().map(|r| r.id().to_owned()).collect()
}

async fn load(b: &Backend, n: usize) {
    let mut writes = Vec::new();
    for i in 0..n {
        let role = Role::ALL[i % 4];
        writes.push(user_write(
            &format!("user_{i:05}"),
            &format!("User{i:05}@Example.com"),
            &format!("사용자{i:05}"),
            role,
        ));
    }
    for chunk in writes.chunks(1000) {
        b.ks.apply_bulk(chunk).await.expect("load users");
    }
}

async fn index_lists_every_user_and_every_malformed_record(b: Backend) {
    load(&b, 2500).await;
    b.ks.apply(&[
        hset(
            "user:user_noemail",
            &[("username", b"x"), ("role", b"guest")],
        ),
        hset(
            "user:user_badperm",
            &[
                ("email", b"bp@example.com"),
                ("username", b"bp"),
                ("role", b"guest"),
                ("permissions", b"read_stock_data, export_data"),
            ],
        ),
        hset(
            "user:user_baddate",
            &[
                ("email", b"bd@example.com"),
                ("username", b"bd"),
                ("role", b"guest"),
                ("permissions", b"read_stock_data"),
                ("created_at", b"24/11/2026"),
            ],
        ),
        Write::Set {
            key: "user:user_string".into(),
            value: b"not a hash".to_vec(),
            ttl_secs: None,
        },
        // Not a user: never listed.
        Write::Set {
            key: "user_email:x@example.com".into(),
            value: b"user_00001".to_vec(),
            ttl_secs: None,
        },
    ])
    .await
    .expect("write malformed records");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let index = UserIndex::new(b.ks.clone(), clock);
    let progress = index.build().await.expect("build");
    assert_eq!(progress.passes, 1, "[{}]", b.name);
    assert!(
        progress.scanned >= 2504,
        "[{}] scanned {}",
        b.name,
        progress.scanned
    );
    let page = index.query(&all()).expect("query");
    assert!(page.complete);
    assert_eq!(page.total, 2504, "[{}] every user:* key is a row", b.name);
    assert_eq!(page.unreadable, 4, "[{}]", b.name);
    let bad: Vec<(String, String)> = page
        .rows
        .iter()
        .filter_map(|r| match r {
            UserRow::Unreadable(u) => Some((u.id.clone(), u.reason.clone())),
            UserRow::User(_) => None,
        })
        .collect();
    let reason = |id: &str| {
        bad.iter()
            .find(|(i, _)| i == id)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    };
    assert!(
        reason("user_noemail").contains("email"),
        "[{}] {bad:?}",
        b.name
    );
    assert!(
        reason("user_badperm").contains("permission"),
        "[{}] {bad:?}",
        b.name
    );
    assert!(
        reason("user_baddate").contains("created_at"),
        "[{}] {bad:?}",
        b.name
    );
    assert!(
        reason("user_string").contains("string"),
        "[{}] wrong type named: {bad:?}",
        b.name
    );
    assert_eq!(ids(&page)[0], "user_00000", "sorted by normalized e-mail");

    let premium = index
        .query(&UserQuery {
            role: Some("premium_user".into()),
            mfa: Some(false),
            last_login: Some(LastLoginFilter::NotWithin { days: 90 }),
            ..all()
        })
        .expect("filter");
    assert_eq!(premium.total, 625, "[{}] every 4th user is premium", b.name);
    let found = index
        .query(&UserQuery {
            search: Some("사용자0249".into()),
            search_mode: SearchMode::Prefix,
            ..all()
        })
        .expect("search");
    assert_eq!(found.total, 10, "[{}] 사용자02490..02499", b.name);
}

async fn refresh_follows_another_writer(b: Backend) {
    load(&b, 1200).await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let index = UserIndex::new(b.ks.clone(), clock);
    index.build().await.expect("build");
    // Another writer (the service) changes one user, deletes two, adds one, breaks one.
    b.ks.apply(&[
        hset("user:user_00007", &[("last_login", b"2026-01-01T00:00:00")]),
        Write::Del {
            keys: vec!["user:user_00010".into(), "user:user_00011".into()],
        },
        user_write("user_new", "new@example.com", "새사용자", Role::Admin),
        hset("user:user_00020", &[("role", b"root")]),
    ])
    .await
    .expect("other writer");
    index.refresh().await.expect("refresh");
    let page = index.query(&all()).expect("query");
    assert_eq!(page.total, 1199, "[{}] 1200 - 2 + 1", b.name);
    assert!(index.row("user_00010").is_none() && index.row("user_00011").is_none());
    match index.row("user_00007") {
        Some(UserRow::User(u)) => assert_eq!(u.last_login.as_deref(), Some("2026-01-01T00:00:00")),
        other => panic!("[{}] {other:?}", b.name),
    }
    assert!(matches!(
        index.row("user_00020"),
        Some(UserRow::Unreadable(_))
    ));
    assert!(matches!(index.row("user_new"), Some(UserRow::User(_))));
    let found = index
        .query(&UserQuery {
            search: Some("새사".into()),
            ..all()
        })
        .expect("search");
    assert_eq!(ids(&found), vec!["user_new"]);

    // The console's own writes: upsert after a change, remove after a deletion.
    b.ks.apply(&[hset("user:user_00001", &[("is_active", b"False")])])
        .await
        .expect("deactivate");
    index.upsert("user_00001").await.expect("upsert");
    match index.row("user_00001") {
        Some(UserRow::User(u)) => assert!(!u.is_active),
        other => panic!("[{}] {other:?}", b.name),
    }
    b.ks.apply(&[Write::Del {
        keys: vec!["user:user_00002".into()],
    }])
    .await
    .expect("delete");
    index
        .upsert("user_00002")
        .await
        .expect("upsert of a deleted user drops it");
    assert!(index.row("user_00002").is_none());
}

async fn raw_hashes_agree_with_hgetall_many(b: Backend) {
    load(&b, 50).await;
    b.ks.apply(&[
        hset("user:bin", &[("email", &[0xff, 0x00, b'\r', b'\n'])]),
        Write::Set {
            key: "user:str".into(),
            value: b"x".to_vec(),
            ttl_secs: None,
        },
    ])
    .await
    .expect("odd records");
    let mut keys: Vec<String> = (0..50).map(|i| format!("user:user_{i:05}")).collect();
    keys.extend(["user:bin".into(), "user:str".into(), "user:missing".into()]);
    let many = b.ks.hgetall_many(&keys).await.expect("hgetall_many");
    let raw = b.ks.hgetall_raw(&keys).await.expect("hgetall_raw");
    assert_eq!(raw.len(), keys.len());
    let mut buf = Vec::new();
    for (i, slot) in many.iter().enumerate() {
        match (slot, raw.fields_into(i, &mut buf)) {
            (Ok(fields), Ok(())) => {
                let owned: Vec<(Vec<u8>, Vec<u8>)> =
                    buf.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
                assert_eq!(&owned, fields, "[{}] {}", b.name, keys[i]);
            }
            (Err(a), Err(e)) => assert_eq!(a, e, "[{}] {}", b.name, keys[i]),
            (a, e) => panic!("[{}] {}: {a:?} vs {e:?}", b.name, keys[i]),
        }
    }
}

/// A bulk action "over the filter": the whole matching set in the query's order, every page of
/// it, minus the unticked rows; refused before the first pass ends and above the cap.
async fn a_filter_resolves_to_every_matching_id(b: Backend) {
    load(&b, 2500).await;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let index = UserIndex::new(b.ks.clone(), clock);
    let officer = rampart_domain::console::Operator {
        id: "user_officer".into(),
        role: rampart_domain::console::ConsoleRole::SecurityOfficer,
        authenticated_by: "sign_in".into(),
    };
    let guests = UserQuery {
        role: Some("guest".into()),
        sort: SortKey::Email,
        descending: true,
        offset: 600,
        limit: 50,
        ..UserQuery::default()
    };
    let none = std::collections::HashSet::new();
    let e = index
        .matching_ids(&officer, &guests, &none, 10_000)
        .unwrap_err();
    assert!(
        matches!(e, rampart_core::CoreError::Conflict(_)),
        "[{}] not before the index has seen every user: {e}",
        b.name
    );
    index.build().await.expect("build");
    // Role::ALL[i % 4]: the guests are every fourth user.
    let mut want: Vec<String> = (0..2500)
        .filter(|i| Role::ALL[i % 4] == Role::Guest)
        .map(|i| format!("user_{i:05}"))
        .collect();
    want.sort_by(|a, b| b.cmp(a));
    let except: std::collections::HashSet<String> =
        [want[0].clone(), want[300].clone(), "user_nobody".into()].into();
    let got = index
        .matching_ids(&officer, &guests, &except, 10_000)
        .expect("resolve");
    let expected: Vec<String> = want
        .iter()
        .filter(|id| !except.contains(*id))
        .cloned()
        .collect();
    assert_eq!(
        got, expected,
        "[{}] all 625 guests but 2 unticked, in the table's order, ignoring its offset/limit",
        b.name
    );
    let e = index
        .matching_ids(&officer, &guests, &none, 600)
        .unwrap_err();
    assert!(
        matches!(e, rampart_core::CoreError::Validation(ref m) if m.contains("625") && m.contains("600")),
        "[{}] over the cap: {e}",
        b.name
    );
}

macro_rules! both {
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

both!(
    index_lists_every_user_and_every_malformed_record,
    refresh_follows_another_writer,
    raw_hashes_agree_with_hgetall_many,
    a_filter_resolves_to_every_matching_id,
);
