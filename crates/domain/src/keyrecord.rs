//! Data-key records of the seed's KMS (CONTRACT §4): `key:{id}` holds a Fernet token (wrapping
//! key = HKDF of the master key) over `json.dumps` of the record; `active_key:{purpose}` points
//! at the current key; `key_audit_log` lists rotations and revocations.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::NaiveDateTime;
use secrecy::{ExposeSecret, SecretBox};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::FormatError;
use crate::fernet::{self, FernetError, FernetKey};
use crate::pyjson;
use crate::time::{format_naive_iso, parse_naive_iso};

/// The four purposes `cleanup_expired_keys` knows.
pub const PURPOSES: [&str; 4] = ["general", "pii", "session", "audit"];
/// Rotated-in keys expire after this many days (`key_rotation_days`).
pub const ROTATION_DAYS: i64 = 90;
pub const KEY_AUDIT_LOG_LEN: i64 = 1000;

/// A decrypted key record. `key_data` is the 32-byte data key, held as a secret.
pub struct KeyRecord {
    pub key_id: String,
    pub key_data: SecretBox<Vec<u8>>,
    pub algorithm: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    /// `"True"` exactly means active; the reader compares case-sensitively.
    pub is_active: bool,
    pub purpose: String,
}

impl std::fmt::Debug for KeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRecord")
            .field("key_id", &self.key_id)
            .field("purpose", &self.purpose)
            .field("is_active", &self.is_active)
            .finish_non_exhaustive()
    }
}

/// What the console may show about a key: everything but the material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyMeta {
    pub key_id: String,
    pub algorithm: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub is_active: bool,
    pub purpose: String,
}

impl KeyRecord {
    pub fn meta(&self) -> KeyMeta {
        KeyMeta {
            key_id: self.key_id.clone(),
            algorithm: self.algorithm.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            is_active: self.is_active,
            purpose: self.purpose.clone(),
        }
    }

    /// `json.dumps(key_data)` exactly as `_store_key` builds it (keys in order, Python
    /// spacing, `is_active` as the string "True"/"False", `expires_at` null when none).
    pub fn to_json(&self) -> SecretBox<String> {
        let mut m = Map::new();
        m.insert("key_id".into(), Value::String(self.key_id.clone()));
        m.insert(
            "key_data".into(),
            Value::String(STANDARD.encode(self.key_data.expose_secret())),
        );
        m.insert("algorithm".into(), Value::String(self.algorithm.clone()));
        m.insert(
            "created_at".into(),
            Value::String(format_naive_iso(&self.created_at)),
        );
        m.insert(
            "expires_at".into(),
            self.expires_at
                .map(|t| Value::String(format_naive_iso(&t)))
                .unwrap_or(Value::Null),
        );
        m.insert(
            "is_active".into(),
            Value::String(if self.is_active { "True" } else { "False" }.into()),
        );
        m.insert("purpose".into(), Value::String(self.purpose.clone()));
        SecretBox::new(Box::new(pyjson::dumps(&Value::Object(m))))
    }

    /// Parse the decrypted JSON as `_deserialize_key` does.
    pub fn from_json(text: &str) -> Result<Self, FormatError> {
        let v = pyjson::loads(text, 4)?;
        let o = v
            .as_object()
            .ok_or_else(|| FormatError::Malformed("not a JSON object".into()))?;
        let s = |k: &str| -> Result<&str, FormatError> {
            match o.get(k) {
                Some(Value::String(s)) => Ok(s),
                Some(_) => Err(FormatError::invalid(k, "is not a string")),
                None => Err(FormatError::MissingField(k.into())),
            }
        };
        let key_data = STANDARD
            .decode(s("key_data")?)
            .map_err(|_| FormatError::invalid("key_data", "is not base64"))?;
        let time = |k: &str, v: &str| {
            parse_naive_iso(v).map_err(|e| FormatError::invalid(k, e.to_string()))
        };
        let expires_at = match o.get("expires_at") {
            Some(Value::Null) | None => None,
            Some(Value::String(x)) if x.is_empty() => None,
            Some(Value::String(x)) => Some(time("expires_at", x)?),
            Some(_) => {
                return Err(FormatError::invalid(
                    "expires_at",
                    "is not a string or null",
                ))
            }
        };
        Ok(Self {
            key_id: s("key_id")?.to_owned(),
            key_data: SecretBox::new(Box::new(key_data)),
            algorithm: s("algorithm")?.to_owned(),
            created_at: time("created_at", s("created_at")?)?,
            expires_at,
            // `key_dict["is_active"] == "True"`: anything else (even "true") is inactive.
            is_active: o.get("is_active") == Some(&Value::String("True".into())),
            purpose: s("purpose")?.to_owned(),
        })
    }

