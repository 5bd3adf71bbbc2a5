//! [`AuditIndex`] over Elasticsearch's REST API: the service's `audit_logs-YYYY.MM` indices
//! (CONTRACT §6.3; the seed's `AuditService._store_event_elasticsearch` and its queries).
//!
//! Wire format choices, each checked by the recorded exchanges in `tests/fixtures/es/`:
//! - Indexing uses `_bulk` with the seed's document unchanged (`asdict(event)`: the 11 keys in
//!   order, `timestamp` as naive ISO text) under `_id = event_id`, so a document Rampart writes
//!   is indistinguishable from one the service writes.
//! - Exact-match filters, sorting and `terms` aggregations go to `<field>.keyword` by default.
//!   The seed never creates a mapping, so its indices get Elasticsearch's dynamic mapping:
//!   every string becomes a `text` field with a `keyword` sub-field. The seed's own `term`
//!   queries on `user_id`/`event_type` hit the analysed `text` field and silently miss values
//!   with upper case or punctuation (an IPv6 address, `audit_1795..._-38...`), and sorting or
//!   aggregating a `text` field is an error. A deployment that installed an explicit mapping
//!   with `keyword` fields has no `.keyword` sub-field; it sets
//!   [`EsOptions::keyword_suffix`] to `false`. (Dynamic `.keyword` sub-fields skip values over
//!   256 characters; the seed's ids, users and IPs are far shorter.)
//! - `timestamp` is a `date` (dynamic date detection accepts the naive ISO form and reads it as
//!   UTC). Elasticsearch keeps milliseconds, so ordering, `search_after` cursors and range
//!   bounds are millisecond-precise here while the stored `_source` keeps the microseconds.
//! - Searches name `<prefix>*` with `ignore_unavailable` and `allow_no_indices`, so a cluster
//!   with no audit index yet answers "no events" rather than an error.

mod body;
#[cfg(test)]
mod wire_tests;

use async_trait::async_trait;
use rampart_core::ports::{
    AuditCursor, AuditIndex, AuditPage, AuditQuery, BackendInfo, Bucket, IndexReport, Interval,
    ServerInfo, StoreError, StoreResult, TermCount, TermField, DEFAULT_TIMEOUT,
};
use rampart_domain::audit::AuditEvent;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::fmt;
use std::time::{Duration, Instant};

/// Most events one [`AuditIndex::index`] call sends (the port's limit).
pub const MAX_INDEX_BATCH: usize = 10_000;
/// Most events one search page returns.
pub const MAX_PAGE_EVENTS: usize = 1_000;
/// Most `terms` buckets returned.
pub const MAX_TERMS: usize = 1_000;
/// Elasticsearch's default `http.max_content_length` (100 MB): a larger `_bulk` body would be
/// refused by the server after being sent in full.
const MAX_BULK_BYTES: usize = 100 * 1024 * 1024;
/// Largest response body read. A page of 1,000 events at the seed's 256 KiB event limit would
/// be 256 MB; real events are well under 4 KiB, so 64 MiB leaves room without letting a
/// misbehaving proxy exhaust memory.
const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// Elasticsearch refuses `_id`s longer than this many bytes.
const MAX_ID_BYTES: usize = 512;

/// How to reach the service's Elasticsearch.
#[derive(Clone)]
pub struct EsOptions {
    /// `https://es.internal:9200` (a path prefix behind a proxy is kept). No credentials in it.
    pub url: String,
    /// Basic authentication, with `password`.
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// The `encoded` value Elasticsearch returns when an API key is created (base64 of
    /// `id:api_key`), sent as `Authorization: ApiKey <encoded>`. Takes precedence over basic.
    pub api_key: Option<SecretString>,
    /// Refuse [`AuditIndex::index`] before anything is sent.
    pub read_only: bool,
    /// Bound for each request, connecting included.
    pub timeout: Duration,
    /// Index name prefix; events go to `<prefix>YYYY.MM`, searches read `<prefix>*`. The
    /// seed's is `audit_logs-`.
    pub index_prefix: String,
    /// Query `<field>.keyword` (dynamic mapping, the seed's case) rather than `<field>`
    /// (an explicit keyword mapping). See the module docs.
    pub keyword_suffix: bool,
    /// `refresh=wait_for` on `_bulk`: the call returns once the events are searchable, so an
    /// operator sees the audit entry of the action they just took. Costs up to one refresh
    /// interval (1 s by default) per call; bulk loaders may turn it off.
    pub refresh_on_index: bool,
    /// `track_total_hits` for searches: totals are exact up to this many, a lower bound above.
    pub total_hits_cap: u64,
    /// Extra trusted root in PEM, for clusters with their own CA (Elasticsearch 8 generates
    /// one at install time).
    pub ca_cert_pem: Option<String>,
}

