//! IPC commands of identity administration (issue 4): the users table and detail, account
//! lifecycle, four-eyes approvals, dormant batches, MFA, sessions, API keys, locks and blocks.
//! Each command: the operator at `now` with their current console role, one core call (which
//! authorizes and audits), users the call changed re-read into the index, errors through `ipc`.

use std::sync::Arc;

use chrono::NaiveDateTime;
use rampart_console::bulk::BulkTarget;
use rampart_console::identity::{parse_role, shown_once, CodeInput, NewUserInput};
use rampart_console::session::{current_role, Live};
use rampart_core::access::apikeys::IssueRequest;
use rampart_core::accounts::{NewUser, PasswordChoice, RoleOutcome, RunHooks};
use rampart_core::users::{self, BuildProgress, UserQuery};
use rampart_core::CoreError;
use rampart_domain::batch::BatchAction;
use rampart_domain::console::Operator;
use rampart_domain::time::parse_naive_iso;
use rampart_domain::user::Role;
use rampart_domain::userindex::UserRow;
use rand::SeedableRng;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::{ipc, CmdResult};
use crate::identity_wire::*;
use crate::state::AppState;

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn rng() -> rand::rngs::StdRng {
    rand::rngs::StdRng::from_entropy()
}

/// The signed-in operator (activity resets the lock) with the console role as stored now.
pub(crate) async fn operator(state: &AppState) -> CmdResult<(Operator, Arc<Live>)> {
    let (op, live) = state
        .console
        .lock()
        .expect("state")
        .operator_at(now())
        .map_err(ipc)?;
    let op = current_role(&live, &op).await.map_err(ipc)?;
    Ok((op, live))
}

/// E-mail and username by user id, from the index (nothing when not loaded yet).
fn names(live: &Live) -> impl Fn(&str) -> Option<(String, String)> {
    let index = live.users_index();
    move |id: &str| match index.row(id) {
        Some(UserRow::User(u)) => Some((u.email, u.username)),
        _ => None,
    }
}

fn user_row(live: &Live, id: &str) -> CmdResult<UserRowView> {
    match live.users_index().row(id) {
        Some(UserRow::User(u)) => Ok(u.into()),
        Some(UserRow::Unreadable(u)) => Err(ipc(CoreError::Malformed(format!(
            "`{}` is unreadable: {}",
            u.key, u.reason
        )))),
        None => Err(ipc(CoreError::NotFound(format!("no user {id}")))),
    }
}

// ---- Users: read

#[tauri::command]
pub async fn users_page(
    state: State<'_, AppState>,
    query: UsersQueryInput,
    offset: u64,
    limit: u64,
) -> CmdResult<UsersPageView> {
    let (op, live) = operator(&state).await?;
    let q = query.to_query(offset, limit);
    let index = live.users_index();
    Ok(index.list(&op, &q).map_err(ipc)?.into())
}

#[tauri::command]
pub async fn users_unreadable(
    state: State<'_, AppState>,
    offset: u64,
    limit: u64,
) -> CmdResult<UnreadablePageView> {
    let (op, live) = operator(&state).await?;
    let q = UserQuery {
        unreadable: Some(true),
        offset,
        limit,
        ..UserQuery::default()
    };
    Ok(live.users_index().list(&op, &q).map_err(ipc)?.into())
}

#[tauri::command]
pub async fn users_index_progress(state: State<'_, AppState>) -> CmdResult<BuildProgress> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    Ok(live.users_index().progress())
}

/// Start an incremental pass (unless one runs) and return where the index stands.
#[tauri::command]
pub async fn users_refresh(state: State<'_, AppState>) -> CmdResult<BuildProgress> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    Ok(live.refresh_users())
}

async fn detail(live: &Live, op: &Operator, id: &str) -> CmdResult<users::UserDetail> {
    let c = &live.connected;
    users::user_detail(&c.seed(), Some(&*c.index), &*c.clock, op, id)
        .await
        .map_err(ipc)
}

#[tauri::command]
pub async fn user_detail(state: State<'_, AppState>, id: String) -> CmdResult<UserDetailView> {
    let (op, live) = operator(&state).await?;
    let d = detail(&live, &op, &id).await?;
    detail_view(&d).ok_or_else(|| {
        ipc(CoreError::Malformed(format!(
            "`{}` is unreadable: {}",
            d.key,
            d.unreadable.as_deref().unwrap_or("unknown reason")
        )))
    })
}

