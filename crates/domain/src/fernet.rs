//! Fernet (spec version 0x80) as the service's `cryptography` package implements it
//! (CONTRACT.md §3 "Fernet (spec v0x80)"; §4 wraps `key:*` records with it).
//!
//! Token: `0x80 ‖ timestamp (8, big-endian) ‖ IV (16) ‖ AES-128-CBC/PKCS7 ciphertext ‖
//! HMAC-SHA256 (32)` over everything before the MAC, URL-safe base64 **with** padding. The key is
//! 32 bytes: signing key first, AES key second. Like the seed, [`decrypt`] applies no TTL.
//!
//! Decoding follows Python's `base64.urlsafe_b64decode`, which is lenient (characters outside
//! the alphabet are skipped, data after the padding is ignored), because a token the service
//! accepts must be accepted here too. Errors are opaque on purpose: they never say which check
//! failed.

use aes::Aes128;
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use secrecy::SecretString;
use sha2::digest::generic_array::GenericArray;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Fernet's version byte.
const VERSION: u8 = 0x80;
/// Version, timestamp and IV.
const HEADER_LEN: usize = 1 + 8 + 16;
/// HMAC-SHA256 tag length.
const MAC_LEN: usize = 32;
/// AES block size.
const BLOCK: usize = 16;

/// A Fernet key: 16 bytes of HMAC key and 16 bytes of AES-128 key. Never printed; zeroized on
/// drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct FernetKey {
    signing: [u8; 16],
    encryption: [u8; 16],
    /// SHA-256 states after the HMAC inner and outer pad blocks of `signing`: computed once per
    /// key so each token's MAC costs only its own blocks (a key wraps thousands of records
    /// during a master-key rotation).
    mac_inner: [u32; 8],
    mac_outer: [u32; 8],
}

impl std::fmt::Debug for FernetKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FernetKey").finish_non_exhaustive()
    }
}

impl FernetKey {
    /// The key whose raw 32 bytes are `raw` (what `Fernet(urlsafe_b64encode(raw))` uses).
    pub fn from_bytes(raw: &[u8; 32]) -> Self {
        let mut signing = [0u8; 16];
        let mut encryption = [0u8; 16];
        signing.copy_from_slice(&raw[..16]);
        encryption.copy_from_slice(&raw[16..]);
        let pad_state = |byte: u8| {
            let mut pad = Zeroizing::new([byte; 64]);
            for (p, k) in pad.iter_mut().zip(signing.iter()) {
                *p ^= k;
            }
            let mut state = SHA256_H0;
            sha2::compress256(
                &mut state,
                std::slice::from_ref(GenericArray::from_slice(&pad[..])),
            );
            state
        };
        FernetKey {
            signing,
            encryption,
            mac_inner: pad_state(0x36),
            mac_outer: pad_state(0x5c),
        }
    }

    /// Parses a key as `Fernet(key)` does: lenient URL-safe base64 that must decode to 32 bytes.
    pub fn from_urlsafe_b64(s: &str) -> Result<Self, FernetError> {
        // Python refuses a non-ASCII str before decoding (ValueError).
        if !s.is_ascii() {
            return Err(FernetError::InvalidKey);
        }
        let raw = Zeroizing::new(py_b64decode(s.as_bytes(), true).ok_or(FernetError::InvalidKey)?);
        let raw: &[u8; 32] = raw
            .as_slice()
            .try_into()
            .map_err(|_| FernetError::InvalidKey)?;
        Ok(Self::from_bytes(raw))
    }

    /// The canonical text form, `urlsafe_b64encode(signing ‖ encryption)` (44 chars).
    pub fn to_urlsafe_b64(&self) -> SecretString {
        let mut raw = Zeroizing::new([0u8; 32]);
        raw[..16].copy_from_slice(&self.signing);
        raw[16..].copy_from_slice(&self.encryption);
        SecretString::from(URL_SAFE.encode(raw.as_slice()))
    }

