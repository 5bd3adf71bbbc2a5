//! Operator-assisted MFA enrolment, exactly as the seed's `MFAService` writes it (CONTRACT §2):
//! begin (`setup_mfa`: `mfa_setup:{id}`, TTL 600), confirm with a code from the authenticator
//! (`verify_and_enable_mfa`: `mfa:{id}`, `mfa_enabled` = `true`, `mfa_setup:{id}` deleted),
//! regenerate backup codes (`regenerate_backup_codes`), reset (`disable_mfa` without the user's
//! password: an audited operator action with a reason), and coverage by role.
//!
//! Where Rampart is stricter than the seed (CONTRACT §7.4): a confirmation accepts only a TOTP
//! code (the seed also takes a setup backup code, which proves nothing about the authenticator),
//! and a time step once accepted for a user is refused, across processes, through
//! [`replay_key`].
//!
//! Enrolment, backup codes and reset are refused on an account that holds a console role
//! (revoke the role first): whoever holds an operator's TOTP secret or backup codes could sign
//! in as that operator ([`crate::guard::operator_guard`]).

use std::collections::BTreeMap;

use rampart_domain::console::{AccountChange, Capability, Operator};
use rampart_domain::keys;
use rampart_domain::mfa::{self as seedmfa, MfaRecord, SETUP_TTL_SECS};
use rampart_domain::qr::{self, QrMatrix};
use rampart_domain::totp::{self, CodeCheck};
use rampart_domain::user::{mfa_flag_after_change, Role};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;

use super::{details, require_reason, unix, Access};
use crate::audit::{AuditAction, AuditWriter};
use crate::error::CodeRefusal;
use crate::guard::{mutate, operator_guard};
use crate::ports::{Applied, Guard, Write, MAX_BATCH};
use crate::seed::Unreadable;
use crate::CoreError;

/// How long the last accepted step is remembered. `valid_window=1` accepts a code for at most
/// three steps (90 s); remembering it longer costs nothing and covers clock jitter.
pub const REPLAY_TTL_SECS: u64 = 180;
/// Optimistic-write retries when the service rewrites `mfa:{id}` at the same moment.
const RETRIES: usize = 5;

/// Where the last TOTP step accepted for a user's enrolment lives. In the store, not in memory,
/// so the CLI (one process per command) and the desktop refuse the same replay.
pub fn replay_key(user_id: &str) -> String {
    format!("rampart:mfa:last_step:{user_id}")
}

/// A started enrolment: what the operator shows the user once. Secret-bearing: `Debug`
/// redacts; [`Enrollment::reveal`] is the one explicit way out.
pub struct Enrollment {
    pub user_id: String,
    /// Seconds until `mfa_setup:{id}` expires and the enrolment must start again.
    pub expires_in_secs: u64,
    secret: SecretString,
    uri: SecretString,
    qr: QrMatrix,
}

impl std::fmt::Debug for Enrollment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrollment")
            .field("user_id", &self.user_id)
            .field("expires_in_secs", &self.expires_in_secs)
            .finish_non_exhaustive()
    }
}

/// What the shell displays: the secret as text (and grouped for reading), the otpauth URI and
/// the QR matrix (the UI draws it on a canvas).
#[derive(Serialize)]
pub struct EnrollmentShown {
    pub user_id: String,
    pub secret: String,
    pub secret_grouped: String,
    pub uri: String,
    pub qr: QrMatrix,
    pub expires_in_secs: u64,
}

impl Enrollment {
    pub fn reveal(&self) -> EnrollmentShown {
        EnrollmentShown {
            user_id: self.user_id.clone(),
            secret: self.secret.expose_secret().to_string(),
            secret_grouped: totp::group_secret(self.secret.expose_secret()),
            uri: self.uri.expose_secret().to_string(),
            qr: self.qr.clone(),
            expires_in_secs: self.expires_in_secs,
        }
    }

    pub fn qr(&self) -> &QrMatrix {
        &self.qr
    }
}

/// Backup codes, shown once. `Debug` shows only how many.
pub struct BackupCodes {
    pub user_id: String,
    codes: Vec<SecretString>,
}

