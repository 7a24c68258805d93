#!/bin/sh
# provideClusterInfo: the cluster must be in KUBERNETES_EXEC_INFO.
case "$KUBERNETES_EXEC_INFO" in
*'"server":"https://127.0.0.1:6443/k8s/clusters/c-123"'*'"certificate-authority-data":"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tClpXMWlaV1JrWldRPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg=="'*) ;;
*) echo "no cluster info: $KUBERNETES_EXEC_INFO" >&2; exit 3 ;;
esac
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"cluster-info-T0KEN"}}'
