//! Rampart's use cases and the ports they need.
//!
//! Data flows one way: a shell (desktop or CLI) calls a use case here; the use case checks the
//! operator's console role, acts through a port, and audits both outcomes. Adapters for the
//! ports live in `rampart-store`; nothing in this crate opens a socket or a file.

pub mod access;
pub mod accounts;
pub mod audit;
pub mod demo;
pub mod error;
pub mod guard;
pub mod operators;
pub mod overview;
pub mod ports;
pub mod seed;
pub mod seeding;
pub mod signin;
pub mod status;
pub mod users;

pub use error::{CoreError, ErrorCode};
