//! The dormant-accounts rule, defined once: the dormant report and its batch (`rampart-core`
//! `accounts::dormant`) and the users index's dormant filter (`userindex`, which the desktop's
//! Dormant panel lists and counts with) both ask these functions, so the panel cannot count a
//! user the batch would not deactivate.
//!
//! A user's last activity is `last_login` when present, else `created_at` (a user who never
//! logged in is dormant once the account is N days old); a user with neither is dormant
//! (nothing shows activity). A user is dormant when `now - last activity >= N days`, that is
//! when the last activity is at or before [`cutoff`].
//!
//! Generic over the time type: the report passes `NaiveDateTime`s, the index its packed
//! microseconds (the seed's times have microsecond precision, so both orderings agree).

use chrono::{Duration, NaiveDateTime};

/// Which field a user's idle time is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    LastLogin,
    CreatedAt,
    /// Neither field is present.
    None,
}

impl Since {
    /// The name the CLI's JSON and the report use (`last_login`, `created_at`, `none`).
    pub fn as_str(self) -> &'static str {
        match self {
            Since::LastLogin => "last_login",
            Since::CreatedAt => "created_at",
            Since::None => "none",
        }
    }
}

/// The last activity of a user and the field it came from.
pub fn last_activity<T>(last_login: Option<T>, created_at: Option<T>) -> (Option<T>, Since) {
    match (last_login, created_at) {
        (Some(t), _) => (Some(t), Since::LastLogin),
        (None, Some(t)) => (Some(t), Since::CreatedAt),
        (None, None) => (None, Since::None),
    }
}

/// The latest last activity that is dormant at `now` for a threshold of `days`.
pub fn cutoff(now: NaiveDateTime, days: u32) -> NaiveDateTime {
    now - Duration::days(i64::from(days))
}

/// Whether a user with this `last_login` and `created_at` is dormant, given [`cutoff`] (in the
/// same time type).
pub fn is_dormant<T: Ord>(last_login: Option<T>, created_at: Option<T>, cutoff: &T) -> bool {
    match last_activity(last_login, created_at).0 {
        Some(t) => t <= *cutoff,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_naive_iso;

    fn t(s: &str) -> NaiveDateTime {
        parse_naive_iso(s).unwrap()
    }

    #[test]
    fn last_login_wins_then_created_at_then_none_counts_as_dormant() {
        let now = t("2026-11-24T00:00:00");
        let cases = [
            (
                Some("2026-08-26T00:00:00"),
                Some("2020-01-01T00:00:00"),
                true,
                "exactly 90 days",
            ),
            (
                Some("2026-08-26T00:00:01"),
                Some("2020-01-01T00:00:00"),
                false,
                "a second short",
            ),
            (
                None,
                Some("2026-08-01T00:00:00"),
                true,
                "never logged in, old account",
            ),
            (
                None,
                Some("2026-11-01T00:00:00"),
                false,
                "never logged in, new account",
            ),
            (None, None, true, "no activity recorded at all"),
        ];
        for (ll, ca, want, why) in cases {
            let got = is_dormant(ll.map(t), ca.map(t), &cutoff(now, 90));
            assert_eq!(got, want, "{why}");
        }
        assert_eq!(
            last_activity(None, Some(t("2026-01-01T00:00:00"))).1,
            Since::CreatedAt
        );
    }
}
