//! `rampart batch` and `rampart users dormant` as a binary on the embedded demo store: a batch
//! planned over a users-table filter lists exactly the users `users list` shows for the same
//! filter (role, active, MFA, last login / dormant, search in both modes); a run interrupted by
//! `--limit` resumes without redoing an item; the dormant report, its dry run and its bulk
//! deactivation agree with each other and with the store.

mod common;

use common::*;
use serde_json::Value;

fn user_ids(page: &Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "user")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn plan_ids(doc: &Value) -> Vec<String> {
    assert_eq!(doc["dry_run"], true, "{doc}");
    doc["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["user_id"].as_str().unwrap().to_string())
        .collect()
}

fn cat<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<&'a str> {
    a.iter().chain(b).copied().collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn a_batch_over_a_filter_plans_exactly_the_users_the_list_shows() {
    let cli = Cli::embedded();
    cli.seed(300);
    let store = Store::embedded(&cli.embedded_path(), true);
    let officer = || signed(OFFICER);
    let list = |args: &[&str]| {
        let page = ok(&cli.run(
            &cat(&["users", "list"], &cat(args, &["--limit", "10000"])),
            &officer(),
        ));
        let ids = user_ids(&page);
        assert_eq!(
            page["total"],
            ids.len(),
            "one page holds the whole selection"
        );
        ids
    };
    let everyone = list(&[]);
    assert_eq!(everyone.len(), 304);

    // Search texts taken from the data: a Korean surname (substring) and an e-mail's start.
    let page = ok(&cli.run(&["users", "list", "--limit", "10000"], &officer()));
    let row = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            let e = r["email"].as_str().unwrap();
            e.is_ascii() && !e.ends_with("@rampart.demo")
        })
        .expect("an ASCII e-mail");
    let surname: String = row["username"].as_str().unwrap().chars().take(1).collect();
    let start: String = row["email"].as_str().unwrap().chars().take(3).collect();
    let upper = start.to_uppercase();

    // (users list flags, the same filter as batch flags)
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["--role", "premium_user"],
            vec!["--role", "premium_user"],
        ),
        (
            vec!["--role", "guest", "--active", "false"],
            vec!["--with-role", "guest", "--inactive"],
        ),
        (
            vec!["--active", "true", "--mfa", "off"],
            vec!["--active", "--mfa", "off"],
        ),
        (vec!["--mfa", "true"], vec!["--mfa", "on"]),
        (
            vec!["--last-login", "dormant:30"],
            vec!["--dormant-days", "30"],
        ),
        (
            vec!["--last-login", "within:7"],
            vec!["--last-login", "within:7"],
        ),
        (vec!["--search", &surname], vec!["--search", &surname]),
        (
            vec!["--search", &upper, "--prefix"],
            vec!["--search", &upper, "--prefix"],
        ),
        (
            vec![
                "--role",
                "basic_user",
                "--mfa",
                "false",
                "--search",
                &surname,
            ],
            vec!["--role", "basic_user", "--mfa", "off", "--search", &surname],
        ),
    ];
    for (list_args, batch_args) in &cases {
        let listed = list(list_args);
        assert!(
            !listed.is_empty() && listed.len() < everyone.len(),
            "{list_args:?} selects some users, not all: {}",
            listed.len()
        );
        let plan = ok(&cli.run(
            &cat(
                &[
                    "batch",
                    "plan",
                    "--action",
                    "revoke-sessions",
                    "--reason",
                    "drill",
                ],
                batch_args,
            ),
            &officer(),
        ));
        assert_eq!(
            plan_ids(&plan),
            listed,
            "batch {batch_args:?} plans the users `users list {list_args:?}` shows, in its order"
        );
    }
    // `users search TEXT --prefix` is the same query as the batch's `--search TEXT --prefix`.
    let searched = ok(&cli.run(
        &["users", "search", &upper, "--prefix", "--limit", "10000"],
        &officer(),
    ));
    assert_eq!(user_ids(&searched), list(&["--search", &upper, "--prefix"]));
    assert_ne!(
        list(&["--search", &start[1..], "--prefix"]),
        list(&["--search", &start[1..]]),
        "prefix and substring differ on this data"
    );

    // A dry run stores nothing; a selection is required; an empty one is said plainly.
    assert!(store.scan("rampart:console:batch:*").is_empty());
    let msg = failed(
        &cli.run(
            &["batch", "plan", "--action", "deactivate", "--reason", "r"],
            &officer(),
        ),
        1,
        "validation",
    );
    assert!(msg.contains("--ids, or a filter"), "{msg}");
    let msg = failed(
        &cli.run(
            &[
                "batch",
                "plan",
                "--action",
                "deactivate",
                "--reason",
                "r",
                "--search",
                "no-such-user-anywhere",
            ],
            &officer(),
        ),
        1,
        "validation",
    );
    assert!(msg.contains("no user matches the filter"), "{msg}");
    let both = cli.run(
        &[
            "batch",
            "plan",
            "--action",
            "deactivate",
            "--reason",
            "r",
            "--ids",
            &everyone[0],
            "--role",
            "guest",
        ],
        &officer(),
    );
    assert_eq!(both.status.code(), Some(2), "ids or a filter, not both");
    // The auditor may list but not plan a bulk action.
    let msg = failed(
        &cli.run(
            &[
                "batch",
                "plan",
                "--action",
                "deactivate",
                "--reason",
                "r",
                "--role",
                "guest",
            ],
            &signed(AUDITOR),
        ),
        4,
        "forbidden",
    );
    assert!(msg.contains("auditor"), "{msg}");
}

