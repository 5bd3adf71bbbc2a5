//! The admin trail, the audit writer and demo seeding on every key-space backend: concurrent
//! appends never fork the chain, tampering is found at its entry, refusals and failures are
//! audited, and an interrupted demo load resumes without duplicating anything.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::NaiveDateTime;
use rampart_core::audit::{AuditAction, AuditWriter, Trail, TRAIL_HEAD, TRAIL_LIST};
use rampart_core::demo::{DemoPasswords, DemoPlan};
use rampart_core::guard::mutate;
use rampart_core::ports::{
    AuditCursor, AuditIndex, AuditPage, AuditQuery, BackendInfo, Bucket, FixedClock, IndexReport,
    Interval, KeySpace, ServerInfo, StoreError, StoreResult, TermCount, TermField, Write,
};
use rampart_core::{seeding, CoreError};
use rampart_domain::audit::AuditEvent;
use rampart_domain::console::{Capability, ConsoleRole, Operator};
use rampart_domain::trail::{Outcome, TrailDraft};
use rampart_store::embedded::audit::EmbeddedAuditIndex;
use rampart_store::embedded::EmbeddedStore;
use rand::SeedableRng;
use serde_json::Map;

use crate::keyspace::Backend;

fn at() -> NaiveDateTime {
    rampart_domain::time::parse_naive_iso("2026-11-24T04:00:00").unwrap()
}

fn draft(actor: &str, i: usize) -> TrailDraft {
    TrailDraft {
        at: at(),
        actor: actor.into(),
        actor_role: "security_officer".into(),
        action: "user.deactivate".into(),
        subject: Some(format!("user_{i}")),
        outcome: Outcome::Success,
        details: Map::new(),
        event_id: None,
    }
}

fn op(role: ConsoleRole) -> Operator {
    Operator {
        id: format!("op_{}", role.as_str()),
        role,
        authenticated_by: "test".into(),
    }
}

fn writer(ks: Arc<dyn KeySpace>) -> AuditWriter {
    AuditWriter::new(
        Some(ks.clone()),
        None,
        Trail::new(ks),
        Arc::new(FixedClock(at())),
        Box::new(rand_chacha::ChaCha8Rng::seed_from_u64(9)),
    )
}

