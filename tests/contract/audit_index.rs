//! [`AuditIndex`] contract: one set of cases, run against every backend.
//!
//! - `embedded::*`: the embedded SQLite file's indexed table, always (a fresh file per case).
//! - `elastic::*`: a real Elasticsearch when `RAMPART_TEST_ES_URL` is set (with optional
//!   `RAMPART_TEST_ES_USERNAME`/`_PASSWORD`, `_API_KEY`, `_CA` = PEM file). Each case writes to
//!   its own index prefix `rampart-contract-<pid>-<n>-`, left behind for inspection (Elasticsearch
//!   refuses wildcard deletes by default). Without the variable these cases print one note and
//!   return: no server can be installed on every machine, and the wire format is pinned
//!   offline by `crates/store/src/elastic/wire_tests.rs`.
//!
//! Timestamps are whole milliseconds where order matters: Elasticsearch sorts at millisecond
//! precision, the embedded index at microseconds, and the port promises the same order only
//! where both can see it.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use rampart_core::ports::{AuditIndex, AuditQuery, Interval, StoreError, TermField};
use rampart_domain::audit::AuditEvent;
use rampart_store::elastic::{EsAuditIndex, EsOptions};
use rampart_store::embedded::audit::EmbeddedAuditIndex;
use rampart_store::embedded::EmbeddedStore;
use serde_json::{json, Map, Value};
use std::any::Any;
use std::sync::atomic::{AtomicU32, Ordering};

/// A fresh, empty index, writable, plus a read-only handle on the same data.
struct Fixture {
    rw: Box<dyn AuditIndex>,
    ro: Box<dyn AuditIndex>,
    _keep: Box<dyn Any + Send>,
}

async fn embedded() -> Fixture {
    let file = rampart_testkit::sqlite_file();
    let store = EmbeddedStore::open(&file.path)
        .await
        .expect("open the embedded store");
    Fixture {
        rw: Box::new(EmbeddedAuditIndex::new(store.clone(), false)),
        ro: Box::new(EmbeddedAuditIndex::new(store, true)),
        _keep: Box::new(file),
    }
}

async fn elastic() -> Option<Fixture> {
    static NOTE: std::sync::Once = std::sync::Once::new();
    static CASE: AtomicU32 = AtomicU32::new(0);
    let Ok(url) = std::env::var("RAMPART_TEST_ES_URL") else {
        NOTE.call_once(|| {
            eprintln!("note: RAMPART_TEST_ES_URL is not set; Elasticsearch contract cases skipped")
        });
        return None;
    };
    let mut o = EsOptions::new(url);
    o.username = std::env::var("RAMPART_TEST_ES_USERNAME").ok();
    o.password = std::env::var("RAMPART_TEST_ES_PASSWORD")
        .ok()
        .map(Into::into);
    o.api_key = std::env::var("RAMPART_TEST_ES_API_KEY")
        .ok()
        .map(Into::into);
    o.ca_cert_pem = std::env::var("RAMPART_TEST_ES_CA")
        .ok()
        .map(|p| std::fs::read_to_string(p).expect("read RAMPART_TEST_ES_CA"));
    o.index_prefix = format!(
        "rampart-contract-{}-{}-",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    );
    let mut rw = o.clone();
    rw.read_only = false;
    let rw = EsAuditIndex::new(rw).expect("Elasticsearch options");
    rw.ping().await.expect("RAMPART_TEST_ES_URL must answer");
    Some(Fixture {
        rw: Box::new(rw),
        ro: Box::new(EsAuditIndex::new(o).expect("Elasticsearch options")),
        _keep: Box::new(()),
    })
}

/// Each case runs once per backend: `embedded::<case>` and `elastic::<case>`.
macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case(&super::embedded().await).await;
                }
            )*
        }
        mod elastic {
            $(
                #[tokio::test]
                async fn $case() {
                    if let Some(f) = super::elastic().await {
                        super::$case(&f).await;
                    }
                }
            )*
        }
    };
}

contract!(
    empty_index_answers_empty,
    each_filter_selects_exactly_its_events,
    cursor_paging_sees_every_event_once_in_order,
    same_id_replaces_the_event,
    count_agrees_with_search_totals,
    histogram_has_calendar_buckets_including_empty_ones,
    terms_count_values_by_count_then_key,
    korean_text_round_trips_and_is_searchable,
    read_only_refuses_to_index,
    batches_over_ten_thousand_are_refused,
);

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 24)
        .unwrap()
        .and_hms_opt(4, 0, 0)
        .unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

