//! The seed's user hash (`user:{id}`, CONTRACT §1.2) and role table (§1.7).
//!
//! Reading follows `_get_user_by_id` exactly, so a record Rampart calls readable is one the
//! service can load, and a record the service would crash on is reported with the reason.
//! Values the service accepts but that are not what it writes (`is_active = "yes"`, which it
//! reads as inactive) are kept and reported as warnings, never silently "fixed".

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::error::FormatError;
use crate::time::{format_naive_iso, parse_iso_allow_aware};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    PremiumUser,
    BasicUser,
    Guest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ReadStockData,
    WriteStockData,
    ReadSentimentData,
    ManageUsers,
    AccessAnalytics,
    ExportData,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::PremiumUser, Role::BasicUser, Role::Guest];

    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::PremiumUser => "premium_user",
            Role::BasicUser => "basic_user",
            Role::Guest => "guest",
        }
    }

    /// `UserRole(value)`: exact, case-sensitive.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role's permissions in the seed's table order (§1.7); the `permissions` field must be
    /// written in this order.
    pub fn permissions(&self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Admin => &[
                ReadStockData,
                WriteStockData,
                ReadSentimentData,
                ManageUsers,
                AccessAnalytics,
                ExportData,
            ],
            Role::PremiumUser => &[
                ReadStockData,
                ReadSentimentData,
                AccessAnalytics,
                ExportData,
            ],
            Role::BasicUser => &[ReadStockData, ReadSentimentData],
            Role::Guest => &[ReadStockData],
        }
    }

    /// The `permissions` field value: comma-joined, no spaces.
    pub fn permissions_field(&self) -> String {
        join_permissions(self.permissions())
    }
}

impl Permission {
    pub const ALL: [Permission; 6] = [
        Permission::ReadStockData,
        Permission::WriteStockData,
        Permission::ReadSentimentData,
        Permission::ManageUsers,
        Permission::AccessAnalytics,
        Permission::ExportData,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Permission::ReadStockData => "read_stock_data",
            Permission::WriteStockData => "write_stock_data",
            Permission::ReadSentimentData => "read_sentiment_data",
            Permission::ManageUsers => "manage_users",
            Permission::AccessAnalytics => "access_analytics",
            Permission::ExportData => "export_data",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

pub fn join_permissions(perms: &[Permission]) -> String {
    perms
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A user as the service loads it, plus what Rampart noticed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub username: String,
    pub role: Role,
    pub permissions: Vec<Permission>,
    pub is_active: bool,
    pub mfa_enabled: bool,
    pub last_login: Option<NaiveDateTime>,
    pub created_at: Option<NaiveDateTime>,
    /// Non-canonical values the service tolerates (e.g. `is_active = "yes"`, permissions that
    /// differ from the role's table). Empty for records the service itself wrote.
    pub warnings: Vec<String>,
}

fn text<'a>(name: &str, v: &'a [u8]) -> Result<&'a str, FormatError> {
    // The service reads with decode_responses=True: invalid UTF-8 raises UnicodeDecodeError.
    std::str::from_utf8(v).map_err(|_| FormatError::invalid(name, "is not valid UTF-8"))
}

impl UserRecord {
    /// Decode `HGETALL user:{id}` the way `_get_user_by_id` does. An empty hash means the user
    /// does not exist: `Ok(None)`.
    pub fn from_hash(
        id: impl Into<String>,
        fields: &[(Vec<u8>, Vec<u8>)],
    ) -> Result<Option<Self>, FormatError> {
        if fields.is_empty() {
            return Ok(None);
        }
        // Every value is decoded by redis-py before the reader runs, so one bad byte anywhere
        // makes the whole record unreadable to the service. Each pair is validated once here;
        // the lookups below read the validated text.
        let mut text_fields: Vec<(&str, &str)> = Vec::with_capacity(fields.len());
        for (k, v) in fields {
            let name = std::str::from_utf8(k).map_err(|_| {
                FormatError::invalid(String::from_utf8_lossy(k), "name is not UTF-8")
            })?;
            text_fields.push((name, text(name, v)?));
        }
        let get = |name: &str| -> Result<Option<&str>, FormatError> {
            Ok(text_fields
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| *v))
        };
        let required = |name: &str| -> Result<String, FormatError> {
            get(name)?
                .map(str::to_owned)
                .ok_or_else(|| FormatError::MissingField(name.into()))
        };
        let email = required("email")?;
        let username = required("username")?;
        let role_s = required("role")?;
        let role = Role::parse(&role_s).ok_or_else(|| {
            FormatError::invalid(
                "role",
                format!("`{role_s}` is not a role the service knows"),
            )
        })?;
        let mut warnings = Vec::new();

