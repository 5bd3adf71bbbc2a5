//! Operator accounts on every key-space backend: an account that holds a console role keeps its
//! credentials (nobody resets its password or MFA until the role is revoked), only a console
//! admin changes its standing (status, role, sessions, lock; in a batch too, where an officer's
//! item for it is refused and the rest goes on), and the user a promotion request would promote
//! cannot decide it. Every refusal is audited as refused.

use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};
use rampart_core::access::Access;
use rampart_core::accounts::{Accounts, PasswordChoice, RoleOutcome};
use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::ports::{FixedClock, KeySpace, Write};
use rampart_core::seed::SeedStore;
use rampart_core::signin::{self, Operators};
use rampart_core::CoreError;
use rampart_domain::approval::ApprovalStatus;
use rampart_domain::batch::{batch_key, BatchAction, ItemKind, ItemStatus};
use rampart_domain::console::{ConsoleRole, Grant, Operator, OPERATORS_KEY};
use rampart_domain::keys;
use rampart_domain::token::RefreshRecord;
use rampart_domain::trail::{Outcome, TrailEntry};
use rampart_domain::user::{mfa_flag_after_change, new_user_fields, Role};
use rand::SeedableRng;
use secrecy::SecretString;

use crate::keyspace::Backend;

/// The operator accounts of these tests: a console admin and a key custodian. Operators act
/// under their own ids, which are accounts with grants too (as after a real sign-in).
const OP_ADMIN: &str = "user_opadmin";
const OP_CUSTODIAN: &str = "user_opcustodian";
const PLAIN: &str = "user_plain";
const PLAIN2: &str = "user_plain2";

const CREDENTIALS_REFUSAL: &str = "revoke the console role first (rampart operators revoke), then \
                                   change its credentials";
const STANDING_REFUSAL: &str = "only a console admin may change an operator's account";

