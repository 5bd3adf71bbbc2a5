//! Errors that cross from the core to a shell: a closed code plus a safe sentence.

use crate::ports::StoreError;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use ts_rs::TS;

/// The closed set of outcomes a shell (CLI exit JSON, desktop IPC) switches on. Text is for
/// people; code is for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Forbidden,
    NotFound,
    Validation,
    Conflict,
    ReadOnly,
    Unavailable,
    Unauthenticated,
    MfaRequired,
    Locked,
    Malformed,
    Internal,
    /// Too many failed sign-ins for the account: wait for the window to pass.
    Throttled,
    /// The console locked after inactivity: sign in again.
    SessionExpired,
    /// The OS keychain is unavailable, locked or refused the request.
    Keychain,
    /// A local configuration file is unreadable.
    Config,
}

/// A use-case failure. `Display` is the safe sentence: never a secret, never a stored value.
#[derive(Debug, Error)]
pub enum CoreError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("invalid input: {0}")]
    Validation(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("{0}")]
    Malformed(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// Sign-in refused: wrong e-mail, password or code (one sentence for all, on purpose).
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    MfaRequired(String),
    #[error("{0}")]
    Locked(String),
    #[error("{0}")]
    Throttled(String),
    #[error("the console locked after {0} minutes without activity; sign in again")]
    SessionExpired(u32),
    #[error("keychain: {0}")]
    Keychain(String),
    #[error("{0}")]
    Config(String),
    /// Nothing to talk to (no profile connected).
    #[error("{0}")]
    Unavailable(String),
}

impl CoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::Store(e) => e.code(),
            CoreError::Forbidden(_) => ErrorCode::Forbidden,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::Validation(_) => ErrorCode::Validation,
            CoreError::Conflict(_) => ErrorCode::Conflict,
            CoreError::Malformed(_) => ErrorCode::Malformed,
            CoreError::Internal(_) => ErrorCode::Internal,
            CoreError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            CoreError::MfaRequired(_) => ErrorCode::MfaRequired,
            CoreError::Locked(_) => ErrorCode::Locked,
            CoreError::Throttled(_) => ErrorCode::Throttled,
            CoreError::SessionExpired(_) => ErrorCode::SessionExpired,
            CoreError::Keychain(_) => ErrorCode::Keychain,
            CoreError::Config(_) => ErrorCode::Config,
            CoreError::Unavailable(_) => ErrorCode::Unavailable,
        }
    }
}

/// Every failure that crosses to a shell's client (desktop IPC, CLI `--json`): a closed code
/// the client switches on, a safe sentence, and an incident id that finds the full story in
/// the console's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub incident: Option<String>,
}

impl IpcError {
    pub fn from_core(e: &CoreError, incident: Option<String>) -> Self {
        Self {
            code: e.code(),
            message: e.to_string(),
            incident,
        }
    }
}
