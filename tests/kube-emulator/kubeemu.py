#!/usr/bin/python3
"""kubeemu.py: a small, faithful Kubernetes API server emulator for tests.

sitrep's Kubernetes backend cannot be tested against a real kube-apiserver
in every build environment, so this program plays one: it serves the
discovery documents, the core/v1 and apps/v1 resources sitrep and kubectl
use, the write verbs with the real status codes and Status messages, and a
small deployment + replica-set controller, a scheduler and a kubelet, so a
rollout, restart, rollback or scale behaves as it would on a cluster.  It is
checked against the real kubectl by tests/integration/kube_emulator_kubectl.sh.

Only the Python standard library is used.  Objects are plain dicts in the
shape the apiserver sends on the wire.  Every write goes through one store
with a global resourceVersion and a history, which serves watches, paging
with consistent continue tokens and resourceVersion-based reads.

Run: kubeemu.py --port 0 --port-file F [--tls-cert C --tls-key K]
                [--plain-http] --token T [--readonly-token R]
                [--fixtures DIR] [--log FILE] [--seed N]
The admin endpoints under /_emulator/ are described in README.md.
"""

import argparse
import base64
import copy
import datetime
import hashlib
import http.server
import json
import os
import random
import re
import select
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse
import uuid

# ---------------------------------------------------------------------------
# Resource table
# ---------------------------------------------------------------------------

VERBS_ALL = ["create", "delete", "deletecollection", "get", "list", "patch",
             "update", "watch"]
VERBS_SUB = ["get", "patch", "update"]


class Resource:
    """What the emulator knows about one resource type."""

    def __init__(self, name, group, kind, namespaced, singular, short,
                 categories=(), subresources=(), has_status=True,
                 generation=False, hashv=""):
        self.name = name
        self.group = group
        self.version = "v1"
        self.kind = kind
        self.namespaced = namespaced
        self.singular = singular
        self.short = list(short)
        self.categories = list(categories)
        self.subresources = list(subresources)
        self.has_status = has_status
        self.generation = generation
        self.hashv = hashv

    @property
    def api_version(self):
        """apiVersion of this resource's objects."""
        return self.group + "/v1" if self.group else "v1"

    @property
    def qualified(self):
        """The GroupResource string used in Status messages."""
        return self.name + "." + self.group if self.group else self.name


RESOURCES = {
    "pods": Resource("pods", "", "Pod", True, "pod", ["po"], ["all"],
                     ["status"], hashv="xPOwRZ+Yhw8="),
    "events": Resource("events", "", "Event", True, "event", ["ev"],
                       has_status=False, hashv="r2yiGXH7wu8="),
    "nodes": Resource("nodes", "", "Node", False, "node", ["no"], [],
                      ["status"], hashv="XwShjMxG9Fs="),
    "namespaces": Resource("namespaces", "", "Namespace", False, "namespace",
                           ["ns"], [], ["status"], hashv="Q3oi5N2YM8M="),
    "deployments": Resource("deployments", "apps", "Deployment", True,
                            "deployment", ["deploy"], ["all"],
                            ["scale", "status"], generation=True,
                            hashv="8aSe+NMegvE="),
    "replicasets": Resource("replicasets", "apps", "ReplicaSet", True,
                            "replicaset", ["rs"], ["all"],
                            ["scale", "status"], generation=True,
                            hashv="P1RzHs8/mWQ="),
    "statefulsets": Resource("statefulsets", "apps", "StatefulSet", True,
                             "statefulset", ["sts"], ["all"],
                             ["scale", "status"], generation=True,
                             hashv="H+vl74LkKdo="),
    "daemonsets": Resource("daemonsets", "apps", "DaemonSet", True,
                           "daemonset", ["ds"], ["all"], ["status"],
                           generation=True, hashv="dd7pWHUlMKQ="),
}

GROUPS = {"": ["pods", "events", "nodes", "namespaces"],
          "apps": ["deployments", "replicasets", "statefulsets", "daemonsets"]}

# apps/v1 workloads whose spec holds a pod template and a selector.
WORKLOADS = ("deployments", "replicasets", "statefulsets", "daemonsets")

# Field selectors each resource accepts, beyond metadata.name/namespace.
FIELD_LABELS = {
    "pods": ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
             "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
             "status.podIP", "status.nominatedNodeName"],
    "events": ["involvedObject.kind", "involvedObject.namespace",
               "involvedObject.name", "involvedObject.uid",
               "involvedObject.apiVersion", "involvedObject.resourceVersion",
               "involvedObject.fieldPath", "reason", "reportingComponent",
               "source", "type"],
    "nodes": ["spec.unschedulable"],
    "namespaces": ["status.phase"],
    "replicasets": ["status.replicas"],
    "deployments": [],
    "statefulsets": [],
    "daemonsets": [],
}

SERVER_VERSION = {
    "major": "1", "minor": "32", "gitVersion": "v1.32.0",
    "gitCommit": "70d3cc986aa8221cd1dfb1121852688902d3bf53",
    "gitTreeState": "clean", "buildDate": "2024-12-11T17:59:15Z",
    "goVersion": "go1.23.3", "compiler": "gc", "platform": "linux/amd64",
}

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
HASH_LABEL = "pod-template-hash"

def protobuf_fields(data):
    """The fields of one protobuf message: {number: [value, ...]}, values
    int for varints and bytes for length-delimited fields."""
    out, i = {}, 0

    def varint():
        nonlocal i
        v, shift = 0, 0
        while True:
            if i >= len(data) or shift > 63:
                raise ValueError("truncated varint")
            b = data[i]
            i += 1
            v |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                return v
    while i < len(data):
        key = varint()
        num, wire = key >> 3, key & 7
        if wire == 0:
            val = varint()
        elif wire == 2:
            n = varint()
            if i + n > len(data):
                raise ValueError("truncated field")
            val, i = bytes(data[i:i + n]), i + n
        elif wire in (1, 5):
            n = 8 if wire == 1 else 4
            val, i = bytes(data[i:i + n]), i + n
        else:
            raise ValueError("wire type %d" % wire)
        out.setdefault(num, []).append(val)
    return out


def self_review_from_protobuf(kind, body):
    """A SelfSubjectAccessReview or SelfSubjectReview sent as Kubernetes
    protobuf (what kubectl's typed clients send), as its JSON form."""
    def text(f, n):
        return f.get(n, [b""])[-1].decode("utf-8", "replace")
    try:
        if body[:4] != b"k8s\x00":
            raise ValueError("no k8s protobuf magic")
        unknown = protobuf_fields(body[4:])
        tm = protobuf_fields(unknown.get(1, [b""])[-1])
        if text(tm, 2) != kind:
            raise ValueError("kind %s" % text(tm, 2))
        obj = protobuf_fields(unknown.get(2, [b""])[-1])
        out = {"kind": kind, "apiVersion": text(tm, 1), "spec": {}}
        if kind == "SelfSubjectAccessReview":
            spec = protobuf_fields(obj.get(2, [b""])[-1])
            if 1 in spec:
                ra = protobuf_fields(spec[1][-1])
                names = {1: "namespace", 2: "verb", 3: "group", 4: "version",
                         5: "resource", 6: "subresource", 7: "name"}
                out["spec"]["resourceAttributes"] = {
                    v: text(ra, k) for k, v in names.items() if text(ra, k)}
            if 2 in spec:
                nra = protobuf_fields(spec[2][-1])
                out["spec"]["nonResourceAttributes"] = {"path": text(nra, 1),
                                                        "verb": text(nra, 2)}
        return out
    except (ValueError, UnicodeDecodeError) as e:
        raise bad_request("the object provided is unrecognized (error decoding "
                          "protobuf: %s)" % e)


# The self reviews served (POST only): path -> kind.
SELF_REVIEWS = {
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews": "SelfSubjectAccessReview",
    "/apis/authentication.k8s.io/v1/selfsubjectreviews": "SelfSubjectReview",
}
REVISION_HASH_LABEL = "controller-revision-hash"
STS_POD_NAME = "statefulset.kubernetes.io/pod-name"
POD_INDEX = "apps.kubernetes.io/pod-index"
DS_GENERATION = "pod-template-generation"
DS_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"
SKIP_COPY = {"kubectl.kubernetes.io/last-applied-configuration", REVISION,
             REVISION_HISTORY, DESIRED, MAX_REPLICAS,
             "deprecated.deployment.rollback.to"}
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def now_ts():
    """The current time as an RFC 3339 timestamp in seconds, like metav1.Time."""
    return datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def parse_ts(s):
    """Seconds since the epoch of an RFC 3339 timestamp, or None."""
    if not isinstance(s, str) or not s:
        return None
    try:
        s2 = s.replace("Z", "+00:00")
        return datetime.datetime.fromisoformat(s2).timestamp()
    except ValueError:
        return None


def human_duration(d):
    """The apimachinery duration.HumanDuration rendering of d seconds."""
    seconds = int(d)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return "%ds" % seconds
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return "%dm" % minutes if s == 0 else "%dm%ds" % (minutes, s)
    if minutes < 180:
        return "%dm" % minutes
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return "%dh" % hours if m == 0 else "%dh%dm" % (hours, m)
    if hours < 48:
        return "%dh" % hours
    if hours < 24 * 8:
        h = hours % 24
        return "%dd" % (hours // 24) if h == 0 else "%dd%dh" % (hours // 24, h)
    if hours < 24 * 365 * 2:
        return "%dd" % (hours // 24)
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        y = hours // 24 // 365
        return "%dy" % y if dy == 0 else "%dy%dd" % (y, dy)
    return "%dy" % (hours // 24 // 365)


def since(ts):
    """translateTimestampSince: age of a timestamp, or <unknown>."""
    t = parse_ts(ts)
    if t is None:
        return "<unknown>"
    return human_duration(time.time() - t)


def fnv32a(data):
    """32-bit FNV-1a hash of bytes, as the pod-template-hash uses."""
    h = 0x811c9dc5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xffffffff
    return h


def safe_encode(s):
    """rand.SafeEncodeString: map each character onto a vowel-free alphabet."""
    return "".join(ALPHANUMS[ord(c) % len(ALPHANUMS)] for c in s)


def canon(o):
    """Drop empty maps, lists, strings and nulls, as Go's semantic equality
    and omitempty make them equal to absent fields."""
    if isinstance(o, dict):
        out = {}
        for k, v in o.items():
            v = canon(v)
            if v is None or v == {} or v == [] or v == "":
                continue
            out[k] = v
        return out
    if isinstance(o, list):
        return [canon(x) for x in o]
    return o


def dig(o, *path, default=None):
    """Follow keys through nested dicts; default when one is missing."""
    for p in path:
        if not isinstance(o, dict) or p not in o:
            return default
        o = o[p]
    return o


def meta(o):
    """The metadata dict of an object, created when missing."""
    m = o.get("metadata")
    if not isinstance(m, dict):
        m = {}
        o["metadata"] = m
    return m


def int_or_percent(v, total, round_up):
    """Resolve an IntOrString such as 25% against a total."""
    if isinstance(v, int):
        return v
    if isinstance(v, str) and v.endswith("%"):
        try:
            p = int(v[:-1])
        except ValueError:
            return 0
        x = p * total
        return -(-x // 100) if round_up else x // 100
    if isinstance(v, str) and v.isdigit():
        return int(v)
    return 0


def go_map_repr(d):
    """Render a label map the way Go's %#v prints map[string]string."""
    items = ", ".join('"%s":"%s"' % (k, d[k]) for k in sorted(d))
    return "map[string]string{%s}" % items


META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid",
              "resourceVersion", "generation", "creationTimestamp",
              "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
              "annotations", "ownerReferences", "finalizers", "managedFields"]


def ordered(obj):
    """The object with keys in Go struct order: kind, apiVersion, metadata..."""
    out = {}
    for k in ("kind", "apiVersion"):
        if k in obj:
            out[k] = obj[k]
    if isinstance(obj.get("metadata"), dict):
        m = obj["metadata"]
        om = {k: m[k] for k in META_ORDER if k in m}
        for k, v in m.items():
            if k not in om:
                om[k] = v
        out["metadata"] = om
    for k, v in obj.items():
        if k not in out:
            out[k] = v
    return out

# ---------------------------------------------------------------------------
# Errors as apiserver Status objects
# ---------------------------------------------------------------------------


class ApiError(Exception):
    """An error answered as a metav1.Status with an HTTP code."""

    def __init__(self, code, reason, message, details=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self):
        """The Status object the apiserver would send."""
        s = {"kind": "Status", "apiVersion": "v1", "metadata": {},
             "status": "Failure", "message": self.message,
             "reason": self.reason}
        if self.details is not None:
            s["details"] = self.details
        s["code"] = self.code
        return s


def details_for(res, name, kind=None):
    """StatusDetails naming the resource, Go field order."""
    d = {}
    if name:
        d["name"] = name
    if res.group:
        d["group"] = res.group
    d["kind"] = kind or res.name
    return d


def not_found(res, name):
    """404 NotFound in apiserver wording."""
    return ApiError(404, "NotFound", '%s "%s" not found' % (res.qualified, name),
                    details_for(res, name))


def already_exists(res, name):
    """409 AlreadyExists in apiserver wording."""
    return ApiError(409, "AlreadyExists",
                    '%s "%s" already exists' % (res.qualified, name),
                    details_for(res, name))


def conflict(res, name, why="the object has been modified; please apply your "
             "changes to the latest version and try again"):
    """409 Conflict in apiserver wording."""
    return ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": %s'
                    % (res.qualified, name, why), details_for(res, name))


def bad_request(msg):
    """400 BadRequest."""
    return ApiError(400, "BadRequest", msg)


def invalid(kind, group, name, causes):
    """422 Invalid with field causes [(reason, field, message)]."""
    qual = kind + "." + group if group else kind
    msgs = ["%s: %s" % (f, m) for (_, f, m) in causes]
    body = msgs[0] if len(msgs) == 1 else "[" + ", ".join(msgs) + "]"
    d = {"name": name} if name else {}
    if group:
        d["group"] = group
    d["kind"] = kind
    d["causes"] = [{"reason": r, "message": m, "field": f} for (r, f, m) in causes]
    return ApiError(422, "Invalid", '%s "%s" is invalid: %s' % (qual, name, body), d)

# ---------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------

LABEL_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(==|=|!=|>|<)\s*([A-Za-z0-9_.-]*)"
                      r"|\s+(in|notin)\s*\(([^)]*)\))?\s*$")


def split_selector(s):
    """Split a selector on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, ""
    for c in s:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    if cur.strip():
        parts.append(cur)
    return parts


def parse_label_selector(s):
    """Parse a label selector string into (op, key, values) requirements."""
    reqs = []
    if not s:
        return reqs
    for part in split_selector(s):
        m = LABEL_RE.match(part)
        if not m:
            raise bad_request("unable to parse requirement: found '%s', "
                              "expected: identifier" % part.strip())
        neg, key, op, val, setop, setvals = m.groups()
        if neg:
            if op or setop:
                raise bad_request("unable to parse requirement: found '%s'" % part)
            reqs.append(("!", key, []))
        elif setop:
            vals = [v.strip() for v in setvals.split(",") if v.strip()]
            reqs.append((setop, key, vals))
        elif op:
            reqs.append(("=" if op == "==" else op, key, [val]))
        else:
            reqs.append(("exists", key, []))
    return reqs


def labels_match(reqs, labels):
    """Whether a label map satisfies parsed requirements."""
    labels = labels or {}
    for op, key, vals in reqs:
        has = key in labels
        v = labels.get(key)
        if op == "=" and v != vals[0]:
            return False
        if op == "!=" and has and v == vals[0]:
            return False
        if op == "in" and (not has or v not in vals):
            return False
        if op == "notin" and has and v in vals:
            return False
        if op == "exists" and not has:
            return False
        if op == "!" and has:
            return False
        if op in (">", "<"):
            try:
                a, b = int(v), int(vals[0])
            except (TypeError, ValueError):
                return False
            if (op == ">" and not a > b) or (op == "<" and not a < b):
                return False
    return True


def selector_string(sel):
    """metav1.LabelSelectorAsSelector(sel).String() for a LabelSelector."""
    if not sel:
        return "<none>"
    parts = []
    for k, v in (sel.get("matchLabels") or {}).items():
        parts.append((k, "%s=%s" % (k, v)))
    for e in sel.get("matchExpressions") or []:
        k, op, vals = e.get("key", ""), e.get("operator", ""), sorted(e.get("values") or [])
        if op == "In":
            parts.append((k, "%s in (%s)" % (k, ",".join(vals))))
        elif op == "NotIn":
            parts.append((k, "%s notin (%s)" % (k, ",".join(vals))))
        elif op == "Exists":
            parts.append((k, k))
        elif op == "DoesNotExist":
            parts.append((k, "!" + k))
    parts.sort(key=lambda p: p[0])
    return ",".join(p[1] for p in parts) if parts else ""


def label_selector_matches(sel, labels):
    """Whether a LabelSelector (matchLabels/matchExpressions) selects labels."""
    if not sel:
        return False
    s = selector_string(sel)
    if s == "":
        return True
    return labels_match(parse_label_selector(s), labels)


def parse_field_selector(s, res):
    """Parse a field selector and check each field is supported."""
    reqs = []
    if not s:
        return reqs
    allowed = ["metadata.name"]
    if res.namespaced:
        allowed.append("metadata.namespace")
    allowed += FIELD_LABELS.get(res.name, [])
    for part in s.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*)$", part)
        if not m:
            raise bad_request("invalid selector: '%s'; can't understand '%s'"
                              % (s, part))
        key, op, val = m.groups()
        if key not in allowed:
            raise bad_request('field label not supported: %s' % key)
        reqs.append((key, "!=" if op == "!=" else "=", val))
    return reqs


def field_value(obj, key):
    """The string value of a selectable field, as the apiserver indexes it."""
    if key == "source":
        return dig(obj, "source", "component", default="") or ""
    v = obj
    for p in key.split("."):
        v = v.get(p) if isinstance(v, dict) else None
    if v is None:
        return "false" if key in ("spec.hostNetwork", "spec.unschedulable") else ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def fields_match(reqs, obj):
    """Whether an object satisfies parsed field requirements."""
    for key, op, val in reqs:
        v = field_value(obj, key)
        if (op == "=") != (v == val):
            return False
    return True

# ---------------------------------------------------------------------------
# Patches
# ---------------------------------------------------------------------------

# Strategic merge: list fields merged by a key, from the Go struct tags.
SMP_MERGE_KEYS = {
    "containers": "name", "initContainers": "name",
    "ephemeralContainers": "name", "volumes": "name",
    "imagePullSecrets": "name", "env": "name", "ports": "containerPort",
    "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    "conditions": "type", "ownerReferences": "uid", "hostAliases": "ip",
    "addresses": "type", "resourceClaims": "name",
    "topologySpreadConstraints": "topologyKey",
}
SMP_PRIMITIVE_MERGE = {"finalizers"}


def merge_patch(target, patch):
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def smp_merge(target, patch):
    """Strategic merge patch of one map, enough of it for what kubectl sends."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        p = dict(patch)
        del p["$patch"]
        return smp_clean(p)
    if patch.get("$patch") == "delete":
        return None
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    retain = patch.get("$retainKeys")
    for k, v in patch.items():
        if k in ("$patch", "$retainKeys") or k.startswith("$setElementOrder/"):
            continue
        if k.startswith("$deleteFromPrimitiveList/"):
            field = k.split("/", 1)[1]
            if isinstance(out.get(field), list):
                out[field] = [x for x in out[field] if x not in (v or [])]
            continue
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict):
            r = smp_merge(out.get(k), v)
            if r is None:
                out.pop(k, None)
            else:
                out[k] = r
        elif isinstance(v, list) and k in SMP_MERGE_KEYS and isinstance(out.get(k), list):
            out[k] = smp_list(out[k], v, SMP_MERGE_KEYS[k])
        elif isinstance(v, list) and k in SMP_PRIMITIVE_MERGE and isinstance(out.get(k), list):
            out[k] = out[k] + [x for x in v if x not in out[k]]
        else:
            out[k] = smp_clean(copy.deepcopy(v))
    for k, v in patch.items():
        if k.startswith("$setElementOrder/") and isinstance(out.get(k.split("/", 1)[1]), list):
            field = k.split("/", 1)[1]
            key = SMP_MERGE_KEYS.get(field)
            out[field] = smp_order(out[field], v, key)
    if isinstance(retain, list):
        for k in list(out.keys()):
            if k not in retain and k not in patch:
                del out[k]
    return out