fn details(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

struct Ev<'a> {
    id: &'a str,
    ts: NaiveDateTime,
    event_type: &'a str,
    user_id: Option<&'a str>,
    ip: &'a str,
    result: &'a str,
    severity: &'a str,
    action: &'a str,
}

fn ev(e: Ev<'_>) -> AuditEvent {
    AuditEvent {
        event_id: e.id.into(),
        event_type: e.event_type.into(),
        user_id: e.user_id.map(Into::into),
        ip_address: e.ip.into(),
        user_agent: "Mozilla/5.0".into(),
        timestamp: e.ts,
        resource: None,
        action: e.action.into(),
        result: e.result.into(),
        details: Map::new(),
        severity: e.severity.into(),
    }
}

/// Seven events, one minute apart, each filter value shared by a known subset.
fn seven() -> Vec<AuditEvent> {
    let m = |n: i64| t0() + TimeDelta::minutes(n);
    let rows = [
        (
            "a",
            1,
            "user_login",
            Some("u1"),
            "203.0.113.7",
            "failure",
            "medium",
            "login",
        ),
        (
            "b",
            2,
            "user_login",
            Some("u1"),
            "203.0.113.7",
            "success",
            "low",
            "login",
        ),
        (
            "c",
            3,
            "user_login",
            Some("u2"),
            "2001:db8:bad::1",
            "failure",
            "medium",
            "login",
        ),
        (
            "d",
            4,
            "security_violation",
            None,
            "2001:db8:bad::1",
            "success",
            "high",
            "account_locked",
        ),
        (
            "e",
            5,
            "api_access",
            Some("u2"),
            "198.51.100.20",
            "success",
            "low",
            "GET /users",
        ),
        (
            "f",
            6,
            "data_export",
            Some("u1"),
            "198.51.100.20",
            "error",
            "critical",
            "export_csv",
        ),
        (
            "g",
            7,
            "password_change",
            Some("User-Upper"),
            "203.0.113.7",
            "success",
            "medium",
            "change",
        ),
    ];
    rows.iter()
        .map(
            |&(id, min, event_type, user_id, ip, result, severity, action)| {
                ev(Ev {
                    id,
                    ts: m(min),
                    event_type,
                    user_id,
                    ip,
                    result,
                    severity,
                    action,
                })
            },
        )
        .collect()
}

async fn ids(idx: &dyn AuditIndex, q: &AuditQuery) -> Vec<String> {
    let page = idx.search(q, 100, None).await.expect("search");
    assert_eq!(
        page.total as usize,
        page.events.len(),
        "total of a single page for {q:?}"
    );
    page.events.into_iter().map(|e| e.event_id).collect()
}

async fn empty_index_answers_empty(f: &Fixture) {
    let all = AuditQuery::default();
    let page =
        f.rw.search(&all, 50, None)
            .await
            .expect("search an empty index");
    assert!(
        page.events.is_empty() && page.total == 0 && page.next.is_none(),
        "{page:?}"
    );
    assert_eq!(f.rw.count(&all).await.unwrap(), 0);
    assert!(
        f.rw.histogram(&all, Interval::Day)
            .await
            .unwrap()
            .is_empty(),
        "no range, no data"
    );
    assert!(f
        .rw
        .terms(&all, TermField::EventType, 10)
        .await
        .unwrap()
        .is_empty());
    f.rw.ping().await.expect("ping");
}

