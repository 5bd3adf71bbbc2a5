//! `rampart mfa|sessions|apikeys|locks|blocks|limits`: access administration over
//! `rampart_core::access`. Secrets (TOTP secret, backup codes, API keys) are printed once, by
//! the command that creates them; a TOTP code may come from `--code` (it lives 30 seconds and
//! is refused once used) or RAMPART_MFA_CODE.

use std::process::ExitCode;

use chrono::Duration;
use clap::{Args, Subcommand};
use rampart_console::session::Live;
use rampart_core::access::apikeys::IssueRequest;
use rampart_core::access::locks::Restriction;
use rampart_core::access::Access;
use rampart_core::CoreError;
use rampart_domain::console::Operator;
use rampart_domain::limits::BlockOrigin;
use rampart_domain::qr;
use secrecy::SecretString;
use serde_json::json;

use crate::output::Out;
use crate::Command;

#[derive(Subcommand, Debug)]
pub enum MfaCmd {
    /// Start an operator-assisted enrolment: prints the secret, the otpauth URI and a QR code
    /// for the user's authenticator (`--json` includes the QR module matrix). Valid 10 minutes.
    Enroll { who: String },
    /// Finish the enrolment with the code the user's authenticator shows; prints the 10
    /// backup codes once.
    Confirm {
        who: String,
        /// The 6-digit code (or RAMPART_MFA_CODE).
        #[arg(long, env = "RAMPART_MFA_CODE", hide_env_values = true)]
        code: Option<String>,
    },
    /// Replace the user's backup codes (printed once). `--regenerate` is required: the current
    /// codes stop working.
    BackupCodes {
        who: String,
        #[arg(long)]
        regenerate: bool,
    },
    /// Turn MFA off for the user (as disable_mfa does, without the user's password).
    Reset {
        who: String,
        #[arg(long)]
        reason: String,
    },
    /// MFA coverage by role; admins without MFA listed.
    Coverage,
}