impl EsOptions {
    /// The seed's defaults: `audit_logs-`, dynamic mapping; read-only, as profiles start.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            username: None,
            password: None,
            api_key: None,
            read_only: true,
            timeout: DEFAULT_TIMEOUT,
            index_prefix: "audit_logs-".into(),
            keyword_suffix: true,
            refresh_on_index: true,
            total_hits_cap: 10_000,
            ca_cert_pem: None,
        }
    }
}

impl fmt::Debug for EsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EsOptions")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("read_only", &self.read_only)
            .field("timeout", &self.timeout)
            .field("index_prefix", &self.index_prefix)
            .field("keyword_suffix", &self.keyword_suffix)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
enum Auth {
    None,
    Basic {
        username: String,
        password: Option<SecretString>,
    },
    ApiKey(SecretString),
}

/// What `GET /` says about the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsCluster {
    pub cluster_name: String,
    pub version: String,
    /// `opensearch` for OpenSearch; absent on Elasticsearch.
    pub distribution: Option<String>,
}

/// The service's audit indices in Elasticsearch.
#[derive(Clone)]
pub struct EsAuditIndex {
    http: reqwest::Client,
    /// Base URL without a trailing slash.
    base: String,
    /// `Elasticsearch at host:port`: names the store in every error.
    store: String,
    auth: Auth,
    read_only: bool,
    index_prefix: String,
    keyword_suffix: bool,
    refresh_on_index: bool,
    total_hits_cap: u64,
}

impl fmt::Debug for EsAuditIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EsAuditIndex")
            .field("base", &self.base)
            .field("read_only", &self.read_only)
            .field("index_prefix", &self.index_prefix)
            .finish_non_exhaustive()
    }
}

/// A request body.
enum Payload {
    Json(Value),
    Ndjson(String),
}

