//! Account lifecycle on every key-space backend: users are written exactly as `_save_user`
//! writes them, e-mails stay unique, role changes rewrite permissions, promotions to admin need
//! a second console admin, resets clear locks, and bulk batches resume without redoing items.
//! Every mutation is audited, refusals included.

use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDateTime};
use rampart_core::accounts::{Accounts, NewUser, PasswordChoice, RoleOutcome};
use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::ports::{Clock, KeySpace, StoreError, Ttl, Write};
use rampart_core::users::{LastLoginFilter, UserIndex, UserQuery};
use rampart_core::CoreError;
use rampart_domain::approval::ApprovalStatus;
use rampart_domain::batch::{
    batch_key, run_lease_key, BatchAction, BatchPlan, ItemKind, ItemStatus, RunLease,
    FINISHED_BATCH_TTL_SECS, RUN_LEASE_TTL_SECS,
};
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::keys;
use rampart_domain::password::verify_password;
use rampart_domain::token::RefreshRecord;
use rampart_domain::trail::{Outcome, TrailEntry};
use rampart_domain::user::{new_user_fields, Role};
use rand::SeedableRng;
use secrecy::{ExposeSecret, SecretString};

use crate::keyspace::Backend;

const GOOD_PW: &str = "Vaulted-Orchid-2026";

/// A clock the tests move (approval expiry).
struct MovableClock(Mutex<NaiveDateTime>);

impl Clock for MovableClock {
    fn now(&self) -> NaiveDateTime {
        *self.0.lock().unwrap()
    }
}

struct Rig {
    b: Backend,
    ks: Arc<dyn KeySpace>,
    clock: Arc<MovableClock>,
    audit: AuditWriter,
    acc: Accounts,
}

fn op(id: &str, role: ConsoleRole) -> Operator {
    Operator {
        id: id.into(),
        role,
        authenticated_by: "sign_in".into(),
    }
}

fn officer() -> Operator {
    op("user_officer", ConsoleRole::SecurityOfficer)
}
fn admin1() -> Operator {
    op("user_admin1", ConsoleRole::ConsoleAdmin)
}
fn admin2() -> Operator {
    op("user_admin2", ConsoleRole::ConsoleAdmin)
}
fn auditor() -> Operator {
    op("user_auditor", ConsoleRole::Auditor)
}

fn rig(b: Backend) -> Rig {
    let ks = b.ks.clone();
    let clock = Arc::new(MovableClock(Mutex::new(chrono::Utc::now().naive_utc())));
    let audit = AuditWriter::new(
        Some(ks.clone()),
        None,
        Trail::new(ks.clone()),
        clock.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(1)),
    );
    // Cost 4 keeps the suite fast; `create_writes_the_seed_fields...` checks cost 12.
    let acc = Accounts::new(ks.clone(), Box::new(rand::rngs::StdRng::seed_from_u64(2)))
        .with_bcrypt_cost(4);
    Rig {
        b,
        ks,
        clock,
        audit,
        acc,
    }
}

fn new_user(email: &str, role: Role, pw: &str) -> NewUser {
    NewUser {
        email: email.into(),
        username: "김민준".into(),
        role,
        password: PasswordChoice::Given(SecretString::from(pw.to_string())),
    }
}

/// A user written directly (no bcrypt), as the seed would.
async fn seed_user(r: &Rig, id: &str, role: Role, at: NaiveDateTime) {
    r.ks.apply(&[
        Write::HSet {
            key: keys::user(id),
            fields: new_user_fields(&format!("{id}@example.com"), id, role, &at),
        },
        Write::Set {
            key: keys::user_email(&format!("{id}@example.com")),
            value: id.as_bytes().to_vec(),
            ttl_secs: None,
        },
    ])
    .await
    .unwrap();
}

async fn field(r: &Rig, id: &str, f: &str) -> Option<String> {
    r.ks.hget(&keys::user(id), f)
        .await
        .unwrap()
        .map(|v| String::from_utf8(v).unwrap())
}

async fn last_trail(r: &Rig) -> TrailEntry {
    Trail::new(r.ks.clone()).recent(0, 1).await.unwrap()[0]
        .clone()
        .unwrap()
}

