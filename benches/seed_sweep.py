#!/usr/bin/env python3
"""Analysis accuracy over many generated incidents.

Usage: benches/seed_sweep.py [SEEDS] [WORKDIR]
  SEEDS    comma-separated generator seeds (default 1,2,3,4,5)
  WORKDIR  scratch folder (default: a new temp folder)

Generates every preset of onset-gen with each seed, ingests it, runs
`onset analyze --json` and applies the checks of tests/analyze.rs
(`check_incident`): first divergence signal and source, onset and impact
start within 60 s, cause candidate, affected clients and failed requests
within 10 %, and no first divergence on the quiet preset. Prints one line
per incident and the count that pass. Needs
`cargo build --release -p onset -p onset-gen` (binaries looked up under
$CARGO_TARGET_DIR, else target/). PRESETS=a,b limits the presets (to
compare with a sweep that ran before a preset existed).
"""
import datetime, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release")
presets = ["sample","haproxy-json-mysql","alb-logfmt-pgcsv","surge","slow-query","quiet","leak-fast","leak-slow",
           "haproxy-xff-mariadb","nginx-json-ramp"]
if os.environ.get("PRESETS"):
    presets = os.environ["PRESETS"].split(",")
seeds = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "1,2,3,4,5").split(",")]
WORK = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="onset-sweep-")
def t(s):
    if s is None: return None
    return datetime.datetime.fromisoformat(s.replace("Z","+00:00")).timestamp()
def dig(d, path):
    for p in path.split("."):
        d = d.get(p) if isinstance(d, dict) else None
    return d
ok = 0; total = 0
for seed in seeds:
    for p in presets:
        total += 1
        d = os.path.join(WORK, f"{p}-{seed}")
        if not os.path.exists(d + "/GROUND_TRUTH.json"):
            subprocess.run([f"{B}/onset-gen","--preset",p,"--seed",str(seed),d],capture_output=True,check=True)
        truth = json.load(open(d+"/GROUND_TRUTH.json"))
        idx = d + ".idx"
        subprocess.run(["rm","-rf",idx])
        files = [os.path.join(d,f) for f in os.listdir(d) if f not in ("GROUND_TRUTH.json","README.md")]
        subprocess.run([f"{B}/onset","ingest","--index",idx,"--tz",truth.get("timezone") or "UTC"]+files,capture_output=True)
        a = json.loads(subprocess.run([f"{B}/onset","analyze","--index",idx,"--json"],capture_output=True,text=True).stdout)
        fd = a.get("first_divergence"); imp = a.get("impact") or {}
        fails = []
        if truth.get("first_divergence") is None:
            if fd: fails.append(f"quiet but fd {fd['signal']} {fd['onset']}")
        else:
            ck = truth["checks"]
            fd = fd or {}
            sig = fd.get("signal","")
            if not (re.search("(?i)"+ck["signal_re"], sig) and re.search("(?i)"+ck["source_re"], f"{fd.get('source')} {sig}")):
                fails.append(f"fd {sig}@{fd.get('onset')}")
            for name,got,key in [("onset",fd.get("onset"),"onset"),("impact",imp.get("start"),"impact")]:
                want = dig(truth, ck[key])
                if t(got) is None or t(want) is None or abs(t(got)-t(want))>60: fails.append(f"{name} {got} vs {want}")
            if "cause_re" in ck:
                c = json.dumps(fd.get("change_event"))
                if not re.search("(?i)"+ck["cause_re"], c): fails.append("cause "+c[:80])
            for name in ["affected_clients","failed_requests"]:
                want = dig(truth, ck[name]); have = imp.get(name)
                if have is None or abs(have-want) > 0.1*want: fails.append(f"{name} {have} vs {want}")
        total_ok = not fails
        ok += total_ok
        print(f"{'ok  ' if total_ok else 'FAIL'} {p} seed {seed}: {'; '.join(fails)}", flush=True)
print(f"{ok}/{total}")
