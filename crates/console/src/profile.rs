//! Connection profiles: which stores a console connects to. The file (`profiles.json` in the
//! config dir) holds URLs, user names and the *names* of keychain entries; passwords and API
//! keys are only ever in the keychain.
//!
//! The default profile `embedded` (the embedded store in the data dir) always exists, so a
//! first run has something to connect to.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rampart_core::ports::SecretVault;
use rampart_core::CoreError;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::paths::{config_dir, default_embedded_path, write_atomic};

/// The built-in profile's name.
pub const EMBEDDED: &str = "embedded";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EsAuth {
    None,
    Basic,
    ApiKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedisTarget {
    pub url: String,
    pub username: Option<String>,
    pub db: Option<u32>,
    pub tls: bool,
    /// Keychain account holding the password, when there is one.
    pub password_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsTarget {
    pub url: String,
    pub auth: EsAuth,
    pub username: Option<String>,
    pub secret_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlTarget {
    pub url: String,
    pub password_ref: Option<String>,
}

/// One saved profile, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    #[serde(default)]
    pub read_only: bool,
    /// The embedded store file; used for whichever of key space and audit index has no server.
    #[serde(default)]
    pub embedded: Option<PathBuf>,
    #[serde(default)]
    pub redis: Option<RedisTarget>,
    #[serde(default)]
    pub es: Option<EsTarget>,
    #[serde(default)]
    pub sql: Option<SqlTarget>,
}

/// The profile file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileBook {
    #[serde(default = "one")]
    pub version: u32,
    /// The profile the desktop connects to at start (`embedded` when unset).
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

fn one() -> u32 {
    1
}

// ---- wire: what the UI sees and sends (never a secret value) ----

#[derive(Debug, Clone, Serialize, TS)]
pub struct RedisTargetView {
    pub url: String,
    pub username: Option<String>,
    pub db: Option<u32>,
    pub tls: bool,
    pub has_password: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct EsTargetView {
    pub url: String,
    pub auth: EsAuth,
    pub username: Option<String>,
    pub has_secret: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SqlTargetView {
    pub url: String,
    pub has_password: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ProfileView {
    pub name: String,
    pub is_default: bool,
    pub read_only: bool,
    /// The embedded store file, shown as a path.
    pub embedded: Option<String>,
    pub redis: Option<RedisTargetView>,
    pub es: Option<EsTargetView>,
    pub sql: Option<SqlTargetView>,
}

/// A secret field of a form: `keep` leaves what the keychain holds, `clear` deletes it, `set`
/// stores a new value in the keychain.
#[derive(Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecretInput {
    Keep,
    Clear,
    Set { value: String },
}

impl std::fmt::Debug for SecretInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretInput::Keep => "Keep",
            SecretInput::Clear => "Clear",
            SecretInput::Set { .. } => "Set(<redacted>)",
        })
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RedisTargetInput {
    pub url: String,
    pub username: Option<String>,
    pub db: Option<u32>,
    pub tls: bool,
    pub password: SecretInput,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct EsTargetInput {
    pub url: String,
    pub auth: EsAuth,
    pub username: Option<String>,
    pub secret: SecretInput,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SqlTargetInput {
    pub url: String,
    pub password: SecretInput,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ProfileInput {
    pub name: String,
    pub read_only: bool,
    pub embedded: Option<String>,
    pub redis: Option<RedisTargetInput>,
    pub es: Option<EsTargetInput>,
    pub sql: Option<SqlTargetInput>,
}

/// The secrets a profile's stores need, read from the keychain (or, for the CLI, from the
/// environment).
#[derive(Default)]
pub struct ProfileSecrets {
    pub redis: Option<SecretString>,
    pub es: Option<SecretString>,
    pub sql: Option<SecretString>,
}

fn path() -> PathBuf {
    config_dir().join("profiles.json")
}

fn account(name: &str, store: &str) -> String {
    format!("profile/{name}/{store}")
}

/// Load the profile file. A missing file is an empty book; a corrupt one is an error naming the
/// file, which is left untouched (saving is refused until it is fixed: nothing is lost).
pub fn load_book() -> Result<ProfileBook, CoreError> {
    let p = path();
    match std::fs::read(&p) {
        Ok(b) => serde_json::from_slice(&b).map_err(|e| {
            CoreError::Config(format!(
                "the profile file {} is unreadable ({e}); Rampart left it untouched: fix it, or move it aside to start with only the embedded profile",
                p.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfileBook::default()),
        Err(e) => Err(CoreError::Config(format!("cannot read {}: {e}", p.display()))),
    }
}

fn save_book(book: &ProfileBook) -> Result<(), CoreError> {
    let p = path();
    let body = serde_json::to_vec_pretty(book).map_err(|e| CoreError::Internal(e.to_string()))?;
    write_atomic(&p, &body)
        .map_err(|e| CoreError::Config(format!("cannot write {}: {e}", p.display())))
}

/// A profile by name; `embedded` exists even when the file does not mention it.
pub fn resolve(book: &ProfileBook, name: &str) -> Result<Profile, CoreError> {
    if let Some(p) = book.profiles.get(name) {
        return Ok(p.clone());
    }
    if name == EMBEDDED {
        return Ok(Profile::default());
    }
    Err(CoreError::NotFound(format!("profile `{name}`")))
}

pub fn default_name(book: &ProfileBook) -> String {
    book.default
        .clone()
        .filter(|d| book.profiles.contains_key(d))
        .unwrap_or_else(|| EMBEDDED.into())
}

pub fn view(book: &ProfileBook, name: &str, p: &Profile) -> ProfileView {
    let embedded = if p.redis.is_none() || p.es.is_none() {
        Some(
            p.embedded
                .clone()
                .unwrap_or_else(default_embedded_path)
                .display()
                .to_string(),
        )
    } else {
        None
    };
    ProfileView {
        name: name.into(),
        is_default: default_name(book) == name,
        read_only: p.read_only,
        embedded,
        redis: p.redis.as_ref().map(|r| RedisTargetView {
            url: r.url.clone(),
            username: r.username.clone(),
            db: r.db,
            tls: r.tls,
            has_password: r.password_ref.is_some(),
        }),
        es: p.es.as_ref().map(|e| EsTargetView {
            url: e.url.clone(),
            auth: e.auth,
            username: e.username.clone(),
            has_secret: e.secret_ref.is_some(),
        }),
        sql: p.sql.as_ref().map(|s| SqlTargetView {
            url: s.url.clone(),
            has_password: s.password_ref.is_some(),
        }),
    }
}

/// Every profile, the built-in `embedded` first.
pub fn list(book: &ProfileBook) -> Vec<ProfileView> {
    let mut out = Vec::new();
    if !book.profiles.contains_key(EMBEDDED) {
        out.push(view(book, EMBEDDED, &Profile::default()));
    }
    for (name, p) in &book.profiles {
        out.push(view(book, name, p));
    }
    out
}

fn validate_name(name: &str) -> Result<(), CoreError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "._- ".contains(c))
        && name.trim() == name;
    if ok {
        Ok(())
    } else {
        Err(CoreError::Validation(
            "a profile name is 1–64 letters, digits, spaces, dots, dashes or underscores".into(),
        ))
    }
}

/// Check a store URL: parseable, an accepted scheme, and no password inside (a password in a
/// URL ends up in files and process lists; it belongs in the keychain).
pub fn validate_url(url: &str, store: &str, schemes: &[&str]) -> Result<(), CoreError> {
    let u = url::Url::parse(url).map_err(|e| {
        CoreError::Validation(format!("the {store} URL `{url}` is not a URL ({e})"))
    })?;
    if !schemes.contains(&u.scheme()) {
        return Err(CoreError::Validation(format!(
            "the {store} URL must start with {}",
            schemes
                .iter()
                .map(|s| format!("{s}://"))
                .collect::<Vec<_>>()
                .join(" or ")
        )));
    }
    if u.password().is_some() {
        return Err(CoreError::Validation(format!(
            "the {store} URL contains a password; remove it and enter the password in its own field, which goes to the OS keychain"
        )));
    }
    Ok(())
}

pub const REDIS_SCHEMES: &[&str] = &["redis", "rediss"];
pub const ES_SCHEMES: &[&str] = &["http", "https"];
pub const SQL_SCHEMES: &[&str] = &["postgres", "postgresql", "mysql", "mariadb", "sqlite"];

/// One keychain change a save makes, kept so a failed save can be undone.
enum Change {
    Set {
        account: String,
        previous: Option<SecretString>,
    },
    Delete(String),
}

/// Resolve one secret field to its keychain reference, applying `set` now (so a keychain that
/// refuses stops the save before the file changes).
fn apply_secret(
    vault: &dyn SecretVault,
    input: &SecretInput,
    account: String,
    existing: Option<String>,
    changes: &mut Vec<Change>,
) -> Result<Option<String>, CoreError> {
    match input {
        SecretInput::Keep => Ok(existing),
        SecretInput::Clear => {
            if let Some(a) = existing {
                changes.push(Change::Delete(a));
            }
            Ok(None)
        }
        SecretInput::Set { value } => {
            if value.is_empty() {
                return Err(CoreError::Validation(
                    "an empty secret cannot be stored; choose `remove` instead".into(),
                ));
            }
            let previous = vault.get(&account)?;
            vault.set(&account, &SecretString::from(value.clone()))?;
            changes.push(Change::Set {
                account: account.clone(),
                previous,
            });
            Ok(Some(account))
        }
    }
}

fn undo(vault: &dyn SecretVault, changes: Vec<Change>) {
    for c in changes.into_iter().rev() {
        if let Change::Set { account, previous } = c {
            let _ = match previous {
                Some(p) => vault.set(&account, &p),
                None => vault.delete(&account),
            };
        }
    }
}

/// Create or replace a profile. Secrets go to the keychain first, then the file is written; if
/// the file cannot be written the keychain is put back as it was. Secrets the form removed
/// are deleted from the keychain only after the file no longer references them.
pub fn save(vault: &dyn SecretVault, input: ProfileInput) -> Result<ProfileView, CoreError> {
    validate_name(&input.name)?;
    let mut book = load_book()?;
    let old = book.profiles.get(&input.name).cloned().unwrap_or_default();
    if let Some(r) = &input.redis {
        validate_url(&r.url, "Redis", REDIS_SCHEMES)?;
        if r.db.is_some_and(|d| d > 15) {
            return Err(CoreError::Validation(
                "the Redis database number is 0–15 on a default server".into(),
            ));
        }
    }
    if let Some(e) = &input.es {
        validate_url(&e.url, "Elasticsearch", ES_SCHEMES)?;
        if e.auth == EsAuth::Basic && e.username.as_deref().unwrap_or("").is_empty() {
            return Err(CoreError::Validation(
                "basic authentication needs a user name".into(),
            ));
        }
    }
    if let Some(s) = &input.sql {
        validate_url(&s.url, "SQL", SQL_SCHEMES)?;
    }
    let mut changes = Vec::new();
    let result = (|| -> Result<Profile, CoreError> {
        let name = &input.name;
        let redis = match &input.redis {
            None => {
                if let Some(a) = old.redis.as_ref().and_then(|r| r.password_ref.clone()) {
                    changes.push(Change::Delete(a));
                }
                None
            }
            Some(r) => Some(RedisTarget {
                url: r.url.clone(),
                username: r.username.clone().filter(|u| !u.is_empty()),
                db: r.db,
                tls: r.tls || r.url.starts_with("rediss://"),
                password_ref: apply_secret(
                    vault,
                    &r.password,
                    account(name, "redis"),
                    old.redis.as_ref().and_then(|o| o.password_ref.clone()),
                    &mut changes,
                )?,
            }),
        };
        let es = match &input.es {
            None => {
                if let Some(a) = old.es.as_ref().and_then(|r| r.secret_ref.clone()) {
                    changes.push(Change::Delete(a));
                }
                None
            }
            Some(e) => Some(EsTarget {
                url: e.url.clone(),
                auth: e.auth,
                username: e.username.clone().filter(|u| !u.is_empty()),
                secret_ref: if e.auth == EsAuth::None {
                    if let Some(a) = old.es.as_ref().and_then(|o| o.secret_ref.clone()) {
                        changes.push(Change::Delete(a));
                    }
                    None
                } else {
                    apply_secret(
                        vault,
                        &e.secret,
                        account(name, "es"),
                        old.es.as_ref().and_then(|o| o.secret_ref.clone()),
                        &mut changes,
                    )?
                },
            }),
        };
        let sql = match &input.sql {
            None => {
                if let Some(a) = old.sql.as_ref().and_then(|r| r.password_ref.clone()) {
                    changes.push(Change::Delete(a));
                }
                None
            }
            Some(s) => Some(SqlTarget {
                url: s.url.clone(),
                password_ref: apply_secret(
                    vault,
                    &s.password,
                    account(name, "sql"),
                    old.sql.as_ref().and_then(|o| o.password_ref.clone()),
                    &mut changes,
                )?,
            }),
        };
        Ok(Profile {
            read_only: input.read_only,
            embedded: input
                .embedded
                .clone()
                .filter(|e| !e.trim().is_empty())
                .map(PathBuf::from),
            redis,
            es,
            sql,
        })
    })();
    let profile = match result {
        Ok(p) => p,
        Err(e) => {
            undo(vault, changes);
            return Err(e);
        }
    };
    book.profiles.insert(input.name.clone(), profile.clone());
    if let Err(e) = save_book(&book) {
        undo(vault, changes);
        return Err(e);
    }
    for c in changes {
        if let Change::Delete(a) = c {
            if let Err(e) = vault.delete(&a) {
                tracing::warn!(account = %a, "a removed secret stays in the keychain: {e}");
            }
        }
    }
    Ok(view(&book, &input.name, &profile))
}

/// Remove a profile and its keychain entries. The built-in `embedded` profile cannot be
/// removed (only a saved override of it).
pub fn remove(vault: &dyn SecretVault, name: &str) -> Result<(), CoreError> {
    let mut book = load_book()?;
    let Some(p) = book.profiles.remove(name) else {
        return Err(CoreError::NotFound(format!("profile `{name}`")));
    };
    if book.default.as_deref() == Some(name) {
        book.default = None;
    }
    save_book(&book)?;
    let refs = [
        p.redis.and_then(|r| r.password_ref),
        p.es.and_then(|e| e.secret_ref),
        p.sql.and_then(|s| s.password_ref),
    ];
    for a in refs.into_iter().flatten() {
        if let Err(e) = vault.delete(&a) {
            tracing::warn!(account = %a, "a removed profile's secret stays in the keychain: {e}");
        }
    }
    Ok(())
}

/// Make a profile the one the desktop opens with.
pub fn set_default(name: &str) -> Result<(), CoreError> {
    let mut book = load_book()?;
    resolve(&book, name)?;
    book.default = Some(name.into()).filter(|n| n != EMBEDDED);
    save_book(&book)
}

/// Read a profile's secrets from the keychain. Only called when a profile references one, so
/// profiles without secrets work with no keychain at all.
pub fn secrets(vault: &dyn SecretVault, p: &Profile) -> Result<ProfileSecrets, CoreError> {
    let read = |r: &Option<String>| -> Result<Option<SecretString>, CoreError> {
        match r {
            None => Ok(None),
            Some(a) => match vault.get(a)? {
                Some(s) => Ok(Some(s)),
                None => Err(CoreError::Keychain(format!(
                    "the keychain has no entry `{a}` that this profile refers to; enter the secret again in the profile"
                ))),
            },
        }
    };
    Ok(ProfileSecrets {
        redis: read(&p.redis.as_ref().and_then(|r| r.password_ref.clone()))?,
        es: read(&p.es.as_ref().and_then(|r| r.secret_ref.clone()))?,
        sql: read(&p.sql.as_ref().and_then(|r| r.password_ref.clone()))?,
    })
}
