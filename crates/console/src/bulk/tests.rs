//! Bulk actions through the console layer the desktop's IPC commands call, over a real
//! embedded store (SQLite file): filters resolve to the whole matching set, dry runs write
//! nothing, promotions to admin become four-eyes requests, auditors and read-only profiles are
//! refused, an interrupted batch is listed and resumes, a finished one gets its retention TTL.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rampart_core::accounts::RunHooks;
use rampart_core::audit::Trail;
use rampart_core::ports::{Clock, KeySpace, StoreError, SystemClock, Ttl, Write};
use rampart_core::CoreError;
use rampart_domain::batch::{
    batch_key, BatchAction, ItemKind, ItemResult, ItemStatus, FINISHED_BATCH_TTL_SECS,
};
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::keys;
use rampart_domain::trail::Outcome;
use rampart_domain::user::{new_user_fields, Role};
use rampart_domain::userindex::UserQuery;
use rampart_store::embedded::audit::EmbeddedAuditIndex;
use rampart_store::embedded::keyspace::EmbeddedKeySpace;
use rampart_store::embedded::EmbeddedStore;

use super::BulkTarget;
use crate::connect::Connected;
use crate::session::Live;

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

struct World {
    _dir: tempfile::TempDir,
    live: Live,
    ks: Arc<dyn KeySpace>,
}

/// A connection over a fresh embedded file; `read_only` as a read-only profile opens it (the
/// trail then goes to a second, writable file, as `connect` does with the local trail).
async fn world(read_only: bool, users: &[(&str, Role)]) -> World {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(&dir.path().join("rampart.db"))
        .await
        .unwrap();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let writable: Arc<dyn KeySpace> =
        Arc::new(EmbeddedKeySpace::new(store.clone(), clock.clone(), false));
    let now = clock.now();
    for (id, role) in users {
        writable
            .apply(&[Write::HSet {
                key: keys::user(id),
                fields: new_user_fields(&format!("{id}@example.test"), id, *role, &now),
            }])
            .await
            .unwrap();
    }
    let keyspace: Arc<dyn KeySpace> = if read_only {
        Arc::new(EmbeddedKeySpace::new(store.clone(), clock.clone(), true))
    } else {
        writable.clone()
    };
    let trail: Arc<dyn KeySpace> = if read_only {
        let local = EmbeddedStore::open(&dir.path().join("local-trail.db"))
            .await
            .unwrap();
        Arc::new(EmbeddedKeySpace::new(local, clock.clone(), false))
    } else {
        writable.clone()
    };
    let live = Live::new(Connected {
        profile: "test".into(),
        keyspace,
        index: Arc::new(EmbeddedAuditIndex::new(store.clone(), read_only)),
        records: None,
        trail,
        embedded: Some(store),
        clock,
        read_only,
    });
    live.users_index().build().await.unwrap();
    World {
        _dir: dir,
        live,
        ks: writable,
    }
}

fn no_hooks() -> (impl Fn(&ItemResult) + Send + Sync, AtomicBool) {
    (|_: &ItemResult| {}, AtomicBool::new(false))
}

async fn role_of(w: &World, id: &str) -> String {
    String::from_utf8(w.ks.hget(&keys::user(id), "role").await.unwrap().unwrap()).unwrap()
}

fn guests_and_others(n: usize) -> Vec<(String, Role)> {
    (0..n)
        .map(|i| {
            let role = if i % 3 == 0 {
                Role::BasicUser
            } else {
                Role::Guest
            };
            (format!("user_{i:03}"), role)
        })
        .collect()
}

