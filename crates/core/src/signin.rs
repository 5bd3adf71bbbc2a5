//! Operator sign-in and console roles.
//!
//! An operator is an account of the connected user store (the seed's `user:*`): the password is
//! checked against the seed's bcrypt hash, then a TOTP code against the seed's MFA record. The
//! console role comes from Rampart's own registry ([`OPERATORS_KEY`]), never from the service's
//! `permissions`. Every attempt is audited in the seed's format (`user_login`, `success` or
//! `failure`), so the service's own brute-force detection sees console failures too.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;
use rampart_domain::console::{
    signin_failures_key, Capability, ConsoleRole, Grant, Operator, OPERATORS_KEY,
    SIGNIN_MAX_FAILURES, SIGNIN_WINDOW_SECS,
};
use rampart_domain::keys;
use rampart_domain::mfa::MfaRecord;
use rampart_domain::password::verify_password;
use rampart_domain::time::format_naive_iso;
use rampart_domain::totp::{self, CodeCheck};
use rampart_domain::trail::Outcome;
use rampart_domain::user::UserRecord;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Map;

use crate::audit::{AuditAction, AuditWriter};
use crate::guard::mutate;
use crate::ports::{Applied, Guard, KeySpace, Ttl, Write};
use crate::seed::{ReadError, SeedStore};
use crate::CoreError;

/// What an operator types. The secrets are consumed by [`Authenticator::sign_in`].
pub struct Credentials {
    pub email: String,
    pub password: SecretString,
    pub totp: SecretString,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub operator: Operator,
    pub email: String,
    pub username: String,
    pub at: NaiveDateTime,
}

/// The one sentence every credential failure gets, so the answer does not tell an attacker
/// which of e-mail, password or code was wrong. The audit record has the real reason.
pub const WRONG_CREDENTIALS: &str = "the e-mail, password or code is wrong";

/// A `$2b$12$` hash of a random string, verified when the e-mail is unknown so that an unknown
/// account takes as long to refuse as a wrong password.
const DUMMY_HASH: &str = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuM6VCv2uZ4xTZ8G7uQYzVTp7C2hmXkNW";

/// Rampart's registry of console roles.
#[derive(Clone)]
pub struct Operators {
    ks: Arc<dyn KeySpace>,
}

impl Operators {
    pub fn new(ks: Arc<dyn KeySpace>) -> Self {
        Self { ks }
    }

    /// The grant of one user, `None` when the user has no console role.
    pub async fn grant_of(&self, user_id: &str) -> Result<Option<Grant>, CoreError> {
        match self.ks.hget(OPERATORS_KEY, user_id).await? {
            None => Ok(None),
            Some(v) => Grant::parse(&v)
                .map(Some)
                .map_err(|e| CoreError::Malformed(format!("{OPERATORS_KEY} field {user_id}: {e}"))),
        }
    }

    /// Every grant; unreadable ones are returned with their reason, not hidden.
    pub async fn all(&self) -> Result<Vec<(String, Result<Grant, String>)>, CoreError> {
        let fields = self.ks.hgetall(OPERATORS_KEY).await?;
        let mut out: Vec<_> = fields
            .into_iter()
            .map(|(k, v)| (String::from_utf8_lossy(&k).into_owned(), Grant::parse(&v)))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    pub async fn has_console_admin(&self) -> Result<bool, CoreError> {
        Ok(self
            .all()
            .await?
            .iter()
            .any(|(_, g)| matches!(g, Ok(g) if g.role == ConsoleRole::ConsoleAdmin)))
    }

    pub(crate) fn grant_write(&self, user_id: &str, grant: &Grant) -> Write {
        Write::HSet {
            key: OPERATORS_KEY.into(),
            fields: vec![(user_id.into(), grant.to_json().into_bytes())],
        }
    }
}

/// Checks credentials and keeps what must outlive one attempt: the last TOTP step accepted per
/// user, so a code seen over an operator's shoulder cannot be replayed in the same process.
pub struct Authenticator {
    seed: SeedStore,
    operators: Operators,
    /// Where throttle counters live: the audited store when writable, else the local trail file
    /// (a read-only profile still throttles).
    throttle: Arc<dyn KeySpace>,
    accepted_steps: Mutex<HashMap<String, u64>>,
}

impl Authenticator {
    pub fn new(seed: SeedStore, operators: Operators, throttle: Arc<dyn KeySpace>) -> Self {
        Self {
            seed,
            operators,
            throttle,
            accepted_steps: Mutex::new(HashMap::new()),
        }
    }

