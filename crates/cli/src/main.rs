//! `rampart`: the command line over rampart-core. Every command takes `--json`; failures exit
//! non-zero with `{"error": {"code", "message"}}`. Secrets come from the environment or stdin,
//! never from argv (argv is visible to every local user through /proc).

mod access;
mod output;
mod profile_test;
mod users_admin;
mod users_read;
mod wiring;

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use rampart_core::ErrorCode;

use crate::output::{fail, Out};
use crate::wiring::{OperatorFlags, StoreFlags};

// Decoding a million user hashes is dominated by small allocations; mimalloc makes those about
// twice as cheap as glibc's malloc (measured by `scripts/bench.sh`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    name = "rampart",
    version,
    about = "Rampart security console (command line)"
)]
struct Cli {
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    stores: StoreFlags,
    #[command(flatten)]
    operator: OperatorFlags,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check the operator's credentials and console role (scripts: test before running more).
    Signin,
    /// The Overview figures, reachability, versions and counts per store, and the admin
    /// trail's state.
    Status,
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCmd),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// The service's users.
    #[command(subcommand)]
    Users(UsersCmd),
    /// Saved store profiles (URLs and secret references only; never secrets).
    #[command(subcommand)]
    Profile(ProfileCmd),
    /// Console operators and their console roles (kept apart from the service's permissions).
    #[command(subcommand)]
    Operators(OperatorsCmd),
    /// Four-eyes requests to promote users to admin.
    #[command(subcommand)]
    Approvals(users_admin::ApprovalsCmd),
    /// Bulk actions over users: dry run, run, resume.
    #[command(subcommand)]
    Batch(users_admin::BatchCmd),
    /// MFA enrolment, backup codes, reset, coverage.
    #[command(subcommand)]
    Mfa(access::MfaCmd),
    /// A user's sessions (refresh tokens).
    #[command(subcommand)]
    Sessions(access::SessionsCmd),
    /// API keys: issue, list, deactivate, activate, revoke.
    #[command(subcommand)]
    Apikeys(access::ApiKeysCmd),
    /// Account locks.
    #[command(subcommand)]
    Locks(access::LocksCmd),
    /// IP blocks.
    #[command(subcommand)]
    Blocks(access::BlocksCmd),
    /// Live rate-limit counters and low IP reputations.
    Limits(access::LimitsArgs),
}

#[derive(Subcommand, Debug)]
enum OperatorsCmd {
    /// Every account with a console role.
    List,
    /// Grant (or change) a console role: security_officer, auditor, key_custodian,
    /// console_admin. Console admins only.
    Grant {
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
    },
    /// Remove a console role (never the last console admin). Console admins only.
    Revoke {
        #[arg(long)]
        email: String,
    },
    /// Make the operator given by --operator/RAMPART_OPERATOR_* the first console admin. Only
    /// while the store has no console admin; the account must prove itself with its password
    /// and TOTP code. Recorded with the local OS user as the actor.
    Bootstrap,
}

#[derive(Subcommand, Debug)]
enum DemoCmd {
    /// Fill an empty store with deterministic demo data (resumable).
    Seed(DemoSeedArgs),
}

#[derive(Args, Debug)]
struct DemoSeedArgs {
    /// Seed of the generator: the same seed and --now give the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Days of audit history.
    #[arg(long, default_value_t = 120)]
    days: i64,
    /// "Now" of the demo, naive UTC ISO (default: the current time).
    #[arg(long)]
    now: Option<String>,
    /// PII records for the demo records file beside the embedded store (`<name>.records.db`).
    #[arg(long, default_value_t = 5_000)]
    customers: usize,
}

#[derive(Subcommand, Debug)]
enum AuditCmd {
    /// Verify the admin trail's hash chain; report the first break.
    Verify,
    /// The newest admin-trail entries.
    Trail {
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Subcommand, Debug)]
enum UsersCmd {
    #[command(flatten)]
    Read(users_read::UsersRead),
    #[command(flatten)]
    Admin(users_admin::UsersAdminCmd),
}

#[derive(Subcommand, Debug)]
enum ProfileCmd {
    /// Save the store flags given on this command line under NAME.
    Save { name: String },
    /// List saved profiles.
    List,
    /// Remove a saved profile.
    Remove { name: String },
    /// Test connection: per store, whether it answers, latency, server version, the account
    /// and whether it may write. NAME, else --profile or the store flags. Exit 3 when a store
    /// is unreachable, 4 when the account of a read-write profile may not write.
    Test { name: Option<String> },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    wiring::init_tracing();
    let out = Out { json: cli.json };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return fail(
                &out,
                ErrorCode::Internal,
                &format!("cannot start the runtime: {e}"),
            )
        }
    };
    rt.block_on(commands::run(cli, out))
}

mod commands;
