#!/usr/bin/env bash
# README command 2: run every test. Installs what it needs (apt packages, the Python peers venv),
# builds once into a target dir shared across clones, then runs formatting, lints and all
# test suites against real servers (see crates/testkit for how servers are found or started).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
export RAMPART_VENV="${RAMPART_VENV:-$HOME/.cache/rampart/venv}"
export RAMPART_PY="$RAMPART_VENV/bin/python"
# Keep WebKit/GTK and any test-created state out of $HOME, and remove it afterwards.
scratch="$(mktemp -d)"
export XDG_DATA_HOME="${XDG_DATA_HOME:-$scratch/data}"
trap 'rm -rf "$scratch"' EXIT

scripts/deps.sh
echo "== format"; cargo fmt --all -- --check
echo "== lint"; cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== tests"
log="$scratch/test.log"
set +e
cargo test --workspace --all-targets --locked "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over every test binary (cargo prints one "test result" line per binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
