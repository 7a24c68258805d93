#!/bin/sh
# Answers in v1beta1 when v1 was asked for.
echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"wrong-T0KEN"}}'
