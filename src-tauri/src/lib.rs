//! The desktop shell. Thin by design: state, and commands of a few lines that call
//! `rampart-console` and `rampart-core`. Authorization and audit happen in the core; nothing
//! here writes an audit record or decides who may do what.

mod commands;
mod error;
mod identity;
mod identity_wire;
mod operators;
mod renderer;
mod state;
pub mod wire;

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use rampart_console::session::ConsoleState;
use rampart_console::settings;
use rampart_core::error::IpcError;
use rampart_store::keychain::Keychain;

use crate::state::AppState;

fn init_tracing() {
    // Logs go to stderr (never a file), default `warn`; RAMPART_LOG=info for more. No secret is
    // ever formatted into a log line: secrets are SecretString and inputs redact their Debug.
    let filter = tracing_subscriber::EnvFilter::try_from_env("RAMPART_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Start the desktop console.
pub fn run() {
    init_tracing();
    let os_locale = settings::os_locale();
    let (settings, config_error) = match settings::load(&os_locale) {
        Ok(s) => (s, None),
        Err(e) => (
            settings::Settings::defaults_for_locale(&os_locale),
            Some(IpcError::from_core(&e, None)),
        ),
    };
    let state = AppState {
        console: Mutex::new(ConsoleState::default()),
        settings: Mutex::new(settings),
        vault: Arc::new(Keychain::default()),
        os_locale,
        config_error: Mutex::new(config_error),
        ready_written: AtomicBool::new(false),
        connecting: tokio::sync::Mutex::new(()),
    };
    tauri::Builder::default()
        .manage(state)
        .setup(|app| {
            renderer::apply(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::settings_save,
            commands::profiles_list,
            commands::profile_save,
            commands::profile_remove,
            commands::profile_test,
            commands::connect,
            commands::connection,
            commands::demo_seed,
            commands::sign_in,
            commands::session,
            commands::activity,
            commands::sign_out,
            commands::overview,
            commands::ui_ready,
            identity::users_page,
            identity::users_unreadable,
            identity::users_index_progress,
            identity::users_refresh,
            identity::user_detail,
            identity::user_activity,
            identity::user_sessions,
            identity::user_api_keys,
            identity::user_create,
            identity::user_set_active,
            identity::user_change_role,
            identity::user_reset_password,
            identity::approvals_list,
            identity::approval_approve,
            identity::approval_refuse,
            identity::bulk_plan,
            identity::dormant_plan,
            identity::batch_run,
            identity::batch_cancel,
            identity::batch_show,
            identity::batch_unfinished,
            identity::batches_unfinished,
            identity::mfa_coverage,
            identity::mfa_begin,
            identity::mfa_confirm,
            identity::mfa_regenerate_backup_codes,
            identity::mfa_reset,
            identity::session_revoke,
            identity::sessions_revoke_all,
            identity::api_key_issue,
            identity::api_key_set_active,
            identity::api_key_revoke,
            identity::access_snapshot,
            identity::account_unlock,
            identity::ip_unblock,
            identity::ip_block,
            operators::operators_list,
            operators::operator_grant,
            operators::operator_revoke,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Rampart desktop console");
}