struct Rig {
    b: Backend,
    ks: Arc<dyn KeySpace>,
    now: NaiveDateTime,
    audit: AuditWriter,
    acc: Accounts,
    access: Access,
    rng: rand::rngs::StdRng,
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

async fn rig(b: Backend) -> Rig {
    let ks = b.ks.clone();
    let now = Utc::now().naive_utc();
    let audit = AuditWriter::new(
        Some(ks.clone()),
        None,
        Trail::new(ks.clone()),
        Arc::new(FixedClock(now)),
        Box::new(rand::rngs::StdRng::seed_from_u64(11)),
    );
    // Cost 4 keeps the suite fast; the accounts suite checks cost 12.
    let acc = Accounts::new(ks.clone(), Box::new(rand::rngs::StdRng::seed_from_u64(12)))
        .with_bcrypt_cost(4);
    let access = Access::new(ks.clone(), None, Arc::new(FixedClock(now)));
    let r = Rig {
        ks,
        now,
        audit,
        acc,
        access,
        rng: rand::rngs::StdRng::seed_from_u64(13),
        b,
    };
    for id in [PLAIN, PLAIN2, OP_ADMIN, OP_CUSTODIAN] {
        user(&r, id).await;
    }
    for (id, role) in [
        (OP_ADMIN, ConsoleRole::ConsoleAdmin),
        (OP_CUSTODIAN, ConsoleRole::KeyCustodian),
        ("user_officer", ConsoleRole::SecurityOfficer),
        ("user_admin1", ConsoleRole::ConsoleAdmin),
        ("user_admin2", ConsoleRole::ConsoleAdmin),
    ] {
        grant(&r, id, role).await;
    }
    r
}

/// A user as the seed writes it, with a password hash, an MFA record, a lock and one session,
/// so a refused change can be shown to have changed nothing.
async fn user(r: &Rig, id: &str) {
    let email = format!("{id}@example.com");
    let mut fields = new_user_fields(&email, id, Role::BasicUser, &r.now);
    for (k, v) in fields.iter_mut() {
        if k == "mfa_enabled" {
            *v = mfa_flag_after_change(true).as_bytes().to_vec();
        }
    }
    let session = RefreshRecord {
        user_id: id.into(),
        token_id: format!("tok{id}"),
        created_at: r.now,
        exp: r.now + chrono::Duration::days(7),
    };
    r.ks.apply(&[
        Write::HSet {
            key: keys::user(id),
            fields,
        },
        Write::Set {
            key: keys::user_email(&email),
            value: id.as_bytes().to_vec(),
            ttl_secs: None,
        },
        Write::Set {
            key: keys::user_password(id),
            value: format!("old-hash-of-{id}").into_bytes(),
            ttl_secs: None,
        },
        Write::Set {
            key: keys::mfa(id),
            value: format!("mfa-record-of-{id}").into_bytes(),
            ttl_secs: None,
        },
        Write::Set {
            key: keys::account_lock(id),
            value: b"2099-01-01T00:00:00".to_vec(),
            ttl_secs: Some(900),
        },
        Write::Set {
            key: keys::refresh_token(&session.token_id),
            value: session.to_repr().into_bytes(),
            ttl_secs: Some(3600),
        },
    ])
    .await
    .unwrap();
}

async fn grant(r: &Rig, id: &str, role: ConsoleRole) {
    let g = Grant {
        role,
        granted_by: "local:test".into(),
        granted_at: "2026-11-24T00:00:00".into(),
    };
    r.ks.apply(&[Write::HSet {
        key: OPERATORS_KEY.into(),
        fields: vec![(id.into(), g.to_json().into_bytes())],
    }])
    .await
    .unwrap();
}

async fn get(r: &Rig, key: &str) -> Option<String> {
    r.ks.get(key)
        .await
        .unwrap()
        .map(|v| String::from_utf8(v).unwrap())
}

async fn field(r: &Rig, id: &str, f: &str) -> String {
    String::from_utf8(r.ks.hget(&keys::user(id), f).await.unwrap().unwrap()).unwrap()
}

async fn last_trail(r: &Rig) -> TrailEntry {
    Trail::new(r.ks.clone()).recent(0, 1).await.unwrap()[0]
        .clone()
        .unwrap()
}

/// `res` is a refusal whose sentence names `who`'s console role and says `why`, and the
/// newest trail entry records it: `action` by `actor` on `who`, outcome refused, with the
/// sentence.
async fn assert_refused<T: std::fmt::Debug>(
    r: &Rig,
    res: Result<T, CoreError>,
    actor: &Operator,
    action: &str,
    who: &str,
    held: ConsoleRole,
    why: &str,
) {
    let e = res.expect_err(&format!("[{}] {} {action} on {who}", r.b.name, actor.id));
    let sentence = format!("{who} holds the console role {}; {why}", held.as_str());
    assert!(
        matches!(e, CoreError::Forbidden(ref m) if m == &sentence),
        "[{}] {action}: a forbidden refusal saying why: {e}",
        r.b.name
    );
    assert_eq!(e.to_string(), format!("not allowed: {sentence}"));
    let t = last_trail(r).await;
    assert_eq!(
        (
            t.action.as_str(),
            t.actor.as_str(),
            t.subject.as_deref(),
            t.outcome
        ),
        (action, actor.id.as_str(), Some(who), Outcome::Refused),
        "[{}] the refusal is audited",
        r.b.name
    );
    assert_eq!(
        t.details["error"].as_str(),
        Some(e.to_string().as_str()),
        "[{}] the trail keeps the sentence",
        r.b.name
    );
}

/// What the credential refusals must leave alone.
async fn credentials_untouched(r: &Rig, id: &str) {
    assert_eq!(
        get(r, &keys::user_password(id)).await.unwrap(),
        format!("old-hash-of-{id}"),
        "[{}] password kept",
        r.b.name
    );
    assert_eq!(
        get(r, &keys::mfa(id)).await.unwrap(),
        format!("mfa-record-of-{id}"),
        "[{}] MFA record kept",
        r.b.name
    );
    assert_eq!(get(r, &keys::mfa_setup(id)).await, None, "no enrolment");
    assert_eq!(field(r, id, "mfa_enabled").await, "true");
    assert!(
        get(r, &keys::account_lock(id)).await.is_some(),
        "[{}] a refused reset does not lift the lock either",
        r.b.name
    );
}

async fn nobody_changes_an_operator_s_credentials_and_each_refusal_is_audited(b: Backend) {
    let mut r = rig(b).await;
    let code = SecretString::from("123456".to_string());
    // A console admin is refused like an officer: no single operator learns another's secrets.
    for actor in [officer(), admin1()] {
        for (who, held) in [
            (OP_ADMIN, ConsoleRole::ConsoleAdmin),
            (OP_CUSTODIAN, ConsoleRole::KeyCustodian),
        ] {
            let email = format!("{who}@example.com");
            let res = r
                .acc
                .reset_password(&r.audit, &actor, &email, PasswordChoice::Generate)
                .await;
            let (a, s) = (&actor, CREDENTIALS_REFUSAL);
            assert_refused(&r, res, a, "user.password.reset", who, held, s).await;
            let res = r
                .access
                .reset_mfa(&r.audit, &actor, who, "lost phone")
                .await;
            assert_refused(&r, res, a, "mfa.reset", who, held, s).await;
            let res = r
                .access
                .begin_enrollment(&r.audit, &actor, who, &mut r.rng)
                .await;
            assert_refused(&r, res, a, "mfa.enroll_begin", who, held, s).await;
            let res = r
                .access
                .confirm_enrollment(&r.audit, &actor, who, &code)
                .await;
            assert_refused(&r, res, a, "mfa.enroll_confirm", who, held, s).await;
            let res = r
                .access
                .regenerate_backup_codes(&r.audit, &actor, who, &mut r.rng)
                .await;
            let name = "mfa.backup_codes_regenerate";
            assert_refused(&r, res, a, name, who, held, s).await;
            credentials_untouched(&r, who).await;
        }
    }
    // An operator is refused on their own account too: it is the same sign-in secret.
    let me = op(OP_ADMIN, ConsoleRole::ConsoleAdmin);
    let res = r
        .acc
        .reset_password(&r.audit, &me, OP_ADMIN, PasswordChoice::Generate)
        .await;
    let (held, s) = (ConsoleRole::ConsoleAdmin, CREDENTIALS_REFUSAL);
    assert_refused(&r, res, &me, "user.password.reset", OP_ADMIN, held, s).await;
    credentials_untouched(&r, OP_ADMIN).await;

    // An ordinary user's credentials are the officer's daily work, as before.
    let reset = r
        .acc
        .reset_password(&r.audit, &officer(), PLAIN, PasswordChoice::Generate)
        .await
        .unwrap();
    assert!(reset.lock_cleared && reset.generated_password.is_some());
    assert!(r
        .access
        .reset_mfa(&r.audit, &officer(), PLAIN, "lost phone")
        .await
        .unwrap());
    assert_eq!(last_trail(&r).await.outcome, Outcome::Success);
}

async fn only_a_console_admin_changes_an_operator_s_standing(b: Backend) {
    let r = rig(b).await;
    let (who, held, s) = (OP_CUSTODIAN, ConsoleRole::KeyCustodian, STANDING_REFUSAL);
    let o = officer();
    let res = r.acc.set_active(&r.audit, &o, who, false, "leaver").await;
    assert_refused(&r, res, &o, "user.deactivate", who, held, s).await;
    let res = r.acc.set_active(&r.audit, &o, who, true, "back").await;
    assert_refused(&r, res, &o, "user.reactivate", who, held, s).await;
    let res = r
        .acc
        .change_role(&r.audit, &o, who, Role::Guest, None)
        .await;
    assert_refused(&r, res, &o, "user.role.change", who, held, s).await;
    let res = r
        .acc
        .change_role(&r.audit, &o, who, Role::Admin, None)
        .await;
    assert_refused(&r, res, &o, "user.role.request_admin", who, held, s).await;
    let res = r.access.revoke_all_sessions(&r.audit, &o, who).await;
    assert_refused(&r, res, &o, "session.revoke_all", who, held, s).await;
    let token = format!("tok{who}");
    let res = r.access.revoke_session(&r.audit, &o, who, &token).await;
    assert_refused(&r, res, &o, "session.revoke", who, held, s).await;
    let res = r.access.unlock_account(&r.audit, &o, who, "verified").await;
    assert_refused(&r, res, &o, "lock.unlock", who, held, s).await;
    assert_eq!(field(&r, who, "is_active").await, "True", "still active");
    assert_eq!(field(&r, who, "role").await, "basic_user", "role kept");
    assert!(get(&r, &keys::refresh_token(&token)).await.is_some());
    assert!(get(&r, &keys::account_lock(who)).await.is_some());
    let (reqs, _) = r.acc.list_approvals(&r.now, true).await.unwrap();
    assert!(reqs.is_empty(), "no promotion request was filed");

    // A console admin may: it is console administration, and it reveals no secret.
    let a = admin1();
    let c = r
        .acc
        .set_active(&r.audit, &a, who, false, "leaver")
        .await
        .unwrap();
    assert!(c.changed);
    assert_eq!(field(&r, who, "is_active").await, "False");
    assert_eq!(
        (last_trail(&r).await.action, last_trail(&r).await.outcome),
        ("user.deactivate".to_string(), Outcome::Success)
    );
    r.acc
        .set_active(&r.audit, &a, who, true, "back")
        .await
        .unwrap();
    r.access
        .unlock_account(&r.audit, &a, who, "verified")
        .await
        .unwrap();
    let ended = r
        .access
        .revoke_all_sessions(&r.audit, &a, who)
        .await
        .unwrap();
    assert_eq!(ended.tokens.len(), 1);
    assert!(matches!(
        r.acc
            .change_role(&r.audit, &a, who, Role::Guest, None)
            .await
            .unwrap(),
        RoleOutcome::Changed { .. }
    ));

    // The officer's daily work on ordinary users is untouched.
    r.acc
        .set_active(&r.audit, &o, PLAIN, false, "leaver")
        .await
        .unwrap();
    assert_eq!(field(&r, PLAIN, "is_active").await, "False");
}

async fn an_officer_s_batch_refuses_the_operator_item_and_goes_on(b: Backend) {
    let r = rig(b).await;
    let ids: Vec<String> = [PLAIN, OP_ADMIN, PLAIN2].map(String::from).to_vec();
    let action = BatchAction::Deactivate {
        reason: "incident 42".into(),
    };
    let sentence = format!("{OP_ADMIN} holds the console role console_admin; {STANDING_REFUSAL}");

    // The dry run already says it: the operator's line is refused, with the reason.
    let plan = r
        .acc
        .plan_batch(&officer(), action.clone(), &ids, &r.now)
        .await
        .unwrap();
    let kinds: Vec<ItemKind> = plan.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [ItemKind::Change, ItemKind::Skip, ItemKind::Change],
        "[{}]",
        r.b.name
    );
    assert_eq!(
        plan.items[1].note.as_deref(),
        Some(format!("refused: {sentence}").as_str())
    );
    // A console admin's dry run of the same selection changes all three.
    let by_admin = r
        .acc
        .plan_batch(&admin1(), action, &ids, &r.now)
        .await
        .unwrap();
    assert!(by_admin.items.iter().all(|i| i.kind == ItemKind::Change));

