//! Request bodies and response parsing for the Elasticsearch 8 REST API. Pure functions, so
//! the wire format can be read in one place and checked against recorded exchanges.

use chrono::{DateTime, NaiveDateTime};
use rampart_core::ports::{AuditCursor, AuditQuery, Interval, TermCount, TermField};
use rampart_domain::audit::AuditEvent;
use serde_json::{json, Map, Value};

/// `<prefix>*` may match nothing (a fresh cluster) or a closed index; both mean "no events".
pub(super) const LENIENT_INDICES: &[(&str, &str)] =
    &[("ignore_unavailable", "true"), ("allow_no_indices", "true")];

/// Longest error reason kept from a response: reasons can quote whole queries.
const MAX_REASON_CHARS: usize = 500;

fn field(name: &str, keyword_suffix: bool) -> String {
    if keyword_suffix {
        format!("{name}.keyword")
    } else {
        name.to_string()
    }
}

/// Range bounds as naive ISO text with 6 fraction digits, the seed's stored form. The `date`
/// field parses it as UTC (no zone), like the documents.
fn es_time(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// The bool filter for an [`AuditQuery`]. Filter context: no scoring, cacheable.
pub(super) fn query(q: &AuditQuery, kw: bool) -> Value {
    let mut filter = Vec::new();
    if q.from.is_some() || q.to.is_some() {
        let mut range = Map::new();
        if let Some(from) = &q.from {
            range.insert("gte".into(), es_time(from).into());
        }
        if let Some(to) = &q.to {
            range.insert("lt".into(), es_time(to).into());
        }
        filter.push(json!({ "range": { "timestamp": range } }));
    }
    let mut terms = |name: &str, values: &[String]| {
        if !values.is_empty() {
            filter.push(json!({ "terms": { field(name, kw): values } }));
        }
    };
    terms("event_type", &q.event_types);
    terms("result", &q.results);
    terms("severity", &q.severities);
    if let Some(user_id) = &q.user_id {
        filter.push(json!({ "term": { field("user_id", kw): user_id } }));
    }
    if let Some(ip) = &q.ip_address {
        filter.push(json!({ "term": { field("ip_address", kw): ip } }));
    }
    if let Some(text) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        // Word match on the analysed text fields (the embedded index matches substrings;
        // AuditQuery leaves text matching to the backend). `lenient` because dynamic mapping
        // makes some `details.*` fields numbers or dates.
        filter.push(json!({
            "simple_query_string": {
                "query": text,
                "fields": ["action", "resource", "details.*"],
                "default_operator": "and",
                "lenient": true
            }
        }));
    }
    if filter.is_empty() {
        json!({ "match_all": {} })
    } else {
        json!({ "bool": { "filter": filter } })
    }
}

/// `_search` body for one page. One hit more than `size` is asked for, to know whether a next
/// page exists. Ties on the millisecond are broken by the id, as the port orders.
pub(super) fn search_body(
    q: &AuditQuery,
    size: usize,
    after: Option<&AuditCursor>,
    kw: bool,
    total_hits_cap: u64,
) -> Value {
    let mut body = json!({
        "query": query(q, kw),
        "size": if size == 0 { 0 } else { size + 1 },
        "sort": [
            // unmapped_type: an index of the pattern that has no events yet has no mapping
            // for these fields; without it the whole search fails.
            { "timestamp": { "order": "desc", "unmapped_type": "date" } },
            { field("event_id", kw): { "order": "desc", "unmapped_type": "keyword" } }
        ],
        "track_total_hits": total_hits_cap
    });
    if let Some(c) = after {
        body["search_after"] = json!([c.timestamp.and_utc().timestamp_millis(), c.event_id]);
    }
    body
}

pub(super) fn histogram_body(q: &AuditQuery, interval: Interval, kw: bool) -> Value {
    let mut hist = json!({
        "field": "timestamp",
        "calendar_interval": match interval {
            Interval::Hour => "hour",
            Interval::Day => "day",
            Interval::Week => "week",
            Interval::Month => "month",
        },
        "min_doc_count": 0
    });
    // Empty buckets across the whole asked range, not only between the first and last event.
    // Bounds in epoch ms; `max` is the last millisecond before the exclusive `to`.
    let mut bounds = Map::new();
    if let Some(from) = &q.from {
        bounds.insert("min".into(), from.and_utc().timestamp_millis().into());
    }
    if let Some(to) = &q.to {
        let t = to.and_utc();
        let ceil_ms = t.timestamp_millis() + i64::from(t.timestamp_subsec_micros() % 1000 != 0);
        bounds.insert("max".into(), (ceil_ms - 1).into());
    }
    if !bounds.is_empty() {
        hist["extended_bounds"] = Value::Object(bounds);
    }
    json!({
        "size": 0,
        "track_total_hits": false,
        "query": query(q, kw),
        "aggs": { "per_interval": { "date_histogram": hist } }
    })
}