#[test]
fn a_batch_interrupted_by_a_limit_resumes_and_dormant_users_are_deactivated_in_bulk() {
    let cli = Cli::embedded();
    cli.seed(200);
    let store = Store::embedded(&cli.embedded_path(), true);
    let officer = || signed(OFFICER);
    let guests = user_ids(&ok(&cli.run(
        &[
            "users", "list", "--role", "guest", "--active", "--limit", "10000",
        ],
        &officer(),
    )));
    let n = guests.len();
    assert!(n >= 4, "{n} active guests");
    let run_args = |extra: &[&'static str]| {
        let mut a = vec![
            "batch",
            "run",
            "--action",
            "deactivate",
            "--reason",
            "guest cleanup",
            "--role",
            "guest",
            "--active",
        ];
        a.extend_from_slice(extra);
        a
    };

    // Without --yes, `run` is the dry run.
    let dry = ok(&cli.run(&run_args(&[]), &officer()));
    assert_eq!(plan_ids(&dry), guests);
    assert!(store.scan("rampart:console:batch:*").is_empty());

    // Interrupted after two items.
    let first = ok(&cli.run(&run_args(&["--yes", "--limit", "2"]), &officer()));
    assert_eq!(
        keys(&first),
        ["action", "counts", "finished", "id", "ran_now", "results", "total"]
    );
    assert_eq!(first["finished"], false);
    assert_eq!(first["ran_now"], 2);
    assert_eq!(first["total"], n);
    assert_eq!(first["counts"]["done"], 2);
    assert_eq!(first["counts"]["pending"], n - 2);
    let id = first["id"].as_str().unwrap().to_string();
    for (i, g) in guests.iter().enumerate() {
        let want = if i < 2 { "False" } else { "True" };
        assert_eq!(store.user(g, "is_active"), want, "item {i}");
    }
    let shown = ok(&cli.run(&["batch", "show", &id], &officer()));
    assert_eq!(
        keys(&shown),
        ["finished_at", "plan", "results", "unreadable"]
    );
    assert_eq!(shown["plan"]["items"].as_array().unwrap().len(), n);
    assert_eq!(shown["results"].as_array().unwrap().len(), 2);
    assert_eq!(shown["finished_at"], Value::Null);
    assert_eq!(shown["results"][0]["status"], "done");
    assert_eq!(shown["results"][0]["user_id"], guests[0].as_str());

    // Resumed: the rest, nothing redone.
    let rest = ok(&cli.run(&["batch", "resume", &id], &officer()));
    assert_eq!(rest["finished"], true);
    assert_eq!(rest["ran_now"], n - 2);
    assert_eq!(rest["counts"]["done"], n);
    assert_eq!(rest["counts"]["pending"], 0);
    for g in &guests {
        assert_eq!(store.user(g, "is_active"), "False");
    }
    let again = ok(&cli.run(&["batch", "resume", &id], &officer()));
    assert_eq!(again["ran_now"], 0, "a finished batch runs nothing again");
    assert_eq!(again["counts"]["done"], n);
    let shown = ok(&cli.run(&["batch", "show", &id], &officer()));
    assert!(shown["finished_at"].is_string(), "{shown}");
    let trail = store.trail();
    let deactivations = trail
        .iter()
        .filter(|e| e.action == "user.deactivate" && e.outcome.as_str() == "success")
        .count();
    assert_eq!(deactivations, n, "each item audited once");
    assert_eq!(
        trail.iter().filter(|e| e.action == "batch.run").count(),
        3,
        "each run audited"
    );

    // users dormant: the report, the users list's dormant filter, the dry run and the bulk
    // deactivation agree.
    let report = ok(&cli.run(&["users", "dormant", "--days", "60"], &officer()));
    assert_eq!(keys(&report), ["days", "now", "unreadable", "users"]);
    let dormant: Vec<String> = report["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            assert!(u["idle_days"].as_i64().is_none_or(|d| d >= 60), "{u}");
            u["user_id"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(
        !dormant.is_empty() && dormant.len() < 204,
        "{}",
        dormant.len()
    );
    let listed = user_ids(&ok(&cli.run(
        &[
            "users",
            "list",
            "--last-login",
            "dormant:60",
            "--limit",
            "10000",
        ],
        &officer(),
    )));
    assert_eq!(sorted(dormant.clone()), sorted(listed), "one dormant rule");
    let before: Vec<String> = dormant.iter().map(|u| store.user(u, "is_active")).collect();
    let dry = ok(&cli.run(
        &[
            "users",
            "dormant",
            "--days",
            "60",
            "--deactivate",
            "--dry-run",
        ],
        &officer(),
    ));
    assert_eq!(sorted(plan_ids(&dry)), sorted(dormant.clone()));
    let after_dry: Vec<String> = dormant.iter().map(|u| store.user(u, "is_active")).collect();
    assert_eq!(before, after_dry, "a dry run writes nothing");
    let done = ok(&cli.run(
        &["users", "dormant", "--days", "60", "--deactivate", "--yes"],
        &officer(),
    ));
    assert_eq!(done["finished"], true);
    let c = &done["counts"];
    assert_eq!(
        c["done"].as_u64().unwrap() + c["unchanged"].as_u64().unwrap(),
        dormant.len() as u64,
        "{c}"
    );
    assert_eq!(
        c["unchanged"].as_u64().unwrap() as usize,
        before.iter().filter(|a| *a == "False").count(),
        "the inactive ones are left as they are"
    );
    for u in &dormant {
        assert_eq!(store.user(u, "is_active"), "False");
    }
}
