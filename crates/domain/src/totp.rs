//! TOTP exactly as the service's pyotp 2.12 computes and checks it (CONTRACT.md §2).
//!
//! RFC 6238 with HMAC-SHA1, 6 digits, 30-second steps and T0 = 0. The service verifies with
//! `totp.verify(code, valid_window=1)`: the previous, current and next step are accepted, and
//! the code is compared after NFKC normalisation (so full-width `１２３４５６` matches). Secrets are
//! base32, decoded case-insensitively with padding added, and must decode to at least 112 bits
//! or pyotp 2.12 raises on every use.

use hmac::{Hmac, Mac};
use rand::Rng;
use secrecy::SecretBox;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use unicode_normalization::UnicodeNormalization;
use zeroize::{Zeroize, Zeroizing};

/// Length of the secrets the seed generates (`pyotp.random_base32()`, 160 bits).
pub const SECRET_LEN: usize = 32;
/// Shortest secret pyotp 2.12 accepts after decoding, in bytes (NIST SP 800-63B: 112 bits).
const MIN_SECRET_BYTES: usize = 14;
/// RFC 6238 time step used by the service.
const STEP_SECONDS: u64 = 30;
/// Digits of the service's codes.
const DIGITS: u32 = 6;
/// How far [`check_code`] looks for a clock drift after a failed check.
const DRIFT_SEARCH_STEPS: i64 = 10;
/// pyotp's `strings_equal` refuses longer inputs before normalising (CVE-2026-3276).
const MAX_CODE_CHARS: usize = 1024;
/// The base32 alphabet (RFC 4648).
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Issuer shown by authenticator apps (`MFAService.issuer_name`).
const ISSUER: &str = "Stock Analysis App";

/// HMAC hash of an RFC 6238 computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpAlgorithm {
    /// HMAC-SHA1, the service's (and RFC 6238's default) choice.
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

/// Outcome of [`check_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// Accepted, as pyotp's `verify(code, valid_window=1)` would: `step` is the matching time
    /// step (keep it to refuse replays) and `drift` its offset from the current step (-1..=1).
    Valid { step: u64, drift: i8 },
    /// Refused, but the code matches a step within ±10 of now: the device clock is probably off
    /// by about `drift_steps × 30` seconds. This is **not** a successful verification.
    Drift { drift_steps: i64 },
    /// Refused.
    Invalid,
}

/// Why a TOTP secret cannot be used. Messages never contain the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    /// pyotp 2.12 raises for secrets under 112 bits, so the service could never verify a code.
    #[error(
        "the TOTP secret decodes to only {bits} bits; pyotp 2.12 needs at least 112, so the \
         service would raise on every code check"
    )]
    SecretTooShort { bits: usize },
    /// Not decodable as pyotp decodes (base32 A-Z and 2-7, any case, optional `=` padding).
    #[error("the TOTP secret is not valid base32 (A-Z and 2-7, optionally padded with '=')")]
    NotBase32,
}

/// A new secret as `pyotp.random_base32()` makes it: 32 characters drawn uniformly from
/// `A-Z2-7` (160 bits), from the caller's RNG.
pub fn generate_secret(rng: &mut (impl rand::RngCore + ?Sized)) -> String {
    (0..SECRET_LEN)
        .map(|_| char::from(BASE32[rng.gen_range(0..BASE32.len())]))
        .collect()
}

