#!/usr/bin/env bash
# Install what building and testing Rampart needs, idempotently: Debian packages (WebKitGTK for the
# Tauri shell, the database servers tests fall back to starting themselves, Xvfb/D-Bus/keyring and
# the WebDriver for the desktop E2E), the Python peers and the npm packages of ui/ and tests/.
# Safe to run again: it installs only what is missing, and is quick when nothing is.
# Needs root (or sudo) for apt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed'; }

need=()
installed libwebkit2gtk-4.1-dev || need+=(libwebkit2gtk-4.1-dev build-essential libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# Desktop run and E2E (docs: shared desktop recipe §2):
#   xvfb + xauth        headless X server and xvfb-run
#   webkit2gtk-driver   WebKitWebDriver, which tauri-driver drives
#   dbus-x11, gnome-keyring, libsecret-tools   a session bus with an unlocked Secret Service (+ secret-tool)
#   imagemagick, x11-utils, xdotool            screenshots (import), window waits (xdotool search --sync)
#   chromium            UI-only tests (tests/ui-mock, playwright-core)
#   fonts-noto-cjk      Hangul renders as boxes without a CJK font
#   oathtool            TOTP codes for the demo operators in a terminal
for p in xvfb xauth webkit2gtk-driver dbus-x11 gnome-keyring libsecret-tools imagemagick \
         x11-utils xdotool chromium fonts-noto-cjk oathtool; do
  installed "$p" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "deps: installing ${need[*]}" >&2
  # Another clone's deps.sh may hold the dpkg lock: wait for it rather than fail.
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${need[@]}" >/dev/null
fi
# rust-toolchain.toml pins the machine's toolchain (1.95.0). No toolchain can be downloaded
# here, so when the machine's `stable` is that version but not linked under its number, link it.
want=$(sed -n 's/^channel = "\(.*\)"/\1/p' "$here/rust-toolchain.toml")
if command -v rustup >/dev/null 2>&1 && ! rustup toolchain list | grep -q "^$want"; then
  if rustc +stable --version 2>/dev/null | grep -q " $want "; then
    rustup toolchain link "$want" "$(rustc +stable --print sysroot)"
  fi
fi
# The Python peers (the service's own libraries) in a venv outside the clone.
"$here/scripts/python-peers.sh" >/dev/null
# npm packages: `npm ci` only when node_modules is missing or older than the lockfile. npm writes
# its own record of what it installed to node_modules/.package-lock.json, so that file's mtime is
# the stamp. A folder without a lockfile yet is skipped. tests/e2e brings tauri-driver
# (@crabnebula/tauri-driver, a prebuilt binary: no `cargo install`).
for dir in ui tests/e2e tests/ui-mock; do
  lock="$here/$dir/package-lock.json"
  [ -f "$lock" ] || continue
  stamp="$here/$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ "$here/$dir/package.json" -nt "$stamp" ]; then
    echo "deps: npm ci in $dir" >&2
    (cd "$here/$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$stamp"
  fi
done
