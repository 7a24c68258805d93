# kubeemu.sh: start and stop the Kubernetes API emulator from a test.
#
# Source this file from a bash test script.  kubeemu_start generates a CA
# and a server certificate for 127.0.0.1 with openssl, random bearer tokens,
# and a kubeconfig that kubectl and sitrep can both read, then starts
# tests/kube-emulator/kubeemu.py in the background and waits for the port it
# chose.  Everything lives in the directory the caller gives, which the
# caller removes; kubeemu_stop ends the emulator by its PID.
#
#	. "$top_srcdir/tests/lib/kubeemu.sh"
#	kubeemu_start "$tmp" || exit 1      # extra emulator options may follow
#	kubectl --kubeconfig "$KUBEEMU_KUBECONFIG" get pods
#	kubeemu_stop
#
# After kubeemu_start these are exported:
#	KUBEEMU_PORT        the port on 127.0.0.1
#	KUBEEMU_PID         the emulator's process id
#	KUBEEMU_URL         https://127.0.0.1:PORT (http:// with --plain-http)
#	KUBEEMU_KUBECONFIG  kubeconfig; context "kubeemu" (admin, namespace
#	                    default) and "kubeemu-readonly"
#	KUBEEMU_CA          the CA certificate (PEM) for curl --cacert
#	KUBEEMU_TOKEN       the admin bearer token
#	KUBEEMU_RO_TOKEN    the read-only bearer token
#	KUBEEMU_LOG         the request log (JSON lines, no tokens)
# Options: --plain-http serves HTTP; --fixtures DIR replaces the default
# seed objects; --empty starts with no objects at all.

KUBEEMU_SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KUBEEMU_PYTHON=${KUBEEMU_PYTHON:-/usr/bin/python3}

# Print a random hex token.
kubeemu_random() {
	od -An -tx1 -N16 /dev/urandom | tr -d ' \n'
}

# Generate a CA and a server certificate for 127.0.0.1/localhost in DIR.
kubeemu_certs() {
	local dir=$1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 2 \
	    -subj "/CN=kubeemu-ca" \
	    -addext "basicConstraints=critical,CA:TRUE" \
	    -addext "keyUsage=critical,keyCertSign,cRLSign" \
	    >/dev/null 2>&1 || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout "$dir/server.key" -out "$dir/server.csr" \
	    -subj "/CN=127.0.0.1" >/dev/null 2>&1 || return 1
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	    "basicConstraints=CA:FALSE" \
	    "keyUsage=critical,digitalSignature,keyEncipherment" \
	    "extendedKeyUsage=serverAuth" >"$dir/server.ext"
	openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" \
	    -CAkey "$dir/ca.key" -CAcreateserial -out "$dir/server.crt" \
	    -days 2 -extfile "$dir/server.ext" >/dev/null 2>&1 || return 1
	chmod 600 "$dir/ca.key" "$dir/server.key"
}

# Write the kubeconfig for the running emulator.
kubeemu_kubeconfig() {
	local dir=$1 cadata=""
	if [ -f "$dir/ca.crt" ]; then
		cadata=$(base64 -w0 <"$dir/ca.crt")
	fi
	(
		umask 077
		{
			printf 'apiVersion: v1\nkind: Config\nclusters:\n'
			printf -- '- name: kubeemu\n  cluster:\n'
			printf '    server: %s\n' "$KUBEEMU_URL"
			if [ -n "$cadata" ]; then
				printf '    certificate-authority-data: %s\n' "$cadata"
			fi
			printf 'users:\n'
			printf -- '- name: kubeemu-admin\n  user:\n    token: %s\n' "$KUBEEMU_TOKEN"
			printf -- '- name: kubeemu-readonly\n  user:\n    token: %s\n' "$KUBEEMU_RO_TOKEN"
			printf 'contexts:\n'
			printf -- '- name: kubeemu\n  context:\n    cluster: kubeemu\n    user: kubeemu-admin\n    namespace: default\n'
			printf -- '- name: kubeemu-readonly\n  context:\n    cluster: kubeemu\n    user: kubeemu-readonly\n    namespace: default\n'
			printf 'current-context: kubeemu\n'
		} >"$dir/kubeconfig"
	)
}

# kubeemu_start DIR [emulator options]: start the emulator; 0 when it listens.
kubeemu_start() {
	local dir=$1 plain=0 fixtures=1 a i
	shift
	local args=()
	for a in "$@"; do
		case $a in
		--plain-http) plain=1; args+=("$a") ;;
		--fixtures) fixtures=0; args+=("$a") ;;
		--empty) fixtures=0 ;;
		*) args+=("$a") ;;
		esac
	done
	mkdir -p "$dir" || return 1
	if [ $fixtures = 1 ]; then
		args+=(--fixtures "$KUBEEMU_SRCDIR/kube-emulator/fixtures")
	fi
	if [ $plain = 0 ]; then
		if ! kubeemu_certs "$dir"; then
			echo "kubeemu: openssl could not make the test certificates" >&2
			return 1
		fi
		args+=(--tls-cert "$dir/server.crt" --tls-key "$dir/server.key")
	fi
	KUBEEMU_TOKEN=$(kubeemu_random)
	KUBEEMU_RO_TOKEN=$(kubeemu_random)
	KUBEEMU_CA="$dir/ca.crt"
	KUBEEMU_LOG="$dir/requests.log"
	rm -f "$dir/port"
	KUBEEMU_TOKEN_VALUE=$KUBEEMU_TOKEN \
	KUBEEMU_READONLY_TOKEN_VALUE=$KUBEEMU_RO_TOKEN \
	    "$KUBEEMU_PYTHON" "$KUBEEMU_SRCDIR/kube-emulator/kubeemu.py" \
	    --port 0 --port-file "$dir/port" --log "$KUBEEMU_LOG" "${args[@]}" \
	    2>"$dir/emulator.err" &
	KUBEEMU_PID=$!
	for i in $(seq 1 100); do
		if [ -s "$dir/port" ]; then
			break
		fi
		if ! kill -0 "$KUBEEMU_PID" 2>/dev/null; then
			echo "kubeemu: the emulator exited:" >&2
			cat "$dir/emulator.err" >&2
			KUBEEMU_PID=
			return 1
		fi
		sleep 0.1
	done
	if [ ! -s "$dir/port" ]; then
		echo "kubeemu: the emulator did not start within 10 s" >&2
		kubeemu_stop
		return 1
	fi
	KUBEEMU_PORT=$(cat "$dir/port")
	if [ $plain = 1 ]; then
		KUBEEMU_URL="http://127.0.0.1:$KUBEEMU_PORT"
	else
		KUBEEMU_URL="https://127.0.0.1:$KUBEEMU_PORT"
	fi
	KUBEEMU_KUBECONFIG="$dir/kubeconfig"
	kubeemu_kubeconfig "$dir"
	export KUBEEMU_PORT KUBEEMU_PID KUBEEMU_URL KUBEEMU_KUBECONFIG KUBEEMU_CA \
	    KUBEEMU_TOKEN KUBEEMU_RO_TOKEN KUBEEMU_LOG
}

# kubeemu_stop: end the emulator started by kubeemu_start (by its PID).
kubeemu_stop() {
	if [ -n "${KUBEEMU_PID:-}" ]; then
		kill "$KUBEEMU_PID" 2>/dev/null
		wait "$KUBEEMU_PID" 2>/dev/null
		KUBEEMU_PID=
	fi
	return 0
}
