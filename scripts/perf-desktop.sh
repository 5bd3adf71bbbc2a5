#!/usr/bin/env bash
# Desktop startup and idle-memory benchmark: Rampart against a bare Tauri 2 hello-world
# (tests/perf/hello) built the same way (release, tauri/custom-protocol, same tauri and profile).
#
#   scripts/perf-desktop.sh [--runs N] [--no-build]
#
# For each app, N launches (default 5, alternating the two apps so drift hits both alike), all
# in one Xvfb + D-Bus session (scripts/desktop.sh), each launch with a fresh HOME/XDG/config dir:
#   cold start  = epoch ms the app writes to $RAMPART_READY_FILE after its first paint (Rampart's
#                 `ui_ready`, the hello-world's `ready`) - epoch ms just before exec
#   idle memory = sum of PSS (/proc/PID/smaps_rollup) over the app and all its descendants
#                 (WebKitWebProcess, WebKitNetworkProcess, ...) 5 s after that first paint
# Rampart runs on a seeded demo store (the default plan), so its first frame is the sign-in
# screen. Prints a markdown table (median, min, max; ratio to hello-world; the bar is <= 1.5x)
# and writes it to $RAMPART_ARTIFACTS/perf/desktop.md. Not part of scripts/test.sh (slow:
# release builds plus about 2 x N x 8 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
export RAMPART_ARTIFACTS="${RAMPART_ARTIFACTS:-$CARGO_TARGET_DIR/artifacts}"
IDLE_S="${RAMPART_PERF_IDLE_S:-5}"
BAR="1.5"

# ---------------------------------------------------------------------------------------------
# Inside the session: measure. Arguments: runs, out dir, store dir, then app name=binary pairs.
if [ "${1:-}" = "--measure" ]; then
  runs="$2" out="$3" store="$4"
  shift 4
  raw="$out/raw.tsv"
  : >"$raw"
  descendants() { # PID and every process below it, by parent pid
    local all
    all=$(ps -e -o pid=,ppid=)
    awk -v root="$1" '{ kids[$2] = kids[$2] " " $1 }
      END { q[1] = root; n = 1; for (i = 1; i <= n; i++) { print q[i]; m = split(kids[q[i]], k, " ");
            for (j = 1; j <= m; j++) q[++n] = k[j] } }' <<<"$all"
  }
  pss_kb() { # sum of Pss over the given pids (kB)
    local total=0 v p
    for p in "$@"; do
      v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
      total=$((total + ${v:-0}))
    done
    echo "$total"
  }
  for i in $(seq "$runs"); do
    for pair in "$@"; do
      name="${pair%%=*}" bin="${pair#*=}"
      run="$RAMPART_SESSION_ROOT/runs/$name-$i"
      mkdir -p "$run"/{home,data,config,cache,state,tmp,rampart-config}
      ready="$run/ready"
      (
        export HOME="$run/home" XDG_DATA_HOME="$run/data" XDG_CONFIG_HOME="$run/config" \
          XDG_CACHE_HOME="$run/cache" XDG_STATE_HOME="$run/state" TMPDIR="$run/tmp" \
          RAMPART_CONFIG_DIR="$run/rampart-config" RAMPART_DATA_DIR="$store" \
          RAMPART_READY_FILE="$ready"
        printf '%s' "${EPOCHREALTIME/./}" >"$run/launch-us"
        # Its own process group, so the app and its helpers stop together afterwards.
        exec setsid "$bin" >"$run/app.log" 2>&1
      ) &
      app=$!
      for _ in $(seq 600); do [ -s "$ready" ] && break; kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
      if [ ! -s "$ready" ]; then
        echo "perf: $name run $i never wrote $ready; its log:" >&2
        cat "$run/app.log" >&2
        kill -KILL -- "-$app" 2>/dev/null || true
        exit 1
      fi
      sleep "$IDLE_S"
      mapfile -t pids < <(descendants "$app")
      kb=$(pss_kb "${pids[@]}")
      start_ms=$(($(cat "$run/launch-us") / 1000))
      cold=$(($(cat "$ready") - start_ms))
      printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$i" "$cold" "$kb" "${#pids[@]}" >>"$raw"
      printf 'perf: %-8s run %d: first paint %5d ms, idle PSS %6s MB over %d processes\n' \
        "$name" "$i" "$cold" "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')" "${#pids[@]}" >&2
      kill -TERM -- "-$app" "${pids[@]}" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$app" "${pids[@]}" 2>/dev/null || true
      wait "$app" 2>/dev/null || true
    done
  done
  exit 0
fi

# ---------------------------------------------------------------------------------------------
runs=5 build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --no-build) build=0 ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift
done

