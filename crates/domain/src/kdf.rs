//! The seed's key derivations and its field-encryption blob (CONTRACT.md §3 field and data keys,
//! §4 wrapping key and `MASTER_ENCRYPTION_KEY`).
//!
//! * Field key: PBKDF2-HMAC-SHA256(master, `"field_" + name`, 100 000, 32), used as a Fernet key
//!   (the seed wraps the raw output with `urlsafe_b64encode`, which is [`FernetKey::from_bytes`]).
//!   PBKDF2 runs once per field name, not per value, so callers should cache keys per field.
//! * Data key: the same with salt `b"data_encryption"`.
//! * Wrapping key for `key:*` records: HKDF-SHA256(master, salt `b"key_management_salt"`, info
//!   `b"key_encryption"`, 32).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hkdf::Hkdf;
use secrecy::SecretBox;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::FormatError;
use crate::fernet::{self, py_b64decode, FernetError, FernetKey};

/// PBKDF2 iteration count of `EncryptionService._derive_key`.
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// HKDF salt of `KeyManagementService._encrypt_with_master_key`.
const WRAP_SALT: &[u8] = b"key_management_salt";
/// HKDF info of the same.
const WRAP_INFO: &[u8] = b"key_encryption";
/// The `algorithm` label of a field blob.
const FIELD_ALGORITHM: &str = "Fernet";

/// `Fernet(urlsafe_b64encode(PBKDF2-HMAC-SHA256(master, salt, 100000, 32)))`.
pub fn pbkdf2_fernet_key(master: &[u8], salt: &[u8]) -> FernetKey {
    let dk = pbkdf2_sha256_32(master, salt, PBKDF2_ITERATIONS);
    FernetKey::from_bytes(&dk)
}

/// SHA-256's initial state (FIPS 180-4 §5.3.3).
const SHA256_H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// PBKDF2-HMAC-SHA256 with a 32-byte output (one block), at the cost floor of two SHA-256
/// compressions per iteration: the HMAC pads are hashed once, and each iteration compresses a
/// single pre-padded block from the saved inner and outer states. The generic `pbkdf2` crate
/// re-runs HMAC's buffering and padding every iteration, about 25 % slower; the result is the
/// same (checked against it and against Python's hashlib in the tests).
pub fn pbkdf2_sha256_32(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; 32]> {
    use hmac::{Hmac, Mac};
    use sha2::digest::generic_array::GenericArray;
    use sha2::Digest;

    // HMAC key block: the password, or its hash when longer than a block (RFC 2104).
    let mut key_block = Zeroizing::new([0u8; 64]);
    if password.len() > 64 {
        key_block[..32].copy_from_slice(&Sha256::digest(password));
    } else {
        key_block[..password.len()].copy_from_slice(password);
    }
    let pad_state = |byte: u8| {
        let mut pad = Zeroizing::new([0u8; 64]);
        for (p, k) in pad.iter_mut().zip(key_block.iter()) {
            *p = k ^ byte;
        }
        let mut state = SHA256_H0;
        sha2::compress256(
            &mut state,
            std::slice::from_ref(GenericArray::from_slice(&pad[..])),
        );
        Zeroizing::new(state)
    };
    let inner = pad_state(0x36);
    let outer = pad_state(0x5c);

    // U1 = HMAC(P, S || INT(1)): the salt has any length, so the general HMAC computes it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(password).expect("HMAC takes any key");
    mac.update(salt);
    mac.update(&1u32.to_be_bytes());
    let mut t = Zeroizing::new([0u8; 32]);
    t.copy_from_slice(&mac.finalize().into_bytes());

    // Every later U is HMAC over 32 bytes: one block of U || 0x80 || 0… || bit length, where the
    // length counts the 64-byte pad block too: (64 + 32) * 8 = 768 bits.
    let mut block = Zeroizing::new([0u8; 64]);
    block[..32].copy_from_slice(&t[..]);
    block[32] = 0x80;
    block[56..].copy_from_slice(&768u64.to_be_bytes());
    for _ in 1..iterations {
        let mut s = *inner;
        sha2::compress256(
            &mut s,
            std::slice::from_ref(GenericArray::from_slice(&block[..])),
        );
        for (chunk, word) in block[..32].chunks_exact_mut(4).zip(s) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        let mut s = *outer;
        sha2::compress256(
            &mut s,
            std::slice::from_ref(GenericArray::from_slice(&block[..])),
        );
        for ((chunk, word), acc) in block[..32]
            .chunks_exact_mut(4)
            .zip(s)
            .zip(t.chunks_exact_mut(4))
        {
            let bytes = word.to_be_bytes();
            chunk.copy_from_slice(&bytes);
            for (a, b) in acc.iter_mut().zip(bytes) {
                *a ^= b;
            }
        }
    }
    t
}

