//! IPC commands of the Operators page: the console roles of Rampart's registry, listed for every
//! signed-in operator, granted and revoked by a console admin. Each command: the operator with
//! their current console role, one core call (which authorizes and audits), errors through `ipc`.

use rampart_core::operators::{self, OperatorRoster};
use rampart_core::signin;
use rampart_core::CoreError;
use rampart_domain::console::ConsoleRole;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::{ipc, CmdResult};
use crate::identity::operator;
use crate::state::AppState;

/// A grant as written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OperatorGrantView {
    pub email: String,
    pub role: ConsoleRole,
    pub granted_by: String,
    /// Naive UTC ISO.
    pub granted_at: String,
}

#[tauri::command]
pub async fn operators_list(state: State<'_, AppState>) -> CmdResult<OperatorRoster> {
    let (op, live) = operator(&state).await?;
    let c = &live.connected;
    operators::roster(&op, &c.seed(), &c.operators())
        .await
        .map_err(ipc)
}

#[tauri::command]
pub async fn operator_grant(
    state: State<'_, AppState>,
    email: String,
    role: String,
) -> CmdResult<OperatorGrantView> {
    let (op, live) = operator(&state).await?;
    let role = ConsoleRole::parse(&role).ok_or_else(|| {
        ipc(CoreError::Validation(format!(
            "`{role}` is not a console role; choose security_officer, auditor, key_custodian or console_admin"
        )))
    })?;
    let c = &live.connected;
    let g = signin::grant_role(&live.audit, &op, &c.seed(), &c.operators(), &email, role)
        .await
        .map_err(ipc)?;
    Ok(OperatorGrantView {
        email: email.trim().to_string(),
        role: g.role,
        granted_by: g.granted_by,
        granted_at: g.granted_at,
    })
}

/// `who`: the operator's e-mail, or the user id of a grant whose user record is gone.
#[tauri::command]
pub async fn operator_revoke(state: State<'_, AppState>, who: String) -> CmdResult<()> {
    let (op, live) = operator(&state).await?;
    let c = &live.connected;
    signin::revoke_role(&live.audit, &op, &c.seed(), &c.operators(), &who)
        .await
        .map_err(ipc)
}
