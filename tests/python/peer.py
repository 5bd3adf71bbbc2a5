#!/usr/bin/env python3
"""Rampart's Python peer: runs the seed service's own code (tests/python/seed/, copied from
shared/seed/000_745aa4d756e45f8d.txt) against a Redis, so Rust tests can check byte-level
compatibility both ways.

Usage: python tests/python/peer.py --redis URL <command> [args]   (see tests/python/README.md)

* Every command prints exactly ONE JSON object on stdout (ASCII, `\\uXXXX` escapes) and nothing
  else; the seed's logging goes to stderr.
* Secrets (passwords, plaintexts, blobs) are read from STDIN, never argv. For password and
  plaintext input a single trailing "\\n" (or "\\r\\n") is removed; nothing else is touched.
* Exit codes: 0 = result printed (this includes `get-user`, `refresh` and `validate-api-key`,
  which report the seed's exceptions in an "error" key); 1 = the seed raised, printed as
  {"error": "<ExceptionType>: <message>"}; 2 = bad command line (argparse).
"""
import argparse
import asyncio
import base64
import functools
import json
import math
import os
import sys

sys.dont_write_bytecode = True  # keep tests/python free of __pycache__
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import seed  # noqa: E402,F401  (puts the fastapi/elasticsearch/qrcode shims on sys.path)
from seed import api_security, audit_service, auth_service, encryption_service  # noqa: E402
from seed import key_management, mfa_service  # noqa: E402
from fastapi import HTTPException, Request  # noqa: E402  (the shim)

import jwt  # noqa: E402
import pyotp  # noqa: E402
import redis  # noqa: E402


class PeerError(Exception):
    """A usage problem detected by the peer itself (not raised by the seed)."""


# ----------------------------------------------------------------------------- helpers


def _err(e):
    return f"{type(e).__name__}: {e}"


def _stdin_text(strip_newline=True):
    data = sys.stdin.buffer.read().decode("utf-8")
    if strip_newline:
        if data.endswith("\r\n"):
            data = data[:-2]
        elif data.endswith("\n"):
            data = data[:-1]
    return data


def _iso(dt):
    return dt.isoformat() if dt is not None else None


def _user_dict(user_id, user):
    if user is None:
        return {"found": False, "id": user_id, "email": None, "username": None, "role": None,
                "permissions": None, "is_active": None, "mfa_enabled": None,
                "last_login": None, "created_at": None}
    return {
        "found": True,
        "id": user.id,
        "email": user.email,
        "username": user.username,
        "role": user.role.value,
        "permissions": [p.value for p in user.permissions],
        "is_active": user.is_active,
        "mfa_enabled": user.mfa_enabled,
        "last_login": _iso(user.last_login),
        "created_at": _iso(user.created_at),
    }


def _key_dict(key):
    if key is None:
        return None
    return {
        "key_id": key.key_id,
        "key_data_b64": base64.b64encode(key.key_data).decode("ascii"),
        "algorithm": key.algorithm,
        "created_at": _iso(key.created_at),
        "expires_at": _iso(key.expires_at),
        "is_active": key.is_active,
        "purpose": key.purpose,
    }


def _json_float(x):
    if x is None:
        return None
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)  # "nan" / "inf" / "-inf": not representable in JSON
    return x


def _request(ip=None, headers=None):
    # The IP goes in as the socket peer so `_get_client_ip` returns it verbatim
    # (no X-Forwarded-For split/strip).
    return Request(headers=headers or {}, client_host=ip if ip is not None else "127.0.0.1")


def _url(args):
    if not getattr(args, "redis", None):
        raise PeerError("--redis URL is required for this command")
    return args.redis


def _auth(args):
    return auth_service.AuthenticationService(_url(args))


def _mfa(args):
    # MFAService.disable_mfa calls `AuthenticationService()` (default localhost URL). Rebind the
    # module global so that call uses --redis; the method body itself is unchanged.
    mfa_service.AuthenticationService = functools.partial(auth_service.AuthenticationService, _url(args))
    return mfa_service.MFAService(_url(args))


def _kms(args):
    return key_management.KeyManagementService(_url(args))


def _load_user(auth, user_id):
    user = asyncio.run(auth._get_user_by_id(user_id))
    if user is None:
        raise PeerError(f"no user:{user_id}")
    return user