async fn each_filter_selects_exactly_its_events(f: &Fixture) {
    let report = f.rw.index(&seven()).await.expect("index");
    assert_eq!((report.indexed, report.failed.len()), (7, 0), "{report:?}");
    let m = |n: i64| Some(t0() + TimeDelta::minutes(n));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let cases: Vec<(&str, AuditQuery, Vec<&str>)> = vec![
        (
            "no filter: all, newest first",
            AuditQuery::default(),
            vec!["g", "f", "e", "d", "c", "b", "a"],
        ),
        (
            "one event type",
            AuditQuery {
                event_types: s(&["user_login"]),
                ..Default::default()
            },
            vec!["c", "b", "a"],
        ),
        (
            "event types are OR-ed",
            AuditQuery {
                event_types: s(&["user_login", "security_violation"]),
                ..Default::default()
            },
            vec!["d", "c", "b", "a"],
        ),
        (
            "user id",
            AuditQuery {
                user_id: Some("u1".into()),
                ..Default::default()
            },
            vec!["f", "b", "a"],
        ),
        (
            "user id is matched exactly, case and punctuation included",
            AuditQuery {
                user_id: Some("User-Upper".into()),
                ..Default::default()
            },
            vec!["g"],
        ),
        (
            "user id does not match case-insensitively",
            AuditQuery {
                user_id: Some("user-upper".into()),
                ..Default::default()
            },
            vec![],
        ),
        (
            "IPv6 address",
            AuditQuery {
                ip_address: Some("2001:db8:bad::1".into()),
                ..Default::default()
            },
            vec!["d", "c"],
        ),
        (
            "results are OR-ed",
            AuditQuery {
                results: s(&["failure", "error"]),
                ..Default::default()
            },
            vec!["f", "c", "a"],
        ),
        (
            "severities",
            AuditQuery {
                severities: s(&["high", "critical"]),
                ..Default::default()
            },
            vec!["f", "d"],
        ),
        (
            "from inclusive, to exclusive",
            AuditQuery {
                from: m(3),
                to: m(6),
                ..Default::default()
            },
            vec!["e", "d", "c"],
        ),
        (
            "filters are AND-ed",
            AuditQuery {
                event_types: s(&["user_login"]),
                ip_address: Some("203.0.113.7".into()),
                results: s(&["failure"]),
                ..Default::default()
            },
            vec!["a"],
        ),
        (
            "text matches the action",
            AuditQuery {
                text: Some("account_locked".into()),
                ..Default::default()
            },
            vec!["d"],
        ),
        (
            "unknown user",
            AuditQuery {
                user_id: Some("nobody".into()),
                ..Default::default()
            },
            vec![],
        ),
    ];
    for (why, q, want) in cases {
        assert_eq!(ids(f.rw.as_ref(), &q).await, want, "{why}");
    }
}

async fn cursor_paging_sees_every_event_once_in_order(f: &Fixture) {
    // Three events share each timestamp, so the id must break ties; the ids' suffixes are
    // shuffled so id order differs from insertion order.
    let base = at(2026, 11, 1, 0, 0);
    let events: Vec<AuditEvent> = (0..2_500u32)
        .map(|i| {
            let ts = base + TimeDelta::seconds(i64::from(i / 3));
            let id = format!(
                "audit_{}_{}",
                ts.and_utc().timestamp_millis(),
                (i * 7_919) % 10_007
            );
            ev(Ev {
                id: &id,
                ts,
                event_type: "api_access",
                user_id: Some("u1"),
                ip: "192.0.2.1",
                result: "success",
                severity: "low",
                action: "GET",
            })
        })
        .collect();
    let report = f.rw.index(&events).await.expect("index 2,500");
    assert_eq!(report.indexed, 2_500, "{:?}", report.failed.first());

    let mut want: Vec<(NaiveDateTime, String)> = events
        .iter()
        .map(|e| (e.timestamp, e.event_id.clone()))
        .collect();
    want.sort_by(|a, b| b.cmp(a));
    let want: Vec<String> = want.into_iter().map(|(_, id)| id).collect();

    let q = AuditQuery::default();
    let mut got = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = f.rw.search(&q, 100, cursor.as_ref()).await.expect("page");
        assert_eq!(page.total, 2_500, "every page reports the same total");
        got.extend(page.events.into_iter().map(|e| e.event_id));
        pages += 1;
        assert!(pages <= 26, "paging must end");
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        pages, 25,
        "2,500 events in pages of 100, and no empty trailing page"
    );
    assert_eq!(got.len(), 2_500, "each event seen once");
    assert_eq!(got, want, "order: timestamp desc, then event_id desc");
}

