"""Shared helper for the vector generators: Python values as Rust literals."""
import unicodedata


def confusable(ch: str) -> bool:
    """A non-ASCII letter that NFKC folds to an ASCII letter (KELVIN SIGN, LONG S...)."""
    folded = unicodedata.normalize("NFKC", ch)
    return not ch.isascii() and folded.isascii() and folded.isalpha()


def rust_str(s: str) -> str:
    """A Rust string literal for s: printable text kept (Korean stays readable), the rest escaped."""
    out = ['"']
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch.isprintable() and not confusable(ch):
            out.append(ch)
        else:
            out.append("\\u{%x}" % ord(ch))
    out.append('"')
    return "".join(out)


def rust_bytes(b: bytes) -> str:
    """A Rust byte-string literal for b."""
    out = ['b"']
    for c in b:
        ch = chr(c)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif 0x20 <= c < 0x7F:
            out.append(ch)
        else:
            out.append("\\x%02x" % c)
    out.append('"')
    return "".join(out)
