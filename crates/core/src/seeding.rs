//! `demo seed`: load generated demo data through the same ports the console writes with,
//! resumably. A checkpoint (`rampart:demo:checkpoint`) records the plan and the last event chunk
//! loaded; re-running the same plan after an interruption skips what is already there.

use std::sync::Arc;

use rampart_domain::console::{Capability, Operator};
use serde::{Deserialize, Serialize};
use serde_json::Map;

use crate::audit::{AuditAction, AuditWriter};
use crate::demo::{self, DemoPasswords, DemoPlan};
use crate::guard::mutate;
use crate::ports::{AuditIndex, DemoRecords, KeySpace, StoreError, Write};
use crate::CoreError;

pub const CHECKPOINT: &str = "rampart:demo:checkpoint";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Checkpoint {
    seed: u64,
    users: usize,
    events: usize,
    now: String,
    core_done: bool,
    chunks_done: usize,
}

/// What a run loaded.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoReport {
    pub users: usize,
    pub keyspace_writes: u64,
    pub events_indexed: u64,
    pub chunks_skipped: usize,
    pub resumed: bool,
    /// PII records written to the demo records file.
    pub customers: usize,
}

/// Progress callback: (phase, done, total).
pub type Progress<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

/// The `now` of an earlier run of the same plan (seed, users, events) found in the store, so a
/// re-run without `--now` resumes that run instead of conflicting with it.
pub async fn resume_point(
    ks: &dyn KeySpace,
    seed: u64,
    users: usize,
    events: usize,
) -> Result<Option<chrono::NaiveDateTime>, CoreError> {
    let Some(raw) = ks.get(CHECKPOINT).await? else {
        return Ok(None);
    };
    let Ok(cp) = serde_json::from_slice::<Checkpoint>(&raw) else {
        return Ok(None);
    };
    if (cp.seed, cp.users, cp.events) != (seed, users, events) {
        return Ok(None);
    }
    Ok(rampart_domain::time::parse_naive_iso(&cp.now).ok())
}

/// Load the plan into `ks` (the seed's key space) and `index` (searchable events). Refuses a
/// non-empty key space that holds no checkpoint of the same plan: demo data must never be mixed
/// into a real deployment's store.
pub async fn seed_demo(
    audit: &AuditWriter,
    operator: &Operator,
    ks: Arc<dyn KeySpace>,
    index: Arc<dyn AuditIndex>,
    records: Option<(&dyn DemoRecords, usize)>,
    plan: &DemoPlan,
    passwords: &DemoPasswords,
    progress: Progress<'_>,
) -> Result<DemoReport, CoreError> {
    let action = AuditAction::new("console_demo_seed", "demo.seed")
        .detail("seed", plan.seed)
        .detail("users", plan.users as u64)
        .detail("events", plan.events as u64)
        .severity("low");
    let (report, _) = mutate(
        audit,
        operator,
        Capability::AdministerConsole,
        action,
        || async {
            let mut r = load(ks.clone(), index.clone(), plan, passwords, progress).await?;
            // Inside the audited action: a failure here is recorded as the seed's failure.
            if let Some((sink, n)) = records.filter(|(_, n)| *n > 0) {
                r.customers = sink.write_customers(&demo::customers(plan, n)).await?;
            }
            let mut extra = Map::new();
            extra.insert("customers".into(), (r.customers as u64).into());
            extra.insert("keyspace_writes".into(), r.keyspace_writes.into());
            extra.insert("resumed".into(), r.resumed.into());
            Ok((r, extra))
        },
    )
    .await?;
    Ok(report)
}

