//! The window's state: settings, the keychain, and the console (connection + session).

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use rampart_console::session::ConsoleState;
use rampart_console::settings::Settings;
use rampart_core::error::IpcError;
use rampart_core::ports::SecretVault;

pub struct AppState {
    pub console: Mutex<ConsoleState>,
    pub settings: Mutex<Settings>,
    pub vault: Arc<dyn SecretVault>,
    pub os_locale: String,
    /// A settings or profile file that could not be read at start.
    pub config_error: Mutex<Option<IpcError>>,
    /// `ui_ready` writes the startup benchmark's finish line once.
    pub ready_written: AtomicBool,
    /// Serializes connect/demo so two clicks cannot race two connections.
    pub connecting: tokio::sync::Mutex<()>,
}
