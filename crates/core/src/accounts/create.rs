//! Create a user exactly as the service's `register_user` + `_save_user` do (CONTRACT §1.2-1.4),
//! but atomically: the e-mail key is guarded to be absent in the same write, so two consoles
//! (or a console and the service) registering the same e-mail cannot make two users.

use rampart_domain::console::{Capability, Operator};
use rampart_domain::ids::new_user_id;
use rampart_domain::keys;
use rampart_domain::time::format_naive_iso;
use rampart_domain::user::{new_user_fields, Role};
use secrecy::SecretString;
use serde::Serialize;
use serde_json::Map;

use super::{Accounts, PasswordChoice};
use crate::audit::{AuditAction, AuditWriter};
use crate::guard::mutate;
use crate::ports::{Applied, Guard, Write};
use crate::CoreError;

/// What the operator asks for.
#[derive(Debug)]
pub struct NewUser {
    /// Kept exactly as typed: the service does not normalise e-mails (§1.3).
    pub email: String,
    pub username: String,
    pub role: Role,
    pub password: PasswordChoice,
}

/// The user as written. A generated password is carried once for the shell to show; it is
/// never serialized.
#[derive(Debug, Serialize)]
pub struct Created {
    pub user_id: String,
    pub email: String,
    pub username: String,
    pub role: Role,
    pub permissions: String,
    pub created_at: String,
    #[serde(skip)]
    pub generated_password: Option<SecretString>,
}

/// The input field a refused creation is about, for a form that shows the refusal next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserField {
    Email,
    Username,
    Role,
    Password,
}

/// Which field `err`, returned by [`Accounts::create_user`] for this input, is about. Decided
/// by re-running the same pure checks in the same order (never by reading the sentence): a
/// conflict is the duplicate e-mail; a validation failure past the e-mail, username and role
/// checks is the password policy. `None`: not about one field (forbidden, store down…).
pub fn refused_field(
    email: &str,
    username: &str,
    role: Role,
    err: &CoreError,
) -> Option<UserField> {
    match err {
        CoreError::Conflict(_) => Some(UserField::Email),
        CoreError::Validation(_) => Some(if validate_email(email).is_err() {
            UserField::Email
        } else if validate_username(username).is_err() {
            UserField::Username
        } else if role == Role::Admin {
            UserField::Role
        } else {
            UserField::Password
        }),
        _ => None,
    }
}

fn validate(new: &NewUser) -> Result<(), CoreError> {
    validate_email(&new.email)?;
    validate_username(&new.username)?;
    if new.role == Role::Admin {
        return Err(CoreError::Validation(
            "a user cannot be created as admin: create it with another role, then request a \
             promotion (a second console admin approves it)"
                .into(),
        ));
    }
    Ok(())
}

fn validate_email(e: &str) -> Result<(), CoreError> {
    if e.is_empty() || e.len() > 254 || !e.contains('@') {
        return Err(CoreError::Validation(
            "the e-mail must contain @ and be at most 254 bytes".into(),
        ));
    }
    if e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CoreError::Validation(
            "the e-mail must not contain spaces or control characters (the service keeps it \
             exactly as typed, so they would become part of the address)"
                .into(),
        ));
    }
    Ok(())
}

fn validate_username(u: &str) -> Result<(), CoreError> {
    if u.trim().is_empty() || u.chars().count() > 100 || u.chars().any(char::is_control) {
        return Err(CoreError::Validation(
            "the username must be 1 to 100 characters without control characters".into(),
        ));
    }
    Ok(())
}

impl Accounts {
    /// Create a user. Refuses a duplicate e-mail with `Conflict`, an `admin` role (promotions
    /// need four-eyes approval) and passwords outside the policy.
    pub async fn create_user(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        new: NewUser,
    ) -> Result<Created, CoreError> {
        let id = self.with_rng(|r| new_user_id(r));
        let action = AuditAction::new("user_registration", "user.create")
            .subject(id.clone())
            .detail("email", new.email.clone())
            .detail("role", new.role.as_str())
            .detail(
                "password_generated",
                matches!(new.password, PasswordChoice::Generate),
            );
        let uid = id.clone();
        let (created, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            move || async move {
                let id = uid;
                validate(&new)?;
                if let Some(other) = self.seed.user_id_by_email(&new.email).await? {
                    return Err(duplicate(&new.email, &other));
                }
                let (hash, generated_password) = self.new_password_hash(new.password).await?;
                let now = audit.clock().now();
                let fields = new_user_fields(&new.email, &new.username, new.role, &now);
                let email_key = keys::user_email(&new.email);
                let guards = [
                    Guard::Exists {
                        key: email_key.clone(),
                        exists: false,
                    },
                    Guard::Exists {
                        key: keys::user(&id),
                        exists: false,
                    },
                ];
                // `_save_user`'s three writes, in its order, as one atomic batch.
                let writes = [
                    Write::HSet {
                        key: keys::user(&id),
                        fields,
                    },
                    Write::Set {
                        key: email_key,
                        value: id.clone().into_bytes(),
                        ttl_secs: None,
                    },
                    Write::Set {
                        key: keys::user_password(&id),
                        value: hash.into_bytes(),
                        ttl_secs: None,
                    },
                ];
                if self.ks.apply_guarded(&guards, &writes).await? == Applied::Conflict {
                    // Someone registered the e-mail between our check and the write.
                    let other = self
                        .seed
                        .user_id_by_email(&new.email)
                        .await?
                        .unwrap_or_else(|| "another user".into());
                    return Err(duplicate(&new.email, &other));
                }
                let created = Created {
                    user_id: id.clone(),
                    email: new.email.clone(),
                    username: new.username.clone(),
                    role: new.role,
                    permissions: new.role.permissions_field(),
                    created_at: format_naive_iso(&now),
                    generated_password,
                };
                Ok((created, Map::new()))
            },
        )
        .await?;
        self.touched(&created.user_id);
        Ok(created)
    }
}

fn duplicate(email: &str, other: &str) -> CoreError {
    CoreError::Conflict(format!(
        "the e-mail {email} is already registered ({other}); e-mails are compared exactly, as \
         the service does"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_point_at_the_field_they_are_about() {
        let v = || CoreError::Validation("x".into());
        let dup = CoreError::Conflict("taken".into());
        let basic = Role::BasicUser;
        assert_eq!(
            refused_field("a@b", "민준", basic, &dup),
            Some(UserField::Email)
        );
        assert_eq!(
            refused_field("no-at", "민준", basic, &v()),
            Some(UserField::Email)
        );
        assert_eq!(
            refused_field("a@b", " ", basic, &v()),
            Some(UserField::Username)
        );
        assert_eq!(
            refused_field("a@b", "u", Role::Admin, &v()),
            Some(UserField::Role)
        );
        assert_eq!(
            refused_field("a@b", "u", basic, &v()),
            Some(UserField::Password),
            "past the other checks only the password policy refuses"
        );
        let denied = CoreError::Forbidden("auditor".into());
        assert_eq!(refused_field("a@b", "u", basic, &denied), None);
    }
}
