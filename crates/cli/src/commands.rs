//! Command handlers: connect, sign in, call a core use case, print.

use std::process::ExitCode;

use rampart_console::session::Live;
use rampart_console::Connected as Stores;
use rampart_core::audit::{AuditWriter, Trail};
use rampart_core::demo::DemoPlan;
use rampart_core::overview::Overview;
use rampart_core::ports::DemoRecords;
use rampart_core::seed::SeedStore;
use rampart_core::signin;
use rampart_core::status::{self, StoreStatus};
use rampart_core::{CoreError, ErrorCode};
use rampart_domain::console::{ConsoleRole, Operator};
use rampart_domain::time::{format_naive_iso, parse_naive_iso};
use rampart_domain::trail::VerifyReport;
use rampart_store::embedded::demo_records::DemoRecordsFile;
use serde::Serialize;

use crate::output::{fail, fail_core, Out};
use crate::wiring::{self, OperatorFlags, StoreFlags};
use crate::{AuditCmd, Cli, Command, DemoCmd, DemoSeedArgs, OperatorsCmd, ProfileCmd, UsersCmd};

pub async fn run(cli: Cli, out: Out) -> ExitCode {
    let Cli {
        stores,
        operator,
        command,
        ..
    } = cli;
    let res = match command {
        Command::Profile(ProfileCmd::Test { name }) => {
            crate::profile_test::run(name, &stores, &out).await
        }
        Command::Profile(cmd) => profile(cmd, &stores, &out),
        cmd => match wiring::connect(&stores).await {
            Ok(c) => dispatch(cmd, Live::new(c), &operator, &stores, &out).await,
            Err(e) => Err(e),
        },
    };
    match res {
        Ok(code) => code,
        Err(e) => fail_core(&out, &e),
    }
}