async fn create_writes_the_seed_fields_and_refuses_a_duplicate_email(b: Backend) {
    let mut r = rig(b);
    r.acc = Accounts::new(r.ks.clone(), Box::new(rand::rngs::StdRng::seed_from_u64(3)));
    let email = "Kim.MinJun@예시.한국";
    let c = r
        .acc
        .create_user(
            &r.audit,
            &officer(),
            new_user(email, Role::PremiumUser, GOOD_PW),
        )
        .await
        .unwrap();
    assert!(
        rampart_domain::ids::is_canonical_user_id(&c.user_id),
        "user_ + token_urlsafe(16): {}",
        c.user_id
    );
    let h = r.ks.hgetall(&keys::user(&c.user_id)).await.unwrap();
    let mut names: Vec<String> = h
        .iter()
        .map(|(k, _)| String::from_utf8(k.clone()).unwrap())
        .collect();
    let mut want = [
        "email",
        "username",
        "role",
        "permissions",
        "is_active",
        "mfa_enabled",
        "created_at",
    ];
    if r.b.name != "redis" {
        // Only Redis keeps a small hash in insertion order; the embedded file sorts fields.
        names.sort();
        want.sort();
    }
    assert_eq!(
        names, want,
        "[{}] _save_user's fields (in its order on Redis)",
        r.b.name
    );
    assert_eq!(
        field(&r, &c.user_id, "email").await.unwrap(),
        email,
        "no normalisation"
    );
    assert_eq!(
        field(&r, &c.user_id, "permissions").await.unwrap(),
        "read_stock_data,read_sentiment_data,access_analytics,export_data"
    );
    assert_eq!(field(&r, &c.user_id, "is_active").await.unwrap(), "True");
    assert_eq!(field(&r, &c.user_id, "mfa_enabled").await.unwrap(), "False");
    let idx = r.ks.get(&keys::user_email(email)).await.unwrap().unwrap();
    assert_eq!(idx, c.user_id.as_bytes(), "user_email points at the new id");
    let hash = String::from_utf8(
        r.ks.get(&keys::user_password(&c.user_id))
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert!(hash.starts_with("$2b$12$") && hash.len() == 60, "{hash}");
    assert_eq!(
        verify_password(&SecretString::from(GOOD_PW.to_string()), &hash),
        Ok(true)
    );

    let dup = r
        .acc
        .create_user(&r.audit, &officer(), new_user(email, Role::Guest, GOOD_PW))
        .await
        .unwrap_err();
    assert!(
        matches!(dup, CoreError::Conflict(ref m) if m.contains("already registered")),
        "duplicate e-mail: {dup}"
    );
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("user.create", Outcome::Failure),
        "the refused duplicate is audited"
    );
    let other_case = r
        .acc
        .create_user(
            &r.audit,
            &officer(),
            new_user("kim.minjun@예시.한국", Role::Guest, GOOD_PW),
        )
        .await;
    assert!(
        other_case.is_ok(),
        "e-mails are exact strings, as the service keys them (§1.3)"
    );

    for (new, why) in [
        (
            new_user("a@b.c", Role::Admin, GOOD_PW),
            "admin needs four-eyes",
        ),
        (
            new_user("a@b.c", Role::Guest, "password1234"),
            "common password",
        ),
        (new_user("a@b.c", Role::Guest, &"한".repeat(25)), "75 bytes"),
        (new_user("not-an-email", Role::Guest, GOOD_PW), "no @"),
    ] {
        let e = r
            .acc
            .create_user(&r.audit, &officer(), new)
            .await
            .unwrap_err();
        assert!(matches!(e, CoreError::Validation(_)), "{why}: {e}");
    }
}

async fn concurrent_creates_of_one_email_make_one_user(b: Backend) {
    let r = rig(b);
    let email = "race@example.com";
    let officer = officer();
    let (a, bb) = tokio::join!(
        r.acc
            .create_user(&r.audit, &officer, new_user(email, Role::Guest, GOOD_PW)),
        r.acc
            .create_user(&r.audit, &officer, new_user(email, Role::Guest, GOOD_PW)),
    );
    assert_eq!(
        [a.is_ok(), bb.is_ok()].iter().filter(|x| **x).count(),
        1,
        "exactly one registration wins: {:?} / {:?}",
        a.as_ref().err(),
        bb.as_ref().err()
    );
    let users = r.acc.seed().list_users().await.unwrap();
    assert_eq!(users.users.len(), 1, "one user:* hash for the e-mail");
}

async fn deactivate_and_reactivate_need_a_reason_and_write_str_bool(b: Backend) {
    let r = rig(b);
    let now = r.clock.now();
    seed_user(&r, "user_d", Role::BasicUser, now).await;
    let e = r
        .acc
        .set_active(&r.audit, &officer(), "user_d", false, "  ")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Validation(_)), "reason is mandatory");
    assert_eq!(field(&r, "user_d", "is_active").await.unwrap(), "True");

    let c = r
        .acc
        .set_active(
            &r.audit,
            &officer(),
            "user_d@example.com",
            false,
            "left the company",
        )
        .await
        .unwrap();
    assert!(c.changed && c.before && !c.after, "resolved by e-mail");
    assert_eq!(field(&r, "user_d", "is_active").await.unwrap(), "False");
    let again = r
        .acc
        .set_active(&r.audit, &officer(), "user_d", false, "again")
        .await
        .unwrap();
    assert!(!again.changed, "already inactive: nothing written");
    r.acc
        .set_active(&r.audit, &officer(), "user_d", true, "came back")
        .await
        .unwrap();
    assert_eq!(field(&r, "user_d", "is_active").await.unwrap(), "True");
    let t = last_trail(&r).await;
    assert_eq!(t.action, "user.reactivate");
    assert_eq!(t.details["reason"], "came back");
    let missing = r
        .acc
        .set_active(&r.audit, &officer(), "user_nobody", false, "x")
        .await
        .unwrap_err();
    assert!(matches!(missing, CoreError::NotFound(_)), "{missing}");
}

