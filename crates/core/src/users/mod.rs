//! The users table over the service's `user:*` hashes at a million users, and one user's
//! detail.
//!
//! - [`index::UserIndex`]: every user as a compact row in memory, built by SCAN + pipelined
//!   HGETALL (queried while it builds), refreshed by re-scans and by [`index::UserIndex::upsert`]
//!   after the console's own writes. Filter, search, sort and paging are pure
//!   (`rampart_domain::userindex`).
//! - [`detail::user_detail`]: profile, permissions against the role table, MFA, sessions, API
//!   keys, lock and recent events of one user.

pub mod detail;
pub mod index;

pub use detail::{user_detail, UserDetail};
pub use index::{BuildProgress, BuildState, UserIndex, UserPage};
pub use rampart_domain::userindex::{
    LastLoginFilter, SearchMode, SortKey, UnreadableRow, UserQuery, UserRow, UserSummary,
};