impl EsAuditIndex {
    /// Build the client. No request is sent; call [`AuditIndex::ping`] to check the cluster
    /// and the credentials.
    pub fn new(opts: EsOptions) -> Result<Self, StoreError> {
        let url = url::Url::parse(&opts.url).map_err(|e| StoreError::Unreachable {
            store: "Elasticsearch".into(),
            reason: format!("invalid URL: {e}"),
        })?;
        let store = format!(
            "Elasticsearch at {}:{}",
            url.host_str().unwrap_or("localhost"),
            url.port_or_known_default().unwrap_or(9200)
        );
        if !url.username().is_empty() || url.password().is_some() {
            return Err(StoreError::AuthFailed {
                store,
                reason: "the URL carries credentials; pass them separately so they are not \
                         stored or shown with the URL"
                    .into(),
            });
        }
        validate_prefix(&store, &opts.index_prefix)?;
        let mut builder = reqwest::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.timeout)
            .user_agent(concat!("rampart/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &opts.ca_cert_pem {
            let cert =
                reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| StoreError::Tls {
                    store: store.clone(),
                    reason: e.to_string(),
                })?;
            builder = builder.add_root_certificate(cert);
        }
        let http = builder.build().map_err(|e| StoreError::Tls {
            store: store.clone(),
            reason: e.to_string(),
        })?;
        let auth = match (opts.api_key, opts.username) {
            (Some(key), _) => Auth::ApiKey(key),
            (None, Some(username)) => Auth::Basic {
                username,
                password: opts.password,
            },
            (None, None) => Auth::None,
        };
        Ok(Self {
            http,
            base: opts.url.trim_end_matches('/').to_string(),
            store,
            auth,
            read_only: opts.read_only,
            index_prefix: opts.index_prefix,
            keyword_suffix: opts.keyword_suffix,
            refresh_on_index: opts.refresh_on_index,
            total_hits_cap: opts.total_hits_cap,
        })
    }

    /// `GET /`: cluster name and version.
    pub async fn cluster(&self) -> StoreResult<EsCluster> {
        let v = self
            .send(Method::GET, "/", &[], None, "read cluster info")
            .await?;
        body::parse_root(&v).map_err(|r| self.protocol(r))
    }

    fn pattern(&self) -> String {
        format!("{}*", self.index_prefix)
    }

    fn protocol(&self, reason: String) -> StoreError {
        StoreError::Protocol {
            store: self.store.clone(),
            reason,
        }
    }

    /// One request. Non-2xx answers become typed errors from Elasticsearch's error body.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        payload: Option<Payload>,
        op: &str,
    ) -> StoreResult<Value> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if !query.is_empty() {
            req = req.query(query);
        }
        req = match &self.auth {
            Auth::None => req,
            Auth::Basic { username, password } => {
                req.basic_auth(username, password.as_ref().map(|p| p.expose_secret()))
            }
            Auth::ApiKey(key) => {
                let mut value = HeaderValue::from_str(&format!("ApiKey {}", key.expose_secret()))
                    .map_err(|_| StoreError::AuthFailed {
                    store: self.store.clone(),
                    reason: "the API key contains characters not allowed in a header".into(),
                })?;
                // Keeps the key out of reqwest's and hyper's debug output.
                value.set_sensitive(true);
                req.header(AUTHORIZATION, value)
            }
        };
        req = match payload {
            None => req,
            Some(Payload::Json(v)) => req
                .header(CONTENT_TYPE, "application/json")
                .body(v.to_string()),
            Some(Payload::Ndjson(s)) => req.header(CONTENT_TYPE, "application/x-ndjson").body(s),
        };
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        let bytes = self.read_capped(resp).await?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| {
                self.protocol(format!(
                    "HTTP {} with a body that is not JSON: {e}",
                    status.as_u16()
                ))
            });
        }
        Err(self.http_error(status, &bytes, op))
    }

    async fn read_capped(&self, mut resp: reqwest::Response) -> StoreResult<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.transport(e))? {
            if out.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(StoreError::TooLarge {
                    what: format!("the answer of {}", self.store),
                    size: out.len() + chunk.len(),
                    limit: MAX_RESPONSE_BYTES,
                });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// Transport failures. reqwest's own message is terse ("error sending request"); the cause
    /// chain says "Connection refused" or names the certificate problem. The URL is dropped:
    /// the store name already says where.
    fn transport(&self, e: reqwest::Error) -> StoreError {
        let is_connect = e.is_connect();
        let is_timeout = e.is_timeout();
        let e = e.without_url();
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            let text = s.to_string();
            if !reason.contains(&text) {
                reason.push_str(": ");
                reason.push_str(&text);
            }
            source = s.source();
        }
        let store = self.store.clone();
        let lower = reason.to_ascii_lowercase();
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            StoreError::Tls { store, reason }
        } else if is_timeout {
            StoreError::Unreachable {
                store,
                reason: format!("no answer in time ({reason})"),
            }
        } else if is_connect {
            StoreError::Unreachable { store, reason }
        } else {
            StoreError::Protocol { store, reason }
        }
    }

    fn http_error(&self, status: StatusCode, bytes: &[u8], op: &str) -> StoreError {
        let store = self.store.clone();
        let parsed: Option<Value> = serde_json::from_slice(bytes).ok();
        let Some(err) = parsed.as_ref().and_then(body::EsError::from_body) else {
            return match status {
                StatusCode::UNAUTHORIZED => StoreError::AuthFailed {
                    store,
                    reason: "HTTP 401 without an error body".into(),
                },
                StatusCode::FORBIDDEN => StoreError::PermissionDenied {
                    store,
                    op: op.into(),
                },
                _ => StoreError::Protocol {
                    store,
                    reason: format!(
                        "HTTP {} without an Elasticsearch error body",
                        status.as_u16()
                    ),
                },
            };
        };
        match status {
            StatusCode::UNAUTHORIZED => StoreError::AuthFailed {
                store,
                reason: err.reason,
            },
            StatusCode::FORBIDDEN => StoreError::PermissionDenied {
                store,
                op: op.into(),
            },
            StatusCode::NOT_FOUND if err.kind == "index_not_found_exception" => {
                StoreError::NotFound(format!("{} ({})", err.reason, self.store))
            }
            _ => StoreError::Backend {
                store,
                reason: err.describe(),
            },
        }
    }
}

/// Index names are lower case and may not contain `\ / * ? " < > | , # :` or spaces, nor
/// start with `-`, `_` or `+` (Elasticsearch's rules). Checking here also keeps the prefix
/// from adding path segments or query strings to request URLs.
fn validate_prefix(store: &str, prefix: &str) -> StoreResult<()> {
    let ok_chars = prefix
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
    let ok_start = !prefix.starts_with(['-', '_', '+', '.']);
    if prefix.is_empty() || !ok_chars || !ok_start || prefix.len() > 200 {
        return Err(StoreError::Backend {
            store: store.into(),
            reason: format!(
                "index prefix {prefix:?} is not a valid Elasticsearch index name start \
                 (lower-case letters, digits, '-', '_', '.')"
            ),
        });
    }
    Ok(())
}

