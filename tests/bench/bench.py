#!/usr/bin/env python3
"""bench.py: the measuring half of scripts/bench (standard library only).

scripts/bench starts the servers (tests/lib/servers.sh) and calls this:

  bench.py om FILE EVAL_S NUP NSLOS
      write an OpenMetrics file for promtool: NUP series of `up` (the
      vector sitrep stores) around EVAL_S, and the request counters of
      NSLOS SLOs over the three days before it.
  bench.py ingest --sitrep BIN --rusage BIN --am URL --prom URL --at EVAL_S
      --nslos N --reps N --dir DIR --out JSON [--am-only]
      load 1,000 then 10,000 alerts into Alertmanager and time sitrep's
      fetch-and-store beside curl and amtool for the same data (then the
      Prometheus cases, unless --am-only: no --prom, --at, --nslos).
  bench.py render --tool BIN --dir DIR --reps N --out JSON
      run tests/bench/render_bench on the demo and on the big world.
  bench.py wallboard --sitrep BIN --rusage BIN --prom URL,URL --am URL,URL
      --seconds N --dir DIR --out JSON [--contexts 20] [--refresh 5s]
      [--alerts 40] [--tmux BIN] [--size 160x45]
      post alerts, write a configuration of N contexts over the servers,
      then run one `sitrep fetch --all` with one `sitrep wallboard --all`
      in a private tmux server for N seconds, then N `sitrep fetch
      --context NAME` for as long; CPU, peak RSS, terminal bytes.
  bench.py scale --sitrep BIN --am URL --prom URL --kubeemu PY
      --render-tool BIN --dir DIR --out JSON [--keys 2000] [--gap-ms 10,50]
      [--pods 10000] [--alerts 5000] [--slos 200] [--query-slos 20]
      [--refresh 3s] [--size 160x45] [--growth 1000,10000,50000]
      [--first-reps 5] [--warm-seconds 10] [--first-wait 120]
      growth with render_bench; the Prometheus requests of one round; the
      real console in a pseudo-terminal on --demo and on a big world (the
      emulator behind a counting proxy, Alertmanager, Prometheus): key to
      first byte back, peak RSS, Kubernetes bytes per minute; first frame
      from the warm cache (see scripts/bench).
  bench.py proxy PORT_FILE TARGET_PORT STATS_FILE
      a counting TCP proxy on 127.0.0.1 (scale starts it).
  bench.py report JSON...
      print the ratios against the goals from the results, and the table
      of the scale goals (measure | value | goal | verdict).

Every command runs under tests/bench/rusage, which times it from fork to
exit and reports the kernel's peak resident size and CPU time for it
(wait4).  Each ingest measurement is repeated and the median reported;
commands are interleaved round by round so that drift hits them all
alike.  The wallboard part is one long run of each side, sampled every
second from /proc for its steady state.  Only 127.0.0.1.
"""

import json
import os
import shlex
import signal
import statistics
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
SPARK_RANGE_S = 24 * 3600
SPARK_STEP_S = 900


def die(msg):
    sys.stderr.write("bench.py: %s\n" % msg)
    sys.exit(1)


def loopback(url):
    """Refuse any URL that is not http://127.0.0.1:PORT."""
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http" or u.hostname != "127.0.0.1":
        die("%s is not on 127.0.0.1; the benchmark talks to loopback only"
            % url)
    return url.rstrip("/")


# ------------------------------------------------------------------
# Measuring one command
# ------------------------------------------------------------------

RUSAGE = None   # tests/bench/rusage, set by cmd_ingest


def measure(cmd, workdir, check=None):
    """Run cmd; return (seconds, peak RSS KiB).  check(stdout) may fail."""
    report = os.path.join(workdir, "rusage.out")
    with tempfile.TemporaryFile(dir=workdir) as out, \
            tempfile.TemporaryFile(dir=workdir) as err:
        rc = subprocess.call([RUSAGE, report] + cmd, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=err)
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        if rc != 0:
            die("%s exited %d: %s%s" % (" ".join(cmd[:3]), rc,
                text[-400:], err.read().decode("utf-8", "replace")[-400:]))
        if check is not None:
            problem = check(text)
            if problem:
                die("%s: %s" % (" ".join(cmd[:3]), problem))
    with open(report) as f:
        secs, kib = f.read().split()[:2]
    return float(secs), int(kib)


def bench(cmds, reps, workdir):
    """Warm each command once, then reps interleaved rounds; medians."""
    for c in cmds:
        measure(c["cmd"], workdir, c.get("check"))
    times = {c["name"]: [] for c in cmds}
    rss = {c["name"]: [] for c in cmds}
    for _ in range(reps):
        for c in cmds:
            t, m = measure(c["cmd"], workdir, c.get("check"))
            times[c["name"]].append(t)
            rss[c["name"]].append(m)
    res = {}
    for c in cmds:
        n = c["name"]
        res[n] = {"what": c["what"], "median_s": statistics.median(times[n]),
                  "min_s": min(times[n]), "max_s": max(times[n]),
                  "maxrss_kib": statistics.median(rss[n]),
                  "runs_s": times[n], "runs_maxrss_kib": rss[n]}
    return res


def sitrep_ok(nsources):
    """A check that sitrep printed nsources 'ok' round lines."""
    def check(text):
        ok = [l for l in text.splitlines() if " ok " in l]
        if len(ok) != nsources or "FAILED" in text:
            return "expected %d sources ok, got: %s" % (nsources,
                                                        text.strip())
        return None
    return check


def curl_quote(s):
    """A value for a curl config file's double quotes."""
    return s.replace("\\", "\\\\").replace('"', '\\"')


def curl_cmd(urls, workdir, name, parallel=False, compressed=True):
    """One curl process fetching every URL to /dev/null, in order.  A URL
    may be a pair (URL, [(name, value)...]): POSTed as a form, as sitrep
    sends its batched queries."""
    path = os.path.join(workdir, name + ".curl")
    with open(path, "w") as f:
        for i, u in enumerate(urls):
            if i > 0:
                f.write("next\n")
            form = []
            if isinstance(u, tuple):
                u, form = u
            f.write('url = "%s"\noutput = "/dev/null"\n' % curl_quote(u))
            for k, v in form:
                f.write('data-urlencode = "%s=%s"\n'
                        % (curl_quote(k), curl_quote(v)))
    cmd = ["curl", "-s", "-f", "-K", path]
    if compressed:
        cmd.insert(1, "--compressed")
    if parallel:
        cmd[1:1] = ["--parallel", "--parallel-max", "64"]
    return cmd


# ------------------------------------------------------------------
# OpenMetrics for the backfill
# ------------------------------------------------------------------

def cmd_om(args):
    path, eval_s, nup, nslos = args[0], int(args[1]), int(args[2]), \
        int(args[3])
    with open(path, "w") as f:
        f.write("# TYPE up gauge\n")
        for i in range(nup):
            lab = ('job="bench",instance="10.%d.%d.%d:9100",'
                   'service="svc-%04d"' % (i // 65536 % 256, i // 256 % 256,
                                           i % 256, i % 1000))
            v = 0 if i % 97 == 0 else 1
            for dt in (120, 60, 0):
                f.write("up{%s} %d %d\n" % (lab, v, eval_s - dt))
        f.write("# TYPE bench_requests counter\n")
        start = eval_s - 3 * 86400 - 3600
        for s in range(nslos):
            for code, rate in (("200", 100.0), ("500", 0.05 + 0.01 * s)):
                lab = 'slo="s%03d",code="%s"' % (s, code)
                v = 0.0
                for t in range(start, eval_s + 1, 300):
                    f.write("bench_requests_total{%s} %.1f %d\n"
                            % (lab, v, t))
                    v += rate * 300
        f.write("# EOF\n")


# ------------------------------------------------------------------
# Ingest: Alertmanager and Prometheus
# ------------------------------------------------------------------

def http_json(url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={
        "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        raw = r.read()
    return json.loads(raw) if raw else None


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))


