#!/bin/sh
# Prints something that is not an ExecCredential.
echo 'token: plain-T0KEN {'
