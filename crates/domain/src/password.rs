//! bcrypt password hashes exactly as the service's `bcrypt` 5 package writes and checks them
//! (CONTRACT.md §1.4: `user_password:{user_id}`).
//!
//! The service stores `bcrypt.hashpw(pw.encode(), bcrypt.gensalt())`: `$2b$12$`, 22 salt and
//! 31 hash characters. bcrypt 5 raises for passwords over 72 UTF-8 bytes instead of silently
//! truncating them, so Rampart refuses them too (a Hangul syllable takes 3 bytes: 24 fit, 25 do
//! not). pyca/bcrypt is itself built on the Rust `bcrypt` crate; [`verify_password`] reproduces
//! its `checkpw`: the stored text is parsed leniently, the hash is recomputed and formatted, and
//! the whole string is compared in constant time.

use base64::alphabet::BCRYPT;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

/// Cost the service uses (`bcrypt.gensalt()` default).
pub const BCRYPT_COST: u32 = 12;
/// Longest password bcrypt 5 accepts, in UTF-8 bytes.
pub const MAX_PASSWORD_BYTES: usize = 72;
/// Costs the bcrypt implementation accepts.
const COST_RANGE: std::ops::RangeInclusive<u32> = 4..=31;

/// bcrypt's base64 for the salt: `./A-Za-z0-9`, no padding, non-zero trailing bits refused (as
/// pyca/bcrypt refuses such a salt with "Invalid salt").
const SALT_B64: GeneralPurpose = GeneralPurpose::new(
    &BCRYPT,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Why a password could not be hashed or checked. Messages never contain the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Over 72 UTF-8 bytes: bcrypt 5 raises `ValueError` in both `hashpw` and `checkpw`.
    #[error(
        "the password is {bytes} bytes in UTF-8; the service's bcrypt accepts at most 72 \
         (a Korean syllable takes 3 bytes)"
    )]
    TooLong { bytes: usize },
    /// The stored value is not something `bcrypt.checkpw` can read (it raises "Invalid salt").
    #[error("the stored password hash is not a bcrypt hash")]
    BadHash,
    /// A cost outside 4..=31 was requested, or a stored cost above [`MAX_VERIFY_COST`].
    #[error("bcrypt cost {cost} is outside what Rampart computes (4..=31 to hash, at most 16 to verify)")]
    CostOutOfRange { cost: u32 },
}

/// `bcrypt.hashpw(password, gensalt())` with the caller's 16 random salt bytes: `$2b$12$…`.
pub fn hash_password(password: &SecretString, salt: [u8; 16]) -> Result<String, PasswordError> {
    hash_password_with_cost(password, salt, BCRYPT_COST)
}

/// [`hash_password`] at another cost (cost 4 keeps tests and benchmarks fast).
pub fn hash_password_with_cost(
    password: &SecretString,
    salt: [u8; 16],
    cost: u32,
) -> Result<String, PasswordError> {
    let pw = checked_bytes(password)?;
    compute(pw, cost, salt, bcrypt::Version::TwoB)
}

/// Highest bcrypt cost `verify_password` will compute (~4 s at 16 on this hardware).
pub const MAX_VERIFY_COST: u32 = 16;

/// `bcrypt.checkpw(password, stored)`: accepts `$2a$`, `$2b$`, `$2x$` and `$2y$`;
/// `Ok(false)` where Python returns False, `Err(BadHash)` where it raises. Unlike Python, a
/// stored cost above [`MAX_VERIFY_COST`] is refused (`CostOutOfRange`) instead of computed.
pub fn verify_password(password: &SecretString, stored: &str) -> Result<bool, PasswordError> {
    let pw = checked_bytes(password)?;
    // pyca/bcrypt splits on '$' and ignores empty pieces, then needs exactly three.
    let parts: Vec<&str> = stored.split('$').filter(|p| !p.is_empty()).collect();
    let [prefix, cost, rest] = parts.as_slice() else {
        return Err(PasswordError::BadHash);
    };
    let version = match *prefix {
        "2a" => bcrypt::Version::TwoA,
        "2b" => bcrypt::Version::TwoB,
        "2x" => bcrypt::Version::TwoX,
        "2y" => bcrypt::Version::TwoY,
        _ => return Err(PasswordError::BadHash),
    };
    let cost: u32 = cost.parse().map_err(|_| PasswordError::BadHash)?;
    // The service writes cost 12. A stored hash of cost 31 would take days to check: a hostile
    // record in Redis must not stall the console, so costs above the cap are refused.
    if cost > MAX_VERIFY_COST && COST_RANGE.contains(&cost) {
        return Err(PasswordError::CostOutOfRange { cost });
    }
    let salt_text = rest.get(..22).ok_or(PasswordError::BadHash)?;
    let salt: [u8; 16] = SALT_B64
        .decode(salt_text)
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or(PasswordError::BadHash)?;
    let computed = compute(pw, cost, salt, version).map_err(|_| PasswordError::BadHash)?;
    // The recomputed text must equal the stored text exactly (so "$2b$4$" or a trailing "$"
    // is False, not an error, as in Python).
    Ok(computed.as_bytes().ct_eq(stored.as_bytes()).into())
}

