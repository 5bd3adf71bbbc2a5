//! Operator sign-in and console roles on every key-space backend: the seed's bcrypt hash and
//! MFA record are what is checked, every attempt lands in the seed's audit format
//! (`user_login` / `success` or `failure`), and roles live only in Rampart's registry.

use std::sync::Arc;

use chrono::Utc;
use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::demo::{self, DemoPasswords, DemoPlan, DEMO_OPERATORS};
use rampart_core::ports::{KeySpace, SystemClock, Write};
use rampart_core::seed::SeedStore;
use rampart_core::signin::{self, Authenticator, Credentials, Operators};
use rampart_core::CoreError;
use rampart_domain::console::{ConsoleRole, Operator, OPERATORS_KEY};
use rampart_domain::keys;
use rampart_domain::totp;
use rand::SeedableRng;
use secrecy::{ExposeSecret, SecretString};

use crate::keyspace::Backend;

const PASSWORD: &str = "Rampart-demo-2026";

struct Rig {
    ks: Arc<dyn KeySpace>,
    audit: AuditWriter,
    auth: Authenticator,
    _b: Backend,
}

async fn rig(b: Backend) -> Rig {
    let ks = b.ks.clone();
    // Cost 4 keeps the suite fast; the check is the same code path as cost 12.
    let hash = rampart_domain::password::hash_password_with_cost(
        &SecretString::from(PASSWORD.to_string()),
        [7u8; 16],
        4,
    )
    .unwrap();
    let plan = DemoPlan {
        seed: 3,
        users: 0,
        events: 0,
        days: 1,
        now: Utc::now().naive_utc(),
    };
    let passwords = DemoPasswords {
        hashes: vec![],
        operator: hash,
    };
    ks.apply_bulk(&demo::operator_writes(&plan, &passwords))
        .await
        .unwrap();
    let audit = AuditWriter::new(
        Some(ks.clone()),
        None,
        Trail::new(ks.clone()),
        Arc::new(SystemClock),
        Box::new(rand::rngs::StdRng::seed_from_u64(1)),
    );
    let auth = Authenticator::new(
        SeedStore::new(ks.clone()),
        Operators::new(ks.clone()),
        ks.clone(),
    );
    Rig {
        ks,
        audit,
        auth,
        _b: b,
    }
}

fn code(secret: &str, offset_steps: i64) -> String {
    let s = totp::decode_secret(secret).unwrap();
    let now = Utc::now().timestamp() + offset_steps * 30;
    totp::code_at(s.expose_secret(), now as u64)
}

fn creds(email: &str, password: &str, code: String) -> Credentials {
    Credentials {
        email: email.into(),
        password: SecretString::from(password.to_string()),
        totp: SecretString::from(code),
    }
}

async fn id_of(r: &Rig, email: &str) -> String {
    SeedStore::new(r.ks.clone())
        .user_id_by_email(email)
        .await
        .unwrap()
        .unwrap()
}

/// The newest seed-format audit event about `user_id` (`user_events:{id}` holds ids, newest
/// first; the event JSON is at `audit_event:{id}`).
async fn last_event(r: &Rig, user_id: &str) -> serde_json::Value {
    let ids =
        r.ks.lrange(&keys::user_events(user_id), 0, 0)
            .await
            .unwrap();
    let id = String::from_utf8(ids[0].clone()).unwrap();
    let raw =
        r.ks.get(&format!("audit_event:{id}"))
            .await
            .unwrap()
            .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

async fn each_demo_operator_signs_in_with_its_console_role(b: Backend) {
    let r = rig(b).await;
    for op in DEMO_OPERATORS {
        let s = r
            .auth
            .sign_in(&r.audit, creds(op.email, PASSWORD, code(op.totp_secret, 0)))
            .await
            .unwrap_or_else(|e| panic!("{} cannot sign in: {e}", op.email));
        assert_eq!(s.operator.role, op.console_role, "{}", op.email);
        assert_eq!(s.operator.authenticated_by, "sign_in");
        let ev = last_event(&r, &s.operator.id).await;
        assert_eq!(ev["event_type"], "user_login");
        assert_eq!(ev["result"], "success");
    }
    // The service's own parser still reads the operators' user hashes: roles are not in them.
    let id = id_of(&r, "admin@rampart.demo").await;
    let u = SeedStore::new(r.ks.clone())
        .user(&id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        u.role.as_str(),
        "admin",
        "the service role is the service's own"
    );
}

async fn wrong_password_code_drift_and_replay_are_refused_and_audited(b: Backend) {
    let r = rig(b).await;
    let op = DEMO_OPERATORS[0];
    let id = id_of(&r, op.email).await;
    let e = r
        .auth
        .sign_in(
            &r.audit,
            creds(op.email, "not-the-password", code(op.totp_secret, 0)),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Unauthenticated(_)), "{e:?}");
    let ev = last_event(&r, &id).await;
    assert_eq!(
        (ev["event_type"].as_str(), ev["result"].as_str()),
        (Some("user_login"), Some("failure")),
        "a failed console sign-in is a failed login in the seed's format: {ev}"
    );
    assert_eq!(ev["details"]["error"], "wrong password");

    let e = r
        .auth
        .sign_in(&r.audit, creds(op.email, PASSWORD, "000000".into()))
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Unauthenticated(_)), "{e:?}");

    let e = r
        .auth
        .sign_in(&r.audit, creds(op.email, PASSWORD, code(op.totp_secret, 5)))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("150 seconds"),
        "a code from a clock 5 steps off says so: {e}"
    );

    let good = code(op.totp_secret, 0);
    r.auth
        .sign_in(&r.audit, creds(op.email, PASSWORD, good.clone()))
        .await
        .unwrap();
    let e = r
        .auth
        .sign_in(&r.audit, creds(op.email, PASSWORD, good))
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("already used"),
        "replay refused: {e}"
    );

    let e = r
        .auth
        .sign_in(
            &r.audit,
            creds("nobody@rampart.demo", PASSWORD, "123456".into()),
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        signin::WRONG_CREDENTIALS,
        "an unknown e-mail gets the same sentence as a wrong password"
    );
}