/// The secret's bytes as pyotp's `byte_secret()` decodes them (`base64.b32decode(secret +
/// padding, casefold=True)`), refusing what pyotp 2.12 refuses.
pub fn decode_secret(secret: &str) -> Result<SecretBox<Vec<u8>>, TotpError> {
    // b32decode refuses a non-ASCII str (ValueError).
    if !secret.is_ascii() {
        return Err(TotpError::NotBase32);
    }
    let mut s = Zeroizing::new(secret.to_ascii_uppercase().into_bytes());
    // pyotp pads to a multiple of 8 before decoding.
    while !s.len().is_multiple_of(8) {
        s.push(b'=');
    }
    let data_len = s.len() - s.iter().rev().take_while(|&&c| c == b'=').count();
    let pad = s.len() - data_len;
    let mut out = Zeroizing::new(Vec::with_capacity(data_len * 5 / 8 + 5));
    let mut acc: u64 = 0;
    for quantum in s[..data_len].chunks(8) {
        acc = 0;
        for &c in quantum {
            let v = BASE32
                .iter()
                .position(|&a| a == c)
                .ok_or(TotpError::NotBase32)?;
            acc = (acc << 5) | v as u64;
        }
        out.extend_from_slice(&acc.to_be_bytes()[3..]);
    }
    if !matches!(pad, 0 | 1 | 3 | 4 | 6) {
        return Err(TotpError::NotBase32);
    }
    if pad > 0 && !out.is_empty() {
        // Python re-encodes the last partial quantum as if padded with zero bits and keeps the
        // bytes that the padding count allows.
        let last = (acc << (5 * pad)).to_be_bytes();
        let keep = (43 - 5 * pad) / 8;
        let n = out.len();
        out.truncate(n - 5);
        out.extend_from_slice(&last[3..3 + keep]);
    }
    acc.zeroize();
    if out.len() < MIN_SECRET_BYTES {
        return Err(TotpError::SecretTooShort {
            bits: out.len() * 8,
        });
    }
    Ok(SecretBox::new(Box::new(std::mem::take(&mut *out))))
}

/// The service's code at `unix_time`: RFC 6238, SHA1, 6 digits, 30 s steps, T0 = 0.
pub fn code_at(secret: &[u8], unix_time: u64) -> String {
    hotp(
        secret,
        unix_time / STEP_SECONDS,
        DIGITS,
        TotpAlgorithm::Sha1,
    )
}

/// An RFC 6238 code with any digit count and hash (30 s steps, T0 = 0), for Appendix B tests.
pub fn code_at_rfc(secret: &[u8], unix_time: u64, digits: u32, algo: TotpAlgorithm) -> String {
    hotp(secret, unix_time / STEP_SECONDS, digits, algo)
}

/// RFC 4226 HOTP with dynamic truncation, zero-padded to `digits` (leading zeros matter).
fn hotp(secret: &[u8], counter: u64, digits: u32, algo: TotpAlgorithm) -> String {
    fn mac<M: Mac + hmac::digest::KeyInit>(secret: &[u8], msg: &[u8]) -> Vec<u8> {
        let mut m = <M as hmac::digest::KeyInit>::new_from_slice(secret)
            .expect("HMAC accepts any key length");
        m.update(msg);
        m.finalize().into_bytes().to_vec()
    }
    let msg = counter.to_be_bytes();
    let digest = match algo {
        TotpAlgorithm::Sha1 => mac::<Hmac<sha1::Sha1>>(secret, &msg),
        TotpAlgorithm::Sha256 => mac::<Hmac<sha2::Sha256>>(secret, &msg),
        TotpAlgorithm::Sha512 => mac::<Hmac<sha2::Sha512>>(secret, &msg),
    };
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes(
        digest[offset..offset + 4]
            .try_into()
            .expect("4 bytes within the digest"),
    ) & 0x7fff_ffff;
    let code = u64::from(binary) % 10u64.pow(digits);
    format!("{code:0width$}", width = digits as usize)
}

