//! Choosing and connecting stores, and signing in, for one invocation. Stores come from a saved
//! profile (the same file the desktop uses) and/or flags. Secrets come from environment
//! variables or stdin, else from the keychain entries a profile refers to; never from argv and
//! never from a file.

use std::io::BufRead;
use std::path::PathBuf;

use clap::Args;
use rampart_console::connect::{self, Connected};
use rampart_console::profile::{
    self, validate_url, EsAuth, EsTarget, Profile, ProfileSecrets, RedisTarget, SqlTarget,
    ES_SCHEMES, REDIS_SCHEMES, SQL_SCHEMES,
};
use rampart_console::session::Live;
use rampart_core::signin::{Credentials, SignedIn};
use rampart_core::CoreError;
use rampart_store::keychain::Keychain;
use secrecy::SecretString;

/// Store selection. With no flag and no profile, the default profile (the embedded store in the
/// data dir) is used.
#[derive(Args, Debug, Clone, Default)]
pub struct StoreFlags {
    /// Saved profile to use (desktop Connections page, or `rampart profile save`).
    #[arg(long, global = true)]
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
    /// Read one secret from stdin: redis, es, sql, operator (the operator's password) or new
    /// (the password `users create` and `users reset-password` set).
    #[arg(long, global = true, value_name = "SECRET")]
    pub password_stdin: Option<String>,
}

/// Who runs the command. Commands that read or change a store need a signed-in operator:
/// e-mail, password (RAMPART_OPERATOR_PASSWORD or `--password-stdin operator`) and a TOTP code.
#[derive(Args, Debug, Clone, Default)]
pub struct OperatorFlags {
    /// Operator e-mail (an account of the connected user store with a console role).
    #[arg(long, global = true, env = "RAMPART_OPERATOR_EMAIL")]
    pub operator: Option<String>,
    /// Current TOTP code of the operator (valid 30 s, refused if reused).
    #[arg(
        long,
        global = true,
        env = "RAMPART_OPERATOR_TOTP",
        hide_env_values = true
    )]
    pub totp: Option<String>,
}

fn env_secret(var: &str) -> Option<SecretString> {
    std::env::var(var)
        .ok()
        .filter(|v| !v.is_empty())
        .map(SecretString::from)
}

fn stdin_secret(what: &str) -> Result<SecretString, CoreError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        CoreError::Validation(format!("cannot read the {what} secret from stdin: {e}"))
    })?;
    Ok(SecretString::from(
        line.trim_end_matches(['\r', '\n']).to_string(),
    ))
}

impl StoreFlags {
    /// The profile these flags name, with flags laid over it (flags win).
    pub fn profile(&self) -> Result<(String, Profile), CoreError> {
        let (name, mut p) = match &self.profile {
            Some(n) => {
                let book = profile::load_book()?;
                (n.clone(), profile::resolve(&book, n)?)
            }
            None if self.redis.is_some() || self.es.is_some() || self.sql.is_some() => {
                ("command-line".to_string(), Profile::default())
            }
            None => {
                let book = profile::load_book()?;
                let n = profile::default_name(&book);
                let p = profile::resolve(&book, &n)?;
                (n, p)
            }
        };
        if let Some(url) = &self.redis {
            validate_url(url, "Redis", REDIS_SCHEMES)?;
            p.redis = Some(RedisTarget {
                url: url.clone(),
                username: self.redis_user.clone(),
                db: None,
                tls: url.starts_with("rediss://"),
                password_ref: None,
            });
        } else if let (Some(u), Some(r)) = (&self.redis_user, p.redis.as_mut()) {
            r.username = Some(u.clone());
        }
        if let Some(url) = &self.es {
            validate_url(url, "Elasticsearch", ES_SCHEMES)?;
            p.es = Some(EsTarget {
                url: url.clone(),
                auth: if env_secret("RAMPART_ES_API_KEY").is_some() {
                    EsAuth::ApiKey
                } else if self.es_user.is_some() {
                    EsAuth::Basic
                } else {
                    EsAuth::None
                },
                username: self.es_user.clone(),
                secret_ref: None,
            });
        }
        if let Some(url) = &self.sql {
            validate_url(url, "SQL", SQL_SCHEMES)?;
            p.sql = Some(SqlTarget {
                url: url.clone(),
                password_ref: None,
            });
        }
        if let Some(e) = &self.embedded {
            p.embedded = Some(e.clone());
        }
        p.read_only |= self.read_only;
        Ok((name, p))
    }