async fn five_failures_throttle_the_account(b: Backend) {
    let r = rig(b).await;
    let op = DEMO_OPERATORS[1];
    for _ in 0..5 {
        let _ = r
            .auth
            .sign_in(
                &r.audit,
                creds(op.email, "wrong-wrong-wrong", "000000".into()),
            )
            .await;
    }
    let e = r
        .auth
        .sign_in(&r.audit, creds(op.email, PASSWORD, code(op.totp_secret, 0)))
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Throttled(_)),
        "even the right password waits out the window: {e:?}"
    );
}

async fn no_mfa_no_role_deactivated_or_locked_accounts_cannot_enter(b: Backend) {
    let r = rig(b).await;
    let [officer, auditor, custodian, admin] = DEMO_OPERATORS;
    let id = |e| id_of(&r, e);
    let (o, a, c, d) = (
        id(officer.email).await,
        id(auditor.email).await,
        id(custodian.email).await,
        id(admin.email).await,
    );
    r.ks.apply(&[
        Write::HSet {
            key: keys::user(&o),
            fields: vec![("mfa_enabled".into(), b"False".to_vec())],
        },
        Write::HDel {
            key: OPERATORS_KEY.into(),
            fields: vec![a.clone()],
        },
        Write::HSet {
            key: keys::user(&c),
            fields: vec![("is_active".into(), b"False".to_vec())],
        },
        Write::Set {
            key: keys::account_lock(&d),
            value: b"2099-01-01T00:00:00".to_vec(),
            ttl_secs: Some(900),
        },
    ])
    .await
    .unwrap();
    let try_ = |op: demo::DemoOperator| {
        r.auth
            .sign_in(&r.audit, creds(op.email, PASSWORD, code(op.totp_secret, 0)))
    };
    assert!(matches!(
        try_(officer).await,
        Err(CoreError::MfaRequired(_))
    ));
    assert!(
        matches!(try_(auditor).await, Err(CoreError::Forbidden(m)) if m.contains("no console role"))
    );
    assert!(
        matches!(try_(custodian).await, Err(CoreError::Forbidden(m)) if m.contains("deactivated"))
    );
    assert!(matches!(try_(admin).await, Err(CoreError::Locked(_))));
}

