#!/usr/bin/env python3
"""Print the known-answer tables of crates/domain/src/totp.rs (CONTRACT.md §2) with pyotp 2.12.

    /root/.cache/rampart/venv/bin/python scripts/gen/totp_vectors.py
"""
import base64
import binascii
import hashlib
import os
import sys

import pyotp

sys.path.insert(0, os.path.dirname(__file__))
from rustlit import rust_str  # noqa: E402

print("    /// RFC 6238 Appendix B through pyotp: (time, digest, 8-digit code).")
print("    const PY_RFC6238: &[(u64, &str, &str)] = &[")
seeds = {"sha1": b"12345678901234567890", "sha256": b"12345678901234567890123456789012",
         "sha512": b"1234567890123456789012345678901234567890123456789012345678901234"}
for t in [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000]:
    for name, seed in seeds.items():
        totp = pyotp.TOTP(base64.b32encode(seed).decode(), digits=8, digest=getattr(hashlib, name))
        print(f'        ({t}, "{name}", "{totp.at(t)}"),')
print("    ];")

print("    /// pyotp.TOTP(secret).at(t) with the service's defaults (SHA1, 6 digits, 30 s).")
print("    const PY_CODES: &[(&str, u64, &str)] = &[")
secrets_ = ["ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            "jbswy3dpehpk3pxpjbswy3dpehpk3pxp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "AAAAAAAAAAAAAAAAAAAAAAAA"]
times = [0, 29, 30, 59, 1111111109, 1795493557, 1795493580, 4102444800]
for s in secrets_:
    for t in times:
        print(f'        ({rust_str(s)}, {t}, "{pyotp.TOTP(s).at(t)}"),')
print("    ];")

print("    /// A code with a leading zero: (secret, time, code) found by search.")
s = "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF"
t = next(t for t in range(1795493557, 1795493557 + 30 * 10000, 30) if pyotp.TOTP(s).at(t).startswith("00"))
print(f'    const PY_LEADING_ZERO: (&str, u64, &str) = ("{s}", {t}, "{pyotp.TOTP(s).at(t)}");')

print("    /// pyotp.TOTP(secret).byte_secret(): Ok(hex), TooShort(bits) or NotBase32.")
print("    const PY_SECRETS: &[(&str, Secret)] = &[")
cases = ["ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", "atkhfija4pbmda3wkckym3a7tbpm4mf", "AtKhFiJfA4PbMdA3",
         "JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXPJBSWY3DP", "JBSWY3DPEHPK3PXPJBSWY", "JBSWY3DPEHPK3PXPJBSWY3D",
         "JBSWY3DPEHPK3PXPJBSWY3DPE", "JBSWY3DPEHPK3PXPJBS", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP====",
         "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX=", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3P==",
         "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3===", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK====",
         "JBSWY3DPEHPK3PXPJBSWY3DPEHP=====", "JBSWY3DPEHPK3PXPJBSWY3DPEH======",
         "JBSWY3DPEHPK3PXPJBSWY3DPE=======", "JBSWY3DPEHPK3PXP JBSWY3DPEHPK3PXP",
         "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX1", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX0",
         "JBSWY3DP=HPK3PXPJBSWY3DPEHPK3PXP", "", "========", "A", "AB", "ABCDEFGHIJKLMNOPQRSTUVW",
         "ABCDEFGHIJKLMNOPQRSTUVWX", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
         "ＪBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n"]
for c in cases:
    try:
        b = pyotp.TOTP(c).byte_secret()
        out = f'Decodes("{b.hex()}")'
    except ValueError as e:  # binascii.Error is a ValueError subclass
        if isinstance(e, binascii.Error) or "ASCII" in str(e):
            out = "NotBase32"
        else:
            missing = len(c) % 8
            padded = c + "=" * (8 - missing) if missing else c
            out = f"TooShort({len(base64.b32decode(padded, casefold=True)) * 8})"
    print(f"        ({rust_str(c)}, {out}),")
print("    ];")

print("    /// pyotp.TOTP(secret).provisioning_uri(name=f'user_{uid}', issuer_name='Stock Analysis App')")
print("    const PY_URIS: &[(&str, &str, &str)] = &[")
for uid, sec in [("user_Vq8rx0rpoS5Lid-vLxRY2A", "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF"),
                 ("user_i2f72r9rgi-pH_u0VqmTAA", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                 ("user_-_-_", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                 ("a b/c+d@e:f?g&h=i~j.k%l", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                 ("김민준", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX="),
                 ("user_x", "jbswy3dpehpk3pxp jbswy3dpehpk3pxp")]:
    try:
        uri = pyotp.TOTP(sec).provisioning_uri(name=f"user_{uid}", issuer_name="Stock Analysis App")
    except ValueError:
        # provisioning_uri needs a valid secret in pyotp; build_uri shows the URI regardless.
        uri = pyotp.utils.build_uri(sec, f"user_{uid}", issuer="Stock Analysis App")
    print(f"        ({rust_str(uid)}, {rust_str(sec)}, {rust_str(uri)}),")
print("    ];")
