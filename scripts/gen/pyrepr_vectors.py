#!/usr/bin/env python3
"""Print the known-answer tables of crates/domain/src/pyrepr.rs (CONTRACT.md conventions,
"py-repr dict"; §1.6, §2).

Run with the service's Python (3.11): every expected string below is what that Python's repr(),
str() or ast.literal_eval produced, so the Rust tests compare against the real thing.

    /root/.cache/rampart/venv/bin/python scripts/gen/pyrepr_vectors.py > /tmp/pyrepr_tables.rs
"""
import ast
import random
import struct
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from rustlit import rust_bytes, rust_str  # noqa: E402

STRINGS = [
    "", "a", "plain ascii", "김민준", "서울특별시 강남구", "김@예시.한국", "it's", 'say "hi"',
    "both ' and \"", "back\\slash", "\\", "'", '"', "''\"", "tab\there", "new\nline", "cr\rlf\n",
    "\x00", "\x01\x1f", "\x7f", "\x80", "\x9f", "\xa0", "\xad", "\xe9", "\xff", "\u0100",
    "\u0378", "\u200b", "\u2028", "\u3000", "\ufeff", "\ufffd", "\uffff", "\ue000", "😀",
    "👍🏽", "👨‍👩‍👧", "\U0001f1f0\U0001f1f7", "\U000e0001", "\U0010ffff", "\U0001fbf0",
    "e\u0301", "\u1100\u1161", "한국어 '인용' \"따옴표\"", "mixed\t한\n😀\x00'\"\\",
    "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", "2026-11-24T04:12:29.661908", "\x1b[31mred\x1b[0m",
    "\u061c", "\u180e", "\U0001d173", "\u00b2\uff15\u2460",
]

BYTES = [b"", b"abc", b"it's", b'"q"', b"'\"", b"\\", b"\x00\x7f\x80\xff", b"\t\n\r", b"\xed\x95\x9c"]

LITERALS = [
    # Seed-shaped records.
    "{'secret_key': 'ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF', 'backup_codes': ['22b33b22', '42043f6b'], "
    "'enabled_at': '2026-11-24T04:12:29.661908'}",
    '{"secret_key": "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF", "backup_codes": [], "created_at": "x"}',
    # Numbers.
    "0", "00", "0_0", "01", "1__0", "1_", "1_000", "-1", "+1", "- 1", "-(1)", "--1", "-True",
    "-(1,)", "-(-1)", "0x1F", "0X_1f", "0o17", "0b101", "0b2", "9223372036854775807",
    "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "1.5", "-1.5e-3",
    "1e5", "1E5", ".5", "5.", "01.5", "01e5", "1_000.5", "1e400", "-1e400", "-0.0", "0.0",
    "0.1e1_0", "1e1_0", "1.e5", "1e", "1e+", "1.2.3", "1j", "1+2j", "1abc", "0x", "1 2",
    # Names.
    "None", "True", "False", "true", "false", "null", "none", "Ellipsis", "...", "inf", "nan",
    "x",
    # Strings.
    "'a'", '"a"', "'a' 'b'", "'a'\n'b'", "('a'\n 'b')", "'a' b'c'", "u'x'", "U'x'", "r'\\d'",
    "R'x'", "rb'x'", "Br'x'", "bR'\\x41'", "ur'x'", "f'x'", "'\\N{BULLET}'", "'\\777'",
    "'\\101\\60'", "'\\0'", "b'\\777'", "b'\\u1234'", "'\\u1234'", "'\\d'", "'\\ud800'",
    "'''a\nb'''", '"""x"y"""', "'''a''' 'b'", "b'\xe9'", "'a\nb'", "'\\x4'", "'\\x41'",
    "'\\xZZ'", "'\\U00110000'", "'\\U0001F600'", "'\\U0001f600'", "'\\uD55C\\uad6d'",
    "'a\\\nb'", "'\\a\\b\\f\\n\\r\\t\\v'", "'\\''", '"\\""', "'unterminated", "'a\\'",
    "r'a\\'b'", "r'a\\\\'", "'한국'", "b'\\xff\\x00'", "'\\x80'", "'''\r\n'''",
    # Containers and layout.
    "[]", "()", "{}", "[1,]", "(1,)", "(1)", "((1))", "(1,2,)", "1, 2", "1,", "[,]", "(,)",
    "[1 2]", "{'a' 1}", "{'a':1,}", "{'a':1,'b':2,'a':3}", "{1: 'a', True: 'b', 1.0: 'c'}",
    "{(1,2): 3}", "{[1]: 2}", "{(1,[2]): 3}", "{1,2}", "set()", "[[]]", "[[1, [2, (3,)]]]",
    " 1 ", "\n1", "1\n", "\t1", "# c\n1", "1 # c", "[1,\\\n2]", "1\r\n", "\x0c1", "{'a': }",
    "[1, 2", "[1, 2]]", "", "   ", "[\n  1,\n  2,\n]", "{\n 'k' :\n 'v' }", "b'a' b'b'",
    "(1, 'a', None, True, 2.5, b'x', [], {})",
    # Python's line structure at the top level (eval mode): newlines end the expression and
    # indentation is an error.
    "\n  1", "\n\t1", "  \n  1", "1,\n2", "1 \\\n, 2", "# c\n  1", "\n1\n  ", "1\n\n",
    "1\n  \n", "1 \\\n", "\\\n1", "\r1", "1\r", "'a' \\\n'b'", "\x0c\n1", "  # c\n1",
    "1;", "1\x00", "1\n  ", "1\n# c", "1\n  # c", "1\n\x0c", "1\n\t", "\x0c  1", "  \x0c1",
    "\n \\\n1", "[1,\n2]", "(1,\n\n2)", "{'a':\n# comment\n1}", "'a' # c", "1 \\ 2",
]

