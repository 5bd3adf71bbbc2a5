//! The identity pages' wire types, shaped as the UI's ports (ui/src/features/*/api.ts) so the
//! TypeScript adapters pass them through, and the pure mappings from the core's results. Times
//! stay naive UTC ISO strings as stored; TTLs are seconds at read time.

use chrono::NaiveDateTime;
use rampart_console::identity::parse_role;
use rampart_core::access::apikeys::ApiKeyView;
use rampart_core::access::locks::{CauseEvent, LimitsView, Restriction};
use rampart_core::access::mfa::{EnrollmentShown, MfaCoverage};
use rampart_core::access::sessions::SessionView;
use rampart_core::accounts::BatchView;
use rampart_core::error::{CodeRefusal, IpcError};
use rampart_core::users::{
    BuildProgress, LastLoginFilter, SearchMode, UserDetail, UserPage, UserQuery, UserRow,
    UserSummary,
};
use rampart_core::CoreError;
use rampart_domain::apikey::ApiKeyState;
use rampart_domain::approval::{ApprovalRequest, ApprovalStatus};
use rampart_domain::batch::{BatchAction, BatchPlan, ItemKind, ItemResult, ItemStatus};
use rampart_domain::limits::BlockOrigin;
use rampart_domain::time::parse_naive_iso;
use rampart_domain::userindex::SortKey;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortDir {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SortInput {
    pub key: SortKey,
    pub dir: SortDir,
}

/// The users table's query, as the page holds it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct UsersQueryInput {
    /// E-mail or username, substring, any script; "" for all.
    pub search: String,
    pub role: Option<String>,
    pub active: Option<bool>,
    pub mfa: Option<bool>,
    /// Only users dormant for this many days by the dormant rule (`rampart_domain::dormant`,
    /// as the dormant batch): a user who never signed in counts from account creation.
    pub dormant_days: Option<u32>,
    pub sort: SortInput,
}