async fn dispatch(
    cmd: Command,
    live: Live,
    op: &OperatorFlags,
    flags: &StoreFlags,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let stores = &live.connected;
    match cmd {
        // Demo data goes only into an empty store, before any operator exists: the local OS
        // user acts (recorded as `local_bootstrap`).
        Command::Demo(DemoCmd::Seed(args)) => return demo_seed(args, stores, out).await,
        Command::Operators(OperatorsCmd::Bootstrap) => {
            let creds = wiring::credentials(op, flags)?;
            let s =
                signin::bootstrap_admin(&live.audit, &local_operator(), &live.auth, creds).await?;
            out.print(
                &serde_json::json!({"bootstrapped": s.operator.id, "email": s.email, "role": s.operator.role}),
                || format!("{} ({}) is now the first console admin", s.email, s.operator.id),
            );
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let signed = wiring::sign_in(&live, op, flags).await?;
    let operator = signed.operator.clone();
    match cmd {
        Command::Signin => {
            let doc = serde_json::json!({
                "operator_id": operator.id,
                "email": signed.email,
                "username": signed.username,
                "role": operator.role,
                "profile": stores.profile,
                "read_only": stores.read_only,
            });
            out.print(&doc, || {
                format!(
                    "signed in as {} ({}), console role {}",
                    signed.email,
                    operator.id,
                    operator.role.as_str()
                )
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::Status => status_cmd(stores, out).await,
        Command::Audit(AuditCmd::Verify) => audit_verify(stores, out).await,
        Command::Audit(AuditCmd::Trail { limit }) => audit_trail(stores, out, limit).await,
        Command::Users(UsersCmd::Read(cmd)) => {
            crate::users_read::run(cmd, stores, &operator, out).await
        }
        Command::Users(UsersCmd::Admin(cmd)) => {
            crate::users_admin::users(cmd, &live, &operator, flags, out).await
        }
        Command::Approvals(cmd) => crate::users_admin::approvals(cmd, &live, &operator, out).await,
        Command::Batch(cmd) => crate::users_admin::batch(cmd, &live, &operator, out).await,
        Command::Operators(OperatorsCmd::List) => operators_list(stores, &operator, out).await,
        Command::Operators(OperatorsCmd::Grant { email, role }) => {
            let role = ConsoleRole::parse(&role).ok_or_else(|| {
                CoreError::Validation(format!(
                    "`{role}` is not a console role; use security_officer, auditor, key_custodian or console_admin"
                ))
            })?;
            let g = signin::grant_role(
                &live.audit,
                &operator,
                &stores.seed(),
                &stores.operators(),
                &email,
                role,
            )
            .await?;
            out.print(&g, || format!("{email} is now {}", g.role.as_str()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Operators(OperatorsCmd::Revoke { email }) => {
            signin::revoke_role(
                &live.audit,
                &operator,
                &stores.seed(),
                &stores.operators(),
                &email,
            )
            .await?;
            out.print(&serde_json::json!({"revoked": email}), || {
                format!("{email} no longer has a console role")
            });
            Ok(ExitCode::SUCCESS)
        }
        cmd @ (Command::Mfa(_)
        | Command::Sessions(_)
        | Command::Apikeys(_)
        | Command::Locks(_)
        | Command::Blocks(_)
        | Command::Limits(_)) => crate::access::run(cmd, &live, &operator, out).await,
        Command::Profile(_) | Command::Demo(_) | Command::Operators(OperatorsCmd::Bootstrap) => {
            unreachable!("handled above")
        }
    }
}

/// Every operator with the account behind it and what would stop its sign-in (the desktop's
/// Operators page, from the same core roster).
async fn operators_list(
    stores: &Stores,
    operator: &Operator,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let roster =
        rampart_core::operators::roster(operator, &stores.seed(), &stores.operators()).await?;
    out.print(&roster.operators, || {
        let mut s = format!(
            "{} operator(s), {} console admin(s)\n",
            roster.operators.len(),
            roster.console_admins
        );
        for o in &roster.operators {
            let role = match (&o.role, &o.grant_error) {
                (Some(r), _) => r.as_str().to_string(),
                (None, Some(e)) => format!("UNREADABLE GRANT ({e})"),
                (None, None) => "?".into(),
            };
            let sign_in = if o.blockers.is_empty() {
                "can sign in".to_string()
            } else {
                let why: Vec<String> = o
                    .blockers
                    .iter()
                    .map(|b| match serde_json::to_value(b) {
                        Ok(serde_json::Value::String(s)) => s.replace('_', " "),
                        _ => format!("{b:?}"),
                    })
                    .collect();
                format!("CANNOT SIGN IN: {}", why.join(", "))
            };
            s.push_str(&format!(
                "  {:<32} {:<28} {:<18} granted by {} at {} UTC  {}\n",
                o.email.as_deref().unwrap_or("(no user record)"),
                o.user_id,
                role,
                o.granted_by_email
                    .as_deref()
                    .or(o.granted_by.as_deref())
                    .unwrap_or("?"),
                o.granted_at.as_deref().unwrap_or("?"),
                sign_in
            ));
        }
        s.trim_end().to_string()
    });
    Ok(ExitCode::SUCCESS)
}

/// The local OS user as console admin, for the two actions that precede any operator: loading
/// demo data into an empty store and bootstrapping the first console admin. Recorded with
/// `authenticated_by: local_bootstrap` so the trail says exactly who acted and how.
fn local_operator() -> Operator {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    Operator {
        id: format!("local:{user}"),
        role: ConsoleRole::ConsoleAdmin,
        authenticated_by: "local_bootstrap".into(),
    }
}

fn writer(stores: &Stores) -> AuditWriter {
    stores.audit_writer()
}

#[derive(Serialize)]
struct StatusDoc {
    /// The same figures as the desktop's Overview page.
    overview: Overview,
    stores: Vec<StoreStatus>,
    trail: TrailStatus,
}

/// The admin trail's verify report, or why it could not be read.
#[derive(Serialize)]
struct TrailStatus {
    report: Option<VerifyReport>,
    error: Option<rampart_core::status::ErrorBody>,
}

async fn status_cmd(stores: &Stores, out: &Out) -> Result<ExitCode, CoreError> {
    let seed = SeedStore::new(stores.keyspace.clone());
    let mut all = vec![status::keyspace_status(&seed).await];
    all.push(status::audit_index_status(&*stores.index, &*stores.clock).await);
    if let Some(r) = &stores.records {
        all.push(status::records_status(&**r).await);
    }
    let trail = match status::trail_status(&Trail::new(stores.trail.clone())).await {
        Ok(r) => TrailStatus {
            report: Some(r),
            error: None,
        },
        Err(e) => TrailStatus {
            report: None,
            error: Some(e),
        },
    };
    let overview = rampart_core::overview::overview(
        &seed,
        &*stores.index,
        &Trail::new(stores.trail.clone()),
        &stores.clock,
    )
    .await;
    let doc = StatusDoc {
        overview,
        stores: all,
        trail,
    };
    let unreachable = doc.stores.iter().any(|s| !s.reachable);
    out.print(&doc, || {
        let mut s = String::new();
        let o = &doc.overview;
        s.push_str(&format!(
            "users {} ({} unreadable), MFA on {}, admins without MFA {}, events 24h {}, account locks {}, IP blocks {}\n",
            o.users_total,
            o.users_unreadable,
            o.mfa_enabled,
            o.admins_without_mfa,
            o.events_24h.map(|n| n.to_string()).unwrap_or_else(|| "unavailable".into()),
            o.account_locks,
            o.ip_blocks
        ));
        for st in &doc.stores {
            s.push_str(&format!(
                "{:<12} {:<14} {}{}\n",
                st.port,
                st.backend.kind,
                st.backend.location,
                if st.backend.read_only {
                    "  [read-only]"
                } else {
                    ""
                }
            ));
            match (&st.server, &st.error) {
                (Some(sv), _) => s.push_str(&format!(
                    "  reachable: {} {} ({} ms)\n",
                    sv.kind, sv.version, sv.latency_ms
                )),
                (None, Some(e)) => s.push_str(&format!("  UNREACHABLE: {}\n", e.message)),
                _ => {}
            }
            for (k, v) in &st.counts {
                s.push_str(&format!("  {k:<22} {v}\n"));
            }
        }
        match (&doc.trail.report, &doc.trail.error) {
            (Some(r), _) if r.ok => s.push_str(&format!(
                "admin trail: {} entries, chain intact\n",
                r.entries
            )),
            (Some(r), _) => s.push_str(&format!(
                "admin trail: BROKEN at entry {}: {}\n",
                r.first_break.unwrap_or(0),
                r.reason.clone().unwrap_or_default()
            )),
            (None, Some(e)) => s.push_str(&format!("admin trail: unavailable: {}\n", e.message)),
            (None, None) => {}
        }
        s
    });
    Ok(if unreachable {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// Passwords of the demo users (demo data only; documented in the README).
async fn demo_seed(args: DemoSeedArgs, stores: &Stores, out: &Out) -> Result<ExitCode, CoreError> {
    let now = match &args.now {
        Some(s) => parse_naive_iso(s).map_err(|e| CoreError::Validation(format!("--now: {e}")))?,
        None => rampart_core::seeding::resume_point(
            &*stores.keyspace,
            args.seed,
            args.users,
            args.events,
        )
        .await?
        .unwrap_or_else(|| stores.clock.now()),
    };
    let plan = DemoPlan {
        seed: args.seed,
        users: args.users,
        events: args.events,
        days: args.days,
        now,
    };
    // bcrypt at cost 12 is slow on purpose: hash each demo password once, off the async runtime.
    let seed = args.seed;
    let passwords =
        tokio::task::spawn_blocking(move || rampart_core::demo::hash_demo_passwords(seed))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?
            .map_err(|e| CoreError::Internal(e.to_string()))?;
    let started = std::time::Instant::now();
    let json = out.json;
    let progress = move |phase: &str, done: u64, total: u64| {
        if !json {
            eprint!("\r{phase}: {done}/{total}   ");
        }
    };
    let w = writer(stores);
    // PII records go to the records file beside an embedded store (a Redis profile has the
    // service's own SQL database, which demo data never touches).
    let records = stores
        .embedded
        .as_ref()
        .map(|s| DemoRecordsFile::beside(s.path(), stores.read_only));
    let report = rampart_core::seeding::seed_demo(
        &w,
        &local_operator(),
        stores.keyspace.clone(),
        stores.index.clone(),
        records
            .as_ref()
            .map(|r| (r as &dyn DemoRecords, args.customers)),
        &plan,
        &passwords,
        &progress,
    )
    .await?;
    let customers = report.customers;
    if !out.json {
        eprintln!();
    }
    #[derive(Serialize)]
    struct Doc {
        report: rampart_core::seeding::DemoReport,
        customers: usize,
        now: String,
        seconds: f64,
    }
    let doc = Doc {
        report,
        customers,
        now: format_naive_iso(&plan.now),
        seconds: started.elapsed().as_secs_f64(),
    };
    out.print(&doc, || {
        format!(
            "demo loaded: {} users, {} key-space writes, {} events indexed, {} PII records in {:.1} s{}",
            doc.report.users,
            doc.report.keyspace_writes,
            doc.report.events_indexed,
            doc.customers,
            doc.seconds,
            if doc.report.resumed { format!(" (resumed; {} event chunks were already loaded)", doc.report.chunks_skipped) } else { String::new() }
        )
    });
    Ok(ExitCode::SUCCESS)
}

async fn audit_verify(stores: &Stores, out: &Out) -> Result<ExitCode, CoreError> {
    let report = Trail::new(stores.trail.clone()).verify().await?;
    out.print(&report, || {
        if report.ok {
            format!(
                "admin trail intact: {} entries; head {}",
                report.entries,
                report.head_hash.clone().unwrap_or_else(|| "(empty)".into())
            )
        } else {
            format!(
                "admin trail BROKEN at entry {}: {}",
                report.first_break.unwrap_or(0),
                report.reason.clone().unwrap_or_default()
            )
        }
    });
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(5)
    })
}

async fn audit_trail(stores: &Stores, out: &Out, limit: usize) -> Result<ExitCode, CoreError> {
    let entries = Trail::new(stores.trail.clone()).recent(0, limit).await?;
    let docs: Vec<serde_json::Value> = entries
        .into_iter()
        .map(|e| match e {
            Ok(e) => serde_json::to_value(e).unwrap_or_default(),
            Err(reason) => serde_json::json!({ "unreadable": reason }),
        })
        .collect();
    out.print(&docs, || {
        docs.iter()
            .map(|d| {
                format!(
                    "#{} {} {} {} {} {}",
                    d["seq"],
                    d["at"].as_str().unwrap_or(""),
                    d["actor"].as_str().unwrap_or(""),
                    d["action"].as_str().unwrap_or(""),
                    d["subject"].as_str().unwrap_or("-"),
                    d["outcome"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(ExitCode::SUCCESS)
}

fn profile(cmd: ProfileCmd, flags: &StoreFlags, out: &Out) -> Result<ExitCode, CoreError> {
    use rampart_console::profile::{
        self as book, EsTargetInput, ProfileInput, RedisTargetInput, SecretInput, SqlTargetInput,
    };
    match cmd {
        ProfileCmd::Save { name } => {
            // The flags become a profile; secrets are not saved by the CLI (set them in the
            // desktop's Connections page, which stores them in the keychain, or pass them by
            // environment at use time).
            let f = StoreFlags {
                profile: None,
                ..flags.clone()
            };
            let (_, p) = f.profile()?;
            let input = ProfileInput {
                name: name.clone(),
                read_only: p.read_only,
                embedded: p.embedded.map(|e| e.display().to_string()),
                redis: p.redis.map(|r| RedisTargetInput {
                    url: r.url,
                    username: r.username,
                    db: r.db,
                    tls: r.tls,
                    password: SecretInput::Keep,
                }),
                es: p.es.map(|e| EsTargetInput {
                    url: e.url,
                    auth: e.auth,
                    username: e.username,
                    secret: SecretInput::Keep,
                }),
                sql: p.sql.map(|s| SqlTargetInput {
                    url: s.url,
                    password: SecretInput::Keep,
                }),
            };
            let v = book::save(&wiring::vault(), input)?;
            out.print(&v, || format!("saved profile `{name}`"));
        }
        ProfileCmd::List => {
            let all = book::list(&book::load_book()?);
            out.print(&all, || {
                all.iter()
                    .map(|v| {
                        format!(
                            "{}{}: redis={} es={} sql={} embedded={}{}",
                            v.name,
                            if v.is_default { " (default)" } else { "" },
                            v.redis.as_ref().map(|r| r.url.as_str()).unwrap_or("-"),
                            v.es.as_ref().map(|r| r.url.as_str()).unwrap_or("-"),
                            v.sql.as_ref().map(|r| r.url.as_str()).unwrap_or("-"),
                            v.embedded.as_deref().unwrap_or("-"),
                            if v.read_only { " [read-only]" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
        ProfileCmd::Test { .. } => unreachable!("tested in `profile_test`"),
        ProfileCmd::Remove { name } => {
            if let Err(e) = book::remove(&wiring::vault(), &name) {
                return Ok(match e {
                    CoreError::NotFound(_) => {
                        fail(out, ErrorCode::NotFound, &format!("no profile `{name}`"))
                    }
                    e => fail_core(out, &e),
                });
            }
            out.print(&serde_json::json!({"removed": name}), || {
                format!("removed profile `{name}`")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}
