//! Benchmarks against the Python peer, on the same Redis and the same data, in one run. Prints a
//! markdown table with each target and whether it is met. Run with `scripts/bench.sh`.
//!
//! Data: `--users` seed user hashes (default 1,000,000) written by Rust in the seed's exact
//! format. Passwords are not part of the scan, so no bcrypt hashing is needed for the data.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use rampart_core::ports::{Clock, KeySpace, SystemClock, Write, MAX_BATCH};
use rampart_core::seed::SeedStore;
use rampart_core::users::{LastLoginFilter, SearchMode, SortKey, UserIndex, UserQuery};
use rampart_domain::keyrecord::KeyRecord;
use rampart_domain::{fernet, ids, kdf, time::format_naive_iso, user};
use rampart_store::redis::{RedisKeySpace, RedisOptions};
use rand::{Rng, RngCore, SeedableRng};
use secrecy::SecretBox;
use serde_json::Value;

// The same allocator as the `rampart` binary, so the table measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 1_000_000)]
    users: usize,
    /// Scan repetitions (the best run is reported; each side gets the same number).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    #[arg(long, default_value_t = 20_000)]
    fernet_n: usize,
    #[arg(long, default_value_t = 20)]
    pbkdf2_n: usize,
    /// Only the users-table rows (index, filter, search); skips scan, Fernet and PBKDF2.
    #[arg(long)]
    users_only: bool,
    /// Keep the loaded users (skip loading when the leased DB already holds them).
    #[arg(long)]
    reuse: bool,
    /// Use this Redis DB (`redis://host:port/db`) instead of leasing one from the test Redis,
    /// for example a private server while profiling; with `--reuse` its users are kept.
    #[arg(long)]
    redis_url: Option<String>,
    /// Only time the phases of a cold users-index build, each on its own (SCAN; HGETALL
    /// pipelines with the RESP parse; decode; table), then the overlapped build with the CPU
    /// time of this process and of Redis.
    #[arg(long)]
    phases: bool,
    /// With `--phases`: only the overlapped build (no phase-by-phase passes).
    #[arg(long)]
    build_only: bool,
}

struct Row {
    what: String,
    rust: String,
    python: String,
    ratio: String,
    target: String,
    met: bool,
}

fn py(args: &[&str]) -> Value {
    let script = rampart_testkit::repo_root().join("tests/python/bench_peer.py");
    rampart_testkit::run_python(&script, args, None)
}

