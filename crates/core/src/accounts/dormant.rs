//! Dormant accounts: users with no login for N days (default 90).
//!
//! The rule lives in [`rampart_domain::dormant`] (the users index's dormant filter asks it too):
//! a user's last activity is `last_login` when present, else `created_at` (a user who never
//! logged in is dormant once their account is N days old), and a user with neither is dormant
//! (nothing shows activity; listed with `since: none` so an officer can judge). A user is
//! dormant when `now - last activity >= N days`. Deactivated users are listed too (with
//! `is_active: false`); a bulk deactivation plans them as "no change".

use chrono::NaiveDateTime;
use rampart_domain::dormant as rule;
use rampart_domain::time::format_naive_iso;
use rampart_domain::user::{Role, UserRecord};
use serde::Serialize;

use super::Accounts;
use crate::seed::Unreadable;
use crate::CoreError;

pub const DEFAULT_DORMANT_DAYS: u32 = 90;

#[derive(Debug, Clone, Serialize)]
pub struct DormantUser {
    pub user_id: String,
    pub email: String,
    pub username: String,
    pub role: Role,
    pub is_active: bool,
    /// `last_login`, `created_at` or `none`: which field the idle time is counted from.
    pub since: &'static str,
    pub last_activity: Option<String>,
    /// Whole days since the last activity (`None` when there is none).
    pub idle_days: Option<i64>,
}

#[derive(Debug, Default, Serialize)]
pub struct DormantReport {
    pub days: u32,
    pub now: String,
    /// Longest idle first; users with no activity at all first of all.
    pub users: Vec<DormantUser>,
    /// Records the service could not load: never hidden.
    pub unreadable: Vec<Unreadable>,
}

/// The last activity of a user and the field it came from ([`rampart_domain::dormant`]).
pub fn last_activity(u: &UserRecord) -> (Option<NaiveDateTime>, &'static str) {
    let (t, since) = rule::last_activity(u.last_login, u.created_at);
    (t, since.as_str())
}

/// Whether `u` is dormant at `now` for a threshold of `days` ([`rampart_domain::dormant`]).
pub fn is_dormant(u: &UserRecord, now: &NaiveDateTime, days: u32) -> bool {
    rule::is_dormant(u.last_login, u.created_at, &rule::cutoff(*now, days))
}

impl Accounts {
    /// Every dormant user (SCAN over `user:*`), read-only.
    pub async fn dormant(
        &self,
        now: &NaiveDateTime,
        days: u32,
    ) -> Result<DormantReport, CoreError> {
        let listing = self.seed.list_users().await?;
        let mut users: Vec<DormantUser> = listing
            .users
            .iter()
            .filter(|u| is_dormant(u, now, days))
            .map(|u| {
                let (t, since) = last_activity(u);
                DormantUser {
                    user_id: u.id.clone(),
                    email: u.email.clone(),
                    username: u.username.clone(),
                    role: u.role,
                    is_active: u.is_active,
                    since,
                    last_activity: t.as_ref().map(format_naive_iso),
                    idle_days: t.map(|t| (*now - t).num_days()),
                }
            })
            .collect();
        users.sort_by(|a, b| {
            b.idle_days
                .unwrap_or(i64::MAX)
                .cmp(&a.idle_days.unwrap_or(i64::MAX))
                .then_with(|| a.user_id.cmp(&b.user_id))
        });
        Ok(DormantReport {
            days,
            now: format_naive_iso(now),
            users,
            unreadable: listing.unreadable,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        rampart_domain::time::parse_naive_iso(s).unwrap()
    }

    fn user(last_login: Option<&str>, created_at: Option<&str>) -> UserRecord {
        UserRecord {
            id: "user_a".into(),
            email: "a@x".into(),
            username: "a".into(),
            role: Role::Guest,
            permissions: vec![],
            is_active: true,
            mfa_enabled: false,
            last_login: last_login.map(t),
            created_at: created_at.map(t),
            warnings: vec![],
        }
    }

    /// The rule itself is tabled in `rampart_domain::dormant`; this checks only that the
    /// record adapter hands it the right fields (last_login first, then created_at).
    #[test]
    fn the_record_adapter_feeds_the_domain_rule() {
        let now = t("2026-11-24T00:00:00");
        let recent_login = user(Some("2026-11-01T00:00:00"), Some("2020-01-01T00:00:00"));
        assert!(
            !is_dormant(&recent_login, &now, 90),
            "last_login wins over an old created_at"
        );
        let never = user(None, Some("2026-01-01T00:00:00"));
        assert!(is_dormant(&never, &now, 90), "no login: created_at decides");
        assert_eq!(last_activity(&never).1, "created_at");
        assert_eq!(last_activity(&recent_login).1, "last_login");
    }
}
