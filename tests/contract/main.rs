//! Contract suites: the same cases run against every backend of a port, on real servers.
//! Backends come from `rampart-testkit` (the machine's servers, or throwaway ones it starts).

mod access;
mod accounts;
mod audit_index;
mod blocks;
mod keyspace;
mod operator_accounts;
mod record_source;
mod signin;
mod trail;
mod user_detail;
mod users_index;