#[tauri::command]
pub async fn user_activity(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<ActivityRowView>> {
    let (op, live) = operator(&state).await?;
    Ok(activity_view(detail(&live, &op, &id).await?))
}

#[tauri::command]
pub async fn user_sessions(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<SessionRowView>> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    let list = live.access().list_sessions(&id).await.map_err(ipc)?;
    Ok(list.sessions.into_iter().map(Into::into).collect())
}

#[tauri::command]
pub async fn user_api_keys(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<Vec<ApiKeyRowView>> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    let list = live.access().list_api_keys(Some(&id)).await.map_err(ipc)?;
    Ok(list.keys.into_iter().map(Into::into).collect())
}

// ---- Users: lifecycle

/// Create a user. Asking for `admin` creates a `basic_user` and files the promotion request
/// (a second console admin approves it), as the create dialog explains. Refusals about one
/// field come back as a result so the form can put them next to that field.
#[tauri::command]
pub async fn user_create(
    state: State<'_, AppState>,
    input: NewUserInput,
) -> CmdResult<CreateUserResultView> {
    let (op, live) = operator(&state).await?;
    let parts = input.into_parts().map_err(ipc)?;
    let (email, username, asked) = (parts.email.clone(), parts.username.clone(), parts.role);
    let role = if asked == Role::Admin {
        Role::BasicUser
    } else {
        asked
    };
    let acc = live.accounts();
    let new = NewUser {
        email: parts.email,
        username: parts.username,
        role,
        password: parts.password,
    };
    let created = match acc.create_user(&live.audit, &op, new).await {
        Ok(c) => c,
        Err(e) => {
            let field = rampart_core::accounts::create::refused_field(&email, &username, role, &e);
            return match field {
                Some(f) => Ok(CreateUserResultView::Refused {
                    field: Some(format!("{f:?}").to_lowercase()),
                    error: ipc(e),
                }),
                None => Err(ipc(e)),
            };
        }
    };
    let approval = if asked == Role::Admin {
        let reason = Some("requested when the user was created");
        match acc
            .change_role(&live.audit, &op, &created.user_id, Role::Admin, reason)
            .await
            .map_err(ipc)?
        {
            RoleOutcome::ApprovalRequested { request } => Some(request),
            _ => None,
        }
    } else {
        None
    };
    live.settle_users().await;
    let names = names(&live);
    Ok(CreateUserResultView::Created {
        user: user_row(&live, &created.user_id)?,
        approval: approval.map(|r| Box::new(approval_view(r, &now(), &names))),
        generated_password: shown_once(created.generated_password.as_ref()),
    })
}

#[tauri::command]
pub async fn user_set_active(
    state: State<'_, AppState>,
    id: String,
    active: bool,
    reason: String,
) -> CmdResult<StatusChangeView> {
    let (op, live) = operator(&state).await?;
    let r = live
        .accounts()
        .set_active(&live.audit, &op, &id, active, &reason)
        .await;
    live.settle_users().await;
    let s = r.map_err(ipc)?;
    Ok(StatusChangeView {
        user_id: s.user_id,
        before: s.before,
        after: s.after,
        changed: s.changed,
    })
}

#[tauri::command]
pub async fn user_change_role(
    state: State<'_, AppState>,
    id: String,
    role: String,
    reason: String,
) -> CmdResult<RoleChangeResultView> {
    let (op, live) = operator(&state).await?;
    let role = parse_role(&role).map_err(ipc)?;
    let reason = Some(reason.as_str()).filter(|r| !r.trim().is_empty());
    let r = live
        .accounts()
        .change_role(&live.audit, &op, &id, role, reason)
        .await;
    live.settle_users().await;
    match r.map_err(ipc)? {
        RoleOutcome::ApprovalRequested { request } => Ok(RoleChangeResultView::Requested {
            request: approval_view(request, &now(), &names(&live)),
        }),
        RoleOutcome::Changed { user_id, .. } | RoleOutcome::Unchanged { user_id, .. } => {
            let user = user_row(&live, &user_id)?;
            let permissions = Role::parse(&user.role)
                .map(|r| r.permissions_field())
                .unwrap_or_default();
            Ok(RoleChangeResultView::Changed {
                permissions: permissions.split(',').map(str::to_string).collect(),
                user,
            })
        }
    }
}

/// Reset a user's password to a generated one (shown once); also clears an account lock.
#[tauri::command]
pub async fn user_reset_password(
    state: State<'_, AppState>,
    id: String,
) -> CmdResult<PasswordResetView> {
    let (op, live) = operator(&state).await?;
    let r = live
        .accounts()
        .reset_password(&live.audit, &op, &id, PasswordChoice::Generate)
        .await
        .map_err(ipc)?;
    live.user_changed(&r.user_id);
    live.settle_users().await;
    Ok(PasswordResetView {
        password: shown_once(r.generated_password.as_ref()).unwrap_or_default(),
        user_id: r.user_id,
        lock_cleared: r.lock_cleared,
        sessions_revoked: r.sessions_revoked as u64,
    })
}

// ---- Approvals

#[tauri::command]
pub async fn approvals_list(state: State<'_, AppState>) -> CmdResult<ApprovalListView> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    let (all, bad) = live.accounts().approval_requests().await.map_err(ipc)?;
    let (t, names) = (now(), names(&live));
    let (pending, history) = all
        .into_iter()
        .map(|r| approval_view(r, &t, &names))
        .partition(|v| v.status == "pending");
    Ok(ApprovalListView {
        pending,
        history,
        unreadable: bad
            .into_iter()
            .map(|u| UnreadableUserView {
                key: u.key,
                reason: u.reason,
            })
            .collect(),
    })
}

#[tauri::command]
pub async fn approval_approve(state: State<'_, AppState>, id: String) -> CmdResult<ApprovalView> {
    let (op, live) = operator(&state).await?;
    let acc = live.accounts();
    let r = acc.approve(&live.audit, &op, &id).await.map_err(ipc)?;
    // The approval wrote the user's role: the table shows it at once.
    live.user_changed(&r.user_id);
    live.settle_users().await;
    Ok(approval_view(r, &now(), &names(&live)))
}

#[tauri::command]
pub async fn approval_refuse(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> CmdResult<ApprovalView> {
    let (op, live) = operator(&state).await?;
    let r = live
        .accounts()
        .refuse(&live.audit, &op, &id, &reason)
        .await
        .map_err(ipc)?;
    Ok(approval_view(r, &now(), &names(&live)))
}

// ---- Bulk actions, dormant accounts and batches

/// Dry run of a bulk action over ticked rows or over the users table's filter (resolved to ids
/// here). Held in memory until `batch_run`; nothing is written or audited yet.
#[tauri::command]
pub async fn bulk_plan(
    state: State<'_, AppState>,
    action: BulkActionInput,
    target: BulkTargetInput,
) -> CmdResult<BatchPlanView> {
    let (op, live) = operator(&state).await?;
    let action = action.into_action().map_err(ipc)?;
    let target = match target {
        BulkTargetInput::Ids { ids } => BulkTarget::Ids(ids),
        BulkTargetInput::Filter { query, except } => BulkTarget::Filter {
            query: query.to_query(0, 0),
            except,
        },
    };
    let plan = live.plan_bulk(&op, action, target).await.map_err(ipc)?;
    Ok(batch_plan_view(&plan, &[], &names(&live)))
}

/// Dry run of deactivating the active users with no login for `days` days. Held like a bulk
/// dry run until `batch_run`; nothing changes yet.
#[tauri::command]
pub async fn dormant_plan(
    state: State<'_, AppState>,
    days: u32,
    reason: String,
) -> CmdResult<BatchPlanView> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    let t = live.connected.clock.now();
    let report = live.accounts().dormant(&t, days).await.map_err(ipc)?;
    let ids: Vec<String> = report
        .users
        .into_iter()
        .filter(|u| u.is_active)
        .map(|u| u.user_id)
        .collect();
    let reason = Some(reason.trim().to_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| format!("dormant: no login for {days} days"));
    let action = BatchAction::Deactivate { reason };
    let plan = live
        .plan_bulk(&op, action, BulkTarget::Ids(ids))
        .await
        .map_err(ipc)?;
    Ok(batch_plan_view(&plan, &[], &names(&live)))
}

/// Run a dry run (stored first, audited) or resume a stored batch: each item's result goes to
/// `on_result` as it lands; `batch_cancel` stops it after the current item.
#[tauri::command]
pub async fn batch_run(
    state: State<'_, AppState>,
    batch_id: String,
    on_result: Channel<BatchResultView>,
) -> CmdResult<BatchRunEnd> {
    let (op, live) = operator(&state).await?;
    let stop = live.batch_stop(&batch_id);
    let on_item = |r: &rampart_domain::batch::ItemResult| {
        let _ = on_result.send(batch_result_view(r));
    };
    let hooks = RunHooks {
        on_item: &on_item,
        stop: Some(&stop),
    };
    let r = live.run_bulk(&op, &batch_id, hooks).await;
    live.batch_ended(&batch_id);
    live.settle_users().await;
    Ok(if r.map_err(ipc)?.finished {
        BatchRunEnd::Done
    } else {
        BatchRunEnd::Interrupted
    })
}

#[tauri::command]
pub async fn batch_cancel(state: State<'_, AppState>, batch_id: String) -> CmdResult<bool> {
    let (_, live) = operator(&state).await?;
    Ok(live.cancel_batch(&batch_id))
}

/// A batch with its results so far: a stored one, or a dry run held for this operator.
#[tauri::command]
pub async fn batch_show(state: State<'_, AppState>, batch_id: String) -> CmdResult<BatchPlanView> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    if let Some(plan) = live.held_plan(&batch_id, &op) {
        return Ok(batch_plan_view(&plan, &[], &names(&live)));
    }
    let v = live.accounts().show_batch(&batch_id).await.map_err(ipc)?;
    Ok(batch_plan_view(&v.plan, &v.results, &names(&live)))
}