def smp_clean(v):
    """Strip patch directives from a value that is copied wholesale."""
    if isinstance(v, dict):
        return {k: smp_clean(x) for k, x in v.items() if not k.startswith("$")}
    if isinstance(v, list):
        return [smp_clean(x) for x in v
                if not (isinstance(x, dict) and x.get("$patch") == "delete")]
    return v


def smp_list(target, patch, key):
    """Merge a list of maps by key; $patch: delete removes, replace resets."""
    if any(isinstance(x, dict) and x.get("$patch") == "replace" for x in patch):
        return [smp_clean(x) for x in patch
                if not (isinstance(x, dict) and x.get("$patch") == "replace")]
    out = [copy.deepcopy(x) for x in target]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            out.append(smp_clean(item))
            continue
        idx = next((i for i, x in enumerate(out)
                    if isinstance(x, dict) and x.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if idx is not None:
                del out[idx]
            continue
        if idx is None:
            out.append(smp_clean(item))
        else:
            out[idx] = smp_merge(out[idx], item)
    return out


def smp_order(items, order, key):
    """Apply $setElementOrder: listed elements first in that order."""
    def ident(x):
        return x.get(key) if key and isinstance(x, dict) else x
    wanted = [ident(o) if isinstance(o, dict) else o for o in order]
    first = []
    for w in wanted:
        first += [x for x in items if ident(x) == w]
    return first + [x for x in items if ident(x) not in wanted]


def pointer_parts(path):
    """Split a JSON pointer (RFC 6901) into unescaped tokens."""
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError("JSON pointer must start with /: %s" % path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def pointer_parent(doc, parts, path):
    """The container holding the last token of a pointer."""
    cur = doc
    for p in parts[:-1]:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise ValueError("doc is missing path: %s" % path)
    return cur


def pointer_get(doc, path):
    """The value at a JSON pointer."""
    parts = pointer_parts(path)
    if not parts:
        return doc
    cont = pointer_parent(doc, parts, path)
    last = parts[-1]
    if isinstance(cont, dict) and last in cont:
        return cont[last]
    if isinstance(cont, list) and last.isdigit() and int(last) < len(cont):
        return cont[int(last)]
    raise ValueError("doc is missing path: %s" % path)


def pointer_remove(doc, path):
    """Remove and return the value at a JSON pointer."""
    parts = pointer_parts(path)
    cont = pointer_parent(doc, parts, path)
    last = parts[-1]
    if isinstance(cont, dict) and last in cont:
        return cont.pop(last)
    if isinstance(cont, list) and last.isdigit() and int(last) < len(cont):
        return cont.pop(int(last))
    raise ValueError("Unable to remove nonexistent key: %s: missing value" % last)


def pointer_add(doc, path, value, replace=False):
    """Add (or replace) a value at a JSON pointer; returns the document."""
    parts = pointer_parts(path)
    if not parts:
        return value
    cont = pointer_parent(doc, parts, path)
    last = parts[-1]
    if isinstance(cont, dict):
        if replace and last not in cont:
            raise ValueError("replace operation does not apply: doc is missing "
                             "key: %s: missing value" % path)
        cont[last] = value
    elif isinstance(cont, list):
        if last == "-" and not replace:
            cont.append(value)
        elif last.isdigit() and int(last) <= len(cont) - (1 if replace else 0):
            if replace:
                cont[int(last)] = value
            else:
                cont.insert(int(last), value)
        else:
            raise ValueError("Unable to access invalid index: %s" % last)
    else:
        raise ValueError("doc is missing path: %s" % path)
    return doc


def json_patch(doc, ops):
    """RFC 6902 JSON patch: add, remove, replace, test, move, copy."""
    if not isinstance(ops, list):
        raise bad_request("json: cannot unmarshal object into Go value of type "
                          "jsonpatch.Patch")
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise bad_request("invalid JSON patch operation: %s" % json.dumps(op))
        kind, path = op["op"], op["path"]
        try:
            if kind == "add":
                doc = pointer_add(doc, path, copy.deepcopy(op.get("value")))
            elif kind == "remove":
                pointer_remove(doc, path)
            elif kind == "replace":
                doc = pointer_add(doc, path, copy.deepcopy(op.get("value")), True)
            elif kind == "test":
                if pointer_get(doc, path) != op.get("value"):
                    raise ValueError("testing value %s failed: test failed" % path)
            elif kind == "move":
                v = pointer_remove(doc, op.get("from", ""))
                doc = pointer_add(doc, path, v)
            elif kind == "copy":
                v = copy.deepcopy(pointer_get(doc, op.get("from", "")))
                doc = pointer_add(doc, path, v)
            else:
                raise bad_request("Unexpected kind: %s" % kind)
        except ValueError as e:
            raise ApiError(422, "Invalid", str(e), {})
    return doc

# ---------------------------------------------------------------------------
# Defaults and validation
# ---------------------------------------------------------------------------

DNS1123_SUB = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def default_pod_spec(spec, for_pod=False):
    """The apiserver's defaults for a PodSpec (apps templates and pods)."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    if for_pod:
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        spec.setdefault("priority", 0)
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if not isinstance(c, dict):
            continue
        c.setdefault("resources", {})
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")
        img = c.get("image", "") or ""
        tail = img.rsplit("/", 1)[-1]
        latest = "@" not in img and (":" not in tail or tail.endswith(":latest"))
        c.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
        for p in c.get("ports") or []:
            if isinstance(p, dict):
                p.setdefault("protocol", "TCP")


def apply_defaults(res, obj):
    """Apply the registry defaults for a resource type to an object."""
    spec = obj.get("spec")
    if res.name == "deployments":
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        st = spec.setdefault("strategy", {})
        st.setdefault("type", "RollingUpdate")
        if st["type"] == "RollingUpdate":
            ru = st.setdefault("rollingUpdate", {})
            ru.setdefault("maxUnavailable", "25%")
            ru.setdefault("maxSurge", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        tmpl = spec.setdefault("template", {})
        tmpl.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        default_pod_spec(tmpl.setdefault("spec", {}))
    elif res.name == "statefulsets":
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        us = spec.setdefault("updateStrategy", {})
        us.setdefault("type", "RollingUpdate")
        if us["type"] == "RollingUpdate":
            us.setdefault("rollingUpdate", {}).setdefault("partition", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        pr = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
        pr.setdefault("whenDeleted", "Retain")
        pr.setdefault("whenScaled", "Retain")
        tmpl = spec.setdefault("template", {})
        tmpl.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        default_pod_spec(tmpl.setdefault("spec", {}))
    elif res.name == "daemonsets":
        spec = obj.setdefault("spec", {})
        us = spec.setdefault("updateStrategy", {})
        us.setdefault("type", "RollingUpdate")
        if us["type"] == "RollingUpdate":
            ru = us.setdefault("rollingUpdate", {})
            ru.setdefault("maxUnavailable", 1)
            ru.setdefault("maxSurge", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        tmpl = spec.setdefault("template", {})
        tmpl.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        default_pod_spec(tmpl.setdefault("spec", {}))
    elif res.name == "replicasets":
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        tmpl = spec.setdefault("template", {})
        tmpl.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        default_pod_spec(tmpl.setdefault("spec", {}))
    elif res.name == "pods":
        default_pod_spec(obj.setdefault("spec", {}), True)
    elif res.name == "namespaces":
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj.setdefault("status", {}).setdefault("phase", "Active")
        meta(obj).setdefault("labels", {})["kubernetes.io/metadata.name"] = meta(obj).get("name", "")
    elif res.name == "events":
        obj.setdefault("type", "Normal") if obj.get("type") is None else None
    _ = spec


def validate_containers(spec, prefix, causes):
    """Container checks shared by pods and templates."""
    cs = spec.get("containers") if isinstance(spec, dict) else None
    if not cs:
        causes.append(("FieldValueRequired", prefix + ".containers", "Required value"))
        return
    seen = set()
    for i, c in enumerate(cs):
        p = "%s.containers[%d]" % (prefix, i)
        if not isinstance(c, dict):
            causes.append(("FieldValueInvalid", p, "Invalid value: must be an object"))
            continue
        if not c.get("name"):
            causes.append(("FieldValueRequired", p + ".name", "Required value"))
        elif c["name"] in seen:
            causes.append(("FieldValueDuplicate", p + ".name",
                           'Duplicate value: "%s"' % c["name"]))
        seen.add(c.get("name"))
        if not c.get("image"):
            causes.append(("FieldValueRequired", p + ".image", "Required value"))


def validate(res, obj, old=None):
    """Validate an object as the registry strategy would; raises 422."""
    m = meta(obj)
    name = m.get("name", "")
    causes = []
    if not name:
        causes.append(("FieldValueRequired", "metadata.name",
                       "Required value: name or generateName is required"))
    elif len(name) > 253 or not DNS1123_SUB.match(name):
        causes.append(("FieldValueInvalid", "metadata.name",
                       "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must "
                       "consist of lower case alphanumeric characters, '-' or '.', "
                       "and must start and end with an alphanumeric character "
                       "(e.g. 'example.com', regex used for validation is "
                       "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
                       % name))
    for field in ("labels", "annotations"):
        v = m.get(field)
        if v is not None and (not isinstance(v, dict) or
                              not all(isinstance(x, str) for x in v.values())):
            causes.append(("FieldValueInvalid", "metadata." + field,
                           "Invalid value: values must be strings"))
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if res.name in WORKLOADS:
        r = spec.get("replicas", 0)
        if not isinstance(r, int) or isinstance(r, bool):
            causes.append(("FieldValueInvalid", "spec.replicas",
                           "Invalid value: %s: must be an integer" % json.dumps(r)))
        elif r < 0:
            causes.append(("FieldValueInvalid", "spec.replicas",
                           "Invalid value: %d: must be greater than or equal to 0" % r))
        sel = spec.get("selector")
        if not sel:
            causes.append(("FieldValueRequired", "spec.selector", "Required value"))
        elif not (sel.get("matchLabels") or sel.get("matchExpressions")):
            causes.append(("FieldValueInvalid", "spec.selector",
                           "Invalid value: v1.LabelSelector{MatchLabels:map[string]"
                           "string(nil), MatchExpressions:[]v1.LabelSelector"
                           "Requirement(nil)}: empty selector is invalid for "
                           "%s" % res.singular))
        else:
            tl = dig(spec, "template", "metadata", "labels", default={}) or {}
            if not label_selector_matches(sel, tl):
                causes.append(("FieldValueInvalid", "spec.template.metadata.labels",
                               "Invalid value: %s: `selector` does not match "
                               "template `labels`" % go_map_repr(tl)))
        tspec = dig(spec, "template", "spec", default={})
        validate_containers(tspec, "spec.template.spec", causes)
        rp = tspec.get("restartPolicy") if isinstance(tspec, dict) else None
        if rp and rp != "Always":
            causes.append(("FieldValueNotSupported", "spec.template.spec.restartPolicy",
                           'Unsupported value: "%s": supported values: "Always"' % rp))
        if res.name == "statefulsets" and old is not None:
            mutable = ("replicas", "ordinals", "template", "updateStrategy",
                       "persistentVolumeClaimRetentionPolicy", "minReadySeconds")
            a = {k: v for k, v in (old.get("spec") or {}).items() if k not in mutable}
            b = {k: v for k, v in spec.items() if k not in mutable}
            if canon(a) != canon(b):
                causes.append(("FieldValueForbidden", "spec",
                               "Forbidden: updates to statefulset spec for fields "
                               "other than 'replicas', 'ordinals', 'template', "
                               "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' "
                               "and 'minReadySeconds' are forbidden"))
        elif old is not None and old.get("spec", {}).get("selector") != spec.get("selector"):
            causes.append(("FieldValueInvalid", "spec.selector",
                           "Invalid value: %s: field is immutable"
                           % json.dumps(spec.get("selector"))))
        if res.name in ("statefulsets", "daemonsets"):
            st = dig(spec, "updateStrategy", "type")
            if st not in ("RollingUpdate", "OnDelete"):
                causes.append(("FieldValueNotSupported", "spec.updateStrategy.type",
                               'Unsupported value: "%s": supported values: '
                               '"OnDelete", "RollingUpdate"' % st))
        if res.name == "statefulsets":
            pm = spec.get("podManagementPolicy")
            if pm not in ("OrderedReady", "Parallel"):
                causes.append(("FieldValueNotSupported", "spec.podManagementPolicy",
                               'Unsupported value: "%s": supported values: '
                               '"OrderedReady", "Parallel"' % pm))
        if res.name == "deployments":
            st = dig(spec, "strategy", "type")
            if st not in ("RollingUpdate", "Recreate"):
                causes.append(("FieldValueNotSupported", "spec.strategy.type",
                               'Unsupported value: "%s": supported values: '
                               '"Recreate", "RollingUpdate"' % st))
    elif res.name == "pods":
        validate_containers(spec, "spec", causes)
    if causes:
        raise invalid(res.kind, res.group, name, causes)

# Known fields of the structures the emulator decodes, to prune and report
# unknown fields like the apiserver's decoder (fieldValidation).
OBJECT_META = {"name", "generateName", "namespace", "selfLink", "uid",
               "resourceVersion", "generation", "creationTimestamp",
               "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
               "annotations", "ownerReferences", "finalizers", "managedFields"}
CONTAINER = {"name", "image", "command", "args", "workingDir", "ports",
             "envFrom", "env", "resources", "resizePolicy", "restartPolicy",
             "volumeMounts", "volumeDevices", "livenessProbe", "readinessProbe",
             "startupProbe", "lifecycle", "terminationMessagePath",
             "terminationMessagePolicy", "imagePullPolicy", "securityContext",
             "stdin", "stdinOnce", "tty"}
POD_SPEC = {"volumes", "initContainers", "containers", "ephemeralContainers",
            "restartPolicy", "terminationGracePeriodSeconds",
            "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
            "serviceAccountName", "serviceAccount", "automountServiceAccountToken",
            "nodeName", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace",
            "securityContext", "imagePullSecrets", "hostname", "subdomain",
            "affinity", "schedulerName", "tolerations", "hostAliases",
            "priorityClassName", "priority", "dnsConfig", "readinessGates",
            "runtimeClassName", "enableServiceLinks", "preemptionPolicy",
            "overhead", "topologySpreadConstraints", "setHostnameAsFQDN", "os",
            "hostUsers", "schedulingGates", "resourceClaims", "resources"}
WORKLOAD_SPEC = {"replicas", "selector", "template", "strategy", "minReadySeconds",
                 "revisionHistoryLimit", "paused", "progressDeadlineSeconds"}
STATEFULSET_SPEC = {"replicas", "selector", "template", "volumeClaimTemplates",
                    "serviceName", "podManagementPolicy", "updateStrategy",
                    "revisionHistoryLimit", "minReadySeconds",
                    "persistentVolumeClaimRetentionPolicy", "ordinals"}
DAEMONSET_SPEC = {"selector", "template", "updateStrategy", "minReadySeconds",
                  "revisionHistoryLimit"}
TOP_FIELDS = {
    "Deployment": {"kind", "apiVersion", "metadata", "spec", "status"},
    "ReplicaSet": {"kind", "apiVersion", "metadata", "spec", "status"},
    "StatefulSet": {"kind", "apiVersion", "metadata", "spec", "status"},
    "DaemonSet": {"kind", "apiVersion", "metadata", "spec", "status"},
    "Pod": {"kind", "apiVersion", "metadata", "spec", "status"},
    "Node": {"kind", "apiVersion", "metadata", "spec", "status"},
    "Namespace": {"kind", "apiVersion", "metadata", "spec", "status"},
    "Event": {"kind", "apiVersion", "metadata", "involvedObject", "reason",
              "message", "source", "firstTimestamp", "lastTimestamp", "count",
              "type", "eventTime", "series", "action", "related",
              "reportingComponent", "reportingInstance"},
    "Scale": {"kind", "apiVersion", "metadata", "spec", "status"},
}


def prune_fields(kind, obj):
    """Drop fields the apiserver's decoder would not know; return their paths."""
    unknown = []

    def check(d, allowed, prefix):
        if not isinstance(d, dict):
            return
        for k in list(d.keys()):
            if k not in allowed:
                unknown.append(prefix + k)
                del d[k]

    def pod_spec(spec, prefix):
        check(spec, POD_SPEC, prefix)
        if isinstance(spec, dict):
            for f in ("containers", "initContainers"):
                for i, c in enumerate(spec.get(f) or []):
                    check(c, CONTAINER, "%s%s[%d]." % (prefix, f, i))
    check(obj, TOP_FIELDS.get(kind, set(obj)), "")
    check(obj.get("metadata"), OBJECT_META, "metadata.")
    spec = obj.get("spec")
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet") and \
            isinstance(spec, dict):
        allowed = {"Deployment": WORKLOAD_SPEC, "StatefulSet": STATEFULSET_SPEC,
                   "DaemonSet": DAEMONSET_SPEC}.get(
                       kind, {"replicas", "minReadySeconds", "selector", "template"})
        check(spec, allowed, "spec.")
        tmpl = spec.get("template")
        if isinstance(tmpl, dict):
            check(tmpl, {"metadata", "spec"}, "spec.template.")
            check(tmpl.get("metadata"), OBJECT_META, "spec.template.metadata.")
            pod_spec(tmpl.get("spec"), "spec.template.spec.")
    elif kind == "Pod":
        pod_spec(spec, "spec.")
    elif kind == "Scale":
        check(spec, {"replicas"}, "spec.")
    return unknown


def decode_body(body, kind, q, warnings):
    """Decode a JSON body like the apiserver: duplicate and unknown fields are
    errors with fieldValidation=Strict, warnings otherwise, and dropped."""
    dups = []

    def hook(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                dups.append(k)
            d[k] = v
        return d
    try:
        obj = json.loads(body or b"null", object_pairs_hook=hook)
    except ValueError as e:
        raise bad_request("the object provided is unrecognized (error decoding: %s)" % e)
    if not isinstance(obj, dict):
        return obj
    unknown = prune_fields(kind, obj)
    problems = ['duplicate field "%s"' % d for d in dups] + \
        ['unknown field "%s"' % u for u in unknown]
    mode = q.get("fieldValidation", "Warn")
    if mode not in ("Strict", "Warn", "Ignore"):
        raise bad_request('fieldValidation parameter unsupported value: "%s"' % mode)
    if problems and mode == "Strict":
        raise bad_request("strict decoding error: " + ", ".join(problems))
    if problems and mode == "Warn":
        warnings.extend(problems)
    return obj

# ---------------------------------------------------------------------------
# Tables (server-side printing)
# ---------------------------------------------------------------------------

NAME_DESC = ("Name must be unique within a namespace. Is required when creating "
             "resources, although some resources may allow a client to request "
             "the generation of an appropriate name automatically. Name is "
             "primarily intended for creation idempotence and configuration "
             "definition. Cannot be updated. More info: "
             "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names")
AGE_DESC = ("CreationTimestamp is a timestamp representing the server time when "
            "this object was created. It is not guaranteed to be set in "
            "happens-before order across separate operations. Clients may not "
            "set this value. It is represented in RFC3339 form and is in UTC.")


def col(name, typ="string", priority=0, desc="", fmt=""):
    """One TableColumnDefinition."""
    return {"name": name, "type": typ, "format": fmt, "description": desc,
            "priority": priority}


COLUMNS = {
    "pods": [col("Name", fmt="name", desc=NAME_DESC),
             col("Ready", desc="The aggregate readiness state of this pod for accepting traffic."),
             col("Status", desc="The aggregate status of the containers in this pod."),
             col("Restarts", desc="The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
             col("Age", desc=AGE_DESC),
             col("IP", priority=1, desc="podIP address allocated to the pod."),
             col("Node", priority=1, desc="NodeName indicates in which node this pod is scheduled."),
             col("Nominated Node", priority=1, desc="nominatedNodeName is set only when this pod preempts other pods on the node."),
             col("Readiness Gates", priority=1, desc="If specified, all readiness gates will be evaluated for pod readiness.")],
    "deployments": [col("Name", fmt="name", desc=NAME_DESC),
                    col("Ready", desc="Number of the pod with ready state"),
                    col("Up-to-date", desc="Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                    col("Available", desc="Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                    col("Age", desc=AGE_DESC),
                    col("Containers", priority=1, desc="Names of each container in the template."),
                    col("Images", priority=1, desc="Images referenced by each container in the template."),
                    col("Selector", priority=1, desc="Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.")],
    "replicasets": [col("Name", fmt="name", desc=NAME_DESC),
                    col("Desired", "integer", desc="Replicas is the number of desired pods."),
                    col("Current", "integer", desc="Replicas is the most recently observed number of replicas."),
                    col("Ready", "integer", desc="The number of ready replicas for this replica set."),
                    col("Age", desc=AGE_DESC),
                    col("Containers", priority=1, desc="Names of each container in the template."),
                    col("Images", priority=1, desc="Images referenced by each container in the template."),
                    col("Selector", priority=1, desc="Selector is a label query over pods that should match the replica count.")],
    "statefulsets": [col("Name", fmt="name", desc=NAME_DESC),
                     col("Ready", desc="Number of the pod with ready state"),
                     col("Age", desc=AGE_DESC),
                     col("Containers", priority=1, desc="Names of each container in the template."),
                     col("Images", priority=1, desc="Images referenced by each container in the template.")],
    "daemonsets": [col("Name", fmt="name", desc=NAME_DESC),
                   col("Desired", "integer", desc="The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
                   col("Current", "integer", desc="The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"),
                   col("Ready", "integer", desc="numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
                   col("Up-to-date", "integer", desc="The total number of nodes that are running updated daemon pod"),
                   col("Available", "integer", desc="The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
                   col("Node Selector", desc="NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
                   col("Age", desc=AGE_DESC),
                   col("Containers", priority=1, desc="Names of each container in the template."),
                   col("Images", priority=1, desc="Images referenced by each container in the template."),
                   col("Selector", priority=1, desc="A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors")],
    "nodes": [col("Name", fmt="name", desc=NAME_DESC),
              col("Status", desc="The status of the node"),
              col("Roles", desc="The roles of the node"),
              col("Age", desc=AGE_DESC),
              col("Version", desc="Kubelet Version reported by the node."),
              col("Internal-IP", priority=1, desc="List of addresses reachable to the node."),
              col("External-IP", priority=1, desc="List of addresses reachable to the node."),
              col("OS-Image", priority=1, desc="OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
              col("Kernel-Version", priority=1, desc="Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
              col("Container-Runtime", priority=1, desc="ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")],
    "namespaces": [col("Name", fmt="name", desc=NAME_DESC),
                   col("Status", desc="The status of the namespace"),
                   col("Age", desc=AGE_DESC)],
    "events": [col("Last Seen", desc="The last time this event was observed"),
               col("Type", desc="Type of this event (Normal, Warning), new types could be added in the future."),
               col("Reason", desc="This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
               col("Object", desc="The object that this event is about."),
               col("Subobject", priority=1, desc="The subobject that this event is about."),
               col("Source", priority=1, desc="The component reporting this event."),
               col("Message", desc="A human-readable description of the status of this operation."),
               col("First Seen", priority=1, desc="The first time this event was observed"),
               col("Count", priority=1, desc="The number of times this event has occurred."),
               col("Name", priority=1, fmt="name", desc=NAME_DESC)],
}


def containers_cells(spec):
    """Comma-joined container names and images."""
    cs = (spec or {}).get("containers") or []
    return (",".join(c.get("name", "") for c in cs),
            ",".join(c.get("image", "") for c in cs))


def pod_cells(p):
    """printPod: NAME READY STATUS RESTARTS AGE IP NODE NOMINATED GATES."""
    st = p.get("status") or {}
    phase = st.get("phase", "")
    reason = st.get("reason") or phase
    total = len(dig(p, "spec", "containers", default=[]) or [])
    ready = restarts = 0
    last_restart = None
    has_running = False
    for c in reversed(st.get("containerStatuses") or []):
        restarts += int(c.get("restartCount", 0) or 0)
        fin = parse_ts(dig(c, "lastState", "terminated", "finishedAt"))
        if fin is not None and (last_restart is None or last_restart < fin):
            last_restart = fin
        state = c.get("state") or {}
        if dig(state, "waiting", "reason"):
            reason = state["waiting"]["reason"]
        elif dig(state, "terminated", "reason"):
            reason = state["terminated"]["reason"]
        elif "terminated" in state:
            t = state["terminated"] or {}
            reason = ("Signal:%d" % t["signal"]) if t.get("signal") else \
                "ExitCode:%d" % int(t.get("exitCode", 0) or 0)
        elif c.get("ready") and "running" in state:
            has_running = True
            ready += 1
    if reason == "Completed" and has_running:
        conds = st.get("conditions") or []
        reason = "Running" if any(c.get("type") == "Ready" and c.get("status") == "True"
                                  for c in conds) else "NotReady"
    if dig(p, "metadata", "deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    rs = str(restarts)
    if restarts and last_restart is not None:
        rs = "%d (%s ago)" % (restarts, human_duration(time.time() - last_restart))
    ips = st.get("podIPs") or []
    ip = (ips[0].get("ip") if ips else "") or "<none>"
    gates = dig(p, "spec", "readinessGates", default=[]) or []
    gates_s = "<none>"
    if gates:
        conds = {c.get("type"): c.get("status") for c in st.get("conditions") or []}
        ok = sum(1 for g in gates if conds.get(g.get("conditionType")) == "True")
        gates_s = "%d/%d" % (ok, len(gates))
    return [meta(p).get("name", ""), "%d/%d" % (ready, total), reason, rs,
            since(meta(p).get("creationTimestamp")), ip,
            dig(p, "spec", "nodeName") or "<none>",
            st.get("nominatedNodeName") or "<none>", gates_s]


def node_cells(n):
    """printNode: NAME STATUS ROLES AGE VERSION and wide columns."""
    conds = dig(n, "status", "conditions", default=[]) or []
    ready = [c for c in conds if c.get("type") == "Ready"]
    status = []
    if not ready:
        status.append("Unknown")
    elif ready[0].get("status") == "True":
        status.append("Ready")
    else:
        status.append("NotReady")
    if dig(n, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    roles = set()
    for k, v in (meta(n).get("labels") or {}).items():
        if k.startswith("node-role.kubernetes.io/") and k[24:]:
            roles.add(k[24:])
        elif k == "kubernetes.io/role" and v:
            roles.add(v)
    addrs = dig(n, "status", "addresses", default=[]) or []

    def addr(t):
        a = [x.get("address") for x in addrs if x.get("type") == t]
        return a[0] if a else "<none>"
    info = dig(n, "status", "nodeInfo", default={}) or {}
    return [meta(n).get("name", ""), ",".join(status),
            ",".join(sorted(roles)) or "<none>", since(meta(n).get("creationTimestamp")),
            info.get("kubeletVersion", ""), addr("InternalIP"), addr("ExternalIP"),
            info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
            info.get("containerRuntimeVersion") or "<unknown>"]


def event_cells(e):
    """printEvent: LAST SEEN TYPE REASON OBJECT ... MESSAGE ... COUNT NAME."""
    first = since(e.get("firstTimestamp")) if e.get("firstTimestamp") else since(e.get("eventTime"))
    last = since(e.get("lastTimestamp")) if e.get("lastTimestamp") else first
    count = e.get("count") or 0
    if e.get("series"):
        last = since(e["series"].get("lastObservedTime"))
        count = e["series"].get("count", 0)
    elif count == 0:
        count = 1
    io = e.get("involvedObject") or {}
    target = "%s/%s" % (io.get("kind", "").lower(), io["name"]) if io.get("name") \
        else io.get("kind", "").lower()
    src = e.get("source") or {}
    comp = src.get("component") or e.get("reportingComponent", "")
    host = src.get("host") or e.get("reportingInstance", "")
    source = comp + (", " + host if host else "")
    return [last, e.get("type", ""), e.get("reason", ""), target,
            io.get("fieldPath", ""), source, (e.get("message") or "").strip(),
            first, int(count), meta(e).get("name", "")]


def table_cells(res, o):
    """The cells of one Table row for an object."""
    if res.name == "pods":
        return pod_cells(o)
    if res.name == "deployments":
        spec, st = o.get("spec") or {}, o.get("status") or {}
        c, i = containers_cells(dig(spec, "template", "spec"))
        return [meta(o).get("name"), "%d/%d" % (st.get("readyReplicas", 0), spec.get("replicas", 0)),
                st.get("updatedReplicas", 0), st.get("availableReplicas", 0),
                since(meta(o).get("creationTimestamp")), c, i,
                selector_string(spec.get("selector"))]
    if res.name == "replicasets":
        spec, st = o.get("spec") or {}, o.get("status") or {}
        c, i = containers_cells(dig(spec, "template", "spec"))
        return [meta(o).get("name"), spec.get("replicas", 0), st.get("replicas", 0),
                st.get("readyReplicas", 0), since(meta(o).get("creationTimestamp")),
                c, i, selector_string(spec.get("selector"))]
    if res.name == "statefulsets":
        spec, st = o.get("spec") or {}, o.get("status") or {}
        c, i = containers_cells(dig(spec, "template", "spec"))
        return [meta(o).get("name"), "%d/%d" % (st.get("readyReplicas", 0), spec.get("replicas", 0)),
                since(meta(o).get("creationTimestamp")), c, i]
    if res.name == "daemonsets":
        spec, st = o.get("spec") or {}, o.get("status") or {}
        c, i = containers_cells(dig(spec, "template", "spec"))
        ns = dig(spec, "template", "spec", "nodeSelector", default={}) or {}
        nsel = ",".join("%s=%s" % (k, ns[k]) for k in sorted(ns)) or "<none>"
        return [meta(o).get("name"), st.get("desiredNumberScheduled", 0),
                st.get("currentNumberScheduled", 0), st.get("numberReady", 0),
                st.get("updatedNumberScheduled", 0), st.get("numberAvailable", 0),
                nsel, since(meta(o).get("creationTimestamp")), c, i,
                selector_string(spec.get("selector"))]
    if res.name == "nodes":
        return node_cells(o)
    if res.name == "namespaces":
        return [meta(o).get("name"), dig(o, "status", "phase", default=""),
                since(meta(o).get("creationTimestamp"))]
    return event_cells(o)


def table_row(res, o, include):
    """One TableRow, with the object as PartialObjectMetadata by default."""
    row = {"cells": table_cells(res, o)}
    phase = dig(o, "status", "phase")
    if res.name == "pods" and phase in ("Succeeded", "Failed"):
        row["conditions"] = [{"type": "Completed", "status": "True",
                              "reason": phase, "message": "The pod has completed successfully."
                              if phase == "Succeeded" else "The pod failed."}]
    if include == "Object":
        row["object"] = ordered(o)
    elif include != "None":
        row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                         "metadata": ordered(o)["metadata"]}
    return row


def make_table(res, objs, include, list_meta=None):
    """A meta.k8s.io/v1 Table for objects."""
    t = {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
         "metadata": list_meta or {}, "columnDefinitions": COLUMNS[res.name],
         "rows": [table_row(res, o, include) for o in objs]}
    return t

# ---------------------------------------------------------------------------
# Store: objects, resourceVersion, history for watch and paging
# ---------------------------------------------------------------------------

HISTORY_MAX = 50000


class Store:
    """All objects, the global resourceVersion and the change history."""

    def __init__(self):
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.objs = {r: {} for r in RESOURCES}
        self.rv = 1
        self.history = []   # (rv, type, resource, key, object, previous)
        self.history_base = 2
        self.compactions = 0

    def key(self, res, ns, name):
        """Storage key, sorted like etcd keys."""
        return (ns or "") + "/" + name if res.namespaced else name

    def get(self, res, ns, name):
        """The stored object or None (not a copy)."""
        return self.objs[res.name].get(self.key(res, ns, name))

    def write(self, res, obj, etype):
        """Store (or with DELETED remove) an object under a new resourceVersion."""
        with self.lock:
            return self.write_locked(res, obj, etype)

    def write_locked(self, res, obj, etype):
        """write() with the store lock held."""
        m = meta(obj)
        k = self.key(res, m.get("namespace"), m["name"])
        prev = self.objs[res.name].get(k)
        self.rv += 1
        if etype == "DELETED":
            self.objs[res.name].pop(k, None)
        else:
            m["resourceVersion"] = str(self.rv)
            self.objs[res.name][k] = obj
        self.history.append((self.rv, etype, res.name, k,
                             copy.deepcopy(obj), copy.deepcopy(prev)))
        if len(self.history) > HISTORY_MAX:
            drop = len(self.history) - HISTORY_MAX
            del self.history[:drop]
            self.history_base += drop
        self.cond.notify_all()
        return obj

    def items(self, res, ns=None):
        """Current objects of a resource, optionally in one namespace, key order."""
        d = self.objs[res.name]
        out = []
        for k in sorted(d):
            o = d[k]
            if ns and res.namespaced and meta(o).get("namespace") != ns:
                continue
            out.append(o)
        return out

    def snapshot(self, res, at):
        """{key: object} of a resource as it was at resourceVersion 'at'."""
        if at >= self.rv:
            return dict(self.objs[res.name])
        if at < self.history_base - 1:
            return None
        snap = dict(self.objs[res.name])
        for (rv, _etype, rname, k, _obj, prev) in reversed(self.history):
            if rv <= at:
                break
            if rname != res.name:
                continue
            if prev is None:
                snap.pop(k, None)
            else:
                snap[k] = prev
        return snap

    def events_after(self, rv):
        """History entries with a resourceVersion above rv, or None if gone."""
        if rv + 1 < self.history_base:
            return None
        i = max(0, rv + 1 - self.history_base)
        return self.history[i:]

# ---------------------------------------------------------------------------
# The cluster: registry semantics and controllers
# ---------------------------------------------------------------------------


class Cluster:
    """Registry semantics over the store plus the controllers."""

    def __init__(self, seed):
        self.store = Store()
        self.rng = random.Random(seed)
        self.ip_counter = 10
        self.node_rr = 0
        self.event_seq = 0
        # Pacing (see README): seconds a new pod waits before it is Ready,
        # deployments (ns, name) whose new pods never become Ready, and
        # when each paced pod (by uid) becomes Ready (None: never).
        self.pace = 0.0
        self.stalled = set()
        self.ready_at = {}

    # -- identity --------------------------------------------------------

    def new_uid(self):
        """A random (seeded) UUID, as the apiserver assigns."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def rand_suffix(self, n=5):
        """Random name suffix from the apiserver's alphabet."""
        return "".join(self.rng.choice(ALPHANUMS) for _ in range(n))

    # -- reads -----------------------------------------------------------

    def get(self, res, ns, name):
        """A copy of one object, or a 404 ApiError."""
        o = self.store.get(res, ns, name)
        if o is None:
            raise not_found(res, name)
        return copy.deepcopy(o)

    def list(self, res, ns, q):
        """List with selectors, paging and resourceVersion semantics."""
        lsel = parse_label_selector(q.get("labelSelector", ""))
        fsel = parse_field_selector(q.get("fieldSelector", ""), res)
        limit = q.get("limit", "")
        try:
            limit = int(limit) if limit else 0
        except ValueError:
            raise bad_request("invalid limit: %s" % limit)
        cont = q.get("continue", "")
        at = self.store.rv
        start = ""
        if cont:
            try:
                tok = json.loads(base64.urlsafe_b64decode(cont + "=" * (-len(cont) % 4)))
                at = int(tok["rv"])
                start = tok["start"]
                if tok.get("v") != "meta.k8s.io/v1":
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                raise bad_request("continue key is not valid: incorrect encoded "
                                  "start resourceVersion (version meta.k8s.io/v1)")
        elif q.get("resourceVersion") not in (None, "", "0") and \
                q.get("resourceVersionMatch") == "Exact":
            try:
                at = int(q["resourceVersion"])
            except ValueError:
                raise bad_request("invalid resource version")
        snap = self.store.snapshot(res, at)
        if snap is None:
            raise ApiError(410, "Expired",
                           "The provided continue parameter is too old to display "
                           "a consistent list result. You can start a new list "
                           "without the continue parameter, or use the continue "
                           "token in this response to retrieve the remainder of the "
                           "results. Continuing with the provided token results in "
                           "an inconsistent list - objects that were created, "
                           "modified, or deleted between the time the first chunk "
                           "was returned and now may show up in the list.")
        keys = sorted(k for k in snap if k >= start)
        items, more, last = [], False, None
        for i, k in enumerate(keys):
            o = snap[k]
            if ns and res.namespaced and meta(o).get("namespace") != ns:
                continue
            if not labels_match(lsel, meta(o).get("labels")) or not fields_match(fsel, o):
                continue
            if limit and len(items) == limit:
                more = True
                break
            items.append(copy.deepcopy(o))
            last = k
        lm = {"resourceVersion": str(at)}
        if more:
            tok = {"v": "meta.k8s.io/v1", "rv": at, "start": last + "\x00"}
            lm["continue"] = base64.urlsafe_b64encode(
                json.dumps(tok, separators=(",", ":")).encode()).decode().rstrip("=")
            if not lsel and not fsel:
                rest = [k for k in keys if k > last and
                        (not ns or not res.namespaced or meta(snap[k]).get("namespace") == ns)]
                lm["remainingItemCount"] = len(rest)
        return items, lm

    # -- writes ----------------------------------------------------------

    def check_namespace(self, res, ns):
        """A namespaced write needs its namespace to exist."""
        if res.namespaced and self.store.get(RESOURCES["namespaces"], None, ns) is None:
            raise not_found(RESOURCES["namespaces"], ns)

    def create(self, res, ns, obj, dry_run=False, keep_status=False, keep_time=False):
        """POST: defaults, validation, identity; returns the created object."""
        if not isinstance(obj, dict):
            raise bad_request("the body of the request was in an unknown format")
        obj = copy.deepcopy(obj)
        obj.setdefault("kind", res.kind)
        obj.setdefault("apiVersion", res.api_version)
        if obj.get("kind") != res.kind:
            raise bad_request('the server could not find the requested resource')
        m = meta(obj)
        if res.namespaced:
            if m.get("namespace") and m["namespace"] != ns:
                raise bad_request("the namespace of the provided object does not "
                                  "match the namespace sent on the request")
            m["namespace"] = ns
        else:
            m.pop("namespace", None)
        if not m.get("name") and m.get("generateName"):
            m["name"] = m["generateName"] + self.rand_suffix()
        if m.get("resourceVersion"):
            raise bad_request("resourceVersion should not be set on objects to be created")
        if res.namespaced:
            self.check_namespace(res, ns)
        apply_defaults(res, obj)
        validate(res, obj)
        if self.store.get(res, ns, m["name"]) is not None:
            raise already_exists(res, m["name"])
        m["uid"] = self.new_uid()
        if not keep_time or not m.get("creationTimestamp"):
            m["creationTimestamp"] = now_ts()
        m.pop("deletionTimestamp", None)
        if res.generation:
            m["generation"] = 1
        if res.name in WORKLOADS and not keep_status:
            obj["status"] = {}
        if res.name == "daemonsets":
            m.setdefault("annotations", {})[DS_TEMPLATE_GENERATION] = "1"
        if res.name == "pods" and not keep_status:
            obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj)}
        if res.name == "events":
            obj.setdefault("firstTimestamp", obj.get("lastTimestamp") or now_ts())
            obj.setdefault("lastTimestamp", obj["firstTimestamp"])
            obj.setdefault("count", 1)
        obj = ordered(obj)
        if dry_run:
            return obj
        self.store.write(res, obj, "ADDED")
        out = copy.deepcopy(obj)
        self.reconcile()
        return out

    def update(self, res, ns, name, obj, sub=None, dry_run=False):
        """PUT on an object or its status: preconditions, generation, no-op."""
        if not isinstance(obj, dict):
            raise bad_request("the body of the request was in an unknown format")
        old = self.store.get(res, ns, name)
        if old is None:
            raise not_found(res, name)
        new = copy.deepcopy(obj)
        m = meta(new)
        if m.get("name") and m["name"] != name:
            raise bad_request("the name of the object (%s) does not match the name "
                              "on the URL (%s)" % (m["name"], name))
        if res.namespaced and m.get("namespace") and m["namespace"] != ns:
            raise bad_request("the namespace of the provided object does not match "
                              "the namespace sent on the request")
        if new.get("kind", res.kind) != res.kind:
            raise bad_request('%s in version "v1" cannot be handled as a %s: '
                              'the kind does not match' % (new.get("kind"), res.kind))
        rv = m.get("resourceVersion")
        if rv and rv != meta(old)["resourceVersion"]:
            raise conflict(res, name)
        return self.store_update(res, old, new, sub, dry_run)

    def store_update(self, res, old, new, sub, dry_run):
        """Shared tail of update and patch: strategy, validation, write."""
        om = meta(old)
        m = meta(new)
        new["kind"], new["apiVersion"] = res.kind, res.api_version
        m["name"] = om["name"]
        if res.namespaced:
            m["namespace"] = om["namespace"]
        for k in ("uid", "creationTimestamp", "deletionTimestamp", "generation"):
            if k in om:
                m[k] = om[k]
            else:
                m.pop(k, None)
        m["resourceVersion"] = om["resourceVersion"]
        if sub == "status":
            for k in list(new.keys()):
                if k not in ("kind", "apiVersion", "metadata", "status"):
                    del new[k]
            for k, v in old.items():
                if k not in ("kind", "apiVersion", "metadata", "status"):
                    new[k] = copy.deepcopy(v)
            if "labels" in om:
                m["labels"] = copy.deepcopy(om["labels"])
            else:
                m.pop("labels", None)
        elif res.has_status:
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
            else:
                new.pop("status", None)
        apply_defaults(res, new)
        validate(res, new, old)
        if res.generation and canon(new.get("spec")) != canon(old.get("spec")):
            m["generation"] = int(om.get("generation", 1)) + 1
        if res.name == "daemonsets" and sub is None and \
                canon(dig(new, "spec", "template")) != canon(dig(old, "spec", "template")):
            tg = (om.get("annotations") or {}).get(DS_TEMPLATE_GENERATION, "1")
            m.setdefault("annotations", {})[DS_TEMPLATE_GENERATION] = str(int(tg) + 1)
        new = ordered(new)
        if canon(new) == canon(old):
            return copy.deepcopy(old)
        if dry_run:
            return new
        self.store.write(res, new, "MODIFIED")
        out = copy.deepcopy(new)
        self.reconcile()
        return out

    def patch(self, res, ns, name, ctype, body, sub=None, dry_run=False, q=None,
              warnings=None):
        """PATCH with strategic-merge, merge or JSON patch."""
        old = self.store.get(res, ns, name)
        if old is None:
            raise not_found(res, name)
        try:
            p = json.loads(body or b"null")
        except ValueError as e:
            raise bad_request("error decoding patch: %s" % e)
        cur = scale_of(res, old) if sub == "scale" else copy.deepcopy(old)
        if ctype == "application/json-patch+json":
            new = json_patch(cur, p)
        elif ctype == "application/merge-patch+json":
            if not isinstance(p, dict):
                raise bad_request("json: cannot unmarshal %s into Go value of type "
                                  "map[string]interface {}" % type(p).__name__)
            new = merge_patch(cur, p)
        elif ctype == "application/strategic-merge-patch+json":
            if not isinstance(p, dict):
                raise bad_request("json: cannot unmarshal %s into Go value of type "
                                  "map[string]interface {}" % type(p).__name__)
            new = smp_merge(cur, p)
        else:
            raise ApiError(415, "UnsupportedMediaType",
                           "the body of the request was in an unknown format - "
                           "accepted media types include: application/json-patch+json, "
                           "application/merge-patch+json, "
                           "application/strategic-merge-patch+json")
        if not isinstance(new, dict):
            raise bad_request("the patched object is not an object")
        new = decode_body(json.dumps(new).encode(), "Scale" if sub == "scale" else res.kind,
                          q or {}, warnings if warnings is not None else [])
        rv = dig(new, "metadata", "resourceVersion")
        if rv and rv != meta(old)["resourceVersion"]:
            raise conflict(res, name)
        if sub == "scale":
            return self.scale_put(res, ns, name, new, dry_run)
        return self.store_update(res, old, new, sub, dry_run)

    def scale_put(self, res, ns, name, scale, dry_run=False):
        """PUT on /scale: set spec.replicas through the parent object."""
        old = self.store.get(res, ns, name)
        if old is None:
            raise not_found(res, name)
        if not isinstance(scale, dict):
            raise bad_request("the body of the request was in an unknown format")
        sm = scale.get("metadata") or {}
        if sm.get("name") and sm["name"] != name:
            raise bad_request("the name of the object (%s) does not match the name "
                              "on the URL (%s)" % (sm["name"], name))
        if sm.get("resourceVersion") and sm["resourceVersion"] != meta(old)["resourceVersion"]:
            raise conflict(res, name)
        r = dig(scale, "spec", "replicas", default=0)
        if not isinstance(r, int) or isinstance(r, bool) or r < 0:
            raise invalid("Scale", "autoscaling", name,
                          [("FieldValueInvalid", "spec.replicas",
                            "Invalid value: %s: must be greater than or equal to 0"
                            % json.dumps(r))])
        new = copy.deepcopy(old)
        new["spec"]["replicas"] = r
        out = self.store_update(res, old, new, None, dry_run)
        return scale_of(res, out)

    def delete(self, res, ns, name, opts, dry_run=False):
        """DELETE: preconditions, garbage collection of dependents."""
        old = self.store.get(res, ns, name)
        if old is None:
            raise not_found(res, name)
        pre = opts.get("preconditions") or {}
        if pre.get("uid") and pre["uid"] != meta(old).get("uid"):
            raise conflict(res, name, "Precondition failed: UID in precondition: "
                           "%s, UID in object meta: %s" % (pre["uid"], meta(old).get("uid")))
        if pre.get("resourceVersion") and pre["resourceVersion"] != meta(old)["resourceVersion"]:
            raise conflict(res, name, "Precondition failed: ResourceVersion in "
                           "precondition: %s, ResourceVersion in object meta: %s"
                           % (pre["resourceVersion"], meta(old)["resourceVersion"]))
        out = copy.deepcopy(old)
        if res.name in ("pods", "namespaces"):
            meta(out)["deletionTimestamp"] = now_ts()
            if res.name == "pods":
                meta(out)["deletionGracePeriodSeconds"] = int(
                    opts.get("gracePeriodSeconds",
                             dig(old, "spec", "terminationGracePeriodSeconds", default=30)))
            else:
                out.setdefault("status", {})["phase"] = "Terminating"
        if dry_run:
            return self.delete_result(res, out)
        policy = opts.get("propagationPolicy") or \
            ("Orphan" if opts.get("orphanDependents") else "Background")
        self.remove(res, old, policy)
        self.reconcile()
        return self.delete_result(res, out)

    def delete_result(self, res, out):
        """What DELETE answers: the object for pods/namespaces, else Status."""
        if res.name in ("pods", "namespaces"):
            return ordered(out)
        d = details_for(res, meta(out)["name"])
        d["uid"] = meta(out).get("uid")
        return {"kind": "Status", "apiVersion": "v1", "metadata": {},
                "status": "Success", "details": d}

    def remove(self, res, obj, policy):
        """Remove an object; garbage-collect or orphan its dependents."""
        self.store.write(res, obj, "DELETED")
        uid = meta(obj).get("uid")
        if res.name == "namespaces":
            ns = meta(obj)["name"]
            for r in RESOURCES.values():
                if r.namespaced:
                    for o in list(self.store.items(r, ns)):
                        self.store.write(r, o, "DELETED")
            return
        for r in RESOURCES.values():
            for o in list(self.store.items(r)):
                refs = meta(o).get("ownerReferences") or []
                if not any(x.get("uid") == uid for x in refs):
                    continue
                if policy == "Orphan":
                    o2 = copy.deepcopy(o)
                    rest = [x for x in refs if x.get("uid") != uid]
                    if rest:
                        meta(o2)["ownerReferences"] = rest
                    else:
                        meta(o2).pop("ownerReferences", None)
                    self.store.write(r, o2, "MODIFIED")
                else:
                    self.remove(r, o, policy)

    # -- events ----------------------------------------------------------

    def record_event(self, obj, res, etype, reason, message, component):
        """Record a core/v1 Event about an object, like client-go's recorder."""
        m = meta(obj)
        ns = m.get("namespace") or "default"
        if self.store.get(RESOURCES["namespaces"], None, ns) is None:
            return
        ts = now_ts()
        self.event_seq += 1
        name = "%s.%x" % (m["name"], time.time_ns() + self.event_seq)
        ev = {"kind": "Event", "apiVersion": "v1",
              "metadata": {"name": name, "namespace": ns, "uid": self.new_uid(),
                           "creationTimestamp": ts},
              "involvedObject": {"kind": res.kind, "namespace": ns, "name": m["name"],
                                 "uid": m.get("uid"), "apiVersion": res.api_version,
                                 "resourceVersion": m.get("resourceVersion")},
              "reason": reason, "message": message,
              "source": {"component": component},
              "firstTimestamp": ts, "lastTimestamp": ts, "count": 1, "type": etype,
              "eventTime": None, "reportingComponent": component, "reportingInstance": ""}
        self.store.write(RESOURCES["events"], ev, "ADDED")

    # -- controllers -----------------------------------------------------

    def reconcile(self):
        """Run the scheduler/kubelet, deployment and replica-set controllers."""
        with self.store.lock:
            for _ in range(3):
                rv = self.store.rv
                for d in list(self.store.items(RESOURCES["deployments"])):
                    self.sync_deployment(d)
                for rs in list(self.store.items(RESOURCES["replicasets"])):
                    self.sync_replicaset(rs)
                for s in list(self.store.items(RESOURCES["statefulsets"])):
                    self.sync_statefulset(s)
                for ds in list(self.store.items(RESOURCES["daemonsets"])):
                    self.sync_daemonset(ds)
                self.run_kubelet()
                for rs in list(self.store.items(RESOURCES["replicasets"])):
                    self.replicaset_status(rs)
                for s in list(self.store.items(RESOURCES["statefulsets"])):
                    self.statefulset_status(s)
                for ds in list(self.store.items(RESOURCES["daemonsets"])):
                    self.daemonset_status(ds)
                for d in list(self.store.items(RESOURCES["deployments"])):
                    self.deployment_status(d)
                if self.store.rv == rv:
                    break

    def put_if_changed(self, res, old, new):
        """Write an object only when it changed; returns the stored one."""
        if canon(old) == canon(new):
            return old
        return self.store.write(res, ordered(new), "MODIFIED")

    def owned_by(self, o, owner):
        """Whether o's controller reference points at owner."""
        for r in meta(o).get("ownerReferences") or []:
            if r.get("controller") and r.get("uid") == meta(owner).get("uid"):
                return True
        return False

    def has_controller(self, o):
        """Whether o has any controller reference."""
        return any(r.get("controller") for r in meta(o).get("ownerReferences") or [])

    def controller_ref(self, owner, res):
        """An ownerReference marking owner as the controller."""
        return {"apiVersion": res.api_version, "kind": res.kind,
                "name": meta(owner)["name"], "uid": meta(owner)["uid"],
                "controller": True, "blockOwnerDeletion": True}

    def deployment_rss(self, d):
        """ReplicaSets controlled by d, adopting matching orphans."""
        rsr = RESOURCES["replicasets"]
        ns = meta(d)["namespace"]
        sel = dig(d, "spec", "selector")
        out = []
        for rs in self.store.items(rsr, ns):
            if self.owned_by(rs, d):
                out.append(rs)
            elif not self.has_controller(rs) and \
                    label_selector_matches(sel, meta(rs).get("labels")):
                rs2 = copy.deepcopy(rs)
                meta(rs2).setdefault("ownerReferences", []).append(
                    self.controller_ref(d, RESOURCES["deployments"]))
                out.append(self.store.write(rsr, ordered(rs2), "MODIFIED"))
        out.sort(key=lambda r: (meta(r).get("creationTimestamp", ""), meta(r)["name"]))
        return out

    def sync_deployment(self, d):
        """The deployment controller's sync: find or create the new RS,
        renumber it, scale it up and the old ones down, clean history."""
        rsr = RESOURCES["replicasets"]
        dr = RESOURCES["deployments"]
        if meta(d).get("deletionTimestamp"):
            return
        spec = d.get("spec") or {}
        replicas = spec.get("replicas", 1)
        tmpl = spec.get("template") or {}
        rss = self.deployment_rss(d)
        new_rs = next((rs for rs in rss
                       if equal_ignore_hash(dig(rs, "spec", "template"), tmpl)), None)
        old_rss = [rs for rs in rss if rs is not new_rs]
        if spec.get("paused"):
            if new_rs is None:
                active = sorted(old_rss, key=revision_of)
                new_rs = active[-1] if active else None
                old_rss = [rs for rs in old_rss if rs is not new_rs]
            if new_rs is not None:
                self.scale_rs(new_rs, replicas, d)
            return
        max_old = max([revision_of(rs) for rs in old_rss] + [0])
        new_rev = max_old + 1
        if new_rs is not None:
            rs2 = copy.deepcopy(new_rs)
            set_new_rs_annotations(d, rs2, new_rev, True)
            new_rs = self.put_if_changed(rsr, new_rs, rs2)
        else:
            new_rs = self.create_rs(d, new_rev)
        rev = dig(new_rs, "metadata", "annotations", REVISION)
        if rev and (meta(d).get("annotations") or {}).get(REVISION) != rev:
            d2 = copy.deepcopy(d)
            meta(d2).setdefault("annotations", {})[REVISION] = rev
            d = self.store.write(dr, ordered(d2), "MODIFIED")
        self.scale_rs(new_rs, replicas, d)
        for rs in old_rss:
            self.scale_rs(rs, 0, d)
        self.cleanup_rss(d, old_rss)

    def create_rs(self, d, revision):
        """Create the ReplicaSet for d's current template, name d-<hash>."""
        rsr = RESOURCES["replicasets"]
        collisions = dig(d, "status", "collisionCount", default=0) or 0
        tmpl = copy.deepcopy(dig(d, "spec", "template"))
        while True:
            h = pod_template_hash(tmpl, collisions)
            name = meta(d)["name"] + "-" + h
            existing = self.store.get(rsr, meta(d)["namespace"], name)
            if existing is None:
                break
            if self.owned_by(existing, d) and equal_ignore_hash(
                    dig(existing, "spec", "template"), tmpl):
                return existing
            collisions += 1
        if collisions != (dig(d, "status", "collisionCount", default=0) or 0):
            d2 = copy.deepcopy(d)
            d2.setdefault("status", {})["collisionCount"] = collisions
            self.store.write(RESOURCES["deployments"], ordered(d2), "MODIFIED")
        labels = dict(dig(tmpl, "metadata", "labels", default={}) or {})
        labels[HASH_LABEL] = h
        meta(tmpl)["labels"] = labels
        sel = copy.deepcopy(dig(d, "spec", "selector"))
        sel.setdefault("matchLabels", {})[HASH_LABEL] = h
        rs = {"kind": "ReplicaSet", "apiVersion": "apps/v1",
              "metadata": {"name": name, "namespace": meta(d)["namespace"],
                           "uid": self.new_uid(), "generation": 1,
                           "creationTimestamp": now_ts(), "labels": dict(labels),
                           "ownerReferences": [self.controller_ref(d, RESOURCES["deployments"])]},
              "spec": {"replicas": dig(d, "spec", "replicas", default=1),
                       "minReadySeconds": dig(d, "spec", "minReadySeconds", default=0),
                       "selector": sel, "template": tmpl},
              "status": {"replicas": 0}}
        if not rs["spec"]["minReadySeconds"]:
            del rs["spec"]["minReadySeconds"]
        set_new_rs_annotations(d, rs, revision, False)
        rs = self.store.write(rsr, ordered(rs), "ADDED")
        n = rs["spec"]["replicas"]
        if n:
            self.record_event(d, RESOURCES["deployments"], "Normal", "ScalingReplicaSet",
                              "Scaled up replica set %s from 0 to %d" % (name, n),
                              "deployment-controller")
        return rs

    def scale_rs(self, rs, n, d):
        """Scale a ReplicaSet, updating the replica annotations; records an event."""
        rsr = RESOURCES["replicasets"]
        cur = self.store.get(rsr, meta(rs)["namespace"], meta(rs)["name"]) or rs
        old_n = dig(cur, "spec", "replicas", default=0)
        rs2 = copy.deepcopy(cur)
        rs2["spec"]["replicas"] = n
        replicas = dig(d, "spec", "replicas", default=1)
        ann = meta(rs2).setdefault("annotations", {})
        if old_n != n:
            ann[DESIRED] = str(replicas)
            ann[MAX_REPLICAS] = str(replicas + max_surge(d))
            meta(rs2)["generation"] = int(meta(rs2).get("generation", 1)) + 1
        out = self.put_if_changed(rsr, cur, rs2)
        if old_n != n:
            self.record_event(d, RESOURCES["deployments"], "Normal", "ScalingReplicaSet",
                              "Scaled %s replica set %s from %d to %d"
                              % ("up" if n > old_n else "down", meta(rs)["name"], old_n, n),
                              "deployment-controller")
        return out

    def cleanup_rss(self, d, old_rss):
        """Delete the oldest idle ReplicaSets beyond revisionHistoryLimit."""
        limit = dig(d, "spec", "revisionHistoryLimit", default=10)
        rsr = RESOURCES["replicasets"]
        idle = []
        for rs in old_rss:
            cur = self.store.get(rsr, meta(rs)["namespace"], meta(rs)["name"])
            if cur is not None and dig(cur, "spec", "replicas", default=0) == 0 and \
                    dig(cur, "status", "replicas", default=0) == 0:
                idle.append(cur)
        idle.sort(key=revision_of)
        for rs in idle[:max(0, len(idle) - limit)]:
            self.remove(rsr, rs, "Background")

    def rs_pods(self, rs):
        """Live pods controlled by a ReplicaSet."""
        return [p for p in self.store.items(RESOURCES["pods"], meta(rs)["namespace"])
                if self.owned_by(p, rs) and not meta(p).get("deletionTimestamp")]

    def sync_replicaset(self, rs):
        """The replica-set controller: create or delete pods to match replicas."""
        pr = RESOURCES["pods"]
        want = dig(rs, "spec", "replicas", default=1)
        pods = self.rs_pods(rs)
        if len(pods) < want:
            for _ in range(want - len(pods)):
                p = self.new_pod(rs)
                self.store.write(pr, p, "ADDED")
                self.record_event(rs, RESOURCES["replicasets"], "Normal", "SuccessfulCreate",
                                  "Created pod: %s" % meta(p)["name"], "replicaset-controller")
        elif len(pods) > want:
            pods.sort(key=pod_delete_rank)
            for p in pods[:len(pods) - want]:
                self.store.write(pr, p, "DELETED")
                self.record_event(rs, RESOURCES["replicasets"], "Normal", "SuccessfulDelete",
                                  "Deleted pod: %s" % meta(p)["name"], "replicaset-controller")

    def new_pod(self, rs):
        """A pod from a ReplicaSet's template, named RS-NAME-xxxxx."""
        tmpl = copy.deepcopy(dig(rs, "spec", "template", default={}))
        tm = tmpl.get("metadata") or {}
        while True:
            name = meta(rs)["name"] + "-" + self.rand_suffix()
            if self.store.get(RESOURCES["pods"], meta(rs)["namespace"], name) is None:
                break
        m = {"name": name, "generateName": meta(rs)["name"] + "-",
             "namespace": meta(rs)["namespace"], "uid": self.new_uid(),
             "creationTimestamp": now_ts()}
        if tm.get("labels"):
            m["labels"] = dict(tm["labels"])
        if tm.get("annotations"):
            m["annotations"] = dict(tm["annotations"])
        m["ownerReferences"] = [self.controller_ref(rs, RESOURCES["replicasets"])]
        spec = tmpl.get("spec") or {}
        default_pod_spec(spec, True)
        p = {"kind": "Pod", "apiVersion": "v1", "metadata": m, "spec": spec}
        p["status"] = {"phase": "Pending", "qosClass": qos_class(p)}
        return p

    # -- stateful sets and daemon sets -----------------------------------

    def owned_pods(self, owner):
        """Live pods whose controller is owner."""
        return [p for p in self.store.items(RESOURCES["pods"], meta(owner)["namespace"])
                if self.owned_by(p, owner) and not meta(p).get("deletionTimestamp")]

    def sts_revision(self, s):
        """The ControllerRevision name of s's template: NAME-HASH."""
        collisions = dig(s, "status", "collisionCount", default=0) or 0
        return meta(s)["name"] + "-" + pod_template_hash(dig(s, "spec", "template"),
                                                         collisions)

    def template_pod(self, owner, res, name, labels, spec_extra):
        """A Pending pod from owner's template, owned by it."""
        tmpl = copy.deepcopy(dig(owner, "spec", "template", default={}))
        tm = tmpl.get("metadata") or {}
        lab = dict(tm.get("labels") or {})
        lab.update(labels)
        m = {"name": name, "generateName": meta(owner)["name"] + "-",
             "namespace": meta(owner)["namespace"], "uid": self.new_uid(),
             "creationTimestamp": now_ts(), "labels": lab}
        if tm.get("annotations"):
            m["annotations"] = dict(tm["annotations"])
        m["ownerReferences"] = [self.controller_ref(owner, res)]
        spec = tmpl.get("spec") or {}
        spec.update(spec_extra)
        default_pod_spec(spec, True)
        p = {"kind": "Pod", "apiVersion": "v1", "metadata": m, "spec": spec}
        p["status"] = {"phase": "Pending", "qosClass": qos_class(p)}
        return ordered(p)

    def sync_statefulset(self, s):
        """The stateful-set controller: pods NAME-0 .. NAME-(replicas-1) of
        the current revision; extra ordinals and (RollingUpdate) outdated
        pods at or above the partition are deleted, highest first.  Pods
        are made all at once: the emulator does not pace rollouts."""
        pr, sr = RESOURCES["pods"], RESOURCES["statefulsets"]
        if meta(s).get("deletionTimestamp"):
            return
        name, ns = meta(s)["name"], meta(s)["namespace"]
        want = dig(s, "spec", "replicas", default=1)
        rev = self.sts_revision(s)
        rolling = dig(s, "spec", "updateStrategy", "type") != "OnDelete"
        partition = dig(s, "spec", "updateStrategy", "rollingUpdate", "partition",
                        default=0) or 0
        pods = {meta(p)["name"]: p for p in self.owned_pods(s)}
        for pname in sorted(pods, key=lambda n: -pod_ordinal(name, n)):
            i = pod_ordinal(name, pname)
            outdated = (meta(pods[pname]).get("labels") or {}).get(REVISION_HASH_LABEL) != rev
            if i < 0 or i >= want or (rolling and outdated and i >= partition):
                self.store.write(pr, pods.pop(pname), "DELETED")
                self.record_event(s, sr, "Normal", "SuccessfulDelete",
                                  "delete Pod %s in StatefulSet %s successful" % (pname, name),
                                  "statefulset-controller")
        for i in range(want):
            pname = "%s-%d" % (name, i)
            if pname in pods or self.store.get(pr, ns, pname) is not None:
                continue
            extra = {"hostname": pname}
            if dig(s, "spec", "serviceName"):
                extra["subdomain"] = s["spec"]["serviceName"]
            p = self.template_pod(s, sr, pname, {REVISION_HASH_LABEL: rev,
                                                 STS_POD_NAME: pname, POD_INDEX: str(i)},
                                  extra)
            self.store.write(pr, p, "ADDED")
            self.record_event(s, sr, "Normal", "SuccessfulCreate",
                              "create Pod %s in StatefulSet %s successful" % (pname, name),
                              "statefulset-controller")

    def statefulset_status(self, s):
        """StatefulSet .status from its pods; the current revision becomes
        the update revision once every replica runs it."""
        sr = RESOURCES["statefulsets"]
        pods = self.owned_pods(s)
        want = dig(s, "spec", "replicas", default=1)
        rev = self.sts_revision(s)
        min_ready = dig(s, "spec", "minReadySeconds", default=0) or 0
        old = s.get("status") or {}

        def revision(p):
            return (meta(p).get("labels") or {}).get(REVISION_HASH_LABEL)
        ready = [p for p in pods if pod_ready(p)]
        avail = [p for p in ready if pod_available(p, min_ready)]
        updated = [p for p in pods if revision(p) == rev]
        cur = old.get("currentRevision") or rev
        if len(updated) == want and len(pods) == want:
            cur = rev
        current = [p for p in pods if revision(p) == cur]
        st = {"observedGeneration": meta(s).get("generation", 1), "replicas": len(pods)}
        if ready:
            st["readyReplicas"] = len(ready)
        if current:
            st["currentReplicas"] = len(current)
        if updated:
            st["updatedReplicas"] = len(updated)
        st["currentRevision"] = cur
        st["updateRevision"] = rev
        st["collisionCount"] = old.get("collisionCount", 0)
        st["availableReplicas"] = len(avail)
        s2 = copy.deepcopy(s)
        s2["status"] = st
        self.put_if_changed(sr, s, s2)

    def ds_should_run(self, ds, n):
        """Whether a daemon pod belongs on node n: the template's
        nodeSelector holds and every NoSchedule/NoExecute taint is
        tolerated (the controller's own tolerations included)."""
        spec = dig(ds, "spec", "template", "spec", default={}) or {}
        labels = meta(n).get("labels") or {}
        for k, v in (spec.get("nodeSelector") or {}).items():
            if labels.get(k) != v:
                return False
        tols = (spec.get("tolerations") or []) + DS_TOLERATIONS
        for t in dig(n, "spec", "taints", default=[]) or []:
            if t.get("effect") in ("NoSchedule", "NoExecute") and \
                    not any(tolerates(x, t) for x in tols):
                return False
        return True

    def ds_hash(self, ds):
        """The controller-revision-hash label of ds's current template."""
        collisions = dig(ds, "status", "collisionCount", default=0) or 0
        return pod_template_hash(dig(ds, "spec", "template"), collisions)

    def sync_daemonset(self, ds):
        """The daemon-set controller: one pod on every node that should run
        one, none elsewhere; (RollingUpdate) pods of an older template are
        replaced, all at once."""
        pr, dr = RESOURCES["pods"], RESOURCES["daemonsets"]
        if meta(ds).get("deletionTimestamp"):
            return
        h = self.ds_hash(ds)
        gen = (meta(ds).get("annotations") or {}).get(DS_TEMPLATE_GENERATION, "1")
        rolling = dig(ds, "spec", "updateStrategy", "type") != "OnDelete"
        by_node = {}
        for p in self.owned_pods(ds):
            by_node.setdefault(dig(p, "spec", "nodeName") or affinity_node(p), []).append(p)
        for n in self.store.items(RESOURCES["nodes"]):
            node = meta(n)["name"]
            run = self.ds_should_run(ds, n)
            keep = []
            for p in by_node.pop(node, []):
                outdated = (meta(p).get("labels") or {}).get(REVISION_HASH_LABEL) != h
                if run and not keep and not (rolling and outdated):
                    keep.append(p)
                    continue
                self.store.write(pr, p, "DELETED")
                self.record_event(ds, dr, "Normal", "SuccessfulDelete",
                                  "Deleted pod: %s" % meta(p)["name"], "daemonset-controller")
            if not run or keep:
                continue
            while True:
                pname = meta(ds)["name"] + "-" + self.rand_suffix()
                if self.store.get(pr, meta(ds)["namespace"], pname) is None:
                    break
            spec = dig(ds, "spec", "template", "spec", default={}) or {}
            extra = {"affinity": {"nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchFields": [{"key": "metadata.name", "operator": "In",
                                      "values": [node]}]}]}}},
                "tolerations": copy.deepcopy(spec.get("tolerations") or []) +
                copy.deepcopy(DS_TOLERATIONS)}
            p = self.template_pod(ds, dr, pname, {REVISION_HASH_LABEL: h,
                                                  DS_GENERATION: gen}, extra)
            self.store.write(pr, p, "ADDED")
            self.record_event(ds, dr, "Normal", "SuccessfulCreate",
                              "Created pod: %s" % pname, "daemonset-controller")
        for pods in by_node.values():
            for p in pods:
                self.store.write(pr, p, "DELETED")
                self.record_event(ds, dr, "Normal", "SuccessfulDelete",
                                  "Deleted pod: %s" % meta(p)["name"], "daemonset-controller")

    def daemonset_status(self, ds):
        """DaemonSet .status: counted per node, as the controller does."""
        dr = RESOURCES["daemonsets"]
        h = self.ds_hash(ds)
        min_ready = dig(ds, "spec", "minReadySeconds", default=0) or 0
        on = {}
        for p in self.owned_pods(ds):
            on.setdefault(dig(p, "spec", "nodeName") or affinity_node(p), []).append(p)
        desired = current = mis = ready = updated = avail = 0
        for n in self.store.items(RESOURCES["nodes"]):
            pods = on.get(meta(n)["name"], [])
            if not self.ds_should_run(ds, n):
                mis += 1 if pods else 0
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            if any(pod_ready(p) for p in pods):
                ready += 1
                if any(pod_ready(p) and pod_available(p, min_ready) for p in pods):
                    avail += 1
            if any((meta(p).get("labels") or {}).get(REVISION_HASH_LABEL) == h for p in pods):
                updated += 1
        st = {"currentNumberScheduled": current, "numberMisscheduled": mis,
              "desiredNumberScheduled": desired, "numberReady": ready,
              "observedGeneration": meta(ds).get("generation", 1)}
        if updated:
            st["updatedNumberScheduled"] = updated
        if avail:
            st["numberAvailable"] = avail
        if desired - avail > 0:
            st["numberUnavailable"] = desired - avail
        ds2 = copy.deepcopy(ds)
        ds2["status"] = st
        self.put_if_changed(dr, ds, ds2)

    def run_kubelet(self):
        """Schedule pending pods onto ready nodes and start them healthy."""
        pr = RESOURCES["pods"]
        nodes = [n for n in self.store.items(RESOURCES["nodes"])
                 if node_ready(n) and not dig(n, "spec", "unschedulable")]
        paced = {}
        for p in list(self.store.items(pr)):
            st = p.get("status") or {}
            if st.get("phase") != "Pending" or st.get("containerStatuses") is not None:
                continue
            if (meta(p).get("annotations") or {}).get("kubeemu/hold") == "true":
                continue
            node = dig(p, "spec", "nodeName") or affinity_node(p)
            if not node:
                if not nodes:
                    continue
                node = meta(nodes[self.node_rr % len(nodes)])["name"]
                self.node_rr += 1
            p2 = copy.deepcopy(p)
            p2["spec"]["nodeName"] = node
            n = self.store.get(RESOURCES["nodes"], None, node)
            host_ip = "10.0.0.1"
            for a in dig(n, "status", "addresses", default=[]) or []:
                if a.get("type") == "InternalIP":
                    host_ip = a.get("address")
            self.ip_counter += 1
            pod_ip = "10.244.%d.%d" % (self.ip_counter // 250, self.ip_counter % 250 + 2)
            ts = now_ts()
            p2["status"] = running_status(p2, host_ip, pod_ip, ts, self)
            self.pace_pod(p2, ts, paced)
            self.store.write(pr, ordered(p2), "MODIFIED")
        self.run_pacing()

    def replicaset_status(self, rs):
        """ReplicaSet .status from its pods."""
        rsr = RESOURCES["replicasets"]
        pods = self.rs_pods(rs)
        min_ready = dig(rs, "spec", "minReadySeconds", default=0) or 0
        ready = [p for p in pods if pod_ready(p)]
        avail = [p for p in ready if pod_available(p, min_ready)]
        st = {"replicas": len(pods)}
        if pods:
            st["fullyLabeledReplicas"] = len(pods)
        if ready:
            st["readyReplicas"] = len(ready)
        if avail:
            st["availableReplicas"] = len(avail)
        st["observedGeneration"] = meta(rs).get("generation", 1)
        rs2 = copy.deepcopy(rs)
        if (rs.get("status") or {}).get("conditions"):
            st["conditions"] = rs["status"]["conditions"]
        rs2["status"] = st
        self.put_if_changed(rsr, rs, rs2)

    def deployment_status(self, d):
        """calculateStatus + syncRolloutStatus of the deployment controller."""
        dr = RESOURCES["deployments"]
        spec = d.get("spec") or {}
        replicas = spec.get("replicas", 1)
        rss = [rs for rs in self.store.items(RESOURCES["replicasets"], meta(d)["namespace"])
               if self.owned_by(rs, d)]
        tmpl = spec.get("template") or {}
        new_rs = next((rs for rs in sorted(rss, key=lambda r: (meta(r).get("creationTimestamp", ""), meta(r)["name"]))
                       if equal_ignore_hash(dig(rs, "spec", "template"), tmpl)), None)

        def total(key, lst):
            return sum(dig(r, "status", key, default=0) or 0 for r in lst)
        available = total("availableReplicas", rss)
        st_total = total("replicas", rss)
        old_status = d.get("status") or {}
        st = {"observedGeneration": meta(d).get("generation", 1)}
        for k, v in (("replicas", st_total),
                     ("updatedReplicas", total("replicas", [new_rs] if new_rs else [])),
                     ("readyReplicas", total("readyReplicas", rss)),
                     ("availableReplicas", available),
                     ("unavailableReplicas", max(0, sum(dig(r, "spec", "replicas", default=0)
                                                        for r in rss) - available))):
            if v:
                st[k] = v
        if old_status.get("collisionCount"):
            st["collisionCount"] = old_status["collisionCount"]
        conds = [dict(c) for c in old_status.get("conditions") or []]
        ts = now_ts()
        mu = max_unavailable(d)
        if available >= replicas - mu:
            set_condition(conds, "Available", "True", "MinimumReplicasAvailable",
                          "Deployment has minimum availability.", ts)
        else:
            set_condition(conds, "Available", "False", "MinimumReplicasUnavailable",
                          "Deployment does not have minimum availability.", ts)
        prog = next((c for c in conds if c["type"] == "Progressing"), None)
        if spec.get("paused"):
            set_condition(conds, "Progressing", "Unknown", "DeploymentPaused",
                          "Deployment is paused", ts)
        elif new_rs is not None:
            rsname = meta(new_rs)["name"]
            complete = (st.get("updatedReplicas", 0) == replicas and
                        st.get("replicas", 0) == replicas and
                        st.get("availableReplicas", 0) == replicas)
            if complete:
                set_condition(conds, "Progressing", "True", "NewReplicaSetAvailable",
                              'ReplicaSet "%s" has successfully progressed.' % rsname, ts)
            else:
                deadline = spec.get("progressDeadlineSeconds")
                started = parse_ts(prog.get("lastUpdateTime")) if prog else None
                progressed = (prog is None or prog.get("reason") == "NewReplicaSetAvailable"
                              or progress_changed(old_status, st)
                              or rsname not in (prog.get("message") or ""))
                if progressed:
                    set_condition(conds, "Progressing", "True", "ReplicaSetUpdated",
                                  'ReplicaSet "%s" is progressing.' % rsname, ts, True)
                elif deadline and started is not None and \
                        time.time() - started > deadline and \
                        prog.get("reason") != "ProgressDeadlineExceeded":
                    set_condition(conds, "Progressing", "False", "ProgressDeadlineExceeded",
                                  'ReplicaSet "%s" has timed out progressing.' % rsname, ts)
        order = {"Available": 0, "Progressing": 1, "ReplicaFailure": 2}
        conds.sort(key=lambda c: order.get(c["type"], 9))
        st["conditions"] = conds
        d2 = copy.deepcopy(d)
        d2["status"] = st
        self.put_if_changed(dr, d, d2)

    # -- pacing -----------------------------------------------------------

    def pod_deployment(self, p):
        """(ns, name) of the deployment whose ReplicaSet owns p, or None."""
        ns = meta(p).get("namespace")
        for r in meta(p).get("ownerReferences") or []:
            if r.get("controller") and r.get("kind") == "ReplicaSet":
                rs = self.store.get(RESOURCES["replicasets"], ns, r.get("name"))
                for o in (meta(rs).get("ownerReferences") or []) if rs else []:
                    if o.get("controller") and o.get("kind") == "Deployment":
                        return (ns, o.get("name"))
        return None

    def pace_pod(self, p, ts, paced):
        """A pod just started: keep it unready for the pace (the k-th pod
        of an owner started together k times the pace), or for good when
        its deployment is stalled."""
        dep = self.pod_deployment(p)
        stalled = dep is not None and dep in self.stalled
        if not stalled and self.pace <= 0:
            return
        st = p["status"]
        for c in st.get("containerStatuses") or []:
            c["ready"] = False
        set_pod_ready(st, ts)
        if stalled:
            self.ready_at[meta(p)["uid"]] = None
            return
        key = dep or meta(p).get("namespace")
        paced[key] = paced.get(key, 0) + 1
        self.ready_at[meta(p)["uid"]] = time.time() + self.pace * paced[key]

    def run_pacing(self):
        """Make paced pods Ready once their time has come."""
        pr = RESOURCES["pods"]
        now = time.time()
        live = set()
        for p in list(self.store.items(pr)):
            uid = meta(p).get("uid")
            live.add(uid)
            if uid not in self.ready_at:
                continue
            at = self.ready_at[uid]
            if at is None or at > now:
                continue
            del self.ready_at[uid]
            p2 = copy.deepcopy(p)
            st = p2.get("status") or {}
            for c in st.get("containerStatuses") or []:
                c["ready"] = True
            set_pod_ready(st, now_ts())
            self.store.write(pr, ordered(p2), "MODIFIED")
        for uid in [u for u in self.ready_at if u not in live]:
            del self.ready_at[uid]

    # -- fault injection --------------------------------------------------

    def pod_state(self, ns, name, state, q):
        """Force a pod into a state: crashloop, oomkilled, running, pending, notready."""
        pr = RESOURCES["pods"]
        with self.store.lock:
            p = self.store.get(pr, ns, name)
            if p is None:
                raise not_found(pr, name)
            p2 = copy.deepcopy(p)
            st = p2.setdefault("status", {})
            ts = now_ts()
            def ago(n):
                return datetime.datetime.fromtimestamp(
                    time.time() - n, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            earlier, finished = ago(100), ago(40)
            restarts = int(q.get("restarts", 14 if state == "crashloop" else 1))
            reason = q.get("reason", "OOMKilled" if state == "oomkilled" else "Error")
            exit_code = int(q.get("exitCode", 137 if reason == "OOMKilled" else 1))
            if state == "running":
                st.clear()
                st.update(running_status(p2, st.get("hostIP", "10.0.0.11"),
                                         dig(p, "status", "podIP", default="10.244.0.2"), ts, self))
                st["hostIP"] = dig(p, "status", "hostIP", default="10.0.0.11")
                st["hostIPs"] = [{"ip": st["hostIP"]}]
            elif state == "pending":
                p2["status"] = {"phase": "Pending", "qosClass": qos_class(p2)}
                meta(p2).setdefault("annotations", {})["kubeemu/hold"] = "true"
            elif state in ("crashloop", "oomkilled", "notready"):
                if st.get("phase") != "Running":
                    st.update(running_status(p2, "10.0.0.11", "10.244.0.2", ts, self))
                cst = st.get("containerStatuses") or []
                target = q.get("container") or (cst[0]["name"] if cst else "")
                for c in cst:
                    if c.get("name") != target:
                        continue
                    cid = c.get("containerID", "")
                    last = {"terminated": {"exitCode": exit_code, "reason": reason,
                                           "startedAt": earlier, "finishedAt": finished,
                                           "containerID": cid}}
                    if state == "crashloop":
                        c["state"] = {"waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": "back-off 5m0s restarting failed container=%s pod=%s_%s(%s)"
                                       % (target, name, ns, meta(p2).get("uid"))}}
                        c["lastState"] = last
                        c["ready"], c["started"] = False, False
                        c["restartCount"] = restarts
                    elif state == "oomkilled":
                        c["state"] = {"running": {"startedAt": ts}}
                        c["lastState"] = last
                        c["ready"], c["started"] = True, True
                        c["restartCount"] = max(restarts, int(c.get("restartCount", 0)) + 1) \
                            if "restarts" not in q else restarts
                    else:
                        c["ready"] = False
                set_pod_ready(st, ts)
            else:
                raise bad_request("unknown pod state %s: use crashloop, oomkilled, "
                                  "running, notready or pending" % state)
            out = self.store.write(pr, ordered(p2), "MODIFIED")
            if state == "crashloop":
                self.record_event(out, pr, "Warning", "BackOff",
                                  "Back-off restarting failed container %s in pod %s_%s(%s)"
                                  % (target, name, ns, meta(out).get("uid")), "kubelet")
            elif state == "oomkilled":
                self.record_event(out, pr, "Warning", "OOMKilling",
                                  "Memory cgroup out of memory: Killed process in container %s"
                                  % target, "kernel-monitor")
            self.reconcile()
            return copy.deepcopy(self.store.get(pr, ns, name))

    def node_condition(self, name, q):
        """Set one node condition (type, status, reason, message)."""
        nr = RESOURCES["nodes"]
        with self.store.lock:
            n = self.store.get(nr, None, name)
            if n is None:
                raise not_found(nr, name)
            ctype = q.get("type", "Ready")
            status = q.get("status", "True")
            defaults = {
                "Ready": ("KubeletReady", "kubelet is posting ready status") if status == "True"
                else ("KubeletNotReady", "container runtime network not ready"),
                "MemoryPressure": ("KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
                if status == "True" else ("KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                "DiskPressure": ("KubeletHasDiskPressure", "kubelet has disk pressure")
                if status == "True" else ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                "PIDPressure": ("KubeletHasInsufficientPID", "kubelet has insufficient PID available")
                if status == "True" else ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            }
            r, msg = defaults.get(ctype, ("Emulated", ""))
            n2 = copy.deepcopy(n)
            conds = n2.setdefault("status", {}).setdefault("conditions", [])
            ts = now_ts()
            set_condition(conds, ctype, status, q.get("reason", r), q.get("message", msg),
                          ts, heartbeat=True)
            out = self.store.write(nr, ordered(n2), "MODIFIED")
            if ctype == "MemoryPressure" and status == "True":
                self.record_event(out, nr, "Normal", "NodeHasInsufficientMemory",
                                  "Node %s status is now: NodeHasInsufficientMemory" % name,
                                  "kubelet")
            self.reconcile()
            return copy.deepcopy(out)

# ---------------------------------------------------------------------------
# Controller helpers
# ---------------------------------------------------------------------------


def equal_ignore_hash(t1, t2):
    """Templates equal apart from the pod-template-hash label."""
    a, b = copy.deepcopy(t1 or {}), copy.deepcopy(t2 or {})
    for t in (a, b):
        lab = dig(t, "metadata", "labels")
        if isinstance(lab, dict):
            lab.pop(HASH_LABEL, None)
        if isinstance(t.get("metadata"), dict):
            t["metadata"].pop("creationTimestamp", None)
    return canon(a) == canon(b)


def pod_template_hash(tmpl, collisions):
    """controller.ComputeHash: FNV-32a over the template, safe-encoded."""
    t = copy.deepcopy(tmpl)
    data = json.dumps(canon(t), sort_keys=True, separators=(",", ":")).encode()
    if collisions:
        data += str(collisions).encode()
    return safe_encode(str(fnv32a(data)))


def revision_of(rs):
    """The deployment.kubernetes.io/revision of a ReplicaSet as an int."""
    try:
        return int((meta(rs).get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def max_surge(d):
    """Resolved maxSurge of a deployment."""
    spec = d.get("spec") or {}
    if dig(spec, "strategy", "type") != "RollingUpdate":
        return 0
    ru = dig(spec, "strategy", "rollingUpdate", default={}) or {}
    r = spec.get("replicas", 1)
    s = int_or_percent(ru.get("maxSurge", "25%"), r, True)
    u = int_or_percent(ru.get("maxUnavailable", "25%"), r, False)
    if s == 0 and u == 0:
        return 0
    return s


def max_unavailable(d):
    """Resolved maxUnavailable, as deploymentutil.MaxUnavailable."""
    spec = d.get("spec") or {}
    r = spec.get("replicas", 1)
    if dig(spec, "strategy", "type") != "RollingUpdate" or r == 0:
        return 0
    ru = dig(spec, "strategy", "rollingUpdate", default={}) or {}
    s = int_or_percent(ru.get("maxSurge", "25%"), r, True)
    u = int_or_percent(ru.get("maxUnavailable", "25%"), r, False)
    if s == 0 and u == 0:
        u = 1
    return min(u, r)


def set_new_rs_annotations(d, rs, new_rev, exists):
    """deploymentutil.SetNewReplicaSetAnnotations: copy annotations, bump the
    revision and keep the revision history of a reused ReplicaSet."""
    ann = meta(rs).setdefault("annotations", {})
    for k, v in (meta(d).get("annotations") or {}).items():
        if k not in SKIP_COPY:
            ann[k] = v
    old = ann.get(REVISION)
    try:
        old_i = int(old) if old else 0
    except ValueError:
        return
    if old_i < new_rev:
        ann[REVISION] = str(new_rev)
        if old is not None:
            hist = ann.get(REVISION_HISTORY, "")
            ann[REVISION_HISTORY] = old if not hist else hist + "," + old
    if not exists:
        r = dig(d, "spec", "replicas", default=1)
        ann[DESIRED] = str(r)
        ann[MAX_REPLICAS] = str(r + max_surge(d))


def set_condition(conds, ctype, status, reason, message, ts, update_only=False,
                  heartbeat=False):
    """SetDeploymentCondition: keep lastTransitionTime when status is unchanged."""
    for c in conds:
        if c.get("type") != ctype:
            continue
        if c.get("status") == status and c.get("reason") == reason and \
                c.get("message") == message:
            if update_only:
                c["lastUpdateTime"] = ts
            return
        if c.get("status") != status:
            c["lastTransitionTime"] = ts
        c.update({"status": status, "reason": reason, "message": message})
        c["lastHeartbeatTime" if heartbeat else "lastUpdateTime"] = ts
        return
    c = {"type": ctype, "status": status}
    c["lastHeartbeatTime" if heartbeat else "lastUpdateTime"] = ts
    c.update({"lastTransitionTime": ts, "reason": reason, "message": message})
    conds.append(c)


def progress_changed(old, new):
    """deploymentutil.DeploymentProgressing: counts moved towards done."""
    o_old = (old.get("replicas", 0) or 0) - (old.get("updatedReplicas", 0) or 0)
    o_new = (new.get("replicas", 0) or 0) - (new.get("updatedReplicas", 0) or 0)
    return (new.get("updatedReplicas", 0) > (old.get("updatedReplicas", 0) or 0) or
            o_new < o_old or
            new.get("readyReplicas", 0) > (old.get("readyReplicas", 0) or 0) or
            new.get("availableReplicas", 0) > (old.get("availableReplicas", 0) or 0))


def pod_ordinal(set_name, pod_name):
    """The ordinal of a stateful set's pod NAME-N, or -1."""
    rest = pod_name[len(set_name) + 1:] if pod_name.startswith(set_name + "-") else ""
    return int(rest) if rest.isdigit() and str(int(rest)) == rest else -1


def affinity_node(p):
    """The node a daemon pod's required node affinity names, or None."""
    terms = dig(p, "spec", "affinity", "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms",
                default=[]) or []
    for t in terms:
        for f in t.get("matchFields") or []:
            if f.get("key") == "metadata.name" and f.get("operator") == "In" and \
                    len(f.get("values") or []) == 1:
                return f["values"][0]
    return None


def tolerates(tol, taint):
    """Whether a toleration tolerates a taint (v1 helper semantics)."""
    if tol.get("effect") and tol["effect"] != taint.get("effect"):
        return False
    if tol.get("operator") == "Exists":
        return not tol.get("key") or tol["key"] == taint.get("key")
    return tol.get("key") == taint.get("key") and \
        (tol.get("value") or "") == (taint.get("value") or "")


# The tolerations the daemon-set controller adds to its pods.
DS_TOLERATIONS = [
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
]


def node_ready(n):
    """Whether a node's Ready condition is True."""
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in dig(n, "status", "conditions", default=[]) or [])


def pod_ready(p):
    """Running with the Ready condition True."""
    return dig(p, "status", "phase") == "Running" and any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in dig(p, "status", "conditions", default=[]) or [])


def pod_available(p, min_ready):
    """Ready for at least minReadySeconds."""
    if not min_ready:
        return True
    for c in dig(p, "status", "conditions", default=[]) or []:
        if c.get("type") == "Ready":
            t = parse_ts(c.get("lastTransitionTime"))
            return t is not None and time.time() - t >= min_ready
    return False


def pod_delete_rank(p):
    """Which pods a scale-down removes first (ActivePodsWithRanks, simplified)."""
    phase = {"Pending": 0, "Unknown": 1, "Running": 2}.get(dig(p, "status", "phase"), 0)
    restarts = sum(int(c.get("restartCount", 0) or 0)
                   for c in dig(p, "status", "containerStatuses", default=[]) or [])
    created = parse_ts(meta(p).get("creationTimestamp")) or 0
    return (1 if dig(p, "spec", "nodeName") else 0, phase, 1 if pod_ready(p) else 0,
            -restarts, -created)


def qos_class(p):
    """Pod QoS class from container resources."""
    cs = dig(p, "spec", "containers", default=[]) or []
    req = [c.get("resources") or {} for c in cs]
    if not any(r.get("requests") or r.get("limits") for r in req):
        return "BestEffort"
    if all(r.get("limits") and (not r.get("requests") or r["requests"] == r["limits"])
           and set(r["limits"]) >= {"cpu", "memory"} for r in req):
        return "Guaranteed"
    return "Burstable"


def running_status(p, host_ip, pod_ip, ts, cluster):
    """PodStatus of a healthy running pod, as a kubelet reports it."""
    cond = lambda t: {"type": t, "status": "True", "lastProbeTime": None,
                      "lastTransitionTime": ts}
    cs = []
    for c in dig(p, "spec", "containers", default=[]) or []:
        img = c.get("image", "")
        digest = hashlib.sha256(img.encode()).hexdigest()
        cs.append({"name": c.get("name"), "state": {"running": {"startedAt": ts}},
                   "lastState": {}, "ready": True, "restartCount": 0, "image": img,
                   "imageID": img.split(":")[0] + "@sha256:" + digest,
                   "containerID": "containerd://" + hashlib.sha256(
                       (meta(p).get("uid", "") + c.get("name", "")).encode()).hexdigest(),
                   "started": True})
    _ = cluster
    return {"phase": "Running",
            "conditions": [cond("PodReadyToStartContainers"), cond("Initialized"),
                           cond("Ready"), cond("ContainersReady"), cond("PodScheduled")],
            "hostIP": host_ip, "hostIPs": [{"ip": host_ip}], "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}], "startTime": ts, "containerStatuses": cs,
            "qosClass": qos_class(p)}


def set_pod_ready(st, ts):
    """Recompute the Ready/ContainersReady conditions from container statuses."""
    cst = st.get("containerStatuses") or []
    unready = [c.get("name") for c in cst if not c.get("ready")]
    for c in st.get("conditions") or []:
        if c.get("type") not in ("Ready", "ContainersReady"):
            continue
        want = "False" if unready else "True"
        if c.get("status") != want:
            c["status"] = want
            c["lastTransitionTime"] = ts
        if unready:
            c["reason"] = "ContainersNotReady"
            c["message"] = "containers with unready status: [%s]" % " ".join(unready)
        else:
            c.pop("reason", None)
            c.pop("message", None)


def scale_of(res, o):
    """The autoscaling/v1 Scale view of a deployment or replica set."""
    m = meta(o)
    sm = {"name": m["name"], "namespace": m.get("namespace"), "uid": m.get("uid"),
          "resourceVersion": m.get("resourceVersion"),
          "creationTimestamp": m.get("creationTimestamp")}
    status = {"replicas": dig(o, "status", "replicas", default=0) or 0,
              "selector": selector_string(dig(o, "spec", "selector")) or ""}
    _ = res
    return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": sm,
            "spec": {"replicas": dig(o, "spec", "replicas", default=0)},
            "status": status}

# ---------------------------------------------------------------------------
# Discovery documents
# ---------------------------------------------------------------------------


def resource_list(group):
    """APIResourceList for a group version."""
    out = []
    for name in GROUPS[group]:
        r = RESOURCES[name]
        e = {"name": r.name, "singularName": r.singular, "namespaced": r.namespaced,
             "kind": r.kind, "verbs": VERBS_ALL if r.name != "namespaces" else
             ["create", "delete", "get", "list", "patch", "update", "watch"]}
        if r.short:
            e["shortNames"] = r.short
        if r.categories:
            e["categories"] = r.categories
        e["storageVersionHash"] = r.hashv
        out.append(e)
        for sub in r.subresources:
            s = {"name": r.name + "/" + sub, "singularName": "", "namespaced": r.namespaced,
                 "kind": r.kind, "verbs": VERBS_SUB}
            if sub == "scale":
                s.update({"group": "autoscaling", "version": "v1", "kind": "Scale"})
            out.append(s)
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": group + "/v1" if group else "v1", "resources": out}


def openapi_root():
    """/openapi/v3: where each group version's document lives."""
    paths = {}
    for g in GROUPS:
        gv = "apis/%s/v1" % g if g else "api/v1"
        h = hashlib.sha512(gv.encode()).hexdigest()[:128].upper()
        paths[gv] = {"serverRelativeURL": "/openapi/v3/%s?hash=%s" % (gv, h)}
    return {"paths": paths}


def openapi_doc(group):
    """A minimal OpenAPI v3 document: the write operations of each resource
    with their GVK and query parameters (no schemas), enough for kubectl's
    fieldValidation support check."""
    params = [{"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
              for n in ("dryRun", "fieldManager", "fieldValidation")]
    paths = {}
    prefix = "/apis/%s/v1" % group if group else "/api/v1"
    for name in GROUPS[group]:
        r = RESOURCES[name]
        gvk = {"group": r.group, "version": "v1", "kind": r.kind}
        base = prefix + ("/namespaces/{namespace}/" if r.namespaced else "/") + name
        op = lambda verb: {"operationId": verb + r.kind, "parameters": params,
                           "responses": {"200": {"description": "OK"}},
                           "x-kubernetes-action": verb,
                           "x-kubernetes-group-version-kind": gvk}
        paths[base] = {"post": op("post"), "get": op("list")}
        paths[base + "/{name}"] = {"get": op("get"), "put": op("put"),
                                   "patch": op("patch"), "delete": op("delete")}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.0"},
            "paths": paths, "components": {"schemas": {}}}


def api_group(name):
    """APIGroup document for apps."""
    gv = {"groupVersion": name + "/v1", "version": "v1"}
    return {"name": name, "versions": [gv], "preferredVersion": gv}

# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

REL_TS = re.compile(r"^now((?:-\d+[smhd])*)$")


def resolve_times(o):
    """Replace "now" and "now-5m"-style strings with timestamps."""
    if isinstance(o, dict):
        return {k: resolve_times(v) for k, v in o.items()}
    if isinstance(o, list):
        return [resolve_times(x) for x in o]
    if isinstance(o, str):
        m = REL_TS.match(o)
        if m:
            secs = 0
            for n, u in re.findall(r"-(\d+)([smhd])", m.group(1)):
                secs += int(n) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[u]
            return datetime.datetime.fromtimestamp(
                time.time() - secs, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return o


KIND_TO_RES = {r.kind: r for r in RESOURCES.values()}
LOAD_ORDER = ["Namespace", "Node", "Deployment", "StatefulSet", "DaemonSet",
              "ReplicaSet", "Pod", "Event"]


def load_fixtures(cluster, path):
    """Load every *.json in a directory (objects, arrays or Lists), in kind order."""
    objs = []
    files = sorted(os.listdir(path)) if os.path.isdir(path) else [path]
    for f in files:
        full = os.path.join(path, f) if os.path.isdir(path) else f
        if not full.endswith(".json"):
            continue
        with open(full, encoding="utf-8") as fh:
            data = json.load(fh)
        if isinstance(data, dict) and data.get("kind") == "List":
            data = data.get("items", [])
        if isinstance(data, dict):
            data = [data]
        objs += [resolve_times(o) for o in data]
    later = []
    for kind in LOAD_ORDER:
        for o in objs:
            if o.get("kind") != kind:
                continue
            res = KIND_TO_RES[kind]
            ns = dig(o, "metadata", "namespace") or ("default" if res.namespaced else None)
            cluster.create(res, ns, o, keep_status=kind in ("Node", "Pod", "Event", "Namespace"),
                           keep_time=True)
    for o in objs:
        if o.get("kind") == "EmulatorPatch":
            res = RESOURCES[o["resource"]]
            cluster.patch(res, o.get("namespace"), o["name"], "application/merge-patch+json",
                          json.dumps(o["patch"]).encode())
        elif o.get("kind") == "EmulatorPodState":
            later.append(o)
        elif o.get("kind") not in LOAD_ORDER:
            raise SystemExit("kubeemu: unknown fixture kind %r" % o.get("kind"))
    for o in later:
        ns = o["namespace"]
        if o.get("pod"):
            names = [o["pod"]]
        else:
            d = cluster.get(RESOURCES["deployments"], ns, o["deployment"])
            pods = [p for p in cluster.store.items(RESOURCES["pods"], ns)
                    if label_selector_matches(dig(d, "spec", "selector"), meta(p).get("labels"))]
            idx = o.get("index", 0)
            names = [meta(pods[idx])["name"]]
        q = {k: str(v) for k, v in o.items() if k in ("restarts", "reason", "exitCode", "container")}
        for n in names:
            cluster.pod_state(ns, n, o["state"], q)

# ---------------------------------------------------------------------------
# Container logs (pods/log)
# ---------------------------------------------------------------------------

LOG_LINES = 40          # lines a container attempt writes
LOG_PATHS = ["/api/orders", "/api/cart", "/healthz", "/api/payments", "/metrics"]


def log_attempt_lines(ns, pod, container, attempt, started, ending):
    """The lines one run of a container wrote: [(time, text)], deterministic.

    ending is None (still running), or the terminated reason ("Error",
    "OOMKilled" ...): the last lines then say why it stopped.
    """
    base = parse_ts(started) or 0
    out = []
    seed = "%s/%s/%s/%d" % (ns, pod, container, attempt)

    def at(i):
        return base + i

    out.append((at(0), 'level=info msg="starting %s" pod=%s/%s attempt=%d'
                % (container, ns, pod, attempt)))
    out.append((at(1), 'level=info msg="listening" addr=:8080'))
    n = LOG_LINES - 2 - (2 if ending else 0)
    for i in range(n):
        h = fnv32a((seed + "/%d" % i).encode())
        path = LOG_PATHS[h % len(LOG_PATHS)]
        status = 200 if h % 11 else 503
        out.append((at(2 + i), 'level=info msg="request served" path=%s status=%d '
                    'duration_ms=%d' % (path, status, 3 + h % 240)))
    if ending == "OOMKilled":
        out.append((at(2 + n), 'level=warn msg="heap above 90% of the memory limit" '
                    'heap_mb=498 limit_mb=512'))
        out.append((at(3 + n), 'fatal error: runtime: out of memory (the container '
                    'was OOMKilled)'))
    elif ending:
        out.append((at(2 + n), 'level=error msg="cannot reach the database" '
                    'addr=10.96.0.15:5432 err="connection refused"'))
        out.append((at(3 + n), 'panic: dial tcp 10.96.0.15:5432: connect: connection '
                    'refused (exit: %s)' % ending))
    return out


def log_ts(t):
    """A kubelet log timestamp (RFC 3339 with nanoseconds)."""
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000000000Z")


def pod_log(pod, container, q):
    """The body of GET pods/NAME/log, or an ApiError as the apiserver answers."""
    name, ns = meta(pod)["name"], meta(pod).get("namespace")
    spec = pod.get("spec") or {}
    names = [c.get("name") for c in spec.get("containers") or []]
    inits = [c.get("name") for c in spec.get("initContainers") or []]
    if not container:
        if len(names) != 1:
            msg = "a container name must be specified for pod %s, choose one of: [%s]" % (
                name, " ".join(names))
            if inits:
                msg += " or one of the init containers: [%s]" % " ".join(inits)
            raise bad_request(msg)
        container = names[0]
    if container not in names and container not in inits:
        raise bad_request("container %s is not valid for pod %s" % (container, name))
    for key in ("tailLines", "limitBytes", "sinceSeconds"):
        if key in q and not re.match(r"^-?[0-9]+$", q[key]):
            raise bad_request('strconv.ParseInt: parsing "%s": invalid syntax' % q[key])
    previous = q.get("previous") in ("true", "1")
    st = None
    for c in dig(pod, "status", "containerStatuses", default=[]) or []:
        if c.get("name") == container:
            st = c
    if st is None:
        raise bad_request('container "%s" in pod "%s" is waiting to start: '
                          'ContainerCreating' % (container, name))
    restarts = int(st.get("restartCount", 0))
    last = dig(st, "lastState", "terminated")
    state = st.get("state") or {}
    if previous:
        if not last:
            raise bad_request('previous terminated container "%s" in pod "%s" not found'
                              % (container, name))
        lines = log_attempt_lines(ns, name, container, max(restarts - 1, 0),
                                  last.get("startedAt"), last.get("reason") or "Error")
    elif "waiting" in state and last:
        # Backing off: the current container is the one that just exited.
        lines = log_attempt_lines(ns, name, container, restarts, last.get("finishedAt"),
                                  last.get("reason") or "Error")
    elif "running" in state:
        lines = log_attempt_lines(ns, name, container, restarts,
                                  state["running"].get("startedAt"), None)
    elif "terminated" in state:
        t = state["terminated"]
        lines = log_attempt_lines(ns, name, container, restarts, t.get("startedAt"),
                                  t.get("reason") or "Completed")
    else:
        reason = dig(state, "waiting", "reason", default="ContainerCreating")
        raise bad_request('container "%s" in pod "%s" is waiting to start: %s'
                          % (container, name, reason))
    if "sinceSeconds" in q:
        since = int(q["sinceSeconds"])
        if since < 1:
            raise invalid("PodLogOptions", "", name, [
                ("FieldValueInvalid", "sinceSeconds", "must be greater than 0")])
        cut = time.time() - since
        lines = [x for x in lines if x[0] >= cut]
    if "tailLines" in q:
        tail = int(q["tailLines"])
        if tail < 0:
            raise invalid("PodLogOptions", "", name, [
                ("FieldValueInvalid", "tailLines", "must be greater than or equal to 0")])
        lines = lines[len(lines) - tail:] if tail < len(lines) else lines
    stamps = q.get("timestamps") in ("true", "1")
    body = "".join(("%s %s\n" % (log_ts(t), text)) if stamps else text + "\n"
                   for t, text in lines).encode()
    if "limitBytes" in q:
        limit = int(q["limitBytes"])
        if limit < 1:
            raise invalid("PodLogOptions", "", name, [
                ("FieldValueInvalid", "limitBytes", "must be greater than 0")])
        body = body[:limit]
    return body


# ---------------------------------------------------------------------------
# HTTP front end
# ---------------------------------------------------------------------------


class Faults:
    """Admin-injected faults: hang or fail the next N API requests."""

    def __init__(self):
        self.lock = threading.Lock()
        self.hang_count = 0
        self.hang_seconds = 3600.0
        self.fail_count = 0
        self.fail_code = 500
        self.fail_message = "emulated failure"
        self.release = threading.Event()
        # RBAC-like refusals: (user, verb, resource, namespace), None = any.
        self.denied = []
        # Resources answered 404, as by a server that does not serve them.
        self.unserved = set()

    def refused(self, user, verb, resource, ns):
        """Whether a rule refuses user's verb on resource in ns."""
        with self.lock:
            for (u, v, r, n) in self.denied:
                if (u is None or u == user) and (v is None or v == verb) and \
                        r == resource and (n is None or n == ns):
                    return True
        return False


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """Threaded HTTP(S) server holding the cluster and options."""
    daemon_threads = True
    allow_reuse_address = True
    cluster = None
    opts = None
    faults = None
    logf = None
    log_lock = threading.Lock()
    tls = None
    fixtures = None
    bytes = {}
    bytes_lock = threading.Lock()

    def get_request(self):
        """Accept, wrapping in TLS without handshaking on the accept thread."""
        sock, addr = self.socket.accept()
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False)
        return sock, addr


def parse_path(path):
    """RequestInfo: (group, resource, namespace, name, subresource, watch) or None."""
    parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
    if parts[:2] == ["api", "v1"]:
        group, rest = "", parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis" and parts[2] == "v1" and parts[1] in GROUPS:
        group, rest = parts[1], parts[3:]
    else:
        return None
    watch = False
    if rest and rest[0] == "watch":
        watch, rest = True, rest[1:]
    ns = None
    if len(rest) >= 2 and rest[0] == "namespaces" and \
            not (len(rest) == 3 and rest[2] in ("status", "finalize")) and len(rest) >= 3:
        ns, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        return None
    return (group, rest[0], ns, rest[1] if len(rest) > 1 else None,
            rest[2] if len(rest) > 2 else None, watch)


class Handler(http.server.BaseHTTPRequestHandler):
    """One HTTP request: admin endpoints or the Kubernetes API."""
    protocol_version = "HTTP/1.1"
    server_version = "kubeemu"

    def log_message(self, fmt, *args):
        """Silence the default stderr access log."""
        return

    def do_GET(self):
        """GET."""
        self.dispatch("GET")

    def do_POST(self):
        """POST."""
        self.dispatch("POST")

    def do_PUT(self):
        """PUT."""
        self.dispatch("PUT")

    def do_PATCH(self):
        """PATCH."""
        self.dispatch("PATCH")

    def do_DELETE(self):
        """DELETE."""
        self.dispatch("DELETE")

    def read_body(self):
        """The request body (Content-Length or chunked), capped at 3 MiB."""
        te = self.headers.get("Transfer-Encoding", "")
        if te.lower() == "chunked":
            data = b""
            while True:
                line = self.rfile.readline()
                n = int(line.strip().split(b";")[0] or b"0", 16)
                if n == 0:
                    self.rfile.readline()
                    break
                data += self.rfile.read(n)
                self.rfile.readline()
                if len(data) > 3 << 20:
                    raise ApiError(413, "RequestEntityTooLarge",
                                   "Request entity too large: limit is 3145728")
            return data
        n = int(self.headers.get("Content-Length") or 0)
        if n > 3 << 20:
            raise ApiError(413, "RequestEntityTooLarge",
                           "Request entity too large: limit is 3145728")
        return self.rfile.read(n) if n else b""

    def log_request_line(self, method, status, body, user):
        """Append one JSON line per request to --log (never the token)."""
        if self.server.logf is None:
            return
        u = urllib.parse.urlsplit(self.path)
        rec = {"time": now_ts(), "method": method, "path": u.path, "query": u.query,
               "contentType": self.headers.get("Content-Type", ""),
               "accept": self.headers.get("Accept", ""), "user": user,
               "auth": (self.headers.get("Authorization") or "none").split(" ")[0],
               "userAgent": self.headers.get("User-Agent", ""), "status": status,
               "body": body[:65536].decode("utf-8", "replace") if body else ""}
        with self.server.log_lock:
            self.server.logf.write(json.dumps(rec) + "\n")
            self.server.logf.flush()

    def send(self, code, obj, ctype="application/json", extra=None):
        """Send a JSON (or text) response with a Content-Length."""
        if isinstance(obj, (bytes, str)):
            data = obj.encode() if isinstance(obj, str) else obj
        else:
            data = json.dumps(obj, separators=(",", ":")).encode() + b"\n"
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.uuid4()))
        for w in getattr(self, "warnings", []):
            self.send_header("Warning", '299 - "%s"' % w.replace('"', '\\"'))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
            self.count_bytes(len(data))

    def count_bytes(self, n):
        """Add n body bytes sent to this request's verb and resource."""
        key = getattr(self, "byte_key", None)
        if key is None:
            return
        with self.server.bytes_lock:
            self.server.bytes[key] = self.server.bytes.get(key, 0) + n

    def dispatch(self, method):
        """Route a request, turning ApiErrors into Status responses."""
        body = b""
        user = ""
        code = 500
        self.warnings = []
        self.byte_key = None
        try:
            body = self.read_body()
            u = urllib.parse.urlsplit(self.path)
            q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
            if u.path.startswith("/_emulator/") or u.path == "/_emulator":
                code = self.admin(method, u.path, q, body)
                return
            self.inject_faults()
            user = self.authenticate()
            code = self.api(method, u.path, q, body, user)
        except ApiError as e:
            code = e.code
            extra = {"WWW-Authenticate": 'Basic realm="kubernetes-master"'} \
                if e.code == 401 else None
            self.send(e.code, e.status(), extra=extra)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            code = 499
        except Exception as e:  # a bug in the emulator: answer like a 500
            code = 500
            import traceback
            traceback.print_exc()
            try:
                self.send(500, ApiError(500, "InternalError",
                                        "Internal error occurred: %s" % e).status())
            except OSError:
                pass
        finally:
            self.log_request_line(method, code, body, user)

    def inject_faults(self):
        """Apply pending hang/fail faults to this API request."""
        f = self.server.faults
        with f.lock:
            hang = f.hang_count > 0
            if hang:
                f.hang_count -= 1
            fail = not hang and f.fail_count > 0
            if fail:
                f.fail_count -= 1
        if hang:
            f.release.wait(f.hang_seconds)
        if fail:
            reasons = {500: "InternalError", 503: "ServiceUnavailable",
                       429: "TooManyRequests", 504: "Timeout"}
            raise ApiError(f.fail_code, reasons.get(f.fail_code, "InternalError"),
                           f.fail_message)

    def authenticate(self):
        """Bearer-token authentication: 'admin' or 'readonly', else 401."""
        opts = self.server.opts
        h = self.headers.get("Authorization", "")
        tok = h[7:].strip() if h.startswith("Bearer ") else None
        if opts.token and tok == opts.token:
            return "admin"
        if opts.readonly_token and tok == opts.readonly_token:
            return "readonly"
        if not opts.token and not opts.readonly_token:
            return "admin"
        raise ApiError(401, "Unauthorized", "Unauthorized")

    # -- API ---------------------------------------------------------------

    def api(self, method, path, q, body, user):
        """The Kubernetes API proper."""
        cl = self.server.cluster
        if method == "GET" and path in ("/healthz", "/livez", "/readyz"):
            self.send(200, "ok", "text/plain; charset=utf-8")
            return 200
        if method == "GET" and path == "/version":
            self.send(200, SERVER_VERSION)
            return 200
        if method == "GET" and path == "/api":
            addr = "127.0.0.1:%d" % self.server.server_address[1]
            self.send(200, {"kind": "APIVersions", "versions": ["v1"],
                            "serverAddressByClientCIDRs": [
                                {"clientCIDR": "0.0.0.0/0", "serverAddress": addr}]})
            return 200
        if method == "GET" and path == "/apis":
            self.send(200, {"kind": "APIGroupList", "apiVersion": "v1",
                            "groups": [api_group(g) for g in GROUPS if g]})
            return 200
        if method == "GET" and path == "/api/v1":
            self.send(200, resource_list(""))
            return 200
        if method == "GET" and path == "/openapi/v3":
            self.send(200, openapi_root())
            return 200
        if method == "GET" and path.startswith("/openapi/v3/"):
            gv = path[len("/openapi/v3/"):]
            for g in GROUPS:
                if gv == ("apis/%s/v1" % g if g else "api/v1"):
                    self.send(200, openapi_doc(g))
                    return 200
        for g in GROUPS:
            if g and method == "GET" and path == "/apis/" + g:
                self.send(200, {"kind": "APIGroup", "apiVersion": "v1", **api_group(g)})
                return 200
            if g and method == "GET" and path == "/apis/%s/v1" % g:
                self.send(200, resource_list(g))
                return 200
        if method == "POST" and path in SELF_REVIEWS:
            return self.self_review(path, body, user)
        info = parse_path(path)
        if info is None:
            if path.startswith("/api") or path.startswith("/openapi"):
                raise ApiError(404, "NotFound", "the server could not find the requested resource",
                               {})
            self.send(404, "404 page not found\n", "text/plain; charset=utf-8")
            return 404
        group, rname, ns, name, sub, watch = info
        if group == "" and rname == "pods" and sub == "log" and name and ns:
            return self.pod_log(method, ns, name, q, user)
        res = RESOURCES.get(rname)
        if res is None or res.group != group or (sub and sub not in res.subresources):
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        if ns is not None and not res.namespaced:
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        if watch or q.get("watch") in ("true", "1"):
            verb = "watch"
        else:
            verb = {"GET": "get" if name else "list", "POST": "create", "PUT": "update",
                    "PATCH": "patch",
                    "DELETE": "delete" if name else "deletecollection"}[method]
        self.byte_key = verb + " " + res.name
        if method == "POST" and name:
            raise ApiError(405, "MethodNotAllowed",
                           "the server does not allow this method on the requested resource", {})
        if method in ("PUT", "PATCH") and not name:
            raise ApiError(405, "MethodNotAllowed",
                           "the server does not allow this method on the requested resource", {})
        if res.namespaced and name is None and ns is None and method != "GET":
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        faults = self.server.faults
        with faults.lock:
            unserved = res.name in faults.unserved
        if unserved:
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        if (user == "readonly" and verb not in ("get", "list", "watch")) or \
                faults.refused(user, verb, res.name, ns):
            rdesc = res.name + ("/" + sub if sub else "")
            where = 'in the namespace "%s"' % ns if ns else "at the cluster scope"
            n = name if verb != "create" else ""
            reason = 'User "%s" cannot %s resource "%s" in API group "%s" %s' % (
                user, verb, rdesc, res.group, where)
            msg = ('%s "%s" is forbidden: %s' % (res.qualified, n, reason)) if n else \
                "%s is forbidden: %s" % (res.qualified, reason)
            raise ApiError(403, "Forbidden", msg, details_for(res, n))
        dry = q.get("dryRun") == "All"
        if "dryRun" in q and not dry:
            raise bad_request("Invalid dryRun: %s (the only supported value is All)"
                              % q["dryRun"]) if q["dryRun"] else None
        ctype = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip()
        if method in ("POST", "PUT") and ctype not in ("application/json", "*/*", ""):
            raise ApiError(415, "UnsupportedMediaType",
                           "the body of the request was in an unknown format - accepted "
                           "media types include: application/json, application/yaml, "
                           "application/vnd.kubernetes.protobuf")
        accept = self.headers.get("Accept", "") or "*/*"
        if "json" not in accept and "*/*" not in accept:
            raise ApiError(406, "NotAcceptable",
                           "only the following media types are accepted: application/json, "
                           "application/yaml, application/vnd.kubernetes.protobuf", {})
        want_table = "as=Table" in accept and "g=meta.k8s.io" in accept and sub is None
        include = q.get("includeObject", "Metadata")
        with cl.store.lock:
            if verb == "watch":
                pass
            elif verb == "get":
                o = cl.get(res, ns, name)
                if sub == "scale":
                    self.send(200, scale_of(res, o))
                elif want_table:
                    t = make_table(res, [o], include, {"resourceVersion": meta(o)["resourceVersion"]})
                    self.send(200, t)
                else:
                    self.send(200, ordered(o))
                return 200
            elif verb == "list":
                items, lm = cl.list(res, ns, q)
                if want_table:
                    self.send(200, make_table(res, items, include, lm))
                else:
                    for o in items:
                        o.pop("kind", None)
                        o.pop("apiVersion", None)
                    self.send(200, {"kind": res.kind + "List", "apiVersion": res.api_version,
                                    "metadata": lm, "items": [ordered(o) for o in items]})
                return 200
            elif verb == "create":
                obj = decode_body(body, res.kind, q, self.warnings)
                if res.namespaced and ns is None:
                    raise ApiError(404, "NotFound",
                                   "the server could not find the requested resource", {})
                out = cl.create(res, ns, obj, dry)
                self.send(201, out)
                return 201
            elif verb == "update":
                obj = decode_body(body, "Scale" if sub == "scale" else res.kind, q,
                                  self.warnings)
                if sub == "scale":
                    out = cl.scale_put(res, ns, name, obj, dry)
                else:
                    out = cl.update(res, ns, name, obj, sub, dry)
                self.send(200, out)
                return 200
            elif verb == "patch":
                out = cl.patch(res, ns, name, ctype, body, sub, dry, q, self.warnings)
                self.send(200, out)
                return 200
            elif verb == "delete":
                opts = self.json_body(body) if body.strip() else {}
                if not isinstance(opts, dict):
                    raise bad_request("invalid DeleteOptions")
                if "gracePeriodSeconds" in q:
                    opts["gracePeriodSeconds"] = q["gracePeriodSeconds"]
                if "propagationPolicy" in q:
                    opts["propagationPolicy"] = q["propagationPolicy"]
                if opts.get("dryRun") == ["All"]:
                    dry = True
                out = cl.delete(res, ns, name, opts, dry)
                code = 200 if res.name in ("pods", "namespaces") or out.get("status") == "Success" else 200
                self.send(code, out)
                return code
            elif verb == "deletecollection":
                items, _ = cl.list(res, ns, {k: v for k, v in q.items()
                                             if k in ("labelSelector", "fieldSelector")})
                for o in items:
                    if not dry:
                        cl.delete(res, meta(o).get("namespace"), meta(o)["name"], {}, False)
                for o in items:
                    o.pop("kind", None)
                    o.pop("apiVersion", None)
                self.send(200, {"kind": res.kind + "List", "apiVersion": res.api_version,
                                "metadata": {"resourceVersion": str(cl.store.rv)},
                                "items": [ordered(o) for o in items]})
                return 200
        return self.watch(res, ns, name, q, want_table, include)

    def self_review(self, path, body, user):
        """SelfSubjectAccessReview (may the caller do it? the read-only
        token may get, list and watch; /_emulator/deny rules refuse) and
        SelfSubjectReview (who the caller is)."""
        kind = SELF_REVIEWS[path]
        faults = self.server.faults
        with faults.lock:
            unserved = kind.lower() + "s" in faults.unserved
        if unserved:
            raise ApiError(404, "NotFound", "the server could not find the requested resource", {})
        ctype = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip()
        if ctype == "application/vnd.kubernetes.protobuf":
            obj = self_review_from_protobuf(kind, body)
        elif ctype in ("application/json", "*/*", ""):
            obj = self.json_body(body)
        else:
            raise ApiError(415, "UnsupportedMediaType",
                           "the body of the request was in an unknown format - accepted "
                           "media types include: application/json, application/yaml, "
                           "application/vnd.kubernetes.protobuf")
        if not isinstance(obj, dict) or obj.get("kind", kind) != kind:
            raise bad_request("the object provided is not a %s" % kind)
        group = path.split("/")[2]
        out = {"kind": kind, "apiVersion": group + "/v1",
               "metadata": {"creationTimestamp": None}}
        if kind == "SelfSubjectReview":
            out["status"] = {"userInfo": {"username": user,
                                          "groups": ["system:authenticated"]}}
            self.send(201, out)
            return 201
        spec = obj.get("spec") or {}
        ra = spec.get("resourceAttributes")
        if not isinstance(ra, dict) and not isinstance(spec.get("nonResourceAttributes"), dict):
            raise ApiError(422, "Invalid", "SelfSubjectAccessReview.authorization.k8s.io \"\" "
                           "is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly "
                           "one of nonResourceAttributes or resourceAttributes must be specified",
                           {"kind": kind, "group": "authorization.k8s.io"})
        out["spec"] = spec
        verb = (ra or spec.get("nonResourceAttributes") or {}).get("verb") or ""
        resource = (ra or {}).get("resource") or ""
        ns = (ra or {}).get("namespace") or None
        if faults.refused(user, verb, resource, ns):
            out["status"] = {"allowed": False, "denied": True,
                             "reason": "denied by the emulator's rule for %s on %s" % (verb, resource)}
        elif user == "readonly" and verb not in ("get", "list", "watch"):
            out["status"] = {"allowed": False}
        else:
            out["status"] = {"allowed": True,
                             "reason": 'RBAC: allowed by ClusterRoleBinding "kubeemu-%s" of '
                                       'ClusterRole "%s" to User "%s"' % (
                                           user, "cluster-admin" if user == "admin" else "view",
                                           user)}
        self.send(201, out)
        return 201

    def pod_log(self, method, ns, name, q, user):
        """GET pods/NAME/log: the container's lines as text/plain."""
        pr = RESOURCES["pods"]
        if method != "GET":
            raise ApiError(405, "MethodNotAllowed",
                           "the server does not allow this method on the requested resource", {})
        if self.server.faults.refused(user, "get", "pods/log", ns):
            raise ApiError(403, "Forbidden",
                           'pods "%s" is forbidden: User "%s" cannot get resource "pods/log" '
                           'in API group "" in the namespace "%s"' % (name, user, ns),
                           details_for(pr, name))
        cl = self.server.cluster
        with cl.store.lock:
            p = cl.store.get(pr, ns, name)
            if p is None:
                raise not_found(pr, name)
            body = pod_log(copy.deepcopy(p), q.get("container"), q)
        self.send(200, body, "text/plain")
        return 200

    def json_body(self, body):
        """Decode a JSON request body or answer 400."""
        try:
            return json.loads(body or b"null")
        except ValueError as e:
            raise bad_request("the object provided is unrecognized (error decoding: %s)" % e)

    def watch(self, res, ns, name, q, want_table, include):
        """A streaming watch: chunked JSON events until timeout or disconnect."""
        cl = self.server.cluster
        lsel = parse_label_selector(q.get("labelSelector", ""))
        fsel = parse_field_selector(q.get("fieldSelector", ""), res)
        if name:
            fsel.append(("metadata.name", "=", name))
        try:
            timeout = float(q.get("timeoutSeconds") or 1800)
        except ValueError:
            raise bad_request("invalid timeoutSeconds")
        deadline = time.time() + timeout
        rv_q = q.get("resourceVersion", "")
        initial = q.get("sendInitialEvents") == "true"
        bookmarks = q.get("allowWatchBookmarks") == "true"

        def matches(o):
            if ns and res.namespaced and meta(o).get("namespace") != ns:
                return False
            return labels_match(lsel, meta(o).get("labels")) and fields_match(fsel, o)

        def encode(etype, o):
            o = ordered(o)
            if want_table and etype in ("ADDED", "MODIFIED", "DELETED"):
                o = make_table(res, [o], include, {"resourceVersion": meta(o).get("resourceVersion", "")})
            return (json.dumps({"type": etype, "object": o}, separators=(",", ":")) + "\n").encode()

        pending = []
        with cl.store.lock:
            if rv_q in ("", "0") or initial:
                last = cl.store.rv
                for o in cl.store.items(res, ns):
                    if matches(o):
                        pending.append(encode("ADDED", o))
                if initial and bookmarks:
                    pending.append(encode("BOOKMARK", {
                        "kind": res.kind, "apiVersion": res.api_version,
                        "metadata": {"resourceVersion": str(last), "annotations": {
                            "k8s.io/initial-events-end": "true"}}}))
            else:
                try:
                    last = int(rv_q)
                except ValueError:
                    raise bad_request("invalid resource version: %s" % rv_q)
                if cl.store.events_after(last) is None:
                    gone = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Failure",
                            "message": "too old resource version: %d (%d)" % (last, cl.store.history_base - 1),
                            "reason": "Expired", "code": 410}
                    pending.append((json.dumps({"type": "ERROR", "object": gone}) + "\n").encode())
                    last = None
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()

        def chunk(data):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            self.count_bytes(len(data))
        epoch = cl.store.compactions
        try:
            for p in pending:
                chunk(p)
            while last is not None and time.time() < deadline:
                out = []
                with cl.store.cond:
                    if cl.store.compactions != epoch:
                        # Compacted under the watch: the apiserver's
                        # watch cache says the client's version is gone.
                        out.append((json.dumps({"type": "ERROR", "object": {
                            "kind": "Status", "apiVersion": "v1", "metadata": {},
                            "status": "Failure", "reason": "Expired", "code": 410,
                            "message": "too old resource version: %d (%d)" % (
                                last, cl.store.history_base - 1)}}) + "\n").encode())
                        last = None
                    evs = cl.store.events_after(last) if last is not None else []
                    if evs is None:
                        break
                    if not evs and last is not None:
                        cl.store.cond.wait(min(1.0, max(0.0, deadline - time.time())))
                        evs = cl.store.events_after(last) or []
                    for (rv, etype, rname, _k, obj, prev) in evs:
                        last = rv
                        if rname != res.name:
                            continue
                        now_m, was_m = matches(obj), prev is not None and matches(prev)
                        if etype == "DELETED":
                            if was_m or now_m:
                                o = copy.deepcopy(obj)
                                meta(o)["resourceVersion"] = str(rv)
                                out.append(encode("DELETED", o))
                        elif now_m:
                            out.append(encode("MODIFIED" if was_m else "ADDED", obj))
                        elif was_m:
                            out.append(encode("DELETED", obj))
                for o in out:
                    chunk(o)
                if not out:
                    # A watch client never sends more on its connection, so
                    # anything readable (EOF, a TLS close_notify) means it left.
                    readable, _, _ = select.select([self.connection], [], [], 0)
                    if readable:
                        break
            chunk(b"")
            self.wfile.write(b"")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True
        return 200

    # -- admin ---------------------------------------------------------------

    def admin(self, method, path, q, body):
        """The /_emulator/ admin endpoints (see README.md)."""
        cl = self.server.cluster
        f = self.server.faults
        if body.strip():
            try:
                b = json.loads(body)
                if isinstance(b, dict):
                    q.update({k: str(v) if not isinstance(v, str) else v for k, v in b.items()})
            except ValueError:
                self.send(400, {"error": "body is not JSON"})
                return 400
        parts = path.strip("/").split("/")[1:]
        if method == "GET" and parts == ["state"]:
            with cl.store.lock:
                dump = {"resourceVersion": str(cl.store.rv),
                        "objects": {r: [ordered(o) for o in cl.store.items(RESOURCES[r])]
                                    for r in RESOURCES}}
            self.send(200, dump)
            return 200
        if method == "GET" and parts == ["bytes"]:
            with self.server.bytes_lock:
                counts = dict(sorted(self.server.bytes.items()))
            self.send(200, {"bytes": counts})
            return 200
        if method != "POST":
            self.send(405, {"error": "use POST (or GET /_emulator/state, /_emulator/bytes)"})
            return 405
        if parts == ["compact"]:
            with cl.store.cond:
                drop = len(cl.store.history)
                del cl.store.history[:]
                cl.store.history_base += drop
                cl.store.compactions += 1
                cl.store.cond.notify_all()
            self.send(200, {"compacted": str(cl.store.history_base - 1)})
            return 200
        if parts == ["hang"]:
            with f.lock:
                f.hang_count = int(q.get("count", 1))
                f.hang_seconds = float(q.get("seconds", 3600))
                f.release.clear()
            self.send(200, {"hang": f.hang_count, "seconds": f.hang_seconds})
            return 200
        if parts == ["release"]:
            with f.lock:
                f.hang_count = 0
                f.release.set()
            self.send(200, {"released": True})
            return 200
        if parts == ["fail"]:
            with f.lock:
                f.fail_count = int(q.get("count", 1))
                f.fail_code = int(q.get("code", 500))
                f.fail_message = q.get("message", "emulated failure")
            self.send(200, {"fail": f.fail_count, "code": f.fail_code})
            return 200
        if parts == ["deny"]:
            if q.get("resource") not in RESOURCES:
                self.send(400, {"error": "give resource, one of %s" % ", ".join(sorted(RESOURCES))})
                return 400
            rule = (q.get("user") or None, q.get("verb") or None, q["resource"],
                    q.get("namespace") or None)
            with f.lock:
                f.denied.append(rule)
            self.send(200, {"denied": [list(r) for r in f.denied]})
            return 200
        if parts == ["unserve"]:
            if q.get("resource") not in RESOURCES and \
                    q.get("resource") not in ("selfsubjectaccessreviews", "selfsubjectreviews"):
                self.send(400, {"error": "give resource, one of %s" % ", ".join(sorted(RESOURCES))})
                return 400
            with f.lock:
                f.unserved.add(q["resource"])
            self.send(200, {"unserved": sorted(f.unserved)})
            return 200
        if parts == ["allow"]:
            with f.lock:
                f.denied = []
                f.unserved = set()
            self.send(200, {"denied": [], "unserved": []})
            return 200
        if parts == ["reset"]:
            with cl.store.lock:
                cl.pace, cl.stalled, cl.ready_at = 0.0, set(), {}
                for r in RESOURCES.values():
                    for o in list(cl.store.items(r)):
                        cl.store.write(r, o, "DELETED")
                if self.server.fixtures:
                    load_fixtures(cl, self.server.fixtures)
            self.send(200, {"reset": True, "resourceVersion": str(cl.store.rv)})
            return 200
        if parts == ["pace"]:
            with cl.store.lock:
                cl.pace = max(0.0, float(q.get("seconds", 0)))
            self.send(200, {"pace": cl.pace})
            return 200
        if len(parts) == 4 and parts[0] == "deployments" and parts[3] in ("stall", "unstall"):
            with cl.store.lock:
                if parts[3] == "stall":
                    cl.stalled.add((parts[1], parts[2]))
                else:
                    cl.stalled.discard((parts[1], parts[2]))
                    for p in cl.store.items(RESOURCES["pods"], parts[1]):
                        if cl.ready_at.get(meta(p).get("uid"), 0) is None and \
                                cl.pod_deployment(p) == (parts[1], parts[2]):
                            cl.ready_at[meta(p)["uid"]] = 0
            self.send(200, {"stalled": sorted("%s/%s" % d for d in cl.stalled)})
            return 200
        if parts == ["sync"]:
            cl.reconcile()
            self.send(200, {"resourceVersion": str(cl.store.rv)})
            return 200
        try:
            if len(parts) == 4 and parts[0] == "pods":
                self.send(200, ordered(cl.pod_state(parts[1], parts[2], parts[3], q)))
                return 200
            if len(parts) == 3 and parts[0] == "nodes" and parts[2] == "condition":
                self.send(200, ordered(cl.node_condition(parts[1], q)))
                return 200
        except ApiError as e:
            self.send(e.code, e.status())
            return e.code
        self.send(404, {"error": "unknown admin endpoint %s" % path})
        return 404

# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def resync_loop(cluster, stop):
    """Periodic controller resync, for time-based conditions."""
    while not stop.wait(1.0):
        try:
            cluster.reconcile()
        except Exception:  # keep resyncing; errors show up in requests
            import traceback
            traceback.print_exc()


def main(argv):
    """Parse options, load fixtures, serve until SIGTERM."""
    ap = argparse.ArgumentParser(description="Kubernetes API emulator for tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--plain-http", action="store_true")
    ap.add_argument("--token", default=os.environ.get("KUBEEMU_TOKEN_VALUE", ""))
    ap.add_argument("--readonly-token",
                    default=os.environ.get("KUBEEMU_READONLY_TOKEN_VALUE", ""))
    ap.add_argument("--fixtures")
    ap.add_argument("--log")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-resync", action="store_true")
    opts = ap.parse_args(argv)
    if not opts.plain_http and not (opts.tls_cert and opts.tls_key):
        ap.error("give --tls-cert and --tls-key, or --plain-http")
    cluster = Cluster(opts.seed)
    if opts.fixtures:
        load_fixtures(cluster, opts.fixtures)
    srv = Server(("127.0.0.1", opts.port), Handler)
    srv.cluster = cluster
    srv.opts = opts
    srv.faults = Faults()
    srv.fixtures = opts.fixtures
    if opts.log:
        srv.logf = open(opts.log, "a", encoding="utf-8")
    if not opts.plain_http:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(opts.tls_cert, opts.tls_key)
        ctx.set_alpn_protocols(["http/1.1"])
        srv.tls = ctx
    port = srv.server_address[1]
    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write("%d\n" % port)
        os.rename(tmp, opts.port_file)
    stop = threading.Event()
    if not opts.no_resync:
        threading.Thread(target=resync_loop, args=(cluster, stop), daemon=True).start()
    import signal
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=srv.shutdown).start())
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    stop.set()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
