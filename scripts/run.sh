#!/usr/bin/env bash
# README command 1: the console on the embedded demo store. The first run seeds a demo store in
# the data dir (deterministic, seed 1); an interrupted seed resumes; later runs reuse it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
scripts/deps.sh
cargo build --release -p rampart-cli --locked
rampart="$CARGO_TARGET_DIR/release/rampart"
db="${RAMPART_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/rampart}/demo.db"
"$rampart" --embedded "$db" demo seed --seed 1
"$rampart" --embedded "$db" status
