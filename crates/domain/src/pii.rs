//! The seed's PII detection and masking, reproduced exactly (CONTRACT.md §3.1,
//! `PIIManager._is_pii_field` / `_mask_field_value` / `mask_pii_data`).
//!
//! These rules are flawed (§7.14: substring matching makes `ip_address` PII but not
//! `card_number`, 13-digit Korean RRNs are fully starred, an e-mail without `@` is shown as is,
//! the generic mask leaks length and both ends). Rampart reproduces them so an operator sees what
//! the service's users see; it must not treat them as adequate protection.
//!
//! Lengths count Unicode code points (Python `len`), and digits are Python's `str.isdigit` from
//! the service's Unicode 14 tables ([`py_isdigit`]), so `５`, `²` and `①` count as digits.

use crate::unicode_tables::py_isdigit;

/// The seed's PII names; a field is PII when one of them occurs in its lower-cased name.
pub const PII_FIELDS: [&str; 8] = [
    "email",
    "phone",
    "ssn",
    "address",
    "credit_card",
    "bank_account",
    "passport",
    "driver_license",
];

/// Which of the seed's masks applies to a PII field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaskRule {
    /// The name contains `email`.
    Email,
    /// The name contains `phone` (and not `email`).
    Phone,
    /// The name contains `ssn` (and none of the above).
    Ssn,
    /// The name contains `credit_card` (and none of the above).
    CreditCard,
    /// Any other PII name (address, bank_account, passport, driver_license, `ip_address`...).
    Generic,
}

/// Python's `field_name.lower()`. Rust's full lower-casing matches Python's for every name that
/// can contain a PII substring (both map KELVIN SIGN to `k` and `İ` to `i̇`); the two differ
/// only on letters added after Unicode 14, none of which lower-case to ASCII.
fn py_lower(field_name: &str) -> String {
    field_name.to_lowercase()
}

/// `PIIManager._is_pii_field`: any PII name is a substring of the lower-cased field name.
pub fn is_pii_field(field_name: &str) -> bool {
    let lower = py_lower(field_name);
    PII_FIELDS.iter().any(|pii| lower.contains(pii))
}

/// The mask the seed would apply, or `None` when the field is not PII. The checks run in the
/// seed's order: email, phone, ssn, credit_card, then generic.
pub fn mask_rule(field_name: &str) -> Option<MaskRule> {
    is_pii_field(field_name).then(|| rule_of(&py_lower(field_name)))
}

/// The `if/elif` chain of `_mask_field_value` on an already lower-cased name.
fn rule_of(lower: &str) -> MaskRule {
    if lower.contains("email") {
        MaskRule::Email
    } else if lower.contains("phone") {
        MaskRule::Phone
    } else if lower.contains("ssn") {
        MaskRule::Ssn
    } else if lower.contains("credit_card") {
        MaskRule::CreditCard
    } else {
        MaskRule::Generic
    }
}

/// `PIIManager._mask_field_value(field_name, value, user_role)`, exactly.
///
/// Only the exact role string `admin` sees the raw value (`user_role in ['admin']`). Like the
/// seed, this masks by rule even when the field is not PII; [`seed_mask_record`] applies the PII
/// test first, as `mask_pii_data` does.
pub fn seed_mask_value(field_name: &str, value: &str, user_role: &str) -> String {
    if user_role == "admin" {
        return value.to_owned();
    }
    match rule_of(&py_lower(field_name)) {
        MaskRule::Email => mask_email(value),
        // _mask_phone and _mask_credit_card have the same body in the seed.
        MaskRule::Phone | MaskRule::CreditCard => mask_last_four_digits(value),
        MaskRule::Ssn => mask_ssn(value),
        MaskRule::Generic => mask_generic(value),
    }
}

/// `PIIManager.mask_pii_data` on a string-valued dict: PII fields masked, order kept.
pub fn seed_mask_record(record: &[(String, String)], user_role: &str) -> Vec<(String, String)> {
    record
        .iter()
        .map(|(field, value)| {
            let shown = if is_pii_field(field) {
                seed_mask_value(field, value, user_role)
            } else {
                value.clone()
            };
            (field.clone(), shown)
        })
        .collect()
}

