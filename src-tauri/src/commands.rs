//! IPC commands. Each is a few lines: take what it needs from the state, call the console or a
//! core use case (which authorizes and audits), map the error to a code. Blocking work (the
//! keychain, bcrypt) runs off the async workers so the window never freezes.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::NaiveDateTime;
use rampart_console::connect;
use rampart_console::paths::{config_dir, data_dir, local_actor, local_trail_path};
use rampart_console::probe::{self, ConnectionReport};
use rampart_console::profile::{self, ProfileInput, ProfileView};
use rampart_console::session::{
    current_role, ConnectionState, Live, Session, SessionView, SignInInput,
};
use rampart_console::settings::{self, Settings};
use rampart_core::audit::{AuditAction, AuditWriter, Trail};
use rampart_core::demo::{DemoPlan, DEMO_OPERATORS};
use rampart_core::error::IpcError;
use rampart_core::overview::Overview;
use rampart_core::ports::{DemoRecords, SystemClock};
use rampart_core::CoreError;
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::trail::Outcome;
use rampart_store::embedded::demo_records::DemoRecordsFile;
use rampart_store::embedded::keyspace::EmbeddedKeySpace;
use rampart_store::embedded::EmbeddedStore;
use rand::SeedableRng;
use tauri::ipc::Channel;
use tauri::State;

use crate::error::{ipc, join, CmdResult};
use crate::state::AppState;
use crate::wire::{AppInfo, DemoOperator, DemoPhase, DemoProgress, DemoReport, KeychainState};

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CmdResult<AppInfo> {
    let vault = state.vault.clone();
    // A read of an entry that never exists: tells whether the keychain answers at all.
    let probe = tokio::task::spawn_blocking(move || vault.get("rampart/availability-probe"))
        .await
        .map_err(join)?;
    let keychain = KeychainState {
        available: probe.is_ok(),
        backend: state.vault.backend(),
        error: probe.err().map(|e| IpcError::from_core(&e.into(), None)),
    };
    let mut config_error = state.config_error.lock().expect("state").clone();
    if config_error.is_none() {
        if let Err(e) = profile::load_book() {
            config_error = Some(IpcError::from_core(&e, None));
        }
    }
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        os_locale: state.os_locale.clone(),
        data_dir: data_dir().display().to_string(),
        config_dir: config_dir().display().to_string(),
        settings: state.settings.lock().expect("state").clone(),
        keychain,
        config_error,
    })
}

#[tauri::command]
pub async fn settings_save(state: State<'_, AppState>, settings: Settings) -> CmdResult<Settings> {
    settings::save(&settings).map_err(ipc)?;
    *state.settings.lock().expect("state") = settings.clone();
    *state.config_error.lock().expect("state") = None;
    if let Some(s) = state.console.lock().expect("state").session.as_mut() {
        s.set_lock_after(settings.lock_after_minutes);
    }
    Ok(settings)
}

#[tauri::command]
pub async fn profiles_list() -> CmdResult<Vec<ProfileView>> {
    let book = profile::load_book().map_err(ipc)?;
    Ok(profile::list(&book))
}

/// Profile edits change this workstation's configuration, not a store: they are recorded in
/// the local trail, with the signed-in operator (or the OS user) as the actor.
async fn audit_local(state: &AppState, action: AuditAction, result: &Result<(), CoreError>) {
    let actor = state
        .console
        .lock()
        .expect("state")
        .session
        .as_ref()
        .map(|s| {
            (
                s.signed.operator.id.clone(),
                s.signed.operator.role.as_str(),
            )
        })
        .unwrap_or_else(|| (local_actor(), "none"));
    let Ok(store) = EmbeddedStore::open(&local_trail_path()).await else {
        tracing::warn!("the local trail cannot be opened; profile change not recorded");
        return;
    };
    let ks = Arc::new(EmbeddedKeySpace::new(store, Arc::new(SystemClock), false));
    let w = AuditWriter::new(
        None,
        None,
        Trail::new(ks),
        Arc::new(SystemClock),
        Box::new(rand::rngs::StdRng::from_entropy()),
    );
    let (outcome, err) = match result {
        Ok(()) => (Outcome::Success, None),
        Err(e) => (Outcome::Failure, Some(e.to_string())),
    };
    if let Err(e) = w
        .record_as(&actor.0, actor.1, &action, outcome, err.as_deref())
        .await
    {
        tracing::warn!("profile change not recorded in the local trail: {e}");
    }
}

