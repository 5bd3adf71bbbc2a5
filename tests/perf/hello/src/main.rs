//! Hello-world baseline for the desktop startup and memory benchmark.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static READY: AtomicBool = AtomicBool::new(false);

/// Called by the page after its first paint. Writes the Unix epoch in milliseconds to
/// $RAMPART_READY_FILE, once, exactly as Rampart's `ui_ready` does.
#[tauri::command]
fn ready() {
    if READY.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Some(path) = std::env::var_os("RAMPART_READY_FILE") {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        let _ = std::fs::write(path, ms.to_string());
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("error while running the hello-world app");
}
