//! The desktop shell. Thin by design: state, and commands of a few lines that call
//! `rampart-console` and `rampart-core`. Authorization and audit happen in the core; nothing
//! here writes an audit record or decides who may do what.

mod commands;
mod error;
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
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Rampart desktop console");
}
