//! The console's live state: the connected profile and the signed-in operator, with the
//! inactivity lock. The desktop keeps one of these for the window; the CLI makes one per
//! invocation. Every command that needs an operator goes through [`ConsoleState::operator`],
//! which enforces the lock and re-reads the console role (a role revoked while signed in takes
//! effect on the next command).

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use rampart_core::audit::AuditWriter;
use rampart_core::signin::{Authenticator, Credentials, SignedIn};
use rampart_core::CoreError;
use rampart_domain::console::{capabilities, Capability, ConsoleRole, Operator};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::connect::Connected;
use crate::identity::IdentityState;

/// What the sign-in form sends. `Debug` shows the e-mail only.
#[derive(Clone, Deserialize, TS)]
pub struct SignInInput {
    pub email: String,
    pub password: String,
    pub totp: String,
}

impl std::fmt::Debug for SignInInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInInput")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl From<SignInInput> for Credentials {
    fn from(i: SignInInput) -> Self {
        Credentials {
            email: i.email,
            password: SecretString::from(i.password),
            totp: SecretString::from(i.totp),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionView {
    pub operator_id: String,
    pub email: String,
    pub username: String,
    pub role: ConsoleRole,
    /// What the role may do: the UI hides what is not listed (the core enforces it anyway).
    pub capabilities: Vec<Capability>,
    pub profile: String,
    pub read_only: bool,
    /// UTC, RFC 3339 with `Z`.
    pub signed_in_at: String,
    pub lock_after_minutes: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ConnectionState {
    pub profile: String,
    pub read_only: bool,
    /// Where the key space is (`redis://…`, a file), without credentials.
    pub keyspace: String,
    pub audit_index: String,
    pub records: Option<String>,
    /// Whether any console role is registered in this store (if not, the first console admin
    /// must be bootstrapped with the CLI; see the README).
    pub operators_configured: bool,
    /// An empty embedded store: the desktop offers demo data.
    pub demo_available: bool,
}

/// One connected profile with its sign-in checker, audit writer, and the identity state kept
/// for the connection (users index, running batches: see [`crate::identity`]).
pub struct Live {
    pub connected: Connected,
    pub auth: Authenticator,
    pub audit: AuditWriter,
    pub identity: IdentityState,
}

impl Live {
    pub fn new(connected: Connected) -> Self {
        let auth = connected.authenticator();
        let audit = connected.audit_writer();
        Self {
            connected,
            auth,
            audit,
            identity: IdentityState::default(),
        }
    }

    pub async fn state(&self) -> Result<ConnectionState, CoreError> {
        let c = &self.connected;
        let ks = c.keyspace.info();
        let idx = c.index.info();
        Ok(ConnectionState {
            profile: c.profile.clone(),
            read_only: c.read_only,
            keyspace: format!("{} {}", ks.kind, ks.location),
            audit_index: format!("{} {}", idx.kind, idx.location),
            records: c.records.as_ref().map(|r| {
                let i = r.info();
                format!("{} {}", i.kind, i.location)
            }),
            operators_configured: !c.operators().all().await?.is_empty(),
            demo_available: c.is_empty_embedded().await?,
        })
    }
}

/// A signed-in operator and when they last did something.
pub struct Session {
    pub signed: SignedIn,
    pub profile: String,
    pub read_only: bool,
    last_activity: NaiveDateTime,
    lock_after: u32,
}

impl Session {
    pub fn new(signed: SignedIn, profile: String, read_only: bool, lock_after: u32) -> Self {
        Self {
            last_activity: signed.at,
            signed,
            profile,
            read_only,
            lock_after,
        }
    }

    /// Whether the inactivity lock has fallen at `now`.
    pub fn expired(&self, now: NaiveDateTime) -> bool {
        now - self.last_activity > Duration::minutes(i64::from(self.lock_after))
    }

    pub fn touch(&mut self, now: NaiveDateTime) {
        if now > self.last_activity {
            self.last_activity = now;
        }
    }

    pub fn set_lock_after(&mut self, minutes: u32) {
        self.lock_after = minutes;
    }

    pub fn view(&self) -> SessionView {
        SessionView {
            operator_id: self.signed.operator.id.clone(),
            email: self.signed.email.clone(),
            username: self.signed.username.clone(),
            role: self.signed.operator.role,
            capabilities: capabilities(self.signed.operator.role),
            profile: self.profile.clone(),
            read_only: self.read_only,
            signed_in_at: format!("{}Z", self.signed.at.format("%Y-%m-%dT%H:%M:%S")),
            lock_after_minutes: self.lock_after,
        }
    }
}

/// The console's state between commands.
#[derive(Default)]
pub struct ConsoleState {
    pub live: Option<Arc<Live>>,
    pub session: Option<Session>,
    /// E-mail of the operator whose session locked, to prefill the lock screen.
    pub locked_email: Option<String>,
}

impl ConsoleState {
    pub fn live(&self) -> Result<Arc<Live>, CoreError> {
        self.live.clone().ok_or_else(|| {
            CoreError::Unavailable(
                "no profile is connected; choose one on the sign-in screen".into(),
            )
        })
    }

    /// Switch profiles. Signing in again is required: a session belongs to one store.
    pub fn connect(&mut self, live: Live) {
        self.session = None;
        self.live = Some(Arc::new(live));
    }

    /// The session at `now`, or why there is none. An expired session is dropped here, so a
    /// locked console cannot be resumed without signing in again.
    pub fn session_at(&mut self, now: NaiveDateTime) -> Result<Option<&mut Session>, CoreError> {
        if let Some(s) = &self.session {
            if s.expired(now) {
                let minutes = s.lock_after;
                self.locked_email = Some(s.signed.email.clone());
                self.session = None;
                return Err(CoreError::SessionExpired(minutes));
            }
        }
        Ok(self.session.as_mut())
    }

    /// The signed-in operator for a command at `now` (activity resets the lock).
    pub fn operator_at(&mut self, now: NaiveDateTime) -> Result<(Operator, Arc<Live>), CoreError> {
        let live = self.live()?;
        match self.session_at(now)? {
            Some(s) => {
                s.touch(now);
                Ok((s.signed.operator.clone(), live))
            }
            None => Err(CoreError::Unauthenticated("sign in first".into())),
        }
    }

    pub fn sign_out(&mut self) -> Option<Session> {
        self.locked_email = None;
        self.session.take()
    }
}

/// Re-read the operator's console role from the registry: a revoked or changed role takes
/// effect on the next command instead of at the next sign-in.
pub async fn current_role(live: &Live, op: &Operator) -> Result<Operator, CoreError> {
    match live.connected.operators().grant_of(&op.id).await? {
        Some(g) => Ok(Operator {
            role: g.role,
            ..op.clone()
        }),
        None => Err(CoreError::Forbidden(
            "your console role was removed; a console admin must grant one again".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(min: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, 24)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + Duration::minutes(min)
    }

    fn session(lock: u32) -> Session {
        Session::new(
            SignedIn {
                operator: Operator {
                    id: "user_x".into(),
                    role: ConsoleRole::Auditor,
                    authenticated_by: "sign_in".into(),
                },
                email: "a@b".into(),
                username: "a".into(),
                at: t(0),
            },
            "embedded".into(),
            false,
            lock,
        )
    }

    #[test]
    fn activity_keeps_the_session_and_silence_locks_it() {
        let mut st = ConsoleState {
            session: Some(session(15)),
            ..Default::default()
        };
        st.session_at(t(14)).unwrap().unwrap().touch(t(14));
        assert!(
            st.session_at(t(28)).unwrap().is_some(),
            "14 min after the last activity"
        );
        match st.session_at(t(30)) {
            Err(CoreError::SessionExpired(15)) => {}
            other => panic!(
                "expected the lock after 16 idle minutes, got {:?}",
                other.map(|s| s.is_some())
            ),
        }
        assert!(st.session.is_none(), "a locked session cannot be resumed");
        assert_eq!(
            st.locked_email.as_deref(),
            Some("a@b"),
            "the lock screen is prefilled"
        );
        assert!(
            matches!(st.session_at(t(31)), Ok(None)),
            "after the lock there is simply no session"
        );
    }

    #[test]
    fn sign_in_input_debug_hides_password_and_code() {
        let i = SignInInput {
            email: "x@y".into(),
            password: "hunter2-password".into(),
            totp: "123456".into(),
        };
        let d = format!("{i:?}");
        assert!(!d.contains("hunter2") && !d.contains("123456"), "{d}");
    }
}
