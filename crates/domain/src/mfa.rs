//! MFA records (CONTRACT §2): `mfa:{id}` and `mfa_setup:{id}`, Python-repr dicts.
//!
//! Records are kept as the ordered dict they were read from, so a rewrite (consuming a backup
//! code, regenerating codes) keeps key order and any key Rampart does not know, exactly as the
//! seed's `str(data)` rewrite does.

use chrono::NaiveDateTime;
use secrecy::{ExposeSecret, SecretString};

use crate::error::FormatError;
use crate::pyrepr::{self, Limits, PyValue};
use crate::time::format_naive_iso;

/// TTL of `mfa_setup:{id}` (SETEX 600).
pub const SETUP_TTL_SECS: u64 = 600;
/// Largest MFA value Rampart parses; a real record is ~250 bytes.
pub const MAX_MFA_BYTES: usize = 16 * 1024;

/// An enabled MFA record. The secret is held as a secret type; `Debug` never shows it.
#[derive(Clone)]
pub struct MfaRecord {
    dict: Vec<(PyValue, PyValue)>,
    secret: SecretString,
    backup_codes: Vec<SecretString>,
}

impl std::fmt::Debug for MfaRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MfaRecord")
            .field("backup_codes", &self.backup_codes.len())
            .finish_non_exhaustive()
    }
}

fn limits() -> Limits {
    Limits {
        max_depth: 4,
        max_bytes: MAX_MFA_BYTES,
    }
}

fn parse_dict(bytes: &[u8]) -> Result<Vec<(PyValue, PyValue)>, FormatError> {
    if bytes.len() > MAX_MFA_BYTES {
        return Err(FormatError::TooLarge {
            size: bytes.len(),
            limit: MAX_MFA_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FormatError::NotUtf8)?;
    match pyrepr::parse(text, limits())? {
        PyValue::Dict(d) => Ok(d),
        _ => Err(FormatError::Malformed("not a Python dict".into())),
    }
}

fn dict_get<'a>(d: &'a [(PyValue, PyValue)], key: &str) -> Option<&'a PyValue> {
    d.iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

fn secret_of(d: &[(PyValue, PyValue)]) -> Result<SecretString, FormatError> {
    match dict_get(d, "secret_key") {
        Some(PyValue::Str(s)) => Ok(SecretString::from(s.clone())),
        Some(_) => Err(FormatError::invalid("secret_key", "is not a string")),
        None => Err(FormatError::MissingField("secret_key".into())),
    }
}

fn codes_of(d: &[(PyValue, PyValue)]) -> Result<Vec<SecretString>, FormatError> {
    match dict_get(d, "backup_codes") {
        Some(PyValue::List(items)) => items
            .iter()
            .map(|v| match v {
                PyValue::Str(s) => Ok(SecretString::from(s.clone())),
                _ => Err(FormatError::invalid("backup_codes", "holds a non-string")),
            })
            .collect(),
        Some(_) => Err(FormatError::invalid("backup_codes", "is not a list")),
        None => Err(FormatError::MissingField("backup_codes".into())),
    }
}

impl MfaRecord {
    /// Parse `mfa:{id}`. Requires `secret_key` and `backup_codes` (what `verify_mfa_code`
    /// indexes); `enabled_at` is optional to the service.
    pub fn parse(bytes: &[u8]) -> Result<Self, FormatError> {
        let dict = parse_dict(bytes)?;
        let secret = secret_of(&dict)?;
        let backup_codes = codes_of(&dict)?;
        Ok(Self {
            dict,
            secret,
            backup_codes,
        })
    }

    /// A new record as `verify_and_enable_mfa` writes it: keys secret_key, backup_codes,
    /// enabled_at.
    pub fn new(
        secret: SecretString,
        backup_codes: Vec<SecretString>,
        enabled_at: &NaiveDateTime,
    ) -> Self {
        let dict = vec![
            (
                PyValue::str("secret_key"),
                PyValue::str(secret.expose_secret()),
            ),
            (PyValue::str("backup_codes"), codes_value(&backup_codes)),
            (
                PyValue::str("enabled_at"),
                PyValue::str(format_naive_iso(enabled_at)),
            ),
        ];
        Self {
            dict,
            secret,
            backup_codes,
        }
    }

    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    pub fn backup_codes(&self) -> &[SecretString] {
        &self.backup_codes
    }

    pub fn enabled_at(&self) -> Option<&str> {
        dict_get(&self.dict, "enabled_at").and_then(|v| v.as_str())
    }

    /// Replace the backup codes, keeping every other key and the key order.
    pub fn with_backup_codes(mut self, codes: Vec<SecretString>) -> Self {
        let value = codes_value(&codes);
        for (k, v) in self.dict.iter_mut() {
            if k.as_str() == Some("backup_codes") {
                *v = value.clone();
            }
        }
        self.backup_codes = codes;
        self
    }

    /// The value to store: exactly Python `str(dict)`.
    pub fn to_repr(&self) -> SecretString {
        SecretString::from(pyrepr::to_repr(&PyValue::Dict(self.dict.clone())))
    }
}

fn codes_value(codes: &[SecretString]) -> PyValue {
    PyValue::List(
        codes
            .iter()
            .map(|c| PyValue::str(c.expose_secret()))
            .collect(),
    )
}

/// A pending enrolment (`mfa_setup:{id}`): secret_key, backup_codes, created_at.
pub fn setup_repr(
    secret: &SecretString,
    codes: &[SecretString],
    created_at: &NaiveDateTime,
) -> SecretString {
    let dict = PyValue::Dict(vec![
        (
            PyValue::str("secret_key"),
            PyValue::str(secret.expose_secret()),
        ),
        (PyValue::str("backup_codes"), codes_value(codes)),
        (
            PyValue::str("created_at"),
            PyValue::str(format_naive_iso(created_at)),
        ),
    ]);
    SecretString::from(pyrepr::to_repr(&dict))
}

/// What the console shows about a user's MFA without revealing anything secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MfaSummary {
    pub enabled_at: Option<String>,
    pub backup_codes_left: usize,
    /// The secret's length in characters (32 when written by the service; 16 would break it).
    pub secret_len: usize,
}

