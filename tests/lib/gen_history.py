#!/usr/bin/env python3
"""Generate request-counter history with known SLO answers.

The SLO burn engine asks Prometheus, per SLO, for the error ratio over the
windows 5m, 30m, 1h, 2h, 6h, 1d, 3d and the 30d period, all at one fixed
evaluation time T:

    sum(rate(http_requests_total{service="S",code=~"5.."}[W]))
      / sum(rate(http_requests_total{service="S"}[W]))

To test it against a real Prometheus we need data whose answers are known
exactly.  This script writes OpenMetrics text (for `promtool tsdb
create-blocks-from openmetrics`) holding the counters
http_requests_total{code="200"} and {code="500"} of a few services, sampled
on a regular grid that ends exactly on T, and a JSON file with the expected
ratio of every service and window.

Why the answers are exact.  Every error rate is constant inside segments
whose edges lie at T-5m, T-30m, T-1h, T-2h, T-6h, T-1d and T-3d, and all
of those are multiples of the sample step.  So for a window W in that list
the range [T-W, T] starts and ends on a sample.  Prometheus 2.x includes
both ends of a range, so rate() sees a first sample at T-W and a last at T:
nothing is extrapolated and rate() is (v(T) - v(T-W)) / W after counter
resets are added back.  The window ratio is then the time-weighted mean of
the segment ratios, an exact fraction computed here.  The script also
replays Prometheus's extrapolatedRate() on the very samples it wrote and
checks that both agree; the replay alone gives the 30d answer, where the
window reaches past the start of the history and rate() extrapolates by
half a sample interval.  Floating point leaves differences near 1e-12;
the tests accept 1% relative.

Services (objective; expected multi-window multi-burn-rate verdict):
  checkout  99.9  page    burn(1h) and burn(5m) above 14.4
  payments  99.9  page    burn(6h) and burn(30m) above 6, but 1h below 14.4
  search    99.5  ticket  burn(1d) and burn(2h) above 3, no page; two
                          instances, one restarting (counter reset) at T-90m
  ledger    99.9  ok      every burn below 1
  idle      99.0  nodata  counters present but flat: 0/0 is NaN, so null

The verdict rule (from the SRE workbook) is written into the JSON too:
page if (1h > 14.4 and 5m > 14.4) or (6h > 6 and 30m > 6); otherwise
ticket if (1d > 3 and 2h > 3) or (3d > 1 and 6h > 1); otherwise ok.

What promtool and Prometheus need, and what the tests may rely on:
- the OpenMetrics text ends with "# EOF"; timestamps are in seconds; all
  samples of a metric family are contiguous and each series is in time
  order (here: the counter family is named http_requests, its samples
  http_requests_total, one series after another);
- promtool cuts 2h blocks by default (about 49 for four days); Prometheus
  started on a directory holding them answers queries over them as soon as
  /-/ready says so, although its head starts at the present;
- backfilled series carry no staleness markers; the history simply ends at
  T, so query at time=T: at the present, windows shorter than the gap since
  T find no samples and longer ones a part of the history.

Usage:
  gen_history.py --out FILE.om --truth FILE.json [--end T] [--days D]
                 [--step S]
T defaults to the current time rounded down to the hour, minus two hours
(promtool wants history in the past; Prometheus keeps 15d by default).
"""

import argparse
import json
import math
import sys
import time
from fractions import Fraction

# Windows the SLO engine evaluates, in seconds, in display order.
WINDOWS = [("5m", 300), ("30m", 1800), ("1h", 3600), ("2h", 7200),
           ("6h", 21600), ("1d", 86400), ("3d", 259200), ("30d", 2592000)]

# Segment edges as ages before T, in seconds.  Segment i covers ages
# [EDGES[i], EDGES[i+1]); the last one runs to the start of the history.
EDGES = [0, 300, 1800, 3600, 7200, 21600, 86400, 259200]