async fn same_id_replaces_the_event(f: &Fixture) {
    let first = seven().remove(0);
    let mut second = first.clone();
    second.action = "login_retry".into();
    second.details = details(json!({"attempt": 2}));
    f.rw.index(std::slice::from_ref(&first)).await.unwrap();
    f.rw.index(&[second.clone()]).await.unwrap();
    let page = f.rw.search(&AuditQuery::default(), 10, None).await.unwrap();
    assert_eq!(
        page.events,
        vec![second.clone()],
        "the later write wins, as ES index does"
    );

    // Within one batch, too: the last occurrence wins.
    let mut third = second.clone();
    third.result = "success".into();
    f.rw.index(&[second, third.clone()]).await.unwrap();
    assert_eq!(f.rw.count(&AuditQuery::default()).await.unwrap(), 1);
    assert_eq!(
        f.rw.search(&AuditQuery::default(), 10, None)
            .await
            .unwrap()
            .events,
        vec![third]
    );
}

async fn count_agrees_with_search_totals(f: &Fixture) {
    f.rw.index(&seven()).await.unwrap();
    let queries = [
        AuditQuery::default(),
        AuditQuery {
            user_id: Some("u2".into()),
            ..Default::default()
        },
        AuditQuery {
            results: vec!["success".into()],
            severities: vec!["low".into()],
            ..Default::default()
        },
        AuditQuery {
            from: Some(t0() + TimeDelta::minutes(5)),
            ..Default::default()
        },
    ];
    let want = [7, 2, 2, 3];
    for (q, n) in queries.iter().zip(want) {
        assert_eq!(f.rw.count(q).await.unwrap(), n, "count for {q:?}");
        assert_eq!(
            f.rw.search(q, 1, None).await.unwrap().total,
            n,
            "search total for {q:?}"
        );
    }
}

