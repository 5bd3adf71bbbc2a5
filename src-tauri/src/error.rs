//! Failures crossing IPC: a closed code and a safe sentence. Failures the operator cannot fix
//! (internal, malformed data) also get an incident id, logged with the full story, so support
//! can find it without the UI ever showing more than the sentence.

use rampart_core::error::IpcError;
use rampart_core::{CoreError, ErrorCode};

pub type CmdResult<T> = Result<T, IpcError>;

pub fn ipc(e: CoreError) -> IpcError {
    let code = e.code();
    let incident = matches!(code, ErrorCode::Internal | ErrorCode::Malformed).then(|| {
        let id = format!("inc-{:08x}", rand::random::<u32>());
        // The sentence is already safe (no secrets, no stored values); the id ties it to the UI.
        tracing::error!(incident = %id, code = ?code, "{e}");
        id
    });
    if incident.is_none() {
        tracing::info!(code = ?code, "{e}");
    }
    IpcError::from_core(&e, incident)
}

/// A blocking task that panicked or was cancelled.
pub fn join(e: tokio::task::JoinError) -> IpcError {
    ipc(CoreError::Internal(format!(
        "a background task failed: {e}"
    )))
}