impl UsersQueryInput {
    /// The index query for this table query (readable users only: unreadable records have
    /// their own list).
    pub fn to_query(&self, offset: u64, limit: u64) -> UserQuery {
        UserQuery {
            role: self.role.clone(),
            active: self.active,
            mfa: self.mfa,
            last_login: self
                .dormant_days
                .map(|days| LastLoginFilter::Dormant { days }),
            unreadable: Some(false),
            search: Some(self.search.clone()).filter(|s| !s.trim().is_empty()),
            search_mode: SearchMode::Substring,
            sort: self.sort.key,
            descending: matches!(self.sort.dir, SortDir::Desc),
            offset,
            limit,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UserRowView {
    pub id: String,
    pub email: String,
    pub username: String,
    pub role: String,
    pub is_active: bool,
    pub mfa_enabled: bool,
    pub last_login: Option<String>,
    pub created_at: String,
}

impl From<UserSummary> for UserRowView {
    fn from(u: UserSummary) -> Self {
        Self {
            id: u.id,
            email: u.email,
            username: u.username,
            role: u.role,
            is_active: u.is_active,
            mfa_enabled: u.mfa_enabled,
            last_login: u.last_login,
            created_at: u.created_at.unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UsersPageView {
    #[ts(type = "number")]
    pub total: u64,
    pub rows: Vec<UserRowView>,
    #[ts(type = "number")]
    pub unreadable: u64,
    pub complete: bool,
    #[ts(type = "number")]
    pub scanned: u64,
    #[ts(type = "number | null")]
    pub estimated: Option<u64>,
    /// Where the index's scan stands (a failed pass carries its reason).
    pub progress: BuildProgress,
}

impl From<UserPage> for UsersPageView {
    fn from(p: UserPage) -> Self {
        Self {
            total: p.total,
            rows: p
                .rows
                .into_iter()
                .filter_map(|r| match r {
                    UserRow::User(u) => Some(u.into()),
                    UserRow::Unreadable(_) => None,
                })
                .collect(),
            unreadable: p.unreadable,
            complete: p.complete,
            scanned: p.progress.scanned,
            estimated: (p.progress.estimate > 0).then_some(p.progress.estimate),
            progress: p.progress,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UnreadableUserView {
    pub key: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UnreadablePageView {
    #[ts(type = "number")]
    pub total: u64,
    pub rows: Vec<UnreadableUserView>,
}

impl From<UserPage> for UnreadablePageView {
    fn from(p: UserPage) -> Self {
        Self {
            total: p.total,
            rows: p
                .rows
                .into_iter()
                .filter_map(|r| match r {
                    UserRow::Unreadable(u) => Some(UnreadableUserView {
                        key: u.key,
                        reason: u.reason,
                    }),
                    UserRow::User(_) => None,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MfaStateView {
    pub enabled: bool,
    pub enrolled_at: Option<String>,
    #[ts(type = "number | null")]
    pub backup_codes_left: Option<u64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountLockView {
    /// The stored value of `account_lock:{id}` (the service writes the lock's end).
    pub locked_at: String,
    #[ts(type = "number")]
    pub ttl_seconds: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UserDetailView {
    pub user: UserRowView,
    pub permissions: Vec<String>,
    pub mfa: MfaStateView,
    pub lock: Option<AccountLockView>,
    #[ts(type = "number")]
    pub sessions: u64,
    #[ts(type = "number")]
    pub api_keys: u64,
    /// Why parts of the user could not be read (sessions, MFA record…); never hidden.
    pub problems: Vec<UnreadableUserView>,
    /// The user's console role, when they are a console operator.
    pub console_role: Option<rampart_domain::console::ConsoleRole>,
}

/// `None` when `user:{id}` itself is unreadable (the shell refuses with its reason).
pub fn detail_view(d: &UserDetail) -> Option<UserDetailView> {
    let p = d.profile.as_ref()?;
    Some(UserDetailView {
        user: UserRowView {
            id: d.id.clone(),
            email: p.email.clone(),
            username: p.username.clone(),
            role: p.role.clone(),
            is_active: p.is_active,
            mfa_enabled: p.mfa_enabled,
            last_login: p.last_login.clone(),
            created_at: p.created_at.clone().unwrap_or_default(),
        },
        permissions: p.permissions.clone(),
        mfa: MfaStateView {
            enabled: d.mfa.record,
            enrolled_at: d.mfa.enabled_at.clone(),
            backup_codes_left: d.mfa.record.then_some(d.mfa.backup_codes_left),
        },
        lock: d.lock.as_ref().map(|l| AccountLockView {
            locked_at: l.until.clone(),
            ttl_seconds: l.seconds_left,
        }),
        sessions: d.sessions.iter().filter(|s| !s.expired).count() as u64,
        api_keys: d.api_keys.len() as u64,
        problems: d
            .problems
            .iter()
            .map(|p| UnreadableUserView {
                key: p.key.clone(),
                reason: p.reason.clone(),
            })
            .collect(),
        console_role: d.console_role,
    })
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionRowView {
    /// The token id's first characters (`abcdef…`): what revoking names, never the token.
    pub token_id: String,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    #[ts(type = "number | null")]
    pub ttl_seconds: Option<u64>,
}

impl From<SessionView> for SessionRowView {
    fn from(s: SessionView) -> Self {
        Self {
            token_id: s.token,
            created_at: Some(s.created_at),
            expires_at: Some(s.exp),
            ttl_seconds: s.ttl_secs,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ApiKeyRowView {
    pub handle: String,
    pub key_id: String,
    pub is_active: bool,
    /// active | inactive | expired | over_quota | broken
    pub state: String,
    /// Why the service would raise on this record (state `broken`).
    pub state_reason: Option<String>,
    pub permissions: Vec<String>,
    #[ts(type = "number")]
    pub usage: i64,
    #[ts(type = "number")]
    pub usage_limit: i64,
    #[ts(type = "number")]
    pub rate_limit: i64,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
}

impl From<ApiKeyView> for ApiKeyRowView {
    fn from(k: ApiKeyView) -> Self {
        let (state, reason) = match k.state {
            ApiKeyState::Valid => ("active", None),
            ApiKeyState::Inactive => ("inactive", None),
            ApiKeyState::Expired => ("expired", None),
            ApiKeyState::OverQuota => ("over_quota", None),
            ApiKeyState::Broken(r) => ("broken", Some(r)),
        };
        Self {
            handle: k.handle,
            key_id: k.key_id.unwrap_or(k.masked),
            // The service compares `is_active` with the text `true` (CONTRACT §5.1).
            is_active: k.is_active.as_deref() == Some("true"),
            state: state.into(),
            state_reason: reason,
            permissions: k.permissions,
            usage: k.usage.unwrap_or(0),
            usage_limit: k.usage_limit.trim().parse().unwrap_or(0),
            rate_limit: k.rate_limit.trim().parse().unwrap_or(0),
            created_at: k.created_at,
            expires_at: k.expires_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ActivityRowView {
    pub event_id: String,
    pub timestamp: String,
    pub event_type: String,
    pub action: String,
    pub result: String,
    pub severity: String,
    pub ip_address: Option<String>,
}

pub fn activity_view(d: UserDetail) -> Vec<ActivityRowView> {
    d.events
        .into_iter()
        .map(|e| ActivityRowView {
            event_id: e.event_id,
            timestamp: e.timestamp,
            event_type: e.event_type,
            action: e.action,
            result: e.result,
            severity: e.severity,
            ip_address: (!e.ip_address.is_empty()).then_some(e.ip_address),
        })
        .collect()
}

/// A four-eyes request as the approvals page shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ApprovalView {
    pub id: String,
    pub user_id: String,
    pub email: Option<String>,
    pub username: Option<String>,
    pub from_role: String,
    pub to_role: String,
    /// The requesting operator's e-mail (their id when the user record is gone).
    pub requested_by: String,
    pub requested_at: String,
    pub expires_at: String,
    /// Seconds left at read time (pending only).
    #[ts(type = "number | null")]
    pub expires_in_seconds: Option<i64>,
    pub reason: String,
    /// pending | approved | refused | expired, as of the read.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
}

/// E-mail and username of a user id, from the users index (in memory).
pub type Names<'a> = &'a dyn Fn(&str) -> Option<(String, String)>;

pub fn approval_view(r: ApprovalRequest, now: &NaiveDateTime, names: Names<'_>) -> ApprovalView {
    let status = r.status_at(now);
    let expires_in_seconds = match (status, parse_naive_iso(&r.expires_at)) {
        (ApprovalStatus::Pending, Ok(at)) => Some((at - *now).num_seconds().max(0)),
        _ => None,
    };
    let user = names(&r.user_id);
    let email_of = |id: &str| names(id).map(|(e, _)| e).unwrap_or_else(|| id.to_string());
    ApprovalView {
        email: user.as_ref().map(|(e, _)| e.clone()),
        username: user.map(|(_, u)| u),
        requested_by: email_of(&r.requested_by),
        decided_by: r.decided_by.as_deref().map(email_of),
        id: r.id,
        user_id: r.user_id,
        from_role: r.from_role.as_str().into(),
        to_role: r.to_role.as_str().into(),
        requested_at: r.requested_at,
        expires_at: r.expires_at,
        expires_in_seconds,
        reason: r.reason.unwrap_or_default(),
        status: status.as_str().into(),
        decided_at: r.decided_at,
        decision_reason: r.decision_reason,
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ApprovalListView {
    pub pending: Vec<ApprovalView>,
    pub history: Vec<ApprovalView>,
    /// Stored requests that could not be read, with why.
    pub unreadable: Vec<UnreadableUserView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CreateUserResultView {
    Created {
        user: UserRowView,
        /// Set when `admin` was asked for: created as `basic_user`, promotion requested.
        approval: Option<Box<ApprovalView>>,
        /// Set when Rampart generated the password: shown once.
        generated_password: Option<String>,
    },
    Refused {
        /// email | username | role | password; null: not about one field.
        field: Option<String>,
        error: IpcError,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RoleChangeResultView {
    /// Also when the user already had the role (nothing written).
    Changed {
        user: UserRowView,
        permissions: Vec<String>,
    },
    Requested {
        request: ApprovalView,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct StatusChangeView {
    pub user_id: String,
    pub before: bool,
    pub after: bool,
    pub changed: bool,
}

/// A password reset; `password` is the generated one, shown once.
#[derive(Clone, Serialize, TS)]
pub struct PasswordResetView {
    pub user_id: String,
    pub lock_cleared: bool,
    /// Refresh tokens deleted with the reset: the sessions the old password opened.
    #[ts(type = "number")]
    pub sessions_revoked: u64,
    pub password: String,
}

impl std::fmt::Debug for PasswordResetView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordResetView")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RevokedView {
    #[ts(type = "number")]
    pub revoked: u64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct IssueKeyInput {
    pub permissions: Vec<String>,
    #[ts(type = "number")]
    pub usage_limit: i64,
    #[ts(type = "number")]
    pub rate_limit: i64,
    /// Naive UTC ISO, null for no expiry.
    pub expires_at: Option<String>,
}

/// A key just issued: `api_key` is shown once.
#[derive(Clone, Serialize, TS)]
pub struct IssuedKeyView {
    pub handle: String,
    pub key_id: String,
    pub api_key: String,
}

impl std::fmt::Debug for IssuedKeyView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedKeyView")
            .field("handle", &self.handle)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

// ---- Batches

/// A bulk action from the users table; the reason goes into every item's audit event.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkActionInput {
    Deactivate {
        reason: String,
    },
    /// A promotion to `admin` becomes one four-eyes request per user, never a direct change.
    ChangeRole {
        role: String,
        reason: String,
    },
    RevokeSessions {
        reason: String,
    },
}

impl BulkActionInput {
    pub fn into_action(self) -> Result<BatchAction, CoreError> {
        Ok(match self {
            Self::Deactivate { reason } => BatchAction::Deactivate { reason },
            Self::ChangeRole { role, reason } => BatchAction::ChangeRole {
                role: parse_role(&role)?,
                reason: Some(reason),
            },
            Self::RevokeSessions { reason } => BatchAction::RevokeSessions {
                reason: Some(reason),
            },
        })
    }
}

/// What a bulk action applies to: ticked rows, or everything the table's filter matches (the
/// Rust side resolves it to ids at dry-run time, capped at `MAX_BATCH_ITEMS`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkTargetInput {
    Ids {
        ids: Vec<String>,
    },
    Filter {
        query: UsersQueryInput,
        /// Rows unticked after "select all matching".
        except: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BatchItemKindView {
    /// `before` becomes `after`.
    Change,
    /// Already so: nothing is written.
    NoChange,
    /// A promotion to admin: a four-eyes request is filed instead.
    ApprovalRequest,
    /// Missing or unreadable user: nothing can be done (`skip` says why).
    Skip,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BatchItemView {
    /// The user id (unique within a plan).
    pub id: String,
    /// The user's e-mail when the index knows it.
    pub label: String,
    pub kind: BatchItemKindView,
    /// `is_active`, `role` or `sessions` (the refresh-token count).
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Why nothing will be done for this item (no change, or the user cannot be read).
    pub skip: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ItemOutcomeView {
    Ok,
    /// Already in the wanted state when the item ran: nothing written.
    Unchanged,
    /// A four-eyes promotion request was filed (the role is unchanged until approved).
    Requested {
        approval_id: String,
    },
    Failed {
        message: String,
    },
    Skipped {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BatchResultView {
    pub id: String,
    pub outcome: ItemOutcomeView,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BatchPlanView {
    pub batch_id: String,
    /// `deactivate`, `reactivate`, `change_role` or `revoke_sessions`.
    pub action: String,
    /// The target role of `change_role`.
    pub to_role: Option<String>,
    pub reason: Option<String>,
    /// The operator's e-mail when the index knows it, else their user id.
    pub created_by: String,
    /// Naive UTC ISO, when the dry run was made.
    pub created_at: String,
    pub items: Vec<BatchItemView>,
    pub results: Vec<BatchResultView>,
}

/// A stored batch without its items, for the list of unfinished batches.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BatchSummaryView {
    pub batch_id: String,
    pub action: String,
    pub to_role: Option<String>,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
    #[ts(type = "number")]
    pub total: u64,
    /// Items with a result (of any kind).
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub failed: u64,
}

#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BatchRunEnd {
    Done,
    Interrupted,
}

fn to_role(plan: &BatchPlan) -> Option<String> {
    match &plan.action {
        BatchAction::ChangeRole { role, .. } => Some(role.as_str().into()),
        _ => None,
    }
}

fn label(names: Names<'_>, id: &str) -> String {
    names(id).map(|(e, _)| e).unwrap_or_else(|| id.to_string())
}

pub fn batch_plan_view(
    plan: &BatchPlan,
    results: &[ItemResult],
    names: Names<'_>,
) -> BatchPlanView {
    BatchPlanView {
        batch_id: plan.id.clone(),
        action: plan.action.name().into(),
        to_role: to_role(plan),
        reason: plan.action.reason().map(str::to_string),
        created_by: label(names, &plan.created_by),
        created_at: plan.created_at.clone(),
        items: plan
            .items
            .iter()
            .map(|i| BatchItemView {
                id: i.user_id.clone(),
                label: label(names, &i.user_id),
                kind: match i.kind {
                    ItemKind::Change => BatchItemKindView::Change,
                    ItemKind::NoChange => BatchItemKindView::NoChange,
                    ItemKind::ApprovalRequest => BatchItemKindView::ApprovalRequest,
                    ItemKind::Skip => BatchItemKindView::Skip,
                },
                field: i.field.clone(),
                before: i.before.clone(),
                after: i.after.clone(),
                skip: match i.kind {
                    ItemKind::Change | ItemKind::ApprovalRequest => None,
                    ItemKind::NoChange => {
                        Some(i.note.clone().unwrap_or_else(|| "no change".into()))
                    }
                    ItemKind::Skip => Some(i.note.clone().unwrap_or_else(|| "skipped".into())),
                },
            })
            .collect(),
        results: results.iter().map(batch_result_view).collect(),
    }
}

pub fn batch_summary_view(view: &BatchView, names: Names<'_>) -> BatchSummaryView {
    let plan = &view.plan;
    BatchSummaryView {
        batch_id: plan.id.clone(),
        action: plan.action.name().into(),
        to_role: to_role(plan),
        reason: plan.action.reason().map(str::to_string),
        created_by: label(names, &plan.created_by),
        created_at: plan.created_at.clone(),
        total: plan.items.len() as u64,
        done: view.results.len() as u64,
        failed: view
            .results
            .iter()
            .filter(|r| r.status == ItemStatus::Failed)
            .count() as u64,
    }
}

pub fn batch_result_view(r: &ItemResult) -> BatchResultView {
    let outcome = match r.status {
        ItemStatus::Done => ItemOutcomeView::Ok,
        ItemStatus::ApprovalRequested => match &r.approval_id {
            Some(id) => ItemOutcomeView::Requested {
                approval_id: id.clone(),
            },
            None => ItemOutcomeView::Ok,
        },
        ItemStatus::Unchanged => ItemOutcomeView::Unchanged,
        ItemStatus::Skipped => ItemOutcomeView::Skipped {
            reason: r.error.clone().unwrap_or_else(|| "skipped".into()),
        },
        ItemStatus::Failed => ItemOutcomeView::Failed {
            message: r.error.clone().unwrap_or_else(|| "failed".into()),
        },
    };
    BatchResultView {
        id: r.user_id.clone(),
        outcome,
    }
}

// ---- MFA

#[derive(Debug, Clone, Serialize, TS)]
pub struct RoleCoverageView {
    pub role: String,
    #[ts(type = "number")]
    pub total: u64,
    #[ts(type = "number")]
    pub enabled: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AdminGapView {
    pub user_id: String,
    pub email: String,
    pub username: String,
    pub is_active: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MfaCoverageView {
    pub roles: Vec<RoleCoverageView>,
    pub admins_without_mfa: Vec<AdminGapView>,
    #[ts(type = "number")]
    pub unreadable: u64,
}

impl From<MfaCoverage> for MfaCoverageView {
    fn from(c: MfaCoverage) -> Self {
        Self {
            roles: c
                .roles
                .into_iter()
                .map(|r| RoleCoverageView {
                    role: r.role,
                    total: r.total,
                    enabled: r.enabled,
                })
                .collect(),
            admins_without_mfa: c
                .admins_without_mfa
                .into_iter()
                .map(|g| AdminGapView {
                    user_id: g.user_id,
                    email: g.email,
                    username: g.username,
                    is_active: g.is_active,
                    reason: g.reason,
                })
                .collect(),
            unreadable: c.unreadable.len() as u64,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct QrMatrixView {
    pub width: u32,
    /// width × width characters, row-major, '1' dark.
    pub modules: String,
}

/// A started enrolment: the secret as text and the QR code, until confirmed. Secret-bearing:
/// `Debug` redacts.
#[derive(Clone, Serialize, TS)]
pub struct EnrollmentView {
    pub secret: String,
    /// The otpauth label's parts, exactly as in the URI the QR code carries.
    pub issuer: String,
    pub account: String,
    pub qr: QrMatrixView,
    #[ts(type = "number")]
    pub expires_in_seconds: u64,
}

impl std::fmt::Debug for EnrollmentView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrollmentView")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl From<EnrollmentShown> for EnrollmentView {
    fn from(e: EnrollmentShown) -> Self {
        let (issuer, account) = otpauth_label(&e.uri);
        Self {
            secret: e.secret,
            issuer,
            account,
            qr: QrMatrixView {
                width: e.qr.width,
                modules: e.qr.modules,
            },
            expires_in_seconds: e.expires_in_secs,
        }
    }
}

/// `otpauth://totp/{issuer}:{account}?…` → (issuer, account), percent-decoded.
fn otpauth_label(uri: &str) -> (String, String) {
    let label = uri
        .strip_prefix("otpauth://totp/")
        .unwrap_or(uri)
        .split('?')
        .next()
        .unwrap_or("");
    let (issuer, account) = label.split_once(':').unwrap_or(("", label));
    (percent_decode(issuer), percent_decode(account))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConfirmResultView {
    /// `mfa:{id}` and `mfa_enabled` written; the 10 backup codes, shown once.
    Enabled {
        backup_codes: Vec<String>,
    },
    Refused {
        refusal: CodeRefusal,
    },
}

impl std::fmt::Debug for ConfirmResultView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Enabled { backup_codes } => write!(f, "Enabled({} codes)", backup_codes.len()),
            Self::Refused { refusal } => write!(f, "Refused({refusal:?})"),
        }
    }
}

// ---- Locks, blocks, limits

/// One audit event behind a lock or block: who, when, from where and how it ended, as the
/// service logged it. The event's free-form `details` stay behind (only the lockout's failure
/// count is taken), so nothing the service put there can reach the UI unvetted.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CauseEventView {
    pub event_id: String,
    /// Naive UTC ISO.
    pub timestamp: String,
    /// `user_login` (a failed sign-in) or `security_violation` (the service's lockout).
    pub event_type: String,
    pub action: String,
    pub result: String,
    pub ip_address: String,
    /// The account the event names, when it names one.
    pub user_id: Option<String>,
    pub email: Option<String>,
    /// Null when the service logged none (its own lockout events have `""`).
    pub user_agent: Option<String>,
    /// The lockout event's count of failures (`details.failures`).
    #[ts(type = "number | null")]
    pub failures: Option<u64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountLockRowView {
    pub user_id: String,
    pub email: Option<String>,
    /// The stored value of `account_lock:{id}`: the naive-UTC end of the lock, or the raw
    /// value when it does not parse (`until_readable` false).
    pub until: String,
    pub until_readable: bool,
    /// Null: the key has no TTL, the lock never expires.
    #[ts(type = "number | null")]
    pub ttl_seconds: Option<u64>,
    /// Login failures among the events that caused it; null when none were found.
    #[ts(type = "number | null")]
    pub failures: Option<u64>,
    /// The events that caused it, newest first (at most `MAX_CAUSES`).
    pub causes: Vec<CauseEventView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct IpBlockRowView {
    pub ip: String,
    /// As [`AccountLockRowView::until`], for `ip_block:{ip}`.
    pub until: String,
    pub until_readable: bool,
    #[ts(type = "number | null")]
    pub ttl_seconds: Option<u64>,
    /// Who set it, on evidence (`rampart_domain::limits::block_origin`); null when its causes
    /// were not looked up (past the first `MAX_WITH_CAUSES` blocks).
    pub origin: Option<BlockOrigin>,
    #[ts(type = "number | null")]
    pub failures: Option<u64>,
    pub causes: Vec<CauseEventView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RateLimitRowView {
    pub endpoint_type: String,
    pub ip: String,
    /// Null when the value is not an integer (`unreadable` says why).
    #[ts(type = "number | null")]
    pub count: Option<i64>,
    #[ts(type = "number")]
    pub limit: u64,
    /// Seconds left in the window; null for a counter without TTL (CONTRACT §7.7: INCR
    /// after the key expired made a counter that never resets, so the IP stays limited for
    /// ever once it reaches the limit).
    #[ts(type = "number | null")]
    pub ttl_seconds: Option<u64>,
    /// Why the value could not be read; the middleware's `int()` fails on it as well.
    pub unreadable: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReputationRowView {
    pub ip: String,
    /// NaN reads as 0 (the service blocks on it as on a low score).
    pub score: f64,
    #[ts(type = "number")]
    pub ttl_seconds: u64,
}

/// A `rate_limit:*` or `ip_reputation:*` key that could not be read, and why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UnreadableKeyView {
    pub key: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AccessSnapshotView {
    pub account_locks: Vec<AccountLockRowView>,
    pub ip_blocks: Vec<IpBlockRowView>,
    /// Unreadable counters first, then the busiest.
    pub rate_limits: Vec<RateLimitRowView>,
    pub low_reputations: Vec<ReputationRowView>,
    /// Keys of either family that could not be read (a counter name without `{type}:{ip}`, a
    /// reputation that is not a float): shown, never dropped.
    pub unreadable_keys: Vec<UnreadableKeyView>,
}

fn failures(r: &Restriction) -> u64 {
    r.causes
        .iter()
        .filter(|c| c.event_type == "user_login" && c.result == "failure")
        .count() as u64
}

fn cause_views(causes: Vec<CauseEvent>, names: Names<'_>) -> Vec<CauseEventView> {
    causes
        .into_iter()
        .map(|c| CauseEventView {
            email: c.user_id.as_deref().and_then(names).map(|(e, _)| e),
            failures: c.details.get("failures").and_then(|v| v.as_u64()),
            user_agent: Some(c.user_agent).filter(|u| !u.is_empty()),
            event_id: c.event_id,
            timestamp: c.timestamp,
            event_type: c.event_type,
            action: c.action,
            result: c.result,
            ip_address: c.ip_address,
            user_id: c.user_id,
        })
        .collect()
}

pub fn access_snapshot(
    locks: Vec<Restriction>,
    blocks: Vec<Restriction>,
    limits: LimitsView,
    names: Names<'_>,
) -> AccessSnapshotView {
    AccessSnapshotView {
        account_locks: locks
            .into_iter()
            .map(|r| AccountLockRowView {
                email: names(&r.subject).map(|(e, _)| e),
                failures: Some(failures(&r)).filter(|n| *n > 0),
                user_id: r.subject,
                until: r.until,
                until_readable: r.until_readable,
                ttl_seconds: r.ttl_secs,
                causes: cause_views(r.causes, names),
            })
            .collect(),
        ip_blocks: blocks
            .into_iter()
            .map(|r| IpBlockRowView {
                failures: Some(failures(&r)).filter(|n| *n > 0),
                origin: r.origin,
                ip: r.subject,
                until: r.until,
                until_readable: r.until_readable,
                ttl_seconds: r.ttl_secs,
                causes: cause_views(r.causes, names),
            })
            .collect(),
        rate_limits: limits
            .counters
            .into_iter()
            .map(|c| RateLimitRowView {
                endpoint_type: c.endpoint_type,
                ip: c.ip,
                count: c.count,
                limit: c.limit,
                ttl_seconds: c.ttl_secs,
                unreadable: c.unreadable,
            })
            .collect(),
        low_reputations: limits
            .low_reputations
            .into_iter()
            .map(|r| ReputationRowView {
                ip: r.ip,
                score: r.score.unwrap_or(0.0),
                ttl_seconds: r.ttl_secs.unwrap_or(0),
            })
            .collect(),
        unreadable_keys: limits
            .unreadable
            .into_iter()
            .map(|u| UnreadableKeyView {
                key: u.key,
                reason: u.reason,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_otpauth_label_is_read_back_percent_decoded() {
        let uri = "otpauth://totp/Stock%20Analysis%20App:user_user_abc?secret=X&issuer=Stock%20Analysis%20App";
        assert_eq!(
            otpauth_label(uri),
            ("Stock Analysis App".into(), "user_user_abc".into())
        );
        assert_eq!(percent_decode("100%"), "100%", "a lone % stays");
    }

    #[test]
    fn the_threats_snapshot_keeps_causes_no_expiry_and_unreadable_counters() {
        use rampart_core::access::locks::{LimitsView, RateCounter};
        use rampart_core::seed::Unreadable;
        let cause = |ua: &str, details: serde_json::Value| CauseEvent {
            event_id: "audit_1_-2".into(),
            event_type: "user_login".into(),
            timestamp: "2026-11-24T04:12:37.495057".into(),
            user_id: Some("user_a1".into()),
            ip_address: "203.0.113.7".into(),
            user_agent: ua.into(),
            action: "login".into(),
            result: "failure".into(),
            details,
        };
        let lock = Restriction {
            subject: "user_a1".into(),
            until: "2026-11-24T04:27:37.495057".into(),
            until_readable: true,
            ttl_secs: None,
            causes: vec![
                cause("Mozilla/5.0", serde_json::json!({})),
                cause("", serde_json::json!({"failures": 7})),
            ],
            origin: None,
        };
        let block = Restriction {
            subject: "203.0.113.7".into(),
            origin: Some(BlockOrigin::Service),
            ttl_secs: Some(1700),
            ..lock.clone()
        };
        let counter = |count: Option<i64>, unreadable: Option<&str>| RateCounter {
            endpoint_type: "auth".into(),
            ip: "192.0.2.9".into(),
            count,
            limit: 10,
            window_secs: 60,
            limited: false,
            ttl_secs: Some(30),
            unreadable: unreadable.map(str::to_string),
        };
        let limits = LimitsView {
            counters: vec![
                counter(None, Some("`ten` is not an integer")),
                counter(Some(3), None),
            ],
            counters_total: 2,
            low_reputations: vec![],
            reputations_total: 0,
            unreadable: vec![Unreadable {
                key: "ip_reputation:192.0.2.8".into(),
                reason: "`high` is not a float".into(),
            }],
        };
        let names = |id: &str| (id == "user_a1").then(|| ("a@example.test".into(), "a".into()));
        let v = access_snapshot(vec![lock], vec![block], limits, &names);
        let l = &v.account_locks[0];
        assert_eq!(
            l.ttl_seconds, None,
            "no TTL stays null (no expiry), never 0 s"
        );
        assert_eq!(l.failures, Some(2));
        assert_eq!(l.causes.len(), 2, "the causing events reach the UI");
        assert_eq!(l.causes[0].email.as_deref(), Some("a@example.test"));
        assert_eq!(l.causes[0].user_agent.as_deref(), Some("Mozilla/5.0"));
        assert_eq!(l.causes[1].user_agent, None, "an empty user agent is none");
        assert_eq!(l.causes[1].failures, Some(7), "the lockout's own count");
        assert_eq!(v.ip_blocks[0].origin, Some(BlockOrigin::Service));
        assert_eq!(
            v.rate_limits.len(),
            2,
            "an unreadable counter is a row, not dropped"
        );
        assert_eq!(v.rate_limits[0].count, None);
        assert_eq!(
            v.rate_limits[0].unreadable.as_deref(),
            Some("`ten` is not an integer")
        );
        assert_eq!(v.unreadable_keys[0].key, "ip_reputation:192.0.2.8");
    }
}