async fn histogram_has_calendar_buckets_including_empty_ones(f: &Fixture) {
    let times = [
        at(2026, 11, 23, 10, 15), // a Monday
        at(2026, 11, 23, 10, 45),
        at(2026, 11, 23, 12, 5),
        at(2026, 11, 25, 8, 0),
        at(2026, 12, 2, 9, 0),
    ];
    let events: Vec<AuditEvent> = times
        .iter()
        .enumerate()
        .map(|(i, &ts)| {
            ev(Ev {
                id: &format!("h{i}"),
                ts,
                event_type: "user_login",
                user_id: None,
                ip: "192.0.2.9",
                result: "success",
                severity: "low",
                action: "login",
            })
        })
        .collect();
    f.rw.index(&events).await.unwrap();
    let range = |from, to| AuditQuery {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    type Case = (
        &'static str,
        AuditQuery,
        Interval,
        Vec<(NaiveDateTime, u64)>,
    );
    let cases: Vec<Case> = vec![
        (
            "days across the range, empty ones included, `to` exclusive",
            range(at(2026, 11, 22, 0, 0), at(2026, 11, 27, 0, 0)),
            Interval::Day,
            vec![
                (at(2026, 11, 22, 0, 0), 0),
                (at(2026, 11, 23, 0, 0), 3),
                (at(2026, 11, 24, 0, 0), 0),
                (at(2026, 11, 25, 0, 0), 1),
                (at(2026, 11, 26, 0, 0), 0),
            ],
        ),
        (
            "hours",
            range(at(2026, 11, 23, 10, 0), at(2026, 11, 23, 13, 0)),
            Interval::Hour,
            vec![
                (at(2026, 11, 23, 10, 0), 2),
                (at(2026, 11, 23, 11, 0), 0),
                (at(2026, 11, 23, 12, 0), 1),
            ],
        ),
        (
            "weeks start on Monday",
            range(at(2026, 11, 16, 0, 0), at(2026, 12, 7, 0, 0)),
            Interval::Week,
            vec![
                (at(2026, 11, 16, 0, 0), 0),
                (at(2026, 11, 23, 0, 0), 4),
                (at(2026, 11, 30, 0, 0), 1),
            ],
        ),
        (
            "months, no range: first to last non-empty bucket",
            AuditQuery::default(),
            Interval::Month,
            vec![(at(2026, 11, 1, 0, 0), 4), (at(2026, 12, 1, 0, 0), 1)],
        ),
        (
            "filters apply; an empty answer inside a range is all zeros",
            AuditQuery {
                event_types: vec!["mfa_enabled".into()],
                ..range(at(2026, 11, 23, 0, 0), at(2026, 11, 25, 0, 0))
            },
            Interval::Day,
            vec![(at(2026, 11, 23, 0, 0), 0), (at(2026, 11, 24, 0, 0), 0)],
        ),
    ];
    for (why, q, interval, want) in cases {
        let got: Vec<(NaiveDateTime, u64)> =
            f.rw.histogram(&q, interval)
                .await
                .unwrap_or_else(|e| panic!("{why}: {e}"))
                .into_iter()
                .map(|b| (b.start, b.count))
                .collect();
        assert_eq!(got, want, "{why}");
    }
    let days =
        f.rw.histogram(&AuditQuery::default(), Interval::Day)
            .await
            .unwrap();
    assert_eq!(days.len(), 10, "11-23 ..= 12-02 with the gaps filled");
}

async fn terms_count_values_by_count_then_key(f: &Fixture) {
    f.rw.index(&seven()).await.unwrap();
    let all = AuditQuery::default();
    let pairs = |t: Vec<rampart_core::ports::TermCount>| {
        t.into_iter().map(|t| (t.key, t.count)).collect::<Vec<_>>()
    };
    let s = |k: &str, n: u64| (k.to_string(), n);
    assert_eq!(
        pairs(f.rw.terms(&all, TermField::EventType, 10).await.unwrap()),
        vec![
            s("user_login", 3),
            s("api_access", 1),
            s("data_export", 1),
            s("password_change", 1),
            s("security_violation", 1)
        ],
        "count desc, then key asc"
    );
    assert_eq!(
        pairs(f.rw.terms(&all, TermField::UserId, 2).await.unwrap()),
        vec![s("u1", 3), s("u2", 2)],
        "size limits the buckets; null user ids are not a bucket"
    );
    let q = AuditQuery {
        ip_address: Some("203.0.113.7".into()),
        ..Default::default()
    };
    assert_eq!(
        pairs(f.rw.terms(&q, TermField::Result, 10).await.unwrap()),
        vec![s("success", 2), s("failure", 1)],
        "terms honour the query"
    );
}

async fn korean_text_round_trips_and_is_searchable(f: &Fixture) {
    let ev = AuditEvent {
        event_id: "audit_1795493557495_42".into(),
        event_type: "data_export".into(),
        user_id: Some("관리자_01".into()),
        ip_address: "203.0.113.66".into(),
        user_agent: "Mozilla/5.0 (한국어)".into(),
        // Microseconds survive in the stored document on both backends.
        timestamp: NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_micro_opt(4, 12, 37, 495_057)
            .unwrap(),
        resource: Some("고객/김민준".into()),
        action: "개인정보_조회".into(),
        result: "success".into(),
        details: details(json!({
            "note": "계정 잠금 — 비밀번호 5회 실패",
            "name": "김민준",
            "rrn": "900101-1234567",
            "nested": {"주소": "서울특별시 강남구", "건수": 3}
        })),
        severity: "medium".into(),
    };
    f.rw.index(std::slice::from_ref(&ev)).await.unwrap();
    let by_user = AuditQuery {
        user_id: Some("관리자_01".into()),
        ..Default::default()
    };
    assert_eq!(
        f.rw.search(&by_user, 10, None).await.unwrap().events,
        vec![ev.clone()]
    );
    let by_text = AuditQuery {
        text: Some("잠금".into()),
        ..Default::default()
    };
    assert_eq!(
        ids(f.rw.as_ref(), &by_text).await,
        vec![ev.event_id.clone()],
        "Hangul in details"
    );
    let actions =
        f.rw.terms(&AuditQuery::default(), TermField::Action, 5)
            .await
            .unwrap();
    assert_eq!(actions[0].key, "개인정보_조회");
}

async fn read_only_refuses_to_index(f: &Fixture) {
    let err =
        f.ro.index(&seven())
            .await
            .expect_err("a read-only index must refuse writes");
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    assert!(f.ro.info().read_only);
    assert_eq!(
        f.rw.count(&AuditQuery::default()).await.unwrap(),
        0,
        "nothing was written"
    );
    // Reads still work on the read-only handle.
    assert_eq!(f.ro.count(&AuditQuery::default()).await.unwrap(), 0);
}

async fn batches_over_ten_thousand_are_refused(f: &Fixture) {
    let one = seven().remove(0);
    let err =
        f.rw.index(&vec![one; 10_001])
            .await
            .expect_err("over the port's limit");
    assert!(
        matches!(
            err,
            StoreError::BatchTooLarge {
                len: 10_001,
                limit: 10_000
            }
        ),
        "{err:?}"
    );
    assert_eq!(f.rw.count(&AuditQuery::default()).await.unwrap(), 0);
}