#[tauri::command]
pub async fn profile_save(
    state: State<'_, AppState>,
    input: ProfileInput,
) -> CmdResult<ProfileView> {
    let vault = state.vault.clone();
    let name = input.name.clone();
    let r = tokio::task::spawn_blocking(move || profile::save(&*vault, input))
        .await
        .map_err(join)?;
    let action = AuditAction::new("console_profile", "profile.save").resource(name);
    audit_local(&state, action, &r.as_ref().map(|_| ()).map_err(clone_err)).await;
    r.map_err(ipc)
}

fn clone_err(e: &CoreError) -> CoreError {
    CoreError::Internal(e.to_string())
}

#[tauri::command]
pub async fn profile_remove(state: State<'_, AppState>, name: String) -> CmdResult<()> {
    let vault = state.vault.clone();
    let n = name.clone();
    let r = tokio::task::spawn_blocking(move || profile::remove(&*vault, &n))
        .await
        .map_err(join)?;
    let action = AuditAction::new("console_profile", "profile.remove").resource(name);
    audit_local(&state, action, &r.as_ref().map(|_| ()).map_err(clone_err)).await;
    r.map_err(ipc)
}

/// Resolve a profile and read its secrets from the keychain (off the async workers).
async fn resolve(
    state: &AppState,
    name: &str,
) -> CmdResult<(profile::Profile, profile::ProfileSecrets)> {
    let book = profile::load_book().map_err(ipc)?;
    let p = profile::resolve(&book, name).map_err(ipc)?;
    let vault = state.vault.clone();
    let p2 = p.clone();
    let secrets = tokio::task::spawn_blocking(move || profile::secrets(&*vault, &p2))
        .await
        .map_err(join)?
        .map_err(ipc)?;
    Ok((p, secrets))
}

#[tauri::command]
pub async fn profile_test(state: State<'_, AppState>, name: String) -> CmdResult<ConnectionReport> {
    let (p, secrets) = resolve(&state, &name).await?;
    Ok(probe::probe(&name, &p, secrets).await)
}

async fn open_live(state: &AppState, name: &str) -> CmdResult<Arc<Live>> {
    let (p, secrets) = resolve(state, name).await?;
    let c = connect::connect(name, &p, secrets).await.map_err(ipc)?;
    let live = Live::new(c);
    let mut console = state.console.lock().expect("state");
    console.connect(live);
    Ok(console.live().expect("just connected"))
}

#[tauri::command]
pub async fn connect(state: State<'_, AppState>, profile: String) -> CmdResult<ConnectionState> {
    let _one_at_a_time = state.connecting.lock().await;
    let live = open_live(&state, &profile).await?;
    live.state().await.map_err(ipc)
}

#[tauri::command]
pub async fn connection(state: State<'_, AppState>) -> CmdResult<Option<ConnectionState>> {
    let live = state.console.lock().expect("state").live.clone();
    match live {
        Some(l) => l.state().await.map(Some).map_err(ipc),
        None => Ok(None),
    }
}

