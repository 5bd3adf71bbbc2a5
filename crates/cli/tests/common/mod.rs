//! What the binary tests of the administration commands share: running `rampart` against one
//! store with an operator signed in from `RAMPART_OPERATOR_*`, and reading the store back
//! through the same key-space port the console writes with (so an effect is checked where the
//! service would see it, not through the command's own output).

#![allow(dead_code)] // each test binary uses part of it

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use rampart_core::audit::Trail;
use rampart_core::ports::{KeySpace, KeyType, SystemClock, Ttl, Write};
use rampart_domain::trail::TrailEntry;
use rampart_store::embedded::keyspace::EmbeddedKeySpace;
use rampart_store::embedded::EmbeddedStore;
use rampart_store::redis::{RedisKeySpace, RedisOptions};
use secrecy::ExposeSecret;
use serde_json::Value;

/// The demo's console operators (their TOTP secrets are published in `rampart_core::demo`).
pub const OFFICER: (&str, &str) = ("officer@rampart.demo", "RAMPARTDEMOSECURITYOFFICER234567");
pub const AUDITOR: (&str, &str) = ("auditor@rampart.demo", "RAMPARTDEMOAUDITOR22222222222222");
pub const ADMIN: (&str, &str) = ("admin@rampart.demo", "RAMPARTDEMOCONSOLEADMIN444444444");
pub const OPERATOR_PASSWORD: &str = "Rampart-demo-2026";