impl std::fmt::Debug for BackupCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackupCodes")
            .field("user_id", &self.user_id)
            .field("count", &self.codes.len())
            .finish_non_exhaustive()
    }
}

impl BackupCodes {
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The codes as text, for the one screen (or printout) that shows them.
    pub fn reveal(&self) -> Vec<String> {
        self.codes
            .iter()
            .map(|c| c.expose_secret().to_string())
            .collect()
    }
}

/// MFA coverage of one role.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RoleCoverage {
    pub role: String,
    pub total: u64,
    /// Users whose `mfa_enabled` reads as enabled (as `_get_user_by_id` reads it).
    pub enabled: u64,
}

/// An admin account without working MFA.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AdminGap {
    pub user_id: String,
    pub email: String,
    pub username: String,
    pub is_active: bool,
    /// `mfa_off`, `flag_on_but_no_record`, or `record_unreadable: …`.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MfaCoverage {
    /// In the seed's role order: admin, premium_user, basic_user, guest.
    pub roles: Vec<RoleCoverage>,
    pub admins_without_mfa: Vec<AdminGap>,
    /// User records the service could not load; not counted above.
    pub unreadable: Vec<Unreadable>,
}

impl Access {
    /// Start an enrolment as `setup_mfa` does: a fresh 32-character base32 secret and 10 backup
    /// codes in `mfa_setup:{id}` (py-repr, SETEX 600). Refused while MFA is enabled (reset it
    /// first, with a reason): a second enrolment would silently replace the user's
    /// authenticator.
    pub async fn begin_enrollment(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        rng: &mut (dyn RngCore + Send),
    ) -> Result<Enrollment, CoreError> {
        let (id, user) = self.subject(who).await;
        let secret = SecretString::from(totp::generate_secret(rng));
        let codes: Vec<SecretString> = totp::generate_backup_codes(rng)
            .into_iter()
            .map(SecretString::from)
            .collect();
        let mut action = AuditAction::new("console_mfa_setup", "mfa.enroll_begin");
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (enrollment, _) = mutate(audit, operator, Capability::AdministerIdentity, action, || async {
            let user = user?;
            operator_guard(&self.ks, operator, &user.id, AccountChange::Credentials).await?;
            if self.ks.get(&keys::mfa(&user.id)).await?.is_some() {
                return Err(CoreError::Conflict(
                    "MFA is already enabled for this user; reset it (with a reason) before enrolling a new authenticator".into(),
                ));
            }
            let now = audit.clock().now();
            let setup = seedmfa::setup_repr(&secret, &codes, &now);
            let applied = self
                .ks
                .apply_guarded(
                    &[Guard::Exists {
                        key: keys::user(&user.id),
                        exists: true,
                    }],
                    &[Write::Set {
                        key: keys::mfa_setup(&user.id),
                        value: setup.expose_secret().as_bytes().to_vec(),
                        ttl_secs: Some(SETUP_TTL_SECS),
                    }],
                )
                .await?;
            if applied == Applied::Conflict {
                return Err(CoreError::NotFound(format!("user {} was deleted meanwhile", user.id)));
            }
            let uri = totp::provisioning_uri(&user.id, secret.expose_secret());
            let qr = qr::encode(&uri).map_err(|e| CoreError::Internal(e.to_string()))?;
            let e = Enrollment {
                user_id: user.id.clone(),
                expires_in_secs: SETUP_TTL_SECS,
                secret: secret.clone(),
                uri: SecretString::from(uri),
                qr,
            };
            Ok((e, details([("expires_in_secs", SETUP_TTL_SECS.into())])))
        })
        .await?;
        Ok(enrollment)
    }