/// The key of one PII field: salt `"field_" + field_name` in UTF-8 (CONTRACT.md §3).
pub fn field_key(master: &[u8], field_name: &str) -> FernetKey {
    pbkdf2_fernet_key(master, format!("field_{field_name}").as_bytes())
}

/// The key of `encrypt_data` / `decrypt_data`: salt `b"data_encryption"` (CONTRACT.md §3).
pub fn data_key(master: &[u8]) -> FernetKey {
    pbkdf2_fernet_key(master, b"data_encryption")
}

/// The key that wraps `key:*` records (CONTRACT.md §4).
pub fn wrapping_key(master: &[u8]) -> FernetKey {
    let mut okm = Zeroizing::new([0u8; 32]);
    hkdf_sha256(master, WRAP_SALT, WRAP_INFO, okm.as_mut_slice());
    FernetKey::from_bytes(&okm)
}

/// HKDF-SHA256 (RFC 5869) extract-then-expand into `okm` (at most 255 × 32 bytes).
fn hkdf_sha256(ikm: &[u8], salt: &[u8], info: &[u8], okm: &mut [u8]) {
    Hkdf::<Sha256>::new(Some(salt), ikm)
        .expand(info, okm)
        .expect("callers ask for at most 255 blocks");
}

/// Decodes `MASTER_ENCRYPTION_KEY` as `base64.b64decode` does (CONTRACT.md §4): standard
/// alphabet, characters outside it dropped, padding required. Any length is accepted, as in the
/// service, even though 32 bytes is intended.
pub fn decode_master_key_b64(s: &str) -> Result<SecretBox<Vec<u8>>, FormatError> {
    let field = "MASTER_ENCRYPTION_KEY";
    if !s.is_ascii() {
        return Err(FormatError::invalid(
            field,
            "contains non-ASCII characters (Python raises)",
        ));
    }
    py_b64decode(s.as_bytes(), false)
        .map(|raw| SecretBox::new(Box::new(raw)))
        .ok_or_else(|| FormatError::invalid(field, "is not padded base64 (binascii.Error)"))
}

/// The dict `encrypt_sensitive_field` returns (CONTRACT.md §3), keys in the seed's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldBlob {
    /// Standard base64 of the Fernet token's ASCII ("double base64").
    pub encrypted: String,
    /// Always `"Fernet"` when the seed writes it; never checked on read.
    pub algorithm: String,
    /// The field name; the seed derives the decryption key from it, not from the caller.
    pub field: String,
}

/// `encrypt_sensitive_field(field, value)` with the time and IV supplied by the caller;
/// `key` must be [`field_key`]`(master, field)`.
pub fn encrypt_field(
    key: &FernetKey,
    field: &str,
    value: &str,
    unix_ts: u64,
    iv: [u8; 16],
) -> FieldBlob {
    let token = fernet::encrypt(key, value.as_bytes(), unix_ts, iv);
    FieldBlob {
        encrypted: STANDARD.encode(token),
        algorithm: FIELD_ALGORITHM.to_owned(),
        field: field.to_owned(),
    }
}

