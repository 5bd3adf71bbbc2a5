//! Who set an IP block, on every key-space backend with the embedded audit index: a block is
//! the console's only when Rampart audited writing it (this address, this end time), the
//! service's when its login failures are on record, and of unknown origin otherwise. Missing
//! failures alone never make a block "the console's".

use std::sync::Arc;

use chrono::Utc;
use rampart_core::access::Access;
use rampart_core::audit::{seed_event_writes, AuditWriter, Trail};
use rampart_core::ports::{AuditIndex, FixedClock, Write};
use rampart_domain::audit::AuditEvent;
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::keys;
use rampart_domain::limits::{self, BlockOrigin};
use rampart_store::embedded::audit::EmbeddedAuditIndex;
use rampart_store::embedded::EmbeddedStore;
use rand::SeedableRng;

use crate::keyspace::Backend;

fn failure_from(ip: &str, n: u32, now: chrono::NaiveDateTime) -> AuditEvent {
    AuditEvent {
        event_id: format!("audit_{n}_-7"),
        event_type: "user_login".into(),
        user_id: Some("user_BBBBBBBBBBBBBBBBBBBBBB".into()),
        ip_address: ip.into(),
        user_agent: "python-requests/2.31".into(),
        timestamp: now,
        resource: None,
        action: "login".into(),
        result: "failure".into(),
        details: Default::default(),
        severity: "medium".into(),
    }
}

async fn block_origin_is_the_audited_console_block_else_the_failures_else_unknown(b: Backend) {
    let now = Utc::now().naive_utc();
    let file = rampart_testkit::sqlite_file();
    let store = EmbeddedStore::open(&file.path).await.unwrap();
    let index: Arc<dyn AuditIndex> = Arc::new(EmbeddedAuditIndex::new(store, false));
    let clock = Arc::new(FixedClock(now));
    let audit = AuditWriter::new(
        Some(b.ks.clone()),
        Some(index.clone()),
        Trail::new(b.ks.clone()),
        clock.clone(),
        Box::new(rand::rngs::StdRng::seed_from_u64(11)),
    );
    let access = Access::new(b.ks.clone(), Some(index), clock);
    let officer = Operator {
        id: "user_officer".into(),
        role: ConsoleRole::SecurityOfficer,
        authenticated_by: "sign_in".into(),
    };

    // The console blocks .10 (no failures anywhere) and .11 (which also failed to log in).
    for ip in ["203.0.113.10", "203.0.113.11"] {
        access
            .block_ip(&audit, &officer, ip, 30, "scanner")
            .await
            .unwrap();
    }
    // The console blocked .12 too, but the service re-armed it after a burst (a new end time).
    access
        .block_ip(&audit, &officer, "203.0.113.12", 30, "scanner")
        .await
        .unwrap();
    // The console blocked .13, and later someone rewrote the key by hand (no failures).
    access
        .block_ip(&audit, &officer, "203.0.113.13", 30, "scanner")
        .await
        .unwrap();
    let (rearmed, ttl) = limits::lock_value(&(now + chrono::Duration::seconds(7)), 30);
    let mut writes = Vec::new();
    for (n, ip) in [
        (1, "203.0.113.11"),
        (2, "203.0.113.12"),
        (3, "198.51.100.20"),
    ] {
        writes.extend(seed_event_writes(&failure_from(ip, n, now)));
    }
    for ip in [
        "203.0.113.12",
        "203.0.113.13",
        "198.51.100.20",
        "192.0.2.44",
    ] {
        writes.push(Write::Set {
            key: keys::ip_block(ip),
            value: rearmed.clone().into_bytes(),
            ttl_secs: Some(ttl),
        });
    }
    b.ks.apply(&writes).await.unwrap();

    let blocks = access.list_blocks(true).await.unwrap();
    let origin_of = |ip: &str| {
        blocks
            .iter()
            .find(|r| r.subject == ip)
            .unwrap_or_else(|| panic!("{ip} listed"))
            .origin
    };
    let cases = [
        ("203.0.113.10", BlockOrigin::Console, "audited, no failures"),
        (
            "203.0.113.11",
            BlockOrigin::Console,
            "audited with this end time: failures from the address do not make it the service's",
        ),
        (
            "203.0.113.12",
            BlockOrigin::Service,
            "re-armed by the service: the console's record names another end time",
        ),
        (
            "203.0.113.13",
            BlockOrigin::Unknown,
            "rewritten by hand: an old console record of the address is not evidence",
        ),
        ("198.51.100.20", BlockOrigin::Service, "the service's burst"),
        (
            "192.0.2.44",
            BlockOrigin::Unknown,
            "no record and no failures: not the console's",
        ),
    ];
    for (ip, want, why) in cases {
        assert_eq!(origin_of(ip), Some(want), "{ip}: {why}");
    }
    let service = blocks
        .iter()
        .find(|r| r.subject == "198.51.100.20")
        .unwrap();
    assert_eq!(
        service.causes[0].user_agent, "python-requests/2.31",
        "the cause carries the service's user agent"
    );

    let cheap = access.list_blocks(false).await.unwrap();
    assert!(
        cheap.iter().all(|r| r.origin.is_none()),
        "listed without causes, the origin is not judged"
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

contract!(block_origin_is_the_audited_console_block_else_the_failures_else_unknown);
