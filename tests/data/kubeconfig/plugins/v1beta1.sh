#!/bin/sh
# A v1beta1 plugin that answers with a client certificate and key.
cat <<'JSON'
{
  "apiVersion": "client.authentication.k8s.io/v1beta1",
  "kind": "ExecCredential",
  "status": {
    "clientCertificateData": "-----BEGIN CERTIFICATE-----\nZXhlYw==\n-----END CERTIFICATE-----\n",
    "clientKeyData": "-----BEGIN PRIVATE KEY-----\nZXhlYyBrZXk=\n-----END PRIVATE KEY-----\n",
    "expirationTimestamp": "2999-01-01T00:00:00Z"
  }
}
JSON