/// The password's UTF-8 bytes, refused above 72 (never truncated).
fn checked_bytes(password: &SecretString) -> Result<&[u8], PasswordError> {
    let pw = password.expose_secret().as_bytes();
    if pw.len() > MAX_PASSWORD_BYTES {
        return Err(PasswordError::TooLong { bytes: pw.len() });
    }
    Ok(pw)
}

fn compute(
    pw: &[u8],
    cost: u32,
    salt: [u8; 16],
    version: bcrypt::Version,
) -> Result<String, PasswordError> {
    if !COST_RANGE.contains(&cost) {
        return Err(PasswordError::CostOutOfRange { cost });
    }
    // `pw` is at most 72 bytes here; the crate then drops only its appended NUL terminator at
    // exactly 72, as pyca/bcrypt does (its `non_truncating_*` would count the NUL and refuse).
    let parts = bcrypt::hash_with_salt(pw, cost, salt)
        .map_err(|_| PasswordError::CostOutOfRange { cost })?;
    Ok(parts.format_for_version(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    // Tables printed by `scripts/gen/password_vectors.py` (Python 3.11.7, bcrypt 5.0.0).
    /// bcrypt.hashpw(password, b'$2b$' + cost + b'$' + salt22(salt)): (password, salt bytes,
    /// cost, hash).
    const PY_HASHES: &[(&str, [u8; 16], u32, &str)] = &[
        (
            "password",
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            4,
            "$2b$04$......................LAtw7/ohmmBAhnXqmkuIz83Rl5Qdjhm",
        ),
        (
            "correct horse battery staple",
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            4,
            "$2b$04$..CA.uOD/eaGAOmJB.yMBuaOWmnNUFfwORoH..MfuhEhaBiFsYEfG",
        ),
        (
            "비밀번호123!",
            [
                255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
            ],
            4,
            "$2b$04$999999999999999999999uex1vqzQxdERG0pOvFyq9e4kpx1Och8K",
        ),
        (
            "",
            [
                100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
            ],
            4,
            "$2b$04$XETkX0fnYkrqZU3taFDwauNFNtDG.MoBoXcK1v4qirzVXCjjGOO9i",
        ),
        (
            "a\u{0}b",
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            4,
            "$2b$04$..CA.uOD/eaGAOmJB.yMBuDI7tfEZGTVTYo2J1gMBNeCIJHPZuIza",
        ),
        (
            "한한한한한한한한한한한한한한한한한한한한한한한한",
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            4,
            "$2b$04$..CA.uOD/eaGAOmJB.yMBuwRJuF/iTc9RtPlRAuDYu2t5c10xwCnm",
        ),
        (
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            5,
            "$2b$05$..CA.uOD/eaGAOmJB.yMBu4Y9NIw9xqV79LfyoAlCFvASSxc/20QW",
        ),
        (
            "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
            [
                32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
            ],
            4,
            "$2b$04$GACgGwOjHgamIQmpJAysJuBZqTiU1TFGnGkNtMMrYkoJFajGp.A9a",
        ),
        (
            "Tr0ub4dor&3",
            [
                200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215,
            ],
            12,
            "$2b$12$wKlIw6xLxq9OybJRzLVUzuD1xIBN5sO02NtwfKErUb1t2eUg2gdZi",
        ),
    ];
    /// bcrypt.checkpw(b'pw', stored): Some(result) or None when it raises ValueError.
    const PY_CHECKPW: &[(&str, Option<bool>)] = &[
        (
            "$2b$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(true),
        ),
        (
            "$2a$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(true),
        ),
        (
            "$2y$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(true),
        ),
        (
            "$2x$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(true),
        ),
        (
            "$2c$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            None,
        ),
        (
            "$$2b$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(false),
        ),
        (
            "$2b$4$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(false),
        ),
        (
            "$2b$004$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(false),
        ),
        (
            "$2b$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM",
            Some(false),
        ),
        (
            "$2b$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6x",
            Some(false),
        ),
        (
            "$2b$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM.",
            Some(false),
        ),
        (
            "$2b$03$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            None,
        ),
        (
            "$2b$32$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            None,
        ),
        ("", None),
        ("garbage", None),
        ("$2b$04$......................", Some(false)),
        ("$2b$04$.....................", None),
        (
            "$$2b$$04$$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(false),
        ),
        (
            "$2b$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM7",
            Some(false),
        ),
        (
            "$2b$04$...................../CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            None,
        ),
        (
            "$2b$04$.....................OCZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(false),
        ),
        (
            "$2b$ab$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            None,
        ),
        (
            "$2b$+4$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(false),
        ),
        (
            "$2B$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            None,
        ),
        (
            "$2b$04$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6$",
            Some(false),
        ),
        (
            "$2b$04$$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6",
            Some(false),
        ),
    ];

    #[test]
    fn hashes_match_python_bcrypt() {
        for &(pw, salt, cost, want) in PY_HASHES {
            let got = hash_password_with_cost(&secret(pw), salt, cost);
            assert_eq!(got.as_deref(), Ok(want), "hashpw({pw:?}) at cost {cost}");
            assert_eq!(
                verify_password(&secret(pw), want),
                Ok(true),
                "checkpw of its own hash"
            );
            let other: String = if pw.len() < MAX_PASSWORD_BYTES {
                format!("{pw}!")
            } else {
                pw.chars().skip(1).collect()
            };
            assert_eq!(
                verify_password(&secret(&other), want),
                Ok(false),
                "another password fails"
            );
        }
    }

    #[test]
    fn default_cost_is_the_services() {
        let (pw, salt, cost, want) = PY_HASHES[PY_HASHES.len() - 1];
        assert_eq!(
            cost, BCRYPT_COST,
            "the last vector is at the service's cost"
        );
        let got = hash_password(&secret(pw), salt).expect("hashable");
        assert_eq!(got, want, "$2b$12$ like bcrypt.gensalt()");
        assert_eq!(got.len(), 60, "60 characters in all (CONTRACT.md §1.4)");
    }

    #[test]
    fn checkpw_edge_cases_match_python() {
        for &(stored, want) in PY_CHECKPW {
            let got = verify_password(&secret("pw"), stored);
            match want {
                Some(ok) => assert_eq!(got, Ok(ok), "checkpw(b'pw', {stored:?})"),
                None => assert_eq!(
                    got,
                    Err(PasswordError::BadHash),
                    "{stored:?}: Python raises"
                ),
            }
        }
    }

    #[test]
    fn seventy_two_byte_limit_counts_utf8_bytes() {
        let salt = [7u8; 16];
        let ok = "한".repeat(24);
        assert_eq!(ok.len(), 72, "24 Hangul syllables are exactly 72 bytes");
        assert!(
            hash_password_with_cost(&secret(&ok), salt, 4).is_ok(),
            "72 bytes are accepted"
        );
        let long = "한".repeat(25);
        assert_eq!(
            hash_password_with_cost(&secret(&long), salt, 4),
            Err(PasswordError::TooLong { bytes: 75 }),
            "25 Hangul syllables exceed the limit: refused, never truncated"
        );
        let (_, _, _, stored) = PY_HASHES[5];
        assert_eq!(
            verify_password(&secret(&long), stored),
            Err(PasswordError::TooLong { bytes: 75 }),
            "checkpw raises too, even though truncation would have matched"
        );
        assert_eq!(
            verify_password(&secret(&"x".repeat(73)), PY_HASHES[6].3),
            Err(PasswordError::TooLong { bytes: 73 }),
            "73 ASCII bytes"
        );
    }

    #[test]
    fn cost_outside_range_is_refused() {
        for cost in [0, 3, 32] {
            assert_eq!(
                hash_password_with_cost(&secret("pw"), [0; 16], cost),
                Err(PasswordError::CostOutOfRange { cost }),
                "cost {cost}"
            );
        }
        // A hostile stored hash of cost 31 is refused at once instead of computed for days.
        let started = std::time::Instant::now();
        let hostile = "$2b$31$......................CZJXs39HZ6odvxM3EvHl/Fh/PsT/WM6";
        assert_eq!(
            verify_password(&secret("pw"), hostile),
            Err(PasswordError::CostOutOfRange { cost: 31 })
        );
        assert!(started.elapsed().as_secs() < 1, "refused without hashing");
    }

    #[test]
    fn errors_never_contain_the_password() {
        let pw = "한".repeat(30);
        let err = hash_password(&secret(&pw), [0; 16]).unwrap_err();
        assert!(
            !err.to_string().contains('한'),
            "the message describes, never echoes: {err}"
        );
        assert!(
            err.to_string().contains("90 bytes"),
            "it says how long: {err}"
        );
    }
}
