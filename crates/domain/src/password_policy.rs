//! The password policy for accounts the console creates or resets (issue 4, "Lifecycle").
//!
//! - at least [`MIN_PASSWORD_CHARS`] characters (Unicode scalar values, so a Korean password is
//!   measured the way its owner counts it);
//! - at most [`MAX_PASSWORD_BYTES`] UTF-8 bytes, because the service's bcrypt 5 raises above
//!   that (CONTRACT §1.4); the message counts bytes, since a Hangul syllable takes 3;
//! - not a common password: the 30,000 most common passwords zxcvbn ships
//!   (`data/common-passwords.txt`, MIT, see `data/README.md`), compared case-insensitively and
//!   also after stripping the digits and symbols people append or prepend (`Password2024!` is
//!   `password`), and not one short unit repeated (`abcabcabcabc`).
//!
//! The checks never echo the password: messages describe lengths and reasons only.

use std::collections::HashSet;
use std::sync::OnceLock;

use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use crate::ids::token_urlsafe;
pub use crate::password::MAX_PASSWORD_BYTES;

/// Fewest characters a new password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Length of a generated password: `token_urlsafe(15)` is 20 characters of `[A-Za-z0-9_-]`,
/// 120 bits of entropy, and ASCII so it is 20 bytes (far from the bcrypt limit).
pub const GENERATED_PASSWORD_CHARS: usize = 20;

/// Shortest list entry the stripped comparison uses: stripping `12345678901234` leaves nothing,
/// and a one- to three-letter core (`ab`) is too weak a signal to refuse on.
const MIN_STRIPPED_CORE: usize = 4;

static COMMON_TEXT: &str = include_str!("../data/common-passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON_TEXT.lines().filter(|l| !l.is_empty()).collect())
}

/// Why a password is refused. `Display` is the sentence shown to the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the password has {chars} characters; at least {MIN_PASSWORD_CHARS} are required")]
    TooShort { chars: usize },
    #[error("{}", too_long_message(*.bytes, *.chars, *.three_byte))]
    TooLong {
        bytes: usize,
        chars: usize,
        /// Characters that take 3 bytes in UTF-8 (Hangul and most CJK).
        three_byte: usize,
    },
    #[error("the password is in the list of common passwords{}; choose one that is not", .variant.map(|v| format!(" ({v})")).unwrap_or_default())]
    Common { variant: Option<&'static str> },
}

fn too_long_message(bytes: usize, chars: usize, three_byte: usize) -> String {
    let mut s = format!(
        "the password is {bytes} bytes in UTF-8 ({chars} characters); the service's bcrypt \
         accepts at most {MAX_PASSWORD_BYTES} bytes"
    );
    if three_byte > 0 {
        s.push_str(&format!(
            ". Korean letters take 3 bytes each: {three_byte} letters = {} bytes",
            three_byte * 3
        ));
        if bytes > three_byte * 3 {
            s.push_str(&format!(
                ", plus {} bytes for the other characters",
                bytes - three_byte * 3
            ));
        }
        s.push_str(&format!(" > {MAX_PASSWORD_BYTES}"));
    }
    s
}

