//! The `rampart` binary end to end on a real embedded file and a real Redis: JSON output, exit
//! codes, error documents, secrets kept off argv, the admin trail, resumable demo seeding.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn rampart(args: &[&str], env: &[(&str, &str)], data: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args)
        .env("RAMPART_DATA_DIR", data)
        .env("RAMPART_CONFIG_DIR", data.join("config"))
        .env_remove("RAMPART_REDIS_PASSWORD")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run rampart")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const NOW: &str = "2026-11-24T04:00:00";

/// Environment that signs the demo's auditor in for one invocation (the demo's operator
/// accounts have published TOTP secrets; the code is computed for the current time step).
fn auditor() -> Vec<(&'static str, String)> {
    let secret = rampart_domain::totp::decode_secret("RAMPARTDEMOAUDITOR22222222222222").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let code = rampart_domain::totp::code_at(secrecy::ExposeSecret::expose_secret(&secret), now);
    vec![
        ("RAMPART_OPERATOR_EMAIL", "auditor@rampart.demo".into()),
        ("RAMPART_OPERATOR_PASSWORD", "Rampart-demo-2026".into()),
        ("RAMPART_OPERATOR_TOTP", code),
    ]
}

fn as_env<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn demo_seed_status_users_and_trail_on_the_embedded_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db_s = db.to_str().unwrap();
    let seed = |extra: &[&str]| {
        let mut a = vec![
            "--json",
            "--embedded",
            db_s,
            "demo",
            "seed",
            "--seed",
            "7",
            "--users",
            "300",
            "--events",
            "25000",
            "--customers",
            "50",
            "--now",
            NOW,
        ];
        a.extend_from_slice(extra);
        rampart(&a, &[], dir.path())
    };
    let out = seed(&[]);
    assert!(
        out.status.success(),
        "demo seed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["report"]["users"], 300);
    assert_eq!(doc["customers"], 50);
    assert!(
        doc["report"]["events_indexed"].as_u64().unwrap() >= 25_000,
        "{doc}"
    );

    // Running the same plan again resumes a finished load: nothing is written twice.
    let again = json(&seed(&[]));
    assert_eq!(again["report"]["resumed"], true);
    assert_eq!(again["report"]["keyspace_writes"], 0, "{again}");

    // A different plan into the same store is refused: demo data is never mixed.
    let other = rampart(
        &[
            "--json",
            "--embedded",
            db_s,
            "demo",
            "seed",
            "--seed",
            "8",
            "--users",
            "10",
            "--events",
            "10",
            "--now",
            NOW,
        ],
        &[],
        dir.path(),
    );
    assert_eq!(other.status.code(), Some(1));
    assert_eq!(json(&other)["error"]["code"], "conflict");

    let op = auditor();
    let op = as_env(&op);
    // Store commands need a signed-in operator.
    let anon = rampart(&["--json", "--embedded", db_s, "status"], &[], dir.path());
    assert_eq!(json(&anon)["error"]["code"], "unauthenticated");
    let st = rampart(&["--json", "--embedded", db_s, "status"], &op, dir.path());
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let st = json(&st);
    let ks = &st["stores"][0];
    assert_eq!(ks["backend"]["kind"], "sqlite");
    assert_eq!(
        ks["counts"]["user"], 304,
        "300 users and the 4 demo operators: {ks}"
    );
    assert_eq!(ks["counts"]["user_email"], 304);
    assert_eq!(
        st["overview"]["users_total"], 304,
        "status carries the Overview"
    );
    assert_eq!(ks["counts"]["active_key"], 4, "one active key per purpose");
    assert!(st["stores"][1]["counts"]["events"].as_u64().unwrap() >= 25_000);
    assert_eq!(
        st["stores"][2]["counts"]["tables"].as_u64().map(|n| n >= 1),
        Some(true),
        "customers table"
    );
    assert_eq!(st["trail"]["report"]["ok"], true, "{}", st["trail"]);

    let list = json(&rampart(
        &[
            "--json",
            "--embedded",
            db_s,
            "users",
            "list",
            "--role",
            "admin",
            "--limit",
            "5",
        ],
        &op,
        dir.path(),
    ));
    assert!(list["total"].as_u64().unwrap() > 0);
    assert_eq!(
        list["complete"], true,
        "the CLI answers from a complete index"
    );
    assert!(list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["kind"] == "user" && u["role"] == "admin"));
    let first = list["rows"][0]["id"].as_str().unwrap().to_string();
    let email = list["rows"][0]["email"].as_str().unwrap().to_string();
    let show = json(&rampart(
        &["--json", "--embedded", db_s, "users", "show", &email],
        &op,
        dir.path(),
    ));
    assert_eq!(
        show["id"],
        first.as_str(),
        "lookup by e-mail goes through user_email:*"
    );
    assert_eq!(show["profile"]["email"], email.as_str());
    assert!(show["profile"]["permissions_match_role"].is_boolean());
    assert!(show["mfa"]["backup_codes_left"].is_number());
    let shown = serde_json::to_string(&show).unwrap();
    assert!(!shown.contains("secret_key"), "no MFA secret in output");

    // Search: the same e-mail in upper case, prefix mode, finds that user first.
    let upper = email.to_uppercase();
    let found = json(&rampart(
        &[
            "--json",
            "--embedded",
            db_s,
            "users",
            "search",
            &upper,
            "--prefix",
            "--sort",
            "email",
            "--limit",
            "3",
        ],
        &op,
        dir.path(),
    ));
    assert_eq!(found["rows"][0]["id"], first.as_str(), "{found}");
    // Filters and paging: dormant premium users without MFA, second page of 2.
    let dormant = json(&rampart(
        &[
            "--json",
            "--embedded",
            db_s,
            "users",
            "list",
            "--role",
            "premium_user",
            "--mfa",
            "false",
            "--last-login",
            "not-within:90",
            "--limit",
            "2",
            "--offset",
            "2",
        ],
        &op,
        dir.path(),
    ));
    assert_eq!(dormant["offset"], 2);
    assert!(dormant["rows"].as_array().unwrap().len() <= 2);
    assert!(dormant["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["role"] == "premium_user" && u["mfa_enabled"] == false));
    let bad = rampart(
        &[
            "--json",
            "--embedded",
            db_s,
            "users",
            "list",
            "--last-login",
            "lately",
        ],
        &op,
        dir.path(),
    );
    assert_eq!(json(&bad)["error"]["code"], "validation");

    let missing = rampart(
        &["--json", "--embedded", db_s, "users", "show", "user_nobody"],
        &op,
        dir.path(),
    );
    assert_eq!(json(&missing)["error"]["code"], "not_found");

    let verify = json(&rampart(
        &["--json", "--embedded", db_s, "audit", "verify"],
        &op,
        dir.path(),
    ));
    assert_eq!(verify["ok"], true);
    assert_eq!(
        verify["entries"], 11,
        "three demo.seed actions (success, success, conflict failure) and eight sign-ins \
         (status, users list/show/search/list/bad list/missing show, audit verify)"
    );
    let trail = json(&rampart(
        &["--json", "--embedded", db_s, "audit", "trail"],
        &op,
        dir.path(),
    ));
    let seeds: Vec<&Value> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "demo.seed")
        .collect();
    assert_eq!(seeds.len(), 3, "{trail}");
    assert_eq!(
        seeds[0]["outcome"], "failure",
        "the conflicting seed is recorded as a failure"
    );
    assert_eq!(
        seeds[1]["details"]["customers"], 50,
        "the PII records are written inside the audited action: {}",
        seeds[1]
    );
    assert_eq!(
        seeds[0]["actor"].as_str().map(|a| a.starts_with("local:")),
        Some(true)
    );
    assert_eq!(
        trail[0]["action"], "console.sign_in",
        "the newest entry is this sign-in"
    );
    assert_eq!(trail[0]["actor_role"], "auditor");

    // Tamper with the trail in the file: verify names the entry and exits 5.
    let conn = rusqlite_free_edit(&db);
    assert!(conn, "edited the trail");
    let bad = rampart(
        &["--json", "--embedded", db_s, "audit", "verify"],
        &op,
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(5));
    let bad = json(&bad);
    assert_eq!(bad["ok"], false);
    assert_eq!(bad["first_break"], 2, "{bad}");
}

