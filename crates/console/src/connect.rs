//! Connecting a profile's stores: the one place adapters are chosen (the composition root).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::ports::{AuditIndex, Clock, KeySpace, RecordSource, SystemClock};
use rampart_core::seed::SeedStore;
use rampart_core::signin::{Authenticator, Operators};
use rampart_core::CoreError;
use rampart_store::elastic::{EsAuditIndex, EsOptions};
use rampart_store::embedded::audit::EmbeddedAuditIndex;
use rampart_store::embedded::demo_records::records_path;
use rampart_store::embedded::keyspace::EmbeddedKeySpace;
use rampart_store::embedded::EmbeddedStore;
use rampart_store::redis::{RedisKeySpace, RedisOptions};
use rampart_store::sql::{SqlOptions, SqlRecordSource};
use rand::SeedableRng;

use crate::paths::{default_embedded_path, local_trail_path};
use crate::profile::{EsAuth, Profile, ProfileSecrets};

/// How long a store may take to answer before the console says it is unreachable.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The connected stores of one profile.
pub struct Connected {
    pub profile: String,
    pub keyspace: Arc<dyn KeySpace>,
    /// Searchable events: Elasticsearch when configured, else the embedded file's table.
    pub index: Arc<dyn AuditIndex>,
    pub records: Option<Arc<dyn RecordSource>>,
    /// Where the admin trail lives: the key space itself when writable, else the local file
    /// (a read-only profile's refusals and sign-ins are still recorded).
    pub trail: Arc<dyn KeySpace>,
    /// The embedded file, when one is open (demo PII records go beside it).
    pub embedded: Option<EmbeddedStore>,
    pub clock: Arc<dyn Clock>,
    pub read_only: bool,
}

impl Connected {
    pub fn seed(&self) -> SeedStore {
        SeedStore::new(self.keyspace.clone())
    }

    pub fn trail(&self) -> Trail {
        Trail::new(self.trail.clone())
    }

    /// The audit writer of this connection: service events go to the service's stores unless
    /// the profile is read-only; the trail entry is always written.
    pub fn audit_writer(&self) -> AuditWriter {
        let (events, index) = if self.read_only {
            (None, None)
        } else {
            (Some(self.keyspace.clone()), Some(self.index.clone()))
        };
        AuditWriter::new(
            events,
            index,
            self.trail(),
            self.clock.clone(),
            Box::new(rand::rngs::StdRng::from_entropy()),
        )
    }

    /// The sign-in checker. Console roles live in the key space (`rampart:console:operators`);
    /// throttle counters go wherever the trail goes, which is always writable.
    pub fn authenticator(&self) -> Authenticator {
        Authenticator::new(
            self.seed(),
            Operators::new(self.keyspace.clone()),
            self.trail.clone(),
        )
    }

    pub fn operators(&self) -> Operators {
        Operators::new(self.keyspace.clone())
    }

    /// Whether this is an embedded store with no users yet: the desktop offers demo data.
    pub async fn is_empty_embedded(&self) -> Result<bool, CoreError> {
        if self.embedded.is_none() || self.keyspace.info().kind != "sqlite" {
            return Ok(false);
        }
        Ok(self.keyspace.dbsize().await? == 0)
    }
}

async fn open_embedded(path: &Path) -> Result<EmbeddedStore, CoreError> {
    Ok(EmbeddedStore::open(path).await?)
}

/// Redis URL with the profile's TLS and database choices applied.
pub fn redis_url(url: &str, tls: bool, db: Option<u32>) -> String {
    let mut u = url.to_string();
    if tls {
        if let Some(rest) = u.strip_prefix("redis://") {
            u = format!("rediss://{rest}");
        }
    }
    if let Some(db) = db {
        if let Ok(mut parsed) = url::Url::parse(&u) {
            parsed.set_path(&format!("/{db}"));
            u = parsed.to_string();
        }
    }
    u
}

/// Connect what the profile names. Secrets come from the caller (keychain or environment).
pub async fn connect(
    name: &str,
    p: &Profile,
    secrets: ProfileSecrets,
) -> Result<Connected, CoreError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let read_only = p.read_only;
    let mut embedded: Option<EmbeddedStore> = None;
    let embedded_path = p.embedded.clone().unwrap_or_else(default_embedded_path);

    let keyspace: Arc<dyn KeySpace> = match &p.redis {
        Some(r) => {
            let opts = RedisOptions {
                url: redis_url(&r.url, r.tls, r.db),
                username: r.username.clone(),
                password: secrets.redis,
                db: None,
                read_only,
                timeout: TIMEOUT,
                tls_insecure: false,
            };
            Arc::new(RedisKeySpace::connect(opts).await?)
        }
        None => {
            let store = open_embedded(&embedded_path).await?;
            embedded = Some(store.clone());
            Arc::new(EmbeddedKeySpace::new(store, clock.clone(), read_only))
        }
    };

    let index: Arc<dyn AuditIndex> = match &p.es {
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
                read_only,
                timeout: TIMEOUT,
                ..EsOptions::new(e.url.clone())
            };
            Arc::new(EsAuditIndex::new(opts)?)
        }
        None => {
            let store = match &embedded {
                Some(s) => s.clone(),
                None => {
                    let s = open_embedded(&embedded_path).await?;
                    embedded = Some(s.clone());
                    s
                }
            };
            Arc::new(EmbeddedAuditIndex::new(store, read_only))
        }
    };

    let records: Option<Arc<dyn RecordSource>> = match &p.sql {
        Some(s) => Some(Arc::new(
            SqlRecordSource::connect(SqlOptions {
                url: s.url.clone(),
                password: secrets.sql,
                read_only,
                timeout: TIMEOUT,
            })
            .await?,
        )),
        // With the embedded store, the demo's records file beside it stands in for the
        // service's SQL database (when it exists: `demo seed` creates it).
        None => match &embedded {
            Some(s) if records_path(s.path()).exists() => Some(Arc::new(
                SqlRecordSource::connect(SqlOptions {
                    url: format!("sqlite://{}", records_path(s.path()).display()),
                    password: None,
                    read_only,
                    timeout: TIMEOUT,
                })
                .await?,
            )),
            _ => None,
        },
    };

    let trail: Arc<dyn KeySpace> = if !read_only {
        keyspace.clone()
    } else {
        let local = open_embedded(&local_trail_path()).await?;
        Arc::new(EmbeddedKeySpace::new(local, clock.clone(), false))
    };

    Ok(Connected {
        profile: name.into(),
        keyspace,
        index,
        records,
        trail,
        embedded,
        clock,
        read_only,
    })
}

#[cfg(test)]
mod tests {
    use super::redis_url;

    #[test]
    fn tls_and_db_rewrite_the_url() {
        assert_eq!(redis_url("redis://h:6379", true, None), "rediss://h:6379");
        assert_eq!(
            redis_url("redis://h:6379/0", false, Some(3)),
            "redis://h:6379/3"
        );
        assert_eq!(redis_url("rediss://h:6380", false, None), "rediss://h:6380");
    }
}
