#!/usr/bin/env python3
"""Times a command's first answer: the moment its standard output holds a
complete JSON document (onset prints the analysis, then may go on building
the index), the CPU time it had used then, and the moment it exits.
Prints "answer_s answer_cpu_s total_s peak_rss_mib".

Usage: first_answer.py COMMAND [ARG...]
"""
import json
import os
import resource
import subprocess
import sys
import time

start = time.monotonic()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
text = b""
answer = None
cpu = float("nan")


def cpu_seconds(pid):
    """User + system time of a running process (Linux /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


for line in proc.stdout:
    text += line
    # A pretty-printed document ends with its closing brace alone on a line.
    if answer is None and line.rstrip() == b"}":
        try:
            json.loads(text)
            answer = time.monotonic() - start
            cpu = cpu_seconds(proc.pid)
        except ValueError:
            pass
proc.wait()
total = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"{answer if answer is not None else float('nan'):.2f} {cpu:.2f} {total:.2f} {rss}")