#[tokio::test]
async fn a_filter_selects_every_matching_user_minus_the_unticked_and_the_dry_run_writes_nothing() {
    let users = guests_and_others(90);
    let refs: Vec<(&str, Role)> = users.iter().map(|(i, r)| (i.as_str(), *r)).collect();
    let w = world(false, &refs).await;
    let guests: Vec<&str> = refs
        .iter()
        .filter(|(_, r)| *r == Role::Guest)
        .map(|(i, _)| *i)
        .collect();
    let query = UserQuery {
        role: Some("guest".into()),
        // The table's page size: the filter must not stop at the page the table loaded.
        limit: 50,
        ..UserQuery::default()
    };
    let plan = w
        .live
        .plan_bulk(
            &officer(),
            BatchAction::Deactivate {
                reason: "offboarding the contractors".into(),
            },
            BulkTarget::Filter {
                query,
                except: vec!["user_001".into()],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        plan.items.len(),
        guests.len() - 1,
        "all {} guests but the unticked one, beyond the 50 rows of a page",
        guests.len()
    );
    assert!(plan.items.iter().all(|i| i.user_id != "user_001"));
    assert!(plan.items.iter().all(|i| i.kind == ItemKind::Change
        && i.before.as_deref() == Some("True")
        && i.after.as_deref() == Some("False")));
    assert!(
        w.ks.hgetall(&batch_key(&plan.id)).await.unwrap().is_empty(),
        "a dry run stores nothing"
    );
    assert!(
        w.live.unfinished_bulk(&officer()).await.unwrap().is_empty(),
        "a dry run is not an unfinished batch"
    );
    assert_eq!(
        Trail::new(w.ks.clone()).recent(0, 10).await.unwrap().len(),
        0,
        "a dry run audits nothing"
    );
    assert_eq!(
        w.ks.hget(&keys::user("user_002"), "is_active")
            .await
            .unwrap()
            .as_deref(),
        Some(&b"True"[..])
    );
}

#[tokio::test]
async fn executing_a_dry_run_stores_runs_and_retains_the_finished_batch_for_30_days() {
    let w = world(false, &[("user_a", Role::Guest), ("user_b", Role::Guest)]).await;
    let plan = w
        .live
        .plan_bulk(
            &officer(),
            BatchAction::ChangeRole {
                role: Role::BasicUser,
                reason: Some("trial ended, paid plan".into()),
            },
            BulkTarget::Ids(vec!["user_a".into(), "user_b".into(), "user_gone".into()]),
        )
        .await
        .unwrap();
    let (on_item, stop) = no_hooks();
    let report = w
        .live
        .run_bulk(
            &officer(),
            &plan.id,
            RunHooks {
                on_item: &on_item,
                stop: Some(&stop),
            },
        )
        .await
        .unwrap();
    assert!(report.finished);
    assert_eq!(
        (report.counts.done, report.counts.skipped),
        (2, 1),
        "{:?}",
        report.results
    );
    assert_eq!(role_of(&w, "user_a").await, "basic_user");
    match w.ks.ttl(&batch_key(&plan.id)).await.unwrap() {
        Ttl::Millis(ms) => assert!(
            ms / 1000 > FINISHED_BATCH_TTL_SECS - 60 && ms / 1000 <= FINISHED_BATCH_TTL_SECS,
            "retention TTL {ms} ms"
        ),
        other => panic!("a finished batch must expire, got {other:?}"),
    }
    assert!(
        w.live.held_plan(&plan.id, &officer()).is_none(),
        "the dry run is consumed once stored"
    );
}

#[tokio::test]
async fn a_bulk_promotion_to_admin_files_approval_requests_and_promotes_nobody() {
    let w = world(
        false,
        &[("user_p", Role::PremiumUser), ("user_q", Role::Guest)],
    )
    .await;
    let plan = w
        .live
        .plan_bulk(
            &officer(),
            BatchAction::ChangeRole {
                role: Role::Admin,
                reason: Some("on-call rotation".into()),
            },
            BulkTarget::Ids(vec!["user_p".into(), "user_q".into()]),
        )
        .await
        .unwrap();
    assert!(plan
        .items
        .iter()
        .all(|i| i.kind == ItemKind::ApprovalRequest));
    let (on_item, stop) = no_hooks();
    let report = w
        .live
        .run_bulk(
            &officer(),
            &plan.id,
            RunHooks {
                on_item: &on_item,
                stop: Some(&stop),
            },
        )
        .await
        .unwrap();
    assert_eq!(report.counts.approval_requested, 2);
    assert!(report.results.iter().all(|r| r.approval_id.is_some()));
    assert_eq!(role_of(&w, "user_p").await, "premium_user", "not promoted");
    assert_eq!(role_of(&w, "user_q").await, "guest", "not promoted");
    let (reqs, _) = w.live.accounts().approval_requests().await.unwrap();
    assert_eq!(
        reqs.iter()
            .filter(|r| r.batch_id.as_deref() == Some(&plan.id))
            .count(),
        2,
        "one pending request per user, tied to the batch"
    );
}

#[tokio::test]
async fn an_auditor_and_a_read_only_profile_are_refused_at_the_dry_run_and_at_the_run() {
    let w = world(false, &[("user_a", Role::Guest)]).await;
    let deact = || BatchAction::Deactivate {
        reason: "offboarding".into(),
    };
    let auditor = op("user_auditor", ConsoleRole::Auditor);
    for target in [
        BulkTarget::Ids(vec!["user_a".into()]),
        BulkTarget::Filter {
            query: UserQuery::default(),
            except: vec![],
        },
    ] {
        let e = w
            .live
            .plan_bulk(&auditor, deact(), target)
            .await
            .unwrap_err();
        assert!(matches!(e, CoreError::Forbidden(_)), "{e}");
    }
    // An officer's dry run cannot be run by an auditor either: refused and audited.
    let plan = w
        .live
        .plan_bulk(&officer(), deact(), BulkTarget::Ids(vec!["user_a".into()]))
        .await
        .unwrap();
    let (on_item, stop) = no_hooks();
    let hooks = RunHooks {
        on_item: &on_item,
        stop: Some(&stop),
    };
    let e = w
        .live
        .run_bulk(&auditor, &plan.id, hooks)
        .await
        .unwrap_err();
    assert!(matches!(e, CoreError::Forbidden(_)), "{e}");
    let trail = Trail::new(w.ks.clone()).recent(0, 1).await.unwrap();
    let t = trail[0].as_ref().unwrap();
    assert_eq!(
        (t.action.as_str(), t.actor.as_str(), t.outcome),
        ("batch.run", "user_auditor", Outcome::Refused),
        "the refusal is audited"
    );
    // Another officer signed in on the same connection cannot run this officer's dry run.
    let (on_item, stop) = no_hooks();
    let hooks = RunHooks {
        on_item: &on_item,
        stop: Some(&stop),
    };
    let other = op("user_officer2", ConsoleRole::SecurityOfficer);
    let e = w.live.run_bulk(&other, &plan.id, hooks).await.unwrap_err();
    assert!(
        matches!(e, CoreError::NotFound(_)),
        "another operator's dry run is not theirs to run: {e}"
    );

    let ro = world(true, &[("user_a", Role::Guest)]).await;
    let e = ro
        .live
        .plan_bulk(&officer(), deact(), BulkTarget::Ids(vec!["user_a".into()]))
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Store(StoreError::ReadOnly { .. })),
        "{e}"
    );
    let e = w
        .live
        .plan_bulk(
            &officer(),
            BatchAction::RevokeSessions { reason: None },
            BulkTarget::Ids(vec!["user_a".into()]),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, CoreError::Validation(_)),
        "a bulk action needs a reason: {e}"
    );
    assert_eq!(
        w.ks.hget(&keys::user("user_a"), "is_active")
            .await
            .unwrap()
            .as_deref(),
        Some(&b"True"[..])
    );
}

