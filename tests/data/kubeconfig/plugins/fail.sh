#!/bin/sh
# Fails the way a plugin whose login expired does, with a hostile escape in
# its stderr and a secret on stdout that must never be shown.
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"leaked-T0KEN"}}'
printf 'error: refresh token expired \033[31mred\033[0m\nrun: corp-login\n' >&2
exit 2
