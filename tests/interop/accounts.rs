//! Account lifecycle against the service's own code: users Rampart creates, deactivates and
//! re-roles are read by the seed's `AuthenticationService` exactly as the service would, and a
//! role change made while the service writes `last_login` to the same hash loses neither write.

use std::sync::Arc;

use rampart_core::accounts::{Accounts, NewUser, PasswordChoice, RoleOutcome};
use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::ports::SystemClock;
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::keys;
use rampart_domain::user::Role;
use rand::SeedableRng;
use secrecy::SecretString;
use serde_json::json;

use super::{env, Env};

/// The Python peer of THIS checkout. `super::peer` finds the script through the testkit's
/// compile-time path, which in a target directory shared by several worktrees may be another
/// checkout's (without the `hammer-login` command appended here).
fn peer(url: &str, args: &[&str], stdin: Option<&str>) -> serde_json::Value {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/peer.py");
    let mut full = vec!["--redis", url];
    full.extend_from_slice(args);
    rampart_testkit::run_python(&script, &full, stdin.map(str::as_bytes))
}

fn officer() -> Operator {
    Operator {
        id: "user_officer".into(),
        role: ConsoleRole::SecurityOfficer,
        authenticated_by: "sign_in".into(),
    }
}

fn rig(e: &Env) -> (AuditWriter, Accounts) {
    let audit = AuditWriter::new(
        Some(e.ks.clone()),
        None,
        Trail::new(e.ks.clone()),
        Arc::new(SystemClock),
        Box::new(rand::rngs::StdRng::seed_from_u64(11)),
    );
    // The service's own cost: the peer's bcrypt.checkpw verifies a real `$2b$12$` hash.
    let acc = Accounts::new(
        e.ks.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(12)),
    );
    (audit, acc)
}

#[tokio::test]
async fn a_console_created_user_loads_authenticates_and_is_refused_once_deactivated() {
    let e = env().await;
    let (audit, acc) = rig(&e);
    let email = "이서연@예시.한국";
    let pw = "서연의-비밀번호-2026!";
    let c = acc
        .create_user(
            &audit,
            &officer(),
            NewUser {
                email: email.into(),
                username: "이서연".into(),
                role: Role::BasicUser,
                password: PasswordChoice::Given(SecretString::from(pw.to_string())),
            },
        )
        .await
        .unwrap();
    let got = peer(&e.url, &["get-user", "--id", &c.user_id], None);
    assert_eq!(got["found"], true, "the service loads the user: {got}");
    assert_eq!(got["email"], email);
    assert_eq!(
        got["permissions"],
        json!(["read_stock_data", "read_sentiment_data"])
    );
    assert_eq!(
        (got["is_active"].clone(), got["mfa_enabled"].clone()),
        (json!(true), json!(false))
    );
    let auth = peer(&e.url, &["authenticate", "--email", email], Some(pw));
    assert_eq!(
        auth["ok"], true,
        "bcrypt.checkpw accepts the console's hash: {auth}"
    );
    assert_eq!(auth["user_id"], c.user_id.as_str());

    // A session the service issued stops working when the console deactivates the user.
    let session = peer(&e.url, &["create-refresh", "--id", &c.user_id], None);
    let jwt = session["jwt"].as_str().unwrap().to_string();
    let before = peer(&e.url, &["verify-token", "--jwt", &jwt], None);
    assert_eq!(
        before["user_id"],
        c.user_id.as_str(),
        "active: token verifies"
    );
    acc.set_active(&audit, &officer(), &c.user_id, false, "offboarding")
        .await
        .unwrap();
    let after = peer(&e.url, &["verify-token", "--jwt", &jwt], None);
    assert_eq!(
        after["user_id"],
        json!(null),
        "verify_token refuses a deactivated user: {after}"
    );
    let auth = peer(&e.url, &["authenticate", "--email", email], Some(pw));
    assert_eq!(
        auth["ok"], false,
        "authenticate_user refuses an inactive user"
    );

    // A reset password works in the service too.
    let new_pw = "Harbor-Lights-4096";
    acc.set_active(&audit, &officer(), &c.user_id, true, "rehired")
        .await
        .unwrap();
    acc.reset_password(
        &audit,
        &officer(),
        email,
        PasswordChoice::Given(SecretString::from(new_pw.to_string())),
    )
    .await
    .unwrap();
    let auth = peer(&e.url, &["authenticate", "--email", email], Some(new_pw));
    assert_eq!(auth["ok"], true, "the reset password authenticates: {auth}");
}

