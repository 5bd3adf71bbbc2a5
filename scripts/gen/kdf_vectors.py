#!/usr/bin/env python3
"""Print the known-answer tables of crates/domain/src/kdf.rs (CONTRACT.md §3 field and data keys,
§4 wrapping key and master-key decoding), computed the way the seed computes them.

    /root/.cache/rampart/venv/bin/python scripts/gen/kdf_vectors.py
"""
import base64
import binascii
import hashlib
import json
import os
import sys

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

sys.path.insert(0, os.path.dirname(__file__))
from rustlit import rust_bytes, rust_str  # noqa: E402

MASTER = bytes(range(32))
MASTER2 = bytes.fromhex("9f3c2a71e5d04b8866aa10f4c3b2e1d0ffeeddccbbaa99887766554433221100")


def seed_derive(master, purpose):
    """EncryptionService._derive_key (CONTRACT.md §3), wrapped as the seed's field keys are."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=purpose.encode(), iterations=100000)
    return base64.urlsafe_b64encode(kdf.derive(master)).decode()


def seed_wrap(master):
    """KeyManagementService._encrypt_with_master_key's key (CONTRACT.md §4)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"key_management_salt",
                info=b"key_encryption")
    return base64.urlsafe_b64encode(hkdf.derive(master)).decode()


print("    /// hashlib.pbkdf2_hmac('sha256', password, salt, iterations, dklen).hex()")
print("    type Pbkdf2Row = (&'static [u8], &'static [u8], u32, usize, &'static str);")
print("    const PY_PBKDF2: &[Pbkdf2Row] = &[")
for pw, salt, it, n in [(b"password", b"salt", 1, 32), (b"password", b"salt", 2, 32),
                        (b"password", b"salt", 4096, 32),
                        (b"passwordPASSWORDpassword", b"saltSALTsaltSALTsaltSALTsaltSALTsalt", 4096, 40),
                        (b"pass\x00word", b"sa\x00lt", 4096, 16), (MASTER, b"field_email", 100000, 32)]:
    print(f"        ({rust_bytes(pw)}, {rust_bytes(salt)}, {it}, {n}, "
          f"{rust_str(hashlib.pbkdf2_hmac('sha256', pw, salt, it, n).hex())}),")
print("    ];")

print("    /// RFC 5869 A.1-A.3 inputs; OKM recomputed with cryptography's HKDF (equal to the RFC).")
print("    const RFC5869: &[(&str, &str, &str, usize, &str)] = &[")
cases = [("0b" * 22, "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42),
         (bytes(range(0x00, 0x50)).hex(), bytes(range(0x60, 0xb0)).hex(), bytes(range(0xb0, 0x100)).hex(), 82),
         ("0b" * 22, "", "", 42)]
for ikm, salt, info, n in cases:
    okm = HKDF(algorithm=hashes.SHA256(), length=n, salt=bytes.fromhex(salt) or None,
               info=bytes.fromhex(info)).derive(bytes.fromhex(ikm))
    print(f'        ("{ikm}", "{salt}", "{info}", {n}, "{okm.hex()}"),')
print("    ];")

print("    /// (master hex, Fernet key of field_key(field) / data_key / wrapping_key as the seed")
print("    /// derives it: urlsafe_b64encode(PBKDF2 or HKDF output)).")
print("    const PY_DERIVED: &[(&str, &str, &str)] = &[")
for m in (MASTER, MASTER2):
    for field in ["email", "phone", "ssn", "home_address", "전화번호"]:
        print(f'        ("{m.hex()}", {rust_str("field:" + field)}, "{seed_derive(m, "field_" + field)}"),')
    print(f'        ("{m.hex()}", "data", "{seed_derive(m, "data_encryption")}"),')
    print(f'        ("{m.hex()}", "wrap", "{seed_wrap(m)}"),')
print("    ];")

print("    /// encrypt_sensitive_field's blob with a fixed time and IV: (master hex, field, value,")
print("    /// ts, iv, `encrypted` = b64encode(Fernet(field key)._encrypt_from_parts(value, ts, iv))).")
print("    type BlobRow = (&'static str, &'static str, &'static str, u64, [u8; 16], &'static str);")
print("    const PY_FIELD_BLOBS: &[BlobRow] = &[")
for m, field, value, ts, iv in [(MASTER, "email", "alice@example.com", 1795493557, bytes(16)),
                                (MASTER2, "phone", "010-1234-5678", 1795493558, bytes(range(16))),
                                (MASTER2, "address", "서울특별시 강남구 테헤란로 1", 0, b"\xff" * 16)]:
    tok = Fernet(seed_derive(m, "field_" + field))._encrypt_from_parts(value.encode(), ts, iv)
    print(f'        ("{m.hex()}", {rust_str(field)}, {rust_str(value)}, {ts}, {list(iv)}, '
          f'"{base64.b64encode(tok).decode()}"),')
print("    ];")

print("    /// A `key:*` record as KeyManagementService._store_key writes it: (master hex, raw token")
print("    /// bytes, json.dumps plaintext).")
print("    const PY_KEY_RECORDS: &[(&str, &str, &str)] = &[")
record = {"key_id": "key_vN-Y16zLEwxXbmIhcB7Gxg",
          "key_data": "fP4Yuy5Xo+pN/dT1yRwtNr0lZ906DlBcTIcFTEEbx0o=", "algorithm": "AES-256-GCM",
          "created_at": "2026-11-24T04:06:55.870689", "expires_at": None, "is_active": "False",
          "purpose": "pii"}
text = json.dumps(record)
tok = Fernet(seed_wrap(MASTER2)).encrypt(text.encode())
print(f'        ("{MASTER2.hex()}", "{tok.decode()}", {rust_str(text)}),')
print("    ];")

print("    /// base64.b64decode(s) of MASTER_ENCRYPTION_KEY-like strings: Some(hex) or None.")
print("    const PY_MASTER_B64: &[(&str, Option<&str>)] = &[")
good = base64.b64encode(MASTER2).decode()
for s in [good, good + "\n", " " + good[:20] + "\n" + good[20:], good.rstrip("="), good + "==",
          good.replace("+", "-"), base64.b64encode(b"short").decode(), "", "=", "!!!!",
          base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode(), good[:-4], "김" + good]:
    try:
        out = f'Some("{base64.b64decode(s).hex()}")'
    except (binascii.Error, ValueError):
        out = "None"
    print(f"        ({rust_str(s)}, {out}),")
print("    ];")