fn stars(n: usize) -> String {
    "*".repeat(n)
}

/// `_mask_email`: unchanged without `@`; else the local part keeps its ends (or is all `*` when
/// it has at most 2 characters) and the domain is kept.
fn mask_email(email: &str) -> String {
    let Some((local, domain)) = email.split_once('@') else {
        return email.to_owned();
    };
    format!("{}@{domain}", mask_generic(local))
}

/// Python `''.join(filter(str.isdigit, value))`.
fn digits(value: &str) -> Vec<char> {
    value.chars().filter(|&c| py_isdigit(c)).collect()
}

/// `_mask_phone` / `_mask_credit_card`: `*` per hidden digit plus the last 4 digits; formatting
/// is dropped; with at most 4 digits, one `*` per character of the whole value.
fn mask_last_four_digits(value: &str) -> String {
    let d = digits(value);
    if d.len() <= 4 {
        return stars(value.chars().count());
    }
    let mut out = stars(d.len() - 4);
    out.extend(&d[d.len() - 4..]);
    out
}

/// `_mask_ssn`: `***-**-` plus the last 4 digits for exactly 9 digits, else all `*`.
fn mask_ssn(value: &str) -> String {
    let d = digits(value);
    if d.len() != 9 {
        return stars(value.chars().count());
    }
    let mut out = "***-**-".to_owned();
    out.extend(&d[5..]);
    out
}

