#!/usr/bin/env bash
# README command 1: the desktop console on the embedded demo store.
#
# Installs what is missing (scripts/deps.sh), builds the UI and the desktop app, seeds the demo
# store in the default data dir on first run (deterministic, seed 1; an interrupted seed
# resumes), prints the demo operator accounts and opens the console.
#
#   RAMPART_DATA_DIR     data dir (default $XDG_DATA_HOME/rampart, i.e. ~/.local/share/rampart);
#                        the default profile's store is <data dir>/rampart.db
#   RAMPART_HEADLESS=1   no display: run the console under Xvfb in a throwaway session, save a
#                        screenshot of its first screen ($RAMPART_SCREENSHOT, default
#                        $CARGO_TARGET_DIR/artifacts/run/console.png) and stop
#
# The build is the debug profile with tauri/custom-protocol (the UI embedded, as in a release):
# the dependencies are compiled at opt-level 2 even in debug (root Cargo.toml), so the console
# is responsive, and it is the same build scripts/test.sh makes for its E2E stage, so after the
# tests this costs nothing. A release build (fat link, LTO) adds minutes on a 2-core machine
# and every rebuild re-links for over a minute.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
app="$CARGO_TARGET_DIR/debug/rampart-desktop"
cli="$CARGO_TARGET_DIR/debug/rampart"
data_dir="${RAMPART_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/rampart}"
db="$data_dir/rampart.db"

# Where the console will show up, decided before minutes of building.
if [ -n "${WAYLAND_DISPLAY:-}" ]; then
  mode=window
elif [ -n "${DISPLAY:-}" ] && { ! command -v xdpyinfo >/dev/null 2>&1 || xdpyinfo >/dev/null 2>&1; }; then
  mode=window
elif [ "${RAMPART_HEADLESS:-0}" = 1 ]; then
  mode=headless
else
  cat >&2 <<MSG
run.sh: no display to open the console on (DISPLAY=${DISPLAY:-unset}, WAYLAND_DISPLAY=${WAYLAND_DISPLAY:-unset}).
  Run it in a desktop session (X11 or Wayland) or over ssh -X, or start it under Xvfb and
  save a screenshot of its first screen with:   RAMPART_HEADLESS=1 scripts/run.sh
MSG
  exit 2
fi

echo "== dependencies"
scripts/deps.sh
echo "== build: UI, CLI, desktop app (debug, tauri/custom-protocol)"
npm --prefix ui run build
# Without custom-protocol the app would load the Vite dev server URL instead of ui/dist.
# --workspace (not -p): the same feature resolution, so the same artifacts, as scripts/test.sh.
cargo build --workspace --bins --locked --features tauri/custom-protocol

# Seed when the store has no users, or when a demo seed was interrupted (the checkpoint of the
# same plan makes `demo seed` continue where it stopped). A store with users and no demo
# checkpoint is someone's real data: it is left alone.
store_state() {
  [ -s "$db" ] || { echo empty; return; }
  sqlite3 -readonly "$db" \
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM kv WHERE key = 'rampart:demo:checkpoint') THEN 'demo'
                 WHEN EXISTS (SELECT 1 FROM kv WHERE key GLOB 'user:*') THEN 'users'
                 ELSE 'empty' END" 2>/dev/null || echo empty
}
state="$(store_state)"
if [ "$state" != users ]; then
  mkdir -p "$data_dir"
  if [ "$state" = demo ]; then
    echo "== demo data: $db holds a demo seed; \`demo seed\` continues it if it was interrupted"
  else
    echo "== demo data: seeding $db (10,000 users, 1,000,000 audit events, 5,000 PII records; resumable)"
  fi
  start=$SECONDS
  # Progress ("phase: done/total") goes to the terminal on stderr.
  "$cli" --embedded "$db" demo seed --seed 1
  echo "   done in $((SECONDS - start)) s"
else
  echo "== demo data: $db already has users; not seeding"
fi

cat <<'MSG'
== demo operator accounts (password for all: Rampart-demo-2026)
   officer@rampart.demo     security_officer   TOTP secret RAMPARTDEMOSECURITYOFFICER234567
   auditor@rampart.demo     auditor            TOTP secret RAMPARTDEMOAUDITOR22222222222222
   custodian@rampart.demo   key_custodian      TOTP secret RAMPARTDEMOKEYCUSTODIAN333333333
   admin@rampart.demo       console_admin      TOTP secret RAMPARTDEMOCONSOLEADMIN444444444
   The 6-digit code: add the secret to an authenticator app, or in a terminal
     oathtool --totp -b RAMPARTDEMOSECURITYOFFICER234567
   (a code is accepted once per 30 s step; wait for the next one to sign in again)
MSG

if [ "$mode" = window ]; then
  echo "== opening the console ($app)"
  exec "$app"
fi

# Headless: Xvfb in a throwaway session (its own HOME and keychain), on the data dir seeded above.
shot="${RAMPART_SCREENSHOT:-$CARGO_TARGET_DIR/artifacts/run/console.png}"
mkdir -p "$(dirname "$shot")"
echo "== headless: starting the console under Xvfb; screenshot -> $shot"
RUN_APP="$app" RUN_DATA_DIR="$data_dir" RUN_SHOT="$shot" scripts/desktop.sh session -- bash -c '
  export RAMPART_DATA_DIR="$RUN_DATA_DIR" RAMPART_READY_FILE="$RAMPART_SESSION_ROOT/ready"
  "$RUN_APP" >"$RAMPART_SESSION_ROOT/app.log" 2>&1 &
  app=$!
  for _ in $(seq 600); do [ -s "$RAMPART_READY_FILE" ] && break; kill -0 $app 2>/dev/null || break; sleep 0.1; done
  status=0
  if [ -s "$RAMPART_READY_FILE" ]; then
    sleep 2 # the default profile connects after the first paint
    import -window root "$RUN_SHOT" && echo "   first screen painted; screenshot saved" || status=1
  else
    echo "run.sh: the console did not paint its first screen within 60 s; its log:" >&2
    cat "$RAMPART_SESSION_ROOT/app.log" >&2
    status=1
  fi
  kill $app 2>/dev/null; wait $app 2>/dev/null
  exit $status'
