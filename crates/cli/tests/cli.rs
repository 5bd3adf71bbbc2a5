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

    let st = rampart(&["--json", "--embedded", db_s, "status"], &[], dir.path());
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let st = json(&st);
    let ks = &st["stores"][0];
    assert_eq!(ks["backend"]["kind"], "sqlite");
    assert_eq!(ks["counts"]["user"], 300, "{ks}");
    assert_eq!(ks["counts"]["user_email"], 300);
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
        &[],
        dir.path(),
    ));
    assert!(list["total"].as_u64().unwrap() > 0);
    assert!(list["users"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["role"] == "admin"));
    let first = list["users"][0]["id"].as_str().unwrap().to_string();
    let email = list["users"][0]["email"].as_str().unwrap().to_string();
    let show = json(&rampart(
        &["--json", "--embedded", db_s, "users", "show", &email],
        &[],
        dir.path(),
    ));
    assert_eq!(
        show["user"]["id"],
        first.as_str(),
        "lookup by e-mail goes through user_email:*"
    );
    let shown = serde_json::to_string(&show).unwrap();
    assert!(!shown.contains("secret_key"), "no MFA secret in output");

    let missing = rampart(
        &["--json", "--embedded", db_s, "users", "show", "user_nobody"],
        &[],
        dir.path(),
    );
    assert_eq!(json(&missing)["error"]["code"], "not_found");

    let verify = json(&rampart(
        &["--json", "--embedded", db_s, "audit", "verify"],
        &[],
        dir.path(),
    ));
    assert_eq!(verify["ok"], true);
    assert_eq!(
        verify["entries"], 3,
        "three demo.seed actions recorded (success, success, refused-by-conflict failure)"
    );
    let trail = json(&rampart(
        &["--json", "--embedded", db_s, "audit", "trail"],
        &[],
        dir.path(),
    ));
    assert_eq!(
        trail[0]["outcome"], "failure",
        "the conflicting seed is recorded as a failure"
    );
    assert_eq!(
        trail[1]["details"]["customers"], 50,
        "the PII records are written inside the audited action: {}",
        trail[1]
    );
    assert_eq!(
        trail[0]["actor"].as_str().map(|a| a.starts_with("local:")),
        Some(true)
    );

    // Tamper with the trail in the file: verify names the entry and exits 5.
    let conn = rusqlite_free_edit(&db);
    assert!(conn, "edited the trail");
    let bad = rampart(
        &["--json", "--embedded", db_s, "audit", "verify"],
        &[],
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

    // A corrupt profile file is a clear validation error.
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    std::fs::write(dir.path().join("config/profiles.json"), "{not json").unwrap();
    let out = rampart(&["--json", "--profile", "x", "status"], &[], dir.path());
    assert!(json(&out)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("corrupt"));
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
    let st = json(&rampart(
        &["--json", "--redis", &lease.url, "--read-only", "status"],
        &[],
        dir.path(),
    ));
    assert_eq!(st["stores"][0]["counts"]["keys"], 0, "{st}");
    // The refusal is in the local trail.
    let trail = json(&rampart(
        &[
            "--json",
            "--redis",
            &lease.url,
            "--read-only",
            "audit",
            "trail",
        ],
        &[],
        dir.path(),
    ));
    assert_eq!(trail[0]["outcome"], "refused", "{trail}");

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
    let st = rampart(
        &["--json", "--profile", "prod-ro", "status"],
        &[],
        dir.path(),
    );
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    assert_eq!(json(&st)["stores"][0]["backend"]["read_only"], true);
}