# Each service: objective (percent), namespace, and instances.  An instance
# serves `total` requests a minute; `errors` gives its 5xx requests a minute
# for each segment (same order as EDGES, newest first); `reset` is an age
# before T at which the instance restarts and its counters start from zero.
SERVICES = [
    {"name": "checkout", "objective": 99.9, "namespace": "shop",
     "instances": [
         {"instance": "checkout-0", "total": 6000,
          "errors": [180, 120, 90, 30, 12, 6, 3, 3]}]},
    {"name": "payments", "objective": 99.9, "namespace": "shop",
     "instances": [
         {"instance": "payments-0", "total": 6000,
          "errors": [12, 60, 60, 42, 39, 6, 3, 3]}]},
    {"name": "search", "objective": 99.5, "namespace": "web",
     "instances": [
         {"instance": "search-0", "total": 3000,
          "errors": [60, 75, 54, 66, 48, 60, 15, 9]},
         {"instance": "search-1", "total": 3000,
          "errors": [60, 75, 54, 66, 48, 60, 15, 9], "reset": 5400}]},
    {"name": "ledger", "objective": 99.9, "namespace": "finance",
     "instances": [
         {"instance": "ledger-0", "total": 6000,
          "errors": [2, 3, 1, 4, 5, 3, 2, 6]}]},
    {"name": "idle", "objective": 99.0, "namespace": "web",
     "instances": [
         {"instance": "idle-0", "total": 0,
          "errors": [0, 0, 0, 0, 0, 0, 0, 0]}]},
]

VERDICT_RULE = ("page if (1h > 14.4 and 5m > 14.4) or (6h > 6 and 30m > 6); "
                "ticket if (1d > 3 and 2h > 3) or (3d > 1 and 6h > 1); "
                "else ok; nodata if any needed ratio is null")


def segment_of(age):
    """Return the index of the segment holding age (seconds before T)."""
    for i in range(len(EDGES) - 1, -1, -1):
        if age >= EDGES[i]:
            return i
    raise ValueError("negative age %r" % age)


def series_samples(inst, code, end, history, step):
    """Return [(t, value)] of one counter of one instance, oldest first."""
    n = history // step
    # Start from a plausible non-zero value, as a long-running process has
    # (the idle service's error counter stays at zero throughout).
    if code == "200":
        value = Fraction(inst["total"] * 977 + 41)
    else:
        value = Fraction(inst["errors"][-1] * 1013)
    out = [(end - history, value)]
    for k in range(1, n + 1):
        t = end - history + k * step
        age = end - t
        seg = segment_of(age)
        err = inst["errors"][seg]
        per_minute = err if code == "500" else inst["total"] - err
        inc = Fraction(per_minute * step, 60)
        if inst.get("reset") is not None and age == inst["reset"]:
            value = inc          # restarted just after the previous sample
        else:
            value += inc
        out.append((t, value))
    return out


def fmt_value(v):
    """Format a sample value exactly (integers stay integers)."""
    if v.denominator == 1:
        return str(v.numerator)
    return repr(float(v))


def prom_rate(samples, ts, rng):
    """Replay Prometheus 2.x extrapolatedRate() for rate(x[rng]) at ts.

    samples are (t, float) with t in seconds; the range is closed at both
    ends, as in Prometheus 2.x.  Returns None when fewer than two samples
    fall in the range (Prometheus returns no series then).
    """
    pts = [(t, v) for (t, v) in samples if ts - rng <= t <= ts]
    if len(pts) < 2:
        return None
    result = pts[-1][1] - pts[0][1]
    last = 0.0
    for _, v in pts:
        if v < last:
            result += last
        last = v
    to_start = float(pts[0][0] - (ts - rng))
    to_end = float(ts - pts[-1][0])
    sampled = float(pts[-1][0] - pts[0][0])
    avg = sampled / (len(pts) - 1)
    if result > 0 and pts[0][1] >= 0:
        to_zero = sampled * (pts[0][1] / result)
        if to_zero < to_start:
            to_start = to_zero
    threshold = avg * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else avg / 2
    interval += to_end if to_end < threshold else avg / 2
    return result * (interval / sampled) / rng


def exact_ratio(svc, win):
    """Time-weighted exact error ratio of svc over the last win seconds."""
    errs = Fraction(0)
    total = Fraction(0)
    for inst in svc["instances"]:
        for i in range(len(EDGES)):
            lo = EDGES[i]
            hi = EDGES[i + 1] if i + 1 < len(EDGES) else win
            span = max(0, min(hi, win) - lo)
            errs += Fraction(inst["errors"][i] * span, 60)
            total += Fraction(inst["total"] * span, 60)
    if total == 0:
        return None
    return errs / total


def verdict(burn):
    """Multi-window multi-burn-rate verdict from a dict of burn rates."""
    def above(a, b, x):
        return (burn[a] is not None and burn[b] is not None
                and burn[a] > x and burn[b] > x)
    if any(burn[w] is None for w in ("5m", "30m", "1h", "2h", "6h", "1d",
                                     "3d")):
        return "nodata"
    if above("1h", "5m", 14.4) or above("6h", "30m", 6):
        return "page"
    if above("1d", "2h", 3) or above("3d", "6h", 1):
        return "ticket"
    return "ok"


