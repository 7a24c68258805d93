#!/usr/bin/env python3
"""bench.py: the measuring half of scripts/bench (standard library only).

scripts/bench starts the servers (tests/lib/servers.sh) and calls this:

  bench.py om FILE EVAL_S NUP NSLOS
      write an OpenMetrics file for promtool: NUP series of `up` (the
      vector sitrep stores) around EVAL_S, and the request counters of
      NSLOS SLOs over the three days before it.
  bench.py ingest --sitrep BIN --rusage BIN --am URL --prom URL --at EVAL_S
      --nslos N --reps N --dir DIR --out JSON
      load 1,000 then 10,000 alerts into Alertmanager and time sitrep's
      fetch-and-store beside curl and amtool for the same data.
  bench.py render --tool BIN --dir DIR --reps N --out JSON
      run tests/bench/render_bench on the demo and on the big world.
  bench.py report JSON...
      print the ratios against the goals from the results.

Every command runs under tests/bench/rusage, which times it from fork to
exit and reports the kernel's peak resident size for it (wait4).  Each
measurement is repeated and the median reported; commands are interleaved
round by round so that drift hits them all alike.  Only 127.0.0.1.
"""

import json
import os
import statistics
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
        secs, kib = f.read().split()
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


def curl_cmd(urls, workdir, name, parallel=False, compressed=True):
    """One curl process fetching every URL to /dev/null, in order."""
    path = os.path.join(workdir, name + ".curl")
    with open(path, "w") as f:
        for u in urls:
            f.write('url = "%s"\noutput = "/dev/null"\n' % u)
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


def prom_counts(prom):
    """Requests answered 200 so far, by handler, from /metrics."""
    with urllib.request.urlopen(prom + "/metrics", timeout=30) as r:
        text = r.read().decode()
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


def prom_urls(prom, eval_s, nslos):
    """The requests of one sitrep Prometheus round (see backends/prom.c)."""
    q = lambda s: urllib.parse.quote(s, safe="-_.~")
    t = "%.3f" % eval_s
    urls = [prom + "/api/v1/targets?state=active",
            prom + "/api/v1/query?query=up&time=" + t]
    for s in range(nslos):
        err = 'sum(rate(bench_requests_total{slo="s%03d",code="500"}[%s]))'
        tot = 'sum(rate(bench_requests_total{slo="s%03d"}[%s]))'
        for w in WINDOWS + ["30d"]:
            expr = "(%s) / (%s)" % (err % (s, w), tot % (s, w))
            urls.append(prom + "/api/v1/query?query=%s&time=%s"
                        % (q(expr), t))
        expr = "(%s) / (%s)" % (err % (s, "1h"), tot % (s, "1h"))
        start = eval_s - SPARK_RANGE_S
        start -= start % SPARK_STEP_S
        urls.append(prom + "/api/v1/query_range?query=%s&start=%.3f"
                    "&end=%s&step=900" % (q(expr), start, t))
    return urls


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
    prom = loopback(opt(args, "--prom"))
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
    for label, k in (("prom_up", 0), ("prom_slo", nslos)):
        conf = os.path.join(d, label + ".yaml")
        write_conf(conf, prom=prom, nslos=k)
        urls = prom_urls(prom, eval_s, k)
        cache = os.path.join(d, label + ".db")
        sit = [sitrep, "--config", conf, "--cache", cache, "fetch",
               "--once", "--at", str(eval_s)]
        # Check that sitrep asks exactly what curl will be asked.
        before = prom_counts(prom)
        measure(sit, d, sitrep_ok(1))
        after = prom_counts(prom)
        got = {h: after.get(h, 0) - before.get(h, 0) for h in after}
        got = {h: v for h, v in got.items() if v and h != "/metrics"}
        want = {}
        for u in urls:
            h = urllib.parse.urlsplit(u).path
            want[h] = want.get(h, 0) + 1
        if got != want:
            die("sitrep's requests %s differ from the curl list %s; "
                "backends/prom.c changed: update prom_urls()" % (got, want))
        up = http_json(urls[1])
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
# Report
# ------------------------------------------------------------------

def ratio(a, b):
    return a / b if b else float("inf")


def verdict(ok):
    return "meets goal" if ok else "MISSES goal"


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
    print("\n".join(lines))


def main():
    if len(sys.argv) < 2:
        die("usage: bench.py om|ingest|render|report ...")
    cmd, args = sys.argv[1], sys.argv[2:]
    {"om": cmd_om, "ingest": cmd_ingest, "render": cmd_render,
     "report": cmd_report}.get(cmd, lambda a: die("unknown " + cmd))(args)


if __name__ == "__main__":
    main()
