//! Identity administration for a connection: the users index the connection keeps, and the
//! account and access use cases wired to it (every user Rampart changes is re-read into the
//! index before the command that changed it returns, so the table never shows stale rows).
//!
//! The index is built once per connection, in the background, right after the first sign-in of
//! an operator who may read: building it needs no operator at the port level, but reading
//! users does, so nothing is scanned for a console nobody signed in to.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use rampart_core::access::Access;
use rampart_core::accounts::{Accounts, PasswordChoice};
use rampart_core::users::{BuildProgress, BuildState, UserIndex};
use rampart_core::CoreError;
use rampart_domain::console::{allows, Capability, Operator};
use rampart_domain::user::Role;
use rand::SeedableRng;
use secrecy::SecretString;
use serde::Deserialize;
use ts_rs::TS;

use crate::session::Live;

/// The identity state of one connection (held by [`Live`]).
#[derive(Default)]
pub struct IdentityState {
    users: OnceLock<Arc<UserIndex>>,
    /// Users changed by this console and not yet re-read into the index.
    changed: Arc<Mutex<Vec<String>>>,
    /// Stop flags of the batches running now, by batch id (the cancel button sets one).
    stops: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Bulk dry runs not yet executed ([`crate::bulk`]).
    pub(crate) held: Mutex<crate::bulk::HeldPlans>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Live {
    /// The connection's users index, created empty on first use (the build starts at sign-in,
    /// see [`Live::start_users_index`]).
    pub fn users_index(&self) -> Arc<UserIndex> {
        self.identity
            .users
            .get_or_init(|| {
                UserIndex::new(
                    self.connected.keyspace.clone(),
                    self.connected.clock.clone(),
                )
            })
            .clone()
    }

    /// After a successful sign-in: start the first scan pass in the background when the
    /// operator may read users and no pass has run yet. Later sign-ins on the same connection
    /// reuse what is loaded.
    pub fn start_users_index(&self, operator: &Operator) {
        if !allows(operator.role, Capability::Read) {
            return;
        }
        let index = self.users_index();
        if index.progress().state == BuildState::Idle {
            spawn_refresh(index);
        }
    }

    /// Start an incremental pass (new, changed and deleted users) unless one is running, and
    /// say where the index stands. The users page asks on demand and every minute while open.
    pub fn refresh_users(&self) -> BuildProgress {
        let index = self.users_index();
        if index.progress().state != BuildState::Building {
            spawn_refresh(index.clone());
        }
        index.progress()
    }

    /// The account use cases, reporting every user they change to this connection's index.
    pub fn accounts(&self) -> Accounts {
        let changed = self.identity.changed.clone();
        Accounts::new(
            self.connected.keyspace.clone(),
            Box::new(rand::rngs::StdRng::from_entropy()),
        )
        .on_user_changed(Arc::new(move |id: &str| {
            lock(&changed).push(id.to_string())
        }))
    }

    /// The access use cases (MFA, sessions, API keys, locks). Their writes to `user:{id}`
    /// (`mfa_enabled`) are reported with [`Live::user_changed`].
    pub fn access(&self) -> Access {
        let c = &self.connected;
        Access::new(c.keyspace.clone(), Some(c.index.clone()), c.clock.clone())
    }

    /// Record that this console changed `user_id` (for writes outside [`Accounts`]).
    pub fn user_changed(&self, user_id: &str) {
        lock(&self.identity.changed).push(user_id.to_string());
    }

    /// Re-read every user changed since the last call into the index. A failed re-read is
    /// logged and left to the next pass: the change itself already happened.
    pub async fn settle_users(&self) {
        let ids: Vec<String> = std::mem::take(&mut *lock(&self.identity.changed));
        let Some(index) = self.identity.users.get() else {
            return;
        };
        for id in ids {
            if let Err(e) = index.upsert(&id).await {
                tracing::warn!("user {id} changed but could not be re-read into the index: {e}");
            }
        }
    }

    /// A stop flag for a batch about to run (replacing a stale one).
    pub fn batch_stop(&self, batch_id: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        lock(&self.identity.stops).insert(batch_id.to_string(), flag.clone());
        flag
    }

    /// Ask a running batch to stop after its current item. `false`: it is not running here.
    pub fn cancel_batch(&self, batch_id: &str) -> bool {
        match lock(&self.identity.stops).get(batch_id) {
            Some(f) => {
                f.store(true, std::sync::atomic::Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    pub fn batch_ended(&self, batch_id: &str) {
        lock(&self.identity.stops).remove(batch_id);
    }
}

fn spawn_refresh(index: Arc<UserIndex>) {
    tokio::spawn(async move {
        match index.refresh().await {
            // Another pass is under way: it does the same work.
            Ok(_) | Err(CoreError::Conflict(_)) => {}
            // Kept in the index's progress (state failed, with the reason) for the page.
            Err(e) => tracing::warn!("users index pass failed: {e}"),
        }
    });
}

/// What the create-user form sends. `Debug` hides the password; it becomes a `SecretString`
/// as soon as the command has it ([`NewUserInput::into_parts`]).
#[derive(Clone, Deserialize, TS)]
pub struct NewUserInput {
    pub email: String,
    pub username: String,
    /// `admin`, `premium_user`, `basic_user` or `guest`.
    pub role: String,
    /// Empty: Rampart generates one and returns it once.
    pub password: String,
}

impl std::fmt::Debug for NewUserInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUserInput")
            .field("email", &self.email)
            .field("username", &self.username)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A create-user request with the password already secret.
pub struct NewUserParts {
    pub email: String,
    pub username: String,
    pub role: Role,
    pub password: PasswordChoice,
}

impl NewUserInput {
    pub fn into_parts(self) -> Result<NewUserParts, CoreError> {
        let role = parse_role(&self.role)?;
        let password = if self.password.is_empty() {
            PasswordChoice::Generate
        } else {
            PasswordChoice::Given(SecretString::from(self.password))
        };
        Ok(NewUserParts {
            email: self.email,
            username: self.username,
            role,
            password,
        })
    }
}

/// A generated password leaves the core here, for the one screen that shows it.
pub fn shown_once(p: Option<&SecretString>) -> Option<String> {
    use secrecy::ExposeSecret;
    p.map(|p| p.expose_secret().to_string())
}

pub fn parse_role(s: &str) -> Result<Role, CoreError> {
    Role::parse(s).ok_or_else(|| {
        CoreError::Validation(format!(
            "`{s}` is not a role of the service; use admin, premium_user, basic_user or guest"
        ))
    })
}

/// An authenticator code typed by the operator. `Debug` hides it.
#[derive(Clone, Deserialize, TS)]
pub struct CodeInput {
    pub code: String,
}

impl std::fmt::Debug for CodeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CodeInput(..)")
    }
}

impl CodeInput {
    pub fn into_secret(self) -> SecretString {
        SecretString::from(self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_hide_their_secrets_in_debug() {
        let i = NewUserInput {
            email: "a@b.test".into(),
            username: "민준".into(),
            role: "basic_user".into(),
            password: "correct-horse-battery".into(),
        };
        let d = format!("{i:?}");
        assert!(
            d.contains("a@b.test") && !d.contains("correct-horse"),
            "{d}"
        );
        let c = CodeInput {
            code: "123456".into(),
        };
        assert!(!format!("{c:?}").contains("123456"));
    }

    #[test]
    fn an_empty_password_asks_for_a_generated_one_and_roles_are_checked() {
        let mut i = NewUserInput {
            email: "a@b.test".into(),
            username: "u".into(),
            role: "guest".into(),
            password: String::new(),
        };
        assert!(matches!(
            i.clone().into_parts().unwrap().password,
            PasswordChoice::Generate
        ));
        i.role = "root".into();
        assert!(matches!(i.into_parts(), Err(CoreError::Validation(_))));
    }
}