/// Edit the second trail entry's JSON in the embedded file with the sqlite3 CLI (an attacker
/// with file access), without touching its hash.
fn rusqlite_free_edit(db: &Path) -> bool {
    let sql = "UPDATE kv_list SET value = CAST(replace(CAST(value AS TEXT), '\"demo.seed\"', '\"demo.wipe\"') AS BLOB) \
               WHERE id = (SELECT id FROM kv WHERE key = 'rampart:admin_trail') \
               AND CAST(value AS TEXT) LIKE '%\"seq\": 2,%'; SELECT changes();";
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .expect("sqlite3 CLI");
    String::from_utf8_lossy(&out.stdout).trim() == "1"
}

#[test]
fn errors_are_json_documents_with_codes_and_secrets_stay_off_argv() {
    let dir = tempfile::tempdir().unwrap();
    // A closed port: unavailable, exit 3, a sentence naming the store.
    let out = rampart(
        &["--json", "--redis", "redis://127.0.0.1:1/0", "status"],
        &[],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "unavailable");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("127.0.0.1:1"),
        "{doc}"
    );

    // A password in the URL is refused before anything connects, and not echoed.
    let out = rampart(
        &[
            "--json",
            "--redis",
            "redis://u:hunter2-secret@127.0.0.1:6379/0",
            "status",
        ],
        &[],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        !text.contains("hunter2-secret"),
        "the secret is never echoed: {text}"
    );
    assert_eq!(json(&out)["error"]["code"], "validation");

    // A wrong password from the environment: a typed auth error that does not echo it.
    let lease = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(rampart_testkit::redis());
    let out = rampart(
        &[
            "--json",
            "--redis",
            &lease.url,
            "--redis-user",
            "nobody_here",
            "status",
        ],
        &[("RAMPART_REDIS_PASSWORD", "wrong-pass-xyz")],
        dir.path(),
    );
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(!text.contains("wrong-pass-xyz"), "{text}");
    assert_eq!(json(&out)["error"]["code"], "unauthenticated", "{text}");

    // A corrupt profile file is a clear config error, and the file is left as it was.
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(dir.path().join("config/profiles.json"), "{not json").unwrap();
    let out = rampart(&["--json", "--profile", "x", "status"], &[], dir.path());
    let doc = json(&out);
    assert_eq!(doc["error"]["code"], "config", "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("untouched"),
        "{doc}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("config/profiles.json")).unwrap(),
        "{not json",
        "nothing lost"
    );
}