/// The newest deactivation batch that stopped before its end, to resume (the dormant panel).
#[tauri::command]
pub async fn batch_unfinished(state: State<'_, AppState>) -> CmdResult<Option<BatchPlanView>> {
    let (op, live) = operator(&state).await?;
    let all = live.unfinished_bulk(&op).await.map_err(ipc)?;
    let names = names(&live);
    Ok(all
        .into_iter()
        .find(|v| matches!(v.plan.action, BatchAction::Deactivate { .. }))
        .map(|v| batch_plan_view(&v.plan, &v.results, &names)))
}

/// Every stored batch that stopped before its end, newest first, without items.
#[tauri::command]
pub async fn batches_unfinished(state: State<'_, AppState>) -> CmdResult<Vec<BatchSummaryView>> {
    let (op, live) = operator(&state).await?;
    let all = live.unfinished_bulk(&op).await.map_err(ipc)?;
    let names = names(&live);
    Ok(all.iter().map(|v| batch_summary_view(v, &names)).collect())
}

// ---- MFA

#[tauri::command]
pub async fn mfa_coverage(state: State<'_, AppState>) -> CmdResult<MfaCoverageView> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    Ok(live.access().mfa_coverage().await.map_err(ipc)?.into())
}

#[tauri::command]
pub async fn mfa_begin(state: State<'_, AppState>, user_id: String) -> CmdResult<EnrollmentView> {
    let (op, live) = operator(&state).await?;
    let e = live
        .access()
        .begin_enrollment(&live.audit, &op, &user_id, &mut rng())
        .await
        .map_err(ipc)?;
    Ok(e.reveal().into())
}

