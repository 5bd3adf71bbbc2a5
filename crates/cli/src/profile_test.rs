//! `rampart profile test [NAME]`: the desktop's "Test connection" (`rampart_console::probe`)
//! for a terminal. Per store: whether it answers, how fast, which server version, which
//! account (Redis `ACL WHOAMI`, SQL `current_user`) and whether that account may write. Like
//! the desktop's button it needs no signed-in operator: it is how an operator finds out
//! whether signing in can work at all.
//!
//! The exit status says what a script must know: 0 every store answers (and may be written,
//! unless the profile is read-only), 3 a store is unreachable (retry later), 4 the account of a
//! read-write profile may not write (every change would fail), 1 any other failure (wrong
//! password, TLS, a corrupt file).

use std::process::ExitCode;

use rampart_console::probe::{self, ConnectionReport, ProbeResult, StorePort};
use rampart_core::{CoreError, ErrorCode};
use serde::Serialize;

use crate::output::{exit_status, Out};
use crate::wiring::{self, StoreFlags};

/// The probe's report with the verdict the exit status encodes.
#[derive(Serialize)]
struct TestDoc {
    #[serde(flatten)]
    report: ConnectionReport,
    read_only: bool,
    /// Every store answered, and may be written unless the profile is read-only.
    ok: bool,
    /// One sentence per problem found, in store order.
    problems: Vec<String>,
}

fn port_name(p: StorePort) -> &'static str {
    match p {
        StorePort::Keyspace => "key space",
        StorePort::AuditIndex => "audit index",
        StorePort::Records => "records database",
    }
}

/// Problem sentences and the exit status for a report.
fn verdict(report: &ConnectionReport, read_only: bool) -> (Vec<String>, u8) {
    let mut problems = Vec::new();
    let mut status = 0u8;
    let mut note = |s: u8| {
        // An unreachable store decides the status (scripts retry those); otherwise the first
        // problem does.
        if s == 3 || status == 0 {
            status = s;
        }
    };
    for r in &report.results {
        let place = format!("{} ({} at {})", port_name(r.port), r.backend, r.target);
        if let Some(e) = &r.error {
            problems.push(format!("cannot use the {place}: {}", e.message));
            note(exit_status(e.code));
        } else if !read_only && r.may_write == Some(false) {
            problems.push(format!(
                "the account `{}` may not write to the {place}, but the profile `{}` is \
                 read-write: every change would fail; use an account with write rights or make \
                 the profile read-only",
                r.account.as_deref().unwrap_or("?"),
                report.profile
            ));
            note(exit_status(ErrorCode::Forbidden));
        }
    }
    (problems, status)
}

pub async fn run(
    name: Option<String>,
    flags: &StoreFlags,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let flags = StoreFlags {
        profile: name.or_else(|| flags.profile.clone()),
        ..flags.clone()
    };
    let (profile, p, secrets) = wiring::resolve(&flags).await?;
    let report = probe::probe(&profile, &p, secrets).await;
    let (problems, status) = verdict(&report, p.read_only);
    let doc = TestDoc {
        report,
        read_only: p.read_only,
        ok: status == 0,
        problems,
    };
    out.print(&doc, || render(&doc));
    Ok(ExitCode::from(status))
}

fn render(doc: &TestDoc) -> String {
    let mut s = format!(
        "profile `{}` ({})\n{:<17} {:<14} {:>8}  {:<12} {:<24} {:<6} {}\n",
        doc.report.profile,
        if doc.read_only {
            "read-only"
        } else {
            "read-write"
        },
        "STORE",
        "BACKEND",
        "LATENCY",
        "VERSION",
        "ACCOUNT",
        "WRITE",
        "TARGET"
    );
    for r in &doc.report.results {
        s.push_str(&row(r));
    }
    if doc.problems.is_empty() {
        s.push_str("\nevery store answers");
    } else {
        s.push('\n');
        for p in &doc.problems {
            s.push_str(&format!("PROBLEM: {p}\n"));
        }
    }
    s.trim_end().to_string()
}

fn row(r: &ProbeResult) -> String {
    let dash = || "-".to_string();
    let mut s = if r.ok {
        format!(
            "{:<17} {:<14} {:>8}  {:<12} {:<24} {:<6} {}\n",
            port_name(r.port),
            r.backend,
            r.latency_ms
                .map(|ms| format!("{ms} ms"))
                .unwrap_or_else(dash),
            r.server_version.clone().unwrap_or_else(dash),
            r.account.clone().unwrap_or_else(dash),
            match r.may_write {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "?",
            },
            r.target
        )
    } else {
        format!(
            "{:<17} {:<14} {:>8}  FAILED: {}\n{:<17} {}\n",
            port_name(r.port),
            r.backend,
            "-",
            r.error.as_ref().map(|e| e.message.as_str()).unwrap_or(""),
            "",
            r.target
        )
    };
    for n in &r.notes {
        s.push_str(&format!("{:<17} note: {n}\n", ""));
    }
    s
}