# ----------------------------------------------------------------------------- auth


def cmd_register_user(args):
    auth = _auth(args)
    password = _stdin_text()
    user = asyncio.run(auth.register_user(args.email, password, args.username,
                                          auth_service.UserRole(args.role)))
    return {"user_id": user.id}


def cmd_get_user(args):
    auth = _auth(args)
    try:
        user = asyncio.run(auth._get_user_by_id(args.id))
    except Exception as e:  # the seed's reader raising = "unreadable user"
        return {"error": _err(e)}
    return _user_dict(args.id, user)


def cmd_authenticate(args):
    auth = _auth(args)
    password = _stdin_text()
    user = asyncio.run(auth.authenticate_user(args.email, password))
    return {"ok": user is not None, "user_id": user.id if user is not None else None}


def cmd_touch_login(args):
    asyncio.run(_auth(args)._update_user_last_login(args.id))
    return {}


def cmd_create_refresh(args):
    auth = _auth(args)
    user = _load_user(auth, args.id)
    token = asyncio.run(auth.create_refresh_token(user))
    payload = jwt.decode(token, options={"verify_signature": False})
    return {"jwt": token, "token_id": payload["token_id"]}


def cmd_refresh(args):
    auth = _auth(args)
    try:
        access = asyncio.run(auth.refresh_access_token(args.jwt))
    except HTTPException as e:
        return {"ok": False, "error": e.detail, "status": e.status_code}
    except Exception as e:
        return {"ok": False, "error": _err(e)}
    return {"ok": True, "access_jwt": access}


def cmd_revoke(args):
    asyncio.run(_auth(args).revoke_refresh_token(args.jwt))
    return {}


def cmd_verify_token(args):
    user = asyncio.run(_auth(args).verify_token(args.jwt))
    return {"user_id": user.id if user is not None else None}


# ----------------------------------------------------------------------------- MFA


def cmd_setup_mfa(args):
    mfa = _mfa(args)
    res = asyncio.run(mfa.setup_mfa(args.id))
    # The same expression setup_mfa uses to build the URI it puts in the QR code.
    uri = pyotp.totp.TOTP(res["secret_key"]).provisioning_uri(
        name=f"user_{args.id}", issuer_name=mfa.issuer_name)
    return {"secret_key": res["secret_key"], "backup_codes": res["backup_codes"],
            "qr_code_prefix": res["qr_code"][:33], "uri": uri}


def cmd_enable_mfa(args):
    return {"ok": asyncio.run(_mfa(args).verify_and_enable_mfa(args.id, args.code))}


def cmd_verify_mfa(args):
    return {"ok": asyncio.run(_mfa(args).verify_mfa_code(args.id, args.code))}


def cmd_regen_backup(args):
    return {"codes": asyncio.run(_mfa(args).regenerate_backup_codes(args.id))}


def cmd_disable_mfa(args):
    mfa = _mfa(args)
    password = _stdin_text()
    return {"ok": asyncio.run(mfa.disable_mfa(args.id, password))}


def cmd_totp_now(args):
    totp = pyotp.TOTP(args.secret)
    code = totp.now() if args.at is None else totp.at(args.at)
    return {"code": code}


# ----------------------------------------------------------------------------- API security


def cmd_validate_api_key(args):
    mw = api_security.APISecurityMiddleware(_url(args))
    try:
        result = asyncio.run(mw.validate_api_key(_request(headers={"X-API-Key": args.key})))
    except Exception as e:
        return {"result": None, "error": _err(e)}
    return {"result": result}


def cmd_rate_limit(args):
    mw = api_security.APISecurityMiddleware(_url(args))
    return {"allowed": asyncio.run(mw.check_rate_limit(_request(args.ip), args.type))}


def cmd_ip_reputation(args):
    mw = api_security.APISecurityMiddleware(_url(args))
    seen = []
    original = mw._get_ip_reputation

    async def recording(ip):
        score = await original(ip)
        seen.append(score)
        return score

    mw._get_ip_reputation = recording  # observe the value check_ip_reputation used
    allowed = asyncio.run(mw.check_ip_reputation(_request(args.ip)))
    return {"score": _json_float(seen[0]) if seen else None, "blocked": not allowed}


# ----------------------------------------------------------------------------- audit


def _audit(args):
    return audit_service.AuditService(_url(args))


