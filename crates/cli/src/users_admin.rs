//! `rampart users create|deactivate|reactivate|role|reset-password|dormant`,
//! `rampart approvals list|approve|refuse` and `rampart batch plan|run|resume|show`: the account
//! lifecycle use cases of `rampart_core::accounts`. New passwords come from
//! `RAMPART_NEW_PASSWORD` or `--password-stdin new`, never argv; a generated one is printed once.

use std::collections::HashSet;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use rampart_console::session::Live;
use rampart_core::accounts::{Accounts, NewUser, PasswordChoice, RoleOutcome};
use rampart_core::audit::AuditAction;
use rampart_core::CoreError;
use rampart_domain::batch::{BatchAction, BatchPlan, ItemResult, MAX_BATCH_ITEMS};
use rampart_domain::console::{allows, Capability, Operator};
use rampart_domain::trail::Outcome;
use rampart_domain::user::Role;
use rand::SeedableRng;
use secrecy::{ExposeSecret, SecretString};

use crate::output::Out;
use crate::users_read::FilterArgs;
use crate::wiring::StoreFlags;

#[derive(Subcommand, Debug)]
pub enum UsersAdminCmd {
    /// Create a user (password from RAMPART_NEW_PASSWORD or --password-stdin new).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        /// premium_user, basic_user or guest (admin needs a promotion request).
        #[arg(long, default_value = "basic_user")]
        role: String,
    },
    /// Deactivate a user (by id or e-mail), with a reason.
    Deactivate {
        who: String,
        #[arg(long)]
        reason: String,
    },
    /// Reactivate a user, with a reason.
    Reactivate {
        who: String,
        #[arg(long)]
        reason: String,
    },
    /// Change a user's role; `admin` files a request a second console admin approves.
    Role {
        who: String,
        role: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Set a new password (RAMPART_NEW_PASSWORD, --password-stdin new, or --generate) and clear
    /// the account lock.
    ResetPassword {
        who: String,
        /// Generate a 20-character password and print it once.
        #[arg(long)]
        generate: bool,
    },
    /// Users with no login for N days (last_login, else created_at); optionally deactivate them.
    Dormant {
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// Deactivate the dormant users (with --dry-run to preview, --yes to do it).
        #[arg(long)]
        deactivate: bool,
        #[arg(long, conflicts_with = "yes")]
        dry_run: bool,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ApprovalsCmd {
    /// Promotion requests (pending ones unless --all).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Approve a promotion (console admins; never your own request).
    Approve { id: String },
    /// Refuse a promotion, with a reason.
    Refuse {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BatchCmd {
    /// Dry run: what the action would change, per user. Writes nothing.
    Plan(BatchArgs),
    /// Plan, then (with --yes) store and execute the batch.
    Run {
        #[command(flatten)]
        args: BatchArgs,
        #[arg(long)]
        yes: bool,
        /// Run at most N items now; the rest stay for `batch resume`.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// Continue an interrupted batch (items already done are not redone).
    Resume {
        id: String,
        /// Run at most N more items.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// A batch's plan and results so far.
    Show { id: String },
}

/// What a batch does and to whom: `--ids`, or the users a filter of the users table matches
/// at dry-run time (resolved by the same users index and query as `users list`).
#[derive(Args, Debug)]
pub struct BatchArgs {
    /// deactivate, reactivate, role or revoke-sessions.
    #[arg(long)]
    action: String,
    /// Target role for `--action role`.
    #[arg(long)]
    to_role: Option<String>,
    #[arg(long)]
    reason: Option<String>,
    /// User ids, comma-separated or repeated (instead of a filter).
    #[arg(long, value_delimiter = ',', conflicts_with = "filter")]
    ids: Vec<String>,
    #[command(flatten)]
    filter: FilterArgs,
}

fn accounts(live: &Live) -> Accounts {
    // OS randomness enters here, at the composition root; the core only sees the trait object.
    Accounts::new(
        live.connected.keyspace.clone(),
        Box::new(rand::rngs::StdRng::from_entropy()),
    )
}

fn parse_role(r: &str) -> Result<Role, CoreError> {
    Role::parse(r).ok_or_else(|| {
        CoreError::Validation(format!(
            "`{r}` is not a role; use admin, premium_user, basic_user or guest"
        ))
    })
}

fn new_password(flags: &StoreFlags, generate: bool) -> Result<PasswordChoice, CoreError> {
    if generate {
        return Ok(PasswordChoice::Generate);
    }
    if flags.password_stdin.as_deref() == Some("new") {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| CoreError::Validation(format!("cannot read the password: {e}")))?;
        return Ok(PasswordChoice::Given(SecretString::from(
            line.trim_end_matches(['\r', '\n']).to_string(),
        )));
    }
    match std::env::var("RAMPART_NEW_PASSWORD") {
        Ok(p) if !p.is_empty() => Ok(PasswordChoice::Given(SecretString::from(p))),
        _ => Err(CoreError::Validation(
            "set RAMPART_NEW_PASSWORD or use --password-stdin new (or --generate for resets)"
                .into(),
        )),
    }
}

fn shown_once(p: &Option<SecretString>) -> Option<String> {
    p.as_ref().map(|s| s.expose_secret().to_string())
}

pub async fn users(
    cmd: UsersAdminCmd,
    live: &Live,
    operator: &Operator,
    flags: &StoreFlags,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let acc = accounts(live);
    let audit = &live.audit;
    match cmd {
        UsersAdminCmd::Create {
            email,
            username,
            role,
        } => {
            let new = NewUser {
                email,
                username,
                role: parse_role(&role)?,
                password: new_password(flags, false)?,
            };
            let c = acc.create_user(audit, operator, new).await?;
            out.print(&c, || {
                format!("created {} <{}> as {}", c.user_id, c.email, c.role.as_str())
            });
        }
        UsersAdminCmd::Deactivate { who, reason } => {
            let c = acc
                .set_active(audit, operator, &who, false, &reason)
                .await?;
            out.print(&c, || status_line(&c.user_id, c.changed, "deactivated"));
        }
        UsersAdminCmd::Reactivate { who, reason } => {
            let c = acc.set_active(audit, operator, &who, true, &reason).await?;
            out.print(&c, || status_line(&c.user_id, c.changed, "reactivated"));
        }
        UsersAdminCmd::Role { who, role, reason } => {
            let o = acc
                .change_role(audit, operator, &who, parse_role(&role)?, reason.as_deref())
                .await?;
            out.print(&o, || match &o {
                RoleOutcome::Changed {
                    user_id,
                    before,
                    after,
                    permissions,
                } => format!(
                    "{user_id}: {} -> {} ({permissions})",
                    before.as_str(),
                    after.as_str()
                ),
                RoleOutcome::Unchanged { user_id, role } => {
                    format!("{user_id} already is {}", role.as_str())
                }
                RoleOutcome::ApprovalRequested { request } => format!(
                    "promotion request {} filed; a second console admin must approve it before {} UTC \
                     (rampart approvals approve {})",
                    request.id, request.expires_at, request.id
                ),
            });
        }
        UsersAdminCmd::ResetPassword { who, generate } => {
            let r = acc
                .reset_password(audit, operator, &who, new_password(flags, generate)?)
                .await?;
            let shown = shown_once(&r.generated_password);
            let doc = serde_json::json!({
                "user_id": r.user_id,
                "lock_cleared": r.lock_cleared,
                "sessions_revoked": r.sessions_revoked,
                "generated_password": shown,
            });
            out.print(&doc, || {
                let mut s = format!(
                    "password of {} reset; {} session(s) ended{}",
                    r.user_id,
                    r.sessions_revoked,
                    if r.lock_cleared {
                        "; account lock cleared"
                    } else {
                        ""
                    }
                );
                if let Some(p) = &shown {
                    s.push_str(&format!(
                        "\nnew password (shown once, hand it over securely): {p}"
                    ));
                }
                s
            });
        }
        UsersAdminCmd::Dormant {
            days,
            deactivate,
            dry_run,
            yes,
        } => {
            let now = live.connected.clock.now();
            let report = acc.dormant(&now, days).await?;
            if !deactivate {
                out.print(&report, || {
                    let mut s = format!(
                        "{} users with no login for {days} days ({} unreadable records)\n",
                        report.users.len(),
                        report.unreadable.len()
                    );
                    for u in &report.users {
                        s.push_str(&format!(
                            "{} {} {} {} since {} ({} days){}\n",
                            u.user_id,
                            u.email,
                            u.role.as_str(),
                            u.since,
                            u.last_activity.as_deref().unwrap_or("-"),
                            u.idle_days.map(|d| d.to_string()).unwrap_or("?".into()),
                            if u.is_active { "" } else { " [inactive]" }
                        ));
                    }
                    s
                });
                return Ok(ExitCode::SUCCESS);
            }
            let ids: Vec<String> = report.users.iter().map(|u| u.user_id.clone()).collect();
            if ids.is_empty() {
                out.print(&serde_json::json!({"dormant": 0}), || {
                    format!("no user without a login for {days} days")
                });
                return Ok(ExitCode::SUCCESS);
            }
            let action = BatchAction::Deactivate {
                reason: format!("dormant: no login for {days} days"),
            };
            let go = yes && !dry_run;
            if go {
                refuse_run_unless_allowed(live, operator).await?;
            }
            let plan = acc.plan_batch(operator, action, &ids, &now).await?;
            return execute(&acc, live, operator, plan, go.then_some(None), out).await;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn status_line(id: &str, changed: bool, what: &str) -> String {
    if changed {
        format!("{id} {what}")
    } else {
        format!("{id} already was {what}; nothing written")
    }
}

pub async fn approvals(
    cmd: ApprovalsCmd,
    live: &Live,
    operator: &Operator,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let acc = accounts(live);
    let audit = &live.audit;
    match cmd {
        ApprovalsCmd::List { all } => {
            let now = live.connected.clock.now();
            let (views, bad) = acc.list_approvals(&now, !all).await?;
            let doc = serde_json::json!({"requests": views, "unreadable": bad});
            out.print(&doc, || {
                let mut s = String::new();
                for v in &views {
                    let r = &v.request;
                    s.push_str(&format!(
                        "{} {} {} -> {} by {} at {} (expires {}) [{}]\n",
                        r.id,
                        r.user_id,
                        r.from_role.as_str(),
                        r.to_role.as_str(),
                        r.requested_by,
                        r.requested_at,
                        r.expires_at,
                        v.status_now.as_str()
                    ));
                }
                for u in &bad {
                    s.push_str(&format!("UNREADABLE {}: {}\n", u.key, u.reason));
                }
                if s.is_empty() {
                    s = "no promotion requests".into();
                }
                s
            });
        }
        ApprovalsCmd::Approve { id } => {
            let r = acc.approve(audit, operator, &id).await?;
            out.print(&r, || {
                format!("{} approved: {} is now admin", r.id, r.user_id)
            });
        }
        ApprovalsCmd::Refuse { id, reason } => {
            let r = acc.refuse(audit, operator, &id, &reason).await?;
            out.print(&r, || format!("{} refused", r.id));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn batch(
    cmd: BatchCmd,
    live: &Live,
    operator: &Operator,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let acc = accounts(live);
    match cmd {
        BatchCmd::Plan(args) => {
            let plan = plan_from(&acc, live, operator, args).await?;
            execute(&acc, live, operator, plan, None, out).await
        }
        BatchCmd::Run { args, yes, limit } => {
            if yes {
                refuse_run_unless_allowed(live, operator).await?;
            }
            let plan = plan_from(&acc, live, operator, args).await?;
            execute(&acc, live, operator, plan, yes.then_some(limit), out).await
        }
        BatchCmd::Resume { id, limit } => run_stored(&acc, live, operator, &id, limit, out).await,
        BatchCmd::Show { id } => {
            let v = acc.show_batch(&id).await?;
            out.print(&v, || {
                let mut s = format!(
                    "batch {} ({}), {} items, {} results{}\n",
                    v.plan.id,
                    v.plan.action.name(),
                    v.plan.items.len(),
                    v.results.len(),
                    if v.finished_at.is_some() {
                        ", finished"
                    } else {
                        ""
                    }
                );
                s.push_str(&results_text(&v.results));
                s
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn plan_from(
    acc: &Accounts,
    live: &Live,
    operator: &Operator,
    a: BatchArgs,
) -> Result<BatchPlan, CoreError> {
    let action =
        match a.action.as_str() {
            "deactivate" => BatchAction::Deactivate {
                reason: a.reason.clone().unwrap_or_default(),
            },
            "reactivate" => BatchAction::Reactivate {
                reason: a.reason.clone().unwrap_or_default(),
            },
            "role" => BatchAction::ChangeRole {
                role: parse_role(a.to_role.as_deref().ok_or_else(|| {
                    CoreError::Validation("--action role needs --to-role".into())
                })?)?,
                reason: a.reason.clone(),
            },
            "revoke-sessions" => BatchAction::RevokeSessions {
                reason: a.reason.clone(),
            },
            other => {
                return Err(CoreError::Validation(format!(
            "`{other}` is not a batch action; use deactivate, reactivate, role or revoke-sessions"
        )))
            }
        };
    let now = live.connected.clock.now();
    let ids = if a.filter.is_empty() {
        if a.ids.is_empty() {
            return Err(CoreError::Validation(
                "name the users: --ids, or a filter (--role, --active/--inactive, --mfa, \
                 --last-login, --dormant-days, --search)"
                    .into(),
            ));
        }
        a.ids
    } else {
        // The desktop's "every user the filter matches": the users index, built in full for
        // this invocation, resolves the filter to ids.
        let query = a.filter.query(None)?;
        let index = live.users_index();
        index.build().await?;
        let ids = index.matching_ids(operator, &query, &HashSet::new(), MAX_BATCH_ITEMS)?;
        if ids.is_empty() {
            return Err(CoreError::Validation("no user matches the filter".into()));
        }
        ids
    };
    acc.plan_batch(operator, action, &ids, &now).await
}

/// A role without identity rights asking to run a batch is refused before the dry run, and
/// the refusal is audited as `batch.start`: the core's dry run refuses such a role too, but
/// unaudited, since a dry run alone changes nothing.
async fn refuse_run_unless_allowed(live: &Live, operator: &Operator) -> Result<(), CoreError> {
    if allows(operator.role, Capability::AdministerIdentity) {
        return Ok(());
    }
    let action = AuditAction::new("console_batch", "batch.start").severity("high");
    let why = format!(
        "the console role {} may not perform {}",
        operator.role.as_str(),
        action.action
    );
    live.audit
        .record(operator, &action, Outcome::Refused, Some(&why))
        .await?;
    Err(CoreError::Forbidden(why))
}

/// Print the dry run; with `run` (`Some(limit)`), store the plan and run at most `limit`
/// items of it.
async fn execute(
    acc: &Accounts,
    live: &Live,
    operator: &Operator,
    plan: BatchPlan,
    run: Option<Option<usize>>,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let Some(limit) = run else {
        out.print(&serde_json::json!({"dry_run": true, "plan": plan}), || {
            let mut s = format!(
                "dry run of {} over {} users (nothing written; add --yes to run):\n",
                plan.action.name(),
                plan.items.len()
            );
            for i in &plan.items {
                s.push_str(&format!(
                    "{} {} {} -> {} [{:?}]{}\n",
                    i.user_id,
                    i.field,
                    i.before.as_deref().unwrap_or("-"),
                    i.after.as_deref().unwrap_or("-"),
                    i.kind,
                    i.note
                        .as_deref()
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default()
                ));
            }
            s
        });
        return Ok(ExitCode::SUCCESS);
    };
    acc.start_batch(&live.audit, operator, &plan).await?;
    run_stored(acc, live, operator, &plan.id, limit, out).await
}

async fn run_stored(
    acc: &Accounts,
    live: &Live,
    operator: &Operator,
    id: &str,
    limit: Option<usize>,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let json = out.json;
    let progress = move |done: usize, total: usize| {
        if !json {
            eprint!("\r{done}/{total}   ");
        }
    };
    let report = acc
        .run_batch(&live.audit, operator, id, limit, &progress)
        .await?;
    if !json {
        eprintln!();
    }
    out.print(&report, || {
        format!(
            "batch {}: {:?}{}\n{}",
            report.id,
            report.counts,
            if report.finished {
                String::new()
            } else {
                format!(" (unfinished: rampart batch resume {})", report.id)
            },
            results_text(&report.results)
        )
    });
    Ok(if report.counts.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn results_text(results: &[ItemResult]) -> String {
    results
        .iter()
        .map(|r| {
            format!(
                "#{} {} {:?} {} -> {}{}{}",
                r.index,
                r.user_id,
                r.status,
                r.before.as_deref().unwrap_or("-"),
                r.after.as_deref().unwrap_or("-"),
                r.approval_id
                    .as_deref()
                    .map(|a| format!(" request {a}"))
                    .unwrap_or_default(),
                r.error
                    .as_deref()
                    .map(|e| format!(" error: {e}"))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
