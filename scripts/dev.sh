#!/usr/bin/env bash
# Quick start, command 1: set up, build, and run the local stack (`ebworker dev`): the local SQS
# (fauxqs) on 127.0.0.1:4566, a queue with its dead-letter queue, the worker on 127.0.0.1:5000 and
# the daemon between them, with a demo job going through it all. Ctrl-C stops everything.
# Arguments go to `ebworker dev` (e.g. --port 5001 --sqs-port 4567, or --once).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target ebworker_app
exec ./build/ebworker dev "$@"