    /// Verify e-mail + password + TOTP and the console role. Audits the attempt either way.
    pub async fn sign_in(
        &self,
        audit: &AuditWriter,
        creds: Credentials,
    ) -> Result<SignedIn, CoreError> {
        let email = creds.email.trim().to_string();
        if email.is_empty() || email.len() > 320 {
            return Err(CoreError::Validation(
                "enter the e-mail of your account (at most 320 characters)".into(),
            ));
        }
        let attempt = Attempt {
            audit,
            email: &email,
            throttle: &self.throttle,
        };
        // Throttle first: a throttled e-mail costs no bcrypt and reveals nothing.
        let failures = self.failures(&email).await?;
        if failures >= SIGNIN_MAX_FAILURES {
            let left = match self.throttle.ttl(&signin_failures_key(&email)).await? {
                Ttl::Millis(ms) => ms.div_ceil(60_000).max(1),
                _ => SIGNIN_WINDOW_SECS / 60,
            };
            let why =
                format!("too many failed sign-ins for this account; try again in {left} minute(s)");
            attempt.fail(None, "throttled", false).await?;
            return Err(CoreError::Throttled(why));
        }

        let id = match self.seed.user_id_by_email(&email).await {
            Ok(id) => id,
            Err(ReadError::Store(e)) => return Err(e.into()),
            Err(ReadError::Unreadable(u)) => {
                attempt.fail(None, &u.reason, true).await?;
                return Err(CoreError::Malformed(format!("{}: {}", u.key, u.reason)));
            }
        };
        let Some(id) = id else {
            check_password(&creds.password, DUMMY_HASH).await;
            attempt.fail(None, "unknown e-mail", true).await?;
            return Err(CoreError::Unauthenticated(WRONG_CREDENTIALS.into()));
        };
        let user = match self.seed.user(&id).await {
            Ok(Some(u)) => u,
            Ok(None) => {
                check_password(&creds.password, DUMMY_HASH).await;
                attempt
                    .fail(Some(&id), "e-mail index points at no user", true)
                    .await?;
                return Err(CoreError::Unauthenticated(WRONG_CREDENTIALS.into()));
            }
            Err(ReadError::Store(e)) => return Err(e.into()),
            Err(ReadError::Unreadable(u)) => {
                attempt
                    .fail(Some(&id), "unreadable user record", true)
                    .await?;
                return Err(CoreError::Malformed(format!(
                    "the user record {} is unreadable: {}",
                    u.key, u.reason
                )));
            }
        };
        let stored = self
            .seed
            .keyspace()
            .get(&keys::user_password(&id))
            .await?
            .and_then(|v| String::from_utf8(v).ok());
        let password_ok = match &stored {
            Some(h) => check_password(&creds.password, h).await,
            None => {
                check_password(&creds.password, DUMMY_HASH).await;
                false
            }
        };
        if !password_ok {
            attempt.fail(Some(&id), "wrong password", true).await?;
            return Err(CoreError::Unauthenticated(WRONG_CREDENTIALS.into()));
        }
        // The password is right: from here the operator may learn why they cannot enter.
        if !user.is_active {
            attempt
                .fail(Some(&id), "account deactivated", false)
                .await?;
            return Err(CoreError::Forbidden(
                "this account is deactivated in the service".into(),
            ));
        }
        if let Some(until) = self.seed.keyspace().get(&keys::account_lock(&id)).await? {
            let until = String::from_utf8_lossy(&until).into_owned();
            attempt.fail(Some(&id), "account locked", false).await?;
            return Err(CoreError::Locked(format!(
                "the service has locked this account until {until} UTC; an officer can unlock it"
            )));
        }
        let mfa = match self.seed.keyspace().get(&keys::mfa(&id)).await? {
            Some(v) if user.mfa_enabled => match MfaRecord::parse(&v) {
                Ok(r) => r,
                Err(e) => {
                    attempt
                        .fail(Some(&id), "unreadable MFA record", false)
                        .await?;
                    return Err(CoreError::Malformed(format!(
                        "the MFA record of this account is unreadable: {e}"
                    )));
                }
            },
            _ => {
                attempt.fail(Some(&id), "no MFA", false).await?;
                return Err(CoreError::MfaRequired(
                    "accounts without MFA cannot sign in to the console; enroll MFA first".into(),
                ));
            }
        };
        let now = audit.clock().now();
        let unix = now.and_utc().timestamp().max(0) as u64;
        let check = match totp::decode_secret(mfa.secret().expose_secret()) {
            Ok(secret) => {
                totp::check_code(secret.expose_secret(), creds.totp.expose_secret(), unix)
            }
            Err(e) => {
                attempt
                    .fail(Some(&id), "unusable TOTP secret", false)
                    .await?;
                return Err(CoreError::Malformed(format!(
                    "the MFA secret of this account is unusable: {e}"
                )));
            }
        };
        match check {
            CodeCheck::Valid { step, .. } => {
                let replayed = {
                    let mut seen = self.accepted_steps.lock().expect("steps mutex poisoned");
                    let replayed = seen.get(&id).is_some_and(|s| *s >= step);
                    if !replayed {
                        seen.insert(id.clone(), step);
                    }
                    replayed
                };
                if replayed {
                    attempt.fail(Some(&id), "TOTP code replayed", true).await?;
                    return Err(CoreError::Unauthenticated(
                        "this code was already used; wait for the next one".into(),
                    ));
                }
            }
            CodeCheck::Drift { drift_steps } => {
                attempt.fail(Some(&id), "TOTP clock drift", true).await?;
                return Err(CoreError::Unauthenticated(format!(
                    "{WRONG_CREDENTIALS}: the code matches a time about {} seconds away, so check the authenticator's clock",
                    drift_steps.unsigned_abs() * 30
                )));
            }
            CodeCheck::Invalid => {
                attempt.fail(Some(&id), "wrong TOTP code", true).await?;
                return Err(CoreError::Unauthenticated(WRONG_CREDENTIALS.into()));
            }
        }
        let grant = match self.operators.grant_of(&id).await {
            Ok(Some(g)) => g,
            Ok(None) => {
                attempt.fail(Some(&id), "no console role", false).await?;
                return Err(CoreError::Forbidden(
                    "this account has no console role; a console admin must grant one".into(),
                ));
            }
            Err(e) => {
                attempt
                    .fail(Some(&id), "unreadable console grant", false)
                    .await?;
                return Err(e);
            }
        };
        let operator = Operator {
            id: id.clone(),
            role: grant.role,
            authenticated_by: "sign_in".into(),
        };
        // A success clears the failure count; best effort, the window expires anyway.
        let _ = self
            .throttle
            .apply(&[Write::Del {
                keys: vec![signin_failures_key(&email)],
            }])
            .await;
        let action = AuditAction::new("user_login", "console.sign_in")
            .subject(id.clone())
            .severity("low")
            .detail("console", true);
        audit
            .record(&operator, &action, Outcome::Success, None)
            .await?;
        Ok(SignedIn {
            operator,
            email: user.email.clone(),
            username: user.username.clone(),
            at: now,
        })
    }

