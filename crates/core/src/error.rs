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
    /// The store's own account lacks a permission (Redis NOPERM, SQL 42501, ES 403): a matter
    /// for the store's ACL, not the operator's console role, so it has its own code.
    StoreDenied,
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
    /// An authenticator code refused at MFA enrolment, typed so a shell can say which refusal
    /// it was in the operator's language (the sentence stays for the CLI and the logs). Its
    /// code is `validation`, as for any other wrong input.
    #[error("invalid input: {}", .0.sentence())]
    CodeRefused(CodeRefusal),
}

/// Why an enrolment confirmation code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CodeRefusal {
    /// Matches no step near the current time.
    Wrong,
    /// Matches a step further than ±1 away (negative: the authenticator is behind). Still
    /// refused: a wider window would weaken every check; the cause is the device's clock.
    Drift {
        #[ts(type = "number")]
        steps: i64,
    },
    /// The console already accepted this step for the user.
    Replayed,
}

impl CodeRefusal {
    pub fn sentence(&self) -> String {
        match self {
            CodeRefusal::Wrong => {
                "the code is wrong: type the 6 digits the authenticator shows now".into()
            }
            CodeRefusal::Drift { steps } => crate::access::mfa::drift_message(*steps),
            CodeRefusal::Replayed => {
                "this code was already used; wait for the authenticator's next code".into()
            }
        }
    }
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
            CoreError::CodeRefused(_) => ErrorCode::Validation,
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
