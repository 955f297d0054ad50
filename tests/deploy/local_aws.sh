#!/usr/bin/env bash
# Sourced by the deploy tests that use a local AWS. Functions:
#   local_aws_start DIR      start moto_server on 127.0.0.1 at a free port (log in DIR), wait until
#                            it answers, and point the AWS CLI and ebworker at it (exports
#                            AWS_ENDPOINT_URL, test credentials, a region, no user config);
#                            its account id is LOCAL_AWS_ACCOUNT
#   local_aws_stop           stop it
#   aws ARGS...              the AWS CLI at the local AWS: version 1 ignores AWS_ENDPOINT_URL for
#                            some services (SQS in us-east-1 goes to queue.amazonaws.com), so every
#                            call gets --endpoint-url; exported, so `bash -c` and scripts see it
#   stack_resource STACK ID  the physical id of a stack's resource (moto leaves a stack's Outputs
#                            empty after `aws cloudformation deploy`; its resources are there)
#   queue_roundtrip BINARY QUEUE_URL TABLE SECRET DIR
#                            `BINARY serve` and `BINARY sqsd` (leader elected through TABLE) on the
#                            queue; enqueue EchoJob signed with SECRET and expect the worker to run
#                            it, the queue to be empty after, and both to stop cleanly on SIGTERM
# Each returns non-zero with the reason on stderr.

local_aws_start() {
  local dir=$1 i
  LOCAL_AWS_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # An account id of AWS's documentation examples, not moto's 123456789012, which
  # scripts/eb_check.sh refuses as the kit's placeholder.
  LOCAL_AWS_ACCOUNT=111122223333
  MOTO_ACCOUNT_ID=$LOCAL_AWS_ACCOUNT moto_server -H 127.0.0.1 -p "$LOCAL_AWS_PORT" >"$dir/moto.log" 2>&1 &
  LOCAL_AWS_PID=$!
  for ((i = 0; i < 200; i++)); do  # 20 s
    if (exec 3<>"/dev/tcp/127.0.0.1/$LOCAL_AWS_PORT") 2>/dev/null; then break; fi
    kill -0 "$LOCAL_AWS_PID" 2>/dev/null || break
    sleep 0.1
  done
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$LOCAL_AWS_PORT") 2>/dev/null; then
    echo "local_aws: moto_server did not listen on 127.0.0.1:$LOCAL_AWS_PORT within 20 s" >&2
    cat "$dir/moto.log" >&2
    return 1
  fi
  export AWS_ENDPOINT_URL="http://127.0.0.1:$LOCAL_AWS_PORT"
  export AWS_ACCESS_KEY_ID=AKIDLOCALTEST AWS_SECRET_ACCESS_KEY=local-test-key
  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
  export AWS_CONFIG_FILE="$dir/aws-config" AWS_SHARED_CREDENTIALS_FILE="$dir/aws-credentials"
  export AWS_PAGER="" AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=2
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_DYNAMODB
  : >"$AWS_CONFIG_FILE"
  : >"$AWS_SHARED_CREDENTIALS_FILE"
  echo "local_aws: moto_server on $AWS_ENDPOINT_URL"
}

local_aws_stop() {
  [ -n "${LOCAL_AWS_PID:-}" ] || return 0
  kill -TERM "$LOCAL_AWS_PID" 2>/dev/null
  wait "$LOCAL_AWS_PID" 2>/dev/null
  LOCAL_AWS_PID=
}

aws() {
  command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"
}
export -f aws

# The plural call: moto's describe-stack-resource fails on a stack holding a type it skips.
stack_resource() {
  local id
  id=$(aws cloudformation describe-stack-resources --stack-name "$1" --output text \
         --query "StackResources[?LogicalResourceId=='$2'].PhysicalResourceId | [0]") || return 1
  [ -n "$id" ] && [ "$id" != None ] || { echo "stack_resource: $1 has no resource $2" >&2; return 1; }
  echo "$id"
}

# wait_for SECONDS COMMAND...: runs COMMAND every 0.2 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