/// A refused code is a result (wrong, drift by N steps, replayed), not an error.
#[tauri::command]
pub async fn mfa_confirm(
    state: State<'_, AppState>,
    user_id: String,
    input: CodeInput,
) -> CmdResult<ConfirmResultView> {
    let (op, live) = operator(&state).await?;
    let code = input.into_secret();
    let r = live
        .access()
        .confirm_enrollment(&live.audit, &op, &user_id, &code)
        .await;
    live.user_changed(&user_id);
    live.settle_users().await;
    match r {
        Ok(codes) => Ok(ConfirmResultView::Enabled {
            backup_codes: codes.reveal(),
        }),
        Err(CoreError::CodeRefused(refusal)) => Ok(ConfirmResultView::Refused { refusal }),
        Err(e) => Err(ipc(e)),
    }
}

#[tauri::command]
pub async fn mfa_regenerate_backup_codes(
    state: State<'_, AppState>,
    user_id: String,
) -> CmdResult<Vec<String>> {
    let (op, live) = operator(&state).await?;
    let codes = live
        .access()
        .regenerate_backup_codes(&live.audit, &op, &user_id, &mut rng())
        .await
        .map_err(ipc)?;
    Ok(codes.reveal())
}

#[tauri::command]
pub async fn mfa_reset(
    state: State<'_, AppState>,
    user_id: String,
    reason: String,
) -> CmdResult<()> {
    let (op, live) = operator(&state).await?;
    let r = live
        .access()
        .reset_mfa(&live.audit, &op, &user_id, &reason)
        .await;
    live.user_changed(&user_id);
    live.settle_users().await;
    r.map(|_| ()).map_err(ipc)
}

