//! Refresh-token records (CONTRACT §1.6): `refresh_token:{token_id}`, a Python-repr dict with
//! keys user_id, token_id, exp, created_at; TTL 604800 s.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::error::FormatError;
use crate::pyrepr::{self, Limits, PyValue};
use crate::time::{format_naive_iso, parse_naive_iso};

pub const REFRESH_TTL_SECS: u64 = 604_800;
const MAX_BYTES: usize = 4096;

/// A stored session. The token id is the key's suffix and is not secret by itself (the JWT is
/// signed), but it is shown truncated in the UI all the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefreshRecord {
    pub user_id: String,
    pub token_id: String,
    pub exp: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl RefreshRecord {
    pub fn parse(bytes: &[u8]) -> Result<Self, FormatError> {
        if bytes.len() > MAX_BYTES {
            return Err(FormatError::TooLarge {
                size: bytes.len(),
                limit: MAX_BYTES,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|_| FormatError::NotUtf8)?;
        let v = pyrepr::parse(
            text,
            Limits {
                max_depth: 3,
                max_bytes: MAX_BYTES,
            },
        )?;
        let s = |k: &str| -> Result<String, FormatError> {
            match v.dict_get(k) {
                Some(PyValue::Str(s)) => Ok(s.clone()),
                Some(_) => Err(FormatError::invalid(k, "is not a string")),
                None => Err(FormatError::MissingField(k.into())),
            }
        };
        if !matches!(v, PyValue::Dict(_)) {
            return Err(FormatError::Malformed("not a Python dict".into()));
        }
        let t = |k: &str| -> Result<NaiveDateTime, FormatError> {
            parse_naive_iso(&s(k)?).map_err(|e| FormatError::invalid(k, e.to_string()))
        };
        Ok(Self {
            user_id: s("user_id")?,
            token_id: s("token_id")?,
            exp: t("exp")?,
            created_at: t("created_at")?,
        })
    }

    /// `str(refresh_data)` as `create_refresh_token` writes it.
    pub fn to_repr(&self) -> String {
        pyrepr::to_repr(&PyValue::dict(vec![
            ("user_id", PyValue::str(&self.user_id)),
            ("token_id", PyValue::str(&self.token_id)),
            ("exp", PyValue::str(format_naive_iso(&self.exp))),
            (
                "created_at",
                PyValue::str(format_naive_iso(&self.created_at)),
            ),
        ]))
    }
}

/// How a token id appears in listings, logs and audit details: the first 6 characters and an
/// ellipsis. A refresh token id is 43 characters; 6 are enough to pick one of a user's sessions.
pub fn mask_token_id(token_id: &str) -> String {
    let head: String = token_id.chars().take(6).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_example_round_trips() {
        let s = "{'user_id': 'user_i2f72r9rgi-pH_u0VqmTAA', 'token_id': 'YYoi0roonE', 'exp': '2026-12-01T04:12:27.371448', 'created_at': '2026-11-24T04:12:27.371462'}";
        let r = RefreshRecord::parse(s.as_bytes()).unwrap();
        assert_eq!(r.user_id, "user_i2f72r9rgi-pH_u0VqmTAA");
        assert_eq!(r.to_repr(), s);
        assert!(
            RefreshRecord::parse(b"{'user_id': 'x'}").is_err(),
            "missing keys"
        );
        assert_eq!(
            mask_token_id(&r.token_id),
            "YYoi0r…",
            "6 characters and an ellipsis"
        );
    }
}
