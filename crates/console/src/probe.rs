//! "Test connection": for each store of a profile, whether it answers, how fast, which server
//! version, which account, and whether that account may write.

use std::sync::Arc;

use rampart_core::error::IpcError;
use rampart_core::ports::{AuditIndex, KeySpace, RecordSource, ServerInfo, StoreError};
use rampart_core::CoreError;
use rampart_store::elastic::{EsAuditIndex, EsOptions};
use rampart_store::embedded::audit::EmbeddedAuditIndex;
use rampart_store::embedded::demo_records::records_path;
use rampart_store::embedded::keyspace::EmbeddedKeySpace;
use rampart_store::embedded::EmbeddedStore;
use rampart_store::redis::{RedisKeySpace, RedisOptions};
use rampart_store::sql::{SqlOptions, SqlRecordSource};
use serde::Serialize;
use ts_rs::TS;

use crate::connect::{redis_url, TIMEOUT};
use crate::paths::default_embedded_path;
use crate::profile::{EsAuth, Profile, ProfileSecrets};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StorePort {
    Keyspace,
    AuditIndex,
    Records,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProbeResult {
    pub port: StorePort,
    /// `redis`, `sqlite`, `elasticsearch`, `postgres`, `mysql`.
    pub backend: String,
    /// Where, without credentials.
    pub target: String,
    pub ok: bool,
    #[ts(type = "number | null")]
    pub latency_ms: Option<u64>,
    pub server_version: Option<String>,
    pub account: Option<String>,
    pub may_read: Option<bool>,
    pub may_write: Option<bool>,
    pub notes: Vec<String>,
    pub error: Option<IpcError>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConnectionReport {
    pub profile: String,
    pub results: Vec<ProbeResult>,
}

fn result(port: StorePort, backend: &str, target: String) -> ProbeResult {
    ProbeResult {
        port,
        backend: backend.into(),
        target,
        ok: false,
        latency_ms: None,
        server_version: None,
        account: None,
        may_read: None,
        may_write: None,
        notes: Vec::new(),
        error: None,
    }
}

fn failed(mut r: ProbeResult, e: impl Into<CoreError>) -> ProbeResult {
    r.error = Some(IpcError::from_core(&e.into(), None));
    r
}

fn answered(mut r: ProbeResult, info: ServerInfo) -> ProbeResult {
    r.ok = true;
    r.may_read = Some(true);
    r.latency_ms = Some(info.latency_ms);
    r.server_version = Some(info.version);
    r.account = info.account;
    r
}

async fn keyspace_probe(mut r: ProbeResult, ks: Arc<dyn KeySpace>, read_only: bool) -> ProbeResult {
    match ks.ping().await {
        Ok(info) => r = answered(r, info),
        Err(e) => return failed(r, e),
    }
    match ks.write_rights().await {
        Ok(w) => r.may_write = w,
        Err(e) => r.notes.push(format!("write rights unknown: {e}")),
    }
    match (read_only, r.may_write) {
        (true, _) => r
            .notes
            .push("the profile is read-only: Rampart refuses every write and audits the refusal".into()),
        (false, Some(false)) => r.notes.push(
            "this account may not write the service's keys: changes will fail; make the profile read-only or use an account with write rights".into(),
        ),
        _ => {}
    }
    r
}

/// Probe every store the profile uses. Never fails as a whole: each store reports its own
/// error, so one unreachable server does not hide the others.
pub async fn probe(name: &str, p: &Profile, secrets: ProfileSecrets) -> ConnectionReport {
    let mut results = Vec::new();
    let embedded_path = p.embedded.clone().unwrap_or_else(default_embedded_path);
    let mut embedded: Option<EmbeddedStore> = None;
    let clock: Arc<dyn rampart_core::ports::Clock> = Arc::new(rampart_core::ports::SystemClock);

    if p.redis.is_none() || p.es.is_none() {
        match EmbeddedStore::open(&embedded_path).await {
            Ok(s) => embedded = Some(s),
            Err(e) => {
                let target = embedded_path.display().to_string();
                results.push(failed(result(StorePort::Keyspace, "sqlite", target), e));
            }
        }
    }

    match &p.redis {
        Some(rt) => {
            let url = redis_url(&rt.url, rt.tls, rt.db);
            let r = result(StorePort::Keyspace, "redis", url.clone());
            let opts = RedisOptions {
                url,
                username: rt.username.clone(),
                password: secrets.redis,
                db: None,
                read_only: p.read_only,
                timeout: TIMEOUT,
                tls_insecure: false,
            };
            results.push(match RedisKeySpace::connect(opts).await {
                Ok(ks) => keyspace_probe(r, Arc::new(ks), p.read_only).await,
                Err(e) => failed(r, e),
            });
        }
        None => {
            if let Some(s) = &embedded {
                let ks = Arc::new(EmbeddedKeySpace::new(s.clone(), clock.clone(), p.read_only));
                let r = result(
                    StorePort::Keyspace,
                    "sqlite",
                    s.path().display().to_string(),
                );
                results.push(keyspace_probe(r, ks, p.read_only).await);
            }
        }
    }

    let index: Option<(ProbeResult, IndexOrError)> = match &p.es {
        Some(e) => {
            let (password, api_key) = match e.auth {
                EsAuth::None => (None, None),
                EsAuth::Basic => (secrets.es, None),
                EsAuth::ApiKey => (None, secrets.es),
            };
            let opts = EsOptions {
                username: e.username.clone(),
                password,
                api_key,
                read_only: p.read_only,
                timeout: TIMEOUT,
                ..EsOptions::new(e.url.clone())
            };
            Some((
                result(StorePort::AuditIndex, "elasticsearch", e.url.clone()),
                EsAuditIndex::new(opts).map(|i| Arc::new(i) as Arc<dyn AuditIndex>),
            ))
        }
        None => embedded.as_ref().map(|s| {
            (
                result(
                    StorePort::AuditIndex,
                    "sqlite",
                    s.path().display().to_string(),
                ),
                Ok(Arc::new(EmbeddedAuditIndex::new(s.clone(), p.read_only))
                    as Arc<dyn AuditIndex>),
            )
        }),
    };
    if let Some((r, idx)) = index {
        results.push(match idx {
            Ok(i) => match i.ping().await {
                Ok(info) => {
                    let mut r = answered(r, info);
                    r.notes.push(
                        "write rights to the audit indices are checked on the first write".into(),
                    );
                    r
                }
                Err(e) => failed(r, e),
            },
            Err(e) => failed(r, e),
        });
    }

    let records: Option<(ProbeResult, SqlOptions)> = match &p.sql {
        Some(s) => Some((
            result(StorePort::Records, sql_kind(&s.url), s.url.clone()),
            SqlOptions {
                url: s.url.clone(),
                password: secrets.sql,
                read_only: p.read_only,
                timeout: TIMEOUT,
            },
        )),
        None => embedded
            .as_ref()
            .map(|s| records_path(s.path()))
            .filter(|rp| rp.exists())
            .map(|rp| {
                (
                    result(StorePort::Records, "sqlite", rp.display().to_string()),
                    SqlOptions {
                        url: format!("sqlite://{}", rp.display()),
                        password: None,
                        read_only: p.read_only,
                        timeout: TIMEOUT,
                    },
                )
            }),
    };
    if let Some((r, opts)) = records {
        results.push(match SqlRecordSource::connect(opts).await {
            Ok(src) => match (&src as &dyn RecordSource).ping().await {
                Ok(info) => answered(r, info),
                Err(e) => failed(r, e),
            },
            Err(e) => failed(r, e),
        });
    }

    ConnectionReport {
        profile: name.into(),
        results,
    }
}

/// The audit index adapter, or why it could not be built.
type IndexOrError = Result<Arc<dyn AuditIndex>, StoreError>;

fn sql_kind(url: &str) -> &'static str {
    match url.split("://").next().unwrap_or("") {
        "postgres" | "postgresql" => "postgres",
        "mysql" | "mariadb" => "mysql",
        _ => "sqlite",
    }
}