def cmd_log_event(args):
    audit = _audit(args)
    stored = []
    original = audit._store_event_redis

    async def recording(event):
        stored.append(event.event_id)
        return await original(event)

    audit._store_event_redis = recording
    details = json.loads(args.details) if args.details is not None else None
    asyncio.run(audit.log_event(
        event_type=audit_service.AuditEventType(args.type),
        user_id=args.user_id,
        ip_address=args.ip,
        user_agent=args.user_agent,
        action=args.action,
        result=args.result,
        resource=args.resource,
        details=details,
        severity=args.severity,
    ))
    # stored[0] is this event; more ids appear only if _check_security_alerts logged another one.
    return {"event_id": stored[0], "all_event_ids": stored}


def cmd_lock_account(args):
    asyncio.run(_audit(args)._lock_user_account(args.id, args.minutes))
    return {}


def cmd_block_ip(args):
    asyncio.run(_audit(args)._block_ip_address(args.ip, args.minutes))
    return {}


# ----------------------------------------------------------------------------- KMS


def cmd_kms_generate(args):
    return {"key": _key_dict(_kms(args).generate_key(args.purpose, expires_in_days=args.expires_days))}


def cmd_kms_get_active(args):
    return {"key": _key_dict(_kms(args).get_active_key(args.purpose))}


def cmd_kms_get(args):
    return {"key": _key_dict(_kms(args).get_key_by_id(args.key_id))}


def cmd_kms_rotate(args):
    kms = _kms(args)
    logged = []
    original = kms._log_key_rotation

    def recording(old_key_id, new_key_id, purpose):
        logged.append((old_key_id, new_key_id))
        return original(old_key_id, new_key_id, purpose)

    kms._log_key_rotation = recording
    kms.rotate_keys(args.purpose)
    if not logged:  # rotate_keys returned early (pointer to a missing key:)
        return {"key": None, "old_key": None}
    old_id, new_id = logged[0]
    return {"key": _key_dict(kms.get_key_by_id(new_id)), "old_key": _key_dict(kms.get_key_by_id(old_id))}


def cmd_kms_revoke(args):
    kms = _kms(args)
    kms.revoke_key(args.key_id)
    return {"key": _key_dict(kms.get_key_by_id(args.key_id))}


def cmd_kms_cleanup(args):
    kms = _kms(args)
    before = {k.decode("utf-8", "surrogateescape") for k in kms.redis.keys("key:*")}
    kms.cleanup_expired_keys()
    after = {k.decode("utf-8", "surrogateescape") for k in kms.redis.keys("key:*")}
    return {"deleted": sorted(k[len("key:"):] for k in before - after)}


# ----------------------------------------------------------------------------- encryption / PII


def _enc(args):
    return encryption_service.EncryptionService(_url(args))


def cmd_encrypt_field(args):
    return _enc(args).encrypt_sensitive_field(args.field, args.value)


def cmd_decrypt_field(args):
    blob = json.loads(_stdin_text(strip_newline=False))
    return {"value": _enc(args).decrypt_sensitive_field(blob)}


def cmd_encrypt_data(args):
    text = _stdin_text()
    data = json.loads(text) if args.json else text
    return {"encrypted": _enc(args).encrypt_data(data)}


def cmd_decrypt_data(args):
    value = _enc(args).decrypt_data(_stdin_text(strip_newline=False))
    return {"value": value, "type": type(value).__name__}


def cmd_mask(args):
    data = json.loads(_stdin_text(strip_newline=False))
    if not isinstance(data, dict):
        raise PeerError("stdin must be a JSON object")
    # mask_pii_data never touches the EncryptionService; passing None avoids its side effect of
    # creating `encryption_master_key` in Redis.
    pii = encryption_service.PIIManager(None)
    return {"masked": pii.mask_pii_data(data, args.role)}


# ----------------------------------------------------------------------------- raw reads


