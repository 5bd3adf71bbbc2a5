//! Redis for tests: one server per test process, one leased logical DB per test.

use crate::random_suffix;
use crate::servers::{find_binary, free_port, port_open, server_dir, spawn_watched, wait_ready};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Logical DBs handed out to tests; DB 0 holds only the lease keys.
const LEASED_DBS: std::ops::RangeInclusive<u8> = 1..=15;
/// A crashed test process gives its DB back after this long.
const LEASE_SECS: u64 = 600;
/// How long a test waits for a free DB before failing.
const LEASE_WAIT: Duration = Duration::from_secs(180);

struct RedisServer {
    /// `redis://host:port`, no DB.
    base: String,
    host_port: String,
}

static SERVER: OnceLock<RedisServer> = OnceLock::new();

fn lease_key(db: u8) -> String {
    format!("rampart:test:lease:{db}")
}

fn answers_ping(base: &str) -> bool {
    let Ok(client) = redis::Client::open(format!("{base}/0")) else {
        return false;
    };
    let Ok(mut con) = client.get_connection_with_timeout(Duration::from_secs(2)) else {
        return false;
    };
    redis::cmd("PING").query::<String>(&mut con).is_ok()
}

/// `redis://host:port` from a URL that may carry a `/db` path.
fn split_base(url: &str) -> RedisServer {
    let url = url.trim_end_matches('/');
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let base = match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    };
    let authority = &base[after_scheme..];
    let host_port = authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .to_string();
    RedisServer {
        base: base.to_string(),
        host_port,
    }
}

fn server() -> &'static RedisServer {
    SERVER.get_or_init(|| {
        let from_env = std::env::var("RAMPART_TEST_REDIS_URL")
            .ok()
            .filter(|v| !v.is_empty());
        match from_env.as_deref() {
            Some("spawn") => spawn(),
            Some(url) => {
                let server = split_base(url);
                assert!(
                    answers_ping(&server.base),
                    "RAMPART_TEST_REDIS_URL={} does not answer PING",
                    server.host_port
                );
                server
            }
            None if port_open("127.0.0.1:6379") && answers_ping("redis://127.0.0.1:6379") => {
                split_base("redis://127.0.0.1:6379")
            }
            None => spawn(),
        }
    })
}

fn spawn() -> RedisServer {
    let bin = find_binary("redis-server").unwrap_or_else(|| {
        panic!(
            "no Redis for the tests: nothing answers on 127.0.0.1:6379, RAMPART_TEST_REDIS_URL \
             is not set, and redis-server is not installed (apt-get install redis-server)"
        )
    });
    let dir = server_dir("rampart-redis-");
    let port = free_port();
    let cmd = format!(
        "'{}' --port {port} --bind 127.0.0.1 --save '' --appendonly no --databases 16 --dir '{}'",
        bin.display(),
        dir.display()
    );
    spawn_watched(&cmd, None, &dir);
    let server = split_base(&format!("redis://127.0.0.1:{port}"));
    wait_ready("redis-server", &dir, Duration::from_secs(20), || {
        answers_ping(&server.base)
    });
    server
}

/// One leased logical DB on the test Redis, flushed when leased and again when dropped.
#[derive(Debug)]
pub struct RedisLease {
    /// `redis://host:port/<db>`, ready for `RedisOptions::new`.
    pub url: String,
    pub host_port: String,
    pub db: u8,
    base: String,
    token: String,
}

