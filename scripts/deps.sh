#!/usr/bin/env bash
# Install what building and testing Rampart needs, idempotently: Debian packages (WebKitGTK for the
# Tauri shell, the database servers tests fall back to starting themselves) and the Python peers.
# Safe to run again: it installs only what is missing. Needs root (or sudo) for apt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need=()
dpkg -s libwebkit2gtk-4.1-dev >/dev/null 2>&1 || need+=(libwebkit2gtk-4.1-dev build-essential libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-venv)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "deps: installing ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
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