        // `[Permission(p) for p in value.split(',')]`: a missing field is '' which splits to
        // [''] and fails, like an unknown value or a space.
        let perms_s = get("permissions")?.unwrap_or("");
        let mut permissions = Vec::new();
        for p in perms_s.split(',') {
            let perm = Permission::parse(p).ok_or_else(|| {
                if p.is_empty() {
                    FormatError::invalid("permissions", "is empty; the service needs at least one")
                } else {
                    FormatError::invalid("permissions", format!("`{p}` is not a known permission"))
                }
            })?;
            permissions.push(perm);
        }
        if permissions.as_slice() != role.permissions() {
            warnings.push(format!(
                "permissions `{perms_s}` differ from the {} role's table `{}`",
                role.as_str(),
                role.permissions_field()
            ));
        }

        let is_active = match get("is_active")? {
            None => true,
            Some(v) => {
                let active = py_lower_is_true(v);
                if v != "True" && v != "False" {
                    warnings.push(format!(
                        "is_active is `{v}`; the service writes True/False and reads this as {}",
                        if active { "active" } else { "inactive" }
                    ));
                }
                active
            }
        };
        let mfa_enabled = match get("mfa_enabled")? {
            None => false,
            Some(v) => {
                let on = py_lower_is_true(v);
                if !matches!(v, "True" | "False" | "true" | "false") {
                    warnings.push(format!(
                        "mfa_enabled is `{v}`; the service reads this as {}",
                        if on { "enabled" } else { "disabled" }
                    ));
                }
                on
            }
        };
        // `fromisoformat` loads an aware value too; only later comparisons with naive times
        // would raise, so such a record is readable with a warning.
        let mut time = |name: &str| -> Result<Option<NaiveDateTime>, FormatError> {
            match get(name)? {
                None | Some("") => Ok(None),
                Some(v) => {
                    let (t, aware) = parse_iso_allow_aware(v)
                        .map_err(|e| FormatError::invalid(name, e.to_string()))?;
                    if aware {
                        warnings.push(format!(
                            "{name} `{v}` has a time zone; the service writes naive UTC and would \
                             raise TypeError comparing it"
                        ));
                    }
                    Ok(Some(t))
                }
            }
        };
        let last_login = time("last_login")?;
        let created_at = time("created_at")?;
        Ok(Some(UserRecord {
            id: id.into(),
            email,
            username,
            role,
            permissions,
            is_active,
            mfa_enabled,
            last_login,
            created_at,
            warnings,
        }))
    }
}

/// `value.lower() == 'true'` without allocating for ASCII values (no non-ASCII character
/// lower-cases to an ASCII letter of "true", so the ASCII comparison is exact for them).
fn py_lower_is_true(v: &str) -> bool {
    if v.is_ascii() {
        v.eq_ignore_ascii_case("true")
    } else {
        v.to_lowercase() == "true"
    }
}

/// The fields `_save_user` writes for a new user, in its order (§1.2). `mfa_enabled` starts as
/// `False` (capital, str(bool)); MFA changes later write lower-case.
pub fn new_user_fields(
    email: &str,
    username: &str,
    role: Role,
    created_at: &NaiveDateTime,
) -> Vec<(String, Vec<u8>)> {
    vec![
        ("email".into(), email.as_bytes().to_vec()),
        ("username".into(), username.as_bytes().to_vec()),
        ("role".into(), role.as_str().as_bytes().to_vec()),
        ("permissions".into(), role.permissions_field().into_bytes()),
        ("is_active".into(), py_bool(true).as_bytes().to_vec()),
        ("mfa_enabled".into(), py_bool(false).as_bytes().to_vec()),
        (
            "created_at".into(),
            format_naive_iso(created_at).into_bytes(),
        ),
    ]
}

/// The fields a role change writes, in the order `_save_user` writes them: `role`, then
/// `permissions` in the table order (§1.7). Only these two are HSET, never the whole hash, so a
/// concurrent `last_login` write by the service survives.
pub fn role_change_fields(role: Role) -> Vec<(String, Vec<u8>)> {
    vec![
        ("role".into(), role.as_str().as_bytes().to_vec()),
        ("permissions".into(), role.permissions_field().into_bytes()),
    ]
}

/// The `is_active` field as `_save_user` writes it (str(bool), §1.2 and §8).
pub fn is_active_field(active: bool) -> (String, Vec<u8>) {
    ("is_active".into(), py_bool(active).as_bytes().to_vec())
}

