#!/usr/bin/env python3
"""Write Prometheus recording rules for SLOs the way Sloth generates them.

Reads SLO blocks of sitrep's configuration (name, service and the
events error_query / total_query, as in tests/data/snapshot/slos.yaml)
given as arguments NAME<TAB>SERVICE<TAB>ERROR<TAB>TOTAL arguments, and writes, per SLO, one rule
group "sloth-slo-sli-recordings-<id>" with Sloth's SLI recording rules:
slo:sli_error:ratio_rate<W> for W in 5m 30m 1h 2h 6h 1d 3d, whose
expression is "(<error>)\\n/\\n(<total>)\\n" with {{.window}} put in and whose
labels are sloth_id (<service>-<name>), sloth_service, sloth_slo and
sloth_window, and the "optimized" period rule slo:sli_error:ratio_rate30d
(the mean of the 5m rule over 30d, labelled sloth_window only), which
sitrep must not read as the period's ratio.

Usage: gen_sloth_rules.py OUT.yml NAME<TAB>SERVICE<TAB>ERROR<TAB>TOTAL...
"""
import json
import sys

WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]


def main(argv):
    out = argv[1]
    groups = []
    for spec in argv[2:]:
        name, service, err, tot = spec.split("\t", 3)
        sid = "%s-%s" % (service, name)
        rules = []
        for w in WINDOWS:
            expr = "(%s)\n/\n(%s)\n" % (err.replace("{{.window}}", w),
                                       tot.replace("{{.window}}", w))
            rules.append({"record": "slo:sli_error:ratio_rate" + w,
                          "expr": expr,
                          "labels": {"sloth_id": sid,
                                     "sloth_service": service,
                                     "sloth_slo": name,
                                     "sloth_window": w}})
        filt = '{sloth_id="%s", sloth_service="%s", sloth_slo="%s"}' % (
            sid, service, name)
        rules.append({"record": "slo:sli_error:ratio_rate30d",
                      "expr": "sum_over_time(slo:sli_error:ratio_rate5m%s"
                              "[30d])\n/ ignoring (sloth_window)\n"
                              "count_over_time(slo:sli_error:ratio_rate5m%s"
                              "[30d])\n" % (filt, filt),
                      "labels": {"sloth_window": "30d"}})
        groups.append({"name": "sloth-slo-sli-recordings-" + sid,
                       "rules": rules})
    # JSON is YAML; Prometheus reads it as a rules file.
    with open(out, "w") as f:
        json.dump({"groups": groups}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
