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
# Keep WebKit/GTK and any test-created state out of $HOME.
export XDG_DATA_HOME="${XDG_DATA_HOME:-$(mktemp -d)}"

scripts/deps.sh
echo "== format"; cargo fmt --all -- --check
echo "== lint"; cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== tests"; cargo test --workspace --locked "$@"
