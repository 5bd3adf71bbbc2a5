#!/usr/bin/env python3
"""Python side of Rampart's benchmark table (same Redis, same data as the Rust side).

Every command prints ONE JSON object: {"op", "n", "seconds", "per_op_us", ...extra counters}.
`seconds` covers only the measured loop (connection setup and fixture preparation excluded).

  scan-users   --redis URL [--pattern 'user:*']   SCAN COUNT 1000 + pipelined HGETALL + decode as
                                                  AuthenticationService._get_user_by_id does
  filter-users --redis URL [--pattern 'user:*']   same, then role == premium_user and not
                                                  mfa_enabled and last_login None/older than 90 d
  fernet-rewrap --n N        Fernet decrypt + re-encrypt of a KMS key record token, N times
  pbkdf2        --n N        PBKDF2-HMAC-SHA256, 100000 iterations (EncryptionService._derive_key)
  bcrypt-hash  [--n 1]       bcrypt.hashpw(pw, bcrypt.gensalt()) (cost 12, as register_user)
"""
import argparse
import base64
import json
import os
import sys
import time
from datetime import datetime, timedelta

sys.dont_write_bytecode = True  # keep tests/python free of __pycache__
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import seed  # noqa: E402,F401
from seed.auth_service import Permission, User, UserRole  # noqa: E402

import bcrypt  # noqa: E402
import redis  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from cryptography.hazmat.backends import default_backend  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.kdf.hkdf import HKDF  # noqa: E402
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC  # noqa: E402


def decode_user(user_id, user_data):
    """The body of AuthenticationService._get_user_by_id after its HGETALL (seed §3.1)."""
    if not user_data:
        return None

    permissions = [
        Permission(perm) for perm in user_data.get('permissions', '').split(',')
    ]

    return User(
        id=user_id,
        email=user_data['email'],
        username=user_data['username'],
        role=UserRole(user_data['role']),
        permissions=permissions,
        is_active=user_data.get('is_active', 'true').lower() == 'true',
        mfa_enabled=user_data.get('mfa_enabled', 'false').lower() == 'true',
        last_login=datetime.fromisoformat(user_data['last_login']) if user_data.get('last_login') else None,
        created_at=datetime.fromisoformat(user_data['created_at']) if user_data.get('created_at') else None
    )


def _result(op, n, seconds, **extra):
    out = {"op": op, "n": n, "seconds": seconds, "per_op_us": (seconds / n * 1e6) if n else None}
    out.update(extra)
    return out


def _client(url, parser):
    """redis-py as the seed runs it (`pure`: its own RESP parser; the seed pins no hiredis) or
    with the optional hiredis C parser (`hiredis`), redis-py's fastest configuration."""
    if parser == "pure":
        from redis._parsers import _RESP2Parser
        return redis.from_url(url, decode_responses=False, parser_class=_RESP2Parser)
    from redis._parsers import _HiredisParser
    return redis.from_url(url, decode_responses=False, parser_class=_HiredisParser)


def _scan_decode(url, pattern, on_user, parser="hiredis"):
    # Raw bytes, decoded per hash below: with decode_responses=True one non-UTF-8 value makes the
    # whole pipelined reply raise. Strict UTF-8 decoding per hash is what the auth service's
    # client (decode_responses=True) does; a failure makes that user unreadable, as in the seed.
    r = _client(url, parser)
    r.ping()
    prefix_len = len("user:")
    decoded = unreadable = vanished = 0
    t0 = time.perf_counter()
    cursor = 0
    while True:
        cursor, keys = r.scan(cursor=cursor, match=pattern, count=1000)
        for i in range(0, len(keys), 1000):
            batch = keys[i:i + 1000]
            pipe = r.pipeline(transaction=False)
            for k in batch:
                pipe.hgetall(k)
            for k, data in zip(batch, pipe.execute(raise_on_error=False)):
                if isinstance(data, Exception):  # e.g. WRONGTYPE, undecodable bytes
                    unreadable += 1
                    continue
                try:
                    data = {f.decode("utf-8"): v.decode("utf-8") for f, v in data.items()}
                    user = decode_user(k.decode("utf-8")[prefix_len:], data)
                except Exception:
                    unreadable += 1
                    continue
                if user is None:
                    vanished += 1
                    continue
                decoded += 1
                on_user(user)
        if cursor == 0:
            break
    return time.perf_counter() - t0, decoded, unreadable, vanished