SEED_DICTS = [
    {
        "secret_key": "ATKHFIJFA4PBMDA3WKCKYM3A7TBPM4MF",
        "backup_codes": ["22b33b22", "0a1b2c3d", "42043f6b"],
        "enabled_at": "2026-11-24T04:12:29.661908",
    },
    {
        "secret_key": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "backup_codes": [],
        "created_at": "2026-11-24T04:12:29",
    },
    {
        "user_id": "user_i2f72r9rgi-pH_u0VqmTAA",
        "token_id": "YYoi0r-_abcdefghijklmnopqrstuvwxyz0123456789",
        "exp": "2026-12-01T04:12:27.371448",
        "created_at": "2026-11-24T04:12:27.371462",
    },
    {
        "secret_key": "김민준's \"비밀\" \\ 😀\x00\n",
        "backup_codes": ["it's", 'say "hi"', "\t", "\u200b", "한"],
        "enabled_at": "2026-11-24T04:12:29.661908",
    },
]


def literal_row(src):
    try:
        value = ast.literal_eval(src)
    except Exception as exc:  # SyntaxError, ValueError, TypeError, MemoryError...
        return f"({rust_str(src)}, Rejected), // {type(exc).__name__}"
    why = "a \\N{...} escape (Rampart has no Unicode name table)" if "\\N{" in src else None
    why = why or unsupported(value)
    if why:
        return f"({rust_str(src)}, Unsupported), // Python gives {why}"
    return f"({rust_str(src)}, Accepted({rust_str(repr(value))})),"


def unsupported(v):
    """What Rampart deliberately refuses although literal_eval accepts it (None if supported)."""
    if isinstance(v, bool) or v is None or isinstance(v, float):
        return None
    if isinstance(v, int):
        return None if -(2**63) <= v < 2**63 else "an int beyond i64"
    if isinstance(v, str):
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            return "a lone surrogate"
        return None
    if isinstance(v, bytes):
        return None
    if isinstance(v, (list, tuple)):
        return next((w for w in map(unsupported, v) if w), None)
    if isinstance(v, dict):
        for k, x in v.items():
            w = unsupported(k) or unsupported(x)
            if w:
                return w
        return None
    return type(v).__name__


def main():
    print("    /// `repr(s)` for each string s (Python 3.11.7).")
    print("    const STR_REPR: &[(&str, &str)] = &[")
    for s in STRINGS:
        print(f"        ({rust_str(s)}, {rust_str(repr(s))}),")
    print("    ];")

    print("    /// `repr(b)` for each bytes value b (Python 3.11.7).")
    print("    const BYTES_REPR: &[(&[u8], &str)] = &[")
    for b in BYTES:
        print(f"        ({rust_bytes(b)}, {rust_str(repr(b))}),")
    print("    ];")

    rng = random.Random(6238)
    specials = [0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1.0, 100.0, 1e15, 1e16, 1e17, 1e22, 1e23, 1e-4, 1e-5,
                1.5e-7, 123456789012345680.0, 9999999999999998.0, 5e-324, 2.2250738585072014e-308,
                1.7976931348623157e308, float("inf"), -float("inf"), -0.0, 0.0, 0.8, 0.35, 0.5,
                1234.5678, 1e100, 1e-100, 4.35, 2.675, 0.1 + 0.2, 9007199254740993.0]
    floats = specials + [struct.unpack("<d", rng.randbytes(8))[0] for _ in range(120)]
    floats += [rng.uniform(-1e6, 1e6) for _ in range(40)]
    floats += [rng.randint(-10**20, 10**20) / 10 ** rng.randint(0, 25) for _ in range(40)]
    print("    /// `repr(x)` for doubles given by their bits (Python 3.11.7; random ones from")
    print("    /// `random.Random(6238)`).")
    print("    const FLOAT_REPR: &[(u64, &str)] = &[")
    for x in floats:
        if x != x:
            continue
        bits = struct.unpack("<Q", struct.pack("<d", x))[0]
        print(f"        (0x{bits:016x}, {rust_str(repr(x))}),")
    print("    ];")

    print("    /// `ast.literal_eval(src)`: Accepted(repr of the value), Rejected (Python raises), or")
    print("    /// Unsupported (Python accepts a type Rampart deliberately refuses).")
    print("    const LITERAL_EVAL: &[(&str, Eval)] = &[")
    for src in LITERALS:
        print("        " + literal_row(src))
    print("    ];")

    print("    /// `str(d)` of seed-shaped dicts (CONTRACT.md §1.6, §2), hostile values included.")
    print("    const SEED_STR: &[&str] = &[")
    for d in SEED_DICTS:
        print(f"        {rust_str(str(d))},")
    print("    ];")


if __name__ == "__main__":
    main()
