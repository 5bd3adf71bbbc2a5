//! How the webview renders: Rampart asks for software rendering without GPU compositing.
//!
//! Why: on Linux, WebKitGTK's default is to composite every page through OpenGL. On a machine
//! without a usable GPU (a VM, a remote desktop, Xvfb, a server console: where a security
//! console often runs) that GL is Mesa's llvmpipe, which compiles its shaders on the CPU before
//! the first frame and keeps a GL context per process. Measured with `scripts/perf-desktop.sh`
//! this cost more than the rest of Rampart's start together and ~90 MB of memory, while a
//! console of forms and tables gains nothing from compositing (no 3D transforms, no video, no
//! WebGL). So the main window's webview gets `HardwareAccelerationPolicy::Never` before its
//! first paint. `RAMPART_GPU=1` keeps WebKit's default for anyone who wants it.
//!
//! macOS (WKWebView) and Windows (WebView2) decide this themselves and do it well; nothing is
//! changed there.

/// The opt-out: `RAMPART_GPU=1` (or `true`/`yes`) keeps the webview's default GPU policy.
pub const GPU_ENV: &str = "RAMPART_GPU";

/// Whether `value` (the content of `RAMPART_GPU`, if set) asks to keep GPU compositing.
pub fn gpu_requested(value: Option<&str>) -> bool {
    matches!(
        value.map(|v| v.trim().to_ascii_lowercase()).as_deref(),
        Some("1" | "true" | "yes" | "on")
    )
}

/// Apply Rampart's rendering policy to every webview window that exists now. Called from the
/// setup hook: the config's windows exist, and no frame has been painted yet (setup runs on the
/// main thread before the GTK loop turns, and `with_webview` runs there synchronously).
pub fn apply<R: tauri::Runtime>(app: &tauri::App<R>) {
    if gpu_requested(std::env::var(GPU_ENV).ok().as_deref()) {
        return;
    }
    platform::apply(app);
}

#[cfg(target_os = "linux")]
mod platform {
    use tauri::Manager;
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};

    pub fn apply<R: tauri::Runtime>(app: &tauri::App<R>) {
        for (label, window) in app.webview_windows() {
            let applied = window.with_webview(|webview| {
                let view = webview.inner();
                // Under WebDriver (the E2E rig: tauri-driver sets TAURI_WEBVIEW_AUTOMATION),
                // WebKitGTK 2.50 without compositing never answers the screenshot command (it
                // waits for a presentation update a static page never makes), so automated
                // sessions keep the default. What they test does not depend on the renderer.
                if view.is_controlled_by_automation() {
                    return;
                }
                if let Some(settings) = view.settings() {
                    settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                }
            });
            if let Err(e) = applied {
                // Not fatal: the window still works, only slower to start.
                tracing::warn!("cannot set the rendering policy of window {label}: {e}");
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    pub fn apply<R: tauri::Runtime>(_app: &tauri::App<R>) {}
}

#[cfg(test)]
mod tests {
    use super::gpu_requested;

    #[test]
    fn gpu_compositing_is_off_unless_the_operator_asks_for_it() {
        assert!(!gpu_requested(None));
        assert!(!gpu_requested(Some("")));
        assert!(!gpu_requested(Some("0")));
        assert!(!gpu_requested(Some("no")));
        assert!(gpu_requested(Some("1")));
        assert!(gpu_requested(Some(" TRUE ")));
        assert!(gpu_requested(Some("yes")));
    }
}
