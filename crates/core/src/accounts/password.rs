//! Admin password reset: the new `user_password:{id}` (bcrypt `$2b$12$`, policy checked), the
//! removal of `account_lock:{id}` and of the user's refresh tokens (`refresh_token:*` whose
//! record names the user) land in one atomic write. A reset user is never left locked out, a
//! lock is never cleared without the new password, and a reset ends every session the old
//! password opened (a reset usually answers a suspected compromise; a thief's refresh token
//! must not outlive it). The password is never audited; a generated one is returned once for
//! the operator to hand over.
//!
//! An account that holds a console role is refused (revoke the role first): whoever sets an
//! operator's password could sign in as that operator ([`crate::guard::operator_guard`]).
//!
//! What a reset cannot end: access tokens already issued (the service cannot revoke those,
//! CONTRACT §7.9; they expire on their own), and a login whose bcrypt check against the old
//! hash started before the reset and writes its refresh token after it (a fraction of a
//! second; the user's Sessions tab shows it and "revoke all" ends it).

use rampart_domain::console::{AccountChange, Capability, Operator};
use rampart_domain::keys;
use secrecy::SecretString;
use serde::Serialize;
use serde_json::Map;

use super::{Accounts, PasswordChoice};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::{mutate, operator_guard};
use crate::ports::{Applied, Guard, Write};
use crate::CoreError;

#[derive(Debug, Serialize)]
pub struct PasswordReset {
    pub user_id: String,
    /// Whether an `account_lock` was present and removed.
    pub lock_cleared: bool,
    /// Refresh tokens of the user deleted with the reset (sessions ended).
    pub sessions_revoked: usize,
    /// Set when Rampart generated the password: show it once, then drop it.
    #[serde(skip)]
    pub generated_password: Option<SecretString>,
}

impl Accounts {
    pub async fn reset_password(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        choice: PasswordChoice,
    ) -> Result<PasswordReset, CoreError> {
        let resolved = self.resolve_id(who).await;
        let mut action = AuditAction::new("password_change", "user.password.reset")
            .severity("high")
            .detail(
                "password_generated",
                matches!(choice, PasswordChoice::Generate),
            );
        match &resolved {
            Ok(id) => action = action.subject(id.clone()),
            Err(_) => action = action.detail("who", who),
        }
        let (reset, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            move || async move {
                let id = resolved?;
                operator_guard(&self.ks, operator, &id, AccountChange::Credentials).await?;
                self.load(&id).await?;
                let (hash, generated_password) = self.new_password_hash(choice).await?;
                let lock_key = keys::account_lock(&id);
                let lock_cleared = self.ks.get(&lock_key).await?.is_some();
                // The seed keeps no per-user index of refresh tokens: one SCAN finds them.
                let (sessions, _) = self.seed.sessions_of(&id).await?;
                let mut ended: Vec<String> = sessions
                    .iter()
                    .map(|r| keys::refresh_token(&r.token_id))
                    .collect();
                ended.push(lock_key);
                let applied = self
                    .ks
                    .apply_guarded(
                        &[Guard::Exists {
                            key: keys::user(&id),
                            exists: true,
                        }],
                        &[
                            Write::Set {
                                key: keys::user_password(&id),
                                value: hash.into_bytes(),
                                ttl_secs: None,
                            },
                            Write::Del { keys: ended },
                        ],
                    )
                    .await?;
                if applied == Applied::Conflict {
                    return Err(CoreError::NotFound(format!(
                        "{} was removed meanwhile",
                        keys::user(&id)
                    )));
                }
                let mut extra = Map::new();
                extra.insert("lock_cleared".into(), lock_cleared.into());
                extra.insert("sessions_revoked".into(), sessions.len().into());
                Ok((
                    PasswordReset {
                        user_id: id,
                        lock_cleared,
                        sessions_revoked: sessions.len(),
                        generated_password,
                    },
                    extra,
                ))
            },
        )
        .await?;
        Ok(reset)
    }
}
