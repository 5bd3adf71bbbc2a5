//! The adapter's wire format against Elasticsearch 8's REST API, without a cluster.
//!
//! Each test replays hand-written exchanges from `tests/fixtures/es/` (see its README) through
//! a tiny HTTP/1.1 server and asserts that what the adapter sent equals the recorded request:
//! method, path, query parameters, headers, and the body as JSON (NDJSON line by line, with the
//! seed's key order). Then it checks how the adapter read the documented answer. Nothing here
//! stores or searches events; the contract suite does that against real backends.

use super::*;
use chrono::{NaiveDate, NaiveDateTime};
use rampart_core::ports::{AuditQuery, Interval, TermField};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/es/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A request as the server received it.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// Serves the fixtures' responses in order, one connection each, recording the requests.
struct Replay {
    base: String,
    fixtures: Vec<Value>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

async fn replay(names: &[&str]) -> Replay {
    let fixtures: Vec<Value> = names.iter().map(|n| fixture(n)).collect();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let responses: Vec<Value> = fixtures.iter().map(|f| f["response"].clone()).collect();
    let log = seen.clone();
    tokio::spawn(async move {
        for response in responses {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let Some(req) = read_request(&mut sock).await else {
                return;
            };
            log.lock().unwrap().push(req);
            let _ = sock.write_all(&render(&response)).await;
            let _ = sock.shutdown().await;
        }
    });
    Replay {
        base,
        fixtures,
        seen,
    }
}

async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    Some(Seen {
        method,
        path: path.to_string(),
        query,
        headers,
        body,
    })
}