def am_load(am, first, last):
    """POST alerts number first..last-1 in batches of 500."""
    now = time.time()
    sev = ["critical", "warning", "info"]
    batch = []
    for i in range(first, last):
        batch.append({
            "labels": {"alertname": "BenchAlert%02d" % (i % 50),
                       "service": "svc-%04d" % (i % 1000),
                       "namespace": "team-%02d" % (i % 20),
                       "severity": sev[i % 3], "cluster": "bench",
                       "instance": "10.%d.%d.%d:9100" % (
                           i // 65536 % 256, i // 256 % 256, i % 256)},
            "annotations": {
                "summary": "Benchmark alert %d is firing" % i,
                "description": "Synthetic alert number %d of the sitrep "
                               "benchmark; nothing is wrong." % i,
                "runbook_url": "http://127.0.0.1/runbooks/bench%02d"
                               % (i % 50)},
            "startsAt": iso(now - 1800), "endsAt": iso(now + 6 * 3600),
            "generatorURL": "http://127.0.0.1/graph"})
        if len(batch) == 500:
            http_json(am + "/api/v2/alerts", batch)
            batch = []
    if batch:
        http_json(am + "/api/v2/alerts", batch)
    n = len(http_json(am + "/api/v2/alerts"))
    if n != last:
        die("Alertmanager holds %d alerts, expected %d" % (n, last))


def prom_counts(prom, timeout=30, need=True):
    """Requests answered 200 so far, by handler, from /metrics (None when
    not need and Prometheus does not answer within timeout)."""
    try:
        with urllib.request.urlopen(prom + "/metrics",
                                    timeout=timeout) as r:
            text = r.read().decode()
    except OSError:
        if need:
            raise
        return None
    counts = {}
    for line in text.splitlines():
        if not line.startswith("prometheus_http_requests_total{"):
            continue
        labels, value = line.rsplit(" ", 1)
        if 'code="200"' not in labels:
            continue
        h = labels.split('handler="', 1)[1].split('"', 1)[0]
        counts[h] = counts.get(h, 0) + int(float(value))
    return counts


def prom_logged(prom, qlog, offset):
    """The requests of one sitrep Prometheus round as Prometheus's query
    log recorded them from offset on (sitrep batches its queries, so the
    log, not a copy of prom.c, says what it asked), plus the targets
    request, which is no query: (URL, form) pairs for curl_cmd."""
    reqs = [prom + "/api/v1/targets?state=active"]
    with open(qlog) as f:
        f.seek(offset)
        for line in f:
            e = json.loads(line)
            p = e["params"]
            path = e["httpRequest"]["path"]
            if path.endswith("/query_range"):
                form = [("query", p["query"]), ("start", p["start"]),
                        ("end", p["end"]), ("step", str(p["step"]))]
            else:
                form = [("query", p["query"]), ("time", p["end"])]
            reqs.append((prom + path, form))
    return reqs


def write_conf(path, am=None, prom=None, nslos=0):
    with open(path, "w") as f:
        f.write("contexts:\n  - name: bench\n    refresh: 15s\n")
        if prom:
            f.write("    prometheus:\n      url: %s\n      timeout: 60s\n"
                    % prom)
        if am:
            f.write("    alertmanagers:\n      - url: %s\n"
                    "        timeout: 60s\n" % am)
        if nslos:
            f.write("services:\n  - name: bench\n    match: {job: bench}\n")
            f.write("slos:\n")
            for s in range(nslos):
                f.write(
                    "  - name: bench-%03d\n    service: bench\n"
                    "    objective: 99.9\n    period: 30d\n    sli:\n"
                    "      events:\n"
                    "        error_query: 'sum(rate(bench_requests_total"
                    "{slo=\"s%03d\",code=\"500\"}[{{.window}}]))'\n"
                    "        total_query: 'sum(rate(bench_requests_total"
                    "{slo=\"s%03d\"}[{{.window}}]))'\n" % (s, s, s))


def opt(args, name, default=None):
    if name in args:
        i = args.index(name)
        if i + 1 < len(args):
            return args[i + 1]
    if default is None:
        die("missing %s" % name)
    return default


def cmd_ingest(args):
    global RUSAGE
    RUSAGE = opt(args, "--rusage")
    sitrep = opt(args, "--sitrep")
    am = loopback(opt(args, "--am"))
    am_only = "--am-only" in args
    if not am_only:
        prom = loopback(opt(args, "--prom"))
        qlog = opt(args, "--query-log")
        eval_s = int(opt(args, "--at"))
        nslos = int(opt(args, "--nslos"))
    reps = int(opt(args, "--reps"))
    d = opt(args, "--dir")
    out = opt(args, "--out")
    res = {"reps": reps}

    # Alertmanager: 1,000 alerts, then 10,000.
    amconf = os.path.join(d, "am.yaml")
    write_conf(amconf, am=am)
    am_paths = ["/api/v2/alerts?active=true&silenced=true&inhibited=true"
                "&unprocessed=true", "/api/v2/silences", "/api/v2/status"]
    loaded = 0
    for n in (1000, 10000):
        am_load(am, loaded, n)
        loaded = n
        cache = os.path.join(d, "am-%d.db" % n)
        cmds = [
            {"name": "sitrep", "what": "sitrep fetch --once (alerts, "
             "silences, status; parse; store in the cache)",
             "cmd": [sitrep, "--config", amconf, "--cache", cache,
                     "fetch", "--once"], "check": sitrep_ok(1)},
            {"name": "curl", "what": "curl --compressed, the same 3 "
             "requests, one process", "cmd": curl_cmd(
                 [am + p for p in am_paths], d, "am3")},
            {"name": "curl_plain", "what": "curl -s alerts only, no "
             "compression", "cmd": curl_cmd([am + am_paths[0]], d,
                                             "am1", compressed=False)},
            {"name": "amtool", "what": "amtool alert query -o json "
             "-a -s -i", "cmd": ["amtool", "alert", "query", "-o", "json",
                                 "-a", "-s", "-i",
                                 "--alertmanager.url=" + am + "/"]},
        ]
        res["am_%d" % n] = bench(cmds, reps, d)
        res["am_%d" % n]["alerts"] = n

    # Prometheus: the 10,000-series `up` vector alone, then with SLOs.
    for label, k in () if am_only else (("prom_up", 0), ("prom_slo", nslos)):
        conf = os.path.join(d, label + ".yaml")
        write_conf(conf, prom=prom, nslos=k)
        cache = os.path.join(d, label + ".db")
        sit = [sitrep, "--config", conf, "--cache", cache, "fetch",
               "--once", "--at", str(eval_s)]
        # Check that sitrep asks exactly what curl will be asked: what
        # the query log recorded of one round.
        offset = os.path.getsize(qlog) if os.path.exists(qlog) else 0
        before = prom_counts(prom)
        measure(sit, d, sitrep_ok(1))
        after = prom_counts(prom)
        urls = prom_logged(prom, qlog, offset)
        got = {h: after.get(h, 0) - before.get(h, 0) for h in after}
        got = {h: v for h, v in got.items() if v and h != "/metrics"}
        want = {}
        for u in urls:
            h = urllib.parse.urlsplit(u[0] if isinstance(u, tuple)
                                      else u).path
            want[h] = want.get(h, 0) + 1
        if got != want:
            die("sitrep's requests %s differ from what the query log "
                "recorded %s" % (got, want))
        up = http_json(prom + "/api/v1/query?query=up&time=%d" % eval_s)
        nup = len(up["data"]["result"])
        cmds = [
            {"name": "sitrep", "what": "sitrep fetch --once --at T "
             "(%d requests; parse; store)" % len(urls), "cmd": sit,
             "check": sitrep_ok(1)},
            {"name": "curl", "what": "curl --compressed, the same %d "
             "requests, sequential, one process" % len(urls),
             "cmd": curl_cmd(urls, d, label)},
            {"name": "curl_parallel", "what": "curl --compressed "
             "--parallel (64), the same %d requests" % len(urls),
             "cmd": curl_cmd(urls, d, label + "p", parallel=True)},
        ]
        r = bench(cmds, reps, d)
        r["requests"] = want
        r["up_series"] = nup
        r["slos"] = k
        res[label] = r
    with open(out, "w") as f:
        json.dump(res, f, indent=1)


# ------------------------------------------------------------------
# Render
# ------------------------------------------------------------------

def cmd_render(args):
    tool = opt(args, "--tool")
    d = opt(args, "--dir")
    reps = int(opt(args, "--reps"))
    out = opt(args, "--out")
    size = opt(args, "--size", "60x200")
    big = ["--big", "10000", "5000", "200"]
    res = {"size": size}
    for name, world, repaints in (("demo", [], "200"), ("big", big, "50")):
        runs = []
        for i in range(reps):
            cache = os.path.join(d, "%s-%d.db" % (name, i))
            fill = subprocess.run([tool, "fill", cache] + world,
                                  capture_output=True, text=True)
            if fill.returncode != 0:
                die("render_bench fill: " + fill.stderr)
            paint = subprocess.run(
                [tool, "paint", cache] + world +
                ["--repaints", repaints, "--size", size, "--out",
                 os.path.join(d, "screen.out")],
                capture_output=True, text=True)
            if paint.returncode != 0:
                die("render_bench paint: " + paint.stderr)
            r = json.loads(paint.stdout)
            r.update(json.loads(fill.stdout))
            runs.append(r)
            for f in os.listdir(d):
                if f.startswith("%s-%d.db" % (name, i)):
                    os.unlink(os.path.join(d, f))
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        res[name] = {"median": med, "runs": runs}
    with open(out, "w") as f:
        json.dump(res, f, indent=1)


# ------------------------------------------------------------------
# Wallboard: one feeder for every context, one wallboard reading it
# ------------------------------------------------------------------

# The services and SLOs of every context.  Each Prometheus scrapes itself
# and a target that is down (tests/lib/servers.sh --scrape-self), so the
# series are live: the request counters move with every query sitrep
# makes, and the scrape SLO burns (half its targets are down).
WB_SERVICES = [("monitoring", "service: monitoring"),
               ("checkout", "service: checkout"),
               ("bench-a", "service: svc-0001"),
               ("bench-b", "service: svc-0002")]
WB_SLOS = [
    ("api-availability", "monitoring", "99.9", "events",
     'sum(rate(prometheus_http_requests_total{code=~"5.."}[{{.window}}]))',
     "sum(rate(prometheus_http_requests_total[{{.window}}]))"),
    ("query-availability", "monitoring", "99.5", "events",
     'sum(rate(prometheus_http_requests_total{handler="/api/v1/query",'
     'code!="200"}[{{.window}}]))',
     'sum(rate(prometheus_http_requests_total{handler="/api/v1/query"}'
     "[{{.window}}]))"),
    ("scrape-health", "checkout", "99", "raw",
     "1 - avg(avg_over_time(up[{{.window}}]))", None),
]


def yq(s):
    """A YAML single-quoted scalar."""
    return "'" + s.replace("'", "''") + "'"


def write_wb_conf(path, names, proms, ams, refresh):
    """One context per name, each on one Prometheus and one Alertmanager
    (round robin), with the services and SLOs above."""
    with open(path, "w") as f:
        f.write("theme: default\ncontexts:\n")
        for i, name in enumerate(names):
            f.write("  - name: %s\n    refresh: %s\n    readonly: true\n"
                    "    prometheus:\n      url: %s\n      timeout: 10s\n"
                    "    alertmanagers:\n      - url: %s\n"
                    "        timeout: 10s\n"
                    % (name, refresh, proms[i % len(proms)],
                       ams[i % len(ams)]))
        f.write("services:\n")
        for name, match in WB_SERVICES:
            f.write("  - name: %s\n    match: {%s}\n" % (name, match))
        f.write("slos:\n")
        for name, svc, obj, kind, q1, q2 in WB_SLOS:
            f.write("  - name: %s\n    service: %s\n    objective: %s\n"
                    "    period: 30d\n    sli:\n" % (name, svc, obj))
            if kind == "events":
                f.write("      events:\n        error_query: %s\n"
                        "        total_query: %s\n" % (yq(q1), yq(q2)))
            else:
                f.write("      raw:\n        error_ratio_query: %s\n"
                        % yq(q1))


def child_of(pid):
    """The first child of pid (rusage's command), or None."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = f.read().split()
        if kids:
            return int(kids[0])
    except OSError:
        pass
    for e in os.listdir("/proc"):
        if not e.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % e) as f:
                st = f.read()
        except OSError:
            continue
        if int(st.rsplit(")", 1)[1].split()[1]) == pid:
            return int(e)
    return None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_sample(pid):
    """(CPU seconds user+sys, resident KiB) of a running pid, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read().rsplit(")", 1)[1].split()
        with open("/proc/%d/status" % pid) as f:
            rss = [l for l in f if l.startswith("VmRSS:")]
    except OSError:
        return None
    if st[0] in "ZX" or not rss:
        return None
    return ((int(st[11]) + int(st[12])) / CLK_TCK, int(rss[0].split()[1]))


class Measured:
    """One command under tests/bench/rusage, in a process group of its
    own so that cleanup can end it and whatever it started."""

    def __init__(self, name, cmd, d):
        self.name = name
        self.report = os.path.join(d, name + ".rusage")
        self.log = os.path.join(d, name + ".log")
        self.proc = None
        self.pid = None         # the measured program (rusage's child)
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [RUSAGE, self.report] + cmd, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        end = time.monotonic() + 10
        while self.pid is None and time.monotonic() < end:
            self.pid = child_of(self.proc.pid)
            if self.pid is None:
                time.sleep(0.01)
        if self.pid is None:
            die("%s: no process under rusage: %s" % (name, self.tail()))

    def tail(self):
        with open(self.log, errors="replace") as f:
            return f.read()[-600:]

    def stop(self):
        """SIGTERM to the program, wait for rusage's report."""
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
                die("%s ignored SIGTERM for 30 s" % self.name)
        return self.result()

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()

    def result(self):
        with open(self.report) as f:
            secs, kib, usr, sys_ = f.read().split()
        with open(self.log, errors="replace") as f:
            lines = f.read().splitlines()
        return {"wall_s": float(secs), "maxrss_kib": int(kib),
                "user_s": float(usr), "sys_s": float(sys_),
                "cpu_s": float(usr) + float(sys_),
                "exit": self.proc.returncode,
                "rounds_ok": sum(1 for l in lines if " ok " in l),
                "rounds_failed": sum(1 for l in lines if " FAILED " in l),
                "failures": [l for l in lines if " FAILED " in l][:5]}


class Tmux:
    """A private tmux server on its own socket."""

    def __init__(self, binary, d):
        self.sock = os.path.join(d, "tmux.sock")
        conf = os.path.join(d, "tmux.conf")
        with open(conf, "w") as f:
            f.write("set -g status off\nset -g escape-time 0\n"
                    "set -g default-shell /bin/sh\n")
        self.base = [binary, "-u", "-S", self.sock, "-f", conf]

    def __call__(self, *args, check=True):
        r = subprocess.run(self.base + list(args), capture_output=True,
                           text=True, stdin=subprocess.DEVNULL)
        if check and r.returncode != 0:
            die("tmux %s: %s" % (args[0], r.stderr.strip()))
        return r.stdout

    def kill(self):
        if os.path.exists(self.sock):
            subprocess.run(self.base + ["kill-server"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def steady(samples, key, warm):
    """Per minute of key over the samples from warm seconds on."""
    s = [x for x in samples if x["t"] >= warm and x.get(key) is not None]
    if len(s) < 2 or s[-1]["t"] <= s[0]["t"]:
        return None
    return (s[-1][key] - s[0][key]) * 60.0 / (s[-1]["t"] - s[0]["t"])


def wait_rounds(m, want, secs):
    """Wait until the feeder m has stored want rounds; die if it dies."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if m.proc.poll() is not None:
            die("%s exited %d: %s" % (m.name, m.proc.returncode, m.tail()))
        with open(m.log, errors="replace") as f:
            if sum(1 for l in f if " ok " in l) >= want:
                return
        time.sleep(0.2)
    die("%s stored fewer than %d rounds in %d s: %s" % (m.name, want, secs,
                                                       m.tail()))


def feeder_phase(sitrep, conf, names, secs, warm, d, tmux_bin, size):
    """One `fetch --all` and one wallboard in tmux for secs seconds."""
    cols, rows = size
    cache = os.path.join(d, "feeder.db")
    base = [sitrep, "--config", conf, "--cache", cache]
    feeder = Measured("feeder", base + ["fetch", "--all"], d)
    t0 = time.monotonic()
    # The wallboard opens the cache read-only and never creates it: start
    # it once every context has stored a round.
    wait_rounds(feeder, 2 * len(names), 60)
    tmux = Tmux(tmux_bin, d)
    try:
        go = os.path.join(d, "go")
        pipe = os.path.join(d, "wallboard.bytes")
        report = os.path.join(d, "wallboard.rusage")
        home = os.path.join(d, "home")
        os.makedirs(home, exist_ok=True)
        board = " ".join(shlex.quote(a) for a in [RUSAGE, report] + base +
                         ["wallboard", "--all"])
        inner = ("while [ ! -e %s ]; do sleep 0.05; done; exec %s 2>%s"
                 % (shlex.quote(go), board,
                    shlex.quote(os.path.join(d, "wallboard.err"))))
        cmd = ("exec env -i PATH=%s TERM=xterm-256color LANG=C.UTF-8 "
               "HOME=%s XDG_CONFIG_HOME=%s XDG_CACHE_HOME=%s /bin/sh -c %s"
               % (shlex.quote(os.environ.get("PATH", "/usr/bin:/bin")),
                  shlex.quote(home), shlex.quote(home), shlex.quote(home),
                  shlex.quote(inner)))
        tmux("new-session", "-d", "-s", "wb", "-x", str(cols), "-y",
             str(rows), cmd)
        tmux("set", "-w", "-t", "wb", "window-size", "manual")
        tmux("resize-window", "-t", "wb", "-x", str(cols), "-y", str(rows))
        tmux("pipe-pane", "-o", "-t", "wb", "cat >>" + shlex.quote(pipe))
        open(pipe, "a").close()
        rusage_pid = int(tmux("display", "-p", "-t", "wb",
                              "#{pane_pid}").strip())
        open(go, "w").close()
        tw = time.monotonic()
        # The pane's shell waits for go, then becomes rusage, whose
        # child is the wallboard.
        wpid = None
        end = tw + 10
        while wpid is None and time.monotonic() < end:
            try:
                with open("/proc/%d/cmdline" % rusage_pid, "rb") as f:
                    argv0 = f.read().split(b"\0")[0].decode()
            except OSError:
                break
            if argv0 == RUSAGE:
                wpid = child_of(rusage_pid)
            if wpid is None:
                time.sleep(0.01)
        if wpid is None:
            die("the wallboard did not start")
        # The first screen: what it wrote in its first 0.9 s.
        time.sleep(0.9)
        first = os.path.getsize(pipe)
        samples = []
        repaint = None
        stop_at = t0 + secs     # both stop together, secs after the feeder
        resize_at = warm / 2
        while time.monotonic() < stop_at:
            now = time.monotonic()
            x = {"t": now - tw, "feeder_t": now - t0,
                 "bytes": os.path.getsize(pipe)}
            for key, pid in (("feeder", feeder.pid), ("wallboard", wpid)):
                s = proc_sample(pid)
                if s is not None:
                    x[key + "_cpu_s"], x[key + "_rss_kib"] = s
            samples.append(x)
            if feeder.proc.poll() is not None:
                die("the feeder exited %d early: %s" % (
                    feeder.proc.returncode, feeder.tail()))
            if proc_sample(wpid) is None:
                with open(os.path.join(d, "wallboard.err"),
                          errors="replace") as f:
                    die("the wallboard exited early: " + f.read()[-600:])
            if repaint is None and x["t"] >= resize_at:
                # One full repaint: a resize away and back; the bytes
                # after the return to the measured size.
                tmux("resize-window", "-t", "wb", "-x", str(cols - 1),
                     "-y", str(rows))
                time.sleep(1.5)
                b0 = os.path.getsize(pipe)
                tmux("resize-window", "-t", "wb", "-x", str(cols), "-y",
                     str(rows))
                time.sleep(1.5)
                repaint = os.path.getsize(pipe) - b0
                continue
            time.sleep(max(0.0, min(1.0, stop_at - time.monotonic())))
        screen = tmux("capture-pane", "-p", "-t", "wb").splitlines()
        total = os.path.getsize(pipe)
        # What the idle board wrote in its last ten seconds, to read.
        last = [x for x in samples if x["t"] >= samples[-1]["t"] - 10]
        with open(pipe, "rb") as f:
            f.seek(last[0]["bytes"])
            tail = f.read(total - last[0]["bytes"])
        idle_tail = {"seconds": samples[-1]["t"] - last[0]["t"],
                     "bytes": len(tail),
                     "text": repr(tail[:6000])[2:-1]}
        fres = feeder.stop()
        tmux("send-keys", "-t", "wb", "q")
        end = time.monotonic() + 15
        wres = None
        while time.monotonic() < end:
            try:
                with open(report) as f:
                    wsecs, kib, usr, sys_ = f.read().split()
                wres = {"wall_s": float(wsecs), "maxrss_kib": int(kib),
                        "user_s": float(usr), "sys_s": float(sys_),
                        "cpu_s": float(usr) + float(sys_)}
                break
            except (OSError, ValueError):
                time.sleep(0.1)
        if wres is None:
            die("the wallboard did not quit on q within 15 s")
    finally:
        feeder.kill()
        tmux.kill()
    fres["cpu_per_min_steady_s"] = steady(
        [dict(x, t=x["feeder_t"]) for x in samples], "feeder_cpu_s", warm)
    wres.update({
        "cpu_per_min_steady_s": steady(samples, "wallboard_cpu_s", warm),
        "first_screen_bytes": first, "full_repaint_bytes": repaint,
        "bytes_total": total,
        "bytes_per_min_steady": steady(samples, "bytes", warm),
        "idle_tail": idle_tail, "screen": screen})
    return fres, wres, samples


def baseline_phase(sitrep, conf, names, secs, warm, d):
    """One `fetch --context NAME` per context, all at once, secs seconds,
    into one shared cache (what a host without --all runs)."""
    cache = os.path.join(d, "baseline.db")
    ms = []
    try:
        for n in names:
            ms.append(Measured("fetch-" + n, [
                sitrep, "--config", conf, "--cache", cache, "fetch",
                "--context", n], d))
        t0 = time.monotonic()
        samples = []
        while time.monotonic() < t0 + secs:
            x = {"t": time.monotonic() - t0, "cpu_s": 0.0, "rss_kib": 0}
            for m in ms:
                s = proc_sample(m.pid)
                if s is None or m.proc.poll() is not None:
                    die("%s exited early: %s" % (m.name, m.tail()))
                x["cpu_s"] += s[0]
                x["rss_kib"] += s[1]
            samples.append(x)
            time.sleep(max(0.0, min(1.0, t0 + secs - time.monotonic())))
        runs = [m.stop() for m in ms]
    finally:
        for m in ms:
            m.kill()
    total = {k: sum(r[k] for r in runs) for k in (
        "cpu_s", "user_s", "sys_s", "maxrss_kib", "rounds_ok",
        "rounds_failed")}
    total["wall_s"] = max(r["wall_s"] for r in runs)
    total["cpu_per_min_steady_s"] = steady(samples, "cpu_s", warm)
    total["peak_sampled_rss_sum_kib"] = max(x["rss_kib"] for x in samples)
    return {"sum": total, "processes": dict(zip(names, runs))}, samples


def cmd_wallboard(args):
    global RUSAGE
    RUSAGE = opt(args, "--rusage")
    sitrep = opt(args, "--sitrep")
    proms = [loopback(u) for u in opt(args, "--prom").split(",")]
    ams = [loopback(u) for u in opt(args, "--am").split(",")]
    secs = int(opt(args, "--seconds"))
    ncontexts = int(opt(args, "--contexts", "20"))
    refresh = opt(args, "--refresh", "5s")
    nalerts = int(opt(args, "--alerts", "40"))
    tmux_bin = opt(args, "--tmux", "tmux")
    cols, rows = (int(v) for v in opt(args, "--size", "160x45").split("x"))
    d = opt(args, "--dir")
    out = opt(args, "--out")
    # scripts/bench ends this with SIGTERM on ^C: leave through the
    # finally blocks, which end every process started here.
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(143))
    # Steady state: after the first minute (half the run when shorter).
    warm = 60.0 if secs >= 120 else secs / 2.0
    for am in ams:
        am_load(am, 0, nalerts)
    names = ["ctx-%02d" % (i + 1) for i in range(ncontexts)]
    conf = os.path.join(d, "wallboard.yaml")
    write_wb_conf(conf, names, proms, ams, refresh)
    chk = subprocess.run([sitrep, "--config", conf, "config", "check"],
                         capture_output=True, text=True)
    if chk.returncode != 0:
        die("the generated configuration is refused: " + chk.stdout +
            chk.stderr)
    fres, wres, fsamples = feeder_phase(sitrep, conf, names, secs, warm,
                                        d, tmux_bin, (cols, rows))
    base, bsamples = baseline_phase(sitrep, conf, names, secs, warm, d)
    res = {"wallboard": {
        "seconds": secs, "warm_s": warm, "contexts": ncontexts,
        "refresh": refresh, "size": "%dx%d" % (cols, rows),
        "prometheus": len(proms), "alertmanagers": len(ams),
        "alerts_per_alertmanager": nalerts,
        "slos": len(WB_SLOS), "services": len(WB_SERVICES),
        "feeder": fres, "baseline": base, "board": wres,
        "samples": {"feeder_and_board": fsamples, "baseline": bsamples}}}
    with open(out, "w") as f:
        json.dump(res, f, indent=1)


# ------------------------------------------------------------------
# Scale: the console in a pseudo-terminal against a big world
# ------------------------------------------------------------------

class CountingProxy:
    """bench.py proxy in its own process (so that its copying never holds
    this process, which times keys): 127.0.0.1 in front of a target port,
    counting the bytes each way and the HTTP requests by path."""

    def __init__(self, target_port, d, name):
        self.stats = os.path.join(d, name + ".stats")
        pfile = os.path.join(d, name + ".port")
        self.log = open(os.path.join(d, name + ".log"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "proxy", pfile,
             str(target_port), self.stats], stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + 10
        while not os.path.exists(pfile) and time.monotonic() < end:
            time.sleep(0.05)
        if not os.path.exists(pfile):
            self.stop()
            die("the counting proxy did not start")
        with open(pfile) as f:
            self.port = int(f.read())

    def read(self):
        """The counters as last written (every 0.2 s)."""
        for _ in range(50):
            try:
                with open(self.stats) as f:
                    return json.load(f)
            except (OSError, ValueError):
                time.sleep(0.05)
        die("the counting proxy wrote no counters")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def cmd_proxy(args):
    """proxy PORT_FILE TARGET_PORT STATS_FILE: see CountingProxy."""
    import re
    import select
    import socket
    import threading
    pfile, target, stats = args[0], int(args[1]), args[2]
    lock = threading.Lock()
    c = {"bytes_down": 0, "bytes_up": 0, "connections": 0, "requests": {},
         "list_starts": {}, "watches": {}}
    reqline = re.compile(rb"(?:^|\r\n)(GET|POST|PUT|PATCH|DELETE) (\S+) "
                         rb"HTTP/1\.[01]\r\n")

    def count(path):
        p, _, q = path.decode("latin-1").partition("?")
        c["requests"][p] = c["requests"].get(p, 0) + 1
        if "watch=1" in q or "watch=true" in q:
            c["watches"][p] = c["watches"].get(p, 0) + 1
        elif "continue=" not in q:
            c["list_starts"][p] = c["list_starts"].get(p, 0) + 1

    def pump(cli):
        try:
            srv = socket.create_connection(("127.0.0.1", target))
        except OSError:
            cli.close()
            return
        pending = b""
        try:
            while True:
                r, _, _ = select.select([cli, srv], [], [])
                for s in r:
                    data = s.recv(262144)
                    if not data:
                        return
                    (srv if s is cli else cli).sendall(data)
                    with lock:
                        if s is srv:
                            c["bytes_down"] += len(data)
                            continue
                        c["bytes_up"] += len(data)
                        pending += data
                        end = 0
                        for m in reqline.finditer(pending):
                            count(m.group(2))
                            end = m.end()
                        pending = pending[end:][-8192:]
        except OSError:
            pass
        finally:
            cli.close()
            srv.close()

    def write():
        with lock:
            text = json.dumps(c)
        with open(stats + ".tmp", "w") as f:
            f.write(text)
        os.rename(stats + ".tmp", stats)

    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    write()
    with open(pfile + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(pfile + ".tmp", pfile)
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(0))

    def writer():
        while True:
            time.sleep(0.2)
            write()
    threading.Thread(target=writer, daemon=True).start()
    try:
        while True:
            cli, _ = ls.accept()
            with lock:
                c["connections"] += 1
            threading.Thread(target=pump, args=(cli,), daemon=True).start()
    finally:
        write()


class PtyConsole:
    """The real console on a pseudo-terminal of a fixed size, its output
    read as it comes (a full pty would stop it)."""

    def __init__(self, argv, size, d, name):
        import fcntl
        import pty
        import struct
        import termios
        cols, rows = size
        self.name = name
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        home = os.path.join(d, "home")
        os.makedirs(home, exist_ok=True)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "TERM": "xterm-256color", "LANG": "C.UTF-8",
               "HOME": home, "XDG_CONFIG_HOME": home,
               "XDG_CACHE_HOME": home, "TZ": "UTC"}

        def child():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.errf = open(os.path.join(d, name + ".err"), "w")
        self.total = 0
        self.tail = b""
        self.t_exec = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave,
                                     stderr=self.errf, env=env,
                                     preexec_fn=child, close_fds=True)
        os.close(slave)
        os.set_blocking(self.master, False)

    def read(self, timeout):
        """Read what is there, waiting up to timeout s for a first byte;
        returns the bytes (b"" on timeout), the time the first arrived."""
        import select
        r, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not r:
            return b"", None
        t = time.monotonic()
        out = b""
        while True:
            try:
                data = os.read(self.master, 1 << 16)
            except BlockingIOError:
                break
            except OSError:         # the console closed the terminal
                break
            if not data:
                break
            out += data
        self.total += len(out)
        self.tail = (self.tail + out)[-65536:]
        return out, t

    def drain(self, secs):
        """Read everything for secs seconds."""
        end = time.monotonic() + secs
        while time.monotonic() < end:
            self.read(end - time.monotonic())
            if self.proc.poll() is not None:
                return

    def wait_for(self, markers, secs):
        """Read until every marker has appeared in the output since the
        call; the time the last one arrived, or None after secs."""
        end = time.monotonic() + secs
        seen = b""
        left = list(markers)
        while time.monotonic() < end and self.proc.poll() is None:
            data, t = self.read(end - time.monotonic())
            seen = (seen + data)[-262144:]
            left = [m for m in left if m not in seen]
            if not left:
                return t
        return None

    def key(self, k, limit):
        """Write k; seconds to the first byte read back (None: limit)."""
        self.read(0)
        t0 = time.monotonic()
        os.write(self.master, k)
        data, t = self.read(limit)
        return None if t is None else t - t0

    def proc_status(self):
        """Peak and current resident KiB, CPU s, of the console."""
        st = {}
        try:
            with open("/proc/%d/status" % self.proc.pid) as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k in ("VmHWM", "VmRSS"):
                        st[k] = int(v.split()[0])
            s = proc_sample(self.proc.pid)
            if s is not None:
                st["cpu_s"] = s[0]
        except OSError:
            pass
        return st

    def quit(self):
        """q, then the exit status (the console is killed after 20 s)."""
        if self.proc.poll() is None:
            try:
                os.write(self.master, b"q")
            except OSError:
                pass
            end = time.monotonic() + 20
            while self.proc.poll() is None and time.monotonic() < end:
                self.read(0.1)
        if self.proc.poll() is None:
            self.proc.kill()
        rc = self.proc.wait()
        os.close(self.master)
        self.errf.close()
        return rc


def pct(xs, q):
    """The q-th percentile (nearest rank) of xs."""
    s = sorted(xs)
    if not s:
        return None
    return s[min(len(s) - 1, max(0, int(round(q / 100.0 * len(s) + 0.5)) - 1))]


def key_run(con, nkeys, gap, limit=10.0):
    """nkeys keys j and k in turn (the selection moves down and back: the
    screen always changes) with a random gap; latencies in ms."""
    import random
    rng = random.Random(14)
    lat, lost = [], 0
    for i in range(nkeys):
        con.drain(rng.uniform(*gap))
        if con.proc.poll() is not None:
            die("%s exited %s during the keys: see %s.err" % (
                con.name, con.proc.returncode, con.name))
        t = con.key(b"j" if i % 2 == 0 else b"k", limit)
        if t is None:
            lost += 1
            t = limit
        lat.append(t * 1e3)
    return {"keys": nkeys, "no_answer": lost, "p50_ms": pct(lat, 50),
            "p90_ms": pct(lat, 90), "p99_ms": pct(lat, 99),
            "max_ms": max(lat), "mean_ms": statistics.mean(lat),
            "samples_ms": [round(x, 3) for x in lat]}


def sources_rows(cache):
    """(context, name) -> (last success ms, items) from a cache."""
    import sqlite3
    try:
        c = sqlite3.connect("file:%s?mode=ro" % cache, uri=True, timeout=5)
        try:
            rows = c.execute("SELECT context, name, last_success_ms, items "
                             "FROM sources").fetchall()
        finally:
            c.close()
    except sqlite3.Error:
        return {}
    return {(r[0], r[1]): (r[2], r[3]) for r in rows}


def slo_conf_lines(nslos, nsvc):
    """SLOs over Prometheus's own request counter, each a distinct query."""
    out = ["slos:"]
    for s in range(nslos):
        sel = 'handler!="/bench/%03d"' % s
        out += ["  - name: slo-%03d" % s,
                "    service: svc-%04d" % (s % nsvc),
                "    objective: 99.9", "    period: 30d", "    sli:",
                "      events:",
                "        error_query: %s" % yq(
                    'sum(rate(prometheus_http_requests_total{code=~"5..",'
                    '%s}[{{.window}}]))' % sel),
                "        total_query: %s" % yq(
                    'sum(rate(prometheus_http_requests_total{%s}'
                    '[{{.window}}]))' % sel)]
    return out


def write_scale_conf(path, prom, am, kubeconfig, refresh, pods, nslos):
    """One context on the three servers; a service per deployment."""
    nsvc = max(1, (pods + 9) // 10)
    # 200 SLOs are some 1,800 queries a round: give them time to finish.
    lines = ["contexts:", "  - name: bench", "    refresh: %s" % refresh,
             "    prometheus:", "      url: %s" % prom, "      timeout: 5m",
             "    alertmanagers:", "      - url: %s" % am,
             "        timeout: 30s", "    kubernetes:",
             "      kubeconfig: %s" % kubeconfig, "      timeout: 60s",
             "services:"]
    for i in range(nsvc):
        lines.append("  - name: svc-%04d\n    match: {namespace: team-%02d, "
                     "deployment: svc-%04d}" % (i, i // 40, i))
    if nslos:
        lines += slo_conf_lines(nslos, nsvc)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_kubeconfig(path, port, token):
    with open(path, "w") as f:
        f.write("apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n"
                "  cluster:\n    server: http://127.0.0.1:%d\nusers:\n"
                "- name: bench\n  user:\n    token: %s\ncontexts:\n"
                "- name: bench\n  context:\n    cluster: bench\n"
                "    user: bench\ncurrent-context: bench\n" % (port, token))
    os.chmod(path, 0o600)


def closed_port():
    """A loopback port nothing listens on (bound, then closed)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


FOOTER = b"q quit"      # the footer's key line, written last in a frame


def first_frame(argv, size, d, name, data_marker, reps):
    """Exec to the first frame holding the footer and data_marker, ms."""
    runs = []
    for i in range(reps):
        con = PtyConsole(argv, size, d, "%s-%d" % (name, i))
        t = con.wait_for([FOOTER, data_marker], 60)
        rc = con.quit()
        if t is None:
            die("%s: no frame with %r and %r within 60 s (exit %s): %r"
                % (name, FOOTER, data_marker, rc, con.tail[-600:]))
        runs.append((t - con.t_exec) * 1e3)
    return {"median_ms": statistics.median(runs), "min_ms": min(runs),
            "max_ms": max(runs), "runs_ms": runs}


def fit_exponent(xs, ys):
    """The least-squares slope of log y against log x."""
    import math
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.mean(p[0] for p in pts)
    my = statistics.mean(p[1] for p in pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def growth(tool, sizes, d, size):
    """render_bench fill and paint on worlds of each size (alerts and SLOs
    grow with the pods: 10,000 pods, 5,000 alerts, 200 SLOs)."""
    rows, cols = size[1], size[0]
    pts = []
    for pods in sizes:
        world = ["--big", str(pods), str(max(1, pods // 2)),
                 str(max(1, pods // 50))]
        cache = os.path.join(d, "growth-%d.db" % pods)
        fill = subprocess.run([tool, "fill", cache] + world,
                              capture_output=True, text=True)
        if fill.returncode != 0:
            die("render_bench fill: " + fill.stderr)
        paint = subprocess.run(
            [tool, "paint", cache] + world + [
                "--repaints", "20", "--size", "%dx%d" % (rows, cols),
                "--out", os.path.join(d, "growth.screen")],
            capture_output=True, text=True)
        if paint.returncode != 0:
            die("render_bench paint: " + paint.stderr)
        r = json.loads(paint.stdout)
        r.update(json.loads(fill.stdout))
        r["pods"] = pods
        pts.append(r)
        for f in os.listdir(d):
            if f.startswith("growth-%d.db" % pods):
                os.unlink(os.path.join(d, f))
    xs = [p["pods"] for p in pts]
    fit = {k: fit_exponent(xs, [p[k] for p in pts]) for k in (
        "fill_ms", "first_frame_ms", "rebuild_cpu_ms", "maxrss_kib",
        "fill_maxrss_kib")}
    return {"points": pts, "exponent": fit}


def cmd_scale(args):
    sitrep = opt(args, "--sitrep")
    am = loopback(opt(args, "--am"))
    prom = loopback(opt(args, "--prom"))
    emu = opt(args, "--kubeemu")
    tool = opt(args, "--render-tool")
    d = opt(args, "--dir")
    out = opt(args, "--out")
    nkeys = int(opt(args, "--keys", "2000"))
    pods = int(opt(args, "--pods", "10000"))
    nalerts = int(opt(args, "--alerts", "5000"))
    nslos = int(opt(args, "--slos", "200"))
    qslos = int(opt(args, "--query-slos", "20"))
    refresh = opt(args, "--refresh", "3s")
    cols, rows = (int(v) for v in opt(args, "--size", "160x45").split("x"))
    gap = tuple(float(v) / 1e3 for v in opt(args, "--gap-ms",
                                              "10,50").split(","))
    warm_s = float(opt(args, "--warm-seconds", "10"))
    reps = int(opt(args, "--first-reps", "5"))
    first_wait = int(opt(args, "--first-wait", "120"))
    sizes = [int(v) for v in opt(args, "--growth",
                                 "1000,10000,50000").split(",")]
    size = (cols, rows)
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(143))
    res = {"pods": pods, "alerts": nalerts, "slos": nslos,
           "refresh": refresh, "size": "%dx%d" % size, "keys": nkeys,
           "gap_ms": [g * 1e3 for g in gap]}
    started = []
    try:
        # Growth first: render_bench alone on the machine.
        print("scale: growth, render_bench on %s pods..." % ", ".join(
            "{:,}".format(s) for s in sizes), flush=True)
        res["growth"] = growth(tool, sizes, d, size)

        # Prometheus queries of one round for qslos SLOs.
        conf = os.path.join(d, "query.yaml")
        with open(conf, "w") as f:
            f.write("contexts:\n  - name: bench\n    prometheus:\n"
                    "      url: %s\n      timeout: 60s\nservices:\n" % prom)
            for i in range(max(1, qslos)):
                f.write("  - name: svc-%04d\n    match: {job: prometheus}\n"
                        % i)
            f.write("\n".join(slo_conf_lines(qslos, max(1, qslos))) + "\n")
        before = prom_counts(prom)
        r = subprocess.run([sitrep, "--config", conf, "--cache",
                            os.path.join(d, "query.db"), "fetch", "--once"],
                           capture_output=True, text=True)
        after = prom_counts(prom)
        if r.returncode != 0 or sitrep_ok(1)(r.stdout):
            die("sitrep fetch --once (%d SLOs): %s%s" % (
                qslos, r.stdout, r.stderr))
        got = {h: after.get(h, 0) - before.get(h, 0) for h in after}
        got = {h: v for h, v in got.items() if v > 0 and h != "/metrics"}
        res["prom_round"] = {"slos": qslos, "by_handler": got,
                             "requests": sum(got.values())}

        # The big world: Alertmanager, the emulator behind a counting proxy.
        print("scale: %s alerts into Alertmanager; the Kubernetes API "
              "emulator with %s pods (a minute)..." % (
                  "{:,}".format(nalerts), "{:,}".format(pods)), flush=True)
        am_load(am, 0, nalerts)
        token = os.urandom(16).hex()
        pfile = os.path.join(d, "emu.port")
        elog = open(os.path.join(d, "emu.log"), "w")
        emup = subprocess.Popen(
            [sys.executable, emu, "--pods", str(pods), "--fixture-dir",
             os.path.join(d, "fixtures"), "--plain-http", "--no-resync",
             "--port", "0", "--port-file", pfile],
            env=dict(os.environ, KUBEEMU_TOKEN_VALUE=token),
            stdin=subprocess.DEVNULL, stdout=elog, stderr=subprocess.STDOUT)
        started.append(emup)
        end = time.monotonic() + 900
        while not os.path.exists(pfile):
            if emup.poll() is not None or time.monotonic() > end:
                elog.flush()
                with open(elog.name) as f:
                    die("the emulator did not start: " + f.read()[-800:])
            time.sleep(0.2)
        with open(pfile) as f:
            emu_port = int(f.read())
        proxy = CountingProxy(emu_port, d, "kubeproxy")
        started.append(proxy)
        kc = os.path.join(d, "kubeconfig")
        write_kubeconfig(kc, proxy.port, token)
        conf = os.path.join(d, "scale.yaml")
        write_scale_conf(conf, prom, am, kc, refresh, pods, nslos)
        chk = subprocess.run([sitrep, "--config", conf, "config", "check"],
                             capture_output=True, text=True)
        if chk.returncode != 0:
            die("the generated configuration is refused: " + chk.stdout +
                chk.stderr)

        # Baseline: the same keys on the demo.
        print("scale: %d keys on --demo (baseline)..." % nkeys, flush=True)
        con = PtyConsole([sitrep, "--demo", "--cache",
                          os.path.join(d, "demo.db")], size, d, "demo")
        started.append(con)
        if con.wait_for([FOOTER], 60) is None:
            die("the demo console painted no frame: %r" % con.tail[-600:])
        con.drain(3)
        con.key(b"1", 5)
        base = key_run(con, nkeys, gap)
        base.update(con.proc_status())
        base["exit"] = con.quit()
        started.remove(con)
        res["keys_demo"] = base

        # The console on the big world, polling every refresh.
        print("scale: the console on the big world; waiting for every "
              "source's first round...", flush=True)
        cache = os.path.join(d, "scale.db")
        con = PtyConsole([sitrep, "--config", conf, "--cache", cache],
                         size, d, "big")
        started.append(con)
        # Every source's first round; the keys start without the ones
        # that have none after first_wait seconds (the report names them).
        end = time.monotonic() + first_wait
        while True:
            con.drain(1)
            if con.proc.poll() is not None:
                with open(os.path.join(d, "big.err")) as f:
                    die("the console exited: " + f.read()[-600:])
            src = sources_rows(cache)
            names = [k for k in src if src[k][0]]
            if len(names) >= 3:
                break
            if time.monotonic() > end:
                if not names:
                    die("no source stored a round in %d s: %s" % (
                        first_wait, src))
                break
        t_ready = time.monotonic() - con.t_exec
        without = sorted("bench/" + n for n in (
            "alertmanager", "kubernetes", "prometheus")
            if not src.get(("bench", n), (None,))[0])
        con.drain(warm_s)
        con.key(b"1", 30)
        print("scale: %d keys on the big world..." % nkeys, flush=True)
        # A Prometheus busy with the console's queries may not answer its
        # own counters in time: then those counts are left out.
        p0 = prom_counts(prom, 5, False)
        k0, s0 = proxy.read(), sources_rows(cache)
        t0 = time.monotonic()
        big = key_run(con, nkeys, gap)
        t1 = time.monotonic()
        p1 = prom_counts(prom, 5, False)
        k1, s1 = proxy.read(), sources_rows(cache)
        big.update(con.proc_status())
        big["exit"] = con.quit()
        started.remove(con)
        big["first_rounds_s"] = t_ready
        big["sources_without_first_round"] = without
        mins = (t1 - t0) / 60.0
        big["seconds"] = t1 - t0
        starts = {p: k1["list_starts"].get(p, 0) - k0["list_starts"].get(
            p, 0) for p in k1["list_starts"]}
        big["kube"] = {
            "bytes_down": k1["bytes_down"] - k0["bytes_down"],
            "bytes_up": k1["bytes_up"] - k0["bytes_up"],
            "requests": sum(k1["requests"].values()) -
            sum(k0["requests"].values()),
            "list_starts": starts,
            "pod_lists": starts.get("/api/v1/pods", 0),
            "bytes_per_min": (k1["bytes_down"] - k0["bytes_down"]) / mins,
            "whole_run": k1}
        if p0 is None or p1 is None:
            big["prom_requests"] = "not counted (Prometheus did not " \
                "answer /metrics within 5 s)"
        else:
            pg = {h: p1.get(h, 0) - p0.get(h, 0) for h in p1}
            big["prom_requests"] = {h: v for h, v in pg.items()
                                    if v > 0 and h != "/metrics"}
        big["sources_moved"] = sorted("%s/%s" % k for k in s1
                                      if s1[k][0] != s0.get(k, (None,))[0])
        # The console's last Prometheus round: its query count, as
        # `cache info` shows it (a steady round, not the first).
        try:
            db = sqlite3.connect("file:%s?mode=ro" % cache, uri=True)
            row_q = db.execute(
                "SELECT value FROM samples WHERE context = 'bench' AND"
                " query_key = 'prom:prometheus:queries'").fetchone()
            db.close()
            big["prom_last_round"] = int(row_q[0]) if row_q else None
        except sqlite3.Error:
            big["prom_last_round"] = None
        res["keys_big"] = big

        # First frame from the warm cache, every source on a closed port.
        print("scale: first frame from the warm cache, %d runs..." % reps,
              flush=True)
        dead = "http://127.0.0.1:%d" % closed_port()
        kcd = os.path.join(d, "kubeconfig.closed")
        write_kubeconfig(kcd, int(dead.rsplit(":", 1)[1]), token)
        confd = os.path.join(d, "closed.yaml")
        write_scale_conf(confd, dead, dead, kcd, refresh, pods, nslos)
        res["first_frame_big"] = first_frame(
            [sitrep, "--config", confd, "--cache", cache], size, d,
            "first", b"svc-0", reps)
        res["first_frame_demo"] = first_frame(
            [sitrep, "--demo", "--cache", os.path.join(d, "demo.db")],
            size, d, "first-demo", b"checkout", reps)
    finally:
        for x in reversed(started):
            if isinstance(x, PtyConsole):
                x.quit()
            elif isinstance(x, CountingProxy):
                x.stop()
            elif x.poll() is None:
                x.terminate()
                try:
                    x.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    x.kill()
                    x.wait()
    with open(out, "w") as f:
        json.dump({"scale": res}, f, indent=1)


# ------------------------------------------------------------------
# Report
# ------------------------------------------------------------------

def ratio(a, b):
    return a / b if b else float("inf")


def verdict(ok):
    return "meets goal" if ok else "MISSES goal"


def fmt_ms(v):
    return "-" if v is None else "%.1f ms" % v


def scale_section(res, p):
    """The details of the scale part."""
    s = res["scale"]
    p("SCALE (console in a %s pseudo-terminal, TERM=xterm-256color; big "
      "world: the Kubernetes API emulator with %s pods behind a counting "
      "proxy, Alertmanager with %s alerts, Prometheus with %d SLOs, "
      "refresh %s; %d keys j/k with %g-%g ms between them)" % (
          s["size"], "{:,}".format(s["pods"]), "{:,}".format(s["alerts"]),
          s["slos"], s["refresh"], s["keys"], s["gap_ms"][0],
          s["gap_ms"][1]))
    p("")
    d, b = s.get("keys_demo"), s.get("keys_big")
    if d and b:
        p("%-40s %12s %12s %10s" % ("key to first byte back", "demo", "big",
                                    "big/demo"))
        for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"):
            p("%-40s %12.2f %12.2f %9.1fx" % (k.replace("_ms", " (ms)"),
                                               d[k], b[k], ratio(b[k], d[k])))
        p("%-40s %12d %12d" % ("keys unanswered within 10 s",
                               d["no_answer"], b["no_answer"]))
        p("%-40s %12.1f %12.1f %9.1fx" % (
            "console peak RSS, VmHWM (MiB)", d.get("VmHWM", 0) / 1024,
            b.get("VmHWM", 0) / 1024, ratio(b.get("VmHWM", 0),
                                            d.get("VmHWM", 0))))
        p("%-40s %12.1f %12.1f" % ("console CPU at quit (s)",
                                   d.get("cpu_s", 0), b.get("cpu_s", 0)))
        k = b["kube"]
        p("")
        p("during the big world's keys (%.0f s): %d pod lists started "
          "(%d requests), %.1f MiB from the Kubernetes API, Prometheus "
          "requests %s; sources with a newer round: %s; the keys began "
          "%.1f s after the console started, once %s" % (
              b["seconds"], k["pod_lists"], k["requests"],
              k["bytes_down"] / 1048576.0, b["prom_requests"],
              ", ".join(b["sources_moved"]) or "none",
              b["first_rounds_s"], "every source had stored a round"
              if not b.get("sources_without_first_round") else
              "the wait ended with no round yet from " +
              ", ".join(b["sources_without_first_round"])))
    if "first_frame_big" in s:
        f, g = s["first_frame_big"], s["first_frame_demo"]
        p("first frame (exec to a frame with the footer and data), median "
          "of %d: big world from its warm cache (sources on a closed port) "
          "%.1f ms, demo (no cache) %.1f ms" % (
              len(f["runs_ms"]), f["median_ms"], g["median_ms"]))
    if "prom_round" in s:
        r = s["prom_round"]
        p("one Prometheus round for %d SLOs (sitrep fetch --once): %d "
          "requests %s" % (r["slos"], r["requests"], r["by_handler"]))
    if "growth" in s:
        g = s["growth"]
        p("")
        p("GROWTH (tests/bench/render_bench on the simulated world; alerts "
          "= pods/2, SLOs = pods/50)")
        p("%-10s %12s %14s %14s %14s %14s" % (
            "pods", "store ms", "first frame", "rebuild CPU", "paint RSS",
            "store RSS"))
        for x in g["points"]:
            p("%-10d %12.1f %11.1f ms %11.1f ms %10.1f MiB %10.1f MiB" % (
                x["pods"], x["fill_ms"], x["first_frame_ms"],
                x["rebuild_cpu_ms"], x["maxrss_kib"] / 1024,
                x["fill_maxrss_kib"] / 1024))
        e = g["exponent"]
        p("%-10s %12s %14s %14s %14s %14s" % tuple(
            ["exponent"] + ["-" if e[k] is None else "%.2f" % e[k] for k in (
                "fill_ms", "first_frame_ms", "rebuild_cpu_ms", "maxrss_kib",
                "fill_maxrss_kib")]))
    p("")


# The row "views rebuild after one source's round": render_bench rewrites
# the warm big cache's alerts as an Alertmanager round does and times the
# console's rebuild through its memo ("rebuild_after_am_round_ms").
def one_round_rebuild(res):
    """The figure at the table's size (10,000 pods), not another point's."""
    want = res.get("scale", {}).get("pods")
    for x in res.get("scale", {}).get("growth", {}).get("points", []):
        if x.get("pods") == want and \
                x.get("rebuild_after_am_round_ms") is not None:
            return x["rebuild_after_am_round_ms"]
    x = res.get("big", {}).get("median", {})
    return x.get("rebuild_after_am_round_ms")


def goals_table(res, p):
    """One row per measure of the goals: value, goal, verdict."""
    s = res.get("scale", {})
    rows = []

    def row(measure, value, goal, verdict_text):
        rows.append((measure, value, goal, verdict_text))

    def ok(b):
        return "meets" if b else "MISSES"

    big10k = None
    for x in s.get("growth", {}).get("points", []):
        if x["pods"] == s.get("pods"):
            big10k = x
    if big10k is None and "big" in res:
        big10k = res["big"]["median"]
    b, d = s.get("keys_big"), s.get("keys_demo")
    if b:
        row("key to screen p99 (max), polling every %s" % s["refresh"],
            "%.1f ms (%.1f ms)" % (b["p99_ms"], b["max_ms"]),
            "< 16 ms (< 50 ms)",
            "%s (%s); %.1fx the demo's p99" % (
                ok(b["p99_ms"] < 16), ok(b["max_ms"] < 50),
                ratio(b["p99_ms"], d["p99_ms"])))
        row("key to screen p50", "%.1f ms" % b["p50_ms"], "-",
            "%.1fx the demo's" % ratio(b["p50_ms"], d["p50_ms"]))
    else:
        row("key to screen p99 (max)", "not measured", "< 16 ms (< 50 ms)",
            "run scripts/bench scale")
    if "first_frame_big" in s:
        f = s["first_frame_big"]["median_ms"]
        row("first frame from a warm cache (exec to frame, pty)",
            "%.1f ms" % f, "< 50 ms", "%s; %.1fx the demo's" % (
                ok(f < 50), ratio(f, s["first_frame_demo"]["median_ms"])))
    if big10k is not None:
        f = big10k["first_frame_ms"]
        row("first frame, in process (render_bench)", "%.1f ms" % f,
            "< 50 ms", ok(f < 50))
    v = one_round_rebuild(res)
    if v is None:
        row("views rebuild after one Alertmanager round",
            "not measured: no incremental rebuild API", "< 20 ms", "-")
    else:
        row("views rebuild after one Alertmanager round", "%.1f ms" % v,
            "< 20 ms", ok(v < 20))
    if big10k is not None:
        v = big10k["rebuild_cpu_ms"]
        row("views rebuild, whole (CPU, render_bench)", "%.1f ms" % v,
            "< 50 ms", ok(v < 50))
    if "am_10000" in res:
        r = res["am_10000"]
        t = ratio(r["sitrep"]["median_s"], r["curl"]["median_s"])
        row("fetch and store 10,000 alerts / curl", "%.2fx" % t, "<= 1.5x",
            ok(t <= 1.5))
        t = ratio(r["sitrep"]["median_s"], r["amtool"]["median_s"])
        m = ratio(r["sitrep"]["maxrss_kib"], r["amtool"]["maxrss_kib"])
        row("the same / amtool: time / peak memory",
            "%.2fx / %.2fx" % (t, m), "< 1 / < 1",
            "%s / %s" % (ok(t < 1), ok(m < 1)))
    else:
        row("fetch and store 10,000 alerts / curl, / amtool",
            "not measured", "<= 1.5x; < 1 / < 1",
            "run scripts/bench scale or ingest")
    if b and b.get("VmHWM"):
        m = b["VmHWM"] / 1024
        row("peak resident memory of the console (VmHWM)",
            "%.1f MiB" % m, "< 32 MiB", "%s; %.1fx the demo's" % (
                ok(m < 32), ratio(b["VmHWM"], d.get("VmHWM", 0))))
    if "growth" in s:
        e = s["growth"]["exponent"]
        sizes = "/".join("%dk" % (x["pods"] // 1000)
                         for x in s["growth"]["points"])
        for label, k in (("store a round", "fill_ms"),
                         ("first frame", "first_frame_ms"),
                         ("views rebuild", "rebuild_cpu_ms"),
                         ("console peak memory", "maxrss_kib")):
            v = e.get(k)
            row("growth %s pods: %s" % (sizes, label),
                "-" if v is None else "exponent %.2f" % v, "<= 1.1",
                "-" if v is None else ok(v <= 1.1))
    if b:
        k = b["kube"]
        # One full list of everything, as a round re-listing would cost:
        # from the keys if a list ran then, else from the whole run.
        if k["pod_lists"]:
            per_round = ratio(k["bytes_down"], k["pod_lists"])
        else:
            w = k.get("whole_run", {})
            per_round = ratio(w.get("bytes_down", 0), max(1, w.get(
                "list_starts", {}).get("/api/v1/pods", 0)))
        v = k["bytes_per_min"]
        row("Kubernetes API load, steady, nothing changing",
            "%.1f MiB/min (%.1f lists/min)" % (
                v / 1048576.0, k["pod_lists"] * 60.0 / b["seconds"]),
            "~ the changes only (none)", "%s (read as: < 1%% of one "
            "round's %.1f MiB a minute)" % (ok(v < 0.01 * per_round),
                                           per_round / 1048576.0))
    if "prom_round" in s:
        r = s["prom_round"]
        row("Prometheus queries, first round, %d SLOs" % r["slos"],
            "%d" % r["requests"], "-", "a first round also asks for "
            "every Sloth rule window")
    steady = s.get("keys_big", {}).get("prom_last_round")
    if steady is not None:
        row("Prometheus queries per refresh, %d SLOs (console)" %
            s.get("slos", 0), "%d" % steady, "a handful (<= 10)",
            ok(steady <= 10))
    w = [max(len(x[i]) for x in rows + [("measure", "value", "goal",
                                         "verdict")]) for i in range(3)]
    p("GOALS (issue: scale and speed)")
    p("")
    fmt = "%%-%ds | %%-%ds | %%-%ds | %%s" % tuple(w)
    p(fmt % ("measure", "value", "goal", "verdict"))
    p("-" * (sum(w) + 9 + 20))
    for r in rows:
        p(fmt % r)


def cmd_report(args):
    res = {}
    for path in args:
        with open(path) as f:
            res.update(json.load(f))
    lines = []
    p = lines.append
    if "am_1000" in res:
        p("INGEST (median of %d runs each, after one warm-up; time from "
          "spawn to exit, peak RSS of that process)" % res["reps"])
        p("")
        p("%-26s %-13s %10s %10s  %s" % ("case", "tool", "time ms",
                                         "RSS MiB", "what"))
        for case in ("am_1000", "am_10000", "prom_up", "prom_slo"):
            if case not in res:
                continue
            r = res[case]
            title = {"am_1000": "Alertmanager 1,000 alerts",
                     "am_10000": "Alertmanager 10,000 alerts",
                     "prom_up": "Prometheus up x%d" % r.get("up_series", 0),
                     "prom_slo": "Prometheus up+%d SLOs" % r.get("slos", 0)
                     }[case]
            for tool, m in r.items():
                if not isinstance(m, dict) or "median_s" not in m:
                    continue
                p("%-26s %-13s %10.1f %10.1f  %s" % (
                    title, tool, m["median_s"] * 1e3,
                    m["maxrss_kib"] / 1024, m["what"]))
                title = ""
        p("")
    if "demo" in res:
        d, b = res["demo"]["median"], res["big"]["median"]
        p("RENDER (terminal %s, median of %d processes; big = 10,000 pods, "
          "5,000 alerts, 200 SLOs)" % (res["size"], len(
              res["demo"]["runs"])))
        p("")
        p("%-34s %12s %12s %10s  %s" % ("figure", "demo", "big",
                                        "big/demo", "goal (big)"))
        rows = [
            ("first frame, warm cache (ms)", "first_frame_ms", "< 50"),
            ("full repaint CPU (ms)", "full_repaint_cpu_ms", "< 2"),
            ("full repaint (bytes)", "full_repaint_bytes", ""),
            ("idle refresh (bytes)", "idle_refresh_bytes", "< 100"),
            ("once-a-second tick (bytes)", "tick_refresh_bytes", ""),
            ("views rebuild (ms CPU)", "rebuild_cpu_ms", ""),
            ("peak RSS (MiB)", "maxrss_kib", "< 32"),
            ("cache fill, not console (ms)", "fill_ms", ""),
        ]
        for label, k, goal in rows:
            dv, bv = d[k], b[k]
            if k == "maxrss_kib":
                dv, bv = dv / 1024, bv / 1024
            p("%-34s %12.2f %12.2f %9.2fx  %s" % (label, dv, bv,
                                                  ratio(bv, dv), goal))
        p("")
    if "wallboard" in res:
        w = res["wallboard"]
        f, b, wb = w["feeder"], w["baseline"]["sum"], w["board"]
        p("WALLBOARD (%d contexts on %d Prometheus and %d Alertmanagers, "
          "refresh %s, %d s each; CPU and peak RSS from wait4 via "
          "tests/bench/rusage; steady = per minute from %.0f s on, from "
          "/proc samples every second; terminal %s)" % (
              w["contexts"], w["prometheus"], w["alertmanagers"],
              w["refresh"], w["seconds"], w["warm_s"], w["size"]))
        p("")
        p("%-36s %12s %14s %8s" % ("figure", "fetch --all",
                                   "%d x fetch" % w["contexts"], "ratio"))
        for label, a, c in (
                ("CPU user+sys, whole run (s)", f["cpu_s"], b["cpu_s"]),
                ("CPU per minute, steady (ms)",
                 (f["cpu_per_min_steady_s"] or 0) * 1e3,
                 (b["cpu_per_min_steady_s"] or 0) * 1e3),
                ("peak RSS (MiB; summed for N)", f["maxrss_kib"] / 1024,
                 b["maxrss_kib"] / 1024),
                ("CPU per source round stored (ms)",
                 ratio(f["cpu_s"], f["rounds_ok"]) * 1e3,
                 ratio(b["cpu_s"], b["rounds_ok"]) * 1e3),
                ("rounds stored ok", f["rounds_ok"], b["rounds_ok"]),
                ("rounds failed", f["rounds_failed"],
                 b["rounds_failed"])):
            p("%-36s %12.1f %14.1f %8s" % (label, a, c, "%.2fx" % (
                ratio(a, c)) if c else "-"))
        p("")
        p("%-36s %12s" % ("wallboard (idle)", "value"))
        for label, v in (
                ("CPU user+sys, whole run (s)", wb["cpu_s"]),
                ("CPU per minute, steady (ms)",
                 (wb["cpu_per_min_steady_s"] or 0) * 1e3),
                ("peak RSS (MiB)", wb["maxrss_kib"] / 1024),
                ("first screen (bytes)", wb["first_screen_bytes"]),
                ("full repaint after resize (bytes)",
                 wb["full_repaint_bytes"]),
                ("idle bytes per minute, steady",
                 wb["bytes_per_min_steady"] or 0),
                ("idle bytes per second tick", (
                    wb["bytes_per_min_steady"] or 0) / 60)):
            p("%-36s %12.1f" % (label, v))
        p("")
    if "scale" in res:
        scale_section(res, p)
    p("RATIOS")
    if "am_1000" in res:
        for case in ("am_1000", "am_10000"):
            r = res[case]
            s, c, a = r["sitrep"], r["curl"], r["amtool"]
            t = ratio(s["median_s"], c["median_s"])
            p("  %-44s %6.2fx  (goal <= 1.5x: %s)" % (
                "%d alerts: sitrep/curl time" % r["alerts"], t,
                verdict(t <= 1.5)))
            t = ratio(s["median_s"], a["median_s"])
            p("  %-44s %6.2fx  (goal < 1: %s)" % (
                "%d alerts: sitrep/amtool time" % r["alerts"], t,
                verdict(t < 1)))
            t = ratio(s["maxrss_kib"], a["maxrss_kib"])
            p("  %-44s %6.2fx  (goal < 1: %s)" % (
                "%d alerts: sitrep/amtool RSS" % r["alerts"], t,
                verdict(t < 1)))
        for case in ("prom_up", "prom_slo"):
            if case not in res:
                continue
            r = res[case]
            s = r["sitrep"]
            t = ratio(s["median_s"], r["curl"]["median_s"])
            n = sum(r["requests"].values())
            p("  %-44s %6.2fx  (goal <= 1.5x: %s)" % (
                "%s (%d req): sitrep/curl sequential" % (case, n), t,
                verdict(t <= 1.5)))
            t = ratio(s["median_s"], r["curl_parallel"]["median_s"])
            p("  %-44s %6.2fx" % ("%s (%d req): sitrep/curl parallel"
                                  % (case, n), t))
    if "demo" in res:
        d, b = res["demo"]["median"], res["big"]["median"]
        for label, k, goal, lim in (
                ("full repaint CPU", "full_repaint_cpu_ms", "< 2 ms", 2),
                ("idle refresh bytes", "idle_refresh_bytes", "< 100", 100),
                ("peak RSS", "maxrss_kib", "< 32 MiB", 32 * 1024),
                ("first frame", "first_frame_ms", "< 50 ms", 50)):
            p("  %-44s %6.2fx  (big: %.2f, goal %s: %s)" % (
                "render big/demo " + label, ratio(b[k], d[k]),
                b[k] / 1024 if k == "maxrss_kib" else b[k], goal,
                verdict(b[k] < lim)))
    if "wallboard" in res:
        w = res["wallboard"]
        f, b, wb = w["feeder"], w["baseline"]["sum"], w["board"]
        n = w["contexts"]
        t = ratio(f["cpu_s"], b["cpu_s"])
        p("  %-44s %6.2fx  (goal < 1: %s)" % (
            "feeder CPU: fetch --all / %d x fetch" % n, t, verdict(t < 1)))
        t = ratio(f["maxrss_kib"], b["maxrss_kib"])
        p("  %-44s %6.2fx  (goal < 1: %s)" % (
            "feeder peak RSS: fetch --all / sum of %d" % n, t,
            verdict(t < 1)))
        if f["cpu_per_min_steady_s"]:
            p("  %-44s %6.1f ms CPU per minute" % (
                "feeder per context, steady",
                f["cpu_per_min_steady_s"] * 1e3 / n))
        if wb["full_repaint_bytes"] and wb["bytes_per_min_steady"] is not \
                None:
            t = ratio(wb["bytes_per_min_steady"], wb["full_repaint_bytes"])
            p("  %-44s %6.3fx  (goal far below 1: only the clock and "
              "what changed)" % ("wallboard idle bytes/min / 1 repaint/min",
                                 t))
            p("  %-44s %6.3fx  (each tick against repainting the screen "
              "each second)" % ("wallboard idle bytes/s / 1 repaint/s",
                               t / 60))
    if "scale" in res or "am_10000" in res or "big" in res:
        p("")
        goals_table(res, p)
    print("\n".join(lines))


def main():
    if len(sys.argv) < 2:
        die("usage: bench.py om|ingest|render|wallboard|report ...")
    cmd, args = sys.argv[1], sys.argv[2:]
    {"om": cmd_om, "ingest": cmd_ingest, "render": cmd_render,
     "wallboard": cmd_wallboard, "scale": cmd_scale, "proxy": cmd_proxy,
     "report": cmd_report}.get(cmd, lambda a: die("unknown " + cmd))(args)


if __name__ == "__main__":
    main()
