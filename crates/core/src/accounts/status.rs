//! Deactivate and reactivate a user, with a mandatory reason. The service reads
//! `is_active.lower() == 'true'` and `verify_token` / `authenticate_user` refuse inactive users,
//! so writing `False` locks the user out of the service at once (their refresh tokens stay, but
//! stop working: `refresh_access_token` checks the user is active).

use rampart_domain::console::{AccountChange, Capability, Operator};
use rampart_domain::keys;
use rampart_domain::user::is_active_field;
use serde::Serialize;
use serde_json::Map;

use super::{required_reason, Accounts, GUARD_RETRIES};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::{mutate, operator_guard};
use crate::ports::{Applied, Guard, Write};
use crate::CoreError;

#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub user_id: String,
    pub before: bool,
    pub after: bool,
    /// `false` when the user already was in the wanted state (nothing written).
    pub changed: bool,
}

impl Accounts {
    /// Set `is_active` to `True`/`False` (str(bool), as `_save_user` writes it).
    pub async fn set_active(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        active: bool,
        reason: &str,
    ) -> Result<StatusChange, CoreError> {
        let resolved = self.resolve_id(who).await;
        let (event, name) = if active {
            ("console_user_reactivated", "user.reactivate")
        } else {
            ("console_user_deactivated", "user.deactivate")
        };
        let mut action = AuditAction::new(event, name)
            .severity(if active { "medium" } else { "high" })
            .detail("reason", reason.trim());
        if let Ok(id) = &resolved {
            action = action.subject(id.clone());
        } else {
            action = action.detail("who", who);
        }
        let (change, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let id = resolved?;
                required_reason(reason)?;
                operator_guard(&self.ks, operator, &id, AccountChange::Standing).await?;
                let change = self.write_active(&id, active, |_| Vec::new()).await?;
                let mut extra = Map::new();
                extra.insert("changed".into(), change.changed.into());
                Ok((change, extra))
            },
        )
        .await?;
        if change.changed {
            self.touched(&change.user_id);
        }
        Ok(change)
    }

    /// The guarded write shared with bulk actions: HSET just `is_active`, guarded on the value
    /// read, retried when the service wrote the hash meanwhile. `also` joins the same atomic
    /// write (a batch's item result).
    pub(crate) async fn write_active(
        &self,
        id: &str,
        active: bool,
        also: impl Fn(&StatusChange) -> Vec<Write>,
    ) -> Result<StatusChange, CoreError> {
        let key = keys::user(id);
        for _ in 0..GUARD_RETRIES {
            let user = self.load(id).await?;
            let raw = self.ks.hget(&key, "is_active").await?;
            let guards = [
                Guard::Exists {
                    key: key.clone(),
                    exists: true,
                },
                Guard::HashFieldIs {
                    key: key.clone(),
                    field: "is_active".into(),
                    value: raw,
                },
            ];
            let changed = user.is_active != active;
            let change = StatusChange {
                user_id: id.to_owned(),
                before: user.is_active,
                after: active,
                changed,
            };
            let mut writes = Vec::new();
            if changed {
                writes.push(Write::HSet {
                    key: key.clone(),
                    fields: vec![is_active_field(active)],
                });
            }
            writes.extend(also(&change));
            if writes.is_empty() || self.ks.apply_guarded(&guards, &writes).await? == Applied::Done
            {
                return Ok(change);
            }
        }
        Err(busy(id))
    }
}

pub(crate) fn busy(id: &str) -> CoreError {
    CoreError::Conflict(format!(
        "{} kept changing while Rampart tried to write it; try again",
        keys::user(id)
    ))
}
