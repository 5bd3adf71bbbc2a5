//! Adapters for `rampart-core`'s ports. Each talks to a real server or file:
//!
//! - [`redis`]: [`KeySpace`](rampart_core::ports::KeySpace) over the service's Redis (TLS, ACL
//!   users, read-only mode, Lua-guarded read-modify-write).
//! - [`embedded`]: the console's own SQLite file: the same key space modelled in tables, plus an
//!   indexed audit-event table ([`AuditIndex`](rampart_core::ports::AuditIndex)).
//! - [`sql`]: [`RecordSource`](rampart_core::ports::RecordSource) over PostgreSQL,
//!   MySQL/MariaDB and SQLite.
//! - [`elastic`]: [`AuditIndex`](rampart_core::ports::AuditIndex) over Elasticsearch's REST API.

pub mod elastic;
pub mod embedded;
pub mod keychain;
pub mod redis;
pub mod sql;
