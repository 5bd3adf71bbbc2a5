//! Starting throwaway servers that cannot outlive the test process.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An installed program: `$PATH`, then the sbin directories (not on a normal user's PATH), then
/// `/usr/lib/postgresql/<newest>/bin`.
pub(crate) fn find_binary(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/local/sbin", "/usr/sbin", "/sbin"].map(PathBuf::from));
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort_by_key(|p| {
            p.parent()
                .and_then(|v| v.file_name())
                .and_then(|v| v.to_str())
                .and_then(|v| v.parse::<u32>().ok())
        });
        dirs.extend(versions.into_iter().rev());
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// A TCP port nobody listens on right now.
pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("cannot bind a local port to find a free one");
    listener
        .local_addr()
        .expect("a bound socket has an address")
        .port()
}

/// Whether something accepts TCP connections on `host:port` within a short time.
pub(crate) fn port_open(host_port: &str) -> bool {
    use std::net::ToSocketAddrs;
    let Ok(mut addrs) = host_port.to_socket_addrs() else {
        return false;
    };
    addrs.any(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_millis(500)).is_ok())
}

/// Whether the tests run as root (PostgreSQL refuses to run as root).
pub(crate) fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A temporary directory that is NOT removed by Rust: the watchdog removes it once the server
/// has stopped (a `TempDir` in a static would never be dropped anyway).
pub(crate) fn server_dir(prefix: &str) -> PathBuf {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("cannot create a temporary directory for a test server")
        .keep()
}

/// Start `server_cmd` (a shell command line) in the background under a `sh` watchdog. The
/// watchdog polls this process's PID; when the test process is gone it runs `stop_cmd` (default:
/// kill the server), waits, and deletes `dir`. Server output goes to `dir/server.log`.
pub(crate) fn spawn_watched(server_cmd: &str, stop_cmd: Option<&str>, dir: &Path) {
    let dir = dir.display();
    let parent = std::process::id();
    let stop = stop_cmd.unwrap_or("kill \"$SRV\" 2>/dev/null");
    let script = format!(
        "{server_cmd} >>'{dir}/server.log' 2>&1 &\n\
         SRV=$!\n\
         while kill -0 {parent} 2>/dev/null; do sleep 0.5; done\n\
         {stop}\n\
         for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 \"$SRV\" 2>/dev/null || break; sleep 0.5; done\n\
         kill -9 \"$SRV\" 2>/dev/null\n\
         rm -rf '{dir}'\n"
    );
    let mut watchdog = Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start sh to watch a test server");
    // Reap the watchdog if it ever ends while we live (it normally outlives us).
    std::thread::spawn(move || watchdog.wait());
}

/// Run a setup command (initdb, mariadb-install-db) to completion; panic with its output.
pub(crate) fn run_setup(what: &str, cmd_line: &str) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd_line)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Poll `ready` until it returns true; panic with the server log after `timeout`.
pub(crate) fn wait_ready(
    what: &str,
    dir: &Path,
    timeout: Duration,
    mut ready: impl FnMut() -> bool,
) {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    panic!("the throwaway {what} did not start within {timeout:?}; its log:\n{log}");
}

/// Run the future made by `make` to completion on a private runtime in its own thread: usable
/// from sync code (static initialisers, `Drop`) whether or not a runtime is already running on
/// this thread. The future is built inside that thread, so it need not be `Send`.
pub(crate) fn block_on<F, Fut>(make: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future,
    Fut::Output: Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("cannot build a tokio runtime for the test rig")
            .block_on(make())
    })
    .join()
    .unwrap_or_else(|e| std::panic::resume_unwind(e))
}