    /// Confirm an enrolment with a code from the user's authenticator. Checked in constant time
    /// against the previous, current and next step (pyotp's `valid_window=1`); a code that
    /// matches a step further away is refused and reported as clock drift; a step already
    /// accepted for this user is refused. Then, atomically and only if nothing changed
    /// meanwhile: `mfa:{id}` (secret_key, backup_codes, enabled_at), `mfa_enabled` = `true`,
    /// `mfa_setup:{id}` deleted, the accepted step remembered. The 10 backup codes are returned
    /// to be shown once.
    pub async fn confirm_enrollment(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        code: &SecretString,
    ) -> Result<BackupCodes, CoreError> {
        let (id, user) = self.subject(who).await;
        let mut action = AuditAction::new("mfa_enabled", "mfa.enroll_confirm");
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (codes, _) = mutate(audit, operator, Capability::AdministerIdentity, action, || async {
            let user = user?;
            operator_guard(&self.ks, operator, &user.id, AccountChange::Credentials).await?;
            let setup_key = keys::mfa_setup(&user.id);
            let Some(setup_raw) = self.ks.get(&setup_key).await? else {
                return Err(CoreError::NotFound(
                    "no enrolment is pending for this user (it expires after 10 minutes); start again".into(),
                ));
            };
            let setup = MfaRecord::parse(&setup_raw).map_err(|e| {
                CoreError::Malformed(format!("`{setup_key}` is unreadable: {e}"))
            })?;
            let secret = totp::decode_secret(setup.secret().expose_secret())
                .map_err(|e| CoreError::Malformed(format!("`{setup_key}`: {e}")))?;
            let now = audit.clock().now();
            let step = match totp::check_code(secret.expose_secret(), code.expose_secret(), unix(&now)) {
                CodeCheck::Valid { step, .. } => step,
                CodeCheck::Drift { drift_steps } => {
                    return Err(CoreError::CodeRefused(CodeRefusal::Drift { steps: drift_steps }));
                }
                CodeCheck::Invalid => {
                    return Err(CoreError::CodeRefused(CodeRefusal::Wrong));
                }
            };
            let replay = replay_key(&user.id);
            let last = self.ks.get(&replay).await?;
            let last_step = last
                .as_deref()
                .and_then(|v| std::str::from_utf8(v).ok()?.parse::<u64>().ok());
            if last_step.is_some_and(|s| s >= step) {
                return Err(CoreError::CodeRefused(CodeRefusal::Replayed));
            }
            let record = MfaRecord::new(setup.secret().clone(), setup.backup_codes().to_vec(), &now);
            let applied = self
                .ks
                .apply_guarded(
                    &[
                        Guard::StringIs { key: replay.clone(), value: last },
                        Guard::StringIs { key: setup_key.clone(), value: Some(setup_raw) },
                        Guard::Exists { key: keys::user(&user.id), exists: true },
                    ],
                    &[
                        Write::Set {
                            key: keys::mfa(&user.id),
                            value: record.to_repr().expose_secret().as_bytes().to_vec(),
                            ttl_secs: None,
                        },
                        Write::HSet {
                            key: keys::user(&user.id),
                            fields: vec![(
                                "mfa_enabled".into(),
                                mfa_flag_after_change(true).as_bytes().to_vec(),
                            )],
                        },
                        Write::Del { keys: vec![setup_key] },
                        Write::Set {
                            key: replay,
                            value: step.to_string().into_bytes(),
                            ttl_secs: Some(REPLAY_TTL_SECS),
                        },
                    ],
                )
                .await?;
            if applied == Applied::Conflict {
                return Err(CoreError::Conflict(
                    "the enrolment changed while it was being confirmed (another console confirmed it, or it expired); check the user's MFA state".into(),
                ));
            }
            let codes = BackupCodes {
                user_id: user.id.clone(),
                codes: setup.backup_codes().to_vec(),
            };
            let n = codes.len();
            Ok((codes, details([("backup_codes", n.into())])))
        })
        .await?;
        Ok(codes)
    }

