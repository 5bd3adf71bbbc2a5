//! Console roles and what each may do. Rampart keeps its operators' roles apart from the
//! service's user records (the service's parser rejects unknown values in
//! `user:{id}.permissions`), and every use case asks [`allows`] before acting.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
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

/// Every capability, for shells that show what a role may do.
pub const CAPABILITIES: [Capability; 5] = [
    Capability::Read,
    Capability::VerifyTrail,
    Capability::AdministerIdentity,
    Capability::AdministerKeys,
    Capability::AdministerConsole,
];

/// What `role` may do, in [`CAPABILITIES`] order (the UI greys out what is not listed; the
/// core enforces it regardless).
pub fn capabilities(role: ConsoleRole) -> Vec<Capability> {
    CAPABILITIES
        .into_iter()
        .filter(|c| allows(role, *c))
        .collect()
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

/// What an identity change does to a user's account, as far as the rule on operator accounts
/// ([`operator_account_refusal`]) cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    /// Password reset, MFA enrolment or reset, backup codes: what the account signs in with.
    Credentials,
    /// Status, service role, sessions, lock: the account's standing, no secret involved.
    Standing,
}

/// Why `actor` may not make `change` to the account `user_id`, which holds the console role
/// `held` (`None`: not an operator, never refused here).
///
/// Operators sign in to the console with their service account's password and TOTP, so whoever
/// sets those learns them and can sign in as that operator: a security officer would become a
/// console admin, and one console admin would hold both pairs of four-eyes. Nobody, a console
/// admin included, changes an operator's credentials while the role is held; revoking the role
/// first is itself audited and visible to the other admins. Other changes to an operator's
/// account reveal no secret but act on the console's own operators, which is console
/// administration: only a console admin may make them.
pub fn operator_account_refusal(
    actor: ConsoleRole,
    user_id: &str,
    held: Option<ConsoleRole>,
    change: AccountChange,
) -> Option<String> {
    let held = held?.as_str();
    match change {
        AccountChange::Credentials => Some(format!(
            "{user_id} holds the console role {held}; revoke the console role first (rampart \
             operators revoke), then change its credentials"
        )),
        AccountChange::Standing if !allows(actor, Capability::AdministerConsole) => Some(format!(
            "{user_id} holds the console role {held}; only a console admin may change an \
             operator's account"
        )),
        AccountChange::Standing => None,
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

/// Where Rampart keeps console roles: one hash in the service's key space, `user_id` → grant
/// JSON. The `rampart:` prefix is never read by the service, so its parsers are untouched.
pub const OPERATORS_KEY: &str = "rampart:console:operators";

/// Failed sign-ins within [`SIGNIN_WINDOW_SECS`] after which further attempts for the same
/// e-mail are refused until the window passes.
pub const SIGNIN_MAX_FAILURES: u32 = 5;
pub const SIGNIN_WINDOW_SECS: u64 = 15 * 60;

/// The throttle counter of one claimed e-mail. The e-mail is hashed so the key name does not
/// carry personal data into `SCAN` output or logs.
pub fn signin_failures_key(email: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(email.trim().to_lowercase().as_bytes());
    format!(
        "rampart:console:signin_failures:{}",
        hex::encode(&digest[..16])
    )
}

/// One operator's console role, as stored in [`OPERATORS_KEY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: ConsoleRole,
    /// Who granted it (`user_…`, or `local:<os user>` for the bootstrap).
    pub granted_by: String,
    /// Naive UTC ISO, as every time in the store.
    pub granted_at: String,
}

impl Grant {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a grant always serializes")
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable console grant: {e}"))
    }
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

    #[test]
    fn operator_accounts_keep_their_credentials_and_only_console_admins_change_them() {
        use AccountChange::*;
        use ConsoleRole::*;
        let roles = [SecurityOfficer, Auditor, KeyCustodian, ConsoleAdmin];
        for actor in roles {
            for change in [Credentials, Standing] {
                assert_eq!(
                    operator_account_refusal(actor, "user_x", None, change),
                    None,
                    "{actor:?} {change:?}: an ordinary user is not this rule's business"
                );
            }
            for held in roles {
                let why = operator_account_refusal(actor, "user_x", Some(held), Credentials)
                    .unwrap_or_else(|| panic!("{actor:?} set {held:?}'s credentials"));
                assert!(
                    why.starts_with(&format!("user_x holds the console role {}", held.as_str()))
                        && why.contains("rampart operators revoke"),
                    "the refusal names the role and the way out: {why}"
                );
                let standing = operator_account_refusal(actor, "user_x", Some(held), Standing);
                assert_eq!(
                    standing.is_none(),
                    actor == ConsoleAdmin,
                    "{actor:?} changing {held:?}'s standing: {standing:?}"
                );
            }
        }
    }

    #[test]
    fn grants_round_trip_and_throttle_keys_hide_the_email() {
        let g = Grant {
            role: ConsoleRole::Auditor,
            granted_by: "local:root".into(),
            granted_at: "2026-11-24T00:00:00".into(),
        };
        assert_eq!(Grant::parse(g.to_json().as_bytes()).unwrap(), g);
        assert!(
            Grant::parse(b"{\"role\":\"admin\"}").is_err(),
            "service roles are not console roles"
        );
        let k = signin_failures_key(" Officer@Rampart.demo ");
        assert_eq!(
            k,
            signin_failures_key("officer@rampart.demo"),
            "case and spaces do not split the count"
        );
        assert!(!k.contains("rampart.demo"), "no e-mail in key names");
    }
}
