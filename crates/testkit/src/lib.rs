//! The test rig: real servers for the test suites, never a mock store.
//!
//! # How servers are picked
//!
//! For each of Redis, PostgreSQL and MariaDB/MySQL, once per test process, in this order:
//!
//! 1. The URL in `RAMPART_TEST_REDIS_URL` / `RAMPART_TEST_PG_URL` / `RAMPART_TEST_MYSQL_URL`
//!    when set (it must answer, or the test fails saying so). The special value `spawn` skips
//!    the machine's server and goes to step 3 (how CI proves the throwaway path works).
//!    The PostgreSQL/MySQL URL names an account allowed to `CREATE DATABASE`.
//! 2. The machine's server when it answers: Redis on `127.0.0.1:6379`; PostgreSQL on
//!    `127.0.0.1:5432`, database `test`, user `postgres` then `root`, trust auth; MariaDB on
//!    `127.0.0.1:3306`, user `root` with an empty password, database `test`.
//! 3. A throwaway server on a free port, when its binary is installed: `redis-server`;
//!    `initdb` + `postgres` (run as the `postgres` user when the tests run as root, since
//!    PostgreSQL refuses root); `mariadb-install-db` + `mariadbd`.
//! 4. Otherwise the test fails with a sentence naming the missing server. Nothing is skipped
//!    silently.
//!
//! # Isolation
//!
//! - [`redis()`] leases one logical DB in 1..=15 (a `SET NX EX 600` lease key with a unique
//!   token in DB 0, so concurrent test processes share a server safely), flushes it, and on drop
//!   flushes it again and releases the lease.
//! - [`postgres()`] / [`mysql()`] create a fresh database `rampart_t_<random>` and drop it on
//!   drop.
//! - [`sqlite_file()`] gives a file in a temporary directory, removed on drop.
//! - [`RedisLease::acl_user`] creates an ACL user `rampart_t_<random>` and deletes it on drop.
//! - [`redis_tls()`] starts (once per process) a throwaway TLS-only `redis-server` with a
//!   self-signed certificate and `requirepass`, for the TLS and NOAUTH paths; the machine's
//!   Redis is never reconfigured.
//!
//! # What it leaves behind
//!
//! Nothing. Leased Redis DBs are flushed, databases and ACL users dropped, temp dirs removed. A
//! spawned server runs under a small `sh` watchdog that kills it and deletes its data directory
//! as soon as the test process is gone (statics are never dropped, so the process itself cannot
//! clean up). If a test process is killed, its Redis leases expire after 10 minutes.

mod redis_rig;
mod servers;
mod sql_rig;

pub use redis_rig::{redis, redis_tls, AclUser, RedisLease, TlsRedis};
pub use sql_rig::{mysql, postgres, SqlDb};

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A SQLite file in its own temporary directory (removed on drop).
#[derive(Debug)]
pub struct TempSqlite {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    /// `sqlite://<path>?mode=rwc`.
    pub url: String,
}

/// A fresh, not yet created SQLite file path in a new temporary directory.
pub fn sqlite_file() -> TempSqlite {
    let dir = tempfile::Builder::new()
        .prefix("rampart-test-")
        .tempdir()
        .expect("cannot create a temporary directory for a SQLite test file");
    let path = dir.path().join("rampart.sqlite3");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    TempSqlite { dir, path, url }
}

/// The workspace root (where the top-level Cargo.toml is).
pub fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The Python interpreter of the peers venv: `$RAMPART_PY`, else
/// `~/.cache/rampart/venv/bin/python`, else `<repo>/.venv/bin/python`.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("RAMPART_PY").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        assert!(p.exists(), "RAMPART_PY={} does not exist", p.display());
        return p;
    }
    let mut candidates = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cache/rampart/venv/bin/python"));
    }
    candidates.push(PathBuf::from("/root/.cache/rampart/venv/bin/python"));
    candidates.push(repo_root().join(".venv/bin/python"));
    candidates
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "no Python peers venv found: run `scripts/test.sh` to create the Python peers venv"
            )
        })
}

/// Run `script` with the peers' Python, feed it `stdin`, and parse its stdout as JSON. Panics
/// with the script's stderr when it fails or prints something that is not JSON.
pub fn run_python(script: &Path, args: &[&str], stdin: Option<&[u8]>) -> serde_json::Value {
    let mut child = Command::new(python())
        .arg(script)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", script.display()));
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // Write from a thread so a script that prints before reading cannot deadlock us.
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for {} failed: {e}", script.display()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} {args:?} failed ({}):\n{stderr}",
        script.display(),
        out.status
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{} {args:?} printed something that is not JSON ({e}):\n{}\nstderr:\n{stderr}",
            script.display(),
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// A random lower-case alphanumeric suffix for names (databases, ACL users, tokens).
pub(crate) fn random_suffix(len: usize) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests;