    /// Encrypt for `key:{id}`: the raw Fernet token bytes, no extra base64.
    pub fn wrap(&self, wrapping: &FernetKey, unix_ts: u64, iv: [u8; 16]) -> String {
        fernet::encrypt(
            wrapping,
            self.to_json().expose_secret().as_bytes(),
            unix_ts,
            iv,
        )
    }

    /// Decrypt and parse a `key:{id}` value.
    pub fn unwrap(wrapping: &FernetKey, token: &[u8]) -> Result<Self, KeyRecordError> {
        let plain = fernet::decrypt(wrapping, token).map_err(KeyRecordError::Crypto)?;
        let text =
            String::from_utf8(plain).map_err(|_| KeyRecordError::Format(FormatError::NotUtf8))?;
        let text = SecretBox::new(Box::new(text));
        Self::from_json(text.expose_secret()).map_err(KeyRecordError::Format)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyRecordError {
    #[error("the key record cannot be decrypted with this master key ({0})")]
    Crypto(FernetError),
    #[error("the decrypted key record is malformed: {0}")]
    Format(FormatError),
}

/// One `key_audit_log` entry, `json.dumps` of the seed's dict.
pub fn rotation_log_entry(
    old_key_id: &str,
    new_key_id: &str,
    purpose: &str,
    at: &NaiveDateTime,
) -> String {
    let mut m = Map::new();
    m.insert("event_type".into(), "key_rotation".into());
    m.insert("old_key_id".into(), old_key_id.into());
    m.insert("new_key_id".into(), new_key_id.into());
    m.insert("purpose".into(), purpose.into());
    m.insert("timestamp".into(), format_naive_iso(at).into());
    pyjson::dumps(&Value::Object(m))
}

pub fn revocation_log_entry(key_id: &str, at: &NaiveDateTime) -> String {
    let mut m = Map::new();
    m.insert("event_type".into(), "key_revocation".into());
    m.insert("key_id".into(), key_id.into());
    m.insert("timestamp".into(), format_naive_iso(at).into());
    pyjson::dumps(&Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"key_id": "key_vN-Y16zLEwxXbmIhcB7Gxg", "key_data": "fP4Yuy5Xo+pN/dT1yRwtNr0lZ906DlBcTIcFTEEbx0o=", "algorithm": "AES-256-GCM", "created_at": "2026-11-24T04:06:55.870689", "expires_at": null, "is_active": "False", "purpose": "pii"}"#;

    #[test]
    fn contract_example_round_trips_byte_for_byte() {
        let r = KeyRecord::from_json(EXAMPLE).unwrap();
        assert!(!r.is_active);
        assert_eq!(r.key_data.expose_secret().len(), 32);
        assert_eq!(r.to_json().expose_secret(), EXAMPLE);
    }

    #[test]
    fn lower_case_true_reads_inactive_like_the_service() {
        let r = KeyRecord::from_json(&EXAMPLE.replace("\"False\"", "\"true\"")).unwrap();
        assert!(!r.is_active, "reader compares == \"True\" case-sensitively");
    }

    #[test]
    fn wrap_unwrap_and_garbage() {
        let k = FernetKey::from_bytes(&[7u8; 32]);
        let r = KeyRecord::from_json(EXAMPLE).unwrap();
        let token = r.wrap(&k, 1_700_000_000, [1u8; 16]);
        let back = KeyRecord::unwrap(&k, token.as_bytes()).unwrap();
        assert_eq!(back.meta(), r.meta());
        assert!(matches!(
            KeyRecord::unwrap(&k, b"garbage"),
            Err(KeyRecordError::Crypto(_))
        ));
        let other = FernetKey::from_bytes(&[8u8; 32]);
        assert!(
            KeyRecord::unwrap(&other, token.as_bytes()).is_err(),
            "wrong master key"
        );
        assert!(
            !format!("{back:?}").contains("fP4Y"),
            "Debug hides material"
        );
    }

    #[test]
    fn log_entries_match_python_json_dumps() {
        let t = parse_naive_iso("2026-11-24T04:06:55.870689").unwrap();
        assert_eq!(
            rotation_log_entry("key_a", "key_b", "pii", &t),
            r#"{"event_type": "key_rotation", "old_key_id": "key_a", "new_key_id": "key_b", "purpose": "pii", "timestamp": "2026-11-24T04:06:55.870689"}"#
        );
        assert_eq!(
            revocation_log_entry("key_a", &t),
            r#"{"event_type": "key_revocation", "key_id": "key_a", "timestamp": "2026-11-24T04:06:55.870689"}"#
        );
    }
}