/// Load demo data into the connected, empty embedded store, reporting progress. The actor is
/// the local OS user as console admin (`local_bootstrap`): an empty store has no operators
/// yet, and demo data is refused anywhere else.
#[tauri::command]
pub async fn demo_seed(
    state: State<'_, AppState>,
    on_progress: Channel<DemoProgress>,
) -> CmdResult<DemoReport> {
    let _one_at_a_time = state.connecting.lock().await;
    let live = state.console.lock().expect("state").live().map_err(ipc)?;
    if !live.state().await.map_err(ipc)?.demo_available {
        return Err(ipc(CoreError::Conflict(
            "demo data is only loaded into an empty embedded store".into(),
        )));
    }
    let send = |phase, done, total| {
        let _ = on_progress.send(DemoProgress { phase, done, total });
    };
    send(DemoPhase::Passwords, 0, 1);
    let plan = DemoPlan {
        seed: 1,
        users: 10_000,
        events: 1_000_000,
        days: 120,
        now: live.connected.clock.now(),
    };
    let passwords = tokio::task::spawn_blocking(move || rampart_core::demo::hash_demo_passwords(1))
        .await
        .map_err(join)?
        .map_err(|e| ipc(CoreError::Internal(e.to_string())))?;
    send(DemoPhase::Passwords, 1, 1);
    let local = Operator {
        id: local_actor(),
        role: ConsoleRole::ConsoleAdmin,
        authenticated_by: "local_bootstrap".into(),
    };
    let c = &live.connected;
    let records = c
        .embedded
        .as_ref()
        .map(|s| DemoRecordsFile::beside(s.path(), c.read_only));
    let customers = 5_000;
    let progress = |phase: &str, done: u64, total: u64| {
        let phase = match phase {
            "keyspace" => DemoPhase::Keyspace,
            "events" => DemoPhase::Events,
            _ => DemoPhase::Records,
        };
        send(phase, done, total);
    };
    let report = rampart_core::seeding::seed_demo(
        &live.audit,
        &local,
        c.keyspace.clone(),
        c.index.clone(),
        records.as_ref().map(|r| (r as &dyn DemoRecords, customers)),
        &plan,
        &passwords,
        &progress,
    )
    .await
    .map_err(ipc)?;
    send(DemoPhase::Records, 1, 1);
    // Reconnect so the records file the demo created is opened as the records source.
    let profile = c.profile.clone();
    open_live(&state, &profile).await?;
    Ok(DemoReport {
        users: report.users as u64 + DEMO_OPERATORS.len() as u64,
        events: report.events_indexed,
        records: report.customers as u64,
        operators: DEMO_OPERATORS
            .iter()
            .map(|o| DemoOperator {
                email: o.email.into(),
                role: o.console_role,
            })
            .collect(),
    })
}

#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>, input: SignInInput) -> CmdResult<SessionView> {
    let live = state.console.lock().expect("state").live().map_err(ipc)?;
    let signed = live
        .auth
        .sign_in(&live.audit, input.into())
        .await
        .map_err(ipc)?;
    // Reads need a signed-in operator who may read: the users index starts scanning now, in
    // the background, so the Users page has rows by the time it opens.
    live.start_users_index(&signed.operator);
    let lock_after = state.settings.lock().expect("state").lock_after_minutes;
    let session = Session::new(
        signed,
        live.connected.profile.clone(),
        live.connected.read_only,
        lock_after,
    );
    let view = session.view();
    let mut console = state.console.lock().expect("state");
    console.session = Some(session);
    console.locked_email = None;
    Ok(view)
}

#[tauri::command]
pub async fn session(state: State<'_, AppState>) -> CmdResult<Option<SessionView>> {
    let mut console = state.console.lock().expect("state");
    Ok(console.session_at(now()).map_err(ipc)?.map(|s| s.view()))
}

#[tauri::command]
pub async fn activity(state: State<'_, AppState>) -> CmdResult<()> {
    let mut console = state.console.lock().expect("state");
    let t = now();
    if let Some(s) = console.session_at(t).map_err(ipc)? {
        s.touch(t);
    }
    Ok(())
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> CmdResult<()> {
    let (ended, live) = {
        let mut console = state.console.lock().expect("state");
        (console.sign_out(), console.live.clone())
    };
    if let (Some(s), Some(live)) = (ended, live) {
        let action = AuditAction::new("user_logout", "console.sign_out")
            .subject(s.signed.operator.id.clone())
            .severity("low")
            .detail("console", true);
        live.audit
            .record(&s.signed.operator, &action, Outcome::Success, None)
            .await
            .map_err(ipc)?;
    }
    Ok(())
}

#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> CmdResult<Overview> {
    let (op, live) = state
        .console
        .lock()
        .expect("state")
        .operator_at(now())
        .map_err(ipc)?;
    current_role(&live, &op).await.map_err(ipc)?;
    let c = &live.connected;
    Ok(rampart_core::overview::overview(&c.seed(), &*c.index, &c.trail(), &c.clock).await)
}

/// The UI's first frame is painted: the startup benchmark's finish line
/// (`RAMPART_READY_FILE` gets the Unix time in milliseconds, once).
#[tauri::command]
pub fn ui_ready(state: State<'_, AppState>) {
    if state.ready_written.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Some(path) = std::env::var_os("RAMPART_READY_FILE") {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        if let Err(e) = std::fs::write(&path, ms.to_string()) {
            tracing::warn!("cannot write the ready file: {e}");
        }
    }
}