async fn roles_are_granted_only_by_console_admins_and_bootstrap_only_once(b: Backend) {
    let r = rig(b).await;
    let seed = SeedStore::new(r.ks.clone());
    let ops = Operators::new(r.ks.clone());
    let auditor = Operator {
        id: id_of(&r, "auditor@rampart.demo").await,
        role: ConsoleRole::Auditor,
        authenticated_by: "sign_in".into(),
    };
    let e = signin::grant_role(
        &r.audit,
        &auditor,
        &seed,
        &ops,
        "auditor@rampart.demo",
        ConsoleRole::ConsoleAdmin,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, CoreError::Forbidden(_)),
        "an auditor cannot grant: {e:?}"
    );
    let newest = Trail::new(r.ks.clone()).recent(0, 1).await.unwrap();
    assert_eq!(
        newest[0].as_ref().unwrap().outcome.as_str(),
        "refused",
        "and that is audited"
    );

    let local = Operator {
        id: "local:test".into(),
        role: ConsoleRole::ConsoleAdmin,
        authenticated_by: "local_bootstrap".into(),
    };
    let op = DEMO_OPERATORS[0];
    let e = signin::bootstrap_admin(
        &r.audit,
        &local,
        &r.auth,
        creds(op.email, PASSWORD, code(op.totp_secret, 0)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(e, CoreError::Conflict(_)),
        "the demo already has a console admin: {e:?}"
    );

    let admin = Operator {
        id: id_of(&r, "admin@rampart.demo").await,
        role: ConsoleRole::ConsoleAdmin,
        authenticated_by: "sign_in".into(),
    };
    let e = signin::revoke_role(&r.audit, &admin, &seed, &ops, "admin@rampart.demo")
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Conflict(_)),
        "the last console admin stays: {e:?}"
    );
    let g = signin::grant_role(
        &r.audit,
        &admin,
        &seed,
        &ops,
        "auditor@rampart.demo",
        ConsoleRole::SecurityOfficer,
    )
    .await
    .unwrap();
    assert_eq!(g.role, ConsoleRole::SecurityOfficer);
    assert_eq!(
        ops.grant_of(&auditor.id).await.unwrap().unwrap().role,
        ConsoleRole::SecurityOfficer
    );
}

async fn bootstrap_makes_the_first_console_admin_of_an_empty_registry(b: Backend) {
    let r = rig(b).await;
    r.ks.apply(&[Write::Del {
        keys: vec![OPERATORS_KEY.into()],
    }])
    .await
    .unwrap();
    let local = Operator {
        id: "local:test".into(),
        role: ConsoleRole::ConsoleAdmin,
        authenticated_by: "local_bootstrap".into(),
    };
    let op = DEMO_OPERATORS[1];
    let e = signin::bootstrap_admin(
        &r.audit,
        &local,
        &r.auth,
        creds(op.email, "wrong-password", code(op.totp_secret, 0)),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, CoreError::Unauthenticated(_)), "{e:?}");
    assert!(
        Operators::new(r.ks.clone()).all().await.unwrap().is_empty(),
        "a failed bootstrap leaves no grant behind"
    );
    let s = signin::bootstrap_admin(
        &r.audit,
        &local,
        &r.auth,
        creds(op.email, PASSWORD, code(op.totp_secret, 0)),
    )
    .await
    .unwrap();
    assert_eq!(s.operator.role, ConsoleRole::ConsoleAdmin);
}

fn signed(id: String, role: ConsoleRole) -> Operator {
    Operator {
        id,
        role,
        authenticated_by: "sign_in".into(),
    }
}

async fn admins(ks: &Arc<dyn KeySpace>) -> Vec<String> {
    Operators::new(ks.clone())
        .all()
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, g)| matches!(g, Ok(g) if g.role == ConsoleRole::ConsoleAdmin))
        .map(|(id, _)| id)
        .collect()
}

