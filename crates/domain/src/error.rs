//! The domain's error for a record that does not follow the seed's format.

use thiserror::Error;

/// Why a stored value could not be read as the seed writes it. The message is a sentence an
/// operator can act on; it never contains secret material (values are described, not echoed).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    #[error("missing field `{0}`")]
    MissingField(String),
    #[error("field `{field}` is invalid: {reason}")]
    InvalidField { field: String, reason: String },
    #[error("value is not valid UTF-8")]
    NotUtf8,
    #[error("value is malformed: {0}")]
    Malformed(String),
    #[error("value is too large ({size} bytes; limit {limit})")]
    TooLarge { size: usize, limit: usize },
    #[error("value nests too deeply (limit {0})")]
    TooDeep(usize),
}

impl FormatError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
