#!/usr/bin/env bash
# The web-tier example maps each kind of enqueue error to the web tier's next step: a call it
# must fix (bad arguments: exit 1, nothing sent) and a queue it cannot reach (a refused port on
# 127.0.0.1, after the client's retries: exit 75, "retry later").
#   enqueue_example_test.sh ENQUEUE_EXAMPLE
set -uo pipefail
example=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export EBWORKER_QUEUE_URL=http://127.0.0.1:1/000000000000/jobs   # nothing listens on port 1
export SECRET_KEY_BASE=0123456789abcdef0123456789abcdef  # a test key; eb_check: not a secret
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=example AWS_REGION=us-east-1
export EBWORKER_SQS_MAX_ATTEMPTS=2 EBWORKER_SQS_BACKOFF_BASE_MS=10 EBWORKER_SQS_BACKOFF_MAX_MS=20
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SQS AWS_PROFILE AWS_SESSION_TOKEN

expect() {  # expect STATUS TEXT -- ARGS...
  local want=$1 text=$2 status
  shift 3
  timeout 60 "$example" "$@" >"$tmp/out" 2>&1
  status=$?
  cat "$tmp/out"
  if [ "$status" -ne "$want" ] || ! grep -q "$text" "$tmp/out"; then
    echo "enqueue_example $*: exit $status, expected $want and \"$text\"" >&2
    exit 1
  fi
}

expect 1 "next: fix the call" -- EchoJob 'not json'
expect 75 "next: retry later" -- EchoJob '["hello"]'
echo "enqueue_example: each error kind led to its step"
