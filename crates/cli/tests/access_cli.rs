//! `rampart mfa|apikeys|blocks|limits` end to end on a real embedded demo store: JSON output,
//! the enrolment a second process confirms, secrets printed only by the command that makes
//! them, and the auditor refused with exit code 4.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use secrecy::ExposeSecret;
use serde_json::Value;

fn rampart(args: &[&str], env: &[(&str, String)], data: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args)
        .env("RAMPART_DATA_DIR", data)
        .env("RAMPART_CONFIG_DIR", data.join("config"))
        .env_remove("RAMPART_MFA_CODE")
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

fn code_now(secret: &str) -> String {
    let key = rampart_domain::totp::decode_secret(secret).unwrap();
    let now = chrono::Utc::now().timestamp() as u64;
    rampart_domain::totp::code_at(key.expose_secret(), now)
}

/// Sign a demo operator in for one invocation (the demo's TOTP secrets are published).
fn operator(email: &str, secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("RAMPART_OPERATOR_EMAIL", email.into()),
        ("RAMPART_OPERATOR_PASSWORD", "Rampart-demo-2026".into()),
        ("RAMPART_OPERATOR_TOTP", code_now(secret)),
    ]
}

#[test]
fn an_officer_enrols_issues_and_blocks_and_an_auditor_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let seeded = rampart(
        &[
            "--json",
            "--embedded",
            db,
            "demo",
            "seed",
            "--users",
            "30",
            "--events",
            "50",
            "--customers",
            "5",
        ],
        &[],
        dir.path(),
    );
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let officer = || operator("officer@rampart.demo", "RAMPARTDEMOSECURITYOFFICER234567");
    let run = |args: &[&str], env: &[(&'static str, String)]| {
        let mut a = vec!["--json", "--embedded", db];
        a.extend_from_slice(args);
        rampart(&a, env, dir.path())
    };

    let users = json(&run(
        &["users", "list", "--role", "guest", "--limit", "100"],
        &officer(),
    ));
    let list = users["rows"].as_array().expect("a user page");
    let who = list
        .iter()
        .find(|u| u["mfa_enabled"] == false)
        .expect("a guest without MFA")["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Enrol in one process, confirm in another (as an officer at a terminal would).
    let shown = json(&run(&["mfa", "enroll", &who], &officer()));
    let secret = shown["secret"].as_str().unwrap().to_string();
    let width = shown["qr"]["width"].as_u64().unwrap();
    assert_eq!(
        shown["qr"]["modules"].as_str().unwrap().len() as u64,
        width * width,
        "--json carries the module matrix"
    );
    assert!(shown["uri"].as_str().unwrap().starts_with(&format!(
        "otpauth://totp/Stock%20Analysis%20App:user_{who}?"
    )));
    let mut env = officer();
    env.push(("RAMPART_MFA_CODE", code_now(&secret)));
    let confirmed = run(&["mfa", "confirm", &who], &env);
    assert!(
        confirmed.status.success(),
        "{}",
        String::from_utf8_lossy(&confirmed.stderr)
    );
    assert_eq!(
        json(&confirmed)["backup_codes"].as_array().unwrap().len(),
        10
    );

    // The auditor reads but cannot change: refused with exit code 4 and the code `forbidden`.
    let auditor = || operator("auditor@rampart.demo", "RAMPARTDEMOAUDITOR22222222222222");
    let refused = run(&["mfa", "reset", &who, "--reason", "test"], &auditor());
    assert_eq!(refused.status.code(), Some(4));
    assert_eq!(json(&refused)["error"]["code"], "forbidden");
    let coverage = json(&run(&["mfa", "coverage"], &auditor()));
    assert_eq!(
        coverage["roles"].as_array().unwrap().len(),
        4,
        "auditors may read"
    );

    // An API key is printed once, by `issue`; `list` shows the handle and a masked form.
    let issued = json(&run(&["apikeys", "issue", &who], &officer()));
    let key = issued["api_key"].as_str().unwrap().to_string();
    let handle = issued["handle"].as_str().unwrap().to_string();
    let listed = run(&["apikeys", "list", "--user", &who], &officer());
    let text = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(text.contains(&handle) && !text.contains(&key), "{text}");
    let off = json(&run(&["apikeys", "deactivate", &handle], &officer()));
    assert_eq!(off["is_active"], "false");

    // A manual IPv6 block, listed with time left, lifted with a reason.
    let added = json(&run(
        &[
            "blocks",
            "add",
            "2001:DB8::5",
            "--minutes",
            "45",
            "--reason",
            "scanner",
        ],
        &officer(),
    ));
    assert_eq!(added["subject"], "2001:db8::5");
    let blocks = json(&run(&["blocks", "list", "--no-causes"], &officer()));
    let b = blocks
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["subject"] == "2001:db8::5")
        .expect("listed");
    assert!(
        b["ttl_secs"]
            .as_u64()
            .is_some_and(|t| t > 2600 && t <= 2700),
        "{b}"
    );
    let no_reason = run(
        &["blocks", "remove", "2001:db8::5", "--reason", " "],
        &officer(),
    );
    assert_eq!(json(&no_reason)["error"]["code"], "validation");
    let removed = run(
        &[
            "blocks",
            "remove",
            "2001:db8::5",
            "--reason",
            "false positive",
        ],
        &officer(),
    );
    assert!(removed.status.success());
    let limits = json(&run(&["limits", "--max", "3"], &officer()));
    assert!(limits["counters"].as_array().unwrap().len() <= 3);
}
