//! `rampart users list | search | show`: the users table and one user's detail. Flattened into
//! `UsersCmd` so the write subcommands can live in their own file. `--json` prints the same
//! structs the desktop gets (`UserPage`, `UserDetail`).

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use rampart_console::Connected as Stores;
use rampart_core::users::{
    self, LastLoginFilter, SearchMode, SortKey, UserIndex, UserPage, UserQuery, UserRow,
};
use rampart_core::CoreError;
use rampart_domain::console::Operator;

use crate::output::Out;

#[derive(Subcommand, Debug)]
pub enum UsersRead {
    /// List users (SCAN-based, every record of the store); unreadable records are listed with
    /// their reason.
    List(ListArgs),
    /// Users whose e-mail or username contains TEXT (case-insensitive, Unicode-normalized).
    Search {
        text: String,
        /// Match only at the start of the e-mail or username.
        #[arg(long)]
        prefix: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// One user by id (`user_…`) or e-mail: profile, permissions, MFA, sessions, API keys,
    /// lock and recent events.
    Show { who: String },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SortArg {
    Email,
    Username,
    Role,
    CreatedAt,
    LastLogin,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OrderArg {
    Asc,
    Desc,
}

#[derive(Args, Debug, Default)]
pub struct ListArgs {
    /// admin, premium_user, basic_user or guest.
    #[arg(long)]
    role: Option<String>,
    /// true or false.
    #[arg(long)]
    active: Option<bool>,
    /// MFA enabled: true or false.
    #[arg(long)]
    mfa: Option<bool>,
    /// never | within:DAYS | not-within:DAYS (or never) | dormant:DAYS (as `users dormant`) |
    /// before:YYYY-MM-DD
    #[arg(long, value_name = "WHEN")]
    last_login: Option<String>,
    /// Only records the service cannot read.
    #[arg(long)]
    unreadable: bool,
    /// Search text (see `users search`).
    #[arg(long)]
    search: Option<String>,
    #[arg(long, value_enum)]
    sort: Option<SortArg>,
    /// Default: newest first for dates, A→Z otherwise.
    #[arg(long, value_enum)]
    order: Option<OrderArg>,
    #[arg(long, default_value_t = 50)]
    limit: u64,
    #[arg(long, default_value_t = 0)]
    offset: u64,
}

fn last_login(s: &str) -> Result<LastLoginFilter, CoreError> {
    let bad = || {
        CoreError::Validation(format!(
            "`{s}` is not a last-login filter; use never, within:DAYS, not-within:DAYS, dormant:DAYS or before:YYYY-MM-DD"
        ))
    };
    let days = |d: &str| d.parse::<u32>().map_err(|_| bad());
    Ok(match s.split_once(':') {
        None if s == "never" => LastLoginFilter::Never,
        Some(("within", d)) => LastLoginFilter::Within { days: days(d)? },
        Some(("not-within", d)) => LastLoginFilter::NotWithin { days: days(d)? },
        Some(("dormant", d)) => LastLoginFilter::Dormant { days: days(d)? },
        Some(("before", d)) => LastLoginFilter::Before {
            date: d.to_string(),
        },
        _ => return Err(bad()),
    })
}

impl ListArgs {
    fn query(&self, search: Option<String>, mode: SearchMode) -> Result<UserQuery, CoreError> {
        let sort = match self.sort.unwrap_or(SortArg::CreatedAt) {
            SortArg::Email => SortKey::Email,
            SortArg::Username => SortKey::Username,
            SortArg::Role => SortKey::Role,
            SortArg::CreatedAt => SortKey::CreatedAt,
            SortArg::LastLogin => SortKey::LastLogin,
        };
        let descending = match self.order {
            Some(OrderArg::Desc) => true,
            Some(OrderArg::Asc) => false,
            None => matches!(sort, SortKey::CreatedAt | SortKey::LastLogin),
        };
        Ok(UserQuery {
            role: self.role.clone(),
            active: self.active,
            mfa: self.mfa,
            last_login: self.last_login.as_deref().map(last_login).transpose()?,
            unreadable: self.unreadable.then_some(true),
            search: search.or_else(|| self.search.clone()),
            search_mode: mode,
            sort,
            descending,
            offset: self.offset,
            limit: self.limit,
        })
    }
}

pub async fn run(
    cmd: UsersRead,
    stores: &Stores,
    operator: &Operator,
    out: &Out,
) -> Result<ExitCode, CoreError> {
    match cmd {
        UsersRead::List(args) => {
            let q = args.query(None, SearchMode::Substring)?;
            list(stores, operator, out, &q).await
        }
        UsersRead::Search {
            text,
            prefix,
            list: args,
        } => {
            let mode = if prefix {
                SearchMode::Prefix
            } else {
                SearchMode::Substring
            };
            let q = args.query(Some(text), mode)?;
            list(stores, operator, out, &q).await
        }
        UsersRead::Show { who } => show(stores, operator, out, &who).await,
    }
}

async fn list(
    stores: &Stores,
    operator: &Operator,
    out: &Out,
    q: &UserQuery,
) -> Result<ExitCode, CoreError> {
    users::index::require_read(operator)?;
    let index = UserIndex::new(stores.keyspace.clone(), stores.clock.clone());
    // One invocation: build fully, then answer (the desktop queries while it builds).
    index.build().await?;
    let page = index.list(operator, q)?;
    out.print(&page, || render_page(&page));
    Ok(ExitCode::SUCCESS)
}

fn render_page(page: &UserPage) -> String {
    let mut s = format!(
        "{} matching of {} users ({} unreadable), showing {}–{}\n",
        page.total,
        page.loaded,
        page.unreadable,
        if page.rows.is_empty() {
            0
        } else {
            page.offset + 1
        },
        page.offset + page.rows.len() as u64
    );
    for row in &page.rows {
        match row {
            UserRow::User(u) => s.push_str(&format!(
                "{:<28} {:<13} {:<8} mfa:{:<3} {:<32} {:<20} last login {}{}\n",
                u.id,
                u.role,
                if u.is_active { "active" } else { "INACTIVE" },
                if u.mfa_enabled { "on" } else { "off" },
                u.email,
                u.username,
                u.last_login.as_deref().unwrap_or("never"),
                if u.has_warnings { "  (warnings)" } else { "" }
            )),
            UserRow::Unreadable(u) => s.push_str(&format!("UNREADABLE {}: {}\n", u.key, u.reason)),
        }
    }
    s
}

async fn show(
    stores: &Stores,
    operator: &Operator,
    out: &Out,
    who: &str,
) -> Result<ExitCode, CoreError> {
    let index: Arc<dyn rampart_core::ports::AuditIndex> = stores.index.clone();
    let d = users::user_detail(
        &stores.seed(),
        Some(index.as_ref()),
        stores.clock.as_ref(),
        operator,
        who,
    )
    .await?;
    out.print(&d, || {
        let mut s = format!("{}\n", d.id);
        match (&d.profile, &d.unreadable) {
            (Some(p), _) => {
                s.push_str(&format!(
                    "  e-mail: {}\n  name: {}\n  role: {}\n  permissions: {}{}\n  active: {}\n  created: {}\n  last login: {}\n",
                    p.email,
                    p.username,
                    p.role,
                    p.permissions.join(","),
                    if p.permissions_match_role { "" } else { "  (DIFFERS from the role's table)" },
                    p.is_active,
                    p.created_at.as_deref().unwrap_or(""),
                    p.last_login.as_deref().unwrap_or("never"),
                ));
                for w in &p.warnings {
                    s.push_str(&format!("  warning: {w}\n"));
                }
            }
            (None, Some(r)) => s.push_str(&format!("  UNREADABLE: {r}\n")),
            (None, None) => {}
        }
        let m = &d.mfa;
        s.push_str(&format!(
            "  MFA: {}{}\n",
            if m.record {
                format!(
                    "enabled {} ({} backup codes left)",
                    m.enabled_at.as_deref().unwrap_or(""),
                    m.backup_codes_left
                )
            } else if m.flag {
                "flag on but no mfa record".into()
            } else {
                "off".into()
            },
            if m.inconsistent { "  (flag and record disagree)" } else { "" }
        ));
        s.push_str(&format!("  sessions: {}\n", d.sessions.len()));
        for x in &d.sessions {
            s.push_str(&format!(
                "    {} created {} expires {}{}\n",
                x.token,
                x.created_at,
                x.expires_at,
                if x.expired { " (expired)" } else { "" }
            ));
        }
        s.push_str(&format!("  API keys: {}\n", d.api_keys.len()));
        for k in &d.api_keys {
            s.push_str(&format!(
                "    {} {} {} usage {}/{}\n",
                k.key,
                k.key_id.as_deref().unwrap_or("-"),
                k.state,
                k.usage.as_deref().unwrap_or("0"),
                k.usage_limit
            ));
        }
        match &d.lock {
            Some(l) => s.push_str(&format!(
                "  LOCKED until {} ({} s left)\n",
                l.until, l.seconds_left
            )),
            None => s.push_str("  lock: none\n"),
        }
        s.push_str(&format!("  recent events ({}):\n", d.events_source));
        for e in &d.events {
            s.push_str(&format!(
                "    {} {} {} {} {}\n",
                e.timestamp, e.event_type, e.action, e.result, e.ip_address
            ));
        }
        for p in &d.problems {
            s.push_str(&format!("  UNREADABLE {}: {}\n", p.key, p.reason));
        }
        s
    });
    Ok(ExitCode::SUCCESS)
}