#[test]
fn read_only_profiles_refuse_writes_and_record_the_refusal_locally() {
    let dir = tempfile::tempdir().unwrap();
    let lease = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(rampart_testkit::redis());
    let out = rampart(
        &[
            "--json",
            "--redis",
            &lease.url,
            "--read-only",
            "demo",
            "seed",
            "--users",
            "5",
            "--events",
            "5",
            "--customers",
            "0",
        ],
        &[],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["error"]["code"], "read_only");
    // Nothing reached Redis.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let keys: u64 = rt.block_on(async {
        let client = ::redis::Client::open(lease.url.as_str()).unwrap();
        let mut con = client.get_multiplexed_async_connection().await.unwrap();
        ::redis::cmd("DBSIZE").query_async(&mut con).await.unwrap()
    });
    assert_eq!(keys, 0, "a read-only profile wrote nothing");
    // The refusal is in the local trail (the audited store could not take it).
    let entries = rt.block_on(async {
        let store =
            rampart_store::embedded::EmbeddedStore::open(&dir.path().join("local-trail.db"))
                .await
                .unwrap();
        let ks = std::sync::Arc::new(rampart_store::embedded::keyspace::EmbeddedKeySpace::new(
            store,
            std::sync::Arc::new(rampart_core::ports::SystemClock),
            true,
        ));
        rampart_core::audit::Trail::new(ks)
            .recent(0, 10)
            .await
            .unwrap()
    });
    let newest = entries[0].as_ref().unwrap();
    assert_eq!(newest.action, "demo.seed");
    assert_eq!(newest.outcome.as_str(), "refused");

    // Profiles save flags, never secrets, and are used by name.
    let out = rampart(
        &[
            "--json",
            "--redis",
            &lease.url,
            "--read-only",
            "profile",
            "save",
            "prod-ro",
        ],
        &[("RAMPART_REDIS_PASSWORD", "not-saved-anywhere")],
        dir.path(),
    );
    assert!(out.status.success());
    let saved = std::fs::read_to_string(dir.path().join("config/profiles.json")).unwrap();
    assert!(
        !saved.contains("not-saved-anywhere") && saved.contains("\"read_only\": true"),
        "{saved}"
    );
    // The saved read-only flag is honoured when the profile is used by name.
    let out = rampart(
        &[
            "--json",
            "--profile",
            "prod-ro",
            "demo",
            "seed",
            "--users",
            "5",
            "--events",
            "5",
            "--customers",
            "0",
        ],
        &[],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out)["error"]["code"], "read_only");
}

/// Run with stdout a pipe whose reader is already gone, as in `rampart ... | head -0`.
fn rampart_into_closed_pipe(args: &[&str], data: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .env("RAMPART_DATA_DIR", data)
        .env("RAMPART_CONFIG_DIR", data.join("config"))
        .env_remove("RAMPART_REDIS_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run rampart");
    // Close the read end before the process can write: its first write gets EPIPE.
    drop(child.stdout.take());
    child.wait_with_output().expect("wait for rampart")
}

#[test]
fn a_closed_stdout_pipe_is_quiet_and_keeps_the_commands_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db_s = db.to_str().unwrap();
    let seed = [
        "--json",
        "--embedded",
        db_s,
        "demo",
        "seed",
        "--seed",
        "3",
        "--users",
        "20",
        "--events",
        "10",
        "--now",
        NOW,
    ];
    // A command that succeeds: status 0 (the work is done), no panic on stderr.
    let out = rampart_into_closed_pipe(&seed, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "the seed succeeded: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "a closed pipe is not an error: {stderr}"
    );
    // It really ran: the same plan again finds the load finished.
    let again = json(&rampart(&seed, &[], dir.path()));
    assert_eq!(again["report"]["resumed"], true, "{again}");

    // A command that fails keeps its failure status (3: a store is unavailable).
    let out = rampart_into_closed_pipe(
        &["--json", "--redis", "redis://127.0.0.1:1/0", "status"],
        dir.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("127.0.0.1:1"),
        "the error still reaches stderr: {stderr}"
    );
}