/// `_mask_generic`: at most 2 characters become `*`; else first + `*`×(n-2) + last.
fn mask_generic(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    match chars.as_slice() {
        [first, middle @ .., last] if !middle.is_empty() => {
            format!("{first}{}{last}", stars(middle.len()))
        }
        _ => stars(chars.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tables printed by `scripts/gen/pii_vectors.py` (the seed's own PIIManager, Python 3.11.7).
    /// (field, PIIManager._is_pii_field(field)).
    const PY_IS_PII: &[(&str, bool)] = &[
        ("email", true),
        ("EMAIL", true),
        ("user_email", true),
        ("Email_Address", true),
        ("phone", true),
        ("Phone_Mobile", true),
        ("ssn", true),
        ("SSN", true),
        ("address", true),
        ("home_address", true),
        ("ip_address", true),
        ("credit_card", true),
        ("card_number", false),
        ("bank_account", true),
        ("passport", true),
        ("driver_license", true),
        ("username", false),
        ("", false),
        ("e_mail", false),
        ("phones", true),
        ("lessn", true),
        ("ban\u{212a}_account", true),
        ("İp_address", true),
        ("ADDRESSİ", true),
        ("주소", false),
        ("email주소", true),
        ("pass\u{17f}port", false),
        ("credit_card_phone", true),
        ("ssn_email", true),
    ];
    /// (field, value, role, PIIManager._mask_field_value(field, value, role)).
    const PY_MASK: &[(&str, &str, &str, &str)] = &[
        ("email", "alice@x.com", "premium_user", "a***e@x.com"),
        ("email", "ab@x.com", "premium_user", "**@x.com"),
        ("email", "a@x.com", "premium_user", "*@x.com"),
        ("email", "@x.com", "premium_user", "@x.com"),
        ("email", "no-at-sign", "premium_user", "no-at-sign"),
        ("email", "abc@", "premium_user", "a*c@"),
        ("email", "a@b@c", "premium_user", "*@b@c"),
        (
            "email",
            "김민준@예시.한국",
            "premium_user",
            "김*준@예시.한국",
        ),
        ("email", "김민@예시.한국", "premium_user", "**@예시.한국"),
        ("email", "😀ab😀@x", "premium_user", "😀**😀@x"),
        ("user_email", "", "premium_user", ""),
        ("phone", "010-1234-5678", "premium_user", "*******5678"),
        ("phone", "1234", "premium_user", "****"),
        ("phone", "12345", "premium_user", "*2345"),
        ("phone", "+82 10 1234 5678", "premium_user", "********5678"),
        (
            "phone",
            "０１０-１２３４-５６７８",
            "premium_user",
            "*******５６７８",
        ),
        ("phone", "²³¹⁴⁵", "premium_user", "*³¹⁴⁵"),
        ("phone", "①②③④⑤⑥", "premium_user", "**③④⑤⑥"),
        ("phone", "٠١٢٣٤٥٦", "premium_user", "***٣٤٥٦"),
        ("phone", "abc", "premium_user", "***"),
        ("phone", "", "premium_user", ""),
        (
            "Phone_Mobile",
            "010 9999 0000",
            "premium_user",
            "*******0000",
        ),
        ("ssn", "123-45-6789", "premium_user", "***-**-6789"),
        ("ssn", "123456789", "premium_user", "***-**-6789"),
        ("ssn", "900101-1234567", "premium_user", "**************"),
        ("ssn", "12345678", "premium_user", "********"),
        (
            "ssn",
            "１２３-４５-６７８９",
            "premium_user",
            "***-**-６７８９",
        ),
        ("ssn", "", "premium_user", ""),
        ("SSN", "xx123x45x6789xx", "premium_user", "***-**-6789"),
        (
            "credit_card",
            "4111 1111 1111 1111",
            "premium_user",
            "************1111",
        ),
        ("credit_card", "4111", "premium_user", "****"),
        ("credit_card", "4111-1", "premium_user", "*1111"),
        (
            "credit_card",
            "５５５５ ４４４４ ３３３３ ２２２２",
            "premium_user",
            "************２２２２",
        ),
        ("address", "서울", "premium_user", "**"),
        (
            "address",
            "서울특별시 강남구",
            "premium_user",
            "서*******구",
        ),
        ("ip_address", "203.0.113.66", "premium_user", "2**********6"),
        ("address", "a", "premium_user", "*"),
        ("address", "", "premium_user", ""),
        (
            "bank_account",
            "110-123-456789",
            "premium_user",
            "1************9",
        ),
        ("passport", "M12345678", "premium_user", "M*******8"),
        (
            "driver_license",
            "11-22-333333-44",
            "premium_user",
            "1*************4",
        ),
        (
            "home_address",
            "👨\u{200d}👩\u{200d}👧 가족",
            "premium_user",
            "👨******족",
        ),
        (
            "credit_card_phone",
            "4111 1111 1111 1111",
            "premium_user",
            "************1111",
        ),
        ("ssn_email", "123-45-6789", "premium_user", "123-45-6789"),
        (
            "credit_card_ssn",
            "4111 1111 1111 1111",
            "premium_user",
            "*******************",
        ),
        (
            "ssn_credit_card",
            "123-45-6789",
            "premium_user",
            "***-**-6789",
        ),
        (
            "Email_Address",
            "bob@example.org",
            "premium_user",
            "b*b@example.org",
        ),
        ("ban\u{212a}_account", "12345", "premium_user", "1***5"),
        ("email", "alice@x.com", "admin", "alice@x.com"),
        ("email", "ab@x.com", "admin", "ab@x.com"),
        ("email", "a@x.com", "admin", "a@x.com"),
        ("phone", "010-1234-5678", "admin", "010-1234-5678"),
        ("phone", "1234", "admin", "1234"),
        ("email", "alice@x.com", "Admin", "a***e@x.com"),
        ("email", "ab@x.com", "Admin", "**@x.com"),
        ("email", "a@x.com", "Admin", "*@x.com"),
        ("phone", "010-1234-5678", "Admin", "*******5678"),
        ("phone", "1234", "Admin", "****"),
        ("email", "alice@x.com", "admin ", "a***e@x.com"),
        ("email", "ab@x.com", "admin ", "**@x.com"),
        ("email", "a@x.com", "admin ", "*@x.com"),
        ("phone", "010-1234-5678", "admin ", "*******5678"),
        ("phone", "1234", "admin ", "****"),
        ("email", "alice@x.com", "", "a***e@x.com"),
        ("email", "ab@x.com", "", "**@x.com"),
        ("email", "a@x.com", "", "*@x.com"),
        ("phone", "010-1234-5678", "", "*******5678"),
        ("phone", "1234", "", "****"),
    ];
    /// PIIManager.mask_pii_data(record, 'basic_user'), order kept.
    const PY_RECORD: &[(&str, &str, &str)] = &[
        ("user_id", "user_x", "user_x"),
        ("email", "alice@example.com", "a***e@example.com"),
        ("username", "김민준", "김민준"),
        ("phone", "010-1234-5678", "*******5678"),
        ("ip_address", "2001:db8::1", "2*********1"),
        ("card_number", "4111111111111111", "4111111111111111"),
        ("ssn", "900101-1234567", "**************"),
        ("note", "free text", "free text"),
    ];

    #[test]
    fn contract_examples() {
        // Every example written in CONTRACT.md §3.1.
        let cases: &[(&str, &str, &str)] = &[
            ("email", "alice@x.com", "a***e@x.com"),
            ("email", "ab@x.com", "**@x.com"),
            ("phone", "010-1234-5678", "*******5678"),
            ("ssn", "900101-1234567", "**************"),
            ("credit_card", "4111 1111 1111 1111", "************1111"),
            ("address", "서울", "**"),
            ("ip_address", "203.0.113.66", "2**********6"),
        ];
        for &(field, value, want) in cases {
            assert_eq!(
                seed_mask_value(field, value, "basic_user"),
                want,
                "{field}={value}"
            );
        }
        assert_eq!(
            seed_mask_value("ssn", "900101-1234567", "guest")
                .chars()
                .count(),
            14,
            "an RRN is fully starred, 14 stars (the seed's 9-digit SSN bug)"
        );
        for (field, pii) in [
            ("ip_address", true),
            ("home_address", true),
            ("Phone_Mobile", true),
        ]
        .into_iter()
        .chain([("card_number", false)])
        {
            assert_eq!(is_pii_field(field), pii, "{field}: substring rule of §3.1");
        }
    }

    #[test]
    fn is_pii_matches_python() {
        for &(field, want) in PY_IS_PII {
            assert_eq!(is_pii_field(field), want, "_is_pii_field({field:?})");
            assert_eq!(
                mask_rule(field).is_some(),
                want,
                "mask_rule({field:?}) agrees"
            );
        }
    }

    #[test]
    fn masks_match_python() {
        for &(field, value, role, want) in PY_MASK {
            assert_eq!(
                seed_mask_value(field, value, role),
                want,
                "_mask_field_value({field:?}, {value:?}, {role:?})"
            );
        }
    }

    #[test]
    fn record_masking_matches_python() {
        let record: Vec<(String, String)> = PY_RECORD
            .iter()
            .map(|&(k, v, _)| (k.to_owned(), v.to_owned()))
            .collect();
        let want: Vec<(String, String)> = PY_RECORD
            .iter()
            .map(|&(k, _, m)| (k.to_owned(), m.to_owned()))
            .collect();
        assert_eq!(
            seed_mask_record(&record, "basic_user"),
            want,
            "mask_pii_data, order kept"
        );
        assert_eq!(
            seed_mask_record(&record, "admin"),
            record,
            "admin sees raw values"
        );
    }

    #[test]
    fn mask_rule_follows_the_seed_order() {
        let cases: &[(&str, Option<MaskRule>)] = &[
            ("user_email", Some(MaskRule::Email)),
            ("ssn_email", Some(MaskRule::Email)),
            ("credit_card_phone", Some(MaskRule::Phone)),
            ("phone_ssn", Some(MaskRule::Phone)),
            ("credit_card_ssn", Some(MaskRule::Ssn)),
            ("SSN", Some(MaskRule::Ssn)),
            ("credit_card", Some(MaskRule::CreditCard)),
            ("ip_address", Some(MaskRule::Generic)),
            ("passport", Some(MaskRule::Generic)),
            ("card_number", None),
            ("username", None),
        ];
        for &(field, want) in cases {
            assert_eq!(mask_rule(field), want, "{field}");
        }
    }

    #[test]
    fn every_pii_name_is_detected_in_any_case() {
        for name in PII_FIELDS {
            assert!(is_pii_field(name), "{name}");
            assert!(is_pii_field(&name.to_uppercase()), "{name} upper-cased");
            assert!(
                is_pii_field(&format!("x_{name}_y")),
                "{name} as a substring"
            );
        }
    }
}