    r.acc
        .start_batch(&r.audit, &officer(), &plan)
        .await
        .unwrap();
    let report = r
        .acc
        .run_batch(&r.audit, &officer(), &plan.id, None, &|_, _| {})
        .await
        .expect("a refused item does not stop the run");
    assert!(report.finished, "[{}] every item has a result", r.b.name);
    assert_eq!(
        (
            report.counts.done,
            report.counts.failed,
            report.counts.pending
        ),
        (2, 1, 0),
        "[{}] the users on both sides of the operator were deactivated",
        r.b.name
    );
    let refused = &report.results[1];
    assert_eq!(
        (refused.user_id.as_str(), refused.status),
        (OP_ADMIN, ItemStatus::Failed)
    );
    assert_eq!(
        refused.error.as_deref(),
        Some(format!("not allowed: {sentence}").as_str()),
        "the item records the sentence"
    );
    assert_eq!(field(&r, PLAIN, "is_active").await, "False");
    assert_eq!(field(&r, PLAIN2, "is_active").await, "False");
    assert_eq!(field(&r, OP_ADMIN, "is_active").await, "True");
    // The stored batch says the same (a resume would not retry it).
    let stored = r.acc.show_batch(&plan.id).await.unwrap();
    assert_eq!(stored.results[1].status, ItemStatus::Failed);

