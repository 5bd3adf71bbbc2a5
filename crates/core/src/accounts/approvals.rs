//! Four-eyes decisions on promotion requests. Deciding needs the console_admin role
//! ([`Capability::AdministerConsole`]) and an operator who is not the user to be promoted;
//! approving also needs one who is not the requester. Approval re-checks that the user still
//! has the role the request saw, and writes the role change and the decided request in one
//! guarded write. Approvals, refusals and refused attempts (self-approval, one's own promotion,
//! expired, not pending) are all audited.

use rampart_domain::approval::{ApprovalRequest, ApprovalStatus, DecisionError, APPROVALS_KEY};
use rampart_domain::console::{Capability, Operator};
use rampart_domain::keys;
use rampart_domain::user::role_change_fields;
use serde::Serialize;
use serde_json::Map;

use super::{required_reason, Accounts, GUARD_RETRIES};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::mutate;
use crate::ports::{Applied, Guard, Write};
use crate::seed::Unreadable;
use crate::CoreError;

/// A request with its status as of now (a pending request past its expiry shows `expired`).
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalView {
    #[serde(flatten)]
    pub request: ApprovalRequest,
    pub status_now: ApprovalStatus,
}

impl Accounts {
    /// Every request, readable or not (unreadable ones are reported with their reason).
    pub async fn approval_requests(
        &self,
    ) -> Result<(Vec<ApprovalRequest>, Vec<Unreadable>), CoreError> {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for (k, v) in self.ks.hgetall(APPROVALS_KEY).await? {
            let field = String::from_utf8_lossy(&k).into_owned();
            match ApprovalRequest::parse(&v) {
                Ok(r) => ok.push(r),
                Err(reason) => bad.push(Unreadable {
                    key: format!("{APPROVALS_KEY} field {field}"),
                    reason,
                }),
            }
        }
        ok.sort_by(|a, b| b.requested_at.cmp(&a.requested_at));
        Ok((ok, bad))
    }

    /// Requests newest first with their status as of the clock; `pending_only` hides decided
    /// and expired ones.
    pub async fn list_approvals(
        &self,
        now: &chrono::NaiveDateTime,
        pending_only: bool,
    ) -> Result<(Vec<ApprovalView>, Vec<Unreadable>), CoreError> {
        let (all, bad) = self.approval_requests().await?;
        let views = all
            .into_iter()
            .map(|r| ApprovalView {
                status_now: r.status_at(now),
                request: r,
            })
            .filter(|v| !pending_only || v.status_now == ApprovalStatus::Pending)
            .collect();
        Ok((views, bad))
    }

    /// Approve a promotion: the second pair of eyes.
    pub async fn approve(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        request_id: &str,
    ) -> Result<ApprovalRequest, CoreError> {
        self.decide(audit, operator, request_id, None).await
    }

    /// Refuse a promotion with a reason (the requester may refuse their own: a withdrawal).
    pub async fn refuse(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        request_id: &str,
        reason: &str,
    ) -> Result<ApprovalRequest, CoreError> {
        self.decide(audit, operator, request_id, Some(reason)).await
    }

    /// `refusal` `None` approves.
    async fn decide(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        request_id: &str,
        refusal: Option<&str>,
    ) -> Result<ApprovalRequest, CoreError> {
        let approve = refusal.is_none();
        let stored = self.ks.hget(APPROVALS_KEY, request_id).await?;
        let parsed = stored.as_deref().map(ApprovalRequest::parse);
        let name = if approve {
            "user.role.approve_admin"
        } else {
            "user.role.refuse_admin"
        };
        let mut action = AuditAction::new("permission_change", name)
            .severity("high")
            .resource(format!("{APPROVALS_KEY}/{request_id}"))
            .detail("request_id", request_id);
        if let Some(Ok(r)) = &parsed {
            action = action
                .subject(r.user_id.clone())
                .detail("requested_by", r.requested_by.clone())
                .detail("from_role", r.from_role.as_str())
                .detail("to_role", r.to_role.as_str());
        }
        if let Some(r) = refusal {
            action = action.detail("reason", r.trim());
        }
        let (decided, _) = mutate(
            audit,
            operator,
            Capability::AdministerConsole,
            action,
            || async {
                if let Some(r) = refusal {
                    required_reason(r)?;
                }
                self.decide_guarded(audit, operator, request_id, refusal)
                    .await
                    .map(|r| (r, Map::new()))
            },
        )
        .await?;
        if approve {
            self.touched(&decided.user_id);
        }
        Ok(decided)
    }

    async fn decide_guarded(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        request_id: &str,
        refusal: Option<&str>,
    ) -> Result<ApprovalRequest, CoreError> {
        let approve = refusal.is_none();
        for _ in 0..GUARD_RETRIES {
            let now = audit.clock().now();
            let raw = self
                .ks
                .hget(APPROVALS_KEY, request_id)
                .await?
                .ok_or_else(|| CoreError::NotFound(format!("no approval request {request_id}")))?;
            let req = ApprovalRequest::parse(&raw).map_err(CoreError::Malformed)?;
            let req_guard = Guard::HashFieldIs {
                key: APPROVALS_KEY.into(),
                field: request_id.into(),
                value: Some(raw.clone()),
            };
            match req.check_decision(&operator.id, approve, &now) {
                Ok(()) => {}
                Err(e @ (DecisionError::SelfApproval | DecisionError::OwnPromotion)) => {
                    return Err(CoreError::Forbidden(e.to_string()))
                }
                Err(e @ DecisionError::Expired(_)) => {
                    // Record the expiry so lists and later attempts agree; best effort.
                    if req.status == ApprovalStatus::Pending {
                        let expired =
                            req.decided(ApprovalStatus::Expired, &operator.id, &now, None);
                        let _ = self
                            .ks
                            .apply_guarded(
                                std::slice::from_ref(&req_guard),
                                &[request_write(&expired)],
                            )
                            .await;
                    }
                    return Err(CoreError::Conflict(e.to_string()));
                }
                Err(e) => return Err(CoreError::Conflict(e.to_string())),
            }
            let mut guards = vec![req_guard];
            let mut writes = Vec::new();
            let decided = if let Some(reason) = refusal {
                req.decided(
                    ApprovalStatus::Refused,
                    &operator.id,
                    &now,
                    Some(reason.trim().to_owned()),
                )
            } else {
                // The user must still have the role the requester saw: a role changed since
                // means the request no longer says what the approver thinks it says.
                let user = self.load(&req.user_id).await?;
                if user.role != req.from_role {
                    return Err(CoreError::Conflict(format!(
                        "the user's role changed from {} to {} since the request; refuse it and \
                         ask again",
                        req.from_role.as_str(),
                        user.role.as_str()
                    )));
                }
                let key = keys::user(&req.user_id);
                guards.push(Guard::HashFieldIs {
                    key: key.clone(),
                    field: "role".into(),
                    value: Some(req.from_role.as_str().as_bytes().to_vec()),
                });
                writes.push(Write::HSet {
                    key,
                    fields: role_change_fields(req.to_role),
                });
                req.decided(ApprovalStatus::Approved, &operator.id, &now, None)
            };
            writes.push(request_write(&decided));
            if self.ks.apply_guarded(&guards, &writes).await? == Applied::Done {
                return Ok(decided);
            }
        }
        Err(CoreError::Conflict(format!(
            "approval request {request_id} kept changing; try again"
        )))
    }
}

fn request_write(r: &ApprovalRequest) -> Write {
    Write::HSet {
        key: APPROVALS_KEY.into(),
        fields: vec![(r.id.clone(), r.to_json().into_bytes())],
    }
}