    /// Secrets for the profile: stdin or environment first, else the keychain entries the
    /// profile refers to (the keychain is only touched when one is referred to).
    pub fn secrets(&self, p: &Profile) -> Result<ProfileSecrets, CoreError> {
        let stdin_for = self.password_stdin.as_deref();
        let pick = |store: &str, var: &str| -> Result<Option<SecretString>, CoreError> {
            if stdin_for == Some(store) {
                return stdin_secret(store).map(Some);
            }
            Ok(env_secret(var))
        };
        let mut s = ProfileSecrets {
            redis: pick("redis", "RAMPART_REDIS_PASSWORD")?,
            es: match pick("es", "RAMPART_ES_PASSWORD")? {
                Some(s) => Some(s),
                None => env_secret("RAMPART_ES_API_KEY"),
            },
            sql: pick("sql", "RAMPART_SQL_PASSWORD")?,
        };
        let needs_vault = (s.redis.is_none()
            && p.redis.as_ref().is_some_and(|r| r.password_ref.is_some()))
            || (s.es.is_none() && p.es.as_ref().is_some_and(|r| r.secret_ref.is_some()))
            || (s.sql.is_none() && p.sql.as_ref().is_some_and(|r| r.password_ref.is_some()));
        if needs_vault {
            let from_vault = profile::secrets(&Keychain::default(), p)?;
            s.redis = s.redis.or(from_vault.redis);
            s.es = s.es.or(from_vault.es);
            s.sql = s.sql.or(from_vault.sql);
        }
        Ok(s)
    }
}

/// The profile the flags name and its secrets (read off the async workers: stdin and the
/// keychain block).
pub async fn resolve(flags: &StoreFlags) -> Result<(String, Profile, ProfileSecrets), CoreError> {
    let (name, p) = flags.profile()?;
    let flags2 = flags.clone();
    let p2 = p.clone();
    let secrets = tokio::task::spawn_blocking(move || flags2.secrets(&p2))
        .await
        .map_err(|e| CoreError::Internal(e.to_string()))??;
    Ok((name, p, secrets))
}

/// Connect what the flags name.
pub async fn connect(flags: &StoreFlags) -> Result<Connected, CoreError> {
    let (name, p, secrets) = resolve(flags).await?;
    connect::connect(&name, &p, secrets).await
}

/// Sign the operator in for this invocation (audited like a desktop sign-in).
pub async fn sign_in(
    live: &Live,
    op: &OperatorFlags,
    stores: &StoreFlags,
) -> Result<SignedIn, CoreError> {
    let creds = credentials(op, stores)?;
    live.auth.sign_in(&live.audit, creds).await
}

pub fn credentials(op: &OperatorFlags, stores: &StoreFlags) -> Result<Credentials, CoreError> {
    const HOW: &str = "this command needs a signed-in operator: set RAMPART_OPERATOR_EMAIL, RAMPART_OPERATOR_PASSWORD and RAMPART_OPERATOR_TOTP (or --operator, --password-stdin operator and --totp)";
    let email = op
        .operator
        .clone()
        .ok_or_else(|| CoreError::Unauthenticated(HOW.into()))?;
    let password = if stores.password_stdin.as_deref() == Some("operator") {
        stdin_secret("operator")?
    } else {
        env_secret("RAMPART_OPERATOR_PASSWORD")
            .ok_or_else(|| CoreError::Unauthenticated(HOW.into()))?
    };
    let totp = op
        .totp
        .clone()
        .map(SecretString::from)
        .ok_or_else(|| CoreError::Unauthenticated(HOW.into()))?;
    Ok(Credentials {
        email,
        password,
        totp,
    })
}

/// The keychain, for `profile` commands.
pub fn vault() -> Keychain {
    Keychain::default()
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