pub type Env = Vec<(&'static str, String)>;

pub fn code_now(secret: &str) -> String {
    let key = rampart_domain::totp::decode_secret(secret).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    rampart_domain::totp::code_at(key.expose_secret(), now)
}

/// Environment that signs `who` in for one invocation (a fresh process: its TOTP code is new
/// to that process's replay check).
pub fn signed(who: (&str, &str)) -> Env {
    signed_with(who.0, OPERATOR_PASSWORD, who.1)
}

pub fn signed_with(email: &str, password: &str, totp_secret: &str) -> Env {
    vec![
        ("RAMPART_OPERATOR_EMAIL", email.to_string()),
        ("RAMPART_OPERATOR_PASSWORD", password.to_string()),
        ("RAMPART_OPERATOR_TOTP", code_now(totp_secret)),
    ]
}

pub fn with(mut env: Env, k: &'static str, v: &str) -> Env {
    env.push((k, v.to_string()));
    env
}

/// `rampart --json <store flags> …` with a private data and config dir.
pub struct Cli {
    pub dir: tempfile::TempDir,
    store: Vec<String>,
}

impl Cli {
    pub fn redis(url: &str) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            store: vec!["--redis".into(), url.into()],
        }
    }

    pub fn embedded() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.db").display().to_string();
        Self {
            dir,
            store: vec!["--embedded".into(), db],
        }
    }

    pub fn embedded_path(&self) -> PathBuf {
        self.dir.path().join("demo.db")
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, args: &[&str], env: &[(&'static str, String)], extra: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
        cmd.arg("--json")
            .args(&self.store)
            .args(extra)
            .args(args)
            .env("RAMPART_DATA_DIR", self.data())
            .env("RAMPART_CONFIG_DIR", self.data().join("config"))
            .env_remove("RAMPART_REDIS_PASSWORD")
            .env_remove("RAMPART_NEW_PASSWORD")
            .env_remove("RAMPART_MFA_CODE")
            .env_remove("RAMPART_OPERATOR_EMAIL")
            .env_remove("RAMPART_OPERATOR_PASSWORD")
            .env_remove("RAMPART_OPERATOR_TOTP");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str], env: &[(&'static str, String)]) -> Output {
        self.command(args, env, &[])
            .stdin(Stdio::null())
            .output()
            .expect("run rampart")
    }

    /// The same command on this store with `--read-only`.
    pub fn run_read_only(&self, args: &[&str], env: &[(&'static str, String)]) -> Output {
        self.command(args, env, &["--read-only"])
            .stdin(Stdio::null())
            .output()
            .expect("run rampart")
    }

    /// Run with `input` on stdin (`--password-stdin …`).
    pub fn run_stdin(&self, args: &[&str], env: &[(&'static str, String)], input: &str) -> Output {
        let mut child = self
            .command(args, env, &[])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run rampart");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().expect("wait for rampart")
    }

    /// Demo data: the four operators and `users` users (passwords and TOTP secrets published).
    pub fn seed(&self, users: usize) {
        let n = users.to_string();
        let out = self.run(
            &[
                "demo",
                "seed",
                "--users",
                &n,
                "--events",
                "100",
                "--customers",
                "5",
            ],
            &[],
        );
        assert!(
            out.status.success(),
            "demo seed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", text(out)))
}

/// A command that succeeded (exit 0): its JSON document.
pub fn ok(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", text(out));
    json(out)
}

/// A command that failed with exit status `exit` and error code `code`: its message.
pub fn failed(out: &Output, exit: i32, code: &str) -> String {
    assert_eq!(out.status.code(), Some(exit), "{}", text(out));
    let doc = json(out);
    assert_eq!(doc["error"]["code"], code, "{}", text(out));
    let message = doc["error"]["message"].as_str().unwrap().to_string();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&message),
        "the sentence is on stderr too: {}",
        text(out)
    );
    message
}

/// The sorted top-level keys of a JSON object (the shape of a `--json` document).
pub fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

/// The store read back through the key-space port.
pub struct Store {
    rt: tokio::runtime::Runtime,
    pub ks: Arc<dyn KeySpace>,
}

impl Store {
    pub fn redis(url: &str) -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let ks = rt
            .block_on(RedisKeySpace::connect(RedisOptions::new(url)))
            .unwrap();
        Self {
            rt,
            ks: Arc::new(ks),
        }
    }

    pub fn embedded(path: &Path, read_only: bool) -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let store = rt.block_on(EmbeddedStore::open(path)).unwrap();
        let ks = EmbeddedKeySpace::new(store, Arc::new(SystemClock), read_only);
        Self {
            rt,
            ks: Arc::new(ks),
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        self.rt
            .block_on(self.ks.get(key))
            .unwrap()
            .map(|v| String::from_utf8(v).unwrap())
    }

    pub fn exists(&self, key: &str) -> bool {
        self.rt.block_on(self.ks.key_type(key)).unwrap() != KeyType::None
    }

    pub fn hash(&self, key: &str) -> HashMap<String, String> {
        self.rt
            .block_on(self.ks.hgetall(key))
            .unwrap()
            .into_iter()
            .map(|(k, v)| (String::from_utf8(k).unwrap(), String::from_utf8(v).unwrap()))
            .collect()
    }

    pub fn hget(&self, key: &str, field: &str) -> Option<String> {
        self.rt
            .block_on(self.ks.hget(key, field))
            .unwrap()
            .map(|v| String::from_utf8(v).unwrap())
    }

    /// `user:{id}`'s field.
    pub fn user(&self, id: &str, field: &str) -> String {
        self.hget(&format!("user:{id}"), field)
            .unwrap_or_else(|| panic!("user:{id} has no {field}"))
    }

    /// Keys matching a glob pattern (SCAN).
    pub fn scan(&self, pattern: &str) -> Vec<String> {
        let mut cursor = 0;
        let mut all = Vec::new();
        loop {
            let (next, keys) = self
                .rt
                .block_on(self.ks.scan(cursor, pattern, 1000))
                .unwrap();
            all.extend(keys);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        all.sort();
        all.dedup();
        all
    }

    /// Every key without a TTL, with its type and content: equal snapshots mean nothing was
    /// written to them. (Keys with a TTL, such as the demo's rate-limit counters, expire on
    /// their own while a test runs; check those one by one.)
    pub fn snapshot(&self) -> BTreeMap<String, String> {
        self.scan("*")
            .into_iter()
            .filter(|k| self.rt.block_on(self.ks.ttl(k)).unwrap() == Ttl::Persistent)
            .map(|k| {
                let t = self.rt.block_on(self.ks.key_type(&k)).unwrap();
                let v = match t {
                    KeyType::String => format!("{:?}", self.rt.block_on(self.ks.get(&k)).unwrap()),
                    KeyType::Hash => {
                        let mut h = self.rt.block_on(self.ks.hgetall(&k)).unwrap();
                        h.sort();
                        format!("{h:?}")
                    }
                    KeyType::List => {
                        format!("{:?}", self.rt.block_on(self.ks.lrange(&k, 0, -1)).unwrap())
                    }
                    other => format!("{other:?}"),
                };
                (k, v)
            })
            .collect()
    }

    /// Write as the service would (a lock, a refresh token).
    pub fn write(&self, writes: &[Write]) {
        self.rt.block_on(self.ks.apply(writes)).unwrap();
    }

    /// The admin trail, newest first.
    pub fn trail(&self) -> Vec<TrailEntry> {
        self.rt
            .block_on(Trail::new(self.ks.clone()).recent(0, 500))
            .unwrap()
            .into_iter()
            .map(|e| e.expect("a readable trail entry"))
            .collect()
    }

    /// The newest trail entry for `action`.
    pub fn last(&self, action: &str) -> TrailEntry {
        self.trail()
            .into_iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("no trail entry for {action}"))
    }
}