/// Lease a free logical DB (1..=15) on the test Redis and flush it. Waits while all are leased
/// (other tests or test processes); fails after 3 minutes.
pub async fn redis() -> RedisLease {
    let server = server();
    let client = redis::Client::open(format!("{}/0", server.base))
        .unwrap_or_else(|e| panic!("bad Redis URL for {}: {e}", server.host_port));
    let mut con = client
        .get_multiplexed_async_connection()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot connect to the test Redis at {}: {e}",
                server.host_port
            )
        });
    let token = random_suffix(24);
    let deadline = Instant::now() + LEASE_WAIT;
    loop {
        // Start at a random DB so parallel tests do not all race for DB 1.
        let offset = rand::Rng::gen_range(&mut rand::thread_rng(), 0..LEASED_DBS.len());
        let order = LEASED_DBS
            .cycle()
            .skip(offset)
            .take(LEASED_DBS.len())
            .collect::<Vec<_>>();
        for db in order {
            let won: Option<String> = redis::cmd("SET")
                .arg(lease_key(db))
                .arg(&token)
                .arg("NX")
                .arg("EX")
                .arg(LEASE_SECS)
                .query_async(&mut con)
                .await
                .unwrap_or_else(|e| panic!("lease SET on {} failed: {e}", server.host_port));
            if won.is_some() {
                let lease = RedisLease {
                    url: format!("{}/{db}", server.base),
                    host_port: server.host_port.clone(),
                    db,
                    base: server.base.clone(),
                    token,
                };
                lease.flush();
                return lease;
            }
        }
        assert!(
            Instant::now() < deadline,
            "all {} Redis test DBs on {} stayed leased for {LEASE_WAIT:?} (another test run \
             holds them; leases expire {LEASE_SECS} s after a crash)",
            LEASED_DBS.len(),
            server.host_port
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

impl RedisLease {
    fn sync_con(&self, db: u8) -> Option<redis::Connection> {
        let client = redis::Client::open(format!("{}/{db}", self.base)).ok()?;
        client
            .get_connection_with_timeout(Duration::from_secs(5))
            .ok()
    }

    fn flush(&self) {
        let mut con = self
            .sync_con(self.db)
            .unwrap_or_else(|| panic!("cannot connect to {} to flush DB {}", self.url, self.db));
        redis::cmd("FLUSHDB")
            .query::<()>(&mut con)
            .unwrap_or_else(|e| panic!("FLUSHDB on {} failed: {e}", self.url));
    }

    /// Create an ACL user `rampart_t_<random>` with a random password and `rules` (for
    /// example `["~*", "+@all"]`, or `["~*", "+@all", "-@write"]` for a read-only account).
    /// The user is deleted when the returned value is dropped.
    pub fn acl_user(&self, rules: &[&str]) -> AclUser {
        let name = format!("rampart_t_{}", random_suffix(10));
        let password = random_suffix(24);
        let mut con = self
            .sync_con(0)
            .unwrap_or_else(|| panic!("cannot connect to {} to create an ACL user", self.url));
        redis::cmd("ACL")
            .arg("SETUSER")
            .arg(&name)
            .arg("reset")
            .arg("on")
            .arg(format!(">{password}"))
            .arg(rules)
            .query::<()>(&mut con)
            .unwrap_or_else(|e| panic!("ACL SETUSER {name} {rules:?} failed: {e}"));
        AclUser {
            name,
            password,
            base: self.base.clone(),
        }
    }
}

impl Drop for RedisLease {
    fn drop(&mut self) {
        // Errors are ignored: a failed cleanup must not turn a passing test into a panic while
        // unwinding; the lease expires on its own.
        if let Some(mut con) = self.sync_con(self.db) {
            let _ = redis::cmd("FLUSHDB").query::<()>(&mut con);
        }
        if let Some(mut con) = self.sync_con(0) {
            // Release only our own lease (it may have expired and been taken by someone else).
            let _ = redis::Script::new(
                "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                 return redis.call('DEL', KEYS[1]) end return 0",
            )
            .key(lease_key(self.db))
            .arg(&self.token)
            .invoke::<i64>(&mut con);
        }
    }
}

/// A throwaway ACL user on the test Redis; deleted on drop.
pub struct AclUser {
    pub name: String,
    /// Random, test-only.
    pub password: String,
    base: String,
}

impl std::fmt::Debug for AclUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AclUser")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Drop for AclUser {
    fn drop(&mut self) {
        let Ok(client) = redis::Client::open(format!("{}/0", self.base)) else {
            return;
        };
        if let Ok(mut con) = client.get_connection_with_timeout(Duration::from_secs(5)) {
            let _ = redis::cmd("ACL")
                .arg("DELUSER")
                .arg(&self.name)
                .query::<i64>(&mut con);
        }
    }
}

/// A throwaway TLS-only Redis with a self-signed certificate and a password on the default
/// user, for the TLS and NOAUTH paths. The machine's Redis is never reconfigured for this.
#[derive(Debug)]
pub struct TlsRedis {
    /// `rediss://127.0.0.1:<port>` (no password in it).
    pub url: String,
    /// The self-signed certificate (PEM) the server presents, for `CN=localhost`, `127.0.0.1`.
    pub cert: std::path::PathBuf,
    /// The default user's password (test-only).
    pub password: String,
}

static TLS: OnceLock<TlsRedis> = OnceLock::new();

/// Start (once per test process) a TLS-only `redis-server` with `requirepass`. Needs
/// `redis-server` built with TLS and the `openssl` command; fails saying which is missing.
pub fn redis_tls() -> &'static TlsRedis {
    TLS.get_or_init(|| {
        let bin = find_binary("redis-server")
            .unwrap_or_else(|| panic!("the TLS tests need redis-server, which is not installed"));
        let openssl = find_binary("openssl").unwrap_or_else(|| {
            panic!("the TLS tests need the openssl command to make a certificate")
        });
        let dir = server_dir("rampart-redis-tls-");
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        crate::servers::run_setup(
            "openssl req (self-signed test certificate)",
            &format!(
                "'{}' req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
                 -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' -keyout '{}' -out '{}'",
                openssl.display(),
                key.display(),
                cert.display()
            ),
        );
        let port = free_port();
        let password = random_suffix(24);
        let cmd = format!(
            "'{}' --port 0 --tls-port {port} --bind 127.0.0.1 --tls-cert-file '{}' \
             --tls-key-file '{}' --tls-ca-cert-file '{}' --tls-auth-clients no \
             --requirepass {password} --save '' --appendonly no --dir '{}'",
            bin.display(),
            cert.display(),
            key.display(),
            cert.display(),
            dir.display()
        );
        spawn_watched(&cmd, None, &dir);
        wait_ready("TLS redis-server", &dir, Duration::from_secs(20), || {
            port_open(&format!("127.0.0.1:{port}"))
        });
        TlsRedis {
            url: format!("rediss://127.0.0.1:{port}"),
            cert,
            password,
        }
    })
}
