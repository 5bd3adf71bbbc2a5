//! Errors that cross from the core to a shell: a closed code plus a safe sentence.

use crate::ports::StoreError;
use serde::Serialize;
use thiserror::Error;

/// The closed set of outcomes a shell (CLI exit JSON, desktop IPC) switches on. Text is for
/// people; code is for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        }
    }
}