queue_roundtrip() {
  local binary=$1 queue_url=$2 table=$3 secret=$4 dir=$5
  local worker sqsd port status=0 out="$dir/echo.out" queue_name=${2##*/}
  : >"$out"
  # The worker and the daemon as the stacks configure them, but on loopback ports of the test.
  SECRET_KEY_BASE=$secret EBWORKER_PROCESS_JOBS=true EBWORKER_QUEUE_URL=$queue_url ECHO_JOB_OUT=$out \
    "$binary" serve --bind 127.0.0.1 --port 0 >"$dir/worker.log" 2>&1 &
  worker=$!
  port_of_worker() {
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' "$dir/worker.log" | head -n1)
    [ -n "$port" ]
  }
  if ! wait_for 30 port_of_worker; then
    echo "queue_roundtrip: the worker did not listen within 30 s" >&2
    cat "$dir/worker.log" >&2
    kill -KILL "$worker" 2>/dev/null
    return 1
  fi
  # In DIR, which has no cron.yaml: no periodic tasks.
  (cd "$dir" && exec "$binary" sqsd --queue-url "$queue_url" --worker-url "http://127.0.0.1:$port" \
    --http-connections 10 --wait-time 1 --leader "dynamodb:$table") \
    >"$dir/sqsd.log" 2>&1 &
  sqsd=$!

  local message_id
  if ! message_id=$(SECRET_KEY_BASE=$secret timeout 60 "$binary" enqueue EchoJob '["through the stack'"'"'s queue"]' \
                      --queue-url "$queue_url"); then
    echo "queue_roundtrip: enqueue failed" >&2
    status=1
  fi
  ran() { grep -qF '["through the stack'"'"'s queue"]' "$out"; }
  if [ "$status" -eq 0 ] && ! wait_for 30 ran; then
    echo "queue_roundtrip: the job did not run within 30 s" >&2
    status=1
  fi
  emptied() {
    local n
    n=$(aws sqs get-queue-attributes --queue-url "$queue_url" --output text \
          --attribute-names ApproximateNumberOfMessages ApproximateNumberOfMessagesNotVisible \
          --query 'sum([to_number(Attributes.ApproximateNumberOfMessages), to_number(Attributes.ApproximateNumberOfMessagesNotVisible)])')
    [ "$n" = 0 ]
  }
  if [ "$status" -eq 0 ] && ! wait_for 30 emptied; then
    echo "queue_roundtrip: the message was not deleted after a 200" >&2
    status=1
  fi
  leader() {
    aws dynamodb get-item --table-name "$table" --key "{\"pk\": {\"S\": \"leader#$queue_name\"}}" \
      --query Item.pk.S --output text | grep -qx "leader#$queue_name"
  }
  if [ "$status" -eq 0 ] && ! wait_for 30 leader; then
    echo "queue_roundtrip: no leader lease leader#$queue_name in $table" >&2
    status=1
  fi
  [ "$status" -eq 0 ] && grep -F "msgid=$message_id" "$dir/worker.log" | grep -q "status=200" || {
    [ "$status" -eq 0 ] && echo "queue_roundtrip: no status=200 line for msgid=$message_id" >&2
    status=1
  }

  local pid name exit_status
  for name in sqsd worker; do
    pid=${!name}
    kill -TERM "$pid" 2>/dev/null
    stopped() { ! kill -0 "$pid" 2>/dev/null; }
    if ! wait_for 30 stopped; then
      echo "queue_roundtrip: $name still running 30 s after SIGTERM" >&2
      kill -KILL "$pid" 2>/dev/null
      status=1
    fi
    exit_status=0
    wait "$pid" || exit_status=$?
    if [ "$exit_status" -ne 0 ]; then
      echo "queue_roundtrip: $name exited $exit_status after SIGTERM" >&2
      status=1
    fi
  done
  if [ "$status" -ne 0 ]; then
    echo "--- worker:" >&2; cat "$dir/worker.log" >&2
    echo "--- sqsd:" >&2; cat "$dir/sqsd.log" >&2
    return 1
  fi
  echo "queue_roundtrip: EchoJob $message_id ran through $queue_url, deleted, leader lease in $table"
}
