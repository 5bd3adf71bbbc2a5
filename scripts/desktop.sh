#!/usr/bin/env bash
# Throwaway desktop sessions for the E2E, the keychain tests, the benchmark and headless runs.
#
#   scripts/desktop.sh session [--no-x] [--keep] -- CMD [ARGS...]
#       Run CMD with HOME, XDG_{DATA,CONFIG,CACHE,STATE}_HOME, XDG_RUNTIME_DIR, TMPDIR,
#       RAMPART_DATA_DIR and RAMPART_CONFIG_DIR inside a fresh scratch root (exported as
#       RAMPART_SESSION_ROOT), on a private D-Bus session bus whose Secret Service (gnome-keyring,
#       login keyring, password "test") is unlocked, and on an Xvfb display (xvfb-run -a, 1280x800)
#       unless --no-x. The scratch root is removed afterwards unless --keep. Exit status: CMD's.
#   scripts/desktop.sh e2e [NODE_TEST_ARGS...]
#       tests/e2e/run.sh in such a session. Unless TAURI_APP_BINARY names an app to test, first
#       builds the UI, the CLI and the app (tauri/custom-protocol) and tests a private copy
#       (a plain `cargo build` elsewhere replaces target/debug/rampart-desktop with a build that
#       loads the dev server URL).
#
# Why: without a session bus GTK autolaunches dbus-launch and at-spi daemons that outlive the app,
# and WebKit/GTK write caches under $HOME (shared desktop recipe, P5). dbus-run-session stops the
# bus when CMD exits, gnome-keyring-daemon exits with the bus, xvfb-run stops Xvfb: nothing is
# left running.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Processes of a session carry its root in their environment. The bus, keyring daemon and Xvfb
# exit on their own within a moment of the session's end; wait for that, and stop whatever of
# ours is still there after 10 s (an app or driver a crashed test left behind).
session_pids() {
  grep -lzxF "RAMPART_SESSION_ROOT=$1" /proc/[0-9]*/environ 2>/dev/null \
    | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | grep -vx "$$" || true
}
reap() {
  local root="$1" pids i
  for i in $(seq 50); do
    pids=$(session_pids "$root")
    [ -z "$pids" ] && return 0
    sleep 0.2
  done
  echo "desktop.sh: stopping leftover session processes: $(echo $pids)" >&2
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  sleep 1
  pids=$(session_pids "$root")
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}

session() {
  local x=1 keep=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --no-x) x=0 ;;
      --keep) keep=1 ;;
      --) shift; break ;;
      *) echo "desktop.sh session: unknown option $1" >&2; return 2 ;;
    esac
    shift
  done
  [ $# -gt 0 ] || { echo "desktop.sh session: no command" >&2; return 2; }
  local root
  root="$(mktemp -d "${TMPDIR:-/tmp}/rampart-session.XXXXXX")"
  # cargo and rustup find their homes through $HOME unless told: pin them before HOME moves.
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
  export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
  # The project's own defaults under $HOME too (the shared target dir, the Python peers).
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
  export RAMPART_VENV="${RAMPART_VENV:-$HOME/.cache/rampart/venv}"
  mkdir -p "$root"/{home,data,config,cache,state,tmp,rampart-data,rampart-config}
  mkdir -m 0700 "$root/run"
  local status=0
  # Everything about the session is in the environment of this subshell only.
  (
    export RAMPART_SESSION_ROOT="$root" HOME="$root/home" TMPDIR="$root/tmp" \
      XDG_DATA_HOME="$root/data" XDG_CONFIG_HOME="$root/config" XDG_CACHE_HOME="$root/cache" \
      XDG_STATE_HOME="$root/state" XDG_RUNTIME_DIR="$root/run" \
      RAMPART_DATA_DIR="$root/rampart-data" RAMPART_CONFIG_DIR="$root/rampart-config"
    unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY
    [ "$x" = 1 ] && unset DISPLAY
    exec dbus-run-session -- bash -c '
      # --unlock creates the login keyring (the default collection) with this password on first
      # use; the daemon forks into the background and exits when the bus goes away.
      printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
      if [ "$0" = 1 ]; then
        exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$@"
      fi
      exec "$@"' "$x" "$@"
  ) || status=$?
  reap "$root"
  if [ "$keep" = 1 ]; then echo "desktop.sh: kept $root" >&2; else rm -rf "$root"; fi
  return "$status"
}

case "${1:-}" in
  session) shift; session "$@" ;;
  e2e)
    shift
    if [ -z "${TAURI_APP_BINARY:-}" ]; then
      export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
      (cd "$here" && npm --prefix ui run build >/dev/null &&
        cargo build --workspace --bins --locked --features tauri/custom-protocol)
      bin="$(mktemp -d)"
      trap 'rm -rf "$bin"' EXIT
      cp "$CARGO_TARGET_DIR/debug/rampart-desktop" "$CARGO_TARGET_DIR/debug/rampart" "$bin/"
      export TAURI_APP_BINARY="$bin/rampart-desktop" RAMPART_CLI="${RAMPART_CLI:-$bin/rampart}"
    fi
    session -- "$here/tests/e2e/run.sh" "$@"
    ;;
  *) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
