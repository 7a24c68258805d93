#!/bin/sh
# Counts its runs in $SITREP_KC_COUNTER; the expiry comes from
# $SITREP_KC_EXPIRY when it is set.
n=$(cat "$SITREP_KC_COUNTER" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$SITREP_KC_COUNTER"
if [ -n "$SITREP_KC_EXPIRY" ]; then
	exp=",\"expirationTimestamp\":\"$SITREP_KC_EXPIRY\""
fi
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"count-%s"%s}}\n' "$n" "$exp"