def main(argv):
    """Parse arguments, write the OpenMetrics file and the truth JSON."""
    ap = argparse.ArgumentParser(description="request history with known "
                                 "SLO answers")
    ap.add_argument("--out", required=True, help="OpenMetrics file to write")
    ap.add_argument("--truth", required=True, help="JSON answers to write")
    ap.add_argument("--end", type=int, default=None,
                    help="evaluation time T, unix seconds (default: hour "
                    "floor of now minus 2h)")
    ap.add_argument("--days", type=int, default=4,
                    help="days of history before T (4..14)")
    ap.add_argument("--step", type=int, default=60,
                    help="sample step in seconds (30 or 60)")
    a = ap.parse_args(argv[1:])
    if a.step not in (30, 60):
        ap.error("--step must be 30 or 60")
    if a.days < 4 or a.days > 14:
        ap.error("--days must be 4..14 (3d window plus margin, within the "
                 "15d default retention)")
    end = a.end
    if end is None:
        end = int(time.time()) // 3600 * 3600 - 7200
    if end % a.step:
        ap.error("--end must be a multiple of --step so T is a sample")
    if end > time.time() - 600:
        ap.error("--end must be at least 10 minutes in the past")
    history = a.days * 86400
    if end - history < time.time() - 15 * 86400 + 3600:
        ap.error("--end minus --days must lie within the last 15 days, "
                 "Prometheus's default retention")

    # Samples, kept as floats the way Prometheus will read them.
    series = {}
    with open(a.out, "w", encoding="ascii") as f:
        f.write("# HELP http_requests Requests served, by status code.\n")
        f.write("# TYPE http_requests counter\n")
        for svc in SERVICES:
            for inst in svc["instances"]:
                for code in ("200", "500"):
                    pts = series_samples(inst, code, end, history, a.step)
                    labels = ('{job="api",namespace="%s",service="%s",'
                              'instance="%s",code="%s"}'
                              % (svc["namespace"], svc["name"],
                                 inst["instance"], code))
                    lines = ["http_requests_total%s %s %d\n"
                             % (labels, fmt_value(v), t) for (t, v) in pts]
                    f.write("".join(lines))
                    series[(svc["name"], inst["instance"], code)] = \
                        [(t, float(fmt_value(v))) for (t, v) in pts]
        f.write("# EOF\n")

    truth = {"eval_time": end, "step": a.step,
             "history_start": end - history,
             "query": 'sum(rate(http_requests_total{service="S",'
                      'code=~"5.."}[W])) / sum(rate(http_requests_total'
                      '{service="S"}[W]))',
             "windows": [w for (w, _) in WINDOWS],
             "tolerance": 0.01, "verdict_rule": VERDICT_RULE,
             "objective": {}, "services": {}, "burn": {}, "verdict": {}}
    for svc in SERVICES:
        name = svc["name"]
        truth["objective"][name] = svc["objective"]
        ratios = {}
        for (w, secs) in WINDOWS:
            num = den = None
            for inst in svc["instances"]:
                for code in ("200", "500"):
                    r = prom_rate(series[(name, inst["instance"], code)],
                                  end, secs)
                    if r is None:
                        continue
                    den = (den or 0.0) + r
                    if code == "500":
                        num = (num or 0.0) + r
            if num is None or den is None or den == 0.0:
                ratio = None
            else:
                ratio = num / den
            if secs <= EDGES[-1]:
                ex = exact_ratio(svc, secs)
                if (ex is None) != (ratio is None) or (
                        ex is not None and
                        not math.isclose(float(ex), ratio, rel_tol=1e-9)):
                    sys.stderr.write("gen_history.py: %s %s: replayed rate "
                                     "%r disagrees with exact %r; the "
                                     "segment table is broken\n"
                                     % (name, w, ratio, ex))
                    return 1
            ratios[w] = ratio
        budget = 1.0 - svc["objective"] / 100.0
        burn = {w: (None if r is None else r / budget)
                for (w, r) in ratios.items()}
        truth["services"][name] = ratios
        truth["burn"][name] = burn
        truth["verdict"][name] = verdict(burn)
    with open(a.truth, "w", encoding="ascii") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