// ---- Sessions and API keys

#[tauri::command]
pub async fn session_revoke(
    state: State<'_, AppState>,
    user_id: String,
    token_id: String,
) -> CmdResult<RevokedView> {
    let (op, live) = operator(&state).await?;
    let r = live
        .access()
        .revoke_session(&live.audit, &op, &user_id, &token_id)
        .await
        .map_err(ipc)?;
    Ok(RevokedView {
        revoked: r.tokens.len() as u64,
    })
}

#[tauri::command]
pub async fn sessions_revoke_all(
    state: State<'_, AppState>,
    user_id: String,
) -> CmdResult<RevokedView> {
    let (op, live) = operator(&state).await?;
    let r = live
        .access()
        .revoke_all_sessions(&live.audit, &op, &user_id)
        .await
        .map_err(ipc)?;
    Ok(RevokedView {
        revoked: r.tokens.len() as u64,
    })
}

#[tauri::command]
pub async fn api_key_issue(
    state: State<'_, AppState>,
    user_id: String,
    input: IssueKeyInput,
) -> CmdResult<IssuedKeyView> {
    let (op, live) = operator(&state).await?;
    let expires_at = match input.expires_at.as_deref() {
        Some(s) => Some(parse_naive_iso(s).map_err(|e| {
            ipc(CoreError::Validation(format!(
                "the expiry is not a date: {e}"
            )))
        })?),
        None => None,
    };
    let req = IssueRequest {
        user: user_id,
        permissions: Some(input.permissions),
        usage_limit: input.usage_limit,
        rate_limit: input.rate_limit,
        expires_at,
    };
    let k = live
        .access()
        .issue_api_key(&live.audit, &op, &req, &mut rng())
        .await
        .map_err(ipc)?
        .reveal();
    Ok(IssuedKeyView {
        handle: k.handle,
        key_id: k.key_id,
        api_key: k.api_key,
    })
}

#[tauri::command]
pub async fn api_key_set_active(
    state: State<'_, AppState>,
    handle: String,
    active: bool,
) -> CmdResult<ApiKeyRowView> {
    let (op, live) = operator(&state).await?;
    let v = live
        .access()
        .set_api_key_active(&live.audit, &op, &handle, active)
        .await
        .map_err(ipc)?;
    Ok(v.into())
}

#[tauri::command]
pub async fn api_key_revoke(state: State<'_, AppState>, handle: String) -> CmdResult<()> {
    let (op, live) = operator(&state).await?;
    live.access()
        .revoke_api_key(&live.audit, &op, &handle)
        .await
        .map(|_| ())
        .map_err(ipc)
}

// ---- Locks, blocks, limits

/// How many rate-limit counters and low reputations the page lists (busiest / lowest first).
const LIMITS_SHOWN: usize = 200;

#[tauri::command]
pub async fn access_snapshot(state: State<'_, AppState>) -> CmdResult<AccessSnapshotView> {
    let (op, live) = operator(&state).await?;
    users::index::require_read(&op).map_err(ipc)?;
    let a = live.access();
    let locks = a.list_locks(true).await.map_err(ipc)?;
    let blocks = a.list_blocks(true).await.map_err(ipc)?;
    let limits = a.limits(LIMITS_SHOWN).await.map_err(ipc)?;
    Ok(crate::identity_wire::access_snapshot(
        locks,
        blocks,
        limits,
        &names(&live),
    ))
}

#[tauri::command]
pub async fn account_unlock(
    state: State<'_, AppState>,
    user_id: String,
    reason: String,
) -> CmdResult<()> {
    let (op, live) = operator(&state).await?;
    live.access()
        .unlock_account(&live.audit, &op, &user_id, &reason)
        .await
        .map(|_| ())
        .map_err(ipc)
}

#[tauri::command]
pub async fn ip_unblock(state: State<'_, AppState>, ip: String, reason: String) -> CmdResult<()> {
    let (op, live) = operator(&state).await?;
    live.access()
        .unblock_ip(&live.audit, &op, &ip, &reason)
        .await
        .map(|_| ())
        .map_err(ipc)
}

#[tauri::command]
pub async fn ip_block(
    state: State<'_, AppState>,
    ip: String,
    minutes: i64,
    reason: String,
) -> CmdResult<()> {
    let (op, live) = operator(&state).await?;
    live.access()
        .block_ip(&live.audit, &op, &ip, minutes, &reason)
        .await
        .map(|_| ())
        .map_err(ipc)
}