/// Check a new password against the policy.
pub fn check_password_policy(password: &SecretString) -> Result<(), PolicyError> {
    let pw = password.expose_secret();
    let chars = pw.chars().count();
    if pw.len() > MAX_PASSWORD_BYTES {
        return Err(PolicyError::TooLong {
            bytes: pw.len(),
            chars,
            three_byte: pw.chars().filter(|c| c.len_utf8() == 3).count(),
        });
    }
    if chars < MIN_PASSWORD_CHARS {
        return Err(PolicyError::TooShort { chars });
    }
    let lower = pw.to_lowercase();
    let list = common();
    if list.contains(lower.as_str()) {
        return Err(PolicyError::Common { variant: None });
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    if core.chars().count() >= MIN_STRIPPED_CORE && core != lower && list.contains(core) {
        return Err(PolicyError::Common {
            variant: Some("with digits or symbols added"),
        });
    }
    if is_short_unit_repeated(&lower) {
        return Err(PolicyError::Common {
            variant: Some("one short sequence repeated"),
        });
    }
    Ok(())
}

/// `aaaaaaaaaaaa`, `abcabcabcabc`, `1234123412341234`: a unit of at most 4 characters repeated.
fn is_short_unit_repeated(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    (1..=4).any(|unit| {
        chars.len() >= unit * 2
            && chars.len().is_multiple_of(unit)
            && chars.chunks(unit).all(|c| c == &chars[..unit])
    })
}

/// A password for an admin reset when the operator does not type one: shown once to the
/// operator, never stored by Rampart. Randomness comes from the caller.
pub fn generate_password(rng: &mut (impl RngCore + ?Sized)) -> SecretString {
    loop {
        let candidate = SecretString::from(token_urlsafe(15, rng));
        // 120 random bits almost never hit the list or a repetition; loop for the proof.
        if check_password_policy(&candidate).is_ok() {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn s(x: &str) -> SecretString {
        SecretString::from(x.to_owned())
    }

    #[test]
    fn korean_passwords_are_measured_in_bytes_with_a_clear_message() {
        let ok = "가나다라마바사아자차카타파하거너더러머버서어저처";
        assert_eq!(ok.len(), 72);
        assert_eq!(
            check_password_policy(&s(ok)),
            Ok(()),
            "24 Hangul = 72 bytes: accepted"
        );
        let long = "한".repeat(26);
        let err = check_password_policy(&s(&long)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the password is 78 bytes in UTF-8 (26 characters); the service's bcrypt accepts at \
             most 72 bytes. Korean letters take 3 bytes each: 26 letters = 78 bytes > 72",
            "the message counts bytes for the operator"
        );
        let mixed = format!("{}abc", "가".repeat(24));
        assert!(
            check_password_policy(&s(&mixed))
                .unwrap_err()
                .to_string()
                .contains("plus 3 bytes for the other characters"),
            "mixed scripts say where the other bytes come from"
        );
        assert!(
            !err.to_string().contains('한'),
            "the message never echoes the password"
        );
    }

    #[test]
    fn exactly_72_bytes_pass_and_73_are_refused() {
        let pw72 = "Zq8#vP".repeat(12);
        assert_eq!(pw72.len(), 72);
        assert_eq!(check_password_policy(&s(&pw72)), Ok(()), "72 bytes fit");
        let pw73 = format!("{pw72}x");
        assert_eq!(
            check_password_policy(&s(&pw73)),
            Err(PolicyError::TooLong {
                bytes: 73,
                chars: 73,
                three_byte: 0
            }),
            "73 bytes would make bcrypt 5 raise"
        );
    }

    #[test]
    fn short_common_and_repeated_passwords_are_refused() {
        let cases: &[(&str, Option<PolicyError>)] = &[
            ("Xk3#9vQm!2p", Some(PolicyError::TooShort { chars: 11 })),
            (
                "가나다라마바사아자차카",
                Some(PolicyError::TooShort { chars: 11 }),
            ),
            ("qwertyuiop12", Some(PolicyError::Common { variant: None })),
            ("QWERTYUIOP12", Some(PolicyError::Common { variant: None })),
            ("password1234", Some(PolicyError::Common { variant: None })),
            (
                "Baseball2024!!",
                Some(PolicyError::Common {
                    variant: Some("with digits or symbols added"),
                }),
            ),
            (
                "abcabcabcabc",
                Some(PolicyError::Common {
                    variant: Some("one short sequence repeated"),
                }),
            ),
            ("Tr0ub4dor&3-horse", None),
            ("가나다라마바사아자차카타", None),
            ("correct horse battery", None),
        ];
        for (pw, want) in cases {
            let got = check_password_policy(&s(pw)).err();
            assert_eq!(&got, want, "policy for {pw:?}");
        }
    }

    #[test]
    fn the_bundled_list_is_the_zxcvbn_list() {
        assert_eq!(common().len(), 30_000, "all 30,000 entries load");
        assert!(common().contains("123456") && common().contains("password"));
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        for _ in 0..100 {
            let p = generate_password(&mut rng);
            assert_eq!(p.expose_secret().len(), GENERATED_PASSWORD_CHARS);
            assert_eq!(check_password_policy(&p), Ok(()));
        }
    }
}
