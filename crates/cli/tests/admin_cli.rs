//! The identity-administration commands as a binary, on a leased Redis loaded with the demo:
//! users create/deactivate/reactivate/role/reset-password, four-eyes promotions decided by a
//! second console admin, operators grant/revoke, sessions revoke, locks unlock and API keys
//! activate/revoke. Every effect is read back from Redis through the key-space port; every
//! `--json` document's shape and every exit status is checked (README: 0 done, 1 failed,
//! 3 store unavailable, 4 refused by console role or read-only profile, 5 trail broken).
//!
//! A second test runs every one of those mutations as the auditor (refused, exit 4, audited)
//! and on a read-only profile (refused, exit 4, nothing written, refusal in the local trail).

mod common;

use chrono::{Duration, Utc};
use common::*;
use rampart_core::ports::Write;
use rampart_domain::keys;
use rampart_domain::token::RefreshRecord;
use rampart_domain::user::Role;
use serde_json::Value;

fn lease() -> (tokio::runtime::Runtime, rampart_testkit::RedisLease) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let lease = rt.block_on(rampart_testkit::redis());
    (rt, lease)
}

/// Active demo users of `role` (not the operators), by id.
fn demo_users(cli: &Cli, role: &str) -> Vec<String> {
    let page = ok(&cli.run(
        &[
            "users", "list", "--role", role, "--active", "--limit", "1000",
        ],
        &signed(OFFICER),
    ));
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| !u["email"].as_str().unwrap().ends_with("@rampart.demo"))
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect()
}

fn operator_id(store: &Store, email: &str) -> String {
    store
        .get(&keys::user_email(email))
        .unwrap_or_else(|| panic!("no user_email:{email}"))
}

/// A refresh token as the service writes it (`refresh_token:{id}`, TTL = time left).
fn session(user_id: &str, token_id: &str) -> Write {
    let now = Utc::now().naive_utc();
    let rec = RefreshRecord {
        user_id: user_id.into(),
        token_id: token_id.into(),
        exp: now + Duration::days(7),
        created_at: now - Duration::hours(1),
    };
    Write::Set {
        key: keys::refresh_token(token_id),
        value: rec.to_repr().into_bytes(),
        ttl_secs: Some(7 * 86_400 - 3600),
    }
}

/// An account lock as the service writes it after five failures.
fn lock(user_id: &str) -> Write {
    let (until, ttl) = rampart_domain::limits::lock_value(&Utc::now().naive_utc(), 15);
    Write::Set {
        key: keys::account_lock(user_id),
        value: until.into_bytes(),
        ttl_secs: Some(ttl),
    }
}

fn request_id(outcome: &Value) -> String {
    assert_eq!(outcome["outcome"], "approval_requested", "{outcome}");
    outcome["request"]["id"].as_str().unwrap().to_string()
}

fn stored_request(store: &Store, id: &str) -> Value {
    let raw = store
        .hget("rampart:console:approvals", id)
        .unwrap_or_else(|| panic!("request {id} is stored"));
    serde_json::from_str(&raw).unwrap()
}

const NEW_PASSWORD: &str = "Chart-analysis-2026-new";
const SECOND_PASSWORD: &str = "둘째-관리자-비밀번호-2026";