/// Checks `code` as `pyotp.TOTP(secret).verify(code, valid_window=1)` at `unix_time`, and on
/// failure reports whether it would match within ±10 steps (a clock drift).
///
/// The code is NFKC-normalised first, as pyotp's `strings_equal` does. The three window
/// candidates are all compared in constant time before the result is chosen. A step before the
/// epoch is skipped (pyotp raises there). Inputs longer than 1024 characters are refused before
/// normalising, as in pyotp 2.12.
pub fn check_code(secret: &[u8], code: &str, unix_time: u64) -> CodeCheck {
    if code.chars().count() > MAX_CODE_CHARS {
        return CodeCheck::Invalid;
    }
    let code: String = code.nfkc().collect();
    // Generated codes are 6 ASCII digits, so anything else can never be equal.
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return CodeCheck::Invalid;
    }
    let now = unix_time / STEP_SECONDS;
    let mut matched = Choice::from(0);
    let mut step = 0u64;
    let mut drift = 0i8;
    // Later candidates win ties, so the current step (checked last) is preferred, then -1.
    for d in [1i8, -1, 0] {
        let Some(candidate_step) = now.checked_add_signed(i64::from(d)) else {
            continue;
        };
        let candidate = hotp(secret, candidate_step, DIGITS, TotpAlgorithm::Sha1);
        let hit = candidate.as_bytes().ct_eq(code.as_bytes());
        matched |= hit;
        step.conditional_assign(&candidate_step, hit);
        drift.conditional_assign(&d, hit);
    }
    if bool::from(matched) {
        return CodeCheck::Valid { step, drift };
    }
    // Diagnostics only: the code already failed, so these comparisons need no constant time.
    for distance in 2..=DRIFT_SEARCH_STEPS {
        for d in [-distance, distance] {
            let Some(s) = now.checked_add_signed(d) else {
                continue;
            };
            if hotp(secret, s, DIGITS, TotpAlgorithm::Sha1) == code {
                return CodeCheck::Drift { drift_steps: d };
            }
        }
    }
    CodeCheck::Invalid
}

/// Exactly `pyotp.TOTP(secret).provisioning_uri(name=f"user_{user_id}", issuer_name="Stock
/// Analysis App")`. The seed's user ids already start with `user_`, hence `user_user_…`.
pub fn provisioning_uri(user_id: &str, secret: &str) -> String {
    // pyotp: quote(issuer) + ":" + quote(name) with urllib's default safe "/", then
    // urlencode({"secret", "issuer"}) with "+" turned into "%20".
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}",
        quote(ISSUER, b"/"),
        quote(&format!("user_{user_id}"), b"/"),
        quote(secret, b""),
        quote(ISSUER, b""),
    )
}

