#!/bin/sh
# A v1 credential plugin: proves it got its env, args and a non-interactive
# KUBERNETES_EXEC_INFO by folding them into the token it prints.
case "$KUBERNETES_EXEC_INFO" in
*'"apiVersion":"client.authentication.k8s.io/v1"'*'"interactive":false'*) ;;
*) echo "unexpected KUBERNETES_EXEC_INFO: $KUBERNETES_EXEC_INFO" >&2; exit 3 ;;
esac
case "$KUBERNETES_EXEC_INFO" in
*'"cluster"'*) echo "cluster info was not asked for" >&2; exit 3 ;;
esac
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"v1-%s-%s-%s"}}\n' "$PLUGIN_GREETING" "$1" "$2"
