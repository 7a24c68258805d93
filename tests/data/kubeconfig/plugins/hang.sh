#!/bin/sh
# Never answers.
echo "waiting for a browser" >&2
sleep 30
