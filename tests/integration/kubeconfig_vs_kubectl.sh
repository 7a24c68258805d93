#!/bin/sh
#
# kubeconfig_vs_kubectl.sh: resolve the same kubeconfig fixtures with sitrep's
# loader and with kubectl, under the same environment (HOME in a temporary
# directory, the same KUBECONFIG list or --kubeconfig file, the same
# --context), and check they agree on the context, server, namespace, kind
# of authentication, CA, client certificate and TLS settings, and that both
# refuse the configurations kubectl refuses, with kubectl's message.
#
# Prints TAP.  Skips cleanly when kubectl or python3 is not installed.

srcdir=${top_srcdir:-.}
# shellcheck source=tests/lib/tap.sh
. "$srcdir/tests/lib/tap.sh"
builddir=${top_builddir:-.}
data=$(cd "$srcdir/tests/data/kubeconfig" && pwd)
resolve=$builddir/tests/unit/kubeconfig_resolve

need_tools kubectl python3
if [ ! -x "$resolve" ]; then
	skip_all "$resolve is not built (run make check)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sitrep-kc.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
HOME=$tmp/home
mkdir -p "$HOME"
export HOME
unset KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT POD_NAMESPACE

# Summarise kubectl's minified view (raw and flattened JSON in $1 and $2)
# as the same key=value lines kubeconfig_resolve prints.
summarise() {
	python3 - "$1" "$2" <<'EOF'
import base64, json, re, sys

raw = json.load(open(sys.argv[1]))
flat = json.load(open(sys.argv[2]))

def first(d, key):
	items = d.get(key) or []
	return items[0] if items else {}

ctx = first(raw, "contexts")
cl = first(raw, "clusters").get("cluster", {})
fcl = first(flat, "clusters").get("cluster", {})
u = first(raw, "users").get("user", {})
fu = first(flat, "users").get("user", {})

def norm(server):
	return re.sub(r"^https?://", "", server or "").rstrip("/")

if "exec" in u:
	auth = "exec"
elif u.get("tokenFile"):
	auth = "tokenFile"
elif u.get("token"):
	auth = "token"
elif u.get("username") or u.get("password"):
	auth = "basic"
elif u.get("client-certificate") or u.get("client-certificate-data"):
	auth = "clientCert"
else:
	auth = "none"

def size(v):
	return len(base64.b64decode(v)) if v else 0

print("context=%s" % ctx.get("name", "-"))
print("server=%s" % norm(cl.get("server")))
print("namespace=%s" % (ctx.get("context", {}).get("namespace") or "default"))
print("auth=%s" % auth)
print("insecure=%s" % ("true" if cl.get("insecure-skip-tls-verify") else "false"))
print("tls_server_name=%s" % (cl.get("tls-server-name") or "-"))
print("proxy_url=%s" % (cl.get("proxy-url") or "-"))
print("ca_bytes=%d" % size(fcl.get("certificate-authority-data")))
if auth != "exec":
	print("cert_bytes=%d" % size(fu.get("client-certificate-data")))
	print("key_bytes=%d" % size(fu.get("client-key-data")))
EOF
}

# The same lines from sitrep's side, server normalised the same way.
ours() {
	"$resolve" "$@" | sed -e 's|^server=https\{0,1\}://|server=|' \
	    -e '/^server=/s|/*$||' |
	    grep -E '^(context|server|namespace|auth|insecure|tls_server_name|proxy_url|ca_bytes|cert_bytes|key_bytes)='
}

# compare DESCRIPTION [--kubeconfig FILE] [--context NAME]
compare() {
	what=$1
	shift
	if ! kubectl config view --minify -o json "$@" >"$tmp/raw.json" \
	    2>"$tmp/kerr" ||
	    ! kubectl config view --minify --flatten -o json "$@" \
	    >"$tmp/flat.json" 2>>"$tmp/kerr"; then
		check 1 "$what: kubectl resolves it" "kubectl config view succeeds" \
		    "$(cat "$tmp/kerr")"
		return
	fi
	summarise "$tmp/raw.json" "$tmp/flat.json" | sort >"$tmp/theirs"
	if ! ours "$@" 2>"$tmp/oerr" | sort >"$tmp/ours"; then
		:
	fi
	# For exec users the credential is not fetched, so lengths are absent.
	if grep -q '^auth=exec' "$tmp/theirs"; then
		grep -v '_bytes=' "$tmp/theirs" >"$tmp/t2"
		grep -v '_bytes=' "$tmp/ours" >"$tmp/o2"
	else
		cp "$tmp/ours" "$tmp/o2"
		cp "$tmp/theirs" "$tmp/t2"
	fi
	if diff "$tmp/t2" "$tmp/o2" >"$tmp/diff" 2>&1 && [ -s "$tmp/o2" ]; then
		check 0 "$what"
	else
		check 1 "$what" "$(cat "$tmp/t2")" \
		    "$(cat "$tmp/o2" "$tmp/oerr")"
	fi
}