pub(super) fn terms_body(q: &AuditQuery, f: TermField, size: usize, kw: bool) -> Value {
    json!({
        "size": 0,
        "track_total_hits": false,
        "query": query(q, kw),
        "aggs": {
            "top_terms": {
                "terms": {
                    "field": field(f.name(), kw),
                    "size": size,
                    // Elasticsearch's default, stated so both backends break ties alike.
                    "order": [{ "_count": "desc" }, { "_key": "asc" }]
                }
            }
        }
    })
}

/// `_bulk` NDJSON: an action line and the seed's document per event, newline-terminated
/// (Elasticsearch requires the final newline).
pub(super) fn bulk_body(prefix: &str, events: &[&AuditEvent]) -> String {
    let mut out = String::with_capacity(events.len() * 512);
    for e in events {
        let action = json!({
            "index": {
                "_index": format!("{prefix}{}", e.timestamp.format("%Y.%m")),
                "_id": e.event_id
            }
        });
        out.push_str(&action.to_string());
        out.push('\n');
        // serde_json keeps the seed's key order (preserve_order) and writes UTF-8 as is, as
        // the Python client's serializer does (`ensure_ascii=False`).
        out.push_str(&e.to_value().to_string());
        out.push('\n');
    }
    out
}

pub(super) struct BulkItem {
    pub id: String,
    pub error: Option<String>,
}

pub(super) fn parse_bulk(v: &Value, expected: usize) -> Result<Vec<BulkItem>, String> {
    let items = v
        .get("items")
        .and_then(Value::as_array)
        .ok_or("bulk answer has no `items`")?;
    if items.len() != expected {
        return Err(format!(
            "bulk answer has {} items for {expected} events",
            items.len()
        ));
    }
    items
        .iter()
        .map(|item| {
            // Each item is `{"<action>": {...}}`; the action is `index` here.
            let inner = item
                .as_object()
                .and_then(|o| o.values().next())
                .ok_or("bulk item is not an object")?;
            let id = inner
                .get("_id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let status = inner.get("status").and_then(Value::as_u64).unwrap_or(0);
            let error = match inner.get("error") {
                Some(e) => Some(EsError::from_error(e).describe()),
                None if !(200..300).contains(&status) => Some(format!("HTTP status {status}")),
                None => None,
            };
            Ok(BulkItem { id, error })
        })
        .collect()
}

pub(super) struct SearchResult {
    pub events: Vec<AuditEvent>,
    pub total: u64,
    pub next: Option<AuditCursor>,
    /// (id, reason) for hits whose `_source` is not a readable audit event.
    pub unreadable: Vec<(String, String)>,
}

pub(super) fn parse_search(v: &Value, size: usize) -> Result<SearchResult, String> {
    let hits = v
        .pointer("/hits/hits")
        .and_then(Value::as_array)
        .ok_or("no `hits.hits`")?;
    let total = match v.pointer("/hits/total") {
        Some(Value::Object(t)) => t.get("value").and_then(Value::as_u64),
        // Pre-7 form, or `rest_total_hits_as_int`.
        Some(n) => n.as_u64(),
        None => None,
    }
    .ok_or("no `hits.total`")?;
    let mut events = Vec::with_capacity(size.min(hits.len()));
    let mut unreadable = Vec::new();
    for hit in hits.iter().take(size) {
        let id = hit
            .get("_id")
            .and_then(Value::as_str)
            .unwrap_or("<no _id>")
            .to_string();
        match hit.get("_source").map(AuditEvent::from_value) {
            Some(Ok(e)) => events.push(e),
            Some(Err(e)) => unreadable.push((id, e.to_string())),
            None => unreadable.push((id, "the hit has no _source".into())),
        }
    }
    let next = if size > 0 && hits.len() > size {
        let last = &hits[size - 1];
        let sort = last
            .get("sort")
            .and_then(Value::as_array)
            .ok_or("a hit has no `sort`")?;
        let ms = sort
            .first()
            .and_then(Value::as_i64)
            .ok_or("sort[0] is not epoch ms")?;
        let id = sort
            .get(1)
            .and_then(Value::as_str)
            .ok_or("sort[1] is not an id")?;
        match DateTime::from_timestamp_millis(ms) {
            Some(t) => Some(AuditCursor {
                timestamp: t.naive_utc(),
                event_id: id.to_string(),
            }),
            None => {
                // A document without a timestamp sorts last with Long.MIN_VALUE; paging
                // cannot continue past it, and only such documents could remain.
                unreadable.push((
                    id.to_string(),
                    "no usable timestamp; paging stops here".into(),
                ));
                None
            }
        }
    } else {
        None
    };
    Ok(SearchResult {
        events,
        total,
        next,
        unreadable,
    })
}

pub(super) fn parse_histogram(v: &Value) -> Result<Vec<(NaiveDateTime, u64)>, String> {
    // No matching index at all: no shards ran, and no aggregation comes back.
    let Some(agg) = v.pointer("/aggregations/per_interval") else {
        return Ok(Vec::new());
    };
    let buckets = agg
        .get("buckets")
        .and_then(Value::as_array)
        .ok_or("no `buckets`")?;
    buckets
        .iter()
        .map(|b| {
            let start = match b.get("key").and_then(Value::as_i64) {
                Some(ms) => DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc()),
                None => b
                    .get("key_as_string")
                    .and_then(Value::as_str)
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|t| t.naive_utc()),
            }
            .ok_or("a bucket has no usable `key`")?;
            let count = b
                .get("doc_count")
                .and_then(Value::as_u64)
                .ok_or("no `doc_count`")?;
            Ok((start, count))
        })
        .collect()
}