fn render(response: &Value) -> Vec<u8> {
    let status = response["status"].as_u64().unwrap();
    let (body, content_type) = match &response["text"] {
        Value::String(t) => (t.clone().into_bytes(), "text/plain"),
        _ => (
            response["json"].to_string().into_bytes(),
            "application/json",
        ),
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    let headers = response["headers"].as_object().cloned().unwrap_or_default();
    if !headers.contains_key("content-type") {
        head.push_str(&format!("content-type: {content_type}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {}\r\n", v.as_str().unwrap()));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&body);
    out
}

impl Replay {
    /// Every fixture's request was made, in order, exactly as recorded.
    fn assert_requests(&self) {
        let seen = self.seen.lock().unwrap();
        assert_eq!(
            seen.len(),
            self.fixtures.len(),
            "one request per recorded exchange"
        );
        for (got, f) in seen.iter().zip(&self.fixtures) {
            let want = &f["request"];
            let about = f["about"].as_str().unwrap_or_default();
            assert_eq!(
                got.method,
                want["method"].as_str().unwrap(),
                "method; {about}"
            );
            assert_eq!(got.path, want["path"].as_str().unwrap(), "path; {about}");
            let want_query: BTreeMap<String, String> =
                serde_json::from_value(want["query"].clone()).unwrap_or_default();
            assert_eq!(got.query, want_query, "query parameters; {about}");
            for (k, v) in want["headers"].as_object().into_iter().flatten() {
                assert_eq!(
                    got.headers.get(k).map(String::as_str),
                    v.as_str(),
                    "header {k}; {about}"
                );
            }
            for k in want["absent_headers"].as_array().into_iter().flatten() {
                let k = k.as_str().unwrap();
                assert!(
                    !got.headers.contains_key(k),
                    "header {k} must not be sent; {about}"
                );
            }
            if let Some(lines) = want["ndjson"].as_array() {
                let text = String::from_utf8(got.body.clone()).expect("NDJSON is UTF-8");
                assert!(text.ends_with('\n'), "bulk bodies end with a newline");
                let got_lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
                assert_eq!(got_lines.len(), lines.len(), "NDJSON line count; {about}");
                for (i, (g, w)) in got_lines.iter().zip(lines).enumerate() {
                    let g: Value = serde_json::from_str(g).expect("each line is JSON");
                    assert_eq!(&g, w, "NDJSON line {i}; {about}");
                    // The seed's document keeps its key order (asdict order), not only its keys.
                    let keys =
                        |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
                    assert_eq!(keys(&g), keys(w), "key order of NDJSON line {i}");
                }
            } else if want["json"].is_null() {
                assert!(got.body.is_empty(), "no body expected; {about}");
            } else {
                let g: Value = serde_json::from_slice(&got.body).expect("body is JSON");
                assert_eq!(g, want["json"], "JSON body; {about}");
            }
        }
    }
}

fn opts(base: &str) -> EsOptions {
    let mut o = EsOptions::new(base);
    o.username = Some("rampart".into());
    o.password = Some(SecretString::from("s3cret-pw".to_string()));
    o.read_only = false;
    o
}

fn ts(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

/// The events of the bulk fixture, built field by field (not from the fixture).
fn e1() -> AuditEvent {
    AuditEvent {
        event_id: "audit_1795493557494_-3872837313787996192".into(),
        event_type: "user_login".into(),
        user_id: Some("user_7f3a".into()),
        ip_address: "2001:db8:bad::1".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64)".into(),
        timestamp: ts("2026-11-24T04:12:37.494321"),
        resource: None,
        action: "login".into(),
        result: "failure".into(),
        details: obj(json!({"email": "minjun@example.kr", "reason": "invalid_password"})),
        severity: "medium".into(),
    }
}

fn e2() -> AuditEvent {
    AuditEvent {
        event_id: "audit_1795493557495_-3872837313787996192".into(),
        event_type: "security_violation".into(),
        user_id: None,
        ip_address: "2001:db8:bad::1".into(),
        user_agent: "".into(),
        timestamp: ts("2026-11-24T04:12:37.495057"),
        resource: None,
        action: "account_locked".into(),
        result: "success".into(),
        details: obj(json!({"reason": "repeated_login_failures", "failures": 7})),
        severity: "high".into(),
    }
}

fn e3() -> AuditEvent {
    AuditEvent {
        event_id: "audit_1796083200000_4417".into(),
        event_type: "data_export".into(),
        user_id: Some("user_0c1d".into()),
        ip_address: "198.51.100.20".into(),
        user_agent: "rampart/0.1".into(),
        timestamp: ts("2026-12-01T00:00:00"),
        resource: Some("customers".into()),
        action: "export_csv".into(),
        result: "success".into(),
        details: obj(json!({"note": "고객 명단 내보내기", "rows": 120})),
        severity: "low".into(),
    }
}

#[tokio::test]
async fn bulk_sends_the_seed_documents_and_reports_per_item_failures() {
    let r = replay(&["bulk_partial_failure"]).await;
    let es = EsAuditIndex::new(opts(&r.base)).unwrap();
    let mut no_id = e1();
    no_id.event_id = String::new();
    let report = es.index(&[e1(), e2(), e3(), no_id]).await.unwrap();
    r.assert_requests();
    assert_eq!(report.indexed, 2, "created + updated both count as indexed");
    assert_eq!(report.failed.len(), 2, "{:?}", report.failed);
    assert_eq!(
        report.failed[0].0, "",
        "the empty id is refused before sending"
    );
    assert_eq!(report.failed[1].0, "audit_1796083200000_4417");
    assert!(
        report.failed[1]
            .1
            .starts_with("cluster_block_exception: index [audit_logs-2026.12]"),
        "the item's error type and reason are kept: {}",
        report.failed[1].1
    );
}

fn search_query() -> AuditQuery {
    AuditQuery {
        from: Some(ts("2026-11-01T00:00:00")),
        to: Some(ts("2026-12-01T00:00:00")),
        event_types: vec!["user_login".into(), "security_violation".into()],
        ip_address: Some("2001:db8:bad::1".into()),
        severities: vec!["high".into(), "medium".into()],
        ..AuditQuery::default()
    }
}

#[tokio::test]
async fn search_pages_with_search_after_and_skips_unreadable_hits() {
    let r = replay(&["search_page1", "search_page2"]).await;
    let es = EsAuditIndex::new(opts(&r.base)).unwrap();
    let q = search_query();
    let p1 = es.search(&q, 2, None).await.unwrap();
    assert_eq!(p1.total, 3);
    assert_eq!(
        p1.events,
        vec![e2()],
        "the hit with an aware timestamp is set aside, not fatal"
    );
    assert_eq!(
        p1.unreadable.len(),
        1,
        "and it is reported with its id and reason"
    );
    assert!(
        p1.unreadable[0].1.contains("time zone"),
        "{:?}",
        p1.unreadable
    );
    let next = p1
        .next
        .clone()
        .expect("a third hit came back, so there is a next page");
    assert_eq!(
        next,
        AuditCursor {
            timestamp: ts("2026-11-24T04:12:37.494"),
            event_id: "audit_1795493557494_9001".into()
        },
        "the cursor is the skipped hit's sort values, so paging does not repeat or lose it"
    );
    let p2 = es.search(&q, 2, Some(&next)).await.unwrap();
    assert_eq!(p2.events, vec![e1()]);
    assert_eq!(p2.next, None, "no hit beyond the page");
    r.assert_requests();
}

#[tokio::test]
async fn count_sends_the_lockout_predicate() {
    let r = replay(&["count_lockout_window"]).await;
    let es = EsAuditIndex::new(opts(&r.base)).unwrap();
    let q = AuditQuery {
        from: Some(ts("2026-11-24T04:07:37.494321")),
        event_types: vec!["user_login".into()],
        results: vec!["failure".into()],
        user_id: Some("user_7f3a".into()),
        ip_address: Some("2001:db8:bad::1".into()),
        ..AuditQuery::default()
    };
    assert_eq!(es.count(&q).await.unwrap(), 5);
    r.assert_requests();
}

fn day(d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, d)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

#[tokio::test]
async fn date_histogram_reads_epoch_ms_keys_including_empty_buckets() {
    let r = replay(&["date_histogram_day"]).await;
    let es = EsAuditIndex::new(opts(&r.base)).unwrap();
    let q = AuditQuery {
        from: Some(day(23)),
        to: Some(day(26)),
        event_types: vec!["user_login".into()],
        ..AuditQuery::default()
    };
    let buckets = es.histogram(&q, Interval::Day).await.unwrap();
    r.assert_requests();
    let got: Vec<(NaiveDateTime, u64)> = buckets.iter().map(|b| (b.start, b.count)).collect();
    assert_eq!(got, vec![(day(23), 2), (day(24), 0), (day(25), 5)]);
}

#[tokio::test]
async fn histogram_on_a_cluster_without_indices_gives_the_empty_weeks() {
    let r = replay(&["date_histogram_no_indices"]).await;
    let es = EsAuditIndex::new(opts(&r.base)).unwrap();
    let q = AuditQuery {
        from: Some(day(1)),
        to: Some(
            NaiveDate::from_ymd_opt(2026, 12, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
        ),
        ..AuditQuery::default()
    };
    let buckets = es.histogram(&q, Interval::Week).await.unwrap();
    r.assert_requests();
    let starts: Vec<NaiveDateTime> = buckets.iter().map(|b| b.start).collect();
    let oct26 = NaiveDate::from_ymd_opt(2026, 10, 26)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_eq!(
        starts,
        vec![oct26, day(2), day(9), day(16), day(23), day(30)],
        "Monday weeks"
    );
    assert!(buckets.iter().all(|b| b.count == 0));
}

#[tokio::test]
async fn terms_without_credentials_sends_no_authorization() {
    let r = replay(&["terms_event_type"]).await;
    let mut o = EsOptions::new(&r.base);
    o.read_only = true;
    let es = EsAuditIndex::new(o).unwrap();
    let terms = es
        .terms(&AuditQuery::default(), TermField::EventType, 3)
        .await
        .unwrap();
    r.assert_requests();
    let got: Vec<(&str, u64)> = terms.iter().map(|t| (t.key.as_str(), t.count)).collect();
    assert_eq!(
        got,
        vec![
            ("user_login", 120),
            ("api_access", 37),
            ("security_violation", 5)
        ]
    );
}

#[tokio::test]
async fn ping_with_an_api_key_reads_version_and_cluster_name() {
    let r = replay(&["root_info_api_key", "root_info_api_key"]).await;
    let mut o = EsOptions::new(&r.base);
    o.api_key = Some(SecretString::from(
        "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==".to_string(),
    ));
    let es = EsAuditIndex::new(o).unwrap();
    let info = es.ping().await.unwrap();
    assert_eq!(
        (info.kind.as_str(), info.version.as_str()),
        ("elasticsearch", "8.15.0")
    );
    let cluster = es.cluster().await.unwrap();
    assert_eq!(cluster.cluster_name, "rampart-audit");
    assert_eq!(cluster.distribution, None);
    r.assert_requests();
}

#[tokio::test]
async fn http_errors_become_typed_store_errors() {
    let r = replay(&["error_401"]).await;
    let err = EsAuditIndex::new(opts(&r.base))
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    r.assert_requests();
    match &err {
        StoreError::AuthFailed { reason, .. } => {
            assert!(
                reason.contains("unable to authenticate user [rampart]"),
                "{reason}"
            )
        }
        other => panic!("401 must be AuthFailed, got {other:?}"),
    }
    assert!(
        !err.to_string().contains("s3cret"),
        "no password in the message: {err}"
    );

    let r = replay(&["error_403"]).await;
    let err = EsAuditIndex::new(opts(&r.base))
        .unwrap()
        .search(&AuditQuery::default(), 50, None)
        .await
        .unwrap_err();
    r.assert_requests();
    assert!(
        matches!(err, StoreError::PermissionDenied { ref op, .. } if op == "search"),
        "{err:?}"
    );

    let r = replay(&["error_index_not_found"]).await;
    let err = EsAuditIndex::new(opts(&r.base))
        .unwrap()
        .count(&AuditQuery::default())
        .await
        .unwrap_err();
    r.assert_requests();
    assert!(
        matches!(err, StoreError::NotFound(ref m) if m.contains("no such index")),
        "{err:?}"
    );

    let r = replay(&["error_search_phase_execution"]).await;
    let mut o = opts(&r.base);
    o.keyword_suffix = false;
    let err = EsAuditIndex::new(o)
        .unwrap()
        .search(&AuditQuery::default(), 10, None)
        .await
        .unwrap_err();
    r.assert_requests();
    match &err {
        StoreError::Backend { reason, .. } => {
            assert!(
                reason.starts_with("search_phase_execution_exception: all shards failed"),
                "{reason}"
            );
            assert!(
                reason.contains(
                    "caused by illegal_argument_exception: Text fields are not optimised"
                ),
                "the root cause says why: {reason}"
            );
        }
        other => panic!("a 400 error body must be Backend, got {other:?}"),
    }

    let r = replay(&["malformed_search_response"]).await;
    let err = EsAuditIndex::new(opts(&r.base))
        .unwrap()
        .search(&AuditQuery::default(), 10, None)
        .await
        .unwrap_err();
    r.assert_requests();
    assert!(
        matches!(err, StoreError::Protocol { .. }),
        "an HTML 200 is not an empty result: {err:?}"
    );
}

#[tokio::test]
async fn connection_refused_is_unreachable_and_names_the_server() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = EsAuditIndex::new(opts(&format!("http://127.0.0.1:{port}")))
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    match err {
        StoreError::Unreachable { store, .. } => {
            assert_eq!(store, format!("Elasticsearch at 127.0.0.1:{port}"))
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn refusals_happen_before_anything_is_sent() {
    let r = replay(&[]).await;
    let mut o = opts(&r.base);
    o.read_only = true;
    let err = EsAuditIndex::new(o)
        .unwrap()
        .index(&[e1()])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");

    let many = vec![e1(); MAX_INDEX_BATCH + 1];
    let err = EsAuditIndex::new(opts(&r.base))
        .unwrap()
        .index(&many)
        .await
        .unwrap_err();
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
    r.assert_requests();
}

#[test]
fn options_debug_redacts_secrets_and_bad_prefixes_or_urls_are_refused() {
    let mut o = opts("http://127.0.0.1:9200");
    o.api_key = Some(SecretString::from("a2V5LXNlY3JldA==".to_string()));
    let shown = format!("{o:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("a2V5"),
        "secret in Debug: {shown}"
    );

    for bad in [
        "", "Audit-", "audit/..", "audit?x=", "-audit", "a b", "audit*",
    ] {
        let mut o = opts("http://127.0.0.1:9200");
        o.index_prefix = bad.into();
        assert!(
            EsAuditIndex::new(o).is_err(),
            "prefix {bad:?} must be refused"
        );
    }
    let err = EsAuditIndex::new(opts("http://elastic:pw@127.0.0.1:9200")).unwrap_err();
    assert!(!err.to_string().contains("pw@"), "{err}");
}

#[test]
fn error_reasons_do_not_echo_document_values() {
    let e = body::EsError::from_error(&json!({
        "type": "document_parsing_exception",
        "reason": "[1:120] failed to parse field [details.ssn] of type [long] in document with id 'a'. Preview of field's value: '900101-1234567'"
    }));
    assert!(!e.describe().contains("900101"), "{}", e.describe());
    assert!(e.describe().contains("failed to parse field [details.ssn]"));
}