/// Python `str(bool)`.
pub fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// The `mfa_enabled` value after an MFA change: lower case, as `verify_and_enable_mfa` and
/// `disable_mfa` write it.
pub fn mfa_flag_after_change(enabled: bool) -> &'static str {
    if enabled {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(Vec<u8>, Vec<u8>)> {
        pairs
            .iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec()))
            .collect()
    }

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("email", "김@예시.한국"),
            ("username", "김민준"),
            ("role", "premium_user"),
            (
                "permissions",
                "read_stock_data,read_sentiment_data,access_analytics,export_data",
            ),
            ("is_active", "True"),
            ("mfa_enabled", "False"),
            ("created_at", "2026-11-24T04:06:55.525205"),
        ]
    }

    #[test]
    fn role_table_is_in_seed_order() {
        assert_eq!(
            Role::Admin.permissions_field(),
            "read_stock_data,write_stock_data,read_sentiment_data,manage_users,access_analytics,export_data"
        );
        assert_eq!(Role::Guest.permissions_field(), "read_stock_data");
        assert_eq!(Role::parse("Admin"), None, "UserRole() is case-sensitive");
    }

    #[test]
    fn a_seed_written_user_reads_clean() {
        let u = UserRecord::from_hash("user_x", &h(&base()))
            .unwrap()
            .unwrap();
        assert_eq!(u.role, Role::PremiumUser);
        assert!(u.is_active && !u.mfa_enabled);
        assert!(
            u.warnings.is_empty(),
            "seed-written records carry no warnings: {:?}",
            u.warnings
        );
        assert_eq!(
            UserRecord::from_hash("user_x", &[]).unwrap(),
            None,
            "empty hash = no user"
        );
    }

    #[test]
    fn flags_are_read_as_the_service_reads_them() {
        let cases = [
            ("is_active", "true", true, true),
            ("is_active", "TRUE", true, true),
            ("is_active", "yes", false, true),
            ("is_active", "False", false, false),
            ("mfa_enabled", "true", true, false),
            ("mfa_enabled", "1", false, true),
        ];
        for (f, v, expect, warns) in cases {
            let mut b = base();
            b.retain(|(k, _)| *k != f);
            b.push((f, v));
            let u = UserRecord::from_hash("u", &h(&b)).unwrap().unwrap();
            let got = if f == "is_active" {
                u.is_active
            } else {
                u.mfa_enabled
            };
            assert_eq!(got, expect, "{f}={v}");
            assert_eq!(
                !u.warnings.is_empty(),
                warns,
                "{f}={v} warning: {:?}",
                u.warnings
            );
        }
    }

    #[test]
    fn records_the_service_cannot_load_are_errors_with_reasons() {
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (
                vec![("permissions", "read_stock_data,fly")],
                "unknown permission",
            ),
            (vec![("permissions", "")], "empty permissions"),
            (
                vec![("permissions", "read_stock_data, export_data")],
                "space",
            ),
            (vec![("role", "root")], "unknown role"),
            (vec![("last_login", "yesterday")], "bad time"),
        ];
        for (over, why) in cases {
            let mut b = base();
            for (k, v) in &over {
                b.retain(|(kk, _)| kk != k);
                b.push((k, v));
            }
            assert!(
                UserRecord::from_hash("u", &h(&b)).is_err(),
                "{why} must be unreadable"
            );
        }
        let mut b = base();
        b.retain(|(k, _)| *k != "email");
        let err = UserRecord::from_hash("u", &h(&b)).unwrap_err();
        assert_eq!(err, FormatError::MissingField("email".into()));
        let mut aware = base();
        aware.retain(|(k, _)| *k != "created_at");
        aware.push(("created_at", "2026-11-24T04:06:55+00:00"));
        let u = UserRecord::from_hash("u", &h(&aware)).unwrap().unwrap();
        assert!(
            u.warnings[0].contains("time zone"),
            "aware times load with a warning, as in Python"
        );
        let mut raw = h(&base());
        raw[1].1 = vec![0xff, 0xfe];
        assert!(
            UserRecord::from_hash("u", &raw).is_err(),
            "invalid UTF-8 is unreadable"
        );
    }

    #[test]
    fn new_user_fields_are_what_save_user_writes() {
        let t = crate::time::parse_naive_iso("2026-11-24T04:06:55.525205").unwrap();
        let f = new_user_fields("김@예시.한국", "김민준", Role::PremiumUser, &t);
        let got: Vec<(&str, &str)> = f
            .iter()
            .map(|(k, v)| (k.as_str(), std::str::from_utf8(v).unwrap()))
            .collect();
        assert_eq!(got, base(), "fields, order and str(bool) spelling");
    }
}
