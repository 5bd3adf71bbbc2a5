#!/usr/bin/env python3
"""Print the known-answer tables of crates/domain/src/fernet.rs (CONTRACT.md §3 "Fernet (spec
v0x80)", §4) using the service's `cryptography` and `base64` modules.

    /root/.cache/rampart/venv/bin/python scripts/gen/fernet_vectors.py
"""
import base64
import binascii
import hashlib
import hmac
import os
import random
import sys

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

sys.path.insert(0, os.path.dirname(__file__))
from rustlit import rust_bytes, rust_str  # noqa: E402

KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="  # the Fernet spec's key
KEY2 = base64.urlsafe_b64encode(bytes(range(32))).decode()
rng = random.Random(3)


def decrypt_verdict(f, token):
    try:
        return f"Some({rust_bytes(f.decrypt(token))})"
    except InvalidToken:
        return "None"


def forge(key_b64, body):
    """A token over arbitrary bytes after the version/timestamp/iv, with a valid HMAC."""
    key = base64.urlsafe_b64decode(key_b64)
    mac = hmac.new(key[:16], body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(body + mac)


def cbc_raw(key_b64, iv, blocks):
    key = base64.urlsafe_b64decode(key_b64)
    enc = Cipher(algorithms.AES(key[16:]), modes.CBC(iv)).encryptor()
    return enc.update(blocks) + enc.finalize()


def main():
    f = Fernet(KEY)
    f2 = Fernet(KEY2)
    iv = bytes(range(16))

    print("    /// Fernet._encrypt_from_parts(src, ts, iv) with the given key (cryptography 50.0.2).")
    print("    type EncryptRow = (&'static str, &'static [u8], u64, [u8; 16], &'static str);")
    print("    const PY_ENCRYPT: &[EncryptRow] = &[")
    msgs = [b"", b"hello", b"x" * 15, b"y" * 16, b"z" * 17, "김민준 비밀".encode(),
            bytes(range(256)), b'{"key_id": "key_x", "is_active": "True"}']
    for key in (KEY, KEY2):
        fk = Fernet(key)
        for i, m in enumerate(msgs):
            ts = [0, 499162800, 1795493557, 2**40][i % 4]
            v = bytes(rng.randrange(256) for _ in range(16)) if i % 2 else iv
            tok = fk._encrypt_from_parts(m, ts, v).decode()
            print(f"        ({rust_str(key)}, {rust_bytes(m)}, {ts}, {list(v)}, {rust_str(tok)}),")
    print("    ];")

    print("    /// Fernet.encrypt(src) with a random IV and the current time, then Fernet.decrypt.")
    print("    const PY_RANDOM_TOKENS: &[(&str, &str, &[u8])] = &[")
    for m in [b"random iv 1", "한국어".encode(), b""]:
        tok = f2.encrypt(m)
        assert f2.decrypt(tok) == m
        print(f"        ({rust_str(KEY2)}, {rust_str(tok.decode())}, {rust_bytes(m)}),")
    print("    ];")

    good = f._encrypt_from_parts(b"hello", 499162800, iv)
    raw = base64.urlsafe_b64decode(good)
    body = raw[:-32]
    cases = {
        "the untouched token": good,
        "version byte 0x81": forge(KEY, b"\x81" + body[1:]),
        "version byte 0x00": forge(KEY, b"\x00" + body[1:]),
        "HMAC with its last byte flipped": base64.urlsafe_b64encode(raw[:-1] + bytes([raw[-1] ^ 1])),
        "ciphertext bit flipped, HMAC kept": base64.urlsafe_b64encode(
            raw[:30] + bytes([raw[30] ^ 0x80]) + raw[31:]),
        "timestamp changed, HMAC kept": base64.urlsafe_b64encode(raw[:8] + b"\x01" + raw[9:]),
        "truncated to 72 bytes": base64.urlsafe_b64encode(raw[:72]),
        "truncated to 57 bytes": base64.urlsafe_b64encode(raw[:57]),
        "truncated to 9 bytes": base64.urlsafe_b64encode(raw[:9]),
        "truncated to 8 bytes": base64.urlsafe_b64encode(raw[:8]),
        "just the version byte": base64.urlsafe_b64encode(b"\x80"),
        "empty": b"",
        "empty ciphertext, valid HMAC": forge(KEY, body[:25]),
        "ciphertext of 15 bytes, valid HMAC": forge(KEY, body[:25] + b"\x00" * 15),
        "ciphertext of 17 bytes, valid HMAC": forge(KEY, body[:25] + body[25:41] + b"\x00"),
        "padding byte 0, valid HMAC": forge(KEY, body[:25] + cbc_raw(KEY, iv, b"a" * 15 + b"\x00")),
        "padding byte 17, valid HMAC": forge(KEY, body[:25] + cbc_raw(KEY, iv, b"a" * 15 + b"\x11")),
        "inconsistent padding, valid HMAC": forge(
            KEY, body[:25] + cbc_raw(KEY, iv, b"a" * 13 + b"\x01\x03\x03")),
        "full padding block, valid HMAC": forge(KEY, body[:25] + cbc_raw(KEY, iv, b"\x10" * 16)),
        "padding removed (no '=')": good.rstrip(b"="),
        "extra '=' padding": good + b"==",
        "newlines and spaces inside": good[:20] + b"\n " + good[20:40] + b"\r\n" + good[40:],
        "standard alphabet instead of URL-safe": good.replace(b"-", b"+").replace(b"_", b"/"),
        "junk characters inside": good[:10] + b"%$!*" + good[10:],
        "non-ASCII bytes inside": good[:10] + "한".encode() + good[10:],
        "data after the padding": good + b"AAAA",
        "one data character too many": good.rstrip(b"=") + b"A",
        "the other key's token": f2._encrypt_from_parts(b"hello", 499162800, iv),
    }
    print("    /// Fernet(SPEC_KEY).decrypt(token): Some(plaintext) or None for InvalidToken.")
    print("    type DecryptRow = (&'static str, &'static [u8], Option<&'static [u8]>);")
    print("    const PY_DECRYPT: &[DecryptRow] = &[")
    for desc, tok in cases.items():
        print(f"        ({rust_str(desc)}, {rust_bytes(tok)}, {decrypt_verdict(f, tok)}),")
    print("    ];")

    print("    /// Fernet(key): Some(urlsafe_b64encode of the 32 key bytes) or None for ValueError.")
    print("    const PY_KEYS: &[(&str, Option<&str>)] = &[")
    keys = [KEY, KEY2, KEY.rstrip("="), KEY + "=", KEY.replace("-", "+").replace("_", "/"),
            " " + KEY + "\n", KEY[:-2] + "=", base64.urlsafe_b64encode(b"\x00" * 31).decode(),
            base64.urlsafe_b64encode(b"\x00" * 33).decode(), "", "not a key",
            base64.b64encode(b"\xfb" * 32).decode()]
    for k in keys:
        try:
            fk = Fernet(k)
            out = f"Some({rust_str(base64.urlsafe_b64encode(fk._signing_key + fk._encryption_key).decode())})"
        except ValueError:
            out = "None"
        print(f"        ({rust_str(k)}, {out}),")
    print("    ];")

    # binascii.a2b_base64 in non-strict mode, the heart of b64decode / urlsafe_b64decode.
    samples = ["", "=", "==", "A", "AA", "AA=", "AA==", "AAA", "AAA=", "AAAA", "AAAA=", "AA=A",
               "A=AA", "=AAA", "AA==AA", "AAA=AAAA", "AA=BB==", "QUJD", "QUJD\n", "Q U J D",
               "QUJ", "QU", "Q", "QQ==QQ==", "QQ=\n=", "QQ", "QUI=", "QUI", "QUI==", "QUI===",
               "a-_b", "a+/b", "a-_=", "%%%%", "Q%U%J%D", "QUJD====", "QQ=", "QQ=x", "QQ==x",
               "QUJDRA", "QUJDRA=", "QUJDRA==", "QUJDRA===", "QUJDRUY", "QUJDRUY=", "////",
               "____", "é", "AAéAA", "\x00QUJD"]
    for _ in range(80):
        n = rng.randrange(0, 14)
        samples.append("".join(rng.choice("AQg+/-_=% \n") for _ in range(n)))
    print("    /// (input, base64.b64decode(input) hex or None, base64.urlsafe_b64decode(input) hex or")
    print("    /// None), for bytes input.")
    print("    const PY_B64: &[(&[u8], Option<&str>, Option<&str>)] = &[")
    for s in samples:
        b = s.encode("utf-8")
        outs = []
        for fn in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                outs.append(f"Some({rust_str(fn(b).hex())})")
            except binascii.Error:
                outs.append("None")
        print(f"        ({rust_bytes(b)}, {outs[0]}, {outs[1]}),")
    print("    ];")


if __name__ == "__main__":
    main()
