//! `status`: reachability, versions and counts per store.

use std::collections::BTreeMap;

use chrono::Duration;
use serde::Serialize;

use crate::audit::Trail;
use crate::ports::{
    AuditIndex, AuditQuery, BackendInfo, Clock, RecordSource, ServerInfo, StoreError,
};
use crate::seed::SeedStore;
use crate::ErrorCode;
use rampart_domain::trail::VerifyReport;

#[derive(Debug, Clone, Serialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl From<&StoreError> for ErrorBody {
    fn from(e: &StoreError) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// One store's state.
#[derive(Debug, Clone, Serialize)]
pub struct StoreStatus {
    /// `keyspace`, `audit_index` or `records`.
    pub port: String,
    pub backend: BackendInfo,
    pub reachable: bool,
    pub server: Option<ServerInfo>,
    pub error: Option<ErrorBody>,
    pub counts: BTreeMap<String, u64>,
}

impl StoreStatus {
    fn new(port: &str, backend: BackendInfo) -> Self {
        Self {
            port: port.into(),
            backend,
            reachable: false,
            server: None,
            error: None,
            counts: BTreeMap::new(),
        }
    }
    fn fail(mut self, e: &StoreError) -> Self {
        self.error = Some(e.into());
        self
    }
}

/// Key-space status: ping, DBSIZE, and keys per seed family (one SCAN pass).
pub async fn keyspace_status(seed: &SeedStore) -> StoreStatus {
    let ks = seed.keyspace();
    let mut st = StoreStatus::new("keyspace", ks.info());
    match ks.ping().await {
        Ok(info) => {
            st.reachable = true;
            st.server = Some(info);
        }
        Err(e) => return st.fail(&e),
    }
    match ks.dbsize().await {
        Ok(n) => {
            st.counts.insert("keys".into(), n);
        }
        Err(e) => return st.fail(&e),
    }
    match seed.family_counts().await {
        Ok(c) => {
            for (fam, n) in c {
                let name = serde_json::to_value(fam)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                st.counts.insert(name, n);
            }
        }
        Err(e) => return st.fail(&e),
    }
    st
}

/// Audit-index status: ping, total events and events in the last 24 h.
pub async fn audit_index_status(index: &dyn AuditIndex, clock: &dyn Clock) -> StoreStatus {
    let mut st = StoreStatus::new("audit_index", index.info());
    match index.ping().await {
        Ok(info) => {
            st.reachable = true;
            st.server = Some(info);
        }
        Err(e) => return st.fail(&e),
    }
    let now = clock.now();
    let day = AuditQuery {
        from: Some(now - Duration::hours(24)),
        ..Default::default()
    };
    for (name, q) in [("events", AuditQuery::default()), ("events_24h", day)] {
        match index.count(&q).await {
            Ok(n) => {
                st.counts.insert(name.into(), n);
            }
            Err(e) => return st.fail(&e),
        }
    }
    st
}

/// Record-source status: ping and the number of tables.
pub async fn records_status(src: &dyn RecordSource) -> StoreStatus {
    let mut st = StoreStatus::new("records", src.info());
    match src.ping().await {
        Ok(info) => {
            st.reachable = true;
            st.server = Some(info);
        }
        Err(e) => return st.fail(&e),
    }
    match src.tables().await {
        Ok(t) => {
            st.counts.insert("tables".into(), t.len() as u64);
        }
        Err(e) => return st.fail(&e),
    }
    st
}

/// The admin trail's verify status, for `status` and the Overview.
pub async fn trail_status(trail: &Trail) -> Result<VerifyReport, ErrorBody> {
    trail.verify().await.map_err(|e| (&e).into())
}