/// `urllib.parse.quote(s, safe)`: percent-encodes UTF-8 bytes except `A-Za-z0-9_.-~` and
/// `safe`, with upper-case hex. (`quote_plus` followed by `"+" → "%20"` gives the same text.)
fn quote(s: &str, safe: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The secret in groups of four for reading aloud or typing (`ATKH FIJF A4PB …`); the
/// authenticator ignores the spaces. Only for display: the stored secret has none.
pub fn group_secret(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The RFC 6238 step of a Unix time (30-second steps from T0 = 0).
pub fn step_of(unix_time: u64) -> u64 {
    unix_time / STEP_SECONDS
}

/// Ten backup codes as `secrets.token_hex(4)` makes them: 8 lower-case hex characters each.
pub fn generate_backup_codes(rng: &mut (impl rand::RngCore + ?Sized)) -> Vec<String> {
    (0..10)
        .map(|_| {
            let mut bytes = [0u8; 4];
            rng.fill_bytes(&mut bytes);
            hex::encode(bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use secrecy::ExposeSecret;

    #[derive(Debug, Clone, Copy)]
    enum Secret {
        /// pyotp decodes it to these bytes (hex).
        Decodes(&'static str),
        /// pyotp raises "Secrets must be at least 112 bits" for this many bits.
        TooShort(usize),
        /// base64.b32decode raises.
        NotBase32,
    }
    use Secret::{Decodes, NotBase32, TooShort};

    /// RFC 6238 Appendix B, copied from the RFC: (time, SHA1, SHA256, SHA512), 8 digits.
    const RFC6238_APPENDIX_B: &[(u64, &str, &str, &str)] = &[
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ];
    /// The RFC's seeds: the ASCII digits "1234567890" repeated to 20, 32 and 64 bytes.
    const SEED_SHA1: &[u8] = b"12345678901234567890";
    const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    // Tables printed by `scripts/gen/totp_vectors.py` (Python 3.11.7, pyotp 2.12.0).
    /// RFC 6238 Appendix B through pyotp: (time, digest, 8-digit code).
    const PY_RFC6238: &[(u64, &str, &str)] = &[
        (59, "sha1", "94287082"),
        (59, "sha256", "46119246"),
        (59, "sha512", "90693936"),
        (1111111109, "sha1", "07081804"),
        (1111111109, "sha256", "68084774"),
        (1111111109, "sha512", "25091201"),
        (1111111111, "sha1", "14050471"),
        (1111111111, "sha256", "67062674"),
        (1111111111, "sha512", "99943326"),
        (1234567890, "sha1", "89005924"),
        (1234567890, "sha256", "91819424"),
        (1234567890, "sha512", "93441116"),
        (2000000000, "sha1", "69279037"),
        (2000000000, "sha256", "90698825"),
        (2000000000, "sha512", "38618901"),
        (20000000000, "sha1", "65353130"),
        (20000000000, "sha256", "77737706"),
        (20000000000, "sha512", "47863826"),
    ];
    /// pyotp.TOTP(secret).at(t) with the service's defaults (SHA1, 6 digits, 30 s).
    const PY_CODES: &[(&str, u64, &str)] = &[
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 0, "962390"),
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 29, "962390"),
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 30, "436242"),
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 59, "436242"),
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 1111111109, "083797"),
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 1795493557, "534613"),
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 1795493580, "754698"),
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 4102444800, "448590"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 0, "702218"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 29, "702218"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 30, "503347"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 59, "503347"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1111111109, "088309"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1795493557, "933564"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 1795493580, "570246"),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 4102444800, "834481"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 0, "702218"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 29, "702218"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 30, "503347"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 59, "503347"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 1111111109, "088309"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 1795493557, "933564"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 1795493580, "570246"),
        ("jbswy3dpehpk3pxpjbswy3dpehpk3pxp", 4102444800, "834481"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 0, "755224"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 29, "755224"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 30, "287082"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59, "287082"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1111111109, "081804"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1795493557, "243173"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 1795493580, "527090"),
        ("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 4102444800, "612575"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 0, "328482"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 29, "328482"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 30, "812658"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 59, "812658"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 1111111109, "743009"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 1795493557, "998277"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 1795493580, "977441"),
        ("AAAAAAAAAAAAAAAAAAAAAAAA", 4102444800, "155191"),
    ];
    /// A code with a leading zero: (secret, time, code) found by search.
    const PY_LEADING_ZERO: (&str, u64, &str) =
        ("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", 1795494877, "009667");
    /// pyotp.TOTP(secret).byte_secret(): Ok(hex), TooShort(bits) or NotBase32.
    const PY_SECRETS: &[(&str, Secret)] = &[
        (
            "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF",
            Decodes("04d472a125071e160c1bb284ac3360fcc2f67185"),
        ),
        (
            "atkhfija4pbmda3wkckym3a7tbpm4mf",
            Decodes("04d472a120e3c2c183765095866c1f985ece30"),
        ),
        ("AtKhFiJfA4PbMdA3", TooShort(80)),
        ("JBSWY3DPEHPK3PXP", TooShort(80)),
        (
            "JBSWY3DPEHPK3PXPJBSWY3DP",
            Decodes("48656c6c6f21deadbeef48656c6c6f"),
        ),
        ("JBSWY3DPEHPK3PXPJBSWY", TooShort(104)),
        (
            "JBSWY3DPEHPK3PXPJBSWY3D",
            Decodes("48656c6c6f21deadbeef48656c6c"),
        ),
        ("JBSWY3DPEHPK3PXPJBSWY3DPE", NotBase32),
        ("JBSWY3DPEHPK3PXPJBS", NotBase32),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP====", NotBase32),
        (
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX=",
            Decodes("48656c6c6f21deadbeef48656c6c6f21deadbe"),
        ),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3P==", NotBase32),
        (
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3===",
            Decodes("48656c6c6f21deadbeef48656c6c6f21dead"),
        ),
        (
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK====",
            Decodes("48656c6c6f21deadbeef48656c6c6f21de"),
        ),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHP=====", NotBase32),
        (
            "JBSWY3DPEHPK3PXPJBSWY3DPEH======",
            Decodes("48656c6c6f21deadbeef48656c6c6f21"),
        ),
        ("JBSWY3DPEHPK3PXPJBSWY3DPE=======", NotBase32),
        ("JBSWY3DPEHPK3PXP JBSWY3DPEHPK3PXP", NotBase32),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX1", NotBase32),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX0", NotBase32),
        ("JBSWY3DP=HPK3PXPJBSWY3DPEHPK3PXP", NotBase32),
        ("", TooShort(0)),
        ("========", NotBase32),
        ("A", NotBase32),
        ("AB", TooShort(8)),
        (
            "ABCDEFGHIJKLMNOPQRSTUVW",
            Decodes("00443214c74254b635cf84653a56"),
        ),
        (
            "ABCDEFGHIJKLMNOPQRSTUVWX",
            Decodes("00443214c74254b635cf84653a56d7"),
        ),
        (
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
            Decodes(
                "00443214c74254b635cf84653a56d7c675be77df00443214c74254b635cf84653a56d7c675be77df",
            ),
        ),
        ("ＪBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", NotBase32),
        ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n", NotBase32),
    ];
    /// pyotp.TOTP(secret).provisioning_uri(name=f'user_{uid}', issuer_name='Stock Analysis App')
    const PY_URIS: &[(&str, &str, &str)] = &[
        ("user_Vq8rx0rpoS5Lid-vLxRY2A", "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", "otpauth://totp/Stock%20Analysis%20App:user_user_Vq8rx0rpoS5Lid-vLxRY2A?secret=ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF&issuer=Stock%20Analysis%20App"),
        ("user_i2f72r9rgi-pH_u0VqmTAA", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "otpauth://totp/Stock%20Analysis%20App:user_user_i2f72r9rgi-pH_u0VqmTAA?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Stock%20Analysis%20App"),
        ("user_-_-_", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "otpauth://totp/Stock%20Analysis%20App:user_user_-_-_?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Stock%20Analysis%20App"),
        ("a b/c+d@e:f?g&h=i~j.k%l", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "otpauth://totp/Stock%20Analysis%20App:user_a%20b/c%2Bd%40e%3Af%3Fg%26h%3Di~j.k%25l?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Stock%20Analysis%20App"),
        ("김민준", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX=", "otpauth://totp/Stock%20Analysis%20App:user_%EA%B9%80%EB%AF%BC%EC%A4%80?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX%3D&issuer=Stock%20Analysis%20App"),
        ("user_x", "jbswy3dpehpk3pxp jbswy3dpehpk3pxp", "otpauth://totp/Stock%20Analysis%20App:user_user_x?secret=jbswy3dpehpk3pxp%20jbswy3dpehpk3pxp&issuer=Stock%20Analysis%20App"),
    ];

    fn secret(s: &str) -> Vec<u8> {
        decode_secret(s)
            .expect("valid test secret")
            .expose_secret()
            .clone()
    }

    #[test]
    fn rfc6238_appendix_b_all_18_values() {
        let mut checked = 0;
        for &(t, sha1, sha256, sha512) in RFC6238_APPENDIX_B {
            for (seed, algo, want) in [
                (SEED_SHA1, TotpAlgorithm::Sha1, sha1),
                (SEED_SHA256, TotpAlgorithm::Sha256, sha256),
                (SEED_SHA512, TotpAlgorithm::Sha512, sha512),
            ] {
                assert_eq!(
                    code_at_rfc(seed, t, 8, algo),
                    want,
                    "RFC 6238 B at T={t}, {algo:?}"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 18, "the appendix has 18 values");
        for &(t, name, want) in PY_RFC6238 {
            let (seed, algo) = match name {
                "sha1" => (SEED_SHA1, TotpAlgorithm::Sha1),
                "sha256" => (SEED_SHA256, TotpAlgorithm::Sha256),
                _ => (SEED_SHA512, TotpAlgorithm::Sha512),
            };
            assert_eq!(
                code_at_rfc(seed, t, 8, algo),
                want,
                "pyotp agrees at T={t}, {name}"
            );
        }
    }

    #[test]
    fn codes_match_pyotp() {
        for &(s, t, want) in PY_CODES {
            assert_eq!(code_at(&secret(s), t), want, "pyotp.TOTP({s:?}).at({t})");
        }
        let (s, t, want) = PY_LEADING_ZERO;
        assert!(
            want.starts_with("00"),
            "the vector must exercise leading zeros"
        );
        assert_eq!(
            code_at(&secret(s), t),
            want,
            "leading zeros are kept: 6 characters always"
        );
    }

    #[test]
    fn codes_match_totp_rs() {
        // A second, independent implementation of RFC 6238 (the totp-rs crate).
        let key = secret("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF");
        let other = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, key.clone());
        for t in [0u64, 59, 1_111_111_109, 1_795_493_557, 4_102_444_800] {
            assert_eq!(code_at(&key, t), other.generate(t), "totp-rs agrees at {t}");
        }
    }

    #[test]
    fn secrets_decode_like_pyotp() {
        for &(text, want) in PY_SECRETS {
            let got = decode_secret(text).map(|s| hex::encode(s.expose_secret()));
            let want = match want {
                Decodes(h) => Ok(h.to_owned()),
                TooShort(bits) => Err(TotpError::SecretTooShort { bits }),
                NotBase32 => Err(TotpError::NotBase32),
            };
            assert_eq!(got, want, "byte_secret() of {text:?}");
        }
    }

    #[test]
    fn errors_and_secrets_never_print_the_secret() {
        let short = decode_secret("JBSWY3DPEHPK3PXP").unwrap_err();
        assert!(
            short.to_string().contains("80 bits"),
            "the message says how short: {short}"
        );
        assert!(
            !short.to_string().contains("JBSW"),
            "the message never echoes the secret"
        );
        let decoded = decode_secret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").expect("valid");
        assert!(
            !format!("{decoded:?}").contains("72"),
            "SecretBox redacts the bytes"
        );
    }

    #[test]
    fn check_code_window_and_drift() {
        let key = secret("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF");
        let t = 1_795_493_557;
        let now = t / 30;
        let at_step = |s: u64| code_at(&key, s * 30);
        assert_eq!(
            check_code(&key, &at_step(now), t),
            CodeCheck::Valid {
                step: now,
                drift: 0
            },
            "the current code"
        );
        assert_eq!(
            check_code(&key, &at_step(now - 1), t),
            CodeCheck::Valid {
                step: now - 1,
                drift: -1
            },
            "valid_window=1 accepts the previous step"
        );
        assert_eq!(
            check_code(&key, &at_step(now + 1), t),
            CodeCheck::Valid {
                step: now + 1,
                drift: 1
            },
            "and the next step"
        );
        for d in [-10i64, -2, 2, 10] {
            let code = at_step(now.checked_add_signed(d).expect("in range"));
            assert_eq!(
                check_code(&key, &code, t),
                CodeCheck::Drift { drift_steps: d },
                "a code {d} steps away is refused but reported as drift"
            );
        }
        let far = at_step(now + 11);
        if (-10..=10).all(|d: i64| at_step(now.checked_add_signed(d).expect("in range")) != far) {
            assert_eq!(
                check_code(&key, &far, t),
                CodeCheck::Invalid,
                "11 steps is not drift"
            );
        }
    }

    #[test]
    fn check_code_normalises_and_rejects_malformed_input() {
        let key = secret("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF");
        let (s, t, code) = PY_LEADING_ZERO;
        assert_eq!(key, secret(s), "same secret as the leading-zero vector");
        let step = t / 30;
        let full_width: String = code
            .chars()
            .map(|c| char::from_u32(u32::from(c) - 0x30 + 0xff10).unwrap())
            .collect();
        assert_eq!(
            check_code(&key, &full_width, t),
            CodeCheck::Valid { step, drift: 0 },
            "NFKC maps full-width digits to ASCII, as pyotp's strings_equal does"
        );
        let cases: &[(String, &str)] = &[
            (
                code.trim_start_matches('0').to_owned(),
                "leading zeros matter",
            ),
            (format!(" {code}"), "whitespace is not stripped by pyotp"),
            (format!("{code}0"), "seven digits never match"),
            (String::new(), "empty"),
            ("abcdef".to_owned(), "not digits"),
            (
                "٠٠٩٦٦٧".to_owned(),
                "Arabic-Indic digits are not changed by NFKC",
            ),
            (
                "0".repeat(2000),
                "over 1024 characters is refused before normalising",
            ),
        ];
        for (input, why) in cases {
            assert_eq!(check_code(&key, input, t), CodeCheck::Invalid, "{why}");
        }
    }

    #[test]
    fn check_code_at_the_epoch_skips_negative_steps() {
        let key = secret("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF");
        assert_eq!(
            check_code(&key, &code_at(&key, 0), 10),
            CodeCheck::Valid { step: 0, drift: 0 },
            "step 0 works; step -1 does not exist"
        );
    }

    #[test]
    fn secrets_are_grouped_by_four_for_reading() {
        assert_eq!(
            group_secret("ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF"),
            "ATKH FIJF A4PB MDA3 WKCK YM3A 7TBP M4MF"
        );
        assert_eq!(group_secret("ABCDEF"), "ABCD EF");
        assert_eq!(step_of(59), 1, "RFC 6238: T = floor(59 / 30)");
    }

    #[test]
    fn provisioning_uri_matches_pyotp() {
        for &(user_id, secret, want) in PY_URIS {
            assert_eq!(
                provisioning_uri(user_id, secret),
                want,
                "user id {user_id:?}"
            );
        }
    }

    #[test]
    fn generated_secrets_and_backup_codes_have_the_seed_shape() {
        let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(6238);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let s = generate_secret(&mut rng);
            assert_eq!(
                s.len(),
                SECRET_LEN,
                "32 characters like pyotp.random_base32()"
            );
            assert!(
                s.bytes().all(|c| BASE32.contains(&c)),
                "only A-Z and 2-7: {s}"
            );
            let bytes = decode_secret(&s).expect("a generated secret must decode");
            assert_eq!(
                bytes.expose_secret().len(),
                20,
                "32 base32 characters are 160 bits"
            );
            seen.extend(s.chars());
        }
        assert_eq!(seen.len(), 32, "every alphabet character is reachable");
        let codes = generate_backup_codes(&mut rng);
        assert_eq!(codes.len(), 10, "ten codes like the seed");
        for c in &codes {
            assert!(
                c.len() == 8
                    && c.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "token_hex(4) is 8 lower-case hex characters: {c}"
            );
        }
        let dyn_rng: &mut dyn rand::RngCore = &mut rng;
        assert_eq!(
            generate_secret(dyn_rng).len(),
            32,
            "works with a dyn RngCore too"
        );
    }
}