def cmd_raw_get(args):
    r = redis.from_url(_url(args), decode_responses=False)
    key = args.key.encode("utf-8")
    kind = r.type(key).decode()
    ttl = r.ttl(key)
    if kind == "string":
        raw = r.get(key)
    elif kind == "hash":
        raw = r.hgetall(key)
    elif kind == "list":
        raw = r.lrange(key, 0, -1)
    elif kind == "set":
        raw = sorted(r.smembers(key))
    elif kind == "zset":
        raw = r.zrange(key, 0, -1, withscores=True)
    else:
        return {"type": kind, "value": None, "ttl": ttl, "encoding": None}

    def all_bytes(v):
        if isinstance(v, bytes):
            yield v
        elif isinstance(v, dict):
            for k, x in v.items():
                yield k
                yield x
        else:
            for x in v:
                if isinstance(x, tuple):
                    yield x[0]
                else:
                    yield x

    try:
        for b in all_bytes(raw):
            b.decode("utf-8")
        enc = "utf-8"
    except UnicodeDecodeError:
        enc = "base64"

    def conv(b):
        return b.decode("utf-8") if enc == "utf-8" else base64.b64encode(b).decode("ascii")

    if isinstance(raw, bytes):
        value = conv(raw)
    elif isinstance(raw, dict):
        value = {conv(k): conv(v) for k, v in raw.items()}
    elif kind == "zset":
        value = [[conv(m), s] for m, s in raw]
    else:
        value = [conv(x) for x in raw]
    return {"type": kind, "value": value, "ttl": ttl, "encoding": enc}


# ----------------------------------------------------------------------------- CLI


