//! Bulk actions over users (issue 4, item 8): the plan a dry run shows, and the per-item
//! results an execution records.
//!
//! A batch is stored in Rampart's own hash `rampart:console:batch:{id}`: field `plan` holds the
//! [`BatchPlan`] JSON, field `item:{n}` the [`ItemResult`] of item `n`, written in the same
//! atomic write as the item's effect, so an interrupted batch resumes exactly after the last
//! item that took effect and never redoes one.

use serde::{Deserialize, Serialize};

use crate::user::{py_bool, Role, UserRecord};

/// Most items one batch may hold. The plan is one JSON value in one hash field; 10,000 items
/// are about 2 MB. Larger selections are split by the shell.
pub const MAX_BATCH_ITEMS: usize = 10_000;

pub fn batch_key(id: &str) -> String {
    format!("rampart:console:batch:{id}")
}

pub fn item_field(index: usize) -> String {
    format!("item:{index}")
}

pub const PLAN_FIELD: &str = "plan";
pub const FINISHED_FIELD: &str = "finished_at";

/// How long a finished batch stays readable (`batch show`, the desktop's result table) before
/// Redis drops it: 30 days. The per-item audit events are the lasting record (the admin trail
/// keeps them); the batch hash is only the working state of a run, and without a TTL every
/// batch ever run would stay in the service's Redis. Unfinished batches keep no TTL, so an
/// interrupted one can always be resumed.
pub const FINISHED_BATCH_TTL_SECS: u64 = 30 * 24 * 3600;

/// Who is running a batch right now. Each item's result is recorded in the same atomic write as
/// its effect, which makes a run resumable; it does not stop two consoles (or a console and a
/// CLI script) from running the same stored batch at once, and then both would execute and audit
/// the items neither had recorded yet. A run therefore first takes this lease: a string key with
/// a short TTL, set only when absent and renewed between items every [`RUN_LEASE_RENEW_SECS`],
/// guarded on its own token.
/// A run that dies leaves a lease that expires within [`RUN_LEASE_TTL_SECS`], after which the
/// batch resumes normally. The key is outside the `rampart:console:batch:*` pattern so scans for
/// batches never read it as one.
pub fn run_lease_key(id: &str) -> String {
    format!("rampart:console:batchrun:{id}")
}

/// Lifetime of a run lease between renewals. One item is a few guarded writes; a minute covers
/// a slow store with room to spare, and is the longest a crashed run blocks a resume.
pub const RUN_LEASE_TTL_SECS: u64 = 60;

/// How often a run renews its lease (between items): a third of the TTL, so one slow item of up
/// to 40 s still finds the lease its own.
pub const RUN_LEASE_RENEW_SECS: u64 = RUN_LEASE_TTL_SECS / 3;

/// The lease's value: `{token} {operator} {since}`, so a refused run can say who holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLease {
    /// Random, unique per run: the renewal and the release are guarded on it.
    pub token: String,
    pub operator: String,
    /// Naive UTC ISO, when this run took the lease.
    pub since: String,
}

impl RunLease {
    pub fn to_value(&self) -> Vec<u8> {
        format!("{} {} {}", self.token, self.operator, self.since).into_bytes()
    }

    /// Reads a lease value; `None` for anything else (then the refusal names no holder).
    pub fn parse(raw: &[u8]) -> Option<RunLease> {
        let s = std::str::from_utf8(raw).ok()?;
        let mut parts = s.splitn(3, ' ');
        let (token, operator, since) = (parts.next()?, parts.next()?, parts.next()?);
        if token.is_empty() || operator.is_empty() || since.is_empty() {
            return None;
        }
        Some(RunLease {
            token: token.into(),
            operator: operator.into(),
            since: since.into(),
        })
    }
}

/// What a batch does to each selected user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BatchAction {
    Deactivate { reason: String },
    Reactivate { reason: String },
    ChangeRole { role: Role, reason: Option<String> },
    RevokeSessions { reason: Option<String> },
}

impl BatchAction {
    pub fn name(&self) -> &'static str {
        match self {
            BatchAction::Deactivate { .. } => "deactivate",
            BatchAction::Reactivate { .. } => "reactivate",
            BatchAction::ChangeRole { .. } => "change_role",
            BatchAction::RevokeSessions { .. } => "revoke_sessions",
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            BatchAction::Deactivate { reason } | BatchAction::Reactivate { reason } => Some(reason),
            BatchAction::ChangeRole { reason, .. } | BatchAction::RevokeSessions { reason } => {
                reason.as_deref()
            }
        }
    }
}

/// What happens to one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The field goes from `before` to `after`.
    Change,
    /// Already in the wanted state: nothing is written.
    NoChange,
    /// A promotion to `admin`: a four-eyes request is filed instead of a write.
    ApprovalRequest,
    /// The user is missing or unreadable: nothing can be done.
    Skip,
}

/// One line of a dry run: exactly what would change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedItem {
    pub user_id: String,
    pub kind: ItemKind,
    /// `is_active`, `role` (role and permissions), or `sessions` (refresh tokens).
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub note: Option<String>,
}

/// A batch as planned: what, by whom, over which users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPlan {
    pub id: String,
    pub action: BatchAction,
    pub created_by: String,
    pub created_at: String,
    pub items: Vec<PlannedItem>,
}

impl BatchPlan {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a plan always serializes")
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable batch plan: {e}"))
    }
}

/// How one item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Done,
    Unchanged,
    ApprovalRequested,
    Skipped,
    Failed,
}

/// The recorded outcome of one item: what was actually found and written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    pub index: usize,
    pub user_id: String,
    pub status: ItemStatus,
    pub kind: ItemKind,
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub approval_id: Option<String>,
    pub error: Option<String>,
    pub at: String,
}

