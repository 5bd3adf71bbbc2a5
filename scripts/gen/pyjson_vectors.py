#!/usr/bin/env python3
"""Print the known-answer tables of crates/domain/src/pyjson.rs (CONTRACT.md §4 key records,
§6.1 audit events): json.dumps with Python's defaults, as the seed calls it.

    /root/.cache/rampart/venv/bin/python scripts/gen/pyjson_vectors.py
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from rustlit import rust_str  # noqa: E402

# Values given as Python objects; the Rust test feeds json.dumps(v, ensure_ascii=False) (plain
# UTF-8 JSON) to serde_json and expects Python's default json.dumps(v).
VALUES = [
    None, True, False, 0, -1, 42, 9223372036854775807, -9223372036854775808,
    18446744073709551615, 1.0, -0.0, 0.1, 1e16, 1e-05, 1e22, 123456.789, 2.5e-300, 1.5e300,
    "", "plain", "김민준", "서울 강남구 '따옴표' \"쌍따옴표\"", "emoji 😀 👨\u200d👩\u200d👧",
    "\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f\x20", "\x7f\x80\xa0\xff", "back\\slash/slash",
    "\u2028\u2029\ufeff\uffff", "\U0010ffff", "é vs e\u0301",
    [], {}, [1, [2, [3, []]]], {"b": 1, "a": 2}, {"nested": {"list": [1, "x", None, True]}},
    {"한글 키": "값", "😀": ["😀"]},
    {"key_id": "key_vN-Y16zLEwxXbmIhcB7Gxg", "key_data": "fP4Yuy5Xo+pN/dT1yRwtNr0lZ906DlBcTIcFTEEbx0o=",
     "algorithm": "AES-256-GCM", "created_at": "2026-11-24T04:06:55.870689", "expires_at": None,
     "is_active": "False", "purpose": "pii"},
    {"event_id": "audit_1795493557494_-3872837313787996192", "event_type": "security_violation",
     "user_id": None, "ip_address": "2001:db8:bad::1", "user_agent": "", "timestamp":
     "2026-11-24T04:12:37.495057", "resource": None, "action": "account_locked", "result":
     "success", "details": {"reason": "repeated_login_failures", "failures": 7}, "severity": "high"},
    {"event_type": "user_login", "details": {"사유": "비밀번호 오류", "ua": "Mozilla/5.0 \"x\"",
     "score": 0.35, "ok": False}},
]

print("    /// (plain UTF-8 JSON input, Python 3.11.7 `json.dumps(json.loads(input))`).")
print("    const DUMPS: &[(&str, &str)] = &[")
for v in VALUES:
    src = json.dumps(v, ensure_ascii=False)
    print(f"        ({rust_str(src)}, {rust_str(json.dumps(v))}),")
print("    ];")
