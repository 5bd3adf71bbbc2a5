//! Four-eyes approval of promotions to the service's `admin` role.
//!
//! A promotion to `admin` is never written directly: it becomes a request that a second
//! operator, a console admin who is neither the requester nor the user to be promoted, approves
//! or refuses. Requests live in
//! Rampart's own hash [`APPROVALS_KEY`] (`request id` → JSON); the service never reads
//! `rampart:*`. A request not decided within [`APPROVAL_TTL_HOURS`] expires.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::user::Role;

/// Hash of approval requests: request id → [`ApprovalRequest`] JSON.
pub const APPROVALS_KEY: &str = "rampart:console:approvals";
/// How long a promotion request waits for a decision. Three days cover a weekend without
/// leaving stale requests around for weeks: after that the requester asks again.
pub const APPROVAL_TTL_HOURS: i64 = 72;

/// Where a request stands. `Expired` is never stored on its own: a pending request past its
/// expiry reads as expired ([`ApprovalRequest::status_at`]) and is stored as such when someone
/// tries to decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Refused,
    Expired,
}

/// One promotion request, as stored (JSON, field order as declared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub id: String,
    pub user_id: String,
    /// The role the requester saw; approval re-checks the user still has it.
    pub from_role: Role,
    pub to_role: Role,
    pub requested_by: String,
    /// Naive UTC ISO, as every time in the store.
    pub requested_at: String,
    pub expires_at: String,
    pub reason: Option<String>,
    pub status: ApprovalStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    /// The bulk batch that asked, when a batch did.
    pub batch_id: Option<String>,
}

/// Why a decision cannot be taken. Each maps to a refusal the operator understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("you asked for this promotion; a second console admin must approve it (four-eyes)")]
    SelfApproval,
    #[error("this request promotes you; another console admin must decide it (four-eyes)")]
    OwnPromotion,
    #[error("the request is already {0}")]
    NotPending(&'static str),
    #[error("the request expired at {0} UTC; ask again")]
    Expired(String),
}

impl ApprovalStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Refused => "refused",
            ApprovalStatus::Expired => "expired",
        }
    }
}