    /// HMAC-SHA256(signing, msg) from the saved pad states (RFC 2104 with a 16-byte key).
    fn mac(&self, msg: &[u8]) -> [u8; 32] {
        let inner = sha256_continue(self.mac_inner, 64, msg);
        sha256_continue(self.mac_outer, 64, &inner)
    }
}

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// Finish SHA-256 of `prefix_len` already-compressed bytes (whole blocks, in `state`) followed
/// by `msg`.
fn sha256_continue(mut state: [u32; 8], prefix_len: u64, msg: &[u8]) -> [u8; 32] {
    let mut blocks = msg.chunks_exact(64);
    for b in blocks.by_ref() {
        sha2::compress256(
            &mut state,
            std::slice::from_ref(GenericArray::from_slice(b)),
        );
    }
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let total = if rest.len() < 56 { 64 } else { 128 };
    let bits = (prefix_len + msg.len() as u64) * 8;
    tail[total - 8..total].copy_from_slice(&bits.to_be_bytes());
    for b in tail[..total].chunks_exact(64) {
        sha2::compress256(
            &mut state,
            std::slice::from_ref(GenericArray::from_slice(b)),
        );
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Why a Fernet operation failed; deliberately opaque (no byte or check is named).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FernetError {
    /// The key text is not URL-safe base64 of 32 bytes.
    #[error("the key is not a valid Fernet key")]
    InvalidKey,
    /// The token is malformed, was made with another key, or was altered.
    #[error("decryption failed")]
    InvalidToken,
}

/// `Fernet._encrypt_from_parts(plaintext, unix_ts, iv)`: the token as URL-safe base64 with `=`.
///
/// The caller supplies the time and a fresh random IV; the domain reads neither clock nor RNG.
pub fn encrypt(key: &FernetKey, plaintext: &[u8], unix_ts: u64, iv: [u8; 16]) -> String {
    let ciphertext = cbc::Encryptor::<Aes128>::new(&key.encryption.into(), &iv.into())
        .encrypt_padded_vec_mut::<Pkcs7>(plaintext);
    let mut token = Vec::with_capacity(HEADER_LEN + ciphertext.len() + MAC_LEN);
    token.push(VERSION);
    token.extend_from_slice(&unix_ts.to_be_bytes());
    token.extend_from_slice(&iv);
    token.extend_from_slice(&ciphertext);
    let tag = key.mac(&token);
    token.extend_from_slice(&tag);
    URL_SAFE.encode(token)
}

/// `Fernet(key).decrypt(token)` with no TTL, as the seed calls it.
///
/// The HMAC is checked in constant time before any decryption, over exactly the bytes Python
/// checks; structure (version, lengths) is public and checked first.
pub fn decrypt(key: &FernetKey, token: &[u8]) -> Result<Vec<u8>, FernetError> {
    // Canonical tokens (every token `cryptography` or Rampart writes) take the strict decoder;
    // anything else goes through the lenient one, which accepts exactly what Python accepts.
    let data = match URL_SAFE.decode(token) {
        Ok(d) => d,
        Err(_) => py_b64decode(token, true).ok_or(FernetError::InvalidToken)?,
    };
    if data.first() != Some(&VERSION) || data.len() < HEADER_LEN + BLOCK + MAC_LEN {
        return Err(FernetError::InvalidToken);
    }
    let (signed, tag) = data.split_at(data.len() - MAC_LEN);
    if !bool::from(key.mac(signed).ct_eq(tag)) {
        return Err(FernetError::InvalidToken);
    }

    let iv: [u8; 16] = signed[9..HEADER_LEN].try_into().expect("16-byte IV slice");
    let ciphertext = &signed[HEADER_LEN..];
    if ciphertext.len() % BLOCK != 0 {
        return Err(FernetError::InvalidToken);
    }
    cbc::Decryptor::<Aes128>::new(&key.encryption.into(), &iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .map_err(|_| FernetError::InvalidToken)
}

/// The token's timestamp field, **unauthenticated** (`_get_unverified_token_data`).
///
/// Python's `extract_timestamp` also verifies the MAC; this function has no key, so use it only
/// for display or after [`decrypt`] succeeded on the same token.
pub fn token_timestamp(token: &[u8]) -> Result<u64, FernetError> {
    let data = py_b64decode(token, true).ok_or(FernetError::InvalidToken)?;
    if data.first() != Some(&VERSION) || data.len() < 9 {
        return Err(FernetError::InvalidToken);
    }
    let ts: [u8; 8] = data[1..9].try_into().expect("8-byte timestamp slice");
    Ok(u64::from_be_bytes(ts))
}

/// Python `base64.b64decode(data)` (or `urlsafe_b64decode` when `urlsafe`), i.e. CPython 3.11's
/// non-strict `binascii.a2b_base64`: bytes outside the alphabet are skipped, decoding stops at
/// the first complete padding, and a dangling partial group is an error (`None`).
///
/// `urlsafe_b64decode` only translates `-_` to `+/` first, so it accepts both alphabets.
pub fn py_b64decode(data: &[u8], urlsafe: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 3);
    let mut quad_pos = 0u8;
    let mut left = 0u8;
    let mut pads = 0u8;
    for &c in data {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    // A complete pad sequence ends the input; anything after it is ignored.
                    return Some(out);
                }
            }
            continue;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'-' if urlsafe => 62,
            b'_' if urlsafe => 63,
            _ => continue,
        };
        pads = 0;
        match quad_pos {
            0 => {
                left = v;
                quad_pos = 1;
            }
            1 => {
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
                quad_pos = 2;
            }
            2 => {
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
                quad_pos = 3;
            }
            _ => {
                out.push((left << 6) | v);
                quad_pos = 0;
            }
        }
    }
    (quad_pos == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    /// github.com/fernet/spec (commit 20dead4) generate.json / verify.json: key, time, IV,
    /// plaintext and the token every implementation must produce.
    const SPEC_KEY: &str = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    const SPEC_TOKEN: &str = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
    /// 1985-10-26T01:20:00-07:00.
    const SPEC_NOW: u64 = 499_162_800;
    const SPEC_IV: [u8; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

    /// invalid.json of the same commit: (description, token, whether it decrypts without a
    /// TTL). The two TTL cases carry valid MACs, so with no TTL (as the seed) they decrypt.
    const SPEC_INVALID: &[(&str, &str, bool)] = &[
        ("incorrect mac", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==", false),
        ("too short", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==", false),
        ("invalid base64", "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==", false),
        ("payload size not multiple of block size", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm", false),
        ("payload padding error", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==", false),
        ("far-future TS (unacceptable clock skew)", "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==", true),
        ("expired TTL", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==", true),
        ("incorrect IV (causes padding error)", "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==", false),
    ];

    // Tables printed by `scripts/gen/fernet_vectors.py` (Python 3.11.7, cryptography 50.0.2).
    /// Fernet._encrypt_from_parts(src, ts, iv) with the given key (cryptography 50.0.2).
    type EncryptRow = (&'static str, &'static [u8], u64, [u8; 16], &'static str);
    const PY_ENCRYPT: &[EncryptRow] = &[
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"", 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAAAAAAAAAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAmoUL2uaHA3bzzdFkj4KZPWLIU8ofjIOdTFC7M0MUYD6A=="),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"hello", 499162800, [121, 66, 189, 242, 33, 6, 240, 132, 119, 98, 240, 243, 203, 77, 118, 77], "gAAAAAAdwJ6weUK98iEG8IR3YvDzy012TUseTtcidnmH2MA8iEkobSzEG_3y1vE-eDupFGfH1EWO32AhG--vOSvN63WGlXw9Kg=="),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"xxxxxxxxxxxxxxx", 1795493557, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAABrBQ61AAECAwQFBgcICQoLDA0OD40pNcVMnbYzD_OnTE6nnN25oS4mvAO30c2iZRcCn_V52LfEGh53zmywxnetvtLZGQ=="),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"yyyyyyyyyyyyyyyy", 1099511627776, [199, 7, 32, 81, 21, 154, 15, 137, 242, 198, 218, 202, 227, 68, 187, 49], "gAAAAQAAAAAAxwcgURWaD4nyxtrK40S7MWeKiGL5cnrbAXaBj4Jpbkd5BX_yspOw_Wt81-M-LFco5HcCc2mu8fpZvGupKnmmJ7q5ds8zAOZVFCnRcNqRB-o="),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"zzzzzzzzzzzzzzzzz", 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAAAAAAAAAAECAwQFBgcICQoLDA0ODxZQkrC041RV9-0bSHk9LU4CV-r9bnwQKXMKvXHaUirevsaEPMIf7-gwT3_1gceVW0G-A1AP3OJQ8BUmViN4r4o="),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"\xea\xb9\x80\xeb\xaf\xbc\xec\xa4\x80 \xeb\xb9\x84\xeb\xb0\x80", 499162800, [18, 69, 253, 111, 132, 223, 154, 215, 197, 179, 208, 118, 172, 14, 143, 83], "gAAAAAAdwJ6wEkX9b4TfmtfFs9B2rA6PU9KqShvLnMSIA5vvlApz8EEkV8QfkfNHBf9ple9tBHf8J6JfhGmG2Cl8BlaXy9Z_eewapr10koBhaMnlhZ2H73I="),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff", 1795493557, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAABrBQ61AAECAwQFBgcICQoLDA0OD9YyNpH6XNLBFrnzTrxVBi8PVg3bwG4_Z_fZPjz5C6FIuv3uIUT1QeGkjG6mBBmmacTSR_Ddt9B2IFi60QX7YfdPmnkJjIA8dHGJtlVai5MLNw5_CNoGMZYGtyvrXt42f2iNdgrRHk7NJzKGEZl4_o9JT904DixiZ2ExN85vzm3Hahy6RCvN9_YIGgbOIbXEhvqbpSCWQLVszdBNhn1KdD0Y6xqhdHWjFsC-yM8Ol_6KicggilgZtQs5fjxxtfNiXyqEpqXYOoFEs0Mi4AxCkt_pp-g66kJ6-DDCpr47bibK686gLq81fRlqVs6N5CRlGyBqyb-PoqYwF3BOFJXSkH2eXIx6z3T2InbZAl62Ot_A7SwYFczmQz3kTZvh5kTQG3erim6wj2SYjUACh0yVY34="),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=", b"{\"key_id\": \"key_x\", \"is_active\": \"True\"}", 1099511627776, [167, 53, 108, 136, 145, 63, 32, 246, 247, 45, 176, 34, 210, 77, 10, 150], "gAAAAQAAAAAApzVsiJE_IPb3LbAi0k0KloWfXazh2_FLP7HYO6m3l2hOjCBGyFRSz6lY32A2FhCDwfJuMLzLJOdqjrXlk7Mbjp5QapdBm-ryOuxJdev06khSZCSaEq0k27rM9oKUuOyV"),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"", 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAAAAAAAAAAECAwQFBgcICQoLDA0OD7eteCFsVWnW2hqrh_bbxWHLKJrzxA20ewEBMzw7nDvsEBq9eFlezg07tiHgpCCA2w=="),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"hello", 499162800, [218, 212, 60, 22, 23, 193, 169, 142, 120, 18, 158, 3, 39, 55, 16, 101], "gAAAAAAdwJ6w2tQ8FhfBqY54Ep4DJzcQZSPVvbWkteUYITYL-8H6Ex_KYfqjuHTQCj6LprctIDWhJBk58MQdnV9K6kgCHMWnxg=="),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"xxxxxxxxxxxxxxx", 1795493557, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAABrBQ61AAECAwQFBgcICQoLDA0OD2j4lPSAfDO5QrUxMZqCw2njuB9ajKiOvoI3wKO6K76obKJtxR26W8DRuZyIw3dndw=="),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"yyyyyyyyyyyyyyyy", 1099511627776, [208, 149, 134, 79, 21, 173, 160, 184, 70, 193, 192, 235, 197, 52, 138, 220], "gAAAAQAAAAAA0JWGTxWtoLhGwcDrxTSK3CwUaFXqzpvVdwra287VKPzshjy26PVbm0Tn6LbSRF7pko5PvRMDTKBzn8w9XsAa2IlQy2Be1fV7mlQI0Z9lYIQ="),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"zzzzzzzzzzzzzzzzz", 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAAAAAAAAAAECAwQFBgcICQoLDA0OD1vwXvmz6iX6JYw28z6VwHB2qZ8rjy3ybaOE3CXwEs-5kmdJ64nkgN67JzT4xajthTBMnXH8BHdCgMJCFbnn2n4="),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"\xea\xb9\x80\xeb\xaf\xbc\xec\xa4\x80 \xeb\xb9\x84\xeb\xb0\x80", 499162800, [121, 154, 223, 132, 155, 173, 5, 212, 161, 10, 192, 68, 30, 170, 238, 180], "gAAAAAAdwJ6weZrfhJutBdShCsBEHqrutEUsTTJnkmyU_9h-Xi4HVU2YWRu1JcjJlcXE05hG-09Ph5RQJhEVZSfM2zO_SrJPW2MW_ge4Bm-xjrKX8OgZKjg="),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff", 1795493557, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "gAAAAABrBQ61AAECAwQFBgcICQoLDA0OD-2jMPkO7NFsAD5fsJvP81hOpGoeyHjBVWPcL3UYjXjjJJYURW58ykikp7B8U3idurbHaew6mVcngBEf-5oxJwbVqNnBqiWEzikZPiQfumH2gLWWGHFsZwS5lOO5Alai_IRq-0n0ffXivTok5qm-Xk6y8bFfqB3RaJRK_Q_urQfaBQFCIGdR8LujH119gqhdWiZDML59TloPhD_vK78xnQPsentxi4X3R_Ou3_-MGxGw-kCpaRZpsCPOKzvJENmZwcc3QAFgMZ8xgB3KI7Q7B7nRZqkXoVMJ7li9DnHJ1A92RnfeNoVS_uuUbVpaEj5qw-xzZk5BwhoUa41gjDlq2XqjZKJ_p7g8TW2Z1UYG70W2F_RgvXFhNJtkWXhvXt_VFFg_g4slpn1GuRMSdFpEFp0="),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", b"{\"key_id\": \"key_x\", \"is_active\": \"True\"}", 1099511627776, [180, 142, 250, 11, 31, 10, 189, 128, 233, 152, 163, 90, 186, 94, 160, 189], "gAAAAQAAAAAAtI76Cx8KvYDpmKNaul6gvWjDNqyW6ik-6idtXmsINEmcVzxhbb7P8qX9vWhHpfgOC1oLX52VB2nbDL3-YfIfHvRoGgTowx8l8fVmgV2UWf9azpkAJgG8ELLvGXLFYMwE"),
    ];
    /// Fernet.encrypt(src) with a random IV and the current time, then Fernet.decrypt.
    const PY_RANDOM_TOKENS: &[(&str, &str, &[u8])] = &[
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "gAAAAABrBR5j5ta_-aX3wAJiAnWyxncXhJ0gFeR1OLbUXsOrXb6dWXrj05_kFB38dBAT_rJZZoyMjWf-SJkOjC5lF0tNX9z7XA==", b"random iv 1"),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "gAAAAABrBR5j3TL_lSFUl0XOAwy9Ft0xa4F6FqlyqTaQu7JTVSfODNLzxljxOkU4ZoaIxIV_IuwJtZ_bk9SlNxhGLqNtgPPCnQ==", b"\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4"),
        ("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "gAAAAABrBR5jz0X-BRnpOj4t1vrzXxhRqorkjfkfmd6-yCCySBHSAzsT4mB5ZyHZfqgmAFtJwWdQ9PLu9t2kCf0I8yoEVlmHag==", b""),
    ];
    /// Fernet(SPEC_KEY).decrypt(token): Some(plaintext) or None for InvalidToken.
    type DecryptRow = (&'static str, &'static [u8], Option<&'static [u8]>);
    const PY_DECRYPT: &[DecryptRow] = &[
        ("the untouched token", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", Some(b"hello")),
        ("version byte 0x81", b"gQAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLKY7covSkDHw9ma-418Z5yfJ0bAi-R_TUVpW6VSXlO8JA==", None),
        ("version byte 0x00", b"AAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLJOZcYCJtS36WEAtm2yuUxSo-41qOmbH14VMivbFFzNpQ==", None),
        ("HMAC with its last byte flipped", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDQ==", None),
        ("ciphertext bit flipped, HMAC kept", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpG1WKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", None),
        ("timestamp changed, HMAC kept", b"gAAAAAAdwJ4BAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", None),
        ("truncated to 72 bytes", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4Iwq", None),
        ("truncated to 57 bytes", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobw", None),
        ("truncated to 9 bytes", b"gAAAAAAdwJ6w", None),
        ("truncated to 8 bytes", b"gAAAAAAdwJ4=", None),
        ("just the version byte", b"gA==", None),
        ("empty", b"", None),
        ("empty ciphertext, valid HMAC", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD2IXeW0FYyXiuAJk_zX-E-FTBOpoVs4HED35KbDYabN0", None),
        ("ciphertext of 15 bytes, valid HMAC", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODwAAAAAAAAAAAAAAAAAAAOyqmLoJEoMpLFUWWMJPXPVSEnH8wC__sF8XKqMC_JyK", None),
        ("ciphertext of 17 bytes, valid HMAC", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLIAOXAp_-y_OEF9KSQyD0lAcsRmSW6I3rQ8jU_8RvBnmEs=", None),
        ("padding byte 0, valid HMAC", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD-1x81hNHqXbQI4QG6fzWUVCudByLOJVJTQ0OQsK0_zcE9Tc0iucmSKeTY3qVLlTzw==", None),
        ("padding byte 17, valid HMAC", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD7G-GObXHxZpPEjzsmycbNxQtdlM7DNYX2gnAo9LrRFUVg0VS4AY2JAg7RDmK01MSw==", None),
        ("inconsistent padding, valid HMAC", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD_cBfuRWtZ0d8SlTRJ8Z1iCwGfh11yoru3I78OBY-j9_raY0Z_tI1U0lj4r-dcYqRQ==", None),
        ("full padding block, valid HMAC", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkyKTyMbYmiNsw2aOq718ErZlYQbIORRvp9giNbObzxmg==", Some(b"")),
        ("padding removed (no '=')", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA", None),
        ("extra '=' padding", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA====", Some(b"hello")),
        ("newlines and spaces inside", b"gAAAAAAdwJ6wAAECAwQF\x0a BgcICQoLDA0ODy021cpG\x0d\x0aVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", Some(b"hello")),
        ("standard alphabet instead of URL-safe", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ/eEwCGM4BLLF/5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", Some(b"hello")),
        ("junk characters inside", b"gAAAAAAdwJ%$!*6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", Some(b"hello")),
        ("non-ASCII bytes inside", b"gAAAAAAdwJ\xed\x95\x9c6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==", Some(b"hello")),
        ("data after the padding", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==AAAA", Some(b"hello")),
        ("one data character too many", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDAA", None),
        ("the other key's token", b"gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0OD4_9EBVfNSDZ7XtRxaHNdkW99QsUAt9pmRctkSzQxwX8ezo1JYkB0XAhlhuGaD6Beg==", None),
    ];
    /// Fernet(key): Some(urlsafe_b64encode of the 32 key bytes) or None for ValueError.
    const PY_KEYS: &[(&str, Option<&str>)] = &[
        (
            "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",
            Some("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="),
        ),
        (
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
        ),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4", None),
        (
            "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4==",
            Some("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="),
        ),
        (
            "cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=",
            Some("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="),
        ),
        (
            " cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=\n",
            Some("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="),
        ),
        ("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e=", None),
        ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", None),
        ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None),
        ("", None),
        ("not a key", None),
        (
            "+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s=",
            Some("-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s="),
        ),
    ];
    /// (input, base64.b64decode(input) hex or None, base64.urlsafe_b64decode(input) hex or
    /// None), for bytes input.
    const PY_B64: &[(&[u8], Option<&str>, Option<&str>)] = &[
        (b"", Some(""), Some("")),
        (b"=", Some(""), Some("")),
        (b"==", Some(""), Some("")),
        (b"A", None, None),
        (b"AA", None, None),
        (b"AA=", None, None),
        (b"AA==", Some("00"), Some("00")),
        (b"AAA", None, None),
        (b"AAA=", Some("0000"), Some("0000")),
        (b"AAAA", Some("000000"), Some("000000")),
        (b"AAAA=", Some("000000"), Some("000000")),
        (b"AA=A", None, None),
        (b"A=AA", None, None),
        (b"=AAA", None, None),
        (b"AA==AA", Some("00"), Some("00")),
        (b"AAA=AAAA", Some("0000"), Some("0000")),
        (b"AA=BB==", Some("000041"), Some("000041")),
        (b"QUJD", Some("414243"), Some("414243")),
        (b"QUJD\x0a", Some("414243"), Some("414243")),
        (b"Q U J D", Some("414243"), Some("414243")),
        (b"QUJ", None, None),
        (b"QU", None, None),
        (b"Q", None, None),
        (b"QQ==QQ==", Some("41"), Some("41")),
        (b"QQ=\x0a=", Some("41"), Some("41")),
        (b"QQ", None, None),
        (b"QUI=", Some("4142"), Some("4142")),
        (b"QUI", None, None),
        (b"QUI==", Some("4142"), Some("4142")),
        (b"QUI===", Some("4142"), Some("4142")),
        (b"a-_b", None, Some("6befdb")),
        (b"a+/b", Some("6befdb"), Some("6befdb")),
        (b"a-_=", None, Some("6bef")),
        (b"%%%%", Some(""), Some("")),
        (b"Q%U%J%D", Some("414243"), Some("414243")),
        (b"QUJD====", Some("414243"), Some("414243")),
        (b"QQ=", None, None),
        (b"QQ=x", None, None),
        (b"QQ==x", Some("41"), Some("41")),
        (b"QUJDRA", None, None),
        (b"QUJDRA=", None, None),
        (b"QUJDRA==", Some("41424344"), Some("41424344")),
        (b"QUJDRA===", Some("41424344"), Some("41424344")),
        (b"QUJDRUY", None, None),
        (b"QUJDRUY=", Some("4142434546"), Some("4142434546")),
        (b"////", Some("ffffff"), Some("ffffff")),
        (b"____", Some(""), Some("ffffff")),
        (b"\xc3\xa9", Some(""), Some("")),
        (b"AA\xc3\xa9AA", Some("000000"), Some("000000")),
        (b"\x00QUJD", Some("414243"), Some("414243")),
        (b" //_QA \x0ag/%+\x0a", None, Some("ffffd0020ffe")),
        (b"/+-g\x0a_\x0aQQ --", None, None),
        (b"+=gQ-\x0a+ =/", None, None),
        (b"QA%", None, None),
        (b"- g", None, None),
        (b"/-\x0aQ - g_/%/=", None, Some("ffe43e83ffff")),
        (b"\x0a_/_ ", None, None),
        (b"A_g+A=", Some("020f80"), None),
        (b" %_%+A=\x0a%/%-+", Some("f80ffe"), Some("ffe0")),
        (b"Q /Q+AA%+_ AA", None, None),
        (b"Qg%/+\x0aA", None, None),
        (b"%_A Q-g/", Some("01083f"), None),
        (b"%=A-++Q%Qg+/g", None, None),
        (b"A=\x0a _A/+/ %%_", None, None),
        (b"", Some(""), Some("")),
        (b"-AAgAQA", None, None),
        (b"=", Some(""), Some("")),
        (b"", Some(""), Some("")),
        (b"Q%%=-g-Q-_\x0a_ ", None, Some("43e83e43efff")),
        (b"-/+-", None, Some("fbffbe")),
        (b"Qg%A_Q", Some("420010"), None),
        (b"gA-= \x0a%_\x0a", None, Some("800f")),
        (b"A _A-\x0a=-__=A", Some("00"), Some("03f03efbff")),
        (b"+%/", None, None),
        (b" Q_+_gA--%/", None, None),
        (b"=", Some(""), Some("")),
        (b"Q\x0a%_\x0aQ- %Q ", None, None),
        (b"A=g+_A%Q Q\x0a", None, None),
        (b"gA-QAQ", None, None),
        (b"=/ /QA %%+", None, None),
        (b"%", Some(""), Some("")),
        (b"Q%A%- gQ+g\x0a", None, None),
        (b"= _", Some(""), None),
        (b"- _-", Some(""), None),
        (b"_Q_%+_g_", None, None),
        (b"  \x0a%\x0a=g\x0a_gg", None, Some("83f820")),
        (b"=", Some(""), Some("")),
        (b"=%= gg/+g %", None, None),
        (b"+%/\x0a_", None, None),
        (b"  /+/A/=_", None, None),
        (b"g -", None, None),
        (b"-=g", None, None),
        (b"= += \x0a", None, None),
        (b"A=Q_A=++", Some("0100"), None),
        (b"\x0aQ+/++/gg ", Some("43effefbf820"), Some("43effefbf820")),
        (b"\x0aA/gA-g_QQQ", Some("03f800810410"), None),
        (b"/", None, None),
        (b"/A-= \x0a-AA--__", Some("fc0000"), Some("fc0f")),
        (b"Q+\x0a =_g", None, Some("43efe0")),
        (b"-Q/Q\x0a_Q=", Some("43f410"), None),
        (b"/Q%-\x0a-=/", None, None),
        (b"\x0a\x0a\x0a/Q-\x0a %%", None, None),
        (b"\x0a", Some(""), Some("")),
        (b"%-A/\x0a g", None, Some("f80fe0")),
        (b"\x0a\x0agg-\x0a=QQ%", Some("820410"), Some("820f")),
        (b"-\x0a", Some(""), None),
        (b"\x0a _%/\x0ag==/g", Some("fe"), Some("fff8")),
        (b"QQg%% _-Q//", None, Some("41083ff90fff")),
        (b"AgA=%/", Some("0200"), Some("0200")),
        (b"%--", Some(""), None),
        (b"=%Q-=Q", None, None),
        (b"/ ", None, None),
        (b"\x0a", Some(""), Some("")),
        (b" ", Some(""), Some("")),
        (b"Qg+ _\x0a_g  g_", None, Some("420fbffe083f")),
        (b"+%%g g+/-/A=", Some("fa083efff0"), Some("fa083effefc0")),
        (b"_-% /\x0a", None, None),
        (b"%\x0a/\x0a=A ", None, None),
        (b"\x0aAQ", None, None),
        (b"\x0a+=g%\x0a=++%+A", None, None),
        (b"%\x0a=Q /\x0agg=Q A", None, None),
        (b"", Some(""), Some("")),
        (b" +%Q=", None, None),
        (b"A----gQ ", None, None),
        (b"AQ-+Q+_+=-QA", Some("010f90fbe400"), None),
        (b"Q+g_==", Some("43e8"), Some("43e83f")),
        (b"Q%_+\x0a=/A==_", Some("43efc0"), Some("43ff")),
        (b"g=A/--=", Some("800f"), None),
        (b"- _+A+/-", Some("f80fbf"), None),
        (b"=%", Some(""), Some("")),
    ];

    fn key(s: &str) -> FernetKey {
        FernetKey::from_urlsafe_b64(s).expect("test key is valid")
    }

    #[test]
    fn spec_generate_and_verify() {
        let k = key(SPEC_KEY);
        assert_eq!(
            encrypt(&k, b"hello", SPEC_NOW, SPEC_IV),
            SPEC_TOKEN,
            "generate.json token"
        );
        assert_eq!(
            decrypt(&k, SPEC_TOKEN.as_bytes()),
            Ok(b"hello".to_vec()),
            "verify.json"
        );
        assert_eq!(
            token_timestamp(SPEC_TOKEN.as_bytes()),
            Ok(SPEC_NOW),
            "timestamp field"
        );
    }

    #[test]
    fn spec_invalid_tokens() {
        let k = key(SPEC_KEY);
        for &(desc, token, decrypts_without_ttl) in SPEC_INVALID {
            let got = decrypt(&k, token.as_bytes());
            if decrypts_without_ttl {
                assert!(
                    got.is_ok(),
                    "{desc}: only a TTL rejects it, and the seed uses none"
                );
            } else {
                assert_eq!(
                    got,
                    Err(FernetError::InvalidToken),
                    "{desc}: must be refused"
                );
            }
        }
    }

    #[test]
    fn encrypt_matches_python_byte_for_byte() {
        for &(k, plaintext, ts, iv, want) in PY_ENCRYPT {
            let k = key(k);
            let token = encrypt(&k, plaintext, ts, iv);
            assert_eq!(
                token, want,
                "same key, time and IV must give Python's token"
            );
            assert_eq!(
                decrypt(&k, token.as_bytes()),
                Ok(plaintext.to_vec()),
                "round trip"
            );
            assert_eq!(
                token_timestamp(token.as_bytes()),
                Ok(ts),
                "timestamp round trip"
            );
        }
    }

    #[test]
    fn python_random_tokens_decrypt() {
        for &(k, token, plaintext) in PY_RANDOM_TOKENS {
            assert_eq!(
                decrypt(&key(k), token.as_bytes()),
                Ok(plaintext.to_vec()),
                "{token}"
            );
        }
    }

    #[test]
    fn decrypt_agrees_with_python_on_hostile_tokens() {
        let k = key(SPEC_KEY);
        for &(desc, token, want) in PY_DECRYPT {
            let got = decrypt(&k, token);
            match want {
                Some(plaintext) => {
                    assert_eq!(got, Ok(plaintext.to_vec()), "{desc}: Python accepts")
                }
                None => assert_eq!(
                    got,
                    Err(FernetError::InvalidToken),
                    "{desc}: Python refuses"
                ),
            }
        }
    }

    #[test]
    fn keys_parse_like_python() {
        for &(text, want) in PY_KEYS {
            match want {
                Some(canonical) => {
                    let k = FernetKey::from_urlsafe_b64(text)
                        .unwrap_or_else(|e| panic!("{text:?}: Python accepts it: {e}"));
                    assert_eq!(k.to_urlsafe_b64().expose_secret(), canonical, "{text:?}");
                }
                None => assert_eq!(
                    FernetKey::from_urlsafe_b64(text).map(|_| ()),
                    Err(FernetError::InvalidKey),
                    "{text:?}: Python raises ValueError"
                ),
            }
        }
        assert_eq!(
            FernetKey::from_urlsafe_b64("ｃw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=")
                .map(|_| ()),
            Err(FernetError::InvalidKey),
            "a non-ASCII key string is a ValueError in Python"
        );
        let raw: [u8; 32] = std::array::from_fn(|i| i as u8);
        assert_eq!(
            FernetKey::from_bytes(&raw).to_urlsafe_b64().expose_secret(),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "from_bytes keeps signing key first (urlsafe_b64encode(bytes(range(32))))"
        );
    }

    #[test]
    fn b64decode_matches_python_binascii() {
        for &(input, std_want, url_want) in PY_B64 {
            let hex = |v: Option<Vec<u8>>| v.map(hex::encode);
            assert_eq!(
                hex(py_b64decode(input, false)),
                std_want.map(str::to_owned),
                "b64decode({input:?})"
            );
            assert_eq!(
                hex(py_b64decode(input, true)),
                url_want.map(str::to_owned),
                "urlsafe_b64decode({input:?})"
            );
        }
    }

    #[test]
    fn token_timestamp_is_structural_only() {
        assert_eq!(
            token_timestamp(b"gAAAAAAdwJ6w"),
            Ok(SPEC_NOW),
            "9 bytes are enough, as in Python"
        );
        assert_eq!(
            token_timestamp(b"gAAAAAAdwJ4="),
            Err(FernetError::InvalidToken),
            "8 bytes are not"
        );
        assert_eq!(
            token_timestamp(b"AAAAAAAdwJ6w"),
            Err(FernetError::InvalidToken),
            "version 0x00"
        );
        assert_eq!(
            token_timestamp(b"gAAAAAAdwJ6"),
            Err(FernetError::InvalidToken),
            "bad base64"
        );
    }

    #[test]
    fn key_never_prints() {
        let k = key(SPEC_KEY);
        let shown = format!("{k:?}");
        assert_eq!(
            shown, "FernetKey { .. }",
            "Debug must not show key material"
        );
        assert!(
            !format!("{:?}", k.to_urlsafe_b64()).contains("cw_0x"),
            "SecretString redacts"
        );
        for e in [FernetError::InvalidKey, FernetError::InvalidToken] {
            assert!(
                !e.to_string().contains("cw_0x"),
                "errors carry no key material"
            );
        }
    }

    #[test]
    fn cached_mac_equals_hmac_sha256_for_every_length() {
        use hmac::{Hmac, Mac};
        let key = FernetKey::from_bytes(&[0x42; 32]);
        for len in [0usize, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300, 1000] {
            let msg: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let mut want = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&[0x42; 16]).unwrap();
            want.update(&msg);
            assert_eq!(
                key.mac(&msg)[..],
                want.finalize().into_bytes()[..],
                "{len}-byte message"
            );
        }
    }

    #[test]
    fn wrong_key_is_refused() {
        let token = encrypt(&key(SPEC_KEY), b"secret", 1, [7; 16]);
        let other = FernetKey::from_bytes(&[9; 32]);
        assert_eq!(
            decrypt(&other, token.as_bytes()),
            Err(FernetError::InvalidToken),
            "other key"
        );
    }
}