    /// Replace the user's backup codes with 10 new ones (`regenerate_backup_codes`), keeping the
    /// rest of `mfa:{id}` byte for byte. Compare-and-set on the old value: a backup code the
    /// service consumes at the same moment makes this retry on fresh data, never lose a write.
    pub async fn regenerate_backup_codes(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        rng: &mut (dyn RngCore + Send),
    ) -> Result<BackupCodes, CoreError> {
        let (id, user) = self.subject(who).await;
        let fresh: Vec<SecretString> = totp::generate_backup_codes(rng)
            .into_iter()
            .map(SecretString::from)
            .collect();
        let mut action =
            AuditAction::new("console_mfa_backup_codes", "mfa.backup_codes_regenerate");
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (codes, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                let user = user?;
                operator_guard(&self.ks, operator, &user.id, AccountChange::Credentials).await?;
                let key = keys::mfa(&user.id);
                for _ in 0..RETRIES {
                    let Some(old) = self.ks.get(&key).await? else {
                        return Err(CoreError::NotFound(
                            "MFA is not enabled for this user; enrol first".into(),
                        ));
                    };
                    let record = MfaRecord::parse(&old)
                        .map_err(|e| CoreError::Malformed(format!("`{key}` is unreadable: {e}")))?;
                    let record = record.with_backup_codes(fresh.clone());
                    let applied = self
                        .ks
                        .apply_guarded(
                            &[Guard::StringIs {
                                key: key.clone(),
                                value: Some(old),
                            }],
                            &[Write::Set {
                                key: key.clone(),
                                value: record.to_repr().expose_secret().as_bytes().to_vec(),
                                ttl_secs: None,
                            }],
                        )
                        .await?;
                    if applied == Applied::Done {
                        let codes = BackupCodes {
                            user_id: user.id.clone(),
                            codes: fresh.clone(),
                        };
                        return Ok((codes, details([("backup_codes", fresh.len().into())])));
                    }
                }
                Err(CoreError::Conflict(
                    "the MFA record kept changing; try again".into(),
                ))
            },
        )
        .await?;
        Ok(codes)
    }

    /// Reset MFA as `disable_mfa` does (DEL `mfa:{id}`, `mfa_enabled` = `false`) but as an
    /// operator action: no user password, a mandatory reason, audited. A pending enrolment is
    /// dropped too, so an authenticator set up before the reset cannot be confirmed after it.
    pub async fn reset_mfa(
        &self,
        audit: &AuditWriter,
        operator: &Operator,
        who: &str,
        reason: &str,
    ) -> Result<bool, CoreError> {
        let (id, user) = self.subject(who).await;
        let reason_ok = require_reason(reason);
        let mut action = AuditAction::new("mfa_disabled", "mfa.reset").severity("high");
        if let Ok(r) = &reason_ok {
            action = action.detail("reason", r.as_str());
        }
        if let Some(id) = &id {
            action = action.subject(id.clone());
        }
        let (had, _) = mutate(
            audit,
            operator,
            Capability::AdministerIdentity,
            action,
            || async {
                reason_ok?;
                let user = user?;
                operator_guard(&self.ks, operator, &user.id, AccountChange::Credentials).await?;
                let had = self.ks.get(&keys::mfa(&user.id)).await?.is_some();
                let applied = self
                    .ks
                    .apply_guarded(
                        &[Guard::Exists {
                            key: keys::user(&user.id),
                            exists: true,
                        }],
                        &[
                            Write::Del {
                                keys: vec![keys::mfa(&user.id), keys::mfa_setup(&user.id)],
                            },
                            Write::HSet {
                                key: keys::user(&user.id),
                                fields: vec![(
                                    "mfa_enabled".into(),
                                    mfa_flag_after_change(false).as_bytes().to_vec(),
                                )],
                            },
                        ],
                    )
                    .await?;
                if applied == Applied::Conflict {
                    return Err(CoreError::NotFound(format!(
                        "user {} was deleted meanwhile",
                        user.id
                    )));
                }
                Ok((had, details([("had_mfa", Value::Bool(had))])))
            },
        )
        .await?;
        Ok(had)
    }

    /// MFA coverage by role over every user, with admins lacking MFA listed. The per-role
    /// figures read the `mfa_enabled` flag as the service does; for admins the `mfa:{id}` record
    /// is checked too (a flag without a record means the admin cannot pass `verify_mfa_code`).
    pub async fn mfa_coverage(&self) -> Result<MfaCoverage, CoreError> {
        let listing = self.seed.list_users().await?;
        let mut per_role: BTreeMap<usize, RoleCoverage> = Role::ALL
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    i,
                    RoleCoverage {
                        role: r.as_str().into(),
                        total: 0,
                        enabled: 0,
                    },
                )
            })
            .collect();
        let mut gaps = Vec::new();
        let mut flagged_admins = Vec::new();
        for u in &listing.users {
            let i = Role::ALL.iter().position(|r| *r == u.role).unwrap_or(0);
            let c = per_role.get_mut(&i).expect("every role has a row");
            c.total += 1;
            if u.mfa_enabled {
                c.enabled += 1;
            }
            if u.role == Role::Admin {
                if u.mfa_enabled {
                    flagged_admins.push(u);
                } else {
                    gaps.push(gap(u, "mfa_off".into()));
                }
            }
        }
        for chunk in flagged_admins.chunks(MAX_BATCH) {
            let keys: Vec<String> = chunk.iter().map(|u| keys::mfa(&u.id)).collect();
            for (u, slot) in chunk.iter().zip(self.ks.get_many(&keys).await?) {
                match slot {
                    Ok(Some(v)) => {
                        if let Err(e) = MfaRecord::parse(&v) {
                            gaps.push(gap(u, format!("record_unreadable: {e}")));
                        }
                    }
                    Ok(None) => gaps.push(gap(u, "flag_on_but_no_record".into())),
                    Err(e) => gaps.push(gap(u, format!("record_unreadable: {e}"))),
                }
            }
        }
        gaps.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        Ok(MfaCoverage {
            roles: per_role.into_values().collect(),
            admins_without_mfa: gaps,
            unreadable: listing.unreadable,
        })
    }
}