#[test]
fn users_promotions_operators_and_access_commands_change_redis_as_the_service_reads_it() {
    let (_rt, lease) = lease();
    let cli = Cli::redis(&lease.url);
    cli.seed(40);
    let store = Store::redis(&lease.url);
    let officer = || signed(OFFICER);
    let admin = || signed(ADMIN);
    let officer_id = operator_id(&store, OFFICER.0);
    let admin_id = operator_id(&store, ADMIN.0);

    // users create, the password from stdin (`--password-stdin new`).
    let created = ok(&cli.run_stdin(
        &[
            "users",
            "create",
            "--email",
            "new.user@example.com",
            "--username",
            "새 사용자",
            "--role",
            "premium_user",
            "--password-stdin",
            "new",
        ],
        &officer(),
        &format!("{NEW_PASSWORD}\n"),
    ));
    assert_eq!(
        keys(&created),
        [
            "created_at",
            "email",
            "permissions",
            "role",
            "user_id",
            "username"
        ]
    );
    let id = created["user_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("user_"), "{created}");
    let u = store.hash(&keys::user(&id));
    assert_eq!(u["email"], "new.user@example.com");
    assert_eq!(u["username"], "새 사용자");
    assert_eq!(u["role"], "premium_user");
    assert_eq!(u["permissions"], Role::PremiumUser.permissions_field());
    assert_eq!(created["permissions"], u["permissions"].as_str());
    assert_eq!(u["is_active"], "True", "str(bool), as _save_user writes it");
    assert_eq!(u["mfa_enabled"], "False");
    assert_eq!(
        store.get(&keys::user_email("new.user@example.com")),
        Some(id.clone())
    );
    let hash = store.get(&keys::user_password(&id)).unwrap();
    assert!(hash.starts_with("$2b$12$"), "{hash}");
    assert_eq!(store.last("user.create").subject.as_deref(), Some(&*id));

    // users create, the password from RAMPART_NEW_PASSWORD (default role basic_user). This
    // account signs in below, which proves the password stored is the one given.
    let second = ok(&cli.run(
        &[
            "users",
            "create",
            "--email",
            "second.admin@example.com",
            "--username",
            "둘째 관리자",
        ],
        &with(officer(), "RAMPART_NEW_PASSWORD", SECOND_PASSWORD),
    ));
    assert_eq!(second["role"], "basic_user");
    let second_id = second["user_id"].as_str().unwrap().to_string();
    assert_eq!(store.user(&second_id, "role"), "basic_user");
    // No password: refused before anything is written; the same e-mail again: a conflict.
    let msg = failed(
        &cli.run(
            &[
                "users",
                "create",
                "--email",
                "x@example.com",
                "--username",
                "x",
            ],
            &officer(),
        ),
        1,
        "validation",
    );
    assert!(msg.contains("RAMPART_NEW_PASSWORD"), "{msg}");
    assert!(!store.exists(&keys::user_email("x@example.com")));
    failed(
        &cli.run(
            &[
                "users",
                "create",
                "--email",
                "new.user@example.com",
                "--username",
                "again",
            ],
            &with(officer(), "RAMPART_NEW_PASSWORD", NEW_PASSWORD),
        ),
        1,
        "conflict",
    );
    let msg = failed(
        &cli.run(
            &[
                "users",
                "create",
                "--email",
                "y@example.com",
                "--username",
                "y",
            ],
            &with(officer(), "RAMPART_NEW_PASSWORD", "short"),
        ),
        1,
        "validation",
    );
    assert!(msg.contains("12"), "the policy is named: {msg}");

    // users deactivate / reactivate with a reason.
    let off = ok(&cli.run(
        &["users", "deactivate", &id, "--reason", "left the team"],
        &officer(),
    ));
    assert_eq!(keys(&off), ["after", "before", "changed", "user_id"]);
    assert_eq!(
        (&off["before"], &off["after"], &off["changed"]),
        (&Value::Bool(true), &Value::Bool(false), &Value::Bool(true))
    );
    assert_eq!(store.user(&id, "is_active"), "False");
    let entry = store.last("user.deactivate");
    assert_eq!(entry.outcome.as_str(), "success");
    assert_eq!(entry.details["reason"], "left the team");
    let again = ok(&cli.run(
        &[
            "users",
            "deactivate",
            "new.user@example.com",
            "--reason",
            "again",
        ],
        &officer(),
    ));
    assert_eq!(again["changed"], false, "by e-mail too; nothing to write");
    failed(
        &cli.run(&["users", "reactivate", &id, "--reason", "  "], &officer()),
        1,
        "validation",
    );
    assert_eq!(store.user(&id, "is_active"), "False");
    let on = ok(&cli.run(
        &["users", "reactivate", &id, "--reason", "came back"],
        &officer(),
    ));
    assert_eq!(on["after"], true);
    assert_eq!(store.user(&id, "is_active"), "True");

    // users role: a change rewrites role and permissions together.
    let changed = ok(&cli.run(
        &["users", "role", &id, "basic_user", "--reason", "plan ended"],
        &officer(),
    ));
    assert_eq!(
        keys(&changed),
        ["after", "before", "outcome", "permissions", "user_id"]
    );
    assert_eq!(changed["outcome"], "changed");
    assert_eq!(
        (&changed["before"], &changed["after"]),
        (&Value::from("premium_user"), &Value::from("basic_user"))
    );
    assert_eq!(store.user(&id, "role"), "basic_user");
    assert_eq!(
        store.user(&id, "permissions"),
        Role::BasicUser.permissions_field()
    );
    failed(
        &cli.run(&["users", "role", &id, "root"], &officer()),
        1,
        "validation",
    );

    // A promotion to admin files a four-eyes request; the role is not written yet.
    let premium = demo_users(&cli, "premium_user");
    assert!(premium.len() >= 3, "{premium:?}");
    let (u1, u2, u3) = (&premium[0], &premium[1], &premium[2]);
    let r1 = ok(&cli.run(
        &["users", "role", u1, "admin", "--reason", "on-call rota"],
        &officer(),
    ));
    let id1 = request_id(&r1);
    assert_eq!(r1["request"]["requested_by"], officer_id.as_str());
    assert_eq!(r1["request"]["from_role"], "premium_user");
    assert_eq!(r1["request"]["to_role"], "admin");
    assert_eq!(store.user(u1, "role"), "premium_user", "not written yet");
    assert_eq!(stored_request(&store, &id1)["status"], "pending");
    let pending = ok(&cli.run(&["approvals", "list"], &admin()));
    assert_eq!(keys(&pending), ["requests", "unreadable"]);
    let listed = pending["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id1.as_str())
        .expect("listed");
    assert_eq!(listed["status_now"], "pending");
    // Only a console admin decides.
    let msg = failed(
        &cli.run(&["approvals", "approve", &id1], &officer()),
        4,
        "forbidden",
    );
    assert!(msg.contains("security_officer"), "{msg}");
    // The console admin is the second pair of eyes for the officer's request.
    let approved = ok(&cli.run(&["approvals", "approve", &id1], &admin()));
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], admin_id.as_str());
    assert_eq!(store.user(u1, "role"), "admin");
    assert_eq!(
        store.user(u1, "permissions"),
        Role::Admin.permissions_field()
    );
    assert_eq!(stored_request(&store, &id1)["status"], "approved");
    failed(
        &cli.run(&["approvals", "approve", &id1], &admin()),
        1,
        "conflict",
    );

    // A second console admin: MFA for the new account, then the console role.
    let enrol = ok(&cli.run(&["mfa", "enroll", &second_id], &officer()));
    let secret = enrol["secret"].as_str().unwrap().to_string();
    ok(&cli.run(
        &["mfa", "confirm", &second_id],
        &with(officer(), "RAMPART_MFA_CODE", &code_now(&secret)),
    ));
    let granted = ok(&cli.run(
        &[
            "operators",
            "grant",
            "--email",
            "second.admin@example.com",
            "--role",
            "console_admin",
        ],
        &admin(),
    ));
    assert_eq!(keys(&granted), ["granted_at", "granted_by", "role"]);
    assert_eq!(granted["role"], "console_admin");
    assert_eq!(granted["granted_by"], admin_id.as_str());
    let grant: Value = serde_json::from_str(
        &store
            .hget("rampart:console:operators", &second_id)
            .expect("grant stored"),
    )
    .unwrap();
    assert_eq!(grant["role"], "console_admin");
    let second_admin = || signed_with("second.admin@example.com", SECOND_PASSWORD, &secret);
    let who = ok(&cli.run(&["signin"], &second_admin()));
    assert_eq!(who["role"], "console_admin");
    assert_eq!(who["operator_id"], second_id.as_str());

    // The admin's own request: self-approval refused (four-eyes), the second admin approves.
    let id2 = request_id(&ok(&cli.run(&["users", "role", u2, "admin"], &admin())));
    let msg = failed(
        &cli.run(&["approvals", "approve", &id2], &admin()),
        4,
        "forbidden",
    );
    assert!(msg.contains("four-eyes"), "{msg}");
    assert_eq!(store.user(u2, "role"), "premium_user");
    assert_eq!(
        store.last("user.role.approve_admin").outcome.as_str(),
        "refused",
        "the self-approval is audited"
    );
    let approved = ok(&cli.run(&["approvals", "approve", &id2], &second_admin()));
    assert_eq!(approved["decided_by"], second_id.as_str());
    assert_eq!(store.user(u2, "role"), "admin");
    // The second admin refuses another request, with a reason.
    let id3 = request_id(&ok(&cli.run(&["users", "role", u3, "admin"], &officer())));
    // A refusal needs a reason: a usage error (exit 2) before anything runs.
    let usage = cli.run(&["approvals", "refuse", &id3], &second_admin());
    assert_eq!(usage.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&usage.stderr).contains("--reason"));
    let refused = ok(&cli.run(
        &["approvals", "refuse", &id3, "--reason", "not needed"],
        &second_admin(),
    ));
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["decision_reason"], "not needed");
    assert_eq!(store.user(u3, "role"), "premium_user");
    assert_eq!(stored_request(&store, &id3)["status"], "refused");
    let all = ok(&cli.run(&["approvals", "list", "--all"], &admin()));
    assert_eq!(all["requests"].as_array().unwrap().len(), 3);
    let pending = ok(&cli.run(&["approvals", "list"], &admin()));
    assert_eq!(pending["requests"], serde_json::json!([]));

    // users reset-password: a generated password shown once, the lock cleared and the
    // sessions ended, in one write.
    store.write(&[
        lock(&id),
        session(&id, "resetAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        session(&id, "resetBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"),
    ]);
    let reset = ok(&cli.run(&["users", "reset-password", &id, "--generate"], &officer()));
    assert_eq!(
        keys(&reset),
        [
            "generated_password",
            "lock_cleared",
            "sessions_revoked",
            "user_id"
        ]
    );
    assert_eq!(reset["lock_cleared"], true);
    assert_eq!(reset["sessions_revoked"], 2);
    let generated = reset["generated_password"].as_str().unwrap().to_string();
    assert_eq!(generated.chars().count(), 20);
    assert!(!store.exists(&keys::account_lock(&id)));
    assert!(store.scan("refresh_token:reset*").is_empty());
    let new_hash = store.get(&keys::user_password(&id)).unwrap();
    assert!(new_hash.starts_with("$2b$12$") && new_hash != hash);
    let trail = serde_json::to_string(&store.trail()).unwrap();
    assert!(!trail.contains(&generated), "the password is never audited");
    // From the environment: nothing generated, nothing shown.
    let reset = ok(&cli.run(
        &["users", "reset-password", &id],
        &with(officer(), "RAMPART_NEW_PASSWORD", NEW_PASSWORD),
    ));
    assert_eq!(reset["generated_password"], Value::Null);
    assert_eq!(reset["lock_cleared"], false);
    assert_ne!(store.get(&keys::user_password(&id)).unwrap(), new_hash);

    // sessions revoke: one by the prefix listed, then all.
    store.write(&[
        session(&id, "sessAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        session(&id, "sessBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"),
        session(&id, "sessCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
    ]);
    let listed = ok(&cli.run(&["sessions", "list", &id], &officer()));
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 3);
    let one = ok(&cli.run(
        &["sessions", "revoke", &id, "--token", "sessBBBBBB"],
        &officer(),
    ));
    assert_eq!(keys(&one), ["tokens", "user_id"]);
    assert_eq!(one["tokens"].as_array().unwrap().len(), 1);
    assert!(
        !one["tokens"][0]
            .as_str()
            .unwrap()
            .contains("BBBBBBBBBBBBBBBBBBBB"),
        "masked: {one}"
    );
    assert!(!store.exists(&keys::refresh_token(
        "sessBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
    )));
    assert!(store.exists(&keys::refresh_token(
        "sessAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )));
    failed(
        &cli.run(&["sessions", "revoke", &id, "--token", "sess"], &officer()),
        1,
        "validation",
    );
    let rest = ok(&cli.run(&["sessions", "revoke", &id, "--all"], &officer()));
    assert_eq!(rest["tokens"].as_array().unwrap().len(), 2);
    assert!(store.scan("refresh_token:sess*").is_empty());

    // locks unlock.
    store.write(&[lock(&id)]);
    let until = store.get(&keys::account_lock(&id)).unwrap();
    let unlocked = ok(&cli.run(
        &["locks", "unlock", &id, "--reason", "verified by phone"],
        &officer(),
    ));
    assert_eq!(unlocked["subject"], id.as_str());
    assert_eq!(unlocked["until"], until.as_str());
    assert!(!store.exists(&keys::account_lock(&id)));
    failed(
        &cli.run(&["locks", "unlock", &id, "--reason", "again"], &officer()),
        1,
        "not_found",
    );

    // apikeys deactivate / activate / revoke, read back in api_key:{key}.
    let issued = ok(&cli.run(&["apikeys", "issue", u1], &officer()));
    let (key, handle) = (
        issued["api_key"].as_str().unwrap().to_string(),
        issued["handle"].as_str().unwrap().to_string(),
    );
    let stored_key = keys::api_key(&key);
    assert_eq!(
        store.hget(&stored_key, "is_active").as_deref(),
        Some("true")
    );
    ok(&cli.run(&["apikeys", "deactivate", &handle], &officer()));
    assert_eq!(
        store.hget(&stored_key, "is_active").as_deref(),
        Some("false")
    );
    let active = ok(&cli.run(&["apikeys", "activate", &handle], &officer()));
    assert_eq!(active["is_active"], "true");
    assert_eq!(active["handle"], handle.as_str());
    assert!(
        !serde_json::to_string(&active).unwrap().contains(&key),
        "only the handle and a masked form are printed after issue"
    );
    assert_eq!(
        store.hget(&stored_key, "is_active").as_deref(),
        Some("true")
    );
    let revoked = ok(&cli.run(&["apikeys", "revoke", &handle], &officer()));
    assert_eq!(keys(&revoked), ["revoked"]);
    assert!(!store.exists(&stored_key));
    assert!(!store.exists(&keys::api_usage(&key)));
    failed(
        &cli.run(&["apikeys", "activate", &handle], &officer()),
        1,
        "not_found",
    );

    // operators revoke: the second admin loses the console; the last admin cannot be removed.
    let out = ok(&cli.run(
        &["operators", "revoke", "--email", "second.admin@example.com"],
        &admin(),
    ));
    assert_eq!(out["revoked"], "second.admin@example.com");
    assert_eq!(store.hget("rampart:console:operators", &second_id), None);
    let msg = failed(&cli.run(&["signin"], &second_admin()), 4, "forbidden");
    assert!(msg.contains("no console role"), "{msg}");
    let msg = failed(
        &cli.run(&["operators", "revoke", "--email", ADMIN.0], &admin()),
        1,
        "conflict",
    );
    assert!(msg.contains("last console admin"), "{msg}");
    assert!(store.hget("rampart:console:operators", &admin_id).is_some());
    let listed = ok(&cli.run(&["operators", "list"], &admin()));
    assert_eq!(listed.as_array().unwrap().len(), 4, "the demo's four");
    // The desktop's roster: each entry names its account and what would stop its sign-in.
    for o in listed.as_array().unwrap() {
        assert!(o["email"].is_string(), "{o}");
        assert_eq!(
            o["blockers"],
            serde_json::json!([]),
            "demo operators can sign in: {o}"
        );
    }
}

/// The local trail beside the data dir, where a read-only profile's refusals are recorded (the
/// audited store cannot take them). Opened per look, so no connection outlives a command.
fn local_trail_last(cli: &Cli, action: &str) -> rampart_domain::trail::TrailEntry {
    Store::embedded(&cli.data().join("local-trail.db"), true).last(action)
}

#[test]
fn every_mutation_is_refused_for_an_auditor_and_on_a_read_only_profile() {
    let (_rt, lease) = lease();
    let cli = Cli::redis(&lease.url);
    cli.seed(30);
    let store = Store::redis(&lease.url);
    let officer = || signed(OFFICER);
    let auditor_id = operator_id(&store, AUDITOR.0);

    // Targets: an active and an inactive user, a pending promotion, an inactive API key, a
    // session and a lock, a stored batch that has not run (`--limit 0`).
    let basic = demo_users(&cli, "basic_user");
    let premium = demo_users(&cli, "premium_user");
    let u = basic[0].clone();
    let grantee = store.user(&basic[1], "email");
    let inactive = ok(&cli.run(&["users", "list", "--inactive", "--limit", "1"], &officer()))
        ["rows"][0]["id"]
        .as_str()
        .expect("the demo has inactive users")
        .to_string();
    let request = request_id(&ok(
        &cli.run(&["users", "role", &premium[0], "admin"], &officer())
    ));
    let handle = ok(&cli.run(&["apikeys", "issue", &premium[1]], &officer()))["handle"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&cli.run(&["apikeys", "deactivate", &handle], &officer()));
    store.write(&[
        lock(&u),
        session(&u, "keepAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ]);
    let stored = ok(&cli.run(
        &[
            "batch",
            "run",
            "--action",
            "revoke-sessions",
            "--reason",
            "drill",
            "--ids",
            &u,
            "--yes",
            "--limit",
            "0",
        ],
        &officer(),
    ));
    assert_eq!(
        (&stored["finished"], &stored["ran_now"]),
        (&Value::Bool(false), &Value::from(0))
    );
    let batch = stored["id"].as_str().unwrap().to_string();

    // (command, audited action, who tries it on the read-only profile)
    let pw = |env: Env| with(env, "RAMPART_NEW_PASSWORD", NEW_PASSWORD);
    let cases: Vec<(Vec<&str>, &str, (&str, &str))> = vec![
        (
            vec![
                "users",
                "create",
                "--email",
                "z@example.com",
                "--username",
                "z",
            ],
            "user.create",
            OFFICER,
        ),
        (
            vec!["users", "deactivate", &u, "--reason", "r"],
            "user.deactivate",
            OFFICER,
        ),
        (
            vec!["users", "reactivate", &inactive, "--reason", "r"],
            "user.reactivate",
            OFFICER,
        ),
        (
            vec!["users", "role", &u, "guest"],
            "user.role.change",
            OFFICER,
        ),
        (
            vec!["users", "role", &u, "admin"],
            "user.role.request_admin",
            OFFICER,
        ),
        (
            vec!["users", "reset-password", &u, "--generate"],
            "user.password.reset",
            OFFICER,
        ),
        (
            vec!["users", "dormant", "--days", "1", "--deactivate", "--yes"],
            "batch.start",
            OFFICER,
        ),
        (
            vec!["approvals", "approve", &request],
            "user.role.approve_admin",
            ADMIN,
        ),
        (
            vec!["approvals", "refuse", &request, "--reason", "r"],
            "user.role.refuse_admin",
            ADMIN,
        ),
        (
            vec![
                "batch",
                "run",
                "--action",
                "deactivate",
                "--reason",
                "r",
                "--role",
                "guest",
                "--yes",
            ],
            "batch.start",
            OFFICER,
        ),
        (vec!["batch", "resume", &batch], "batch.run", OFFICER),
        (
            vec!["sessions", "revoke", &u, "--all"],
            "session.revoke_all",
            OFFICER,
        ),
        (
            vec!["locks", "unlock", &u, "--reason", "r"],
            "lock.unlock",
            OFFICER,
        ),
        (
            vec!["apikeys", "activate", &handle],
            "apikey.activate",
            OFFICER,
        ),
        (vec!["apikeys", "revoke", &handle], "apikey.revoke", OFFICER),
        (
            vec![
                "operators",
                "grant",
                "--email",
                &grantee,
                "--role",
                "auditor",
            ],
            "console.grant_role",
            ADMIN,
        ),
        (
            vec!["operators", "revoke", "--email", OFFICER.0],
            "console.revoke_role",
            ADMIN,
        ),
    ];

    // The auditor reads but changes nothing: exit 4, `forbidden`, the role named, audited.
    for (args, action, _) in &cases {
        let msg = failed(&cli.run(args, &pw(signed(AUDITOR))), 4, "forbidden");
        assert_eq!(
            msg,
            format!("not allowed: the console role auditor may not perform {action}"),
            "{args:?}"
        );
        let entry = store.last(action);
        assert_eq!(
            (
                entry.outcome.as_str(),
                entry.actor.as_str(),
                entry.actor_role.as_str()
            ),
            ("refused", auditor_id.as_str(), "auditor"),
            "{args:?} is audited as refused"
        );
    }

    // A read-only profile: exit 4, `read_only`, nothing written, the refusal recorded in the
    // local trail.
    let before = store.snapshot();
    for (args, action, who) in &cases {
        let msg = failed(&cli.run_read_only(args, &pw(signed(*who))), 4, "read_only");
        assert!(msg.contains("read-only"), "{args:?}: {msg}");
        let entry = local_trail_last(&cli, action);
        assert_eq!(entry.outcome.as_str(), "refused", "{args:?}");
        assert_eq!(
            entry.actor_role,
            if *who == ADMIN {
                "console_admin"
            } else {
                "security_officer"
            }
        );
    }
    assert_eq!(store.snapshot(), before, "nothing reached Redis");
    assert!(store.exists(&keys::account_lock(&u)));
    assert!(store.exists(&keys::refresh_token(
        "keepAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    )));
}
