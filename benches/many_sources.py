#!/usr/bin/env python3
"""Memory of `onset analyze` as the number of sources grows (issue 11, item 12).

Usage: benches/many_sources.py [SOURCES...] [--work DIR]
  SOURCES  source counts to try (default: 1000 5000 20000)
  DIR      scratch folder (default: a new temp folder)

For each count N it writes N small logs of one hour (a fleet's nginx access
logs with a few 5xx, and one PostgreSQL log in ten with its connects and
disconnects), ingests them into a fresh index with the release binary, and
reports the wall time and peak RSS (GNU time) of `onset analyze --json`
(computed, not read from the cache). Needs a release build
(`cargo build --release --bin onset`) and /usr/bin/time.
"""
import os
import random
import re
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONSET = ROOT / "target" / "release" / "onset"
T0 = datetime(2026, 3, 14, 9, 0, 0, tzinfo=timezone.utc)


def access_log(rng, lines):
    out = []
    for _ in range(lines):
        t = T0 + timedelta(seconds=rng.uniform(0, 3600))
        status = 503 if rng.random() < 0.02 else 200
        client = f"198.51.100.{rng.randrange(1, 255)}"
        out.append((t, f'{client} - - [{t.strftime("%d/%b/%Y:%H:%M:%S +0000")}] '
                       f'"GET /api/items/{rng.randrange(10000)} HTTP/1.1" {status} 512 "-" "curl/8.5.0" '
                       f'rt={rng.uniform(0.005, 0.2):.3f}\n'))
    out.sort()
    return "".join(line for _, line in out)


def postgres_log(rng, sessions):
    out = []
    for _ in range(sessions):
        pid = rng.randrange(1000, 60000)
        t = T0 + timedelta(seconds=rng.uniform(0, 3500))
        end = t + timedelta(seconds=rng.uniform(1, 100))
        fmt = lambda x: x.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"
        out.append((t, f"{fmt(t)} [{pid}] app@shop LOG:  connection authorized: user=app database=shop\n"))
        out.append((end, f"{fmt(end)} [{pid}] app@shop LOG:  disconnection: session time: 0:00:01.000 user=app database=shop host=10.0.0.5 port=5000\n"))
    out.sort()
    return "".join(line for _, line in out)


def write(logs, n):
    rng = random.Random(n)
    logs.mkdir(parents=True)
    for i in range(n):
        if i % 10 == 9:
            (logs / f"db{i:05}.log").write_text(postgres_log(rng, 20))
        else:
            (logs / f"edge{i:05}.log").write_text(access_log(rng, 40))


def timed(args):
    r = subprocess.run(["/usr/bin/time", "-v", *map(str, args)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{args[1]} failed:\n{r.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", r.stderr).group(1)
    return wall, rss / 1024


def main():
    args = sys.argv[1:]
    work = None
    if "--work" in args:
        i = args.index("--work")
        work = Path(args[i + 1])
        del args[i:i + 2]
    counts = [int(a) for a in args] or [1000, 5000, 20000]
    work = work or Path(tempfile.mkdtemp(prefix="onset-many-"))
    if not ONSET.exists():
        sys.exit("build first: cargo build --release --bin onset")
    print(f"| sources | events | ingest wall | analyze wall | analyze peak RSS |")
    print(f"|---:|---:|---:|---:|---:|")
    for n in counts:
        logs, idx = work / f"logs{n}", work / f"idx{n}"
        if not logs.exists():
            write(logs, n)
        if idx.exists():
            subprocess.run(["rm", "-rf", str(idx)], check=True)
        ingest_wall, _ = timed([ONSET, "ingest", "--index", idx, logs])
        # The model is cached in the index folder: remove it to measure the analysis.
        (idx / "incident.json").unlink(missing_ok=True)
        wall, rss = timed([ONSET, "analyze", "--json", "--index", idx])
        out = subprocess.run([ONSET, "sources", "--json", "--index", idx],
                             capture_output=True, text=True, check=True).stdout
        events = sum(int(m) for m in re.findall(r'"events":\s*(\d+)', out))
        print(f"| {n:,} | {events:,} | {ingest_wall} | {wall} | {rss:,.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
