#!/usr/bin/env bash
# Desktop startup and idle-memory benchmark: Rampart against a bare Tauri 2 hello-world
# (tests/perf/hello) built the same way (release, tauri/custom-protocol, same tauri and profile).
#
#   scripts/perf-desktop.sh [--runs N] [--no-build] [--gpu]
#   RAMPART_PERF_ENV="NAME=value ..." scripts/perf-desktop.sh   # extra env for every launch
#
# Apps, launched in turn (so drift and other load hit them alike), N times each per pass
# (default 7), all in one Xvfb + D-Bus session (scripts/desktop.sh), each launch with a fresh
# HOME/XDG/config dir:
#   hello        the stock hello-world: the issue's baseline, and the bar (Rampart <= 1.5x)
#   hello-same   the hello-world with Rampart's renderer setting: WebKit without GPU
#                compositing (WEBKIT_DISABLE_COMPOSITING_MODE=1, WebKit's switch for the policy
#                Rampart sets through the API, see src-tauri/src/renderer.rs). Rampart against
#                this one is what Rampart's own code costs.
#   rampart      Rampart as shipped, on a seeded demo store (the default plan): its first usable
#                frame is the sign-in screen, connected, form enabled
#   rampart-gpu  (--gpu) Rampart with RAMPART_GPU=1 (WebKit's default GPU compositing), to show
#                what the renderer setting saves
# Per launch:
#   first frame = epoch ms the app writes to $RAMPART_READY_FILE after its first usable frame is
#                 painted (Rampart's `ui_ready`, the hello-world's `ready`) - epoch ms just
#                 before exec
#   idle memory = sum of PSS (/proc/PID/smaps_rollup) over the app and all its descendants
#                 (WebKitWebProcess, WebKitNetworkProcess, ...) 5 s after that frame
# Two passes:
#   cold   a fresh HOME really is fresh: Mesa's GL shader cache (in $XDG_CACHE_HOME) is empty,
#          as on the very first launch for a user
#   warm   a fresh HOME, but each app keeps one Mesa shader cache across its launches
#          (MESA_SHADER_CACHE_DIR, primed by one unmeasured launch), as on every later launch
# Without a GPU (this machine: Xvfb, llvmpipe) GL shader compilation is CPU work; it is what
# GPU compositing costs before the first frame.
# Prints markdown tables (median, min, max; ratios) with the load average before and after, and
# writes them to $RAMPART_ARTIFACTS/perf/desktop.md. Not part of scripts/test.sh (slow: release
# builds plus about 2 x apps x N x 7 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/rampart/target}"
export RAMPART_ARTIFACTS="${RAMPART_ARTIFACTS:-$CARGO_TARGET_DIR/artifacts}"
IDLE_S="${RAMPART_PERF_IDLE_S:-5}"
BAR="1.5"

# ---------------------------------------------------------------------------------------------
# Inside the session: measure. Arguments: runs, raw output file, store dir, then one
# "name|binary|NAME=value ..." per app (the env words may be empty).
if [ "${1:-}" = "--measure" ]; then
  runs="$2" raw="$3" store="$4"
  shift 4
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
  # launch PASS NAME BIN ENV RUN: one launch; prints "first-frame-ms pss-kb processes"
  launch() {
    local pass="$1" name="$2" bin="$3" extra="$4" i="$5" run app ready kb start_ms pids
    run="$RAMPART_SESSION_ROOT/runs/$pass-$name-$i"
    mkdir -p "$run"/{home,data,config,cache,state,tmp,rampart-config}
    ready="$run/ready"
    (
      export HOME="$run/home" XDG_DATA_HOME="$run/data" XDG_CONFIG_HOME="$run/config" \
        XDG_CACHE_HOME="$run/cache" XDG_STATE_HOME="$run/state" TMPDIR="$run/tmp" \
        RAMPART_CONFIG_DIR="$run/rampart-config" RAMPART_DATA_DIR="$store" \
        RAMPART_READY_FILE="$ready"
      if [ "$pass" = warm ]; then export MESA_SHADER_CACHE_DIR="$RAMPART_SESSION_ROOT/shaders-$name"; fi
      printf '%s' "${EPOCHREALTIME/./}" >"$run/launch-us"
      # Its own process group, so the app and its helpers stop together afterwards.
      # shellcheck disable=SC2086 # both are lists of NAME=value words
      exec env ${RAMPART_PERF_ENV:-} $extra setsid "$bin" >"$run/app.log" 2>&1
    ) &
    app=$!
    for _ in $(seq 600); do [ -s "$ready" ] && break; kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
    if [ ! -s "$ready" ]; then
      echo "perf: $name ($pass, run $i) never wrote $ready; its log:" >&2
      cat "$run/app.log" >&2
      kill -KILL -- "-$app" 2>/dev/null || true
      return 1
    fi
    sleep "$IDLE_S"
    mapfile -t pids < <(descendants "$app")
    kb=$(pss_kb "${pids[@]}")
    start_ms=$(($(cat "$run/launch-us") / 1000))
    echo "$(($(cat "$ready") - start_ms)) $kb ${#pids[@]}"
    kill -TERM -- "-$app" "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$app" "${pids[@]}" 2>/dev/null || true
    wait "$app" 2>/dev/null || true
  }
  for pass in cold warm; do
    if [ "$pass" = warm ]; then
      for spec in "$@"; do # prime each app's shader cache
        IFS='|' read -r name bin extra <<<"$spec"
        launch warm "$name" "$bin" "$extra" 0 >/dev/null
      done
    fi
    for i in $(seq "$runs"); do
      for spec in "$@"; do
        IFS='|' read -r name bin extra <<<"$spec"
        read -r ms kb n < <(launch "$pass" "$name" "$bin" "$extra" "$i")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pass" "$name" "$i" "$ms" "$kb" "$n" >>"$raw"
        printf 'perf: %-4s %-11s run %d: first frame %5d ms, idle PSS %6s MB over %d processes\n' \
          "$pass" "$name" "$i" "$ms" "$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')" "$n" >&2
      done
    done
  done
  exit 0
