//! `rampart users list | search | show`: the users table and one user's detail. Flattened into
//! `UsersCmd` so the write subcommands can live in their own file. `--json` prints the same
//! structs the desktop gets (`UserPage`, `UserDetail`).

use std::process::ExitCode;
use std::sync::Arc;

use clap::builder::BoolishValueParser;
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
    /// Users whose e-mail or username contains TEXT (case-insensitive, Unicode-normalized);
    /// `--prefix` matches only at the start.
    Search {
        text: String,
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

/// The users table's filters (every one given must hold). Shared by `users list|search` and
/// `batch plan|run`, and turned into the one index query both use, so a batch over a filter
/// acts on exactly the users `users list` shows for the same flags.
#[derive(Args, Debug, Default, Clone)]
#[group(id = "filter", multiple = true)]
pub struct FilterArgs {
    /// admin, premium_user, basic_user or guest.
    #[arg(long, alias = "with-role")]
    role: Option<String>,
    /// Active users (`--active false`, or `--inactive`, for deactivated ones).
    #[arg(
        long,
        num_args = 0..=1,
        default_missing_value = "true",
        value_name = "BOOL",
        value_parser = BoolishValueParser::new(),
        hide_possible_values = true
    )]
    active: Option<bool>,
    /// Deactivated users (same as `--active false`).
    #[arg(long, conflicts_with = "active")]
    inactive: bool,
    /// MFA enabled: on or off (true or false).
    #[arg(
        long,
        value_name = "on|off",
        value_parser = BoolishValueParser::new(),
        hide_possible_values = true
    )]
    mfa: Option<bool>,
    /// never | within:DAYS | not-within:DAYS (or never) | dormant:DAYS (as `users dormant`) |
    /// before:YYYY-MM-DD
    #[arg(long, value_name = "WHEN")]
    last_login: Option<String>,
    /// Dormant for DAYS by the dormant rule (same as `--last-login dormant:DAYS`).
    #[arg(long, value_name = "DAYS", conflicts_with = "last_login")]
    dormant_days: Option<u32>,
    /// E-mail or username contains TEXT (case-insensitive, Unicode-normalized).
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// The search text matches only at the start of the e-mail or username.
    #[arg(long)]
    prefix: bool,
}

impl FilterArgs {
    /// Whether no filter was given (a batch then needs `--ids`).
    pub fn is_empty(&self) -> bool {
        self.role.is_none()
            && self.active.is_none()
            && !self.inactive
            && self.mfa.is_none()
            && self.last_login.is_none()
            && self.dormant_days.is_none()
            && self.search.is_none()
    }

    /// The index query for these filters with `search` (the positional text of `users
    /// search`) taking the place of `--search`; default sort (newest first) and paging.
    pub fn query(&self, search: Option<String>) -> Result<UserQuery, CoreError> {
        let last_login = match (&self.last_login, self.dormant_days) {
            (Some(s), _) => Some(last_login(s)?),
            (None, Some(days)) => Some(LastLoginFilter::Dormant { days }),
            (None, None) => None,
        };
        Ok(UserQuery {
            role: self.role.clone(),
            active: if self.inactive {
                Some(false)
            } else {
                self.active
            },
            mfa: self.mfa,
            last_login,
            search: search.or_else(|| self.search.clone()),
            search_mode: if self.prefix {
                SearchMode::Prefix
            } else {
                SearchMode::Substring
            },
            ..UserQuery::default()
        })
    }
}

#[derive(Args, Debug, Default)]
pub struct ListArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Only records the service cannot read.
    #[arg(long)]
    unreadable: bool,
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
    fn query(&self, search: Option<String>) -> Result<UserQuery, CoreError> {
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
            unreadable: self.unreadable.then_some(true),
            sort,
            descending,
            offset: self.offset,
            limit: self.limit,
            ..self.filter.query(search)?
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
            let q = args.query(None)?;
            list(stores, operator, out, &q).await
        }
        UsersRead::Search { text, list: args } => {
            let q = args.query(Some(text))?;
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
