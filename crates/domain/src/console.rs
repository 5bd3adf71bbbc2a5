//! Console roles and what each may do. Rampart keeps its operators' roles apart from the
//! service's user records (the service's parser rejects unknown values in
//! `user:{id}.permissions`), and every use case asks [`allows`] before acting.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleRole {
    /// Daily identity and threat work: users, MFA, sessions, API keys, locks.
    SecurityOfficer,
    /// Reads everything, changes nothing.
    Auditor,
    /// Key lifecycle and ceremonies.
    KeyCustodian,
    /// Console setup: operators, profiles, demo data.
    ConsoleAdmin,
}

impl ConsoleRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            ConsoleRole::SecurityOfficer => "security_officer",
            ConsoleRole::Auditor => "auditor",
            ConsoleRole::KeyCustodian => "key_custodian",
            ConsoleRole::ConsoleAdmin => "console_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::SecurityOfficer,
            Self::Auditor,
            Self::KeyCustodian,
            Self::ConsoleAdmin,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// What a command does, at the granularity authorization needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// Read store status, users, keys' metadata, audit events.
    Read,
    /// Verify the admin trail.
    VerifyTrail,
    /// Change users, MFA, sessions, API keys, locks, blocks.
    AdministerIdentity,
    /// Create, rotate, revoke keys; ceremonies.
    AdministerKeys,
    /// Load demo data, manage operators and profiles.
    AdministerConsole,
}

/// The policy table. Auditors only read; each other role writes its own area.
pub fn allows(role: ConsoleRole, cap: Capability) -> bool {
    use Capability::*;
    use ConsoleRole::*;
    match cap {
        Read | VerifyTrail => true,
        AdministerIdentity => matches!(role, SecurityOfficer | ConsoleAdmin),
        AdministerKeys => matches!(role, KeyCustodian),
        AdministerConsole => matches!(role, ConsoleAdmin),
    }
}

/// The operator performing an action: the actor of every audit record, kept apart from the
/// subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    /// Stable id (`user_…` of the user store, or `local:<os user>` for the local bootstrap).
    pub id: String,
    pub role: ConsoleRole,
    /// How the operator was established: `sign_in` or `local_bootstrap`.
    pub authenticated_by: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auditors_never_write_and_everyone_reads() {
        for cap in [
            Capability::AdministerIdentity,
            Capability::AdministerKeys,
            Capability::AdministerConsole,
        ] {
            assert!(
                !allows(ConsoleRole::Auditor, cap),
                "auditor must not {cap:?}"
            );
        }
        for role in [
            ConsoleRole::SecurityOfficer,
            ConsoleRole::Auditor,
            ConsoleRole::KeyCustodian,
            ConsoleRole::ConsoleAdmin,
        ] {
            assert!(allows(role, Capability::Read) && allows(role, Capability::VerifyTrail));
            assert_eq!(ConsoleRole::parse(role.as_str()), Some(role));
        }
        assert!(
            !allows(ConsoleRole::SecurityOfficer, Capability::AdministerKeys),
            "separation of duties"
        );
        assert!(allows(
            ConsoleRole::KeyCustodian,
            Capability::AdministerKeys
        ));
    }
}