def cmd_scan_users(args):
    seconds, decoded, unreadable, vanished = _scan_decode(args.redis, args.pattern, lambda u: None, args.parser)
    n = decoded + unreadable
    return _result("scan-users", n, seconds, decoded=decoded, unreadable=unreadable, vanished=vanished)


def cmd_filter_users(args):
    matched = [0]
    incomparable = [0]
    cutoff = datetime.utcnow() - timedelta(days=90)

    def on_user(u):
        try:
            if (u.role == UserRole.PREMIUM_USER and not u.mfa_enabled
                    and (u.last_login is None or u.last_login < cutoff)):
                matched[0] += 1
        except TypeError:  # aware last_login (`Z`/offset) vs naive cutoff, as Python would fail
            incomparable[0] += 1

    seconds, decoded, unreadable, vanished = _scan_decode(args.redis, args.pattern, on_user, args.parser)
    n = decoded + unreadable
    return _result("filter-users", n, seconds, decoded=decoded, unreadable=unreadable,
                   vanished=vanished, matched=matched[0], incomparable=incomparable[0])


def cmd_fernet_rewrap(args):
    env = os.getenv("MASTER_ENCRYPTION_KEY")
    master = base64.b64decode(env) if env else os.urandom(32)
    # Wrapping key derived once (a KMS holding it), exactly as KeyManagementService derives it.
    okm = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"key_management_salt",
               info=b"key_encryption", backend=default_backend()).derive(master)
    f = Fernet(base64.urlsafe_b64encode(okm))
    record = {
        "key_id": "key_" + base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="),
        "key_data": base64.b64encode(os.urandom(32)).decode(),
        "algorithm": "AES-256-GCM",
        "created_at": datetime.utcnow().isoformat(),
        "expires_at": None,
        "is_active": "True",
        "purpose": "general",
    }
    token = f.encrypt(json.dumps(record).encode())
    t0 = time.perf_counter()
    for _ in range(args.n):
        token = f.encrypt(f.decrypt(token))
    seconds = time.perf_counter() - t0
    return _result("fernet-rewrap", args.n, seconds)


def cmd_pbkdf2(args):
    master = os.urandom(32)
    t0 = time.perf_counter()
    for _ in range(args.n):
        PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt="data_encryption".encode(),
                   iterations=100000, backend=default_backend()).derive(master)
    seconds = time.perf_counter() - t0
    return _result("pbkdf2", args.n, seconds)


def cmd_bcrypt_hash(args):
    pw = "correct horse battery staple".encode("utf-8")
    t0 = time.perf_counter()
    for _ in range(args.n):
        bcrypt.hashpw(pw, bcrypt.gensalt())
    seconds = time.perf_counter() - t0
    return _result("bcrypt-hash", args.n, seconds, cost=12)


def main(argv=None):
    p = argparse.ArgumentParser(prog="bench_peer.py", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name, fn in (("scan-users", cmd_scan_users), ("filter-users", cmd_filter_users)):
        s = sub.add_parser(name)
        s.add_argument("--redis", required=True, metavar="URL")
        s.add_argument("--pattern", default="user:*")
        s.add_argument("--parser", choices=["hiredis", "pure"], default="hiredis")
        s.set_defaults(func=fn)
    for name, fn, n in (("fernet-rewrap", cmd_fernet_rewrap, None), ("pbkdf2", cmd_pbkdf2, None),
                        ("bcrypt-hash", cmd_bcrypt_hash, 1)):
        s = sub.add_parser(name)
        s.add_argument("--redis", metavar="URL", help="accepted and ignored (no Redis used)")
        if n is None:
            s.add_argument("--n", type=int, required=True)
        else:
            s.add_argument("--n", type=int, default=n)
        s.set_defaults(func=fn)
    args = p.parse_args(argv)
    print(json.dumps(args.func(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
