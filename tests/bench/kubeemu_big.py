#!/usr/bin/env python3
"""kubeemu_big.py: the Kubernetes API emulator holding a big cluster.

  kubeemu_big.py --pods N --fixture-dir DIR [kubeemu.py options...]

Writes DIR/big.json (nodes, namespaces of 40 deployments each, N/10
deployments of 10 replicas; the images and labels of tests/bench/sim_big.c)
and runs tests/kube-emulator/kubeemu.py on it, unchanged except in how
it loads: the emulator runs its controllers after every write, which costs
the square of the objects, so here they are held off while the fixtures
load and then run once (the deployment controller makes the replica sets,
those the pods, the kubelet starts them).  One pod in seven deployments
is then put in CrashLoopBackOff, as in the big simulated world.  Start it
with --no-resync and nothing changes afterwards: the steady state the
benchmark measures the Kubernetes source's download in.  Standard library
only; loopback only (the emulator binds 127.0.0.1).
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "kube-emulator"))
import kubeemu  # noqa: E402  (the path above first)


def fixtures(pods):
    """The objects of a cluster of pods pods, in kubeemu fixture form."""
    ndep = max(1, (pods + 9) // 10)
    nns = max(1, (ndep + 39) // 40)
    objs = []
    for i in range(nns):
        objs.append({"kind": "Namespace", "apiVersion": "v1",
                     "metadata": {"name": "team-%02d" % i},
                     "status": {"phase": "Active"}})
    for i in range(pods // 100 + 3):
        objs.append({
            "kind": "Node", "apiVersion": "v1",
            "metadata": {"name": "node-%04d" % i, "labels": {
                "kubernetes.io/hostname": "node-%04d" % i,
                "topology.kubernetes.io/zone": "zone-%c" % (97 + i % 3)}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "addresses": [{"type": "InternalIP",
                                      "address": "10.0.%d.%d" % (
                                          i // 250, i % 250 + 1)}]}})
    left = pods
    for i in range(ndep):
        name = "svc-%04d" % i
        n = min(10, left)
        left -= n
        objs.append({
            "kind": "Deployment", "apiVersion": "apps/v1",
            "metadata": {"name": name, "namespace": "team-%02d" % (i // 40),
                         "creationTimestamp": "now-6d",
                         "labels": {"app": name, "service": name}},
            "spec": {"replicas": n,
                     "selector": {"matchLabels": {"app": name}},
                     "template": {
                         "metadata": {"labels": {"app": name,
                                                 "service": name}},
                         "spec": {"containers": [{
                             "name": "app",
                             "image": "registry.example.com/bench/%s:1.%d.0"
                                      % (name, i % 9),
                             "ports": [{"containerPort": 8080}]}]}}}})
    return objs


def main(argv):
    """Write the fixtures, load them with the controllers held, serve."""
    if "--pods" not in argv or "--fixture-dir" not in argv:
        sys.stderr.write("usage: kubeemu_big.py --pods N --fixture-dir DIR "
                         "[kubeemu.py options]\n")
        return 2
    i = argv.index("--pods")
    pods = int(argv[i + 1])
    del argv[i:i + 2]
    i = argv.index("--fixture-dir")
    fdir = argv[i + 1]
    del argv[i:i + 2]
    os.makedirs(fdir, exist_ok=True)
    with open(os.path.join(fdir, "big.json"), "w") as f:
        json.dump(fixtures(pods), f)

    reconcile = kubeemu.Cluster.reconcile
    held = {"on": False}

    def held_reconcile(self):
        if not held["on"]:
            reconcile(self)

    load = kubeemu.load_fixtures

    def load_once(cluster, path):
        t0 = time.monotonic()
        held["on"] = True
        try:
            load(cluster, path)
            held["on"] = False
            cluster.reconcile()
            held["on"] = True
            pr = kubeemu.RESOURCES["pods"]
            seen = set()
            for p in list(cluster.store.items(pr)):
                m = p["metadata"]
                app = (m.get("labels") or {}).get("app", "")
                if app in seen or not app.startswith("svc-") or \
                        int(app[4:]) % 7 != 0:
                    continue
                seen.add(app)
                cluster.pod_state(m["namespace"], m["name"], "crashloop",
                                  {"restarts": "5"})
        finally:
            held["on"] = False
        cluster.reconcile()
        sys.stderr.write("kubeemu_big: %d pods ready in %.1f s\n" % (
            len(cluster.store.items(kubeemu.RESOURCES["pods"])),
            time.monotonic() - t0))

    kubeemu.Cluster.reconcile = held_reconcile
    kubeemu.load_fixtures = load_once
    return kubeemu.main(argv + ["--fixtures", fdir])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
