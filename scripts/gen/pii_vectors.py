#!/usr/bin/env python3
"""Print the known-answer tables of crates/domain/src/pii.rs (CONTRACT.md §3.1) by running the
seed's own PIIManager masking code (the peer's verbatim copy in tests/python/seed) under
Python 3.11.

    /root/.cache/rampart/venv/bin/python scripts/gen/pii_vectors.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from rustlit import rust_str  # noqa: E402


# The seed's own class, from the peer's verbatim copy of security/encryption_service.py
# (importing it also needs the peer's shims on the path). PIIManager(None): masking never
# touches the encryption service.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "python"))
from seed.encryption_service import PIIManager as _SeedPIIManager  # noqa: E402


def PIIManager():  # noqa: N802 - keeps the call sites below as they were
    return _SeedPIIManager(None)


m = PIIManager()

FIELDS = ["email", "EMAIL", "user_email", "Email_Address", "phone", "Phone_Mobile", "ssn",
          "SSN", "address", "home_address", "ip_address", "credit_card", "card_number",
          "bank_account", "passport", "driver_license", "username", "", "e_mail", "phones",
          "lessn", "ban\u212a_account", "\u0130p_address", "ADDRESS\u0130", "주소", "email주소",
          "pass\u017fport", "credit_card_phone", "ssn_email"]
print("    /// (field, PIIManager._is_pii_field(field)).")
print("    const PY_IS_PII: &[(&str, bool)] = &[")
for f in FIELDS:
    print(f"        ({rust_str(f)}, {str(m._is_pii_field(f)).lower()}),")
print("    ];")

CASES = [
    ("email", "alice@x.com"), ("email", "ab@x.com"), ("email", "a@x.com"), ("email", "@x.com"),
    ("email", "no-at-sign"), ("email", "abc@"), ("email", "a@b@c"), ("email", "김민준@예시.한국"),
    ("email", "김민@예시.한국"), ("email", "😀ab😀@x"), ("user_email", ""),
    ("phone", "010-1234-5678"), ("phone", "1234"), ("phone", "12345"), ("phone", "+82 10 1234 5678"),
    ("phone", "０１０-１２３４-５６７８"), ("phone", "²³¹⁴⁵"), ("phone", "①②③④⑤⑥"),
    ("phone", "٠١٢٣٤٥٦"), ("phone", "abc"), ("phone", ""), ("Phone_Mobile", "010 9999 0000"),
    ("ssn", "123-45-6789"), ("ssn", "123456789"), ("ssn", "900101-1234567"), ("ssn", "12345678"),
    ("ssn", "１２３-４５-６７８９"), ("ssn", ""), ("SSN", "xx123x45x6789xx"),
    ("credit_card", "4111 1111 1111 1111"), ("credit_card", "4111"), ("credit_card", "4111-1"),
    ("credit_card", "５５５５ ４４４４ ３３３３ ２２２２"), ("address", "서울"),
    ("address", "서울특별시 강남구"), ("ip_address", "203.0.113.66"), ("address", "a"),
    ("address", ""), ("bank_account", "110-123-456789"), ("passport", "M12345678"),
    ("driver_license", "11-22-333333-44"), ("home_address", "👨‍👩‍👧 가족"),
    ("credit_card_phone", "4111 1111 1111 1111"), ("ssn_email", "123-45-6789"),
    ("credit_card_ssn", "4111 1111 1111 1111"), ("ssn_credit_card", "123-45-6789"),
    ("Email_Address", "bob@example.org"), ("ban\u212a_account", "12345"),
]
print("    /// (field, value, role, PIIManager._mask_field_value(field, value, role)).")
print("    const PY_MASK: &[(&str, &str, &str, &str)] = &[")
for role in ["premium_user", "admin", "Admin", "admin ", ""]:
    for f, v in CASES if role == "premium_user" else CASES[:3] + CASES[11:13]:
        print(f"        ({rust_str(f)}, {rust_str(v)}, {rust_str(role)}, "
              f"{rust_str(m._mask_field_value(f, v, role))}),")
print("    ];")

record = {"user_id": "user_x", "email": "alice@example.com", "username": "김민준",
          "phone": "010-1234-5678", "ip_address": "2001:db8::1", "card_number": "4111111111111111",
          "ssn": "900101-1234567", "note": "free text"}
print("    /// PIIManager.mask_pii_data(record, 'basic_user'), order kept.")
print("    const PY_RECORD: &[(&str, &str, &str)] = &[")
masked = m.mask_pii_data(record, "basic_user")
for k, v in record.items():
    print(f"        ({rust_str(k)}, {rust_str(v)}, {rust_str(masked[k])}),")
print("    ];")
