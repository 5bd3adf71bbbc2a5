#!/usr/bin/env python3
"""Print the known-answer tables of crates/domain/src/password.rs (CONTRACT.md §1.4) with the
service's bcrypt 5.0.0.

    /root/.cache/rampart/venv/bin/python scripts/gen/password_vectors.py
"""
import base64
import os
import sys

import bcrypt

sys.path.insert(0, os.path.dirname(__file__))
from rustlit import rust_bytes, rust_str  # noqa: E402

STD = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BCRYPT = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def salt22(raw16):
    return base64.b64encode(raw16).translate(bytes.maketrans(STD, BCRYPT))[:22]


print("    /// bcrypt.hashpw(password, b'$2b$' + cost + b'$' + salt22(salt)): (password, salt bytes,")
print("    /// cost, hash).")
print("    const PY_HASHES: &[(&str, [u8; 16], u32, &str)] = &[")
rows = [("password", bytes(16), 4), ("correct horse battery staple", bytes(range(16)), 4),
        ("비밀번호123!", b"\xff" * 16, 4), ("", bytes(range(100, 116)), 4),
        ("a\x00b", bytes(range(16)), 4), ("한" * 24, bytes(range(16)), 4),
        ("x" * 72, bytes(range(16)), 5), ("😀" * 18, bytes(range(32, 48)), 4),
        ("Tr0ub4dor&3", bytes(range(200, 216)), 12)]
for pw, salt, cost in rows:
    h = bcrypt.hashpw(pw.encode(), b"$2b$%02d$" % cost + salt22(salt)).decode()
    print(f"        ({rust_str(pw)}, {list(salt)}, {cost}, {rust_str(h)}),")
print("    ];")

h = bcrypt.hashpw(b"pw", b"$2b$04$" + b"." * 22)
print("    /// bcrypt.checkpw(b'pw', stored): Some(result) or None when it raises ValueError.")
print("    const PY_CHECKPW: &[(&str, Option<bool>)] = &[")
for s in [h, h.replace(b"$2b", b"$2a"), h.replace(b"$2b", b"$2y"), h.replace(b"$2b", b"$2x"),
          h.replace(b"$2b", b"$2c"), b"$" + h, h.replace(b"$04$", b"$4$"),
          h.replace(b"$04$", b"$004$"), h[:-1], h + b"x", h[:-1] + b".",
          h.replace(b"$04$", b"$03$"), h.replace(b"$04$", b"$32$"), b"", b"garbage", h[:29],
          h[:28], h.replace(b"$", b"$$"), h[:-1] + b"7", h[:7] + b"." * 21 + b"/" + h[29:],
          h[:7] + b"." * 21 + b"O" + h[29:], h.replace(b"$04$", b"$ab$"), h.replace(b"$04$", b"$+4$"),
          h.replace(b"$2b$", b"$2B$"), h + b"$", h.replace(b"$04$", b"$04$$")]:
    try:
        out = f"Some({bcrypt.checkpw(b'pw', s)})".replace("True", "true").replace("False", "false")
    except ValueError:
        out = "None"
    print(f"        ({rust_str(s.decode())}, {out}),")
print("    ];")