pub(super) fn parse_terms(v: &Value) -> Result<Vec<TermCount>, String> {
    let Some(agg) = v.pointer("/aggregations/top_terms") else {
        return Ok(Vec::new());
    };
    let buckets = agg
        .get("buckets")
        .and_then(Value::as_array)
        .ok_or("no `buckets`")?;
    buckets
        .iter()
        .map(|b| {
            let key = match (b.get("key_as_string"), b.get("key")) {
                (Some(Value::String(s)), _) | (None, Some(Value::String(s))) => s.clone(),
                (_, Some(other)) => other.to_string(),
                _ => return Err("a bucket has no `key`".to_string()),
            };
            let count = b
                .get("doc_count")
                .and_then(Value::as_u64)
                .ok_or("no `doc_count`")?;
            Ok(TermCount { key, count })
        })
        .collect()
}

pub(super) fn parse_root(v: &Value) -> Result<super::EsCluster, String> {
    let version = v
        .pointer("/version/number")
        .and_then(Value::as_str)
        .ok_or("no version.number")?;
    Ok(super::EsCluster {
        cluster_name: v
            .get("cluster_name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .into(),
        version: version.into(),
        distribution: v
            .pointer("/version/distribution")
            .and_then(Value::as_str)
            .map(Into::into),
    })
}

/// An Elasticsearch error object: `{"type", "reason", "root_cause": [...], "caused_by"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct EsError {
    pub kind: String,
    pub reason: String,
    /// The most specific cause when it differs from the top level: `search_phase_execution_
    /// exception` only says "all shards failed"; the root cause says why.
    pub cause: Option<(String, String)>,
}

impl EsError {
    /// From a whole error response `{"error": {...}, "status": N}`.
    pub fn from_body(v: &Value) -> Option<Self> {
        v.get("error").map(Self::from_error)
    }

    pub fn from_error(e: &Value) -> Self {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(sanitize);
        match e {
            Value::String(s) => Self {
                kind: "error".into(),
                reason: sanitize(s),
                cause: None,
            },
            _ => {
                let kind = text(e, "type").unwrap_or_else(|| "error".into());
                let reason = text(e, "reason").unwrap_or_default();
                let root = e
                    .get("root_cause")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .or_else(|| e.get("caused_by"));
                let cause = root
                    .map(|r| {
                        (
                            text(r, "type").unwrap_or_default(),
                            text(r, "reason").unwrap_or_default(),
                        )
                    })
                    .filter(|(k, r)| (k, r) != (&kind, &reason));
                Self {
                    kind,
                    reason,
                    cause,
                }
            }
        }
    }

    pub fn describe(&self) -> String {
        match &self.cause {
            Some((k, r)) => format!("{}: {} (caused by {k}: {r})", self.kind, self.reason),
            None => format!("{}: {}", self.kind, self.reason),
        }
    }
}

/// Reasons may quote a document's value ("Preview of field's value: '...'"); audit details can
/// hold personal data, and store errors promise not to echo stored values. Cut there, and
/// bound the length.
fn sanitize(reason: &str) -> String {
    let cut = reason
        .find("Preview of field's value")
        .map(|i| &reason[..i])
        .unwrap_or(reason);
    let cut = cut.trim_end().trim_end_matches('.');
    if cut.chars().count() > MAX_REASON_CHARS {
        let mut s: String = cut.chars().take(MAX_REASON_CHARS).collect();
        s.push('…');
        s
    } else {
        cut.to_string()
    }
}