/// `decrypt_sensitive_field(blob)`: lenient base64, Fernet, then UTF-8.
///
/// The seed derives the key from `blob.field`; pass [`field_key`]`(master, &blob.field)`. A
/// plaintext that is not UTF-8 (a `UnicodeDecodeError` in Python) is reported as InvalidToken
/// to keep the error opaque.
pub fn decrypt_field(key: &FernetKey, blob: &FieldBlob) -> Result<String, FernetError> {
    let token = py_b64decode(blob.encrypted.as_bytes(), false).ok_or(FernetError::InvalidToken)?;
    let plaintext = fernet::decrypt(key, &token)?;
    String::from_utf8(plaintext).map_err(|_| FernetError::InvalidToken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    // Tables printed by `scripts/gen/kdf_vectors.py` (Python 3.11.7, cryptography 50.0.2).
    /// hashlib.pbkdf2_hmac('sha256', password, salt, iterations, dklen).hex()
    type Pbkdf2Row = (&'static [u8], &'static [u8], u32, usize, &'static str);
    const PY_PBKDF2: &[Pbkdf2Row] = &[
        (b"password", b"salt", 1, 32, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
        (b"password", b"salt", 2, 32, "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43"),
        (b"password", b"salt", 4096, 32, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
        (b"passwordPASSWORDpassword", b"saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40, "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1c635518c7dac47e9"),
        (b"pass\x00word", b"sa\x00lt", 4096, 16, "89b69d0516f829893c696226650a8687"),
        (b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f", b"field_email", 100000, 32, "eb849ebd48a9f596ddcd2a67dccac7736efa13a296197298e933b4dd15b5007b"),
    ];
    /// RFC 5869 A.1-A.3 inputs; OKM recomputed with cryptography's HKDF (equal to the RFC).
    const RFC5869: &[(&str, &str, &str, usize, &str)] = &[
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42, "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
        ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f", "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf", "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 82, "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42, "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
    ];
    /// (master hex, Fernet key of field_key(field) / data_key / wrapping_key as the seed
    /// derives it: urlsafe_b64encode(PBKDF2 or HKDF output)).
    const PY_DERIVED: &[(&str, &str, &str)] = &[
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "field:email",
            "64SevUip9ZbdzSpn3MrHc276E6KWGXKY6TO03RW1AHs=",
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "field:phone",
            "GdydPXr_Bu2iBWakYr-n162BQWO3ZpTGjgPZV4tskUQ=",
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "field:ssn",
            "AaW8ppQ51sugZSbgUh77pihlE_j6OOjRWaU5ppCL_tw=",
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "field:home_address",
            "1OXnM7t6O4B--cXLWR7BnBXIVR9XZwq9sUlZGLrCz-Q=",
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "field:전화번호",
            "D1A4T0997UXgzIIDqlfwtHAIxGlGg9Gqn_hTATXjnVQ=",
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "data",
            "HHVCm9BOhQPhU_nj8gJ0fy6GCX-P-x6bNF9Cl4vPnXg=",
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "wrap",
            "xJa-5kDHn6gPlh_yUJWKVVPd0ivX_rK7ousQPPQ79Sw=",
        ),
        (
            "9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100",
            "field:email",
            "IQ7mo2xjTOsuwg21fErNa2C46N0jfwhFBJIzBHFhjQI=",
        ),
        (
            "9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100",
            "field:phone",
            "LLf-94ZYHCoiNs5nzuHtlykKd14c_N7O1Bg_kkU534k=",
        ),
        (
            "9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100",
            "field:ssn",
            "mK3CoRIE6cKsfCRQC1UY6SHFPblG-NG3kMZ2rGKUTgo=",
        ),
        (
            "9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100",
            "field:home_address",
            "7yazjMxVQy5Axqd5-Ab_5qarcKxjkAZUTsudVwmBr7U=",
        ),
        (
            "9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100",
            "field:전화번호",
            "sXAZkTUMMvCXkVi2fDgu5y_zcrlASfBHXEHBfNl9ZSI=",
        ),
        (
            "9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100",
            "data",
            "uY2iaKYInyWAlBq5rWNxwoRJ_y84XFGAvUNM7fgVcRw=",
        ),
        (
            "9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100",
            "wrap",
            "_yODny5EjA5r5HTNhcngcHVYh1EODg_gs7QdJMBe7uE=",
        ),
    ];
    /// encrypt_sensitive_field's blob with a fixed time and IV: (master hex, field, value,
    /// ts, iv, `encrypted` = b64encode(Fernet(field key)._encrypt_from_parts(value, ts, iv))).
    type BlobRow = (
        &'static str,
        &'static str,
        &'static str,
        u64,
        [u8; 16],
        &'static str,
    );
    const PY_FIELD_BLOBS: &[BlobRow] = &[
        ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "email", "alice@example.com", 1795493557, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "Z0FBQUFBQnJCUTYxQUFBQUFBQUFBQUFBQUFBQUFBQUFBS1kyLXRxMUtxU2dmRUxudVlnS3JpcDhuSmY4amVmUVF1TDhfVmdvWmtxVGVoc21wOEg5ZWpFSUhHOGdOdXFGQ0UydGlZalg3aEpmRHAyV0xsZHd5dUk9"),
        ("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100", "phone", "010-1234-5678", 1795493558, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], "Z0FBQUFBQnJCUTYyQUFFQ0F3UUZCZ2NJQ1FvTERBME9EM0o0LTFuNENUb2RQTGg5Y2dPOHRRbHFHVi1adVc1VTZXN2ZnUVhUbWFOcUhGWWp2X25VaF9ZNUJIYXQ5QnJhSXc9PQ=="),
        ("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100", "address", "서울특별시 강남구 테헤란로 1", 0, [255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255], "Z0FBQUFBQUFBQUFBX19fX19fX19fX19fX19fX19fX19fNktDd2Jqd2NicUNpbkRpTWlJdGVFbzh4UVE5SjFwZ2pVQ1NlWVpud05UbFJ1SE5EbTRCR2Vxb0ctdHJ2SUdLeldiUFVqY1R1Ry1DN2s2bWVQSXp5djg5ZERaWTh2U3pzT0JfeWNzaWJ1VTg="),
    ];
    /// A `key:*` record as KeyManagementService._store_key writes it: (master hex, raw token
    /// bytes, json.dumps plaintext).
    const PY_KEY_RECORDS: &[(&str, &str, &str)] = &[
        ("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100", "gAAAAABrBR5kJTnRo_bnsKkRJUpnSPvgDQZLLXXel25hAYdP99a7lXpWC1zWTyeAVEEuLzfl-1UqQ8_Dw8FOgtkRb794WwRTf1Y4UW1Ro6WfNjnMGP8a0w4HM0jaLASqrUt9us1lVjX2DbG0CqeoAvwJo6BYtgkM2zHG2R8a12u5NAAIaSlX8SS8OL_JgQqWQwpW3J6WxIamnOi7SGegG9n_PEjaTHm4kHeGbGGFP6v4AKweqn9srweTgxh26dRp45xB10LyfEmr2mdDiQsIWy6sSxlhGruBqKMkbMIWOyi0q3bn6jxcrPOhuhCqvrDUP8MPXGbQqL7pHdfUi-aDT1CY1qnxk9coms7YO_ak60Shps1xeSroErVJ_YgIKg0cQBprrfbzPWtM", "{\"key_id\": \"key_vN-Y16zLEwxXbmIhcB7Gxg\", \"key_data\": \"fP4Yuy5Xo+pN/dT1yRwtNr0lZ906DlBcTIcFTEEbx0o=\", \"algorithm\": \"AES-256-GCM\", \"created_at\": \"2026-11-24T04:06:55.870689\", \"expires_at\": null, \"is_active\": \"False\", \"purpose\": \"pii\"}"),
    ];
    /// base64.b64decode(s) of MASTER_ENCRYPTION_KEY-like strings: Some(hex) or None.
    const PY_MASTER_B64: &[(&str, Option<&str>)] = &[
        (
            "nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMiEQA=",
            Some("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100"),
        ),
        (
            "nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMiEQA=\n",
            Some("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100"),
        ),
        (
            " nzwqceXQS4hmqhD0w7Lh\n0P/u3cy7qpmId2ZVRDMiEQA=",
            Some("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100"),
        ),
        ("nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMiEQA", None),
        (
            "nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMiEQA===",
            Some("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100"),
        ),
        (
            "nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMiEQA=",
            Some("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100"),
        ),
        ("c2hvcnQ=", Some("73686f7274")),
        ("", Some("")),
        ("=", Some("")),
        ("!!!!", Some("")),
        (
            "-__7__v_-__7__v_-__7__v_-__7__v_-__7__v_-_8=",
            Some("eefeefeefeefeeff"),
        ),
        (
            "nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMi",
            Some("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa9988776655443322"),
        ),
        ("김nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMiEQA=", None),
    ];

    fn unhex(s: &str) -> Vec<u8> {
        hex::decode(s).expect("test hex")
    }

    fn key_text(k: &FernetKey) -> String {
        k.to_urlsafe_b64().expose_secret().to_owned()
    }

    #[test]
    fn fast_pbkdf2_equals_the_generic_implementation() {
        let long = [7u8; 100];
        for (pw, salt, iterations) in [
            (&b"password"[..], &b"salt"[..], 1u32),
            (&b"password"[..], &b"salt"[..], 2),
            (&[0u8; 32][..], &b"field_phone"[..], 1000),
            (&long[..], &b"field_\xed\x95\x9c"[..], 37),
            (&b""[..], &b""[..], 5),
            (&[1u8; 64][..], &[2u8; 200][..], 10),
        ] {
            let mut want = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(pw, salt, iterations, &mut want);
            assert_eq!(
                *pbkdf2_sha256_32(pw, salt, iterations),
                want,
                "pw {} bytes, salt {} bytes, {iterations} iterations",
                pw.len(),
                salt.len()
            );
        }
    }

    #[test]
    fn pbkdf2_matches_hashlib() {
        for &(pw, salt, iterations, len, want) in PY_PBKDF2 {
            let mut out = vec![0u8; len];
            pbkdf2::pbkdf2_hmac::<Sha256>(pw, salt, iterations, &mut out);
            assert_eq!(
                hex::encode(&out),
                want,
                "pbkdf2_hmac({pw:?}, {salt:?}, {iterations})"
            );
        }
        let (master, salt, _, _, want) = PY_PBKDF2[PY_PBKDF2.len() - 1];
        let key = FernetKey::from_bytes(&unhex(want).try_into().expect("32 bytes"));
        assert_eq!(
            key_text(&pbkdf2_fernet_key(master, salt)),
            key_text(&key),
            "pbkdf2_fernet_key uses 100 000 iterations and 32 bytes"
        );
    }

    #[test]
    fn hkdf_matches_rfc5869() {
        for &(ikm, salt, info, len, want) in RFC5869 {
            let mut okm = vec![0u8; len];
            hkdf_sha256(&unhex(ikm), &unhex(salt), &unhex(info), &mut okm);
            assert_eq!(hex::encode(&okm), want, "RFC 5869 case with L={len}");
        }
    }

    #[test]
    fn derived_keys_match_the_seed() {
        for &(master, what, want) in PY_DERIVED {
            let master = unhex(master);
            let key = match what {
                "data" => data_key(&master),
                "wrap" => wrapping_key(&master),
                field => field_key(&master, field.strip_prefix("field:").expect("field row")),
            };
            assert_eq!(
                key_text(&key),
                want,
                "{what}: must equal the seed's Fernet key"
            );
        }
    }

    #[test]
    fn field_blobs_match_the_seed() {
        for &(master, field, value, ts, iv, encrypted) in PY_FIELD_BLOBS {
            let key = field_key(&unhex(master), field);
            let blob = encrypt_field(&key, field, value, ts, iv);
            assert_eq!(
                blob.encrypted, encrypted,
                "{field}: same time and IV, same blob"
            );
            assert_eq!(blob.algorithm, "Fernet", "label written by the seed");
            assert_eq!(
                decrypt_field(&key, &blob).as_deref(),
                Ok(value),
                "{field}: round trip"
            );
        }
    }

    #[test]
    fn field_blob_json_keeps_the_seed_key_order() {
        let blob = FieldBlob {
            encrypted: "Z0FB".to_owned(),
            algorithm: "Fernet".to_owned(),
            field: "email".to_owned(),
        };
        assert_eq!(
            crate::pyjson::dumps(&serde_json::to_value(&blob).expect("serializable")),
            r#"{"encrypted": "Z0FB", "algorithm": "Fernet", "field": "email"}"#,
            "encrypted, algorithm, field is the order of the seed's dict literal"
        );
    }

    #[test]
    fn decrypt_field_is_lenient_like_b64decode_and_opaque_on_failure() {
        let (master, field, value, _, _, encrypted) = PY_FIELD_BLOBS[0];
        let key = field_key(&unhex(master), field);
        let wrapped = format!("{}\n{}", &encrypted[..40], &encrypted[40..]);
        let blob = FieldBlob {
            encrypted: wrapped,
            algorithm: "x".into(),
            field: field.into(),
        };
        assert_eq!(
            decrypt_field(&key, &blob).as_deref(),
            Ok(value),
            "newlines are skipped"
        );
        let other = field_key(&unhex(master), "phone");
        assert_eq!(
            decrypt_field(&other, &blob),
            Err(FernetError::InvalidToken),
            "wrong field key"
        );
        let truncated = FieldBlob {
            encrypted: encrypted[..41].to_owned(),
            ..blob.clone()
        };
        assert_eq!(
            decrypt_field(&key, &truncated),
            Err(FernetError::InvalidToken),
            "bad padding"
        );
        let not_utf8 = encrypt_field(&key, field, "x", 0, [0; 16]);
        let token = fernet::encrypt(&key, &[0xff, 0xfe], 0, [0; 16]);
        let not_utf8 = FieldBlob {
            encrypted: STANDARD.encode(token),
            ..not_utf8
        };
        assert_eq!(
            decrypt_field(&key, &not_utf8),
            Err(FernetError::InvalidToken),
            "not UTF-8"
        );
    }

    #[test]
    fn key_records_made_by_python_unwrap() {
        for &(master, token, plaintext) in PY_KEY_RECORDS {
            let key = wrapping_key(&unhex(master));
            let got = fernet::decrypt(&key, token.as_bytes()).expect("the seed's key record");
            assert_eq!(
                std::str::from_utf8(&got),
                Ok(plaintext),
                "json.dumps text comes back"
            );
            let value = crate::pyjson::loads(plaintext, 4).expect("valid JSON");
            assert_eq!(
                crate::pyjson::dumps(&value),
                plaintext,
                "and re-dumps byte for byte"
            );
        }
    }

    #[test]
    fn master_key_decodes_like_b64decode() {
        for &(text, want) in PY_MASTER_B64 {
            let got = decode_master_key_b64(text);
            match want {
                Some(hex_bytes) => {
                    let got = got.unwrap_or_else(|e| panic!("{text:?}: Python decodes it: {e}"));
                    assert_eq!(hex::encode(got.expose_secret()), hex_bytes, "{text:?}");
                }
                None => assert!(got.is_err(), "{text:?}: Python raises"),
            }
        }
        let err = decode_master_key_b64("nzwqceXQS4hmqhD0w7Lh0P/u3cy7qpmId2ZVRDMiEQA").unwrap_err();
        assert!(
            !err.to_string().contains("nzwq"),
            "the error never echoes the key: {err}"
        );
    }
}