    // Audited per item: the operator's item as refused, between two successes, then the run.
    let trail: Vec<TrailEntry> = Trail::new(r.ks.clone())
        .recent(0, 4)
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let seen: Vec<(&str, Option<&str>, Outcome)> = trail
        .iter()
        .rev()
        .map(|t| (t.action.as_str(), t.subject.as_deref(), t.outcome))
        .collect();
    assert_eq!(
        seen,
        [
            ("user.deactivate", Some(PLAIN), Outcome::Success),
            ("user.deactivate", Some(OP_ADMIN), Outcome::Refused),
            ("user.deactivate", Some(PLAIN2), Outcome::Success),
            (
                "batch.run",
                Some(batch_key(&plan.id).as_str()),
                Outcome::Success
            ),
        ],
        "[{}]",
        r.b.name
    );
    assert_eq!(trail[2].details["batch_item"], 1);
}

async fn the_user_to_be_promoted_cannot_decide_the_request(b: Backend) {
    let r = rig(b).await;
    // A console admin asks to make another console admin a service admin (an officer may not
    // even ask: the account is an operator's).
    let RoleOutcome::ApprovalRequested { request } = r
        .acc
        .change_role(&r.audit, &admin1(), OP_ADMIN, Role::Admin, Some("on call"))
        .await
        .unwrap()
    else {
        panic!("a promotion files a request")
    };
    let subject = op(OP_ADMIN, ConsoleRole::ConsoleAdmin);
    let own = "this request promotes you; another console admin must decide it (four-eyes)";
    for approve in [true, false] {
        let res = if approve {
            r.acc.approve(&r.audit, &subject, &request.id).await
        } else {
            r.acc
                .refuse(&r.audit, &subject, &request.id, "not me")
                .await
        };
        let e = res.unwrap_err();
        assert!(
            matches!(e, CoreError::Forbidden(ref m) if m == own),
            "[{}] approve={approve}: {e}",
            r.b.name
        );
        let t = last_trail(&r).await;
        let name = if approve {
            "user.role.approve_admin"
        } else {
            "user.role.refuse_admin"
        };
        assert_eq!(
            (t.action.as_str(), t.actor.as_str(), t.outcome),
            (name, OP_ADMIN, Outcome::Refused),
            "[{}] audited",
            r.b.name
        );
    }
    assert_eq!(field(&r, OP_ADMIN, "role").await, "basic_user");
    let done = r
        .acc
        .approve(&r.audit, &admin2(), &request.id)
        .await
        .unwrap();
    assert_eq!(done.status, ApprovalStatus::Approved);
    assert_eq!(field(&r, OP_ADMIN, "role").await, "admin");
}

