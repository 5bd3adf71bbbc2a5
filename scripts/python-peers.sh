#!/usr/bin/env bash
# Prepare the Python peer used by Rampart's Rust tests and benchmarks (tests/python/).
#
# Idempotent and non-interactive (works as root, with no stdin, in CI):
#   * creates the venv at ${RAMPART_VENV:-$HOME/.cache/rampart/venv} with ${RAMPART_PYTHON:-python3}
#     when it is missing or its interpreter no longer runs;
#   * pip-installs tests/python/requirements.txt (quietly, from PyPI) when the venv is new or the
#     requirements changed since the last successful install (sha256 kept in the venv);
#   * prints the venv's python path as the LAST line of stdout (everything else goes to stderr).
# Concurrent runs are serialised with flock when it is available.
# RAMPART_VENV_RECREATE=1 wipes and rebuilds the venv from scratch.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
req="$root/tests/python/requirements.txt"
venv="${RAMPART_VENV:-${HOME:-/root}/.cache/rampart/venv}"
base_python="${RAMPART_PYTHON:-python3}"
stamp="$venv/.rampart-requirements.sha256"
py="$venv/bin/python"

log() { printf 'python-peers: %s\n' "$*" >&2; }

[ -f "$req" ] || { log "missing $req"; exit 1; }
mkdir -p "$(dirname "$venv")"

# Serialise concurrent callers (parallel test binaries) on a lock next to the venv.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$venv.lock"
    flock 9
fi

if command -v sha256sum >/dev/null 2>&1; then
    want="$(sha256sum "$req" | cut -d' ' -f1)"
else
    want="$("$base_python" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$req")"
fi

if [ "${RAMPART_VENV_RECREATE:-0}" = "1" ] && [ -d "$venv" ]; then
    log "RAMPART_VENV_RECREATE=1: removing $venv"
    rm -rf -- "$venv"
fi

if ! { [ -x "$py" ] && "$py" -c 'import sys' </dev/null >/dev/null 2>&1; }; then
    command -v "$base_python" >/dev/null 2>&1 || { log "$base_python not found (set RAMPART_PYTHON)"; exit 1; }
    log "creating venv $venv with $("$base_python" --version 2>&1)"
    "$base_python" -m venv --clear "$venv" </dev/null >&2
    rm -f -- "$stamp"
fi

have="$(cat "$stamp" 2>/dev/null || true)"
if [ "$have" != "$want" ]; then
    log "installing $req into $venv"
    PIP_ROOT_USER_ACTION=ignore PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$py" -m pip install --quiet --no-input --disable-pip-version-check -r "$req" </dev/null >&2
    printf '%s\n' "$want" >"$stamp.tmp"
    mv -f -- "$stamp.tmp" "$stamp"
fi

printf '%s\n' "$py"