async fn role_change_rewrites_permissions_and_keeps_other_fields(b: Backend) {
    let r = rig(b);
    seed_user(&r, "user_r", Role::Guest, r.clock.now()).await;
    r.ks.apply(&[Write::HSet {
        key: keys::user("user_r"),
        fields: vec![("last_login".into(), b"2026-11-20T01:02:03.456789".to_vec())],
    }])
    .await
    .unwrap();
    let out = r
        .acc
        .change_role(
            &r.audit,
            &officer(),
            "user_r",
            Role::PremiumUser,
            Some("paid"),
        )
        .await
        .unwrap();
    assert!(matches!(
        out,
        RoleOutcome::Changed {
            before: Role::Guest,
            after: Role::PremiumUser,
            ..
        }
    ));
    assert_eq!(field(&r, "user_r", "role").await.unwrap(), "premium_user");
    assert_eq!(
        field(&r, "user_r", "permissions").await.unwrap(),
        "read_stock_data,read_sentiment_data,access_analytics,export_data",
        "table order (§1.7)"
    );
    assert_eq!(
        field(&r, "user_r", "last_login").await.unwrap(),
        "2026-11-20T01:02:03.456789",
        "only role and permissions are written"
    );
    // Demotion from admin needs no approval.
    seed_user(&r, "user_adm", Role::Admin, r.clock.now()).await;
    let out = r
        .acc
        .change_role(&r.audit, &officer(), "user_adm", Role::Guest, None)
        .await
        .unwrap();
    assert!(matches!(out, RoleOutcome::Changed { .. }));
    assert_eq!(
        field(&r, "user_adm", "permissions").await.unwrap(),
        "read_stock_data"
    );
}

async fn promotion_to_admin_needs_a_second_console_admin(b: Backend) {
    let r = rig(b);
    seed_user(&r, "user_p", Role::BasicUser, r.clock.now()).await;
    let out = r
        .acc
        .change_role(
            &r.audit,
            &admin1(),
            "user_p",
            Role::Admin,
            Some("new on-call lead"),
        )
        .await
        .unwrap();
    let RoleOutcome::ApprovalRequested { request } = out else {
        panic!("a promotion files a request: {out:?}")
    };
    assert_eq!(
        field(&r, "user_p", "role").await.unwrap(),
        "basic_user",
        "not applied yet"
    );
    assert_eq!(request.requested_by, "user_admin1");

    // The same request again returns the pending one instead of a second request.
    let again = r
        .acc
        .change_role(&r.audit, &officer(), "user_p", Role::Admin, None)
        .await
        .unwrap();
    assert!(
        matches!(again, RoleOutcome::ApprovalRequested { request: ref q } if q.id == request.id)
    );

    let e = r
        .acc
        .approve(&r.audit, &admin1(), &request.id)
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Forbidden(ref m) if m.contains("second console admin")),
        "self-approval: {e}"
    );
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("user.role.approve_admin", Outcome::Refused),
        "the refused self-approval is audited"
    );
    let e = r
        .acc
        .approve(&r.audit, &officer(), &request.id)
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Forbidden(_)),
        "officers cannot approve: {e}"
    );

    let done = r
        .acc
        .approve(&r.audit, &admin2(), &request.id)
        .await
        .unwrap();
    assert_eq!(done.status, ApprovalStatus::Approved);
    assert_eq!(done.decided_by.as_deref(), Some("user_admin2"));
    assert_eq!(field(&r, "user_p", "role").await.unwrap(), "admin");
    assert_eq!(
        field(&r, "user_p", "permissions").await.unwrap(),
        "read_stock_data,write_stock_data,read_sentiment_data,manage_users,access_analytics,export_data"
    );
    let e = r
        .acc
        .approve(&r.audit, &admin2(), &request.id)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Conflict(_)), "decided once: {e}");

    // Refusal, with a reason.
    seed_user(&r, "user_q", Role::Guest, r.clock.now()).await;
    let RoleOutcome::ApprovalRequested { request: q } = r
        .acc
        .change_role(&r.audit, &officer(), "user_q", Role::Admin, None)
        .await
        .unwrap()
    else {
        panic!("request expected")
    };
    let e = r
        .acc
        .refuse(&r.audit, &admin2(), &q.id, "")
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Validation(_)),
        "refusal needs a reason"
    );
    let refused = r
        .acc
        .refuse(&r.audit, &admin2(), &q.id, "not needed")
        .await
        .unwrap();
    assert_eq!(refused.status, ApprovalStatus::Refused);
    assert_eq!(field(&r, "user_q", "role").await.unwrap(), "guest");
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("user.role.refuse_admin", Outcome::Success)
    );

    // Expiry after 72 h.
    let RoleOutcome::ApprovalRequested { request: x } = r
        .acc
        .change_role(&r.audit, &officer(), "user_q", Role::Admin, None)
        .await
        .unwrap()
    else {
        panic!("request expected")
    };
    *r.clock.0.lock().unwrap() += Duration::hours(73);
    let (pending, _) = r.acc.list_approvals(&r.clock.now(), true).await.unwrap();
    assert!(
        pending.iter().all(|v| v.request.id != x.id),
        "expired requests are not pending"
    );
    let e = r.acc.approve(&r.audit, &admin2(), &x.id).await.unwrap_err();
    assert!(
        matches!(e, CoreError::Conflict(ref m) if m.contains("expired")),
        "{e}"
    );
    assert_eq!(field(&r, "user_q", "role").await.unwrap(), "guest");

    // Approval re-checks the role the request saw.
    seed_user(&r, "user_s", Role::Guest, r.clock.now()).await;
    let RoleOutcome::ApprovalRequested { request: s } = r
        .acc
        .change_role(&r.audit, &officer(), "user_s", Role::Admin, None)
        .await
        .unwrap()
    else {
        panic!("request expected")
    };
    r.acc
        .change_role(&r.audit, &officer(), "user_s", Role::PremiumUser, None)
        .await
        .unwrap();
    let e = r.acc.approve(&r.audit, &admin2(), &s.id).await.unwrap_err();
    assert!(
        matches!(e, CoreError::Conflict(ref m) if m.contains("role changed")),
        "{e}"
    );
    assert_eq!(field(&r, "user_s", "role").await.unwrap(), "premium_user");
}

