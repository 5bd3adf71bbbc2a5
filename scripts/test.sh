#!/usr/bin/env bash
# README command 2: run every test. Installs what it needs (apt packages, the Python peers venv,
# npm packages), builds once into a target dir shared across clones, then runs, in order:
#   ui-build              the UI's typecheck + bundle (ui/dist, which the Rust build embeds:
#                         tauri's generate_context! reads it, so it comes before any cargo build)
#   format, lint          cargo fmt --check, clippy -D warnings
#   cargo-tests           unit, contract (every backend), interop (Python peers), CLI
#   ui-mock               the UI against a mocked IPC in headless chromium (tests/ui-mock)
#   desktop-build         the CLI and the desktop app with tauri/custom-protocol (the E2E binary)
#   keychain              Rust tests against a real Secret Service (gnome-keyring in a private
#                         D-Bus session)
#   e2e                   the real app under Xvfb through tauri-driver (tests/e2e)
# A failed stage fails the script, but later stages still run unless they need its output
# (e2e needs desktop-build, desktop-build needs ui-build), so one run shows everything.
# The last line adds up every stage: `tests: N passed, N failed, N skipped`. A stage that fails
# without reporting a failed test (a build, lint or crash) counts as one failed; a stage skipped
# because a stage it needs failed counts as one skipped. Extra arguments go to `cargo test`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
export RAMPART_VENV="${RAMPART_VENV:-$HOME/.cache/rampart/venv}"
export RAMPART_PY="$RAMPART_VENV/bin/python"
export RAMPART_ARTIFACTS="${RAMPART_ARTIFACTS:-$CARGO_TARGET_DIR/artifacts}"
# Keep WebKit/GTK and any test-created state out of $HOME, and remove it afterwards. The
# desktop stages get a whole throwaway session each (scripts/desktop.sh).
scratch="$(mktemp -d)"
export XDG_DATA_HOME="${XDG_DATA_HOME:-$scratch/data}"
trap 'rm -rf "$scratch"' EXIT

scripts/deps.sh

results="$scratch/results" # one line per stage: name status passed failed skipped seconds
: >"$results"

# Test counts in a stage's log: cargo's per-binary "test result:" lines and node --test's
# closing summary ("# pass N" with the TAP reporter, "ℹ pass N" with spec). Cancelled node
# tests count as failed, todo as skipped.
count() {
  awk '
    /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
    /^(# |ℹ )(pass|fail|cancelled|skipped|todo) [0-9]+$/ {
      n = $NF; k = $(NF-1)
      if (k == "pass") p += n; else if (k == "fail" || k == "cancelled") f += n; else s += n
    }
    END { printf "%d %d %d\n", p, f, s }' "$1"
}

# stage NAME CMD...: run CMD with its output on the terminal and in NAME's log, and record it.
stage() {
  local name="$1" status=0 start=$SECONDS p f s
  shift
  echo "== $name"
  "$@" 2>&1 | tee "$scratch/$name.log" || status=${PIPESTATUS[0]}
  read -r p f s < <(count "$scratch/$name.log")
  if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "$name $([ "$status" -eq 0 ] && echo ok || echo FAILED) $p $f $s $((SECONDS - start))" >>"$results"
  return 0
}
skip() { echo "== $1: skipped ($2)"; echo "$1 skipped 0 0 1 0" >>"$results"; }
passed() { grep -q "^$1 ok " "$results"; }

stage ui-build npm --prefix ui run build
stage format cargo fmt --all -- --check
stage lint cargo clippy --workspace --all-targets --locked -- -D warnings
# --no-fail-fast: one failing test binary must not hide the results of the others. The live
# keychain tests are left to the keychain stage (--skip), so they are not also counted as skipped.
cargo_args=("$@")
if printf '%s\n' "${cargo_args[@]}" | grep -qx -- --; then cargo_args+=(--skip keychain_live)
else cargo_args+=(-- --skip keychain_live); fi
stage cargo-tests cargo test --workspace --all-targets --locked --no-fail-fast "${cargo_args[@]}"
# In a throwaway session too: the reaper stops any Vite server or chromium a test left behind.
stage ui-mock scripts/desktop.sh session --no-x -- node --test --test-reporter=spec tests/ui-mock/

# (set -e does not apply inside a function run on the left of `||`, as stage runs it: every
# step says what happens when it fails.)
desktop_build() {
  # Without custom-protocol the app loads the dev server URL instead of the embedded ui/dist.
  # --workspace, not -p: the dependencies then resolve to the same features as in the test
  # build above and are reused; only tauri and the desktop crate compile again (a cold
  # `-p rampart-cli` alone recompiled for 5 minutes).
  cargo build --workspace --bins --locked --features tauri/custom-protocol || return
  # A private copy: any plain `cargo build`/`cargo test` in the shared target dir (another
  # clone) overwrites target/debug/rampart-desktop with a dev-URL build.
  mkdir -p "$scratch/bin" &&
    cp "$CARGO_TARGET_DIR/debug/rampart-desktop" "$CARGO_TARGET_DIR/debug/rampart" "$scratch/bin/"
}
if passed ui-build; then stage desktop-build desktop_build; else skip desktop-build "ui-build failed"; fi

# KEYCHAIN STAGE: the Rust side's live keychain tests are #[ignore]d (they need a Secret
# Service) and named `keychain_live*`; here they get one, in a private D-Bus session.
stage keychain scripts/desktop.sh session --no-x -- \
  cargo test --workspace --all-targets --locked --no-fail-fast -- --ignored keychain_live

if passed desktop-build; then
  stage e2e env TAURI_APP_BINARY="$scratch/bin/rampart-desktop" RAMPART_CLI="$scratch/bin/rampart" \
    scripts/desktop.sh e2e
else
  skip e2e "desktop-build did not pass"
fi

echo "== summary"
awk '{ printf "  %-14s %-8s %5d passed %4d failed %4d skipped  %4ds\n", $1, $2, $3, $4, $5, $6 }' "$results"
awk '{ p += $3; f += $4; s += $5 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$results"
if grep -q " FAILED " "$results"; then exit 1; fi