async fn the_last_console_admin_stays_however_it_is_removed(b: Backend) {
    let r = rig(b).await;
    let seed = SeedStore::new(r.ks.clone());
    let ops = Operators::new(r.ks.clone());
    let admin = signed(
        id_of(&r, "admin@rampart.demo").await,
        ConsoleRole::ConsoleAdmin,
    );
    let officer_id = id_of(&r, "officer@rampart.demo").await;

    let e = signin::revoke_role(&r.audit, &admin, &seed, &ops, "admin@rampart.demo")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, CoreError::Conflict(m) if m == signin::LAST_CONSOLE_ADMIN),
        "revoking the last console admin is refused: {e:?}"
    );
    let newest = Trail::new(r.ks.clone()).recent(0, 1).await.unwrap();
    let entry = newest[0].as_ref().unwrap();
    assert_eq!(
        (entry.outcome.as_str(), entry.action.as_str()),
        ("failure", "console.revoke_role"),
        "the refusal is audited"
    );
    let e = signin::grant_role(
        &r.audit,
        &admin,
        &seed,
        &ops,
        "admin@rampart.demo",
        ConsoleRole::Auditor,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, CoreError::Conflict(m) if m == signin::LAST_CONSOLE_ADMIN),
        "demoting the last console admin is removing it too: {e:?}"
    );
    assert_eq!(
        admins(&r.ks).await,
        vec![admin.id.clone()],
        "nothing changed"
    );

    // With a second console admin, an admin may step down; the other is then the last.
    signin::grant_role(
        &r.audit,
        &admin,
        &seed,
        &ops,
        "officer@rampart.demo",
        ConsoleRole::ConsoleAdmin,
    )
    .await
    .unwrap();
    signin::grant_role(
        &r.audit,
        &admin,
        &seed,
        &ops,
        "admin@rampart.demo",
        ConsoleRole::Auditor,
    )
    .await
    .unwrap();
    assert_eq!(admins(&r.ks).await, vec![officer_id.clone()]);
    let officer = signed(officer_id.clone(), ConsoleRole::ConsoleAdmin);
    let e = signin::revoke_role(&r.audit, &officer, &seed, &ops, "officer@rampart.demo")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Conflict(_)), "{e:?}");

    // An unreadable grant is no console admin, and can be revoked (so it does not linger).
    r.ks.apply(&[Write::HSet {
        key: OPERATORS_KEY.into(),
        fields: vec![
            (admin.id.clone(), b"{\"role\":\"console_admin\"".to_vec()),
            ("user_gone".into(), b"{\"role\":\"auditor\",\"granted_by\":\"local:x\",\"granted_at\":\"2026-01-01T00:00:00\"}".to_vec()),
        ],
    }])
    .await
    .unwrap();
    let e = signin::revoke_role(&r.audit, &officer, &seed, &ops, "officer@rampart.demo")
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Conflict(_)),
        "an unreadable console_admin grant does not count as a second admin: {e:?}"
    );
    signin::revoke_role(&r.audit, &officer, &seed, &ops, "admin@rampart.demo")
        .await
        .unwrap();
    // A grant whose user record is gone is revoked by its user id.
    signin::revoke_role(&r.audit, &officer, &seed, &ops, "user_gone")
        .await
        .unwrap();
    assert_eq!(ops.grant_of("user_gone").await.unwrap(), None);
    let e = signin::revoke_role(&r.audit, &officer, &seed, &ops, "admin@rampart.demo")
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::NotFound(_)),
        "revoking a role nobody holds says so instead of auditing a success: {e:?}"
    );
}

async fn two_admins_revoking_each_other_at_once_leave_one(b: Backend) {
    let r = rig(b).await;
    let seed = SeedStore::new(r.ks.clone());
    let ops = Operators::new(r.ks.clone());
    let a = signed(
        id_of(&r, "admin@rampart.demo").await,
        ConsoleRole::ConsoleAdmin,
    );
    let o = signed(
        id_of(&r, "officer@rampart.demo").await,
        ConsoleRole::ConsoleAdmin,
    );
    // Many rounds, so that some interleave their read and write; none may end without an admin.
    for round in 0..12 {
        signin::grant_role(
            &r.audit,
            &a,
            &seed,
            &ops,
            "officer@rampart.demo",
            ConsoleRole::ConsoleAdmin,
        )
        .await
        .unwrap();
        let (x, y) = tokio::join!(
            signin::revoke_role(&r.audit, &a, &seed, &ops, "officer@rampart.demo"),
            signin::revoke_role(&r.audit, &o, &seed, &ops, "admin@rampart.demo"),
        );
        assert_eq!(
            admins(&r.ks).await.len(),
            1,
            "round {round}: exactly one console admin is left ({x:?}, {y:?})"
        );
        assert!(
            x.is_ok() != y.is_ok(),
            "round {round}: one revoke wins, the other is refused: {x:?}, {y:?}"
        );
        // Put the registry back to: the demo admin is the console admin.
        if y.is_ok() {
            let grant = rampart_domain::console::Grant {
                role: ConsoleRole::ConsoleAdmin,
                granted_by: "local:test".into(),
                granted_at: "2026-01-01T00:00:00".into(),
            };
            r.ks.apply(&[Write::HSet {
                key: OPERATORS_KEY.into(),
                fields: vec![(a.id.clone(), grant.to_json().into_bytes())],
            }])
            .await
            .unwrap();
        }
    }
}