async fn password_reset_clears_the_lock_and_never_audits_the_password(b: Backend) {
    let r = rig(b);
    seed_user(&r, "user_l", Role::Guest, r.clock.now()).await;
    r.ks.apply(&[Write::Set {
        key: keys::account_lock("user_l"),
        value: b"2026-11-24T12:00:00".to_vec(),
        ttl_secs: Some(900),
    }])
    .await
    .unwrap();
    let pw = "Lantern-Meadow-77";
    let reset = r
        .acc
        .reset_password(
            &r.audit,
            &officer(),
            "user_l",
            PasswordChoice::Given(SecretString::from(pw.to_string())),
        )
        .await
        .unwrap();
    assert!(reset.lock_cleared && reset.generated_password.is_none());
    assert_eq!(r.ks.get(&keys::account_lock("user_l")).await.unwrap(), None);
    let hash =
        r.ks.get(&keys::user_password("user_l"))
            .await
            .unwrap()
            .unwrap();
    let hash = String::from_utf8(hash).unwrap();
    assert_eq!(
        verify_password(&SecretString::from(pw.to_string()), &hash),
        Ok(true)
    );
    let t = last_trail(&r).await;
    assert_eq!(t.action, "user.password.reset");
    let text = serde_json::to_string(&t).unwrap();
    assert!(
        !text.contains(pw) && !text.contains(&hash),
        "no password in the trail"
    );

    let gen = r
        .acc
        .reset_password(&r.audit, &officer(), "user_l", PasswordChoice::Generate)
        .await
        .unwrap();
    let shown = gen
        .generated_password
        .clone()
        .expect("a generated password is shown once");
    assert!(!gen.lock_cleared, "no lock this time");
    let hash = String::from_utf8(
        r.ks.get(&keys::user_password("user_l"))
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(verify_password(&shown, &hash), Ok(true));
    assert!(
        !format!("{gen:?}").contains(shown.expose_secret()),
        "Debug redacts it"
    );
    let e = r
        .acc
        .reset_password(
            &r.audit,
            &officer(),
            "user_l",
            PasswordChoice::Given(SecretString::from("short".to_string())),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Validation(_)),
        "policy applies to resets: {e}"
    );
}

async fn auditors_are_forbidden_and_the_refusal_is_audited(b: Backend) {
    let r = rig(b);
    seed_user(&r, "user_a", Role::Guest, r.clock.now()).await;
    let e = r
        .acc
        .set_active(&r.audit, &auditor(), "user_a", false, "try")
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "{e}");
    let t = last_trail(&r).await;
    assert_eq!(
        (t.actor.as_str(), t.outcome),
        ("user_auditor", Outcome::Refused)
    );
    assert_eq!(field(&r, "user_a", "is_active").await.unwrap(), "True");
    let e = r
        .acc
        .create_user(
            &r.audit,
            &auditor(),
            new_user("x@y.z", Role::Guest, GOOD_PW),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "{e}");
}

async fn read_only_profiles_refuse_and_audit(b: Backend) {
    let r = rig(b);
    seed_user(&r, "user_ro", Role::Guest, r.clock.now()).await;
    // As connect does for a read-only profile: no service-side events, the trail elsewhere.
    let audit = AuditWriter::new(
        None,
        None,
        Trail::new(r.ks.clone()),
        r.clock.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(5)),
    );
    let acc = Accounts::new(
        r.b.read_only.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(6)),
    );
    let e = acc
        .set_active(&audit, &officer(), "user_ro", false, "ro")
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Store(StoreError::ReadOnly { .. })),
        "{e}"
    );
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("user.deactivate", Outcome::Refused)
    );
    assert_eq!(field(&r, "user_ro", "is_active").await.unwrap(), "True");
}