#[derive(Subcommand, Debug)]
pub enum SessionsCmd {
    /// The user's refresh tokens (masked), with creation, expiry and time left.
    List { who: String },
    /// End one session (`--token` with the first characters as listed) or all of them.
    Revoke {
        who: String,
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        token: Option<String>,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ApiKeysCmd {
    /// Issue a key for a user; the key is printed once.
    Issue(IssueArgs),
    /// Every key (or one user's) with usage against quota, expiry, permissions and state.
    List {
        #[arg(long)]
        user: Option<String>,
    },
    /// is_active = false (the service refuses the key).
    Deactivate { handle: String },
    /// is_active = true.
    Activate { handle: String },
    /// Delete the key and its usage counter.
    Revoke { handle: String },
}

#[derive(Args, Debug)]
pub struct IssueArgs {
    /// Owner: user id or e-mail.
    who: String,
    /// Comma-separated permissions (default: the owner's).
    #[arg(long, value_delimiter = ',')]
    permissions: Option<Vec<String>>,
    #[arg(long, default_value_t = 1000)]
    usage_limit: i64,
    #[arg(long, default_value_t = 100)]
    rate_limit: i64,
    /// Days until the key expires (default: never).
    #[arg(long)]
    expires_days: Option<i64>,
}

#[derive(Subcommand, Debug)]
pub enum LocksCmd {
    /// Current account locks with time left and the events that caused them.
    List {
        #[arg(long)]
        no_causes: bool,
    },
    /// Lift a user's lock.
    Unlock {
        who: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum BlocksCmd {
    /// Current IP blocks with time left and the events that caused them.
    List {
        #[arg(long)]
        no_causes: bool,
    },
    /// Block an IPv4/IPv6 address for a while (written as the service writes its blocks).
    Add {
        ip: String,
        #[arg(long)]
        minutes: i64,
        #[arg(long)]
        reason: String,
    },
    /// Lift a block (the IP exactly as listed).
    Remove {
        ip: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args, Debug)]
pub struct LimitsArgs {
    /// Rows per list.
    #[arg(long, default_value_t = 50)]
    max: usize,
}

/// Run one access command for the signed-in operator.
pub async fn run(
    cmd: Command,
    live: &Live,
    operator: &Operator,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    let c = &live.connected;
    let access = Access::new(c.keyspace.clone(), Some(c.index.clone()), c.clock.clone());
    let audit = &live.audit;
    // The OS's CSPRNG is the one source of randomness in the shell; the core takes it as a
    // parameter.
    let mut rng = rand::rngs::OsRng;
    match cmd {
        Command::Mfa(MfaCmd::Enroll { who }) => {
            let e = access
                .begin_enrollment(audit, operator, &who, &mut rng)
                .await?;
            let shown = e.reveal();
            out.print(&shown, || {
                format!(
                    "Enrolment for {} (valid {} minutes).\n\nScan with the authenticator:\n\n{}\nor type the secret: {}\nURI: {}\n\nThen: rampart mfa confirm {} --code <6 digits>",
                    shown.user_id,
                    shown.expires_in_secs / 60,
                    qr::render_terminal(&shown.qr),
                    shown.secret_grouped,
                    shown.uri,
                    shown.user_id
                )
            });
        }
        Command::Mfa(MfaCmd::Confirm { who, code }) => {
            let code = code.ok_or_else(|| {
                CoreError::Validation(
                    "give the authenticator's code: --code or RAMPART_MFA_CODE".into(),
                )
            })?;
            let codes = access
                .confirm_enrollment(audit, operator, &who, &SecretString::from(code))
                .await?;
            print_codes(out, &codes.user_id, codes.reveal(), "MFA is enabled.");
        }
        Command::Mfa(MfaCmd::BackupCodes { who, regenerate }) => {
            if !regenerate {
                return Err(CoreError::Validation(
                    "backup codes are shown only when made; add --regenerate to replace them (the current ones stop working)".into(),
                ));
            }
            let codes = access
                .regenerate_backup_codes(audit, operator, &who, &mut rng)
                .await?;
            print_codes(
                out,
                &codes.user_id,
                codes.reveal(),
                "New backup codes; the old ones no longer work.",
            );
        }
        Command::Mfa(MfaCmd::Reset { who, reason }) => {
            let had = access.reset_mfa(audit, operator, &who, &reason).await?;
            out.print(&json!({"reset": who, "had_mfa": had}), || {
                if had {
                    format!("MFA reset for {who}")
                } else {
                    format!("{who} had no MFA record; the flag is now false")
                }
            });
        }
        Command::Mfa(MfaCmd::Coverage) => {
            let c = access.mfa_coverage().await?;
            out.print(&c, || {
                let mut s = String::from("role           MFA / users\n");
                for r in &c.roles {
                    let pct = if r.total == 0 {
                        0.0
                    } else {
                        r.enabled as f64 * 100.0 / r.total as f64
                    };
                    s.push_str(&format!(
                        "{:<14} {:>6} / {:<8} {:5.1}%\n",
                        r.role, r.enabled, r.total, pct
                    ));
                }
                if c.admins_without_mfa.is_empty() {
                    s.push_str("every admin has MFA\n");
                } else {
                    s.push_str(&format!(
                        "\nADMINS WITHOUT MFA ({}):\n",
                        c.admins_without_mfa.len()
                    ));
                    for g in &c.admins_without_mfa {
                        s.push_str(&format!(
                            "  {} {} ({}){}\n",
                            g.user_id,
                            g.email,
                            g.reason,
                            if g.is_active { "" } else { ", inactive" }
                        ));
                    }
                }
                if !c.unreadable.is_empty() {
                    s.push_str(&format!(
                        "{} unreadable user record(s) not counted\n",
                        c.unreadable.len()
                    ));
                }
                s.trim_end().to_string()
            });
        }
        Command::Sessions(SessionsCmd::List { who }) => {
            let l = access.list_sessions(&who).await?;
            out.print(&l, || {
                let mut s = format!("{} session(s) of {}\n", l.sessions.len(), l.user_id);
                for x in &l.sessions {
                    s.push_str(&format!(
                        "  {}  created {}  expires {}  ({} left)\n",
                        x.token,
                        x.created_at,
                        x.exp,
                        left(x.ttl_secs)
                    ));
                }
                for u in &l.unreadable {
                    s.push_str(&format!("  UNREADABLE {}: {}\n", u.key, u.reason));
                }
                s.trim_end().to_string()
            });
        }
        Command::Sessions(SessionsCmd::Revoke { who, token, all }) => {
            let r = if all {
                access.revoke_all_sessions(audit, operator, &who).await?
            } else {
                let t = token.unwrap_or_default();
                access.revoke_session(audit, operator, &who, &t).await?
            };
            out.print(&r, || {
                format!(
                    "revoked {} session(s) of {}: {}",
                    r.tokens.len(),
                    r.user_id,
                    r.tokens.join(" ")
                )
            });
        }
        Command::Apikeys(ApiKeysCmd::Issue(a)) => {
            let expires_at = match a.expires_days {
                Some(d) if d < 1 => {
                    return Err(CoreError::Validation(
                        "--expires-days must be at least 1".into(),
                    ))
                }
                Some(d) => Some(c.clock.now() + Duration::days(d)),
                None => None,
            };
            let req = IssueRequest {
                user: a.who,
                permissions: a.permissions,
                usage_limit: a.usage_limit,
                rate_limit: a.rate_limit,
                expires_at,
            };
            let k = access
                .issue_api_key(audit, operator, &req, &mut rng)
                .await?;
            let shown = k.reveal();
            out.print(&shown, || {
                format!(
                    "API key for {} (shown once; store it now):\n\n  {}\n\nhandle {}  key_id {}",
                    shown.user_id, shown.api_key, shown.handle, shown.key_id
                )
            });
        }
        Command::Apikeys(ApiKeysCmd::List { user }) => {
            let l = access.list_api_keys(user.as_deref()).await?;
            out.print(&l, || {
                let mut s = String::from("handle        key     owner                        usage/limit   state        expires\n");
                for k in &l.keys {
                    s.push_str(&format!(
                        "{}  {:<6}  {:<27}  {:>5}/{:<6}  {:<11}  {}\n",
                        k.handle,
                        k.masked,
                        k.user_id.clone().unwrap_or_default(),
                        k.usage.map(|u| u.to_string()).unwrap_or_else(|| "?".into()),
                        k.usage_limit,
                        serde_json::to_value(&k.state).ok().and_then(|v| v["state"].as_str().map(str::to_string)).unwrap_or_default(),
                        k.expires_at.clone().unwrap_or_else(|| "never".into()),
                    ));
                }
                for u in &l.unreadable {
                    s.push_str(&format!("UNREADABLE {}: {}\n", u.key, u.reason));
                }
                s.trim_end().to_string()
            });
        }
        Command::Apikeys(ApiKeysCmd::Deactivate { handle }) => {
            set_active(&access, live, operator, out, &handle, false).await?;
        }
        Command::Apikeys(ApiKeysCmd::Activate { handle }) => {
            set_active(&access, live, operator, out, &handle, true).await?;
        }
        Command::Apikeys(ApiKeysCmd::Revoke { handle }) => {
            let h = access.revoke_api_key(audit, operator, &handle).await?;
            out.print(&json!({"revoked": h}), || format!("API key {h} revoked"));
        }
        Command::Locks(LocksCmd::List { no_causes }) => {
            let l = access.list_locks(!no_causes).await?;
            print_restrictions(out, "account lock", &l);
        }
        Command::Locks(LocksCmd::Unlock { who, reason }) => {
            let r = access
                .unlock_account(audit, operator, &who, &reason)
                .await?;
            out.print(&r, || {
                format!("unlocked {} (was locked until {} UTC)", r.subject, r.until)
            });
        }
        Command::Blocks(BlocksCmd::List { no_causes }) => {
            let l = access.list_blocks(!no_causes).await?;
            print_restrictions(out, "IP block", &l);
        }
        Command::Blocks(BlocksCmd::Add {
            ip,
            minutes,
            reason,
        }) => {
            let r = access
                .block_ip(audit, operator, &ip, minutes, &reason)
                .await?;
            out.print(&r, || {
                format!("blocked {} until {} UTC", r.subject, r.until)
            });
        }
        Command::Blocks(BlocksCmd::Remove { ip, reason }) => {
            let r = access.unblock_ip(audit, operator, &ip, &reason).await?;
            out.print(&r, || {
                format!(
                    "unblocked {} (was blocked until {} UTC)",
                    r.subject, r.until
                )
            });
        }
        Command::Limits(a) => {
            let v = access.limits(a.max).await?;
            out.print(&v, || {
                let mut s = format!(
                    "rate-limit counters ({} in all, busiest first)\n",
                    v.counters_total
                );
                for c in &v.counters {
                    s.push_str(&format!(
                        "  {:<10} {:<40} {:>5}/{:<4} {}{}\n",
                        c.endpoint_type,
                        c.ip,
                        c.count.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
                        c.limit,
                        if c.limited { "LIMITED " } else { "" },
                        match c.ttl_secs {
                            Some(t) => format!("{t}s left"),
                            None => "NO TTL (limited for ever)".into(),
                        }
                    ));
                }
                s.push_str(&format!(
                    "\nlow IP reputations ({} scores in all)\n",
                    v.reputations_total
                ));
                for r in &v.low_reputations {
                    s.push_str(&format!(
                        "  {:<40} {:<6} {}\n",
                        r.ip,
                        r.raw,
                        if r.blocked_by_service {
                            "blocked by the service"
                        } else {
                            "ALLOWED by the service"
                        }
                    ));
                }
                for u in &v.unreadable {
                    s.push_str(&format!("UNREADABLE {}: {}\n", u.key, u.reason));
                }
                s.trim_end().to_string()
            });
        }
        _ => unreachable!("only access commands are routed here"),
    }
    Ok(ExitCode::SUCCESS)
}

async fn set_active(
    access: &Access,
    live: &Live,
    operator: &Operator,
    out: &Out,
    handle: &str,
    active: bool,
) -> Result<(), CoreError> {
    let v = access
        .set_api_key_active(&live.audit, operator, handle, active)
        .await?;
    out.print(&v, || {
        format!(
            "API key {} is now {}",
            v.handle,
            if active { "active" } else { "inactive" }
        )
    });
    Ok(())
}

fn print_codes(out: &Out, user_id: &str, codes: Vec<String>, headline: &str) {
    out.print(&json!({"user_id": user_id, "backup_codes": codes}), || {
        let mut s =
            format!("{headline}\nBackup codes for {user_id} (shown once; each works once):\n");
        for pair in codes.chunks(2) {
            s.push_str(&format!("  {}\n", pair.join("   ")));
        }
        s.trim_end().to_string()
    });
}

fn left(ttl: Option<u64>) -> String {
    match ttl {
        None => "no expiry".into(),
        Some(s) if s >= 86_400 => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
        Some(s) if s >= 3600 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        Some(s) => format!("{}m {}s", s / 60, s % 60),
    }
}

fn print_restrictions(out: &Out, what: &str, list: &[Restriction]) {
    out.print(&list, || {
        let mut s = format!("{} {what}(s)\n", list.len());
        for r in list {
            s.push_str(&format!(
                "  {}  until {} UTC  ({} left){}{}\n",
                r.subject,
                r.until,
                left(r.ttl_secs),
                match r.origin {
                    Some(BlockOrigin::Console) => "  set by the console",
                    Some(BlockOrigin::Service) => "  set by the service",
                    Some(BlockOrigin::Unknown) => "  origin unknown",
                    None => "",
                },
                if r.until_readable {
                    ""
                } else {
                    "  [value unreadable]"
                }
            ));
            for c in &r.causes {
                s.push_str(&format!(
                    "      {} {} {} {} from {}\n",
                    c.timestamp, c.event_type, c.action, c.result, c.ip_address
                ));
            }
        }
        s.trim_end().to_string()
    });
}