async fn after_operators_revoke_the_officer_resets_the_account(b: Backend) {
    let r = rig(b).await;
    let email = format!("{OP_ADMIN}@example.com");
    let o = officer();
    let res = r
        .acc
        .reset_password(&r.audit, &o, &email, PasswordChoice::Generate)
        .await;
    let (held, s) = (ConsoleRole::ConsoleAdmin, CREDENTIALS_REFUSAL);
    assert_refused(&r, res, &o, "user.password.reset", OP_ADMIN, held, s).await;

    // `rampart operators revoke --email …`: audited, and visible to the other admins.
    signin::revoke_role(
        &r.audit,
        &admin1(),
        &SeedStore::new(r.ks.clone()),
        &Operators::new(r.ks.clone()),
        &email,
    )
    .await
    .unwrap();
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("console.revoke_role", Outcome::Success)
    );
    assert_eq!(r.ks.hget(OPERATORS_KEY, OP_ADMIN).await.unwrap(), None);

    let reset = r
        .acc
        .reset_password(&r.audit, &o, &email, PasswordChoice::Generate)
        .await
        .unwrap();
    assert!(reset.generated_password.is_some() && reset.lock_cleared);
    assert!(get(&r, &keys::user_password(OP_ADMIN))
        .await
        .unwrap()
        .starts_with("$2b$04$"));
    assert!(r
        .access
        .reset_mfa(&r.audit, &o, OP_ADMIN, "new phone")
        .await
        .unwrap());
    assert_eq!(get(&r, &keys::mfa(OP_ADMIN)).await, None);
    let t = last_trail(&r).await;
    assert_eq!(
        (t.action.as_str(), t.outcome),
        ("mfa.reset", Outcome::Success)
    );
}

/// An unreadable grant might be anyone's console role: the change is refused, not guessed.
async fn an_unreadable_grant_refuses_the_change(b: Backend) {
    let r = rig(b).await;
    r.ks.apply(&[Write::HSet {
        key: OPERATORS_KEY.into(),
        fields: vec![(PLAIN.into(), b"{\"role\":\"admin\"}".to_vec())],
    }])
    .await
    .unwrap();
    let e = r
        .acc
        .reset_password(&r.audit, &admin1(), PLAIN, PasswordChoice::Generate)
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Malformed(ref m) if m.contains(OPERATORS_KEY)),
        "[{}] {e}",
        r.b.name
    );
    assert_eq!(last_trail(&r).await.outcome, Outcome::Failure);
    assert_eq!(
        get(&r, &keys::user_password(PLAIN)).await.unwrap(),
        format!("old-hash-of-{PLAIN}")
    );
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
    nobody_changes_an_operator_s_credentials_and_each_refusal_is_audited,
    only_a_console_admin_changes_an_operator_s_standing,
    an_officer_s_batch_refuses_the_operator_item_and_goes_on,
    the_user_to_be_promoted_cannot_decide_the_request,
    after_operators_revoke_the_officer_resets_the_account,
    an_unreadable_grant_refuses_the_change,
);