async fn bulk_dry_run_equals_execution(b: Backend) {
    let r = rig(b);
    let now = r.clock.now();
    for (id, role) in [
        ("user_b1", Role::Guest),
        ("user_b2", Role::BasicUser),
        ("user_b3", Role::PremiumUser),
        ("user_b4", Role::Admin),
    ] {
        seed_user(&r, id, role, now).await;
    }
    r.ks.apply(&[Write::HSet {
        key: keys::user("user_b2"),
        fields: vec![("is_active".into(), b"False".to_vec())],
    }])
    .await
    .unwrap();
    let ids: Vec<String> = [
        "user_b1",
        "user_b2",
        "user_b3",
        "user_b4",
        "user_gone",
        "user_b1",
    ]
    .map(String::from)
    .to_vec();
    for action in [
        BatchAction::Deactivate {
            reason: "audit finding 42".into(),
        },
        BatchAction::ChangeRole {
            role: Role::Admin,
            reason: None,
        },
        BatchAction::ChangeRole {
            role: Role::BasicUser,
            reason: None,
        },
    ] {
        let plan = r
            .acc
            .plan_batch(&officer(), action.clone(), &ids, &now)
            .await
            .unwrap();
        assert_eq!(plan.items.len(), 5, "duplicates dropped");
        r.acc
            .start_batch(&r.audit, &officer(), &plan)
            .await
            .unwrap();
        let report = r
            .acc
            .run_batch(&r.audit, &officer(), &plan.id, None, &|_, _| {})
            .await
            .unwrap();
        assert!(report.finished);
        for (p, x) in plan.items.iter().zip(&report.results) {
            assert_eq!(
                (p.kind, &p.before, &p.after),
                (x.kind, &x.before, &x.after),
                "[{}] {} on {}: the dry run said exactly what happened",
                r.b.name,
                action.name(),
                p.user_id
            );
        }
    }
    assert_eq!(field(&r, "user_b1", "is_active").await.unwrap(), "False");
    assert_eq!(
        field(&r, "user_b4", "role").await.unwrap(),
        "basic_user",
        "demoted by the last batch"
    );
    let (reqs, _) = r.acc.list_approvals(&now, true).await.unwrap();
    assert_eq!(
        reqs.len(),
        3,
        "guest, basic and premium users got promotion requests"
    );
    assert!(reqs.iter().all(|v| v.request.batch_id.is_some()));
}

/// `n` guest users `user_{prefix}0..` and a stored (not yet run) officer's batch deactivating
/// them.
async fn stored_deactivation(r: &Rig, prefix: &str, n: usize) -> (Vec<String>, BatchPlan) {
    let now = r.clock.now();
    let ids: Vec<String> = (0..n).map(|i| format!("user_{prefix}{i}")).collect();
    for id in &ids {
        seed_user(r, id, Role::Guest, now).await;
    }
    let action = BatchAction::Deactivate {
        reason: "dormant".into(),
    };
    let plan = r
        .acc
        .plan_batch(&officer(), action, &ids, &now)
        .await
        .unwrap();
    r.acc
        .start_batch(&r.audit, &officer(), &plan)
        .await
        .unwrap();
    (ids, plan)
}

