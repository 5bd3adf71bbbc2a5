//! Access administration around a user: MFA enrolment ([`mfa`]), sessions ([`sessions`]), API
//! keys ([`apikeys`]), account locks, IP blocks and rate limits ([`locks`]).
//!
//! Every byte written is what the service's own code writes or reads (CONTRACT §1.6, §2, §5,
//! §6.2). Every mutation goes through [`crate::guard::mutate`]: the console role is checked
//! first, then the action runs, and success, failure or refusal is audited. Reads need only a
//! signed-in operator (every console role may read). Secrets (TOTP secrets, backup codes, API
//! keys) leave the core once, in types whose `Debug` redacts them, and never enter audit
//! details; token ids appear masked (`abcdef…`).
//!
//! An account that holds a console role is an operator's: its MFA is never changed (revoke the
//! role first), and only a console admin ends its sessions or lifts its lock
//! ([`crate::guard::operator_guard`]).

pub mod apikeys;
pub mod locks;
pub mod mfa;
pub mod sessions;

use std::sync::Arc;

use chrono::NaiveDateTime;
use rampart_domain::keys;
use rampart_domain::user::UserRecord;
use serde_json::{Map, Value};

use crate::ports::{AuditIndex, Clock, KeySpace, Ttl};
use crate::seed::{ReadError, SeedStore};
use crate::CoreError;

/// Longest reason Rampart records for an unlock, unblock or MFA reset.
pub const MAX_REASON_CHARS: usize = 500;

/// The access use cases over one connected profile.
#[derive(Clone)]
pub struct Access {
    ks: Arc<dyn KeySpace>,
    seed: SeedStore,
    /// Where the audit events that caused a lock are looked up when the service's 24-hour
    /// Redis copies are gone (Elasticsearch or the embedded table).
    index: Option<Arc<dyn AuditIndex>>,
    /// "Now" for read-only views (is a key expired?); mutations use the audit writer's clock.
    clock: Arc<dyn Clock>,
}

impl Access {
    pub fn new(
        ks: Arc<dyn KeySpace>,
        index: Option<Arc<dyn AuditIndex>>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            seed: SeedStore::new(ks.clone()),
            ks,
            index,
            clock,
        }
    }

    pub fn keyspace(&self) -> &Arc<dyn KeySpace> {
        &self.ks
    }

    /// Resolve `who` (a user id, or an e-mail exactly as stored: the seed never normalises) to
    /// the audit subject and the user. Lookup problems are returned inside, not raised, so the
    /// caller can run them through `mutate` and have them audited after the role check.
    async fn subject(&self, who: &str) -> (Option<String>, Result<UserRecord, CoreError>) {
        let who = who.trim();
        let id = if who.contains('@') {
            match self.seed.user_id_by_email(who).await {
                Ok(Some(id)) => id,
                Ok(None) => {
                    return (
                        None,
                        Err(CoreError::NotFound(format!("no user with e-mail {who}"))),
                    )
                }
                Err(e) => return (None, Err(e.into())),
            }
        } else {
            who.to_string()
        };
        if id.is_empty() {
            return (
                None,
                Err(CoreError::Validation(
                    "name a user by id (user_…) or e-mail".into(),
                )),
            );
        }
        let user = match self.seed.user(&id).await {
            Ok(Some(u)) => Ok(u),
            Ok(None) => Err(CoreError::NotFound(format!("no user {}", keys::user(&id)))),
            Err(ReadError::Store(e)) => Err(e.into()),
            Err(ReadError::Unreadable(u)) => Err(CoreError::Malformed(format!(
                "`{}` is unreadable ({}); the service cannot load this user either",
                u.key, u.reason
            ))),
        };
        (Some(id), user)
    }

    /// The user for a read-only view: errors are simply returned.
    async fn user(&self, who: &str) -> Result<UserRecord, CoreError> {
        self.subject(who).await.1
    }
}

/// A reason is mandatory for undoing the service's own protections and for resetting MFA.
pub(crate) fn require_reason(reason: &str) -> Result<String, CoreError> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(CoreError::Validation(
            "a reason is required; it is recorded in the audit trail".into(),
        ));
    }
    if r.chars().count() > MAX_REASON_CHARS {
        return Err(CoreError::Validation(format!(
            "the reason is longer than {MAX_REASON_CHARS} characters"
        )));
    }
    Ok(r.to_string())
}

/// Whole seconds left, rounded up (a key with 400 ms left still exists); `None` when the key
/// has no expiry or is gone.
pub(crate) fn ttl_secs(t: Ttl) -> Option<u64> {
    match t {
        Ttl::Millis(ms) => Some(ms.div_ceil(1000)),
        Ttl::Missing | Ttl::Persistent => None,
    }
}

pub(crate) fn unix(now: &NaiveDateTime) -> u64 {
    now.and_utc().timestamp().max(0) as u64
}

/// Audit details from pairs, for the closures of `mutate`.
pub(crate) fn details<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_trimmed_and_bounded() {
        assert!(require_reason("  ").is_err(), "blank is no reason");
        assert_eq!(
            require_reason(" 본인 확인 완료 ").unwrap(),
            "본인 확인 완료"
        );
        assert!(require_reason(&"x".repeat(MAX_REASON_CHARS + 1)).is_err());
        assert!(
            require_reason(&"가".repeat(MAX_REASON_CHARS)).is_ok(),
            "counted in characters"
        );
    }

    #[test]
    fn ttl_rounds_up_and_absent_expiry_is_none() {
        assert_eq!(ttl_secs(Ttl::Millis(400)), Some(1));
        assert_eq!(ttl_secs(Ttl::Millis(900_000)), Some(900));
        assert_eq!(ttl_secs(Ttl::Persistent), None);
        assert_eq!(ttl_secs(Ttl::Missing), None);
    }
}
