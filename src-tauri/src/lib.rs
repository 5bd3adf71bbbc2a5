//! The desktop shell. Thin by design: setup, state and commands of a few lines that call
//! `rampart-core`. This foundation version opens the window on a static page; the console
//! itself (connections, sign-in, pages) arrives with the desktop-shell issue.

/// Start the desktop console.
pub fn run() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("error while running the Rampart desktop console");
}
