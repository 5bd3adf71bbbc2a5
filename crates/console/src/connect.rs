//! Connecting a profile's stores: the one place adapters are chosen (the composition root).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::ports::{AuditIndex, Clock, KeySpace, RecordSource, StoreError, SystemClock};
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

/// A read-write profile whose Redis account may not write is refused at connect, with the
/// remedy. Connecting anyway would fail later and worse: the first write would be refused, and
/// so would the audit entry recording that refusal and the sign-in's own audit (the trail of a
/// read-write profile is the service's Redis), so the operator would see a sign-in failure that
/// names neither cause. Checked with the probe's no-op write (`KeySpace::write_rights`).
async fn refuse_without_write_rights(
    profile: &str,
    ks: &dyn KeySpace,
    account: Option<&str>,
) -> Result<(), CoreError> {
    match ks.write_rights().await? {
        Some(false) => Err(CoreError::Store(StoreError::NoWriteRights {
            store: "Redis".into(),
            account: account.unwrap_or("default").into(),
            profile: profile.into(),
        })),
        _ => Ok(()),
    }
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
            let ks = RedisKeySpace::connect(opts).await?;
            if !read_only {
                refuse_without_write_rights(name, &ks, r.username.as_deref()).await?;
            }
            Arc::new(ks)
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
    use super::*;
    use crate::profile::RedisTarget;
    use rampart_core::ErrorCode;
    use secrecy::SecretString;

    fn redis_profile(url: &str, user: &str, read_only: bool, embedded: &Path) -> Profile {
        Profile {
            read_only,
            embedded: Some(embedded.to_path_buf()),
            redis: Some(RedisTarget {
                url: url.into(),
                username: Some(user.into()),
                db: None,
                tls: false,
                password_ref: None,
            }),
            es: None,
            sql: None,
        }
    }

    fn secrets(password: &str) -> ProfileSecrets {
        ProfileSecrets {
            redis: Some(SecretString::from(password.to_string())),
            es: None,
            sql: None,
        }
    }

    /// Issue 3, bad input: a Redis ACL without write rights on a read-write profile is refused
    /// at connect with a sentence naming the account, the profile and the remedy (and its own
    /// code, not the console role's `forbidden`); marked read-only, the same account connects.
    #[tokio::test]
    async fn a_read_write_profile_without_write_rights_is_refused_with_the_remedy() {
        let lease = rampart_testkit::redis().await;
        let reader = lease.acl_user(&["~*", "+@all", "-@write"]);
        let file = rampart_testkit::sqlite_file();
        let rw = redis_profile(&lease.url, &reader.name, false, &file.path);
        let err = match connect("prod", &rw, secrets(&reader.password)).await {
            Err(e) => e,
            Ok(_) => panic!("a read-write profile over a read-only ACL must not connect"),
        };
        let text = err.to_string();
        assert_eq!(err.code(), ErrorCode::StoreDenied, "{text}");
        assert!(
            text.contains(&reader.name)
                && text.contains("prod")
                && text.contains("mark the profile read-only"),
            "the sentence names the account, the profile and the remedy: {text}"
        );
        assert!(!text.contains(&reader.password), "never the password");

        let ro = redis_profile(&lease.url, &reader.name, true, &file.path);
        let c = connect("prod", &ro, secrets(&reader.password))
            .await
            .expect("read-only, the same account connects");
        assert!(c.read_only);

        let writer = lease.acl_user(&["~*", "+@all"]);
        let rw = redis_profile(&lease.url, &writer.name, false, &file.path);
        connect("prod", &rw, secrets(&writer.password))
            .await
            .expect("an account with write rights connects read-write");
    }

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
