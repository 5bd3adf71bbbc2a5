//! A user's sessions: the seed's refresh tokens (`refresh_token:{token_id}`, CONTRACT §1.6).
//! `refresh_access_token` only checks that the key exists, so deleting it (as
//! `revoke_refresh_token` does) ends the session for the service.
//!
//! Token ids are shown masked (`abcdef…`) in listings, errors and audit details. They are not
//! secrets by themselves (the JWT is signed), but a full id plus a leaked signing key is a
//! session, and there is no reason to spread them.

use rampart_domain::console::{AccountChange, Capability, Operator};
use rampart_domain::keys;
use rampart_domain::time::format_naive_iso;
use rampart_domain::token::mask_token_id;
use serde::Serialize;

use super::{details, ttl_secs, Access};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::{mutate, operator_guard};
use crate::ports::{Write, MAX_BATCH};
use crate::seed::Unreadable;
use crate::CoreError;

/// Shortest token prefix `revoke_session` accepts: the 6 characters a listing shows.
pub const MIN_PREFIX: usize = 6;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SessionView {
    /// The token id masked: first 6 characters and `…`.
    pub token: String,
    /// Naive UTC ISO, as stored.
    pub created_at: String,
    pub exp: String,
    /// Seconds before Redis drops the key (the session ends then at the latest).
    pub ttl_secs: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionList {
    pub user_id: String,
    /// Newest first.
    pub sessions: Vec<SessionView>,
    /// `refresh_token:*` values the service could not parse either (key shown masked).
    pub unreadable: Vec<Unreadable>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Revoked {
    pub user_id: String,
    /// Masked ids of the sessions ended.
    pub tokens: Vec<String>,
}

fn mask_key(u: Unreadable) -> Unreadable {
    let key = match u.key.strip_prefix("refresh_token:") {
        Some(id) => format!("refresh_token:{}", mask_token_id(id)),
        None => u.key,
    };
    Unreadable {
        key,
        reason: u.reason,
    }
}

impl Access {
    /// The user's refresh tokens with creation, expiry and time left.
    pub async fn list_sessions(&self, who: &str) -> Result<SessionList, CoreError> {
        let user = self.user(who).await?;
        let (records, bad) = self.seed.sessions_of(&user.id).await?;
        let mut sessions = Vec::with_capacity(records.len());
        for r in records {
            let ttl = self.ks.ttl(&keys::refresh_token(&r.token_id)).await?;
            sessions.push(SessionView {
                token: mask_token_id(&r.token_id),
                created_at: format_naive_iso(&r.created_at),
                exp: format_naive_iso(&r.exp),
                ttl_secs: ttl_secs(ttl),
            });
        }
        Ok(SessionList {
            user_id: user.id,
            sessions,
            unreadable: bad.into_iter().map(mask_key).collect(),
        })
    }

    /// End one session, named by a prefix of its token id (at least [`MIN_PREFIX`] characters,
    /// matching exactly one of the user's sessions).
    pub async fn revoke_session(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        token_prefix: &str,
    ) -> Result<Revoked, CoreError> {
        let (id, user) = self.subject(who).await;
        let prefix = token_prefix.trim().trim_end_matches('…').to_string();
        let mut action = AuditAction::new("console_session_revoke", "session.revoke")
            .detail("token", mask_token_id(&prefix));
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (r, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let user = user?;
                operator_guard(&self.ks, operator, &user.id, AccountChange::Standing).await?;
                if prefix.chars().count() < MIN_PREFIX {
                    return Err(CoreError::Validation(format!(
                        "give at least the first {MIN_PREFIX} characters of the token, as listed"
                    )));
                }
                let (records, _) = self.seed.sessions_of(&user.id).await?;
                let hits: Vec<_> = records
                    .iter()
                    .filter(|r| r.token_id.starts_with(&prefix))
                    .collect();
                let hit = match hits.as_slice() {
                    [one] => *one,
                    [] => {
                        return Err(CoreError::NotFound(format!(
                            "this user has no session {}",
                            mask_token_id(&prefix)
                        )))
                    }
                    _ => {
                        return Err(CoreError::Validation(format!(
                            "{} sessions start with {}; give more characters",
                            hits.len(),
                            mask_token_id(&prefix)
                        )))
                    }
                };
                self.ks
                    .apply(&[Write::Del {
                        keys: vec![keys::refresh_token(&hit.token_id)],
                    }])
                    .await?;
                let r = Revoked {
                    user_id: user.id.clone(),
                    tokens: vec![mask_token_id(&hit.token_id)],
                };
                Ok((r, details([("revoked", 1.into())])))
            },
        )
        .await?;
        Ok(r)
    }

    /// End every session of the user.
    pub async fn revoke_all_sessions(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
    ) -> Result<Revoked, CoreError> {
        let (id, user) = self.subject(who).await;
        let mut action = AuditAction::new("console_session_revoke", "session.revoke_all");
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (r, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let user = user?;
                operator_guard(&self.ks, operator, &user.id, AccountChange::Standing).await?;
                let (records, _) = self.seed.sessions_of(&user.id).await?;
                let keys_all: Vec<String> = records
                    .iter()
                    .map(|r| keys::refresh_token(&r.token_id))
                    .collect();
                for chunk in keys_all.chunks(MAX_BATCH) {
                    self.ks
                        .apply(&[Write::Del {
                            keys: chunk.to_vec(),
                        }])
                        .await?;
                }
                let r = Revoked {
                    user_id: user.id.clone(),
                    tokens: records.iter().map(|r| mask_token_id(&r.token_id)).collect(),
                };
                let n = r.tokens.len();
                Ok((r, details([("revoked", n.into())])))
            },
        )
        .await?;
        Ok(r)
    }
}
