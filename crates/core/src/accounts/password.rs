//! Admin password reset: the new `user_password:{id}` (bcrypt `$2b$12$`, policy checked) and
//! the removal of `account_lock:{id}` land in one atomic write, so a reset user is never left
//! locked out and a lock is never cleared without the new password. The password is never
//! audited; a generated one is returned once for the operator to hand over.

use rampart_domain::console::{Capability, Operator};
use rampart_domain::keys;
use secrecy::SecretString;
use serde::Serialize;
use serde_json::Map;

use super::{Accounts, PasswordChoice};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::mutate;
use crate::ports::{Applied, Guard, Write};
use crate::CoreError;

#[derive(Debug, Serialize)]
pub struct PasswordReset {
    pub user_id: String,
    /// Whether an `account_lock` was present and removed.
    pub lock_cleared: bool,
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
                self.load(&id).await?;
                let (hash, generated_password) = self.new_password_hash(choice).await?;
                let lock_key = keys::account_lock(&id);
                let lock_cleared = self.ks.get(&lock_key).await?.is_some();
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
                            Write::Del {
                                keys: vec![lock_key],
                            },
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
                Ok((
                    PasswordReset {
                        user_id: id,
                        lock_cleared,
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