async fn load(
    ks: Arc<dyn KeySpace>,
    index: Arc<dyn AuditIndex>,
    plan: &DemoPlan,
    passwords: &DemoPasswords,
    progress: Progress<'_>,
) -> Result<DemoReport, CoreError> {
    let now_s = rampart_domain::time::format_naive_iso(&plan.now);
    let fresh = Checkpoint {
        seed: plan.seed,
        users: plan.users,
        events: plan.events,
        now: now_s,
        core_done: false,
        chunks_done: 0,
    };
    let mut cp = match ks.get(CHECKPOINT).await? {
        Some(raw) => {
            let cp: Checkpoint = serde_json::from_slice(&raw).map_err(|_| {
                CoreError::Conflict("the store holds an unreadable demo checkpoint".into())
            })?;
            let same = Checkpoint {
                core_done: false,
                chunks_done: 0,
                ..cp.clone()
            } == fresh;
            if !same {
                return Err(CoreError::Conflict(format!(
                    "the store already holds demo data of another plan (seed {}, {} users, {} events); use an empty store",
                    cp.seed, cp.users, cp.events
                )));
            }
            cp
        }
        None => {
            let n = ks.dbsize().await?;
            if n > 0 {
                return Err(CoreError::Conflict(format!(
                    "the store is not empty ({n} keys); demo data is only loaded into an empty store"
                )));
            }
            fresh
        }
    };
    let mut report = DemoReport {
        users: plan.users,
        resumed: cp.core_done || cp.chunks_done > 0,
        ..Default::default()
    };
    let save = |cp: &Checkpoint| Write::Set {
        key: CHECKPOINT.into(),
        value: serde_json::to_vec(cp).expect("checkpoint serializes"),
        ttl_secs: None,
    };

    // Users and everything else are cheap to regenerate; only the write is skipped on resume.
    let core = demo::generate_core(plan, passwords);
    if !cp.core_done {
        let total = core.writes.len() as u64;
        let mut done = 0u64;
        for chunk in core.writes.chunks(crate::ports::MAX_BATCH) {
            done += ks.apply_bulk(chunk).await?;
            progress("keyspace", done, total);
        }
        report.keyspace_writes = done;
        // The operator accounts, so the demo can be signed in to with every console role.
        report.keyspace_writes += ks
            .apply_bulk(&demo::operator_writes(plan, passwords))
            .await?;
        let bursts = demo::burst_events(plan, &core);
        let recent = demo::recent_event_writes(&bursts, &plan.now);
        for chunk in recent.chunks(crate::ports::MAX_BATCH) {
            report.keyspace_writes += ks.apply_bulk(chunk).await?;
        }
        index_all(&*index, &bursts).await?;
        report.events_indexed += bursts.len() as u64;
        cp.core_done = true;
        ks.apply(&[save(&cp)]).await?;
    }

    let chunks = demo::event_chunks(plan);
    report.chunks_skipped = cp.chunks_done;
    for c in cp.chunks_done..chunks {
        let events = demo::event_chunk(plan, &core.users, &core.ips, c);
        // Redis copies only for events younger than 24 h, as in the service's Redis.
        let recent = demo::recent_event_writes(&events, &plan.now);
        for chunk in recent.chunks(crate::ports::MAX_BATCH) {
            report.keyspace_writes += ks.apply_bulk(chunk).await?;
        }
        index_all(&*index, &events).await?;
        report.events_indexed += events.len() as u64;
        cp.chunks_done = c + 1;
        ks.apply(&[save(&cp)]).await?;
        progress(
            "events",
            (cp.chunks_done * demo::EVENT_CHUNK).min(plan.events) as u64,
            plan.events as u64,
        );
    }
    Ok(report)
}

async fn index_all(
    index: &dyn AuditIndex,
    events: &[rampart_domain::audit::AuditEvent],
) -> Result<(), CoreError> {
    for chunk in events.chunks(10_000) {
        let r = index.index(chunk).await?;
        if let Some((id, why)) = r.failed.first() {
            return Err(CoreError::Store(StoreError::Backend {
                store: index.info().kind,
                reason: format!("{} events refused, first {id}: {why}", r.failed.len()),
            }));
        }
    }
    Ok(())
}