# current DESCRIPTION [--kubeconfig FILE]: both pick the same current-context.
current() {
	what=$1
	shift
	theirs=$(kubectl config current-context "$@" 2>/dev/null)
	mine=$("$resolve" "$@" 2>/dev/null | sed -n 's/^context=//p')
	if [ -n "$theirs" ] && [ "$theirs" = "$mine" ]; then
		check 0 "$what"
	else
		check 1 "$what" "kubectl's '$theirs'" "'$mine'"
	fi
}

# refuse DESCRIPTION SAME-MESSAGE(1/0) ARGS...: both refuse the context;
# with SAME-MESSAGE sitrep's message contains kubectl's.
refuse() {
	what=$1
	same=$2
	shift 2
	kubectl --request-timeout=2s get --raw /version "$@" </dev/null \
	    >/dev/null 2>"$tmp/kerr"
	krc=$?
	"$resolve" "$@" >/dev/null 2>"$tmp/oerr"
	orc=$?
	msg=$(sed -n 's/^error: //p' "$tmp/kerr" | head -n 1)
	if [ "$krc" -eq 0 ] || [ "$orc" -eq 0 ]; then
		check 1 "$what" "both refuse (non-zero exit)" \
		    "kubectl exit $krc, sitrep exit $orc"
	elif [ "$same" = 1 ] && ! grep -qF -- "$msg" "$tmp/oerr"; then
		check 1 "$what" "a message containing kubectl's: $msg" \
		    "$(cat "$tmp/oerr")"
	else
		check 0 "$what"
	fi
}

echo "1..31"

unset KUBECONFIG
basic=$data/basic.yaml
current "explicit file: current-context" --kubeconfig "$basic"
for c in prod files both-tokens insecure plain cert certdata; do
	compare "explicit file, context $c" --kubeconfig "$basic" --context "$c"
done

m=$data/merge
KUBECONFIG=$m/a/config:$m/missing:$m/b/config::$m/c/config
export KUBECONFIG
current "KUBECONFIG a:missing:b::c: first non-empty current-context"
compare "KUBECONFIG a:missing:b::c: current context"
for c in shared mixed with-uc from-c from-b; do
	compare "KUBECONFIG a:missing:b::c, context $c" --context "$c"
done
KUBECONFIG=$m/c/config:$m/b/config
current "KUBECONFIG c:b: c's current-context wins"
compare "KUBECONFIG c:b: current context"
unset KUBECONFIG

mkdir -p "$HOME/.kube"
cp "$data/basic.yaml" "$HOME/.kube/config"
for d in certs tokens; do
	cp -R "$data/$d" "$HOME/.kube/"
done
current "~/.kube/config when KUBECONFIG is unset"
compare "~/.kube/config, context files (paths beside it)" --context files
rm -rf "$HOME/.kube"

for c in v1 v1beta1; do
	compare "exec plugin user, context $c" --kubeconfig "$data/exec.yaml" \
	    --context "$c"
done

conflicts=$data/conflicts.yaml
for c in ca-both insecure-ca token-basic cert-both key-both no-key \
    exec-no-mode exec-no-command; do
	refuse "both refuse $c with kubectl's message" 1 \
	    --kubeconfig "$conflicts" --context "$c"
done
refuse "both refuse a base64 error" 0 --kubeconfig "$data/bad-base64.yaml"
refuse "both refuse a number where a string belongs" 0 \
    --kubeconfig "$data/number-token.yaml"

[ "$failed" -eq 0 ]