impl ItemResult {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a result always serializes")
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable item result: {e}"))
    }
}

/// The field an action touches, for items that cannot be read.
pub fn action_field(action: &BatchAction) -> &'static str {
    match action {
        BatchAction::Deactivate { .. } | BatchAction::Reactivate { .. } => "is_active",
        BatchAction::ChangeRole { .. } => "role",
        BatchAction::RevokeSessions { .. } => "sessions",
    }
}

/// What `action` would do to `user` (who has `sessions` refresh tokens). Pure: the dry run and
/// each executed item call it on the state they read, so both say the same thing.
pub fn plan_item(action: &BatchAction, user: &UserRecord, sessions: usize) -> PlannedItem {
    let item = |kind, before: String, after: String, note: Option<&str>| PlannedItem {
        user_id: user.id.clone(),
        kind,
        field: action_field(action).into(),
        before: Some(before),
        after: Some(after),
        note: note.map(str::to_owned),
    };
    match action {
        BatchAction::Deactivate { .. } | BatchAction::Reactivate { .. } => {
            let want = matches!(action, BatchAction::Reactivate { .. });
            let before = py_bool(user.is_active).to_string();
            if user.is_active == want {
                item(ItemKind::NoChange, before.clone(), before, None)
            } else {
                item(ItemKind::Change, before, py_bool(want).into(), None)
            }
        }
        BatchAction::ChangeRole { role, .. } => {
            let before = user.role.as_str().to_string();
            if user.role == *role {
                item(ItemKind::NoChange, before.clone(), before, None)
            } else if *role == Role::Admin {
                item(
                    ItemKind::ApprovalRequest,
                    before,
                    role.as_str().into(),
                    Some("promotion to admin: a second console admin must approve"),
                )
            } else {
                item(ItemKind::Change, before, role.as_str().into(), None)
            }
        }
        BatchAction::RevokeSessions { .. } => {
            let kind = if sessions == 0 {
                ItemKind::NoChange
            } else {
                ItemKind::Change
            };
            item(kind, sessions.to_string(), "0".into(), None)
        }
    }
}

/// The plan line for a user who cannot be acted on.
pub fn skip_item(action: &BatchAction, user_id: &str, why: String) -> PlannedItem {
    PlannedItem {
        user_id: user_id.to_owned(),
        kind: ItemKind::Skip,
        field: action_field(action).into(),
        before: None,
        after: None,
        note: Some(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, active: bool) -> UserRecord {
        UserRecord {
            id: "user_a".into(),
            email: "a@x".into(),
            username: "a".into(),
            role,
            permissions: role.permissions().to_vec(),
            is_active: active,
            mfa_enabled: false,
            last_login: None,
            created_at: None,
            warnings: vec![],
        }
    }

    #[test]
    fn run_lease_round_trips_and_stays_out_of_the_batch_pattern() {
        let l = RunLease {
            token: "t0k".into(),
            operator: "user_op".into(),
            since: "2026-11-24T01:02:03".into(),
        };
        assert_eq!(RunLease::parse(&l.to_value()), Some(l));
        assert_eq!(RunLease::parse(b"only-a-token"), None);
        assert_eq!(RunLease::parse(b"\xff\xfe x y"), None);
        // `rampart:console:batch:*` must not match the lease key (Redis glob on the prefix).
        assert!(!run_lease_key("b1").starts_with(&batch_key("")));
    }

    #[test]
    fn plans_say_before_and_after_per_action() {
        let deact = BatchAction::Deactivate { reason: "r".into() };
        let to_admin = BatchAction::ChangeRole {
            role: Role::Admin,
            reason: None,
        };
        let to_guest = BatchAction::ChangeRole {
            role: Role::Guest,
            reason: None,
        };
        let revoke = BatchAction::RevokeSessions { reason: None };
        let cases = [
            (
                &deact,
                user(Role::Guest, true),
                0,
                ItemKind::Change,
                "True",
                "False",
            ),
            (
                &deact,
                user(Role::Guest, false),
                0,
                ItemKind::NoChange,
                "False",
                "False",
            ),
            (
                &to_admin,
                user(Role::BasicUser, true),
                0,
                ItemKind::ApprovalRequest,
                "basic_user",
                "admin",
            ),
            (
                &to_guest,
                user(Role::Admin, true),
                0,
                ItemKind::Change,
                "admin",
                "guest",
            ),
            (
                &to_guest,
                user(Role::Guest, true),
                0,
                ItemKind::NoChange,
                "guest",
                "guest",
            ),
            (
                &revoke,
                user(Role::Guest, true),
                3,
                ItemKind::Change,
                "3",
                "0",
            ),
            (
                &revoke,
                user(Role::Guest, true),
                0,
                ItemKind::NoChange,
                "0",
                "0",
            ),
        ];
        for (action, u, sessions, kind, before, after) in cases {
            let p = plan_item(action, &u, sessions);
            assert_eq!(
                (p.kind, p.before.as_deref(), p.after.as_deref()),
                (kind, Some(before), Some(after)),
                "{} on {:?}/{}",
                action.name(),
                u.role,
                u.is_active
            );
        }
    }

    #[test]
    fn plans_round_trip() {
        let p = BatchPlan {
            id: "b_1".into(),
            action: BatchAction::ChangeRole {
                role: Role::PremiumUser,
                reason: Some("upgrade".into()),
            },
            created_by: "user_o".into(),
            created_at: "2026-11-24T00:00:00".into(),
            items: vec![skip_item(
                &BatchAction::RevokeSessions { reason: None },
                "user_x",
                "no such user".into(),
            )],
        };
        assert_eq!(BatchPlan::parse(p.to_json().as_bytes()).unwrap(), p);
        assert_eq!(batch_key("b_1"), "rampart:console:batch:b_1");
    }
}