fn best<F: FnMut() -> Duration>(runs: usize, mut f: F) -> Duration {
    (0..runs.max(1)).map(|_| f()).min().unwrap_or_default()
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let lease = match &args.redis_url {
        Some(_) => None,
        None => Some(rampart_testkit::redis().await),
    };
    let url = match (&args.redis_url, &lease) {
        (Some(u), _) => u.clone(),
        (None, Some(l)) => l.url.clone(),
        (None, None) => unreachable!(),
    };
    let ks = Arc::new(
        RedisKeySpace::connect(RedisOptions {
            url: url.clone(),
            username: None,
            password: None,
            db: None,
            read_only: false,
            timeout: Duration::from_secs(60),
            tls_insecure: false,
        })
        .await
        .expect("connect to Redis"),
    );
    let have = ks.dbsize().await.unwrap_or(0) as usize;
    if !(args.reuse && have == args.users) {
        eprintln!("loading {} user hashes into {url} ...", args.users);
        let t = Instant::now();
        load_users(&*ks, args.users).await;
        eprintln!("loaded in {:.1} s", t.elapsed().as_secs_f64());
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!("load average before measuring: {}", load.trim());

    if args.phases {
        phases(&args, ks.clone(), &url).await;
        drop(lease);
        return;
    }
    let mut rows = Vec::new();
    users_rows(&args, ks.clone(), &url, &mut rows).await;
    if args.users_only {
        print_rows(&rows, &load);
        drop(lease);
        return;
    }

    // 1. scan + decode every user hash.
    let seed = SeedStore::new(ks.clone());
    let mut decoded = 0;
    let mut rust = Duration::MAX;
    for _ in 0..args.runs.max(1) {
        let t = Instant::now();
        let listing = seed.list_users().await.expect("list users");
        rust = rust.min(t.elapsed());
        decoded = listing.users.len();
    }
    assert_eq!(decoded, args.users, "every user decoded");
    // Python twice: as the seed runs redis-py (its own parser; hiredis is not among the seed's
    // libraries), and with the optional hiredis C parser, redis-py's fastest configuration.
    let scaled_limit = 3.5 * args.users as f64 / 1_000_000.0;
    for (parser, label) in [("pure", "redis-py"), ("hiredis", "redis-py + hiredis")] {
        let mut python = f64::MAX;
        for _ in 0..args.runs.max(1) {
            let v = py(&["scan-users", "--redis", &url, "--parser", parser]);
            assert_eq!(
                v["decoded"].as_u64(),
                Some(args.users as u64),
                "python decoded every user: {v}"
            );
            python = python.min(v["seconds"].as_f64().unwrap());
        }
        let ratio = python / rust.as_secs_f64();
        rows.push(Row {
            what: format!("scan + decode {} user hashes", args.users),
            rust: format!("{:.2} s", rust.as_secs_f64()),
            python: format!("{python:.2} s ({label}: SCAN + pipelined HGETALL)"),
            ratio: format!("{ratio:.1}x"),
            target: format!("<= {scaled_limit:.2} s and >= 4x"),
            met: rust.as_secs_f64() <= scaled_limit && ratio >= 4.0,
        });
    }

    // 2. Fernet decrypt + re-encrypt of a key record token, the wrapping key derived once:
    //    exactly the work of the Python side (`f.encrypt(f.decrypt(token))`).
    let wrapping = kdf::wrapping_key(&[9u8; 32]);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let rec = KeyRecord {
        key_id: ids::new_key_id(&mut rng),
        key_data: SecretBox::new(Box::new(vec![1u8; 32])),
        algorithm: "AES-256-GCM".into(),
        created_at: chrono::Utc::now().naive_utc(),
        expires_at: None,
        is_active: true,
        purpose: "pii".into(),
    };
    let mut token = rec.wrap(&wrapping, 1_700_000_000, [2u8; 16]);
    let n = args.fernet_n;
    let rust = best(args.runs, || {
        let t = Instant::now();
        for _ in 0..n {
            let plain = fernet::decrypt(&wrapping, token.as_bytes()).expect("decrypt");
            let mut iv = [0u8; 16];
            rng.fill_bytes(&mut iv);
            token = fernet::encrypt(&wrapping, &plain, 1_700_000_000, iv);
        }
        t.elapsed()
    });
    // The full unwrap (JSON parse) + rewrap of the record, for reference.
    let full = best(args.runs, || {
        let t = Instant::now();
        for _ in 0..n {
            let r = KeyRecord::unwrap(&wrapping, token.as_bytes()).expect("unwrap");
            token = r.wrap(&wrapping, 1_700_000_000, [3u8; 16]);
        }
        t.elapsed()
    });
    let v = py(&["fernet-rewrap", "--n", &n.to_string()]);
    let python = v["seconds"].as_f64().unwrap();
    let ratio = python / rust.as_secs_f64();
    rows.push(Row {
        what: format!("Fernet decrypt + re-encrypt of a key record token (x{n})"),
        rust: format!(
            "{:.2} us/op ({:.2} with JSON parse + re-serialize)",
            rust.as_secs_f64() * 1e6 / n as f64,
            full.as_secs_f64() * 1e6 / n as f64
        ),
        python: format!("{:.2} us/op (cryptography)", python * 1e6 / n as f64),
        ratio: format!("{ratio:.1}x"),
        target: ">= 10x".into(),
        met: ratio >= 10.0,
    });

    // 3. PBKDF2-HMAC-SHA256 at 100,000 iterations (one field key).
    let n = args.pbkdf2_n;
    let t = Instant::now();
    for i in 0..n {
        let _ = kdf::field_key(&[3u8; 32], &format!("field_{i}"));
    }
    let per = t.elapsed().as_secs_f64() * 1e3 / n as f64;
    let v = py(&["pbkdf2", "--n", &n.to_string()]);
    let py_per = v["seconds"].as_f64().unwrap() * 1e3 / n as f64;
    rows.push(Row {
        what: "PBKDF2-HMAC-SHA256, 100,000 iterations".into(),
        rust: format!("{per:.2} ms"),
        python: format!("{py_per:.2} ms (cryptography)"),
        ratio: format!("{:.1}x", py_per / per),
        target: "<= 10 ms".into(),
        met: per <= 10.0,
    });

    print_rows(&rows, &load);
    drop(lease);
}

fn print_rows(rows: &[Row], load: &str) {
    println!("| benchmark | Rust | Python peer | speed-up | target | met |");
    println!("|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            r.what,
            r.rust,
            r.python,
            r.ratio,
            r.target,
            if r.met { "yes" } else { "NO" }
        );
    }
    println!();
    println!(
        "load average when measuring started (1, 5, 15 min): {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

/// CPU seconds (user + system) this process has used.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)`: state is 3rd overall; utime and stime are the 14th and 15th.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Redis's CPU seconds (`used_cpu_sys + used_cpu_user` of INFO cpu), through redis-cli.
fn redis_cpu_seconds(url: &str) -> Option<f64> {
    let out = std::process::Command::new("redis-cli")
        .args(["-u", url, "INFO", "cpu"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let get = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    Some(get("used_cpu_sys:")? + get("used_cpu_user:")?)
}

/// The Redis server's main thread from `/proc` when it runs on this machine: (seconds on a CPU,
/// seconds runnable but waiting for one).
fn redis_sched(url: &str) -> Option<(f64, f64)> {
    let out = std::process::Command::new("redis-cli")
        .args(["-u", url, "INFO", "server"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let pid = text
        .lines()
        .find_map(|l| l.strip_prefix("process_id:"))?
        .trim()
        .to_string();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?;
    let mut f = stat
        .split_whitespace()
        .map(|v| v.parse::<f64>().unwrap_or(0.0) / 1e9);
    Some((f.next()?, f.next()?))
}

/// `--phases`: each phase of a cold users-index build alone, then the real (overlapped) build.
async fn phases(args: &Args, ks: Arc<RedisKeySpace>, url: &str) {
    use rampart_domain::userindex::{decode_user, fingerprint, Table};
    let secs = |d: Duration| d.as_secs_f64();
    for run in 0..args.runs.max(1) {
        if args.build_only {
            let index = UserIndex::new(ks.clone(), Arc::new(SystemClock));
            let (cpu0, rcpu0, s0) = (cpu_seconds(), redis_cpu_seconds(url), redis_sched(url));
            let t = Instant::now();
            index.build().await.expect("build");
            let build = t.elapsed();
            let (cpu1, rcpu1, s1) = (cpu_seconds(), redis_cpu_seconds(url), redis_sched(url));
            let times = search_as_you_type(&index);
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            let filter = UserQuery {
                role: Some("premium_user".into()),
                mfa: Some(false),
                last_login: Some(LastLoginFilter::NotWithin { days: 90 }),
                limit: 50,
                ..UserQuery::default()
            };
            let warm: Vec<String> = (0..5)
                .map(|_| {
                    let t = Instant::now();
                    let _ = index.query(&filter).expect("filter");
                    format!("{:.1}", ms(t.elapsed()))
                })
                .collect();
            eprintln!(
                "run {run}: dormant-premium filter on the built index: {} ms",
                warm.join(", ")
            );
            let count_only = UserQuery {
                limit: 0,
                ..filter.clone()
            };
            let warm: Vec<String> = (0..5)
                .map(|_| {
                    let t = Instant::now();
                    let _ = index.query(&count_only).expect("filter");
                    format!("{:.1}", ms(t.elapsed()))
                })
                .collect();
            eprintln!("run {run}: same, count only: {} ms", warm.join(", "));
            eprintln!(
                "run {run}: search as you type: median {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.9)),
                ms(percentile(&times, 0.99)),
                ms(times[times.len() - 1])
            );
            let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
            // Of the build's wall time, Redis was on a CPU, runnable but not running (the
            // machine is busy), or idle (waiting for this client).
            let sched = s0
                .zip(s1)
                .map_or(String::new(), |((on0, wait0), (on1, wait1))| {
                    let (on, wait) = (on1 - on0, wait1 - wait0);
                    format!(
                        "; Redis on CPU {on:.2} s, waiting for a CPU {wait:.2} s, idle {:.2} s",
                        secs(build) - on - wait
                    )
                });
            eprintln!(
                "run {run}: build {:.2} s, client CPU {:.2} s, Redis CPU {} s (load {}){sched}",
                secs(build),
                cpu1 - cpu0,
                rcpu0
                    .zip(rcpu1)
                    .map_or("?".to_string(), |(a, b)| format!("{:.2}", b - a)),
                load.split_whitespace().next().unwrap_or("?")
            );
            continue;
        }
        // 1. SCAN alone.
        let r0 = redis_cpu_seconds(url);
        let t = Instant::now();
        let mut keys = Vec::new();
        let mut cursor = 0;
        loop {
            let (next, mut step) = ks.scan(cursor, "user:*", MAX_BATCH).await.expect("scan");
            keys.append(&mut step);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        let scan = t.elapsed();
        let r1 = redis_cpu_seconds(url);
        // 2. HGETALL pipelines one after another (Redis + network + RESP parse).
        let c1 = cpu_seconds();
        let t = Instant::now();
        let mut raws = Vec::new();
        for chunk in keys.chunks(MAX_BATCH) {
            raws.push(ks.hgetall_raw(chunk).await.expect("hgetall"));
        }
        let fetch = t.elapsed();
        let (c2, r2) = (cpu_seconds(), redis_cpu_seconds(url));
        let delta = |a: Option<f64>, b: Option<f64>| {
            a.zip(b)
                .map_or("?".to_string(), |(a, b)| format!("{:.2}", b - a))
        };
        eprintln!(
            "run {run}: Redis CPU: SCAN {} s, HGETALL {} s; client CPU for HGETALL + parse {:.2} s",
            delta(r0, r1),
            delta(r1, r2),
            c2 - c1
        );
        // 3. Decode every reply (results dropped); 4. decode again and upsert into a table.
        let mut fields = Vec::new();
        let t = Instant::now();
        let mut readable = 0usize;
        for (chunk, raw) in keys.chunks(MAX_BATCH).zip(&raws) {
            for (i, key) in chunk.iter().enumerate() {
                let id = key.strip_prefix("user:").unwrap_or(key);
                raw.fields_into(i, &mut fields).expect("a hash");
                let _ = std::hint::black_box(fingerprint(&fields));
                if matches!(
                    std::hint::black_box(decode_user(id, &fields)),
                    rampart_domain::userindex::Verdict::User(_)
                ) {
                    readable += 1;
                }
            }
        }
        let decode = t.elapsed();
        let t = Instant::now();
        let mut table = Table::new();
        table.reserve(keys.len());
        let mut resized = false;
        for (chunk, raw) in keys.chunks(MAX_BATCH).zip(&raws) {
            for (i, key) in chunk.iter().enumerate() {
                let id = key.strip_prefix("user:").unwrap_or(key);
                raw.fields_into(i, &mut fields).expect("a hash");
                table.upsert_fields(id, &fields, 1);
            }
            if !resized && table.len() >= 512 {
                table.reserve(keys.len() - table.len());
                resized = true;
            }
        }
        let insert = t.elapsed().saturating_sub(decode);
        assert_eq!(table.len(), readable, "every user readable");
        drop(raws);
        // 5. The real build, overlapped, with CPU use on both sides.
        let index = UserIndex::new(ks.clone(), Arc::new(SystemClock));
        let (cpu0, rcpu0) = (cpu_seconds(), redis_cpu_seconds(url));
        let t = Instant::now();
        index.build().await.expect("build");
        let build = t.elapsed();
        let (cpu1, rcpu1) = (cpu_seconds(), redis_cpu_seconds(url));
        let redis_cpu = rcpu0
            .zip(rcpu1)
            .map_or("?".to_string(), |(a, b)| format!("{:.2}", b - a));
        eprintln!(
            "run {run}: {} keys | scan {:.2} s | hgetall+parse {:.2} s | decode {:.2} s | table {:.2} s | sum {:.2} s || build {:.2} s, client CPU {:.2} s, Redis CPU {redis_cpu} s",
            keys.len(),
            secs(scan),
            secs(fetch),
            secs(decode),
            secs(insert),
            secs(scan + fetch + decode + insert),
            secs(build),
            cpu1 - cpu0,
        );
    }
}

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// The users table at `args.users` users: first page from a cold index, the dormant-premium
/// filter over everything vs redis-py, and search as you type.
async fn users_rows(args: &Args, ks: Arc<RedisKeySpace>, url: &str, rows: &mut Vec<Row>) {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let first_page = UserQuery {
        limit: 50,
        ..UserQuery::default()
    };
    // 1. First page: a cold index starts building; the table asks for page 1 until it has a
    //    full page (served from the partial index, `complete: false`).
    let mut first = Duration::MAX;
    for _ in 0..args.runs.max(1) {
        let index = UserIndex::new(ks.clone(), clock.clone());
        let t = Instant::now();
        let builder = {
            let index = index.clone();
            tokio::spawn(async move { index.build().await })
        };
        loop {
            let page = index.query(&first_page).expect("query");
            if page.rows.len() == 50 || page.complete {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        first = first.min(t.elapsed());
        index.cancel();
        let _ = builder.await;
    }
    rows.push(Row {
        what: format!(
            "users table: first page (50 rows) from a cold index, {} users",
            args.users
        ),
        rust: format!("{:.0} ms", first.as_secs_f64() * 1e3),
        python: "-".into(),
        ratio: "-".into(),
        target: "<= 300 ms".into(),
        met: first <= Duration::from_millis(300),
    });

    // 2. Full filter: role = premium_user AND MFA off AND no login for 90 days, from a cold
    //    index (SCAN + every HGETALL + decode + filter), against redis-py doing the same.
    let filter = UserQuery {
        role: Some("premium_user".into()),
        mfa: Some(false),
        last_login: Some(LastLoginFilter::NotWithin { days: 90 }),
        limit: 50,
        ..UserQuery::default()
    };
    let rss_before = rss_bytes();
    let mut rust = Duration::MAX;
    let mut matched = 0;
    let mut kept = None;
    // Of the fastest run: Redis's CPU seconds, and its main thread's seconds waiting for a CPU
    // (when Redis runs on this machine): the build cannot be faster than the first.
    let mut server = (None, None);
    let peers = [("pure", "redis-py"), ("hiredis", "redis-py + hiredis")];
    let mut python = [f64::MAX; 2];
    let mut py_matched = [0u64; 2];
    // Rust and each Python variant take turns, so a change in the machine's load during the
    // table's minutes falls on every side alike.
    for _ in 0..args.runs.max(1) {
        drop(kept.take());
        let index = UserIndex::new(ks.clone(), clock.clone());
        let (cpu0, sched0) = (redis_cpu_seconds(url), redis_sched(url));
        let t = Instant::now();
        index.build().await.expect("build the users index");
        let page = index.query(&filter).expect("filter");
        let took = t.elapsed();
        let (cpu1, sched1) = (redis_cpu_seconds(url), redis_sched(url));
        if took < rust {
            rust = took;
            server = (
                cpu0.zip(cpu1).map(|(a, b)| b - a),
                sched0.zip(sched1).map(|((_, a), (_, b))| b - a),
            );
        }
        assert_eq!(page.loaded, args.users as u64, "every user indexed");
        matched = page.total;
        kept = Some(index);
        for (i, (parser, _)) in peers.iter().enumerate() {
            let v = py(&["filter-users", "--redis", url, "--parser", parser]);
            python[i] = python[i].min(v["seconds"].as_f64().unwrap());
            py_matched[i] = v["matched"].as_u64().unwrap_or(0);
        }
    }
    let index = kept.expect("an index");
    let rss = rss_bytes().saturating_sub(rss_before);
    let heap = index.heap_bytes();
    let limit = 3.5 * args.users as f64 / 1_000_000.0;
    for (i, (_, label)) in peers.iter().enumerate() {
        let (python, py_matched) = (python[i], py_matched[i]);
        // The 90-day cutoff is taken a few seconds apart on each side.
        let drift = (py_matched as i64 - matched as i64).unsigned_abs();
        assert!(
            drift <= (args.users as u64 / 10_000).max(5),
            "same matches: rust {matched}, python {py_matched}"
        );
        let ratio = python / rust.as_secs_f64();
        rows.push(Row {
            what: format!(
                "filter premium_user + MFA off + no login 90 d over {} users, cold ({matched} match)",
                args.users
            ),
            rust: format!("{:.2} s", rust.as_secs_f64()),
            python: format!("{python:.2} s ({label}: SCAN + pipelined HGETALL + filter, {py_matched} match)"),
            ratio: format!("{ratio:.1}x"),
            target: format!("<= {limit:.2} s and >= 4x"),
            met: rust.as_secs_f64() <= limit && ratio >= 4.0,
        });
    }
    if let Some(cpu) = server.0 {
        rows.push(Row {
            what: "Redis CPU during that cold build (SCAN + HGETALL served; a floor for it)".into(),
            rust: match server.1 {
                Some(wait) => format!("{cpu:.2} s (+ {wait:.2} s waiting for a CPU)"),
                None => format!("{cpu:.2} s"),
            },
            python: "-".into(),
            ratio: "-".into(),
            target: "-".into(),
            met: true,
        });
    }
    let warm = {
        let t = Instant::now();
        let _ = index.query(&filter).expect("filter");
        t.elapsed()
    };
    rows.push(Row {
        what: "same filter on the built index (warm)".into(),
        rust: format!("{:.1} ms", warm.as_secs_f64() * 1e3),
        python: "-".into(),
        ratio: "-".into(),
        target: "-".into(),
        met: true,
    });
    rows.push(Row {
        what: format!("users index memory at {} users", args.users),
        rust: format!(
            "{:.0} MB RSS growth ({:.0} MB held by the index)",
            rss as f64 / 1e6,
            heap as f64 / 1e6
        ),
        python: "-".into(),
        ratio: "-".into(),
        target: "-".into(),
        met: true,
    });

    // 3. Search as you type over the complete index, page of 50 sorted by e-mail.
    let times = search_as_you_type(&index);
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    rows.push(Row {
        what: format!(
            "search as you type over {} users ({} keystrokes incl. Korean and full-width, prefix and substring)",
            args.users,
            times.len()
        ),
        rust: format!(
            "median {:.1} ms, p99 {:.1} ms",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        ),
        python: "-".into(),
        ratio: "-".into(),
        target: "<= 100 ms per keystroke".into(),
        met: p99 <= Duration::from_millis(100),
    });
}

/// Search as you type on a built index: 20 keystrokes (ASCII narrowing, Korean, upper case,
/// full-width, no match, one character matching every row), substring then prefix, five
/// times over; page of 50 sorted by e-mail. The times, sorted.
fn search_as_you_type(index: &UserIndex) -> Vec<Duration> {
    let typed: Vec<&str> = vec![
        "u",
        "us",
        "use",
        "user",
        "user4",
        "user42",
        "user421",
        "user4217", // ASCII narrowing
        "사",
        "사용",
        "사용자",
        "사용자9",
        "사용자99",
        "사용자999", // Korean
        "EXAMPLE",
        "example.c",
        "ｕｓｅｒ７",
        "zz",
        "@",
        "9@",
    ];
    let mut times = Vec::new();
    for _ in 0..5 {
        for mode in [SearchMode::Substring, SearchMode::Prefix] {
            for text in &typed {
                let q = UserQuery {
                    search: Some((*text).to_string()),
                    search_mode: mode,
                    sort: SortKey::Email,
                    descending: false,
                    limit: 50,
                    ..UserQuery::default()
                };
                let t = Instant::now();
                let _ = index.query(&q).expect("search");
                times.push(t.elapsed());
            }
        }
    }
    times.sort();
    times
}

/// Write `n` user hashes exactly as the seed's `_save_user` does (plus `last_login` for most),
/// in pipelines of at most 1000 commands.
async fn load_users(ks: &dyn KeySpace, n: usize) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let now = chrono::Utc::now().naive_utc();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    for i in 0..n {
        let id = ids::new_user_id(&mut rng);
        let role = user::Role::ALL[rng.gen_range(0..4)];
        let created = now - chrono::Duration::seconds(rng.gen_range(0..60_000_000));
        let mut fields = user::new_user_fields(
            &format!("user{i}@example.com"),
            &format!("사용자{i}"),
            role,
            &created,
        );
        if rng.gen_bool(0.8) {
            let last = now - chrono::Duration::seconds(rng.gen_range(0..20_000_000));
            fields.push(("last_login".into(), format_naive_iso(&last).into_bytes()));
        }
        if rng.gen_bool(0.3) {
            fields[5].1 = b"true".to_vec();
        }
        batch.push(Write::HSet {
            key: format!("user:{id}"),
            fields,
        });
        if batch.len() == MAX_BATCH {
            ks.apply_bulk(&batch).await.expect("bulk load");
            batch.clear();
        }
    }
    if !batch.is_empty() {
        ks.apply_bulk(&batch).await.expect("bulk load");
    }
}