scripts/deps.sh
rampart_bin="$CARGO_TARGET_DIR/release/rampart-desktop"
hello_bin="$CARGO_TARGET_DIR/release/perf-hello"
cli="$CARGO_TARGET_DIR/release/rampart"
if [ "$build" = 1 ]; then
  echo "== build (release, tauri/custom-protocol)"
  npm --prefix ui run build
  cargo build --release --locked -p rampart-cli
  cargo build --release --locked -p rampart-desktop --features tauri/custom-protocol
  cargo build --release --locked --features tauri/custom-protocol --manifest-path tests/perf/hello/Cargo.toml
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/store" "$scratch/out"
echo "== seed the demo store (default plan)"
"$cli" --embedded "$scratch/store/rampart.db" demo seed --seed 1

echo "== measure: $runs runs each, ${IDLE_S}s idle"
scripts/desktop.sh session -- "$0" --measure "$runs" "$scratch/out" "$scratch/store" \
  "hello=$hello_bin" "rampart=$rampart_bin"

mkdir -p "$RAMPART_ARTIFACTS/perf"
report="$RAMPART_ARTIFACTS/perf/desktop.md"
{
  echo "Desktop startup and idle memory, $runs launches each ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores," \
    "Xvfb 1280x800, release builds with tauri/custom-protocol; Rampart on the default demo store):"
  echo
  awk -F'\t' -v bar="$BAR" '
    function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
                                       return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
    { n[$1]++; c[$1, n[$1]] = $3; m[$1, n[$1]] = $4 / 1024 }
    END {
      print "| app | first paint median | min | max | idle PSS median | min | max |"
      print "|---|---|---|---|---|---|---|"
      split("hello rampart", apps, " ")
      for (k = 1; k <= 2; k++) {
        a = apps[k]; cnt = n[a]
        for (i = 1; i <= cnt; i++) { cc[i] = c[a, i]; mm[i] = m[a, i] }
        cmed[a] = median(cc, cnt); mmed[a] = median(mm, cnt)
        cmin = cmax = c[a, 1]; mmin = mmax = m[a, 1]
        for (i = 1; i <= cnt; i++) { if (c[a,i] < cmin) cmin = c[a,i]; if (c[a,i] > cmax) cmax = c[a,i]; if (m[a,i] < mmin) mmin = m[a,i]; if (m[a,i] > mmax) mmax = m[a,i] }
        label = a == "hello" ? "hello-world (tests/perf/hello)" : "Rampart (sign-in screen)"
        printf "| %s | %d ms | %d ms | %d ms | %.1f MB | %.1f MB | %.1f MB |\n", label, cmed[a], cmin, cmax, mmed[a], mmin, mmax
      }
      rc = cmed["rampart"] / cmed["hello"]; rm = mmed["rampart"] / mmed["hello"]
      printf "| **Rampart / hello-world** | **%.2fx** (bar <= %sx: %s) | | | **%.2fx** (bar <= %sx: %s) | | |\n", \
        rc, bar, rc <= bar ? "met" : "NOT met", rm, bar, rm <= bar ? "met" : "NOT met"
    }' "$scratch/out/raw.tsv"
  echo
  echo "Raw runs (app, run, first paint ms, idle PSS kB, processes):"
  echo
  echo '```'
  cat "$scratch/out/raw.tsv"
  echo '```'
} >"$report"
cat "$report"
echo "perf: written to $report"