impl MfaRecord {
    pub fn summary(&self) -> MfaSummary {
        MfaSummary {
            enabled_at: self.enabled_at().map(str::to_owned),
            backup_codes_left: self.backup_codes.len(),
            secret_len: self.secret.expose_secret().chars().count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "{'secret_key': 'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF', 'backup_codes': ['22b33b22', '0a1b2c3d', '42043f6b'], 'enabled_at': '2026-11-24T04:12:29.661908'}";

    #[test]
    fn seed_record_round_trips_byte_for_byte() {
        let r = MfaRecord::parse(SEED.as_bytes()).unwrap();
        assert_eq!(
            r.to_repr().expose_secret(),
            SEED,
            "rewrite keeps order and quoting"
        );
        assert_eq!(r.summary().backup_codes_left, 3);
        assert_eq!(r.enabled_at(), Some("2026-11-24T04:12:29.661908"));
    }

    #[test]
    fn consuming_a_code_keeps_order_and_unknown_keys() {
        let with_extra = SEED.replace("}", ", 'note': '한국'}");
        let r = MfaRecord::parse(with_extra.as_bytes()).unwrap();
        let left: Vec<SecretString> = r.backup_codes().iter().skip(1).cloned().collect();
        let out = r.with_backup_codes(left);
        assert_eq!(
            out.to_repr().expose_secret(),
            "{'secret_key': 'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF', 'backup_codes': ['0a1b2c3d', '42043f6b'], 'enabled_at': '2026-11-24T04:12:29.661908', 'note': '한국'}"
        );
    }

    #[test]
    fn bad_records_are_refused_with_reasons() {
        for (v, why) in [
            (
                "{\"secret_key\": \"X\", \"backup_codes\": true}",
                "JSON true is not Python",
            ),
            ("{'backup_codes': []}", "missing secret"),
            (
                "{'secret_key': 'X', 'backup_codes': 'abc'}",
                "codes not a list",
            ),
            ("['a']", "not a dict"),
            ("{'secret_key': 'X', 'backup_codes': [", "truncated"),
        ] {
            assert!(MfaRecord::parse(v.as_bytes()).is_err(), "{why}");
        }
        let huge = vec![b'['; MAX_MFA_BYTES + 1];
        assert!(matches!(
            MfaRecord::parse(&huge),
            Err(FormatError::TooLarge { .. })
        ));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let r = MfaRecord::parse(SEED.as_bytes()).unwrap();
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("ATKH") && !dbg.contains("22b33b22"), "{dbg}");
    }
}