    async fn failures(&self, email: &str) -> Result<u32, CoreError> {
        Ok(self
            .throttle
            .get(&signin_failures_key(email))
            .await?
            .and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok())
            .unwrap_or(0))
    }

    /// The console role of a user, for shells that re-check it (a role revoked while the
    /// operator is signed in takes effect on the next command).
    pub fn operators(&self) -> &Operators {
        &self.operators
    }

    pub fn seed(&self) -> &SeedStore {
        &self.seed
    }
}

/// One sign-in attempt's audit and throttle bookkeeping.
struct Attempt<'a> {
    audit: &'a AuditWriter,
    email: &'a str,
    throttle: &'a Arc<dyn KeySpace>,
}

impl Attempt<'_> {
    /// Audit a failure (`user_login` / `failure`, as the seed logs a failed login) and, when
    /// `counts`, add it to the e-mail's throttle window.
    async fn fail(&self, user: Option<&str>, reason: &str, counts: bool) -> Result<(), CoreError> {
        if counts {
            bump_failures(self.throttle, self.email).await;
        }
        let mut action = AuditAction::new("user_login", "console.sign_in").severity("medium");
        // What was typed in the e-mail field goes to the audit log only when it looks like an
        // e-mail: a password typed into the wrong field must not be recorded.
        let shown = if self.email.contains('@') && self.email.len() <= 254 {
            self.email
        } else {
            "(not an e-mail)"
        };
        action = action.detail("email", shown).detail("console", true);
        if let Some(u) = user {
            action = action.subject(u.to_string());
        }
        let actor = user.unwrap_or("unknown");
        self.audit
            .record_as(actor, "none", &action, Outcome::Failure, Some(reason))
            .await?;
        Ok(())
    }
}

