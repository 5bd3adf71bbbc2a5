#!/usr/bin/env bash
# Desktop E2E: start tauri-driver (which starts WebKitWebDriver and, per session, the app), run
# the node:test suites here against it, stop the driver. Leaves no process behind.
#
# Run it inside a throwaway desktop session, which gives it a display, a session bus with an
# unlocked keychain and scratch HOME/XDG/RAMPART_* dirs:   scripts/desktop.sh e2e
# Needs: the app built with custom-protocol at $TAURI_APP_BINARY (default
# $CARGO_TARGET_DIR/debug/rampart-desktop), the CLI at $RAMPART_CLI (default .../debug/rampart),
# and `npm ci` done here (scripts/deps.sh). Extra arguments go to `node --test`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
export RAMPART_ARTIFACTS="${RAMPART_ARTIFACTS:-$CARGO_TARGET_DIR/artifacts}"
export TAURI_APP_BINARY="${TAURI_APP_BINARY:-$CARGO_TARGET_DIR/debug/rampart-desktop}"
export RAMPART_CLI="${RAMPART_CLI:-$CARGO_TARGET_DIR/debug/rampart}"
# The app picks its first language from the OS locale; the suites start in English and switch
# to Korean themselves.
export LANG=C.UTF-8 LC_ALL=C.UTF-8
# Rampart's own crates log at debug (dependencies at warn), so the secret search in
# console.test.mjs reads every line the app and the CLI can write, not just warnings. The app's
# stderr reaches tauri-driver.log; the CLI's goes to cli-stderr.log (lib/cli.mjs).
export RAMPART_LOG="${RAMPART_LOG:-warn,rampart=debug,rampart_cli=debug,rampart_core=debug,rampart_store=debug,rampart_console=debug,rampart_desktop=debug}"
out="$RAMPART_ARTIFACTS/e2e"
mkdir -p "$out"
rm -f "$out"/*.png "$out"/tauri-driver.log "$out"/cli-stderr.log # this run's artifacts only

for f in "$TAURI_APP_BINARY" "$RAMPART_CLI"; do
  [ -x "$f" ] || { echo "e2e: $f is missing: build it first (scripts/test.sh does)" >&2; exit 1; }
done
[ -n "${DISPLAY:-}" ] || { echo "e2e: no DISPLAY: run through scripts/desktop.sh e2e" >&2; exit 1; }
# tauri-driver: the prebuilt one from npm (tauri-driver.cjs), or any other on $TAURI_DRIVER
# (e.g. ~/.cargo/bin/tauri-driver from `cargo install tauri-driver`).
if [ -n "${TAURI_DRIVER:-}" ]; then
  driver=("$TAURI_DRIVER")
else
  [ -d "$here/node_modules/@crabnebula/tauri-driver-linux-x64-gnu" ] ||
    { echo "e2e: tauri-driver is not installed: run scripts/deps.sh" >&2; exit 1; }
  driver=(node "$here/tauri-driver.cjs")
fi

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# Free ports unless fixed: two runs (two clones) on one machine must not meet on 4444/4445.
export TAURI_DRIVER_PORT="${TAURI_DRIVER_PORT:-$(free_port)}"
native_port="${TAURI_DRIVER_NATIVE_PORT:-$(free_port)}"

# The driver in its own process group (setsid), so stopping the group also stops
# WebKitWebDriver and an app a crashed test left open.
setsid "${driver[@]}" --port "$TAURI_DRIVER_PORT" --native-port "$native_port" >"$out/tauri-driver.log" 2>&1 &
drv=$!
stop_driver() {
  kill -TERM -- "-$drv" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 -- "-$drv" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$drv" 2>/dev/null || true
  wait "$drv" 2>/dev/null || true
}
trap stop_driver EXIT
trap 'exit 130' INT TERM

for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT") 2>/dev/null && break
  kill -0 "$drv" 2>/dev/null || { echo "e2e: tauri-driver exited:" >&2; cat "$out/tauri-driver.log" >&2; exit 1; }
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$TAURI_DRIVER_PORT") 2>/dev/null ||
  { echo "e2e: tauri-driver not listening on $TAURI_DRIVER_PORT after 10 s" >&2; exit 1; }

cd "$here"
# One file at a time: the suites share the app binary, the data dir and the keychain.
# Spec output for people; the closing "ℹ pass N" lines are what scripts/test.sh adds up.
status=0
node --test --test-concurrency=1 --test-reporter=spec "$@" || status=$?
echo "e2e: screenshots and driver log in $out"
exit "$status"