fi

# ---------------------------------------------------------------------------------------------
runs=7 build=1 gpu=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --no-build) build=0 ;;
    --gpu) gpu=1 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift
done

scripts/deps.sh
# The binaries may be named (RAMPART_PERF_RAMPART_BIN, RAMPART_PERF_HELLO_BIN), e.g. copies kept
# out of a target dir that other builds share.
rampart_bin="${RAMPART_PERF_RAMPART_BIN:-$CARGO_TARGET_DIR/release/rampart-desktop}"
hello_bin="${RAMPART_PERF_HELLO_BIN:-$CARGO_TARGET_DIR/release/perf-hello}"
cli="$CARGO_TARGET_DIR/release/rampart"
if [ "$build" = 1 ]; then
  echo "== build (release, tauri/custom-protocol)"
  npm --prefix ui run build
  cargo build --release --locked -p rampart-cli -p rampart-desktop --features tauri/custom-protocol
  cargo build --release --locked --features tauri/custom-protocol --manifest-path tests/perf/hello/Cargo.toml
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/store"
echo "== seed the demo store (default plan)"
"$cli" --embedded "$scratch/store/rampart.db" demo seed --seed 1 2>/dev/null

apps=("hello|$hello_bin|" "hello-same|$hello_bin|WEBKIT_DISABLE_COMPOSITING_MODE=1" "rampart|$rampart_bin|")
[ "$gpu" = 0 ] || apps+=("rampart-gpu|$rampart_bin|RAMPART_GPU=1")
echo "== measure: $runs runs per app and pass, ${IDLE_S}s idle"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
scripts/desktop.sh session -- "$0" --measure "$runs" "$scratch/raw.tsv" "$scratch/store" "${apps[@]}"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

table() { # PASS: the markdown table of one pass
  awk -F'\t' -v pass="$1" -v bar="$BAR" '
    function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t }
                                       return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
    function ratio(label, num, den, withbar,   rc, rm) {
      rc = cmed[num] / cmed[den]; rm = mmed[num] / mmed[den]
      if (withbar)
        printf "| **%s** | **%.2fx** (bar <= %sx: %s) | | | **%.2fx** (bar <= %sx: %s) | | |\n", label,
          rc, bar, rc <= bar ? "met" : "NOT met", rm, bar, rm <= bar ? "met" : "NOT met"
      else
        printf "| %s | %.2fx | | | %.2fx | | |\n", label, rc, rm
    }
    $1 == pass { n[$2]++; c[$2, n[$2]] = $4; m[$2, n[$2]] = $5 / 1024 }
    END {
      print "| app | first usable frame median | min | max | idle PSS median | min | max |"
      print "|---|---|---|---|---|---|---|"
      split("hello hello-same rampart rampart-gpu", apps, " ")
      label["hello"] = "hello-world (tests/perf/hello), stock"
      label["hello-same"] = "hello-world, without GPU compositing"
      label["rampart"] = "Rampart (sign-in screen, connected)"
      label["rampart-gpu"] = "Rampart with RAMPART_GPU=1"
      for (k = 1; k <= 4; k++) {
        a = apps[k]; cnt = n[a]
        if (!cnt) continue
        delete cc; delete mm
        for (i = 1; i <= cnt; i++) { cc[i] = c[a, i]; mm[i] = m[a, i] }
        cmed[a] = median(cc, cnt); mmed[a] = median(mm, cnt)
        cmin = cmax = c[a, 1]; mmin = mmax = m[a, 1]
        for (i = 1; i <= cnt; i++) { if (c[a,i] < cmin) cmin = c[a,i]; if (c[a,i] > cmax) cmax = c[a,i]; if (m[a,i] < mmin) mmin = m[a,i]; if (m[a,i] > mmax) mmax = m[a,i] }
        printf "| %s | %d ms | %d ms | %d ms | %.1f MB | %.1f MB | %.1f MB |\n", label[a], cmed[a], cmin, cmax, mmed[a], mmin, mmax
      }
      ratio("Rampart / stock hello-world (the issue bar)", "rampart", "hello", 1)
      ratio("Rampart / hello-world with the same renderer setting (Rampart'"'"'s own cost)", "rampart", "hello-same", 0)
      if (n["rampart-gpu"]) ratio("Rampart with RAMPART_GPU=1 / stock hello-world", "rampart-gpu", "hello", 0)
    }' "$scratch/raw.tsv"
}

mkdir -p "$RAMPART_ARTIFACTS/perf"
report="$RAMPART_ARTIFACTS/perf/desktop${RAMPART_PERF_ENV:+-env}.md"
{
  echo "Desktop first usable frame and idle memory, $runs launches per app and pass" \
    "($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, Xvfb 1280x800 without a GPU (Mesa llvmpipe)," \
    "release builds with tauri/custom-protocol; Rampart on the default demo store${RAMPART_PERF_ENV:+; every app with $RAMPART_PERF_ENV})."
  echo
  echo "Cold: fresh HOME, empty GL shader cache (first launch for a user):"
  echo
  table cold
  echo
  echo "Warm: fresh HOME, each app's GL shader cache kept from an earlier launch (every later launch):"
  echo
  table warm
  echo
  echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
  echo
  echo "Raw runs (pass, app, run, first frame ms, idle PSS kB, processes):"
  echo
  echo '```'
  cat "$scratch/raw.tsv"
  echo '```'
} >"$report"
cat "$report"
echo "perf: written to $report"