async fn concurrent_appends_never_fork_the_chain(b: Backend) {
    let trail = Trail::new(b.ks.clone());
    let mut tasks = Vec::new();
    for t in 0..8 {
        let trail = trail.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..5 {
                trail
                    .append(draft(&format!("op_{t}"), i))
                    .await
                    .expect("append");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let report = trail.verify().await.unwrap();
    assert!(report.ok, "[{}] {report:?}", b.name);
    assert_eq!(
        report.entries, 40,
        "[{}] every append landed exactly once",
        b.name
    );
}

async fn tampering_is_found_at_its_entry(b: Backend) {
    let trail = Trail::new(b.ks.clone());
    for i in 0..4 {
        trail.append(draft("op", i)).await.unwrap();
    }
    let entries = b.ks.lrange(TRAIL_LIST, 0, -1).await.unwrap();
    // Rewrite entry 3's subject in place (an attacker with write access to the store).
    let mut edited = entries.clone();
    edited[2] = String::from_utf8(edited[2].clone())
        .unwrap()
        .replace("user_2", "user_9")
        .into_bytes();
    b.ks.apply(&[
        Write::Del {
            keys: vec![TRAIL_LIST.into()],
        },
        Write::RPush {
            key: TRAIL_LIST.into(),
            values: edited,
        },
    ])
    .await
    .unwrap();
    let r = trail.verify().await.unwrap();
    assert_eq!(
        (r.ok, r.first_break),
        (false, Some(3)),
        "[{}] edit found at entry 3: {r:?}",
        b.name
    );

    // Restore, then drop the newest entry but leave the head: truncation is found too.
    b.ks.apply(&[
        Write::Del {
            keys: vec![TRAIL_LIST.into()],
        },
        Write::RPush {
            key: TRAIL_LIST.into(),
            values: entries[..3].to_vec(),
        },
    ])
    .await
    .unwrap();
    let r = trail.verify().await.unwrap();
    assert!(
        !r.ok,
        "[{}] truncation against the head is found: {r:?}",
        b.name
    );
    assert!(
        r.reason.unwrap().contains("head"),
        "the reason names the head"
    );
    assert!(b.ks.get(TRAIL_HEAD).await.unwrap().is_some());
}

async fn refusals_and_failures_are_audited(b: Backend) {
    let w = writer(b.ks.clone());
    let action = AuditAction::new("console_demo_seed", "demo.seed");

    // An auditor is refused before anything runs, and the refusal is recorded.
    let ran = AtomicUsize::new(0);
    let res = mutate(
        &w,
        &op(ConsoleRole::Auditor),
        Capability::AdministerConsole,
        action.clone(),
        || async {
            ran.fetch_add(1, Ordering::SeqCst);
            Ok(((), Map::new()))
        },
    )
    .await;
    assert!(
        matches!(res, Err(CoreError::Forbidden(_))),
        "[{}] {res:?}",
        b.name
    );
    assert_eq!(ran.load(Ordering::SeqCst), 0, "the action never ran");

    // A failing action is recorded as a failure with its sentence.
    let res: Result<((), _), _> = mutate(
        &w,
        &op(ConsoleRole::ConsoleAdmin),
        Capability::AdministerConsole,
        action.clone(),
        || async { Err(CoreError::Store(StoreError::NotFound("demo plan".into()))) },
    )
    .await;
    assert!(res.is_err());

    // A success carries the action's extra details.
    let (_, rec) = mutate(
        &w,
        &op(ConsoleRole::ConsoleAdmin),
        Capability::AdministerConsole,
        action,
        || async {
            let mut m = Map::new();
            m.insert("users".into(), 3.into());
            Ok(((), m))
        },
    )
    .await
    .unwrap();
    assert_eq!(rec.trail_seq, 3);

    let recent = Trail::new(b.ks.clone()).recent(0, 10).await.unwrap();
    let outcomes: Vec<Outcome> = recent.iter().map(|e| e.as_ref().unwrap().outcome).collect();
    assert_eq!(
        outcomes,
        vec![Outcome::Success, Outcome::Failure, Outcome::Refused],
        "[{}]",
        b.name
    );
    let refused = recent[2].as_ref().unwrap();
    assert_eq!(refused.actor, "op_auditor");
    assert!(refused.details["error"]
        .as_str()
        .unwrap()
        .contains("auditor"));
    // The seed-format copies: result failure for refusals, the actor in details.
    let ids = b.ks.lrange("ip_events:127.0.0.1", 0, -1).await.unwrap();
    assert_eq!(
        ids.len(),
        3,
        "[{}] three events indexed by the console's ip",
        b.name
    );
    let oldest = String::from_utf8(ids[2].clone()).unwrap();
    let ev = AuditEvent::from_seed_json(
        &b.ks
            .get(&format!("audit_event:{oldest}"))
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (ev.result.as_str(), ev.details["outcome"].as_str()),
        ("failure", Some("refused"))
    );
    assert_eq!(ev.details["actor"], "op_auditor");
    assert!(Trail::new(b.ks.clone()).verify().await.unwrap().ok);
}

/// Fault injection over the real embedded index: fails every call after `ok_calls`, to
/// interrupt a demo load midway. The events it accepts go to the real index.
struct InterruptAfter {
    inner: EmbeddedAuditIndex,
    ok_calls: usize,
    calls: AtomicUsize,
}

#[async_trait]
impl AuditIndex for InterruptAfter {
    fn info(&self) -> BackendInfo {
        self.inner.info()
    }
    async fn ping(&self) -> StoreResult<ServerInfo> {
        self.inner.ping().await
    }
    async fn index(&self, events: &[AuditEvent]) -> StoreResult<IndexReport> {
        if self.calls.fetch_add(1, Ordering::SeqCst) >= self.ok_calls {
            return Err(StoreError::Unreachable {
                store: "test".into(),
                reason: "interrupted".into(),
            });
        }
        self.inner.index(events).await
    }
    async fn search(
        &self,
        q: &AuditQuery,
        size: usize,
        after: Option<&AuditCursor>,
    ) -> StoreResult<AuditPage> {
        self.inner.search(q, size, after).await
    }
    async fn count(&self, q: &AuditQuery) -> StoreResult<u64> {
        self.inner.count(q).await
    }
    async fn histogram(&self, q: &AuditQuery, i: Interval) -> StoreResult<Vec<Bucket>> {
        self.inner.histogram(q, i).await
    }
    async fn terms(&self, q: &AuditQuery, f: TermField, s: usize) -> StoreResult<Vec<TermCount>> {
        self.inner.terms(q, f, s).await
    }
}

async fn demo_seed_is_deterministic_and_resumes(b: Backend) {
    let file = rampart_testkit::sqlite_file();
    let store = EmbeddedStore::open(&file.path).await.unwrap();
    let plan = DemoPlan {
        seed: 5,
        users: 120,
        events: 35_000,
        days: 100,
        now: at(),
    };
    let pw = rampart_domain::password::hash_password_with_cost(
        &secrecy::SecretString::from("x".to_string()),
        [1; 16],
        4,
    )
    .unwrap();
    let passwords = DemoPasswords {
        hashes: vec![pw.clone()],
        operator: pw,
    };
    let w = writer(b.ks.clone());
    let admin = op(ConsoleRole::ConsoleAdmin);
    let noop = |_: &str, _: u64, _: u64| {};

    // First run: interrupted after the bursts and two event chunks.
    let flaky = Arc::new(InterruptAfter {
        inner: EmbeddedAuditIndex::new(store.clone(), false),
        ok_calls: 3,
        calls: AtomicUsize::new(0),
    });
    let err = seeding::seed_demo(
        &w,
        &admin,
        b.ks.clone(),
        flaky,
        None,
        &plan,
        &passwords,
        &noop,
    )
    .await;
    assert!(
        err.is_err(),
        "[{}] the interrupted load reports the failure",
        b.name
    );
    let index = Arc::new(EmbeddedAuditIndex::new(store.clone(), false));
    let partial = index.count(&AuditQuery::default()).await.unwrap();
    assert!(
        partial > 0 && partial < 35_000,
        "[{}] partially loaded: {partial}",
        b.name
    );

    // Second run resumes and completes; every event exactly once (ids are unique keys).
    let report = seeding::seed_demo(
        &w,
        &admin,
        b.ks.clone(),
        index.clone(),
        None,
        &plan,
        &passwords,
        &noop,
    )
    .await
    .unwrap();
    assert!(
        report.resumed && report.chunks_skipped == 2,
        "[{}] {report:?}",
        b.name
    );
    let total = index.count(&AuditQuery::default()).await.unwrap();
    let bursts = rampart_core::demo::burst_events(
        &plan,
        &rampart_core::demo::generate_core(&plan, &passwords),
    );
    assert_eq!(
        total,
        35_000 + bursts.len() as u64,
        "[{}] no event lost or duplicated",
        b.name
    );
    let all_types = index
        .terms(&AuditQuery::default(), TermField::EventType, 20)
        .await
        .unwrap();
    assert_eq!(
        all_types.len(),
        11,
        "[{}] all 11 seed event types: {all_types:?}",
        b.name
    );

    // Deterministic: the same plan generates the same user hashes byte for byte.
    let a = rampart_core::demo::generate_core(&plan, &passwords);
    let c = rampart_core::demo::generate_core(&plan, &passwords);
    assert_eq!(a.writes, c.writes, "same seed, same bytes");
    let listing = rampart_core::seed::SeedStore::new(b.ks.clone())
        .list_users()
        .await
        .unwrap();
    assert_eq!(
        listing.users.len(),
        120 + rampart_core::demo::DEMO_OPERATORS.len(),
        "[{}] the plan's users and the demo operators {:?}",
        b.name,
        listing.unreadable
    );
    assert!(listing.unreadable.is_empty());
    let roles: std::collections::BTreeSet<_> = listing.users.iter().map(|u| u.role).collect();
    assert_eq!(roles.len(), 4, "all four roles present");
    assert!(
        listing
            .users
            .iter()
            .any(|u| u.username.chars().any(|c| ('가'..='힣').contains(&c))),
        "Korean names"
    );
    drop(file);
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
    concurrent_appends_never_fork_the_chain,
    tampering_is_found_at_its_entry,
    refusals_and_failures_are_audited,
    demo_seed_is_deterministic_and_resumes,
);
