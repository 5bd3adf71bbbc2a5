//! Role changes. `permissions` is stored, never recomputed by the service (CONTRACT §1.2), so a
//! role change HSETs `role` and `permissions` (table order, §1.7) together, guarded on the role
//! read. A promotion to `admin` is not written: it files a four-eyes request (see
//! [`super::approvals`]).

use rampart_domain::approval::{ApprovalRequest, ApprovalStatus, APPROVALS_KEY};
use rampart_domain::console::{AccountChange, Capability, Operator};
use rampart_domain::keys;
use rampart_domain::user::{role_change_fields, Role};
use serde::Serialize;
use serde_json::Map;

use super::status::busy;
use super::{optional_reason, Accounts, GUARD_RETRIES};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::{mutate, operator_guard};
use crate::ports::{Applied, Guard, Write};
use crate::CoreError;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RoleOutcome {
    Changed {
        user_id: String,
        before: Role,
        after: Role,
        permissions: String,
    },
    Unchanged {
        user_id: String,
        role: Role,
    },
    /// A promotion to admin waits for a second console admin.
    ApprovalRequested {
        request: ApprovalRequest,
    },
}

impl Accounts {
    /// Change a user's role. To `admin`: files an approval request instead (or returns the one
    /// already pending for that user).
    pub async fn change_role(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        role: Role,
        reason: Option<&str>,
    ) -> Result<RoleOutcome, CoreError> {
        let resolved = self.resolve_id(who).await;
        let name = if role == Role::Admin {
            "user.role.request_admin"
        } else {
            "user.role.change"
        };
        let mut action = AuditAction::new("permission_change", name)
            .severity("high")
            .detail("to_role", role.as_str());
        if let Some(r) = reason {
            action = action.detail("reason", r.trim());
        }
        match &resolved {
            Ok(id) => action = action.subject(id.clone()),
            Err(_) => action = action.detail("who", who),
        }
        let (outcome, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let id = resolved?;
                let reason = optional_reason(reason)?;
                operator_guard(&self.ks, operator, &id, AccountChange::Standing).await?;
                let outcome = if role == Role::Admin {
                    let user = self.load(&id).await?;
                    if user.role == Role::Admin {
                        RoleOutcome::Unchanged {
                            user_id: id.clone(),
                            role,
                        }
                    } else {
                        let now = audit.clock().now();
                        let req = self
                            .file_request(
                                &id,
                                user.role,
                                &operator.id,
                                &now,
                                reason,
                                None,
                                |_| vec![],
                            )
                            .await?;
                        RoleOutcome::ApprovalRequested { request: req }
                    }
                } else {
                    self.write_role(&id, role, |_| vec![]).await?
                };
                let mut extra = Map::new();
                match &outcome {
                    RoleOutcome::Changed { before, .. } => {
                        extra.insert("from_role".into(), before.as_str().into());
                    }
                    RoleOutcome::Unchanged { .. } => {
                        extra.insert("changed".into(), false.into());
                    }
                    RoleOutcome::ApprovalRequested { request } => {
                        extra.insert("from_role".into(), request.from_role.as_str().into());
                        extra.insert("request_id".into(), request.id.clone().into());
                        extra.insert("expires_at".into(), request.expires_at.clone().into());
                    }
                }
                Ok((outcome, extra))
            },
        )
        .await?;
        if let RoleOutcome::Changed { user_id, .. } = &outcome {
            self.touched(user_id);
        }
        Ok(outcome)
    }

    /// HSET `role` + `permissions` guarded on the role read (never `admin`: promotions go
    /// through [`Accounts::file_request`]). `also` joins the atomic write.
    pub(crate) async fn write_role(
        &self,
        id: &str,
        role: Role,
        also: impl Fn(&RoleOutcome) -> Vec<Write>,
    ) -> Result<RoleOutcome, CoreError> {
        debug_assert!(role != Role::Admin, "promotions need approval");
        let key = keys::user(id);
        for _ in 0..GUARD_RETRIES {
            let user = self.load(id).await?;
            if user.role == role {
                let outcome = RoleOutcome::Unchanged {
                    user_id: id.to_owned(),
                    role,
                };
                let writes = also(&outcome);
                if !writes.is_empty() {
                    self.ks.apply(&writes).await?;
                }
                return Ok(outcome);
            }
            let guards = [Guard::HashFieldIs {
                key: key.clone(),
                field: "role".into(),
                value: Some(user.role.as_str().as_bytes().to_vec()),
            }];
            let mut writes = vec![Write::HSet {
                key: key.clone(),
                fields: role_change_fields(role),
            }];
            let outcome = RoleOutcome::Changed {
                user_id: id.to_owned(),
                before: user.role,
                after: role,
                permissions: role.permissions_field(),
            };
            writes.extend(also(&outcome));
            if self.ks.apply_guarded(&guards, &writes).await? == Applied::Done {
                return Ok(outcome);
            }
        }
        Err(busy(id))
    }

    /// File a promotion request for `user_id` (or return the pending one for that user).
    /// `also` joins the atomic write.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn file_request(
        &self,
        user_id: &str,
        from_role: Role,
        requested_by: &str,
        now: &chrono::NaiveDateTime,
        reason: Option<String>,
        batch_id: Option<String>,
        also: impl FnOnce(&ApprovalRequest) -> Vec<Write>,
    ) -> Result<ApprovalRequest, CoreError> {
        let (pending, _) = self.approval_requests().await?;
        if let Some(p) = pending
            .into_iter()
            .find(|r| r.user_id == user_id && r.status_at(now) == ApprovalStatus::Pending)
        {
            let writes = also(&p);
            if !writes.is_empty() {
                self.ks.apply(&writes).await?;
            }
            return Ok(p);
        }
        let id = format!("apr_{}", self.token(9));
        let mut req = ApprovalRequest::new(
            id.clone(),
            user_id.to_owned(),
            from_role,
            Role::Admin,
            requested_by.to_owned(),
            now,
            reason,
        );
        req.batch_id = batch_id;
        let mut writes = vec![Write::HSet {
            key: APPROVALS_KEY.into(),
            fields: vec![(id, req.to_json().into_bytes())],
        }];
        writes.extend(also(&req));
        self.ks.apply(&writes).await?;
        Ok(req)
    }
}
