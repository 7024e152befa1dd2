#!/usr/bin/env bash
# End-to-end benchmark: ingest throughput and peak memory over generated
# logs, re-ingest of unchanged files, search and analyze latency, and lnav
# (headless) on the same files for comparison.
#
# Usage: benches/end_to_end.sh [SIZE] [WORKDIR]
#   SIZE     generated input size for onset-gen (default 1GB)
#   WORKDIR  scratch folder (default: a new temp folder); needs ~3x SIZE free
#
# Needs: a release build (`cargo build --release -p onset -p onset-gen`),
# GNU time (/usr/bin/time) for peak RSS, and lnav for the comparison
# (skipped if absent). Prints one line per measurement.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1GB}"
work="${2:-$(mktemp -d)}"
onset="$PWD/target/release/onset"
gen="$PWD/target/release/onset-gen"
[ -x "$onset" ] && [ -x "$gen" ] || cargo build --release -p onset -p onset-gen

logs="$work/logs"
idx="$work/idx"
rm -rf "$idx"
# Reuse generated input of the same size.
if [ "$(cat "$work/size" 2>/dev/null)" != "$size" ]; then
  rm -rf "$logs"
  "$gen" --preset sample --size "$size" "$logs" >/dev/null
  echo "$size" > "$work/size"
fi
rm -f "$logs/GROUND_TRUTH.json"
bytes=$(du -cb "$logs"/* | tail -1 | cut -f1)
echo "$(date -u +%FT%TZ) input: $(ls "$logs" | tr '\n' ' ')($bytes bytes)"

timing="$work/time.txt"
measure() { # command...: prints "wall_seconds peak_rss_kib"
  /usr/bin/time -o "$timing" -f '%e %M' "$@" >/dev/null 2>&1 || true
  tail -1 "$timing"
}

read -r secs rss < <(measure "$onset" ingest --index "$idx" "$logs")
echo "ingest: ${secs} s, $(python3 -c "print(round($bytes/1e6/$secs,1))") MB/s, peak RSS $((rss/1024)) MiB"
events=$("$onset" sources --index "$idx" --json | python3 -c "import json,sys; print(sum(s['events'] for s in json.load(sys.stdin)))")
echo "events: $events"

read -r secs rss < <(measure "$onset" ingest --index "$idx" "$logs")
echo "re-ingest (unchanged): ${secs} s, $(python3 -c "print(round($bytes/1e9/max($secs,0.001),1))") GB/s, peak RSS $((rss/1024)) MiB"

# A request id that is in the logs (nginx `rid=`), and one that is not.
rid=$(head -1 "$logs/access.log" | grep -o 'rid=[0-9a-f]*' | cut -d= -f2)
for q in 'status:504' 'source:postgresql AND FATAL' 'QueuePool' 'level:error AND source:app' \
  "request_id:$rid" 'request_id:0000000000000000000000000000dead'; do
  best=999
  for _ in 1 2 3 4 5; do
    read -r s _ < <(measure "$onset" search --index "$idx" --limit 20 "$q")
    best=$(python3 -c "print(min($best, $s))")
  done
  echo "search '$q': best of 5 ${best} s"
done

# The analysis itself: the cached model is removed before each run.
best=999
for _ in 1 2 3; do
  rm -f "$idx/incident.json"
  read -r s rss < <(measure "$onset" analyze --index "$idx" --json)
  best=$(python3 -c "print(min($best, $s))")
done
echo "analyze (existing index, model not cached): best of 3 ${best} s, peak RSS $((rss/1024)) MiB"

# The first answer from nothing: a fresh index, ingest and analysis in one
# command. The answer is printed once the logs are parsed into the signals
# (`answer`), the index is built after it (`complete`).
rm -rf "$idx"
read -r answer cpu secs rss < <(benches/first_answer.py "$onset" analyze --index "$idx" --json "$logs")
echo "analyze PATH (fresh index): answer at ${answer} s ($(python3 -c "print(round($bytes/1e6/$answer,1))") MB/s, ${cpu} s CPU), index complete at ${secs} s, peak RSS ${rss} MiB"

if command -v lnav >/dev/null 2>&1; then
  export HOME="$work/lnav-home"; mkdir -p "$HOME"
  read -r secs rss < <(measure lnav -n -c ';SELECT count(*) FROM all_logs' "$logs"/*)
  echo "lnav -n (load + count): ${secs} s, $(python3 -c "print(round($bytes/1e6/$secs,1))") MB/s, peak RSS $((rss/1024)) MiB"
else
  echo "lnav: not installed (apt-get install lnav)"
fi