#[tokio::test]
async fn a_stopped_batch_is_listed_as_unfinished_and_resumes_without_redoing_items() {
    let users = guests_and_others(5);
    let refs: Vec<(&str, Role)> = users.iter().map(|(i, r)| (i.as_str(), *r)).collect();
    let w = world(false, &refs).await;
    let ids: Vec<String> = users.iter().map(|(i, _)| i.clone()).collect();
    let plan = w
        .live
        .plan_bulk(
            &officer(),
            BatchAction::Deactivate {
                reason: "incident 7731".into(),
            },
            BulkTarget::Ids(ids),
        )
        .await
        .unwrap();
    // The operator presses "stop" while the second item runs.
    let stop = AtomicBool::new(false);
    let seen = std::sync::Mutex::new(0);
    let on_item = |_: &ItemResult| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        if *n == 2 {
            stop.store(true, Ordering::SeqCst);
        }
    };
    let first = w
        .live
        .run_bulk(
            &officer(),
            &plan.id,
            RunHooks {
                on_item: &on_item,
                stop: Some(&stop),
            },
        )
        .await
        .unwrap();
    assert_eq!((first.ran_now, first.finished), (2, false));
    let unfinished = w.live.unfinished_bulk(&officer()).await.unwrap();
    assert_eq!(unfinished.len(), 1);
    assert_eq!(
        (unfinished[0].plan.id.as_str(), unfinished[0].results.len()),
        (plan.id.as_str(), 2)
    );
    assert_eq!(
        w.ks.ttl(&batch_key(&plan.id)).await.unwrap(),
        Ttl::Persistent,
        "an unfinished batch never expires: it must stay resumable"
    );
    let (on_item, stop) = no_hooks();
    let rest = w
        .live
        .run_bulk(
            &officer(),
            &plan.id,
            RunHooks {
                on_item: &on_item,
                stop: Some(&stop),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (rest.ran_now, rest.finished, rest.counts.done),
        (3, true, 5)
    );
    assert!(rest.results.iter().all(|r| r.status == ItemStatus::Done));
    assert!(w.live.unfinished_bulk(&officer()).await.unwrap().is_empty());
    let trail = Trail::new(w.ks.clone()).recent(0, 50).await.unwrap();
    let deactivations = trail
        .iter()
        .flatten()
        .filter(|t| t.action == "user.deactivate" && t.outcome == Outcome::Success)
        .count();
    assert_eq!(deactivations, 5, "each user audited exactly once");
}