impl ApprovalRequest {
    /// A new pending request from `requested_by`, expiring [`APPROVAL_TTL_HOURS`] after `now`.
    pub fn new(
        id: String,
        user_id: String,
        from_role: Role,
        to_role: Role,
        requested_by: String,
        now: &NaiveDateTime,
        reason: Option<String>,
    ) -> Self {
        let fmt = crate::time::format_naive_iso;
        Self {
            id,
            user_id,
            from_role,
            to_role,
            requested_by,
            requested_at: fmt(now),
            expires_at: fmt(&(*now + Duration::hours(APPROVAL_TTL_HOURS))),
            reason,
            status: ApprovalStatus::Pending,
            decided_by: None,
            decided_at: None,
            decision_reason: None,
            batch_id: None,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a request always serializes")
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable approval request: {e}"))
    }

    fn expires(&self) -> Option<NaiveDateTime> {
        crate::time::parse_naive_iso(&self.expires_at).ok()
    }

    /// The status as of `now`: a pending request past its expiry (or with an unreadable
    /// expiry, which fails closed) is expired.
    pub fn status_at(&self, now: &NaiveDateTime) -> ApprovalStatus {
        match (self.status, self.expires()) {
            (ApprovalStatus::Pending, Some(t)) if *now < t => ApprovalStatus::Pending,
            (ApprovalStatus::Pending, _) => ApprovalStatus::Expired,
            (s, _) => s,
        }
    }

    /// Whether `operator` may decide this request now. The user it promotes may neither
    /// approve nor refuse it (a console admin deciding their own promotion is one pair of eyes,
    /// whoever asked). Refusing is allowed to the requester (it withdraws the request);
    /// approving is not.
    pub fn check_decision(
        &self,
        operator: &str,
        approve: bool,
        now: &NaiveDateTime,
    ) -> Result<(), DecisionError> {
        if self.user_id == operator {
            return Err(DecisionError::OwnPromotion);
        }
        match self.status_at(now) {
            ApprovalStatus::Pending => {}
            ApprovalStatus::Expired => return Err(DecisionError::Expired(self.expires_at.clone())),
            s => return Err(DecisionError::NotPending(s.as_str())),
        }
        if approve && self.requested_by == operator {
            return Err(DecisionError::SelfApproval);
        }
        Ok(())
    }

    /// The request after a decision (or after it was found expired).
    pub fn decided(
        &self,
        status: ApprovalStatus,
        by: &str,
        now: &NaiveDateTime,
        reason: Option<String>,
    ) -> Self {
        Self {
            status,
            decided_by: Some(by.to_owned()),
            decided_at: Some(crate::time::format_naive_iso(now)),
            decision_reason: reason,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        crate::time::parse_naive_iso(s).unwrap()
    }

    fn req() -> ApprovalRequest {
        ApprovalRequest::new(
            "apr_1".into(),
            "user_a".into(),
            Role::BasicUser,
            Role::Admin,
            "user_officer".into(),
            &t("2026-11-24T10:00:00"),
            Some("on-call lead".into()),
        )
    }

    #[test]
    fn requests_expire_after_72_hours_and_fail_closed() {
        let r = req();
        assert_eq!(r.expires_at, "2026-11-27T10:00:00");
        assert_eq!(
            r.status_at(&t("2026-11-27T09:59:59")),
            ApprovalStatus::Pending
        );
        assert_eq!(
            r.status_at(&t("2026-11-27T10:00:00")),
            ApprovalStatus::Expired,
            "the expiry instant itself is too late"
        );
        let broken = ApprovalRequest {
            expires_at: "soon".into(),
            ..req()
        };
        assert_eq!(
            broken.status_at(&t("2026-11-24T10:00:00")),
            ApprovalStatus::Expired,
            "an unreadable expiry never keeps a request open"
        );
    }

    #[test]
    fn decisions_follow_four_eyes() {
        let r = req();
        let now = t("2026-11-25T00:00:00");
        assert_eq!(
            r.check_decision("user_officer", true, &now),
            Err(DecisionError::SelfApproval),
            "the requester cannot approve"
        );
        assert_eq!(
            r.check_decision("user_officer", false, &now),
            Ok(()),
            "the requester may withdraw"
        );
        assert_eq!(r.check_decision("user_admin2", true, &now), Ok(()));
        let done = r.decided(ApprovalStatus::Approved, "user_admin2", &now, None);
        assert_eq!(
            done.check_decision("user_admin3", true, &now),
            Err(DecisionError::NotPending("approved")),
            "a request is decided once"
        );
        assert_eq!(
            r.check_decision("user_admin2", true, &t("2026-12-01T00:00:00")),
            Err(DecisionError::Expired("2026-11-27T10:00:00".into()))
        );
        assert_eq!(ApprovalRequest::parse(r.to_json().as_bytes()).unwrap(), r);
    }

    #[test]
    fn the_user_to_be_promoted_decides_nothing() {
        let now = t("2026-11-25T00:00:00");
        for approve in [true, false] {
            assert_eq!(
                req().check_decision("user_a", approve, &now),
                Err(DecisionError::OwnPromotion),
                "the subject cannot {} their own promotion",
                if approve { "approve" } else { "refuse" }
            );
        }
        // Asked for oneself: not even a withdrawal, so the decision stays with someone else.
        let own = ApprovalRequest {
            requested_by: "user_a".into(),
            ..req()
        };
        assert_eq!(
            own.check_decision("user_a", false, &now),
            Err(DecisionError::OwnPromotion)
        );
        assert_eq!(
            own.check_decision("user_admin2", true, &now),
            Ok(()),
            "a second console admin still can"
        );
        let done = req().decided(ApprovalStatus::Refused, "user_admin2", &now, None);
        assert_eq!(
            done.check_decision("user_a", true, &now),
            Err(DecisionError::OwnPromotion),
            "said before anything else about the request"
        );
    }
}
