//! The console's operators as a list to administer: every grant of Rampart's registry
//! ([`rampart_domain::console::OPERATORS_KEY`]) joined with the account it names, and why that account cannot sign in
//! now. The checks are the ones [`crate::signin::Authenticator::sign_in`] makes, read without
//! a password, so the list says ahead of time what a sign-in would refuse.
//!
//! Reading changes nothing and is not audited; granting and revoking are
//! [`crate::signin::grant_role`] and [`crate::signin::revoke_role`].

use std::collections::HashMap;

use rampart_domain::console::{allows, Capability, ConsoleRole, Operator};
use rampart_domain::keys;
use rampart_domain::limits::parse_lock_value;
use rampart_domain::time::format_naive_iso;
use serde::Serialize;
use ts_rs::TS;

use crate::seed::{ReadError, SeedStore};
use crate::signin::Operators;
use crate::CoreError;

/// Why an operator cannot sign in to the console now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignInBlocker {
    /// The grant's JSON does not parse: no role, so no sign-in.
    GrantUnreadable,
    /// The grant names a user id with no `user:{id}` record.
    NoUser,
    /// `user:{id}` does not parse.
    UserUnreadable,
    /// `is_active` is False in the service.
    Deactivated,
    /// `mfa_enabled` is off or `mfa:{id}` is missing: the console requires MFA.
    NoMfa,
    /// `mfa:{id}` exists but does not parse.
    MfaUnreadable,
    /// The service's account lock is set (it lapses with its TTL or an officer lifts it).
    Locked,
}

/// One registry entry and the account behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OperatorEntry {
    pub user_id: String,
    /// From `user:{id}`; `None` when the record is missing or unreadable.
    pub email: Option<String>,
    pub username: Option<String>,
    /// `None` when the grant is unreadable (`grant_error` says why, in the JSON parser's words).
    pub role: Option<ConsoleRole>,
    /// `user_…`, or `local:<os user>` for the bootstrap.
    pub granted_by: Option<String>,
    /// The e-mail of `granted_by` when it names a readable user.
    pub granted_by_email: Option<String>,
    /// Naive UTC ISO, as stored.
    pub granted_at: Option<String>,
    pub grant_error: Option<String>,
    /// Empty when nothing stops a sign-in (password and code aside).
    pub blockers: Vec<SignInBlocker>,
    /// Naive UTC ISO, with [`SignInBlocker::Locked`].
    pub locked_until: Option<String>,
    /// The reasons of unreadable parts (user record, MFA record), with their keys.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OperatorRoster {
    /// By e-mail (entries without one last, by user id).
    pub operators: Vec<OperatorEntry>,
    /// Readable console_admin grants: the last one cannot be revoked or demoted.
    #[ts(type = "number")]
    pub console_admins: u64,
    /// The reader's console role as stored now (it may have changed since they signed in).
    pub viewer_role: ConsoleRole,
}

/// Every operator. Any console role may read it.
pub async fn roster(
    operator: &Operator,
    seed: &SeedStore,
    operators: &Operators,
) -> Result<OperatorRoster, CoreError> {
    if !allows(operator.role, Capability::Read) {
        return Err(CoreError::Forbidden(format!(
            "the console role {} may not read the operators",
            operator.role.as_str()
        )));
    }
    let grants = operators.all().await?;
    let mut emails: HashMap<String, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(grants.len());
    let mut console_admins = 0;
    for (id, grant) in grants {
        let mut e = OperatorEntry {
            user_id: id.clone(),
            email: None,
            username: None,
            role: None,
            granted_by: None,
            granted_by_email: None,
            granted_at: None,
            grant_error: None,
            blockers: Vec::new(),
            locked_until: None,
            problems: Vec::new(),
        };
        match grant {
            Ok(g) => {
                console_admins += u64::from(g.role == ConsoleRole::ConsoleAdmin);
                e.role = Some(g.role);
                e.granted_by_email = email_of(seed, &g.granted_by, &mut emails).await?;
                e.granted_by = Some(g.granted_by);
                e.granted_at = Some(g.granted_at);
            }
            Err(reason) => {
                // The row already names the registry field and says "unreadable": keep the why.
                e.blockers.push(SignInBlocker::GrantUnreadable);
                let why = reason.strip_prefix("unreadable console grant: ");
                e.grant_error = Some(why.unwrap_or(&reason).to_string());
            }
        }
        account(seed, &mut e).await?;
        emails.insert(id, e.email.clone());
        out.push(e);
    }
    out.sort_by(|a, b| {
        (a.email.is_none(), &a.email, &a.user_id).cmp(&(b.email.is_none(), &b.email, &b.user_id))
    });
    Ok(OperatorRoster {
        operators: out,
        console_admins,
        viewer_role: operator.role,
    })
}

/// The account's side of an entry: who it is and what would refuse its sign-in.
async fn account(seed: &SeedStore, e: &mut OperatorEntry) -> Result<(), CoreError> {
    let id = e.user_id.clone();
    let user = match seed.user(&id).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            e.blockers.push(SignInBlocker::NoUser);
            return Ok(());
        }
        Err(ReadError::Unreadable(u)) => {
            e.blockers.push(SignInBlocker::UserUnreadable);
            e.problems.push(format!("{}: {}", u.key, u.reason));
            return Ok(());
        }
        Err(ReadError::Store(err)) => return Err(err.into()),
    };
    if !user.is_active {
        e.blockers.push(SignInBlocker::Deactivated);
    }
    // As sign-in: the flag must be on and the record must parse.
    match seed.mfa_summary(&id).await {
        Ok(Some(_)) if user.mfa_enabled => {}
        Ok(_) => e.blockers.push(SignInBlocker::NoMfa),
        Err(ReadError::Unreadable(u)) => {
            e.blockers.push(if user.mfa_enabled {
                SignInBlocker::MfaUnreadable
            } else {
                SignInBlocker::NoMfa
            });
            e.problems.push(format!("{}: {}", u.key, u.reason));
        }
        Err(ReadError::Store(err)) => return Err(err.into()),
    }
    if let Some(v) = seed.keyspace().get(&keys::account_lock(&id)).await? {
        e.blockers.push(SignInBlocker::Locked);
        e.locked_until = Some(match parse_lock_value(&v) {
            Ok(t) => format_naive_iso(&t),
            Err(_) => String::from_utf8_lossy(&v).into_owned(),
        });
    }
    e.email = Some(user.email);
    e.username = Some(user.username);
    Ok(())
}

/// The e-mail of a granting user (cached: one admin usually granted most roles).
async fn email_of(
    seed: &SeedStore,
    who: &str,
    cache: &mut HashMap<String, Option<String>>,
) -> Result<Option<String>, CoreError> {
    if who.starts_with("local:") {
        return Ok(None);
    }
    if let Some(hit) = cache.get(who) {
        return Ok(hit.clone());
    }
    let email = match seed.user(who).await {
        Ok(u) => u.map(|u| u.email),
        Err(ReadError::Unreadable(_)) => None,
        Err(ReadError::Store(err)) => return Err(err.into()),
    };
    cache.insert(who.to_string(), email.clone());
    Ok(email)
}
