//! Choosing and connecting stores: flags for scripts and CI, or a saved profile. Secrets are read
//! from environment variables or stdin, never from argv and never from the profile file.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use rampart_core::ports::{AuditIndex, Clock, KeySpace, RecordSource, SystemClock};
use rampart_core::CoreError;
use rampart_store::elastic::{EsAuditIndex, EsOptions};
use rampart_store::embedded::audit::EmbeddedAuditIndex;
use rampart_store::embedded::demo_records::records_path;
use rampart_store::embedded::keyspace::EmbeddedKeySpace;
use rampart_store::embedded::EmbeddedStore;
use rampart_store::redis::{RedisKeySpace, RedisOptions};
use rampart_store::sql::{SqlOptions, SqlRecordSource};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Store selection. With no flag and no profile, the embedded store in the data dir is used.
#[derive(Args, Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoreFlags {
    /// Saved profile to use (see `rampart profile save`).
    #[arg(long, global = true)]
    #[serde(skip)]
    pub profile: Option<String>,
    /// The service's Redis: redis://host:port/db or rediss:// (no password in the URL; set
    /// RAMPART_REDIS_PASSWORD or use --password-stdin redis).
    #[arg(long, global = true)]
    pub redis: Option<String>,
    /// Redis ACL user.
    #[arg(long, global = true)]
    pub redis_user: Option<String>,
    /// Elasticsearch URL (password: RAMPART_ES_PASSWORD; API key: RAMPART_ES_API_KEY).
    #[arg(long, global = true)]
    pub es: Option<String>,
    #[arg(long, global = true)]
    pub es_user: Option<String>,
    /// SQL records database: postgres://, mysql://, sqlite:// (password: RAMPART_SQL_PASSWORD).
    #[arg(long, global = true)]
    pub sql: Option<String>,
    /// Embedded store file (default: the data dir's rampart.db).
    #[arg(long, global = true)]
    pub embedded: Option<PathBuf>,
    /// Refuse every write inside the adapters (and audit the refusal).
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Read one secret from stdin for the named store: redis, es or sql.
    #[arg(long, global = true, value_name = "STORE")]
    #[serde(skip)]
    pub password_stdin: Option<String>,
}

/// The connected stores of one invocation.
pub struct Stores {
    pub keyspace: Arc<dyn KeySpace>,
    /// Searchable events: Elasticsearch when given, else the embedded file's table.
    pub index: Arc<dyn AuditIndex>,
    pub records: Option<Arc<dyn RecordSource>>,
    /// Where the admin trail lives: the key space itself when writable, else the local file.
    pub trail: Arc<dyn KeySpace>,
    /// The embedded file, when one is open (demo PII records go there).
    pub embedded: Option<EmbeddedStore>,
    pub clock: Arc<dyn Clock>,
    pub read_only: bool,
}

/// Rampart's data dir: $RAMPART_DATA_DIR, else $XDG_DATA_HOME/rampart, else ~/.local/share/rampart.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RAMPART_DATA_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(d).join("rampart");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".local/share/rampart")
}

pub fn config_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("RAMPART_CONFIG_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME") {
        return PathBuf::from(d).join("rampart");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".config/rampart")
}

pub fn default_embedded_path() -> PathBuf {
    data_dir().join("rampart.db")
}

fn profiles_path() -> PathBuf {
    config_dir().join("profiles.json")
}

pub fn load_profiles() -> Result<std::collections::BTreeMap<String, StoreFlags>, CoreError> {
    let p = profiles_path();
    match std::fs::read(&p) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            CoreError::Validation(format!(
                "the profile file {} is corrupt ({e}); fix or remove it",
                p.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(e) => Err(CoreError::Internal(format!(
            "cannot read {}: {e}",
            p.display()
        ))),
    }
}

pub fn save_profiles(
    all: &std::collections::BTreeMap<String, StoreFlags>,
) -> Result<PathBuf, CoreError> {
    let p = profiles_path();
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d)
            .map_err(|e| CoreError::Internal(format!("cannot create {}: {e}", d.display())))?;
    }
    // Write then rename, so an interrupted save never leaves a half-written file.
    let tmp = p.with_extension("json.tmp");
    let body = serde_json::to_vec_pretty(all).map_err(|e| CoreError::Internal(e.to_string()))?;
    std::fs::write(&tmp, body)
        .and_then(|_| std::fs::rename(&tmp, &p))
        .map_err(|e| CoreError::Internal(format!("cannot write {}: {e}", p.display())))?;
    Ok(p)
}