async fn an_interrupted_batch_resumes_without_redoing_items(b: Backend) {
    let r = rig(b);
    let (ids, plan) = stored_deactivation(&r, "i", 6).await;
    // Item 3's record turns into a string the service cannot read as a user: it fails, the
    // others go on.
    r.ks.apply(&[
        Write::Del {
            keys: vec![keys::user("user_i3")],
        },
        Write::Set {
            key: keys::user("user_i3"),
            value: b"garbage".to_vec(),
            ttl_secs: None,
        },
    ])
    .await
    .unwrap();
    let first = r
        .acc
        .run_batch(&r.audit, &officer(), &plan.id, Some(2), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (first.ran_now, first.finished, first.counts.pending),
        (2, false, 4)
    );
    assert_eq!(
        r.ks.ttl(&batch_key(&plan.id)).await.unwrap(),
        Ttl::Persistent,
        "[{}] an unfinished batch keeps no TTL: it must stay resumable",
        r.b.name
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    // 25 s pass per item, so the run renews its lease between items (every 20 s) and keeps it.
    let clock = r.clock.clone();
    let rest = r
        .acc
        .run_batch(&r.audit, &officer(), &plan.id, None, &move |done, total| {
            s2.lock().unwrap().push((done, total));
            *clock.0.lock().unwrap() += Duration::seconds(25);
        })
        .await
        .unwrap();
    assert_eq!(rest.ran_now, 4, "only the remaining items run");
    assert!(rest.finished);
    assert_eq!(*seen.lock().unwrap(), vec![(3, 6), (4, 6), (5, 6), (6, 6)]);
    assert_eq!(rest.counts.done, 5);
    assert_eq!(rest.counts.failed, 1, "{:?}", rest.results[3]);
    assert_eq!(rest.results[3].status, ItemStatus::Failed);
    for id in ids.iter().filter(|i| *i != "user_i3") {
        assert_eq!(field(&r, id, "is_active").await.unwrap(), "False");
        assert_eq!(
            r.ks.llen(&keys::user_events(id)).await.unwrap(),
            1,
            "{id} was acted on and audited exactly once"
        );
    }
    let third = r
        .acc
        .run_batch(&r.audit, &officer(), &plan.id, None, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(third.ran_now, 0, "a finished batch runs nothing again");
    let view = r.acc.show_batch(&plan.id).await.unwrap();
    assert!(view.finished_at.is_some() && view.results.len() == 6);
    match r.ks.ttl(&batch_key(&plan.id)).await.unwrap() {
        Ttl::Millis(ms) => {
            let secs = ms.div_ceil(1000);
            assert!(
                secs <= FINISHED_BATCH_TTL_SECS && secs > FINISHED_BATCH_TTL_SECS - 120,
                "[{}] a finished batch is kept 30 days, then dropped: TTL {secs} s",
                r.b.name
            );
        }
        other => panic!("[{}] a finished batch must expire: {other:?}", r.b.name),
    }
    // A later run of the finished batch neither moves its finish time nor its retention.
    *r.clock.0.lock().unwrap() += Duration::hours(1);
    r.acc
        .run_batch(&r.audit, &officer(), &plan.id, None, &|_, _| {})
        .await
        .unwrap();
    let again = r.acc.show_batch(&plan.id).await.unwrap();
    assert_eq!(again.finished_at, view.finished_at);
}

/// Two runs of one stored batch at once (two consoles, or a console and a script): the lease
/// lets one run and refuses the other by name, so no item is executed or audited twice; a lease
/// left by a run that died is honoured until it lapses, and a finished run leaves none.
async fn one_batch_runs_in_one_place_at_a_time(b: Backend) {
    let r = rig(b);
    let (ids, plan) = stored_deactivation(&r, "l", 8).await;

    // A lease held elsewhere (written as another console's run writes it).
    let other = RunLease {
        token: "someone-elses-run".into(),
        operator: "user_other_officer".into(),
        since: "2026-11-24T01:02:03".into(),
    };
    r.ks.apply(&[Write::Set {
        key: run_lease_key(&plan.id),
        value: other.to_value(),
        ttl_secs: Some(RUN_LEASE_TTL_SECS),
    }])
    .await
    .unwrap();
    let refused = r
        .acc
        .run_batch(&r.audit, &officer(), &plan.id, None, &|_, _| {})
        .await
        .unwrap_err();
    let msg = refused.to_string();
    assert!(
        matches!(refused, CoreError::Conflict(_))
            && msg.contains("user_other_officer")
            && msg.contains("2026-11-24T01:02:03"),
        "[{}] the refusal names who runs the batch: {msg}",
        r.b.name
    );
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("batch.run", Outcome::Failure),
        "[{}] the refused run is audited",
        r.b.name
    );
    assert_eq!(
        r.ks.get(&run_lease_key(&plan.id)).await.unwrap(),
        Some(other.to_value()),
        "[{}] a refused run leaves the holder's lease alone",
        r.b.name
    );
    for id in &ids {
        assert_eq!(field(&r, id, "is_active").await.unwrap(), "True");
    }

    // The holder went away (its lease lapsed): two runs race; each item is done exactly once.
    r.ks.apply(&[Write::Del {
        keys: vec![run_lease_key(&plan.id)],
    }])
    .await
    .unwrap();
    let (first, second) = (officer(), admin1());
    let (a, b2) = tokio::join!(
        r.acc
            .run_batch(&r.audit, &first, &plan.id, None, &|_, _| {}),
        r.acc
            .run_batch(&r.audit, &second, &plan.id, None, &|_, _| {}),
    );
    let ran: usize = [&a, &b2]
        .iter()
        .filter_map(|x| x.as_ref().ok())
        .map(|rep| rep.ran_now)
        .sum();
    assert_eq!(
        ran,
        ids.len(),
        "[{}] between them the two runs executed each item once: {:?} / {:?}",
        r.b.name,
        a.as_ref().map(|x| x.ran_now),
        b2.as_ref().map(|x| x.ran_now)
    );
    for x in [&a, &b2] {
        if let Err(e) = x {
            assert!(matches!(e, CoreError::Conflict(_)), "{e}");
        }
    }
    for id in &ids {
        assert_eq!(field(&r, id, "is_active").await.unwrap(), "False");
        assert_eq!(
            r.ks.llen(&keys::user_events(id)).await.unwrap(),
            1,
            "[{}] {id} was acted on and audited exactly once",
            r.b.name
        );
    }
    assert_eq!(
        r.ks.get(&run_lease_key(&plan.id)).await.unwrap(),
        None,
        "[{}] a run that ended leaves no lease",
        r.b.name
    );
    let view = r.acc.show_batch(&plan.id).await.unwrap();
    assert!(view.finished_at.is_some());
    // And a refused run is not listed as a stored batch (the lease key is not a batch key).
    assert!(r.acc.unfinished_batches().await.unwrap().is_empty());
}

async fn a_bulk_promotion_to_admin_files_requests_and_promotes_nobody(b: Backend) {
    let r = rig(b);
    let now = r.clock.now();
    seed_user(&r, "user_p1", Role::PremiumUser, now).await;
    seed_user(&r, "user_p2", Role::Guest, now).await;
    seed_user(&r, "user_p3", Role::Admin, now).await;
    let ids: Vec<String> = ["user_p1", "user_p2", "user_p3"].map(String::from).to_vec();
    let plan = r
        .acc
        .plan_batch(
            &officer(),
            BatchAction::ChangeRole {
                role: Role::Admin,
                reason: Some("on-call rotation".into()),
            },
            &ids,
            &now,
        )
        .await
        .unwrap();
    let kinds: Vec<ItemKind> = plan.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            ItemKind::ApprovalRequest,
            ItemKind::ApprovalRequest,
            ItemKind::NoChange
        ],
        "the dry run says promotions become requests"
    );
    r.acc
        .start_batch(&r.audit, &officer(), &plan)
        .await
        .unwrap();
    let report = r
        .acc
        .run_batch(&r.audit, &officer(), &plan.id, None, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (
            report.counts.approval_requested,
            report.counts.unchanged,
            report.counts.done
        ),
        (2, 1, 0),
        "[{}] nobody is promoted by the batch itself",
        r.b.name
    );
    assert_eq!(field(&r, "user_p1", "role").await.unwrap(), "premium_user");
    assert_eq!(field(&r, "user_p2", "role").await.unwrap(), "guest");
    assert_eq!(
        field(&r, "user_p2", "permissions").await.unwrap(),
        "read_stock_data",
        "permissions untouched too"
    );
    let (reqs, _) = r.acc.list_approvals(&now, true).await.unwrap();
    let mine: Vec<_> = reqs
        .iter()
        .filter(|v| v.request.batch_id.as_deref() == Some(plan.id.as_str()))
        .collect();
    assert_eq!(mine.len(), 2, "one request per promoted user");
    // The four-eyes path is the only way up: the requester cannot approve, a second admin can.
    let req = report.results[0].approval_id.clone().unwrap();
    let e = r.acc.approve(&r.audit, &officer(), &req).await.unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "{e}");
    r.acc.approve(&r.audit, &admin2(), &req).await.unwrap();
    assert_eq!(field(&r, "user_p1", "role").await.unwrap(), "admin");
}

