//! The IPC schema: every type that crosses between the Rust shell and the UI. Most are declared
//! next to the code that builds them (core, console); this module adds the shell's own and
//! generates `ui/src/platform/generated/wire.ts` from all of them. A test fails when the
//! committed file differs from what the Rust types generate (`RAMPART_BLESS=1` rewrites it).

use rampart_core::error::IpcError;
use rampart_domain::console::ConsoleRole;
use serde::Serialize;
use ts_rs::TS;

use rampart_console::settings::Settings;

/// The keychain as the console found it at start.
#[derive(Debug, Clone, Serialize, TS)]
pub struct KeychainState {
    pub available: bool,
    pub backend: String,
    pub error: Option<IpcError>,
}

/// What the UI needs before anything else.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// As the OS states it, e.g. `ko_KR`.
    pub os_locale: String,
    pub data_dir: String,
    pub config_dir: String,
    pub settings: Settings,
    pub keychain: KeychainState,
    /// A corrupt settings or profile file: shown, never overwritten.
    pub config_error: Option<IpcError>,
}

/// Demo loading phases, in order.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DemoPhase {
    Passwords,
    Keyspace,
    Events,
    Records,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoProgress {
    pub phase: DemoPhase,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoOperator {
    pub email: String,
    pub role: ConsoleRole,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DemoReport {
    #[ts(type = "number")]
    pub users: u64,
    #[ts(type = "number")]
    pub events: u64,
    #[ts(type = "number")]
    pub records: u64,
    pub operators: Vec<DemoOperator>,
}

/// The generated TypeScript, in dependency-friendly order.
pub fn typescript() -> String {
    use crate::identity_wire as iw;
    use rampart_console::{identity, probe, profile, session, settings};
    use rampart_core::{error, overview};
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        error::ErrorCode::decl(&cfg),
        IpcError::decl(&cfg),
        ConsoleRole::decl(&cfg),
        rampart_domain::console::Capability::decl(&cfg),
        settings::Language::decl(&cfg),
        settings::Theme::decl(&cfg),
        settings::Settings::decl(&cfg),
        KeychainState::decl(&cfg),
        AppInfo::decl(&cfg),
        profile::EsAuth::decl(&cfg),
        profile::RedisTargetView::decl(&cfg),
        profile::EsTargetView::decl(&cfg),
        profile::SqlTargetView::decl(&cfg),
        profile::ProfileView::decl(&cfg),
        profile::SecretInput::decl(&cfg),
        profile::RedisTargetInput::decl(&cfg),
        profile::EsTargetInput::decl(&cfg),
        profile::SqlTargetInput::decl(&cfg),
        profile::ProfileInput::decl(&cfg),
        probe::StorePort::decl(&cfg),
        probe::ProbeResult::decl(&cfg),
        probe::ConnectionReport::decl(&cfg),
        session::ConnectionState::decl(&cfg),
        DemoPhase::decl(&cfg),
        DemoProgress::decl(&cfg),
        DemoOperator::decl(&cfg),
        DemoReport::decl(&cfg),
        session::SignInInput::decl(&cfg),
        session::SessionView::decl(&cfg),
        overview::RoleCount::decl(&cfg),
        overview::PurposeKeys::decl(&cfg),
        overview::TrailStatus::decl(&cfg),
        overview::OverviewPart::decl(&cfg),
        overview::Overview::decl(&cfg),
        // Identity administration (issue 4): crate::identity_wire and the console's inputs.
        rampart_core::users::BuildState::decl(&cfg),
        rampart_core::users::BuildProgress::decl(&cfg),
        rampart_domain::userindex::SortKey::decl(&cfg),
        iw::SortDir::decl(&cfg),
        iw::SortInput::decl(&cfg),
        iw::UsersQueryInput::decl(&cfg),
        iw::UserRowView::decl(&cfg),
        iw::UsersPageView::decl(&cfg),
        iw::UnreadableUserView::decl(&cfg),
        iw::UnreadablePageView::decl(&cfg),
        iw::MfaStateView::decl(&cfg),
        iw::AccountLockView::decl(&cfg),
        iw::UserDetailView::decl(&cfg),
        iw::SessionRowView::decl(&cfg),
        iw::ApiKeyRowView::decl(&cfg),
        iw::ActivityRowView::decl(&cfg),
        iw::ApprovalView::decl(&cfg),
        iw::ApprovalListView::decl(&cfg),
        identity::NewUserInput::decl(&cfg),
        iw::CreateUserResultView::decl(&cfg),
        iw::RoleChangeResultView::decl(&cfg),
        iw::StatusChangeView::decl(&cfg),
        iw::PasswordResetView::decl(&cfg),
        iw::RevokedView::decl(&cfg),
        iw::IssueKeyInput::decl(&cfg),
        iw::IssuedKeyView::decl(&cfg),
        iw::BulkActionInput::decl(&cfg),
        iw::BulkTargetInput::decl(&cfg),
        iw::BatchItemKindView::decl(&cfg),
        iw::BatchItemView::decl(&cfg),
        iw::ItemOutcomeView::decl(&cfg),
        iw::BatchResultView::decl(&cfg),
        iw::BatchPlanView::decl(&cfg),
        iw::BatchSummaryView::decl(&cfg),
        iw::BatchRunEnd::decl(&cfg),
        iw::RoleCoverageView::decl(&cfg),
        iw::AdminGapView::decl(&cfg),
        iw::MfaCoverageView::decl(&cfg),
        iw::QrMatrixView::decl(&cfg),
        iw::EnrollmentView::decl(&cfg),
        identity::CodeInput::decl(&cfg),
        error::CodeRefusal::decl(&cfg),
        iw::ConfirmResultView::decl(&cfg),
        rampart_domain::limits::BlockOrigin::decl(&cfg),
        iw::CauseEventView::decl(&cfg),
        iw::AccountLockRowView::decl(&cfg),
        iw::IpBlockRowView::decl(&cfg),
        iw::RateLimitRowView::decl(&cfg),
        iw::ReputationRowView::decl(&cfg),
        iw::UnreadableKeyView::decl(&cfg),
        iw::AccessSnapshotView::decl(&cfg),
        // Operators (console roles): rampart_core::operators and crate::operators.
        rampart_core::operators::SignInBlocker::decl(&cfg),
        rampart_core::operators::OperatorEntry::decl(&cfg),
        rampart_core::operators::OperatorRoster::decl(&cfg),
        crate::operators::OperatorGrantView::decl(&cfg),
    ];
    let mut out = String::from(
        "// GENERATED from the Rust wire schema by `RAMPART_BLESS=1 cargo test -p rampart-desktop wire`.\n// Do not edit: CI fails when this file and the Rust types drift (src-tauri/src/wire.rs).\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    // Constants the UI needs to say a limit before asking (the Rust side enforces them).
    out.push_str(&format!(
        "/** Most users one bulk batch holds (`rampart_domain::batch::MAX_BATCH_ITEMS`). */\nexport const MAX_BATCH_ITEMS = {};\n",
        rampart_domain::batch::MAX_BATCH_ITEMS
    ));
    out.push_str(&format!(
        "/** Most causing events listed per lock or block, newest first (`rampart_core::access::locks::MAX_CAUSES`). */\nexport const MAX_CAUSES = {};\n",
        rampart_core::access::locks::MAX_CAUSES
    ));
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_typescript_matches_the_rust_types() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("ui/src/platform/generated/wire.ts");
        let want = super::typescript();
        if std::env::var_os("RAMPART_BLESS").is_some() {
            std::fs::write(&path, &want).unwrap();
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/platform/generated/wire.ts is out of date with the Rust wire types; run `RAMPART_BLESS=1 cargo test -p rampart-desktop wire` and commit the result"
        );
    }
}