fn gap(u: &rampart_domain::user::UserRecord, reason: String) -> AdminGap {
    AdminGap {
        user_id: u.id.clone(),
        email: u.email.clone(),
        username: u.username.clone(),
        is_active: u.is_active,
        reason,
    }
}

/// The refusal for a code that matches a step outside the ±1 window: it is still refused (a
/// wider window would weaken every check), but the operator learns the likely cause.
pub fn drift_message(drift_steps: i64) -> String {
    let secs = drift_steps.unsigned_abs() * 30;
    let direction = if drift_steps > 0 { "ahead" } else { "behind" };
    format!(
        "the code is wrong for the current time, but it matches the code of about {secs} seconds \
         {direction}: the authenticator's clock is off by more than one 30-second step; correct \
         its clock (or enable automatic time) and try again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drift_messages_say_how_far_and_which_way() {
        let m = drift_message(-4);
        assert!(
            m.contains("120 seconds behind") && m.starts_with("the code is wrong"),
            "{m}"
        );
        assert!(drift_message(2).contains("60 seconds ahead"));
    }

    #[test]
    fn secret_bearing_values_redact_in_debug() {
        let codes = BackupCodes {
            user_id: "user_x".into(),
            codes: vec![SecretString::from("22b33b22".to_string())],
        };
        let dbg = format!("{codes:?}");
        assert!(
            !dbg.contains("22b33b22") && dbg.contains("count: 1"),
            "{dbg}"
        );
        let uri = totp::provisioning_uri("user_x", "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF");
        let e = Enrollment {
            user_id: "user_x".into(),
            expires_in_secs: 600,
            secret: SecretString::from("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF".to_string()),
            qr: qr::encode(&uri).unwrap(),
            uri: SecretString::from(uri),
        };
        let dbg = format!("{e:?}");
        assert!(!dbg.contains("ATKH") && !dbg.contains("otpauth"), "{dbg}");
        assert_eq!(
            e.reveal().secret_grouped,
            "ATKH FIJF A4PB MDA3 WKCK YM3A 7TBP M4MF"
        );
    }

    #[test]
    fn the_replay_key_is_rampart_s_own() {
        assert_eq!(replay_key("user_x"), "rampart:mfa:last_step:user_x");
        assert_eq!(
            rampart_domain::keys::classify(&replay_key("user_x")).0,
            rampart_domain::keys::Family::Rampart,
            "no seed key family shares the prefix"
        );
    }
}