async fn batches_are_refused_to_auditors_and_read_only_profiles(b: Backend) {
    let r = rig(b);
    let now = r.clock.now();
    seed_user(&r, "user_z", Role::Guest, now).await;
    let ids = vec!["user_z".to_string()];
    let action = BatchAction::Deactivate {
        reason: "incident".into(),
    };
    let e = r
        .acc
        .plan_batch(&auditor(), action.clone(), &ids, &now)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "dry run: {e}");
    let plan = r
        .acc
        .plan_batch(&officer(), action, &ids, &now)
        .await
        .unwrap();
    let e = r
        .acc
        .start_batch(&r.audit, &auditor(), &plan)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "start: {e}");
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.actor.as_str(), t.outcome),
        ("batch.start", "user_auditor", Outcome::Refused)
    );
    r.acc
        .start_batch(&r.audit, &officer(), &plan)
        .await
        .unwrap();
    let e = r
        .acc
        .run_batch(&r.audit, &auditor(), &plan.id, None, &|_, _| {})
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "run: {e}");
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("batch.run", Outcome::Refused)
    );
    assert_eq!(field(&r, "user_z", "is_active").await.unwrap(), "True");
    assert!(
        r.acc.show_batch(&plan.id).await.unwrap().results.is_empty(),
        "no item ran"
    );

    // A read-only profile: the stored batch cannot run; refused and audited, nothing written.
    let audit = AuditWriter::new(
        None,
        None,
        Trail::new(r.ks.clone()),
        r.clock.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(8)),
    );
    let ro = Accounts::new(
        r.b.read_only.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(9)),
    );
    let e = ro
        .run_batch(&audit, &officer(), &plan.id, None, &|_, _| {})
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Store(StoreError::ReadOnly { .. })),
        "{e}"
    );
    assert_eq!(field(&r, "user_z", "is_active").await.unwrap(), "True");
    let t = last_trail(&r).await;
    assert_eq!(t.outcome, Outcome::Refused);
}

async fn password_reset_ends_the_users_sessions_and_no_one_elses(b: Backend) {
    let r = rig(b);
    let now = r.clock.now();
    seed_user(&r, "user_r", Role::Guest, now).await;
    seed_user(&r, "user_other", Role::Guest, now).await;
    let mut w = Vec::new();
    for (tok, uid) in [
        ("rt_a", "user_r"),
        ("rt_b", "user_r"),
        ("rt_c", "user_other"),
    ] {
        let rec = RefreshRecord {
            user_id: uid.to_string(),
            token_id: tok.to_string(),
            exp: now + Duration::days(7),
            created_at: now,
        };
        w.push(Write::Set {
            key: keys::refresh_token(tok),
            value: rec.to_repr().into_bytes(),
            ttl_secs: Some(604_800),
        });
    }
    r.ks.apply(&w).await.unwrap();
    let reset = r
        .acc
        .reset_password(&r.audit, &officer(), "user_r", PasswordChoice::Generate)
        .await
        .unwrap();
    assert_eq!(reset.sessions_revoked, 2);
    for tok in ["rt_a", "rt_b"] {
        assert_eq!(
            r.ks.get(&keys::refresh_token(tok)).await.unwrap(),
            None,
            "[{}] {tok}: the old password's sessions end with the reset",
            r.b.name
        );
    }
    assert!(
        r.ks.get(&keys::refresh_token("rt_c"))
            .await
            .unwrap()
            .is_some(),
        "another user's session stays"
    );
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.details.get("sessions_revoked")),
        ("user.password.reset", Some(&serde_json::json!(2))),
        "the reset's audit entry says how many sessions ended"
    );
    let again = r
        .acc
        .reset_password(&r.audit, &officer(), "user_r", PasswordChoice::Generate)
        .await
        .unwrap();
    assert_eq!(again.sessions_revoked, 0);
}

