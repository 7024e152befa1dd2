#!/usr/bin/env bash
# TUI benchmark: `onset open` driven in tmux on a generated incident.
#
# Usage: benches/tui.sh [SIZE] [WORKDIR]
#   SIZE     generated input size for onset-gen (default 2800MB: ~10 M events)
#   WORKDIR  scratch folder (default: a new temp folder); needs ~2.5x SIZE free
#
# Measures, from the frame trace `onset open` writes with ONSET_TUI_TRACE:
#   - on an existing index: the first frame after launch (cold: the analysis
#     is computed; warm: read from the cache), the redraw after scrolls and
#     jumps, the time from a request to the frame showing its answer, and
#     the peak RSS (GNU time);
#   - `onset open PATH` on a fresh index: the first frame, when the lanes
#     and the story are drawn (the preview's whole answer) and of how many
#     events, and when the log view shows the ingest's first commit.
# Needs: a release build (`cargo build --release -p onset -p onset-gen`),
# tmux, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-2800MB}"
work="${2:-$(mktemp -d)}"
onset="$PWD/target/release/onset"
gen="$PWD/target/release/onset-gen"
[ -x "$onset" ] && [ -x "$gen" ] || cargo build --release -p onset -p onset-gen
logs="$work/logs"
idx="$work/idx"
if [ "$(cat "$work/size" 2>/dev/null)" != "$size" ]; then
  rm -rf "$logs" "$idx"
  "$gen" --preset sample --size "$size" "$logs" >/dev/null
  rm -f "$logs/GROUND_TRUTH.json"
  echo "$size" > "$work/size"
fi
[ -d "$idx" ] || "$onset" ingest --index "$idx" "$logs" >/dev/null
events=$("$onset" sources --index "$idx" --json | python3 -c "import json,sys; print(sum(s['events'] for s in json.load(sys.stdin)))")
echo "$(date -u +%FT%TZ) index: $events events"

keys() { for k in "$@"; do tmux send-keys -t bench "$k"; sleep 0.3; done; }
run_session() { # name, then the onset open arguments
  local name=$1; shift
  rm -f "$work/trace-$name.txt" "$work/rss-$name.txt"
  tmux kill-session -t bench 2>/dev/null || true
  tmux new-session -d -s bench -x 200 -y 60 \
    "ONSET_TUI_TRACE=$work/trace-$name.txt /usr/bin/time -f '%M' -o $work/rss-$name.txt $onset open $*"
}
summary() { # name
  python3 - "$work/trace-$1.txt" "$work/rss-$1.txt" "$1" <<'PY'
import re, sys, statistics
lines = open(sys.argv[1]).read().split("\n")
first = [l for l in lines if l.startswith("first-frame")]
ready = [l.split()[1] for l in lines if l.startswith("analysis-ready")]
frames = [(m.group(1), float(m.group(2)), m.group(4)) for l in lines
          for m in [re.match(r"frame (\w+) ([\d.]+) ms( \(request to frame ([\d.]+) ms\))?", l)] if m]
keys = [f for f in frames if f[0] not in ("Loaded", "Found", "Traced", "Analysed", "Ingest", "IngestDone", "Message")]
answers = [float(f[2]) for f in frames if f[2]]
rss = int(open(sys.argv[2]).read().split()[-1]) // 1024
print(f"{sys.argv[3]}: {first[0] if first else 'no frame'}; "
      f"key redraws: {len(keys)}, median {statistics.median([f[1] for f in keys]):.2f} ms, max {max(f[1] for f in keys):.2f} ms; "
      f"request to answered frame: median {statistics.median(answers) if answers else 0:.1f} ms, max {max(answers) if answers else 0:.1f} ms; "
      f"story and lanes drawn {ready[0] if ready else '?'} ms after launch; peak RSS {rss} MiB")
PY
}

rm -f "$idx/incident.json"
for name in cold warm; do
  run_session "$name" --index "$idx"
  sleep 4
  keys Tab j j j j j j j j j j PgDn PgDn PgDn PgDn PgDn G Home f Enter End Tab d d c e Tab / Q u e u e P o o l Enter n n N z z Z q
  sleep 2
  summary "$name"
done

# A fresh index: the whole story from a preview of the logs, then the
# ingest fills the log view as its commits land.
fresh="$work/idx-fresh"
rm -rf "$fresh"
run_session fresh --index "$fresh" "$logs"
launched=$(date +%s.%N)
sleep 0.3
tmux send-keys -t bench Tab
rows_at="not within 120 s"
for _ in $(seq 1 1200); do
  if tmux capture-pane -t bench -p | grep -q ' info \| warn \| error '; then
    rows_at="$(python3 -c "print(round($(date +%s.%N) - $launched, 1))") s after launch"
    break
  fi
  sleep 0.1
done
echo "fresh: first log rows on screen (the ingest's first commit): $rows_at"
tmux capture-pane -t bench -p | tail -1
sleep 1
keys q
sleep 2
tmux kill-session -t bench 2>/dev/null || true
head -1 "$work/trace-fresh.txt"
# `analysis-ready MS ms N events`: the first analysis drawn, and of how many
# events (the whole index's count above when it is the preview's answer).
grep -m1 analysis-ready "$work/trace-fresh.txt" | sed 's/^/fresh: lanes and story drawn: /' ||
  echo "fresh: no analysis drawn"