async fn the_roster_says_who_holds_what_and_who_cannot_sign_in(b: Backend) {
    let r = rig(b).await;
    let seed = SeedStore::new(r.ks.clone());
    let ops = Operators::new(r.ks.clone());
    let [officer, auditor, custodian, admin] = DEMO_OPERATORS;
    let (o, a, c, d) = (
        id_of(&r, officer.email).await,
        id_of(&r, auditor.email).await,
        id_of(&r, custodian.email).await,
        id_of(&r, admin.email).await,
    );
    let boss = signed(d.clone(), ConsoleRole::ConsoleAdmin);
    signin::grant_role(
        &r.audit,
        &boss,
        &seed,
        &ops,
        officer.email,
        ConsoleRole::KeyCustodian,
    )
    .await
    .unwrap();
    r.ks.apply(&[
        Write::HSet {
            key: keys::user(&a),
            fields: vec![("is_active".into(), b"False".to_vec())],
        },
        Write::Del {
            keys: vec![keys::mfa(&c)],
        },
        Write::Set {
            key: keys::account_lock(&d),
            value: b"2099-01-01T00:00:00".to_vec(),
            ttl_secs: Some(900),
        },
        Write::HSet {
            key: OPERATORS_KEY.into(),
            fields: vec![
                ("user_zz_gone".into(), b"{\"role\":\"auditor\",\"granted_by\":\"local:root\",\"granted_at\":\"2026-01-01T00:00:00\"}".to_vec()),
                ("user_zz_broken".into(), b"not json".to_vec()),
            ],
        },
    ])
    .await
    .unwrap();
    let reader = signed(a.clone(), ConsoleRole::Auditor);
    let roster = rampart_core::operators::roster(&reader, &seed, &ops)
        .await
        .unwrap();
    use rampart_core::operators::SignInBlocker;
    let by_id = |id: &str| {
        roster
            .operators
            .iter()
            .find(|e| e.user_id == id)
            .unwrap_or_else(|| panic!("{id} listed"))
            .clone()
    };
    assert_eq!(roster.operators.len(), 6, "every grant, readable or not");
    assert_eq!(roster.console_admins, 1);
    assert_eq!(roster.viewer_role, ConsoleRole::Auditor);
    let e = by_id(&o);
    assert_eq!(
        (
            e.email.as_deref(),
            e.role,
            e.granted_by.as_deref(),
            e.granted_by_email.as_deref()
        ),
        (
            Some(officer.email),
            Some(ConsoleRole::KeyCustodian),
            Some(d.as_str()),
            Some(admin.email)
        ),
        "the grant record, its granter resolved to an e-mail"
    );
    assert!(e.blockers.is_empty(), "{:?}", e.blockers);
    assert_eq!(by_id(&a).blockers, vec![SignInBlocker::Deactivated]);
    assert_eq!(by_id(&c).blockers, vec![SignInBlocker::NoMfa]);
    let locked = by_id(&d);
    assert_eq!(locked.blockers, vec![SignInBlocker::Locked]);
    assert_eq!(locked.locked_until.as_deref(), Some("2099-01-01T00:00:00"));
    let gone = by_id("user_zz_gone");
    assert_eq!(
        (gone.email, gone.blockers),
        (None, vec![SignInBlocker::NoUser])
    );
    let broken = by_id("user_zz_broken");
    assert_eq!(broken.role, None);
    assert!(
        broken.blockers.contains(&SignInBlocker::GrantUnreadable)
            && broken
                .grant_error
                .as_deref()
                .is_some_and(|m| m.contains("line 1 column")),
        "an unreadable grant is listed with its reason: {broken:?}"
    );
    assert!(
        roster.operators.last().unwrap().email.is_none(),
        "entries without an e-mail sort last"
    );

    // The user detail names the console role, so officers see why credentials are refused.
    let detail =
        rampart_core::users::user_detail(&seed, None, &SystemClock, &reader, officer.email)
            .await
            .unwrap();
    assert_eq!(detail.console_role, Some(ConsoleRole::KeyCustodian));
    signin::revoke_role(&r.audit, &boss, &seed, &ops, officer.email)
        .await
        .unwrap();
    let detail =
        rampart_core::users::user_detail(&seed, None, &SystemClock, &reader, officer.email)
            .await
            .unwrap();
    assert_eq!(detail.console_role, None, "no role, no badge");
}

macro_rules! contract {
    ($($case:ident),* $(,)?) => {
        mod redis_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::Backend::redis().await).await
                }
            )*
        }
        mod embedded_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $case() {
                    super::$case(super::Backend::embedded().await).await
                }
            )*
        }
    };
}

contract!(
    each_demo_operator_signs_in_with_its_console_role,
    wrong_password_code_drift_and_replay_are_refused_and_audited,
    five_failures_throttle_the_account,
    no_mfa_no_role_deactivated_or_locked_accounts_cannot_enter,
    roles_are_granted_only_by_console_admins_and_bootstrap_only_once,
    bootstrap_makes_the_first_console_admin_of_an_empty_registry,
    the_last_console_admin_stays_however_it_is_removed,
    two_admins_revoking_each_other_at_once_leave_one,
    the_roster_says_who_holds_what_and_who_cannot_sign_in,
);