/// Add one failure to the e-mail's window with a compare-and-set (two consoles failing at once
/// both count). Throttling is a defence in depth: a store error here never blocks the answer.
async fn bump_failures(ks: &Arc<dyn KeySpace>, email: &str) {
    let key = signin_failures_key(email);
    for _ in 0..5 {
        let Ok(old) = ks.get(&key).await else { return };
        let n: u32 = old
            .as_deref()
            .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok())
            .unwrap_or(0);
        let write = Write::Set {
            key: key.clone(),
            value: (n + 1).to_string().into_bytes(),
            ttl_secs: Some(SIGNIN_WINDOW_SECS),
        };
        let guard = Guard::StringIs {
            key: key.clone(),
            value: old,
        };
        match ks.apply_guarded(&[guard], &[write]).await {
            Ok(Applied::Done) => return,
            Ok(_) => continue,
            Err(_) => return,
        }
    }
}

/// bcrypt off the async workers: cost 12 is about a quarter of a second of CPU.
async fn check_password(password: &SecretString, stored: &str) -> bool {
    let password = password.clone();
    let stored = stored.to_string();
    tokio::task::spawn_blocking(move || verify_password(&password, &stored).unwrap_or(false))
        .await
        .unwrap_or(false)
}

/// Grant (or change) a console role. Only a console admin may; audited both ways. Changing the
/// role of the last console admin to another role is refused like revoking it (see
/// [`change_entry`]).
pub async fn grant_role(
    audit: &AuditWriter,
    operator: &Operator,
    seed: &SeedStore,
    operators: &Operators,
    email: &str,
    role: ConsoleRole,
) -> Result<Grant, CoreError> {
    let action = AuditAction::new("permission_change", "console.grant_role")
        .detail("console_role", role.as_str())
        .detail("target", email.trim())
        .severity("high");
    let (grant, _) = mutate(
        audit,
        operator,
        Capability::AdministerConsole,
        action,
        || async {
            let id = user_for_grant(seed, email).await?;
            let grant = Grant {
                role,
                granted_by: operator.id.clone(),
                granted_at: format_naive_iso(&audit.clock().now()),
            };
            change_entry(operators, &id, Some(&grant)).await?;
            let mut extra = Map::new();
            extra.insert("subject".into(), id.into());
            Ok((grant, extra))
        },
    )
    .await?;
    Ok(grant)
}

/// Remove a console role. `who` is the operator's e-mail or, for a grant whose user record is
/// gone (it can never sign in, but it should not linger), their `user_…` id. The last console
/// admin cannot be removed (see [`change_entry`]); an operator may remove their own role while
/// another console admin remains.
pub async fn revoke_role(
    audit: &AuditWriter,
    operator: &Operator,
    seed: &SeedStore,
    operators: &Operators,
    who: &str,
) -> Result<(), CoreError> {
    let action = AuditAction::new("permission_change", "console.revoke_role")
        .detail("target", who.trim())
        .severity("high");
    mutate(
        audit,
        operator,
        Capability::AdministerConsole,
        action,
        || async {
            let id = if who.contains('@') {
                user_for_grant(seed, who).await?
            } else {
                who.trim().to_string()
            };
            change_entry(operators, &id, None).await?;
            let mut extra = Map::new();
            extra.insert("subject".into(), id.into());
            Ok(((), extra))
        },
    )
    .await?;
    Ok(())
}

/// The sentence every refusal to leave the console without a console admin gets.
pub const LAST_CONSOLE_ADMIN: &str = "this is the last console admin, and a console without one can only be repaired by bootstrapping again; grant console_admin to someone else first";

/// How often a registry write is re-read and retried when another console changed the
/// registry between the read and the write.
const CHANGE_ATTEMPTS: usize = 5;

/// Set (`Some`) or remove (`None`) the registry entry of `id`, refusing any change that would
/// leave no readable console_admin grant. The decision and the write are one compare-and-set:
/// the write holds only if `id`'s entry and one other console admin's entry are still what was
/// read, so two admins revoking each other at the same moment cannot both succeed.
async fn change_entry(
    operators: &Operators,
    id: &str,
    new: Option<&Grant>,
) -> Result<(), CoreError> {
    let is_admin =
        |v: &[u8]| matches!(Grant::parse(v), Ok(g) if g.role == ConsoleRole::ConsoleAdmin);
    for _ in 0..CHANGE_ATTEMPTS {
        let fields = operators.ks.hgetall(OPERATORS_KEY).await?;
        let current = fields
            .iter()
            .find(|(k, _)| k.as_slice() == id.as_bytes())
            .map(|(_, v)| v.clone());
        if new.is_none() && current.is_none() {
            return Err(CoreError::NotFound(format!("{id} has no console role")));
        }
        let mut guards = vec![Guard::HashFieldIs {
            key: OPERATORS_KEY.into(),
            field: id.into(),
            value: current.clone(),
        }];
        let removes_admin = current.as_deref().is_some_and(is_admin)
            && new.is_none_or(|g| g.role != ConsoleRole::ConsoleAdmin);
        if removes_admin {
            let mut others: Vec<_> = fields
                .iter()
                .filter(|(k, v)| k.as_slice() != id.as_bytes() && is_admin(v))
                .filter_map(|(k, v)| Some((std::str::from_utf8(k).ok()?, v)))
                .collect();
            others.sort();
            let Some((other, value)) = others.first() else {
                return Err(CoreError::Conflict(LAST_CONSOLE_ADMIN.into()));
            };
            guards.push(Guard::HashFieldIs {
                key: OPERATORS_KEY.into(),
                field: (*other).to_string(),
                value: Some((*value).clone()),
            });
        }
        let write = match new {
            Some(g) => operators.grant_write(id, g),
            None => Write::HDel {
                key: OPERATORS_KEY.into(),
                fields: vec![id.into()],
            },
        };
        if operators.ks.apply_guarded(&guards, &[write]).await? == Applied::Done {
            return Ok(());
        }
    }
    Err(CoreError::Conflict(
        "the console roles kept changing while this was written; look again and retry".into(),
    ))
}