#[async_trait]
impl AuditIndex for EsAuditIndex {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: "elasticsearch".into(),
            location: self.base.clone(),
            read_only: self.read_only,
        }
    }

    async fn ping(&self) -> StoreResult<ServerInfo> {
        let started = Instant::now();
        let cluster = self.cluster().await?;
        Ok(ServerInfo {
            kind: "elasticsearch".into(),
            version: cluster.version,
            latency_ms: started.elapsed().as_millis() as u64,
            account: None,
        })
    }

    async fn index(&self, events: &[AuditEvent]) -> StoreResult<IndexReport> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                store: self.store.clone(),
                op: "index audit events".into(),
            });
        }
        if events.len() > MAX_INDEX_BATCH {
            return Err(StoreError::BatchTooLarge {
                len: events.len(),
                limit: MAX_INDEX_BATCH,
            });
        }
        let mut report = IndexReport::default();
        // Elasticsearch validates ids for the whole request before indexing anything: one
        // empty `_id` would fail every event in the batch. Refuse those here, per event.
        let mut sendable = Vec::with_capacity(events.len());
        for e in events {
            match check_id(&e.event_id) {
                Ok(()) => sendable.push(e),
                Err(reason) => report.failed.push((e.event_id.clone(), reason)),
            }
        }
        if sendable.is_empty() {
            return Ok(report);
        }
        let ndjson = body::bulk_body(&self.index_prefix, &sendable);
        if ndjson.len() > MAX_BULK_BYTES {
            return Err(StoreError::TooLarge {
                what: "the bulk request".into(),
                size: ndjson.len(),
                limit: MAX_BULK_BYTES,
            });
        }
        let query: &[(&str, &str)] = if self.refresh_on_index {
            &[("refresh", "wait_for")]
        } else {
            &[]
        };
        let v = self
            .send(
                Method::POST,
                "/_bulk",
                query,
                Some(Payload::Ndjson(ndjson)),
                "index audit events",
            )
            .await?;
        let items = body::parse_bulk(&v, sendable.len()).map_err(|r| self.protocol(r))?;
        for item in items {
            match item.error {
                None => report.indexed += 1,
                Some(reason) => report.failed.push((item.id, reason)),
            }
        }
        Ok(report)
    }

    async fn search(
        &self,
        query: &AuditQuery,
        size: usize,
        after: Option<&AuditCursor>,
    ) -> StoreResult<AuditPage> {
        let size = size.min(MAX_PAGE_EVENTS);
        let request =
            body::search_body(query, size, after, self.keyword_suffix, self.total_hits_cap);
        let path = format!("/{}/_search", self.pattern());
        let v = self
            .send(
                Method::POST,
                &path,
                body::LENIENT_INDICES,
                Some(Payload::Json(request)),
                "search",
            )
            .await?;
        let parsed = body::parse_search(&v, size).map_err(|r| self.protocol(r))?;
        for (id, reason) in &parsed.unreadable {
            // A malformed document must not hide the rest of the page; it is named in the log
            // so an operator can fetch it by id.
            tracing::warn!(store = %self.store, event_id = %id, %reason, "skipped an unreadable audit document");
        }
        Ok(AuditPage {
            events: parsed.events,
            total: parsed.total,
            next: parsed.next,
            unreadable: parsed.unreadable,
        })
    }

    async fn count(&self, query: &AuditQuery) -> StoreResult<u64> {
        let request = serde_json::json!({ "query": body::query(query, self.keyword_suffix) });
        let path = format!("/{}/_count", self.pattern());
        let v = self
            .send(
                Method::POST,
                &path,
                body::LENIENT_INDICES,
                Some(Payload::Json(request)),
                "count",
            )
            .await?;
        v.get("count")
            .and_then(Value::as_u64)
            .ok_or_else(|| self.protocol("no `count`".into()))
    }

    async fn histogram(&self, query: &AuditQuery, interval: Interval) -> StoreResult<Vec<Bucket>> {
        let request = body::histogram_body(query, interval, self.keyword_suffix);
        let path = format!("/{}/_search", self.pattern());
        let v = self
            .send(
                Method::POST,
                &path,
                body::LENIENT_INDICES,
                Some(Payload::Json(request)),
                "histogram",
            )
            .await?;
        let found = body::parse_histogram(&v).map_err(|r| self.protocol(r))?;
        // Filling gaps here as well keeps the answer identical to the embedded index when the
        // cluster has no matching index at all (no aggregation comes back then).
        crate::embedded::audit::fill_buckets(found, interval, query.from, query.to)
    }

    async fn terms(
        &self,
        query: &AuditQuery,
        field: TermField,
        size: usize,
    ) -> StoreResult<Vec<TermCount>> {
        let size = size.min(MAX_TERMS);
        if size == 0 {
            // Elasticsearch refuses `size: 0` for terms; nothing was asked for.
            return Ok(Vec::new());
        }
        let request = body::terms_body(query, field, size, self.keyword_suffix);
        let path = format!("/{}/_search", self.pattern());
        let v = self
            .send(
                Method::POST,
                &path,
                body::LENIENT_INDICES,
                Some(Payload::Json(request)),
                "terms",
            )
            .await?;
        body::parse_terms(&v).map_err(|r| self.protocol(r))
    }
}

fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("Elasticsearch refuses an empty _id".into())
    } else if id.len() > MAX_ID_BYTES {
        Err(format!(
            "Elasticsearch refuses an _id longer than {MAX_ID_BYTES} bytes"
        ))
    } else {
        Ok(())
    }
}
