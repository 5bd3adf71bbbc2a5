#!/usr/bin/env bash
# Benchmarks against the Python peer on the same Redis and data, printed as a table.
# Usage: scripts/bench.sh [--users N] [--runs N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
export RAMPART_VENV="${RAMPART_VENV:-$HOME/.cache/rampart/venv}"
export RAMPART_PY="$RAMPART_VENV/bin/python"
scripts/deps.sh
cargo run --release --locked -p rampart-bench -- "$@"