/// Make the first console admin. Allowed only while the store has none, only for an account
/// that proves itself with password and TOTP (so a bootstrap cannot hand the console to an
/// account the person at the keyboard does not hold), and audited with the local OS user as the
/// actor. The grant is compare-and-set on "no console admin yet".
pub async fn bootstrap_admin(
    audit: &AuditWriter,
    local: &Operator,
    auth: &Authenticator,
    creds: Credentials,
) -> Result<SignedIn, CoreError> {
    let email = creds.email.trim().to_string();
    let action = AuditAction::new("permission_change", "console.bootstrap_admin")
        .detail("console_role", ConsoleRole::ConsoleAdmin.as_str())
        .severity("high");
    if auth.operators.has_console_admin().await? {
        let why = "a console admin already exists; ask them to grant roles";
        audit
            .record(local, &action, Outcome::Refused, Some(why))
            .await?;
        return Err(CoreError::Conflict(why.into()));
    }
    let id = match user_for_grant(&auth.seed, &email).await {
        Ok(id) => id,
        Err(e) => {
            audit
                .record(local, &action, Outcome::Failure, Some(&e.to_string()))
                .await?;
            return Err(e);
        }
    };
    let grant = Grant {
        role: ConsoleRole::ConsoleAdmin,
        granted_by: local.id.clone(),
        granted_at: format_naive_iso(&audit.clock().now()),
    };
    // Prove the account first: grant provisionally only if there is still no grant for it,
    // then sign in; on a failed sign-in the provisional grant is removed again.
    let guard = Guard::HashFieldIs {
        key: OPERATORS_KEY.into(),
        field: id.clone(),
        value: None,
    };
    let applied = auth
        .operators
        .ks
        .apply_guarded(&[guard], &[auth.operators.grant_write(&id, &grant)])
        .await?;
    if applied == Applied::Conflict {
        let why = "this account already has a console role";
        audit
            .record(local, &action.subject(id), Outcome::Refused, Some(why))
            .await?;
        return Err(CoreError::Conflict(why.into()));
    }
    match auth.sign_in(audit, creds).await {
        Ok(s) => {
            audit
                .record(local, &action.subject(id), Outcome::Success, None)
                .await?;
            Ok(s)
        }
        Err(e) => {
            auth.operators
                .ks
                .apply(&[Write::HDel {
                    key: OPERATORS_KEY.into(),
                    fields: vec![id.clone()],
                }])
                .await?;
            audit
                .record(
                    local,
                    &action.subject(id),
                    Outcome::Failure,
                    Some(&e.to_string()),
                )
                .await?;
            Err(e)
        }
    }
}

async fn user_for_grant(seed: &SeedStore, email: &str) -> Result<String, CoreError> {
    let id = match seed.user_id_by_email(email.trim()).await {
        Ok(Some(id)) => id,
        Ok(None) => return Err(CoreError::NotFound(format!("no user with e-mail {email}"))),
        Err(ReadError::Store(e)) => return Err(e.into()),
        Err(ReadError::Unreadable(u)) => {
            return Err(CoreError::Malformed(format!("{}: {}", u.key, u.reason)))
        }
    };
    match seed.user(&id).await {
        Ok(Some(UserRecord { .. })) => Ok(id),
        Ok(None) => Err(CoreError::NotFound(format!("no user with e-mail {email}"))),
        Err(ReadError::Store(e)) => Err(e.into()),
        Err(ReadError::Unreadable(u)) => Err(CoreError::Malformed(format!(
            "the user record {} is unreadable: {}",
            u.key, u.reason
        ))),
    }
}