impl StoreFlags {
    /// Flags merged over the named profile (flags win).
    pub fn resolve(&self) -> Result<StoreFlags, CoreError> {
        let Some(name) = &self.profile else {
            return Ok(self.clone());
        };
        let all = load_profiles()?;
        let base = all
            .get(name)
            .cloned()
            .ok_or_else(|| CoreError::NotFound(format!("profile `{name}`")))?;
        Ok(StoreFlags {
            profile: Some(name.clone()),
            redis: self.redis.clone().or(base.redis),
            redis_user: self.redis_user.clone().or(base.redis_user),
            es: self.es.clone().or(base.es),
            es_user: self.es_user.clone().or(base.es_user),
            sql: self.sql.clone().or(base.sql),
            embedded: self.embedded.clone().or(base.embedded),
            read_only: self.read_only || base.read_only,
            password_stdin: self.password_stdin.clone(),
        })
    }
}

fn secret_for(
    store: &str,
    env: &str,
    stdin_for: &Option<String>,
) -> Result<Option<SecretString>, CoreError> {
    if stdin_for.as_deref() == Some(store) {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| {
            CoreError::Validation(format!("cannot read the {store} secret from stdin: {e}"))
        })?;
        let s = line.trim_end_matches(['\r', '\n']).to_string();
        return Ok(Some(SecretString::from(s)));
    }
    Ok(std::env::var(env)
        .ok()
        .filter(|v| !v.is_empty())
        .map(SecretString::from))
}

fn check_no_password_in_url(url: &str, store: &str, env: &str) -> Result<(), CoreError> {
    if let Ok(u) = url::Url::parse(url) {
        if u.password().is_some() {
            return Err(CoreError::Validation(format!(
                "the {store} URL contains a password; remove it and set {env} or use --password-stdin {store}: argv is visible to other local users"
            )));
        }
    }
    Ok(())
}

async fn open_embedded(path: &Path) -> Result<EmbeddedStore, CoreError> {
    Ok(EmbeddedStore::open(path).await?)
}

/// Connect what the flags name.
pub async fn connect(flags: &StoreFlags) -> Result<Stores, CoreError> {
    let flags = flags.resolve()?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let timeout = Duration::from_secs(10);
    let read_only = flags.read_only;
    let mut embedded: Option<EmbeddedStore> = None;
    let embedded_path = flags.embedded.clone().unwrap_or_else(default_embedded_path);

    let keyspace: Arc<dyn KeySpace> = match &flags.redis {
        Some(url) => {
            check_no_password_in_url(url, "redis", "RAMPART_REDIS_PASSWORD")?;
            let password = secret_for("redis", "RAMPART_REDIS_PASSWORD", &flags.password_stdin)?;
            let opts = RedisOptions {
                url: url.clone(),
                username: flags
                    .redis_user
                    .clone()
                    .or_else(|| std::env::var("RAMPART_REDIS_USERNAME").ok()),
                password,
                db: None,
                read_only,
                timeout,
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

    let index: Arc<dyn AuditIndex> = match &flags.es {
        Some(url) => {
            check_no_password_in_url(url, "es", "RAMPART_ES_PASSWORD")?;
            let opts = EsOptions {
                username: flags.es_user.clone(),
                password: secret_for("es", "RAMPART_ES_PASSWORD", &flags.password_stdin)?,
                api_key: std::env::var("RAMPART_ES_API_KEY")
                    .ok()
                    .filter(|v| !v.is_empty())
                    .map(SecretString::from),
                read_only,
                timeout,
                ..EsOptions::new(url.clone())
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

    let records: Option<Arc<dyn RecordSource>> = match &flags.sql {
        Some(url) => {
            check_no_password_in_url(url, "sql", "RAMPART_SQL_PASSWORD")?;
            let opts = SqlOptions {
                url: url.clone(),
                password: secret_for("sql", "RAMPART_SQL_PASSWORD", &flags.password_stdin)?,
                read_only,
                timeout,
            };
            Some(Arc::new(SqlRecordSource::connect(opts).await?))
        }
        // With the embedded store, the demo's records file beside it stands in for the
        // service's SQL database (when it exists: `demo seed` creates it).
        None => match &embedded {
            Some(s) if records_path(s.path()).exists() => Some(Arc::new(
                SqlRecordSource::connect(SqlOptions {
                    url: format!("sqlite://{}", records_path(s.path()).display()),
                    password: None,
                    read_only,
                    timeout,
                })
                .await?,
            )),
            _ => None,
        },
    };

    // The trail must always be writable: a read-only profile's refusals are recorded in the
    // operator's local file instead.
    let trail: Arc<dyn KeySpace> = if !read_only {
        keyspace.clone()
    } else {
        let local = open_embedded(&data_dir().join("local-trail.db")).await?;
        Arc::new(EmbeddedKeySpace::new(local, clock.clone(), false))
    };

    Ok(Stores {
        keyspace,
        index,
        records,
        trail,
        embedded,
        clock,
        read_only,
    })
}

pub fn init_tracing() {
    // Logs go to stderr, default `warn`; RAMPART_LOG=debug for more. Adapters never log secrets.
    let filter = tracing_subscriber::EnvFilter::try_from_env("RAMPART_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