async fn bulk_revoke_sessions_deletes_only_that_users_tokens(b: Backend) {
    let r = rig(b);
    let now = r.clock.now();
    seed_user(&r, "user_s1", Role::Guest, now).await;
    seed_user(&r, "user_s2", Role::Guest, now).await;
    let mut w = Vec::new();
    for (i, uid) in ["user_s1", "user_s1", "user_s2"].iter().enumerate() {
        let rec = RefreshRecord {
            user_id: uid.to_string(),
            token_id: format!("tok{i}"),
            exp: now + Duration::days(7),
            created_at: now,
        };
        w.push(Write::Set {
            key: keys::refresh_token(&rec.token_id),
            value: rec.to_repr().into_bytes(),
            ttl_secs: Some(604_800),
        });
    }
    r.ks.apply(&w).await.unwrap();
    let plan = r
        .acc
        .plan_batch(
            &officer(),
            BatchAction::RevokeSessions { reason: None },
            &["user_s1".to_string()],
            &now,
        )
        .await
        .unwrap();
    assert_eq!(
        (plan.items[0].kind, plan.items[0].before.as_deref()),
        (ItemKind::Change, Some("2"))
    );
    r.acc
        .start_batch(&r.audit, &officer(), &plan)
        .await
        .unwrap();
    r.acc
        .run_batch(&r.audit, &officer(), &plan.id, None, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(r.ks.get(&keys::refresh_token("tok0")).await.unwrap(), None);
    assert_eq!(r.ks.get(&keys::refresh_token("tok1")).await.unwrap(), None);
    assert!(
        r.ks.get(&keys::refresh_token("tok2"))
            .await
            .unwrap()
            .is_some(),
        "another user's session stays"
    );
}

async fn dormant_users_are_listed_by_last_login_else_created_at(b: Backend) {
    let r = rig(b);
    let now = r.clock.now();
    seed_user(&r, "user_old_login", Role::Guest, now - Duration::days(400)).await;
    r.ks.apply(&[Write::HSet {
        key: keys::user("user_old_login"),
        fields: vec![(
            "last_login".into(),
            rampart_domain::time::format_naive_iso(&(now - Duration::days(120))).into_bytes(),
        )],
    }])
    .await
    .unwrap();
    seed_user(
        &r,
        "user_recent_login",
        Role::Guest,
        now - Duration::days(400),
    )
    .await;
    r.ks.apply(&[Write::HSet {
        key: keys::user("user_recent_login"),
        fields: vec![(
            "last_login".into(),
            rampart_domain::time::format_naive_iso(&(now - Duration::days(3))).into_bytes(),
        )],
    }])
    .await
    .unwrap();
    seed_user(&r, "user_never_old", Role::Guest, now - Duration::days(95)).await;
    seed_user(&r, "user_never_new", Role::Guest, now - Duration::days(10)).await;
    let rep = r.acc.dormant(&now, 90).await.unwrap();
    let ids: Vec<(&str, &str)> = rep
        .users
        .iter()
        .map(|u| (u.user_id.as_str(), u.since))
        .collect();
    assert_eq!(
        ids,
        [
            ("user_old_login", "last_login"),
            ("user_never_old", "created_at")
        ],
        "longest idle first"
    );
    // The desktop's Dormant panel lists and counts with the users index's dormant filter: the
    // same users as the report (and so as the batch it plans), never-signed-in new accounts out.
    let index = UserIndex::new(r.ks.clone(), r.clock.clone());
    index.build().await.unwrap();
    let page = index
        .query(&UserQuery {
            last_login: Some(LastLoginFilter::Dormant { days: 90 }),
            unreadable: Some(false),
            limit: 100,
            ..UserQuery::default()
        })
        .unwrap();
    let mut listed: Vec<String> = page.rows.iter().map(|u| u.id().to_owned()).collect();
    listed.sort();
    let mut reported: Vec<String> = rep.users.iter().map(|u| u.user_id.clone()).collect();
    reported.sort();
    assert_eq!(
        listed, reported,
        "the index's dormant filter is the report's rule"
    );
    assert_eq!(page.total, rep.users.len() as u64, "and so is its count");
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
    create_writes_the_seed_fields_and_refuses_a_duplicate_email,
    concurrent_creates_of_one_email_make_one_user,
    deactivate_and_reactivate_need_a_reason_and_write_str_bool,
    role_change_rewrites_permissions_and_keeps_other_fields,
    promotion_to_admin_needs_a_second_console_admin,
    password_reset_clears_the_lock_and_never_audits_the_password,
    auditors_are_forbidden_and_the_refusal_is_audited,
    read_only_profiles_refuse_and_audit,
    bulk_dry_run_equals_execution,
    an_interrupted_batch_resumes_without_redoing_items,
    one_batch_runs_in_one_place_at_a_time,
    bulk_revoke_sessions_deletes_only_that_users_tokens,
    a_bulk_promotion_to_admin_files_requests_and_promotes_nobody,
    batches_are_refused_to_auditors_and_read_only_profiles,
    password_reset_ends_the_users_sessions_and_no_one_elses,
    dormant_users_are_listed_by_last_login_else_created_at,
);