#[tokio::test]
async fn role_changes_parse_in_the_service_while_it_writes_last_login() {
    let e = env().await;
    let (audit, acc) = rig(&e);
    let acc = acc.with_bcrypt_cost(4);
    let c = acc
        .create_user(
            &audit,
            &officer(),
            NewUser {
                email: "busy@example.com".into(),
                username: "busy".into(),
                role: Role::Guest,
                password: PasswordChoice::Given(SecretString::from(
                    "Quiet-Engine-Room-9".to_string(),
                )),
            },
        )
        .await
        .unwrap();
    // The service logs the user in 300 times in a row while the console changes the role.
    let url = e.url.clone();
    let id = c.user_id.clone();
    let hammer = std::thread::spawn(move || {
        peer(&url, &["hammer-login", "--id", &id, "--count", "300"], None)
    });
    let roles = [Role::BasicUser, Role::PremiumUser, Role::Guest];
    let mut last = Role::Guest;
    let mut changes = 0;
    while !hammer.is_finished() || changes < 30 {
        let role = roles[changes % roles.len()];
        let out = acc
            .change_role(&audit, &officer(), &c.user_id, role, None)
            .await
            .unwrap();
        assert!(matches!(
            out,
            RoleOutcome::Changed { .. } | RoleOutcome::Unchanged { .. }
        ));
        last = role;
        changes += 1;
    }
    let done = hammer.join().unwrap();
    let written = done["last"]
        .as_str()
        .unwrap_or_else(|| panic!("hammer: {done}"));
    let got = peer(&e.url, &["get-user", "--id", &c.user_id], None);
    assert_eq!(
        got["role"],
        last.as_str(),
        "the console's last role survived"
    );
    let perms: Vec<&str> = last.permissions().iter().map(|p| p.as_str()).collect();
    assert_eq!(
        got["permissions"],
        json!(perms),
        "permissions parse and match the role"
    );
    let stored =
        e.ks.hget(&keys::user(&c.user_id), "last_login")
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        String::from_utf8(stored).unwrap(),
        written,
        "the service's last last_login survived {changes} role changes"
    );
}

#[tokio::test]
async fn an_approved_promotion_parses_as_admin_in_the_service() {
    let e = env().await;
    let (audit, acc) = rig(&e);
    let acc = acc.with_bcrypt_cost(4);
    let c = acc
        .create_user(
            &audit,
            &officer(),
            NewUser {
                email: "lead@example.com".into(),
                username: "lead".into(),
                role: Role::PremiumUser,
                password: PasswordChoice::Generate,
            },
        )
        .await
        .unwrap();
    let RoleOutcome::ApprovalRequested { request } = acc
        .change_role(
            &audit,
            &officer(),
            &c.user_id,
            Role::Admin,
            Some("team lead"),
        )
        .await
        .unwrap()
    else {
        panic!("promotion must wait for approval")
    };
    let pending = peer(&e.url, &["get-user", "--id", &c.user_id], None);
    assert_eq!(pending["role"], "premium_user", "not admin before approval");
    let approver = Operator {
        id: "user_admin2".into(),
        role: ConsoleRole::ConsoleAdmin,
        authenticated_by: "sign_in".into(),
    };
    acc.approve(&audit, &approver, &request.id).await.unwrap();
    let got = peer(&e.url, &["get-user", "--id", &c.user_id], None);
    assert_eq!(got["role"], "admin");
    assert_eq!(
        got["permissions"],
        json!([
            "read_stock_data",
            "write_stock_data",
            "read_sentiment_data",
            "manage_users",
            "access_analytics",
            "export_data"
        ])
    );
}

#[tokio::test]
async fn a_password_reset_ends_the_sessions_the_service_issued() {
    let e = env().await;
    let (audit, acc) = rig(&e);
    let acc = acc.with_bcrypt_cost(4);
    let c = acc
        .create_user(
            &audit,
            &officer(),
            NewUser {
                email: "stolen@example.com".into(),
                username: "stolen".into(),
                role: Role::BasicUser,
                password: PasswordChoice::Given(SecretString::from(
                    "Copper-Kettle-Song-31".to_string(),
                )),
            },
        )
        .await
        .unwrap();
    let other = acc
        .create_user(
            &audit,
            &officer(),
            NewUser {
                email: "bystander@example.com".into(),
                username: "bystander".into(),
                role: Role::BasicUser,
                password: PasswordChoice::Generate,
            },
        )
        .await
        .unwrap();
    // Two sessions of the user (say, one of them a thief's) and one of another user, issued by
    // the service itself.
    let mine: Vec<String> = (0..2)
        .map(|_| {
            peer(&e.url, &["create-refresh", "--id", &c.user_id], None)["jwt"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let theirs = peer(&e.url, &["create-refresh", "--id", &other.user_id], None)["jwt"]
        .as_str()
        .unwrap()
        .to_string();
    for jwt in &mine {
        assert_eq!(
            peer(&e.url, &["refresh", "--jwt", jwt], None)["ok"],
            true,
            "the session works before the reset"
        );
    }
    let reset = acc
        .reset_password(&audit, &officer(), &c.user_id, PasswordChoice::Generate)
        .await
        .unwrap();
    assert_eq!(reset.sessions_revoked, 2);
    for jwt in &mine {
        let got = peer(&e.url, &["refresh", "--jwt", jwt], None);
        assert_eq!(
            got["ok"], false,
            "refresh_access_token refuses a token the reset removed: {got}"
        );
    }
    assert_eq!(
        peer(&e.url, &["refresh", "--jwt", &theirs], None)["ok"],
        true,
        "another user's session is untouched"
    );
}
