//! `rampart profile test`, the desktop's "Test connection" in the terminal: per store whether
//! it answers, latency, server version, the account and its write rights, as a table or
//! `--json`; exit 0 when everything answers, 3 when a store is unreachable, 4 when the account
//! of a read-write profile may not write, 1 for other failures (a wrong password). It needs no
//! operator: it is how one finds out whether signing in can work at all.

mod common;

use common::*;
use serde_json::Value;

fn result<'a>(doc: &'a Value, port: &str) -> &'a Value {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["port"] == port)
        .unwrap_or_else(|| panic!("no {port} in {doc}"))
}

fn human(cli: &Cli, args: &[&str], env: &[(&'static str, String)]) -> (Option<i32>, String) {
    // `Cli` always passes --json; the table is checked with the binary run bare.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_rampart"));
    cmd.args(args)
        .env("RAMPART_DATA_DIR", cli.data())
        .env("RAMPART_CONFIG_DIR", cli.data().join("config"))
        .env_remove("RAMPART_REDIS_PASSWORD")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_embedded_demo_answers_on_every_port_by_flags_and_by_saved_name() {
    let cli = Cli::embedded();
    cli.seed(10);
    let doc = ok(&cli.run(&["profile", "test"], &[]));
    assert_eq!(
        keys(&doc),
        ["ok", "problems", "profile", "read_only", "results"]
    );
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["problems"], serde_json::json!([]));
    let ports: Vec<&str> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["port"].as_str().unwrap())
        .collect();
    assert_eq!(ports, ["keyspace", "audit_index", "records"]);
    for r in doc["results"].as_array().unwrap() {
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["backend"], "sqlite");
        assert!(r["latency_ms"].is_u64(), "{r}");
        assert!(
            r["server_version"]
                .as_str()
                .is_some_and(|v| v.starts_with('3')),
            "SQLite's version: {r}"
        );
        assert_eq!(r["error"], Value::Null);
    }
    let path = cli.embedded_path().display().to_string();
    assert_eq!(result(&doc, "keyspace")["target"], path.as_str());
    assert!(result(&doc, "records")["target"]
        .as_str()
        .unwrap()
        .ends_with("demo.records.db"));

    // Saved, then tested by name.
    ok(&cli.run(&["profile", "save", "demo-file"], &[]));
    let (code, text) = human(&cli, &["--json", "profile", "test", "demo-file"], &[]);
    assert_eq!(code, Some(0));
    let named: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(named["profile"], "demo-file");
    assert_eq!(result(&named, "keyspace")["target"], path.as_str());
    let (code, table) = human(&cli, &["profile", "test", "demo-file"], &[]);
    assert_eq!(code, Some(0));
    for want in [
        "STORE",
        "key space",
        "audit index",
        "records database",
        "every store answers",
    ] {
        assert!(table.contains(want), "{want} in:\n{table}");
    }
    let msg = failed(
        &cli.run(&["profile", "test", "no-such-profile"], &[]),
        1,
        "not_found",
    );
    assert!(msg.contains("no-such-profile"), "{msg}");
}

#[test]
fn redis_reports_version_account_and_write_rights_and_a_read_only_acl_is_named() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let lease = rt.block_on(rampart_testkit::redis());
    let cli = Cli::redis(&lease.url);

    // The full default account: answers, may write.
    let doc = ok(&cli.run(&["profile", "test"], &[]));
    let ks = result(&doc, "keyspace");
    assert_eq!(ks["backend"], "redis");
    assert_eq!(ks["account"], "default", "ACL WHOAMI");
    assert_eq!(ks["may_write"], true);
    assert_eq!(
        ks["target"],
        lease.url.as_str(),
        "no credentials in the target"
    );
    let version: String = rt.block_on(async {
        let client = ::redis::Client::open(lease.url.as_str()).unwrap();
        let mut con = client.get_multiplexed_async_connection().await.unwrap();
        let info: String = ::redis::cmd("INFO")
            .arg("server")
            .query_async(&mut con)
            .await
            .unwrap();
        info.lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .unwrap()
            .trim()
            .to_string()
    });
    assert_eq!(ks["server_version"], version.as_str());
    assert_eq!(
        result(&doc, "audit_index")["backend"],
        "sqlite",
        "without --es the events go to the embedded file"
    );

    // An ACL account that may read but not write, on a read-write profile: exit 4 and a
    // sentence that says so; the probe itself writes nothing.
    let reader = lease.acl_user(&["~*", "+@all", "-@write"]);
    let env: Env = vec![("RAMPART_REDIS_PASSWORD", reader.password.clone())];
    let args = ["profile", "test", "--redis-user", &reader.name];
    let out = cli.run(&args, &env);
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    let ks = result(&doc, "keyspace");
    assert_eq!(ks["ok"], true, "it answers");
    assert_eq!(ks["account"], reader.name.as_str());
    assert_eq!(ks["may_write"], false);
    let problem = doc["problems"][0].as_str().unwrap();
    assert!(
        problem.contains(&format!("the account `{}` may not write", reader.name))
            && problem.contains("read-write"),
        "{problem}"
    );
    assert_eq!(doc["problems"].as_array().unwrap().len(), 1);
    let (code, table) = human(
        &cli,
        &[
            "--redis",
            &lease.url,
            "profile",
            "test",
            "--redis-user",
            &reader.name,
        ],
        &env,
    );
    assert_eq!(code, Some(4));
    assert!(table.contains("PROBLEM: the account"), "{table}");
    assert!(!table.contains(&reader.password), "no secret printed");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&reader.password));
    let keys_now: u64 = rt.block_on(async {
        let client = ::redis::Client::open(lease.url.as_str()).unwrap();
        let mut con = client.get_multiplexed_async_connection().await.unwrap();
        ::redis::cmd("DBSIZE").query_async(&mut con).await.unwrap()
    });
    assert_eq!(keys_now, 0, "the write probe changed nothing");

    // The same account on a read-only profile is what it is for: no problem, a note.
    let out = cli.run_read_only(&args, &env);
    let doc = ok(&out);
    assert_eq!(doc["read_only"], true);
    let ks = result(&doc, "keyspace");
    assert_eq!(ks["may_write"], false);
    assert!(
        ks["notes"][0].as_str().unwrap().contains("read-only"),
        "{ks}"
    );

    // A wrong password: exit 1, unauthenticated, not echoed.
    let wrong: Env = vec![("RAMPART_REDIS_PASSWORD", "wrong-pass-xyz".into())];
    let out = cli.run(&args, &wrong);
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(result(&doc, "keyspace")["error"]["code"], "unauthenticated");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("wrong-pass-xyz"));
}

#[test]
fn an_unreachable_store_exits_3_and_the_others_still_report() {
    let cli = Cli::redis("redis://127.0.0.1:1/0");
    let out = cli.run(&["profile", "test"], &[]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["ok"], false);
    let ks = result(&doc, "keyspace");
    assert_eq!(ks["ok"], false);
    assert_eq!(ks["error"]["code"], "unavailable");
    assert!(
        doc["problems"][0].as_str().unwrap().contains("127.0.0.1:1"),
        "{doc}"
    );
    assert_eq!(
        result(&doc, "audit_index")["ok"],
        true,
        "one unreachable server does not hide the others"
    );
    let (code, table) = human(
        &cli,
        &["--redis", "redis://127.0.0.1:1/0", "profile", "test"],
        &[],
    );
    assert_eq!(code, Some(3));
    assert!(table.contains("FAILED"), "{table}");
}