def build_parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--redis", metavar="URL", default=argparse.SUPPRESS,
                        help="Redis URL, e.g. redis://127.0.0.1:6379/15")

    p = argparse.ArgumentParser(prog="peer.py", description=__doc__.split("\n\n")[0],
                                parents=[common])
    sub = p.add_subparsers(dest="command", required=True, metavar="<command>")

    def cmd(name, fn, help_):
        sp = sub.add_parser(name, parents=[common], help=help_)
        sp.set_defaults(func=fn)
        return sp

    s = cmd("register-user", cmd_register_user, "AuthenticationService.register_user (password on stdin)")
    s.add_argument("--email", required=True)
    s.add_argument("--username", required=True)
    s.add_argument("--role", default="basic_user", choices=[r.value for r in auth_service.UserRole])
    s = cmd("get-user", cmd_get_user, "AuthenticationService._get_user_by_id")
    s.add_argument("--id", required=True)
    s = cmd("authenticate", cmd_authenticate, "AuthenticationService.authenticate_user (password on stdin)")
    s.add_argument("--email", required=True)
    s = cmd("touch-login", cmd_touch_login, "AuthenticationService._update_user_last_login")
    s.add_argument("--id", required=True)
    s = cmd("create-refresh", cmd_create_refresh, "AuthenticationService.create_refresh_token")
    s.add_argument("--id", required=True)
    s = cmd("refresh", cmd_refresh, "AuthenticationService.refresh_access_token")
    s.add_argument("--jwt", required=True)
    s = cmd("revoke", cmd_revoke, "AuthenticationService.revoke_refresh_token")
    s.add_argument("--jwt", required=True)
    s = cmd("verify-token", cmd_verify_token, "AuthenticationService.verify_token")
    s.add_argument("--jwt", required=True)

    s = cmd("setup-mfa", cmd_setup_mfa, "MFAService.setup_mfa")
    s.add_argument("--id", required=True)
    s = cmd("enable-mfa", cmd_enable_mfa, "MFAService.verify_and_enable_mfa")
    s.add_argument("--id", required=True)
    s.add_argument("--code", required=True)
    s = cmd("verify-mfa", cmd_verify_mfa, "MFAService.verify_mfa_code")
    s.add_argument("--id", required=True)
    s.add_argument("--code", required=True)
    s = cmd("regen-backup", cmd_regen_backup, "MFAService.regenerate_backup_codes")
    s.add_argument("--id", required=True)
    s = cmd("disable-mfa", cmd_disable_mfa, "MFAService.disable_mfa (password on stdin)")
    s.add_argument("--id", required=True)
    s = cmd("totp-now", cmd_totp_now, "pyotp.TOTP(secret).now() / .at(EPOCH)")
    s.add_argument("--secret", required=True)
    s.add_argument("--at", type=int, default=None, metavar="EPOCH")

    s = cmd("validate-api-key", cmd_validate_api_key, "APISecurityMiddleware.validate_api_key")
    s.add_argument("--key", required=True)
    s = cmd("rate-limit", cmd_rate_limit, "APISecurityMiddleware.check_rate_limit")
    s.add_argument("--type", required=True)
    s.add_argument("--ip", required=True)
    s = cmd("ip-reputation", cmd_ip_reputation, "APISecurityMiddleware.check_ip_reputation")
    s.add_argument("--ip", required=True)

    s = cmd("log-event", cmd_log_event, "AuditService.log_event (Elasticsearch shim: Redis only)")
    s.add_argument("--type", required=True, choices=[t.value for t in audit_service.AuditEventType])
    s.add_argument("--ip", required=True)
    s.add_argument("--user-id", default=None)
    s.add_argument("--user-agent", default="")
    s.add_argument("--action", required=True)
    s.add_argument("--result", required=True)
    s.add_argument("--resource", default=None)
    s.add_argument("--details", default=None, metavar="JSON")
    s.add_argument("--severity", default="medium")
    s = cmd("lock-account", cmd_lock_account, "AuditService._lock_user_account")
    s.add_argument("--id", required=True)
    s.add_argument("--minutes", type=int, required=True)
    s = cmd("block-ip", cmd_block_ip, "AuditService._block_ip_address")
    s.add_argument("--ip", required=True)
    s.add_argument("--minutes", type=int, required=True)

    s = cmd("kms-generate", cmd_kms_generate, "KeyManagementService.generate_key")
    s.add_argument("--purpose", default="general")
    s.add_argument("--expires-days", type=int, default=None)
    s = cmd("kms-get-active", cmd_kms_get_active, "KeyManagementService.get_active_key")
    s.add_argument("--purpose", default="general")
    s = cmd("kms-get", cmd_kms_get, "KeyManagementService.get_key_by_id")
    s.add_argument("--key-id", required=True)
    s = cmd("kms-rotate", cmd_kms_rotate, "KeyManagementService.rotate_keys")
    s.add_argument("--purpose", default="general")
    s = cmd("kms-revoke", cmd_kms_revoke, "KeyManagementService.revoke_key")
    s.add_argument("--key-id", required=True)
    cmd("kms-cleanup", cmd_kms_cleanup, "KeyManagementService.cleanup_expired_keys")

    s = cmd("encrypt-field", cmd_encrypt_field, "EncryptionService.encrypt_sensitive_field")
    s.add_argument("--field", required=True)
    s.add_argument("--value", required=True)
    cmd("decrypt-field", cmd_decrypt_field, "EncryptionService.decrypt_sensitive_field (blob JSON on stdin)")
    s = cmd("encrypt-data", cmd_encrypt_data, "EncryptionService.encrypt_data (value on stdin)")
    s.add_argument("--json", action="store_true", help="parse stdin as JSON and encrypt that object")
    cmd("decrypt-data", cmd_decrypt_data, "EncryptionService.decrypt_data (base64 blob on stdin)")
    s = cmd("mask", cmd_mask, "PIIManager.mask_pii_data (JSON object on stdin)")
    s.add_argument("--role", required=True)

    s = cmd("raw-get", cmd_raw_get, "TYPE + GET/HGETALL/LRANGE/SMEMBERS/ZRANGE + TTL of one key")
    s.add_argument("--key", required=True)
    return p


def _emit(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=True) + "\n")
    sys.stdout.flush()


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        out = args.func(args)
    except Exception as e:
        _emit({"error": _err(e)})
        return 1
    _emit(out)
    return 0


# ----------------------------------------------------------------------------- appended: lifecycle


def cmd_hammer_login(args):
    """`_update_user_last_login` COUNT times in a row (the service logging the user in while the
    console edits the same hash); returns the last value written."""
    auth = _auth(args)
    for _ in range(args.count):
        asyncio.run(auth._update_user_last_login(args.id))
    return {"last": auth.redis.hget(f"user:{args.id}", "last_login")}


_build_parser_base = build_parser


def build_parser():  # noqa: F811 - extends the parser above without editing it
    p = _build_parser_base()
    sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    s = sub.add_parser("hammer-login", help="_update_user_last_login COUNT times")
    s.add_argument("--redis", metavar="URL", default=argparse.SUPPRESS)
    s.add_argument("--id", required=True)
    s.add_argument("--count", type=int, default=200)
    s.set_defaults(func=cmd_hammer_login)
    return p


if __name__ == "__main__":
    sys.exit(main())

