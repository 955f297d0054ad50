#!/usr/bin/env bash
# scripts/eb_check.sh on the repository's own kit and on broken copies of it, each in a temporary
# directory. The unedited kit reports exactly one problem, WorkerQueueURL (it ships commented out:
# every user must name their own queue); with it set the kit passes; each broken copy reports
# exactly its one problem, by name. Also checks deploy/prebuilt/Dockerrun.aws.json: it parses as
# JSON (python3), is version 1 and names the port the Dockerfile EXPOSEs.
#   eb_check_test.sh SOURCE_DIR EBWORKER_BINARY
set -uo pipefail
src=$1
export EBWORKER_BINARY=$2
check="$src/scripts/eb_check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

queue_url=https://sqs.eu-west-1.amazonaws.com/111122223333/ebworker-jobs

# A copy of the kit in $tmp/NAME, WorkerQueueURL set unless told otherwise.
kit() {
  local d="$tmp/$1"
  mkdir -p "$d"
  cp -r "$src/.ebextensions" "$src/.platform" "$src/cron.yaml" "$src/Dockerfile" "$d/"
  if [ "${2:-}" != unset ]; then
    sed -i "s|^    # WorkerQueueURL: https://.*|    WorkerQueueURL: $queue_url|" "$d/.ebextensions/01-sqsd.config"
  fi
  echo "$d"
}

# expect NAME DIR PATTERN: eb_check fails on DIR with exactly one problem line, matching PATTERN.
expect() {
  local name=$1 d=$2 pattern=$3 out rc
  out=$(bash "$check" "$d" 2>/dev/null)
  rc=$?
  if [ "$rc" -ne 1 ]; then fail "$name: exit $rc, expected 1; output: $out"; return; fi
  if [ "$(printf '%s\n' "$out" | grep -c .)" -ne 1 ]; then fail "$name: expected one problem, got: $out"; return; fi
  if ! printf '%s\n' "$out" | grep -qE -- "$pattern"; then fail "$name: expected /$pattern/, got: $out"; return; fi
  echo "ok: $name: $out"
}

# ---- the repository's kit as shipped -----------------------------------------------------------
expect "repository kit (WorkerQueueURL commented out)" "$src" '^WorkerQueueURL is not set'

# ---- the kit with WorkerQueueURL set passes ----------------------------------------------------
d=$(kit good)
[ -n "$(grep -E "^    WorkerQueueURL: " "$d/.ebextensions/01-sqsd.config")" ] || fail "the test could not set WorkerQueueURL"
if out=$(bash "$check" "$d" 2>"$tmp/good.err"); then
  [ -z "$out" ] || fail "good kit: exit 0 but printed: $out"
  grep -q "cron.yaml checked with $EBWORKER_BINARY" "$tmp/good.err" || fail "good kit: cron.yaml not checked: $(cat "$tmp/good.err")"
  echo "ok: kit with WorkerQueueURL set passes"
else
  fail "good kit: $out"
fi

# ---- broken copies, one problem each ------------------------------------------------------------
d=$(kit placeholder)
sed -i "s|^    WorkerQueueURL: .*|    WorkerQueueURL: https://sqs.eu-west-1.amazonaws.com/123456789012/jobs|" "$d/.ebextensions/01-sqsd.config"
expect "placeholder queue URL" "$d" '^WorkerQueueURL .*placeholder'

d=$(kit not_a_url)
sed -i "s|^    WorkerQueueURL: .*|    WorkerQueueURL: ebworker-jobs|" "$d/.ebextensions/01-sqsd.config"
expect "queue name, not URL" "$d" '^WorkerQueueURL "ebworker-jobs" is not an SQS queue URL'

d=$(kit cron_schedule)
sed -i 's|schedule: "0 3 \* \* \*"|schedule: "61 3 * * *"|' "$d/cron.yaml"
expect "cron.yaml bad schedule" "$d" '^cron.yaml is invalid'

d=$(kit cron_unknown_job)
sed -i 's|name: "NightlyCleanupJob"|name: "NoSuchJob"|' "$d/cron.yaml"
expect "cron.yaml unregistered job" "$d" '^cron.yaml is invalid'

d=$(kit nginx_short)
sed -i 's|^proxy_read_timeout .*|proxy_read_timeout 60s;|' "$d/.platform/nginx/conf.d/ebworker.conf"
expect "nginx read timeout below InactivityTimeout" "$d" '^nginx: proxy_read_timeout 60s is less than InactivityTimeout 900'

d=$(kit nginx_minutes)
sed -i 's|^proxy_send_timeout .*|proxy_send_timeout 10m;|' "$d/.platform/nginx/conf.d/ebworker.conf"
expect "nginx send timeout in minutes below InactivityTimeout" "$d" '^nginx: proxy_send_timeout 10m is less than'

d=$(kit nginx_missing)
rm "$d/.platform/nginx/conf.d/ebworker.conf"
out=$(bash "$check" "$d" 2>/dev/null)
if [ "$(printf '%s\n' "$out" | grep -c '^nginx: proxy_.*_timeout is not set')" -eq 2 ] && [ "$(printf '%s\n' "$out" | grep -c .)" -eq 2 ]; then
  echo "ok: nginx conf missing: both timeouts named"
else
  fail "nginx conf missing: $out"
fi

d=$(kit inactivity_raised)
sed -i 's|^    InactivityTimeout: .*|    InactivityTimeout: 1200|' "$d/.ebextensions/01-sqsd.config"
out=$(bash "$check" "$d" 2>/dev/null)
[ "$(printf '%s\n' "$out" | grep -c 'less than InactivityTimeout 1200')" -eq 2 ] &&
  echo "ok: InactivityTimeout raised above nginx: both timeouts named" || fail "InactivityTimeout raised: $out"

# The timeouts that follow InactivityTimeout (docs/deployment.md, "Timeouts from one setting"):
# each one out of step is named alone.
sqsd_config=.ebextensions/01-sqsd.config
env_config=.ebextensions/02-environment.config

d=$(kit visibility_short)
sed -i 's|^    VisibilityTimeout: .*|    VisibilityTimeout: 900|' "$d/$sqsd_config"
expect "VisibilityTimeout not above InactivityTimeout" "$d" '^VisibilityTimeout 900 s is not above InactivityTimeout 900 s'

d=$(kit visibility_default)
sed -i '/^    VisibilityTimeout:/d' "$d/$sqsd_config"
expect "VisibilityTimeout left at AWS's default" "$d" '^VisibilityTimeout 300 s is not above InactivityTimeout 900 s'

d=$(kit budget_long)
sed -i 's|^    EBWORKER_JOB_TIME_BUDGET: .*|    EBWORKER_JOB_TIME_BUDGET: "900"|' "$d/$env_config"
expect "job time budget not below InactivityTimeout" "$d" '^EBWORKER_JOB_TIME_BUDGET 900 s is not below InactivityTimeout 900 s'

d=$(kit budget_not_a_number)
sed -i 's|^    EBWORKER_JOB_TIME_BUDGET: .*|    EBWORKER_JOB_TIME_BUDGET: "ten"|' "$d/$env_config"
expect "job time budget not a number" "$d" '^EBWORKER_JOB_TIME_BUDGET "ten" is not a number of seconds'

d=$(kit inactivity_lowered)
sed -i 's|^    InactivityTimeout: .*|    InactivityTimeout: 300|' "$d/$sqsd_config"
expect "InactivityTimeout lowered alone: the budget no longer below it" "$d" \
  '^EBWORKER_JOB_TIME_BUDGET 600 s is not below InactivityTimeout 300 s'

d=$(kit budget_default)
sed -i 's|^    InactivityTimeout: .*|    InactivityTimeout: 600|; s|^    VisibilityTimeout: .*|    VisibilityTimeout: 660|' "$d/$sqsd_config"
sed -i '/^    EBWORKER_JOB_TIME_BUDGET:/d' "$d/$env_config"
expect "budget left at the worker's default 600 s with InactivityTimeout 600" "$d" \
  '^EBWORKER_JOB_TIME_BUDGET 600 s is not below InactivityTimeout 600 s'

d=$(kit connection_timeout)
printf '    EBWORKER_CONNECTION_TIMEOUT: "600"\n' >>"$d/$env_config"
expect "connection timeout not above InactivityTimeout" "$d" \
  '^EBWORKER_CONNECTION_TIMEOUT 600 s is not above InactivityTimeout 900 s'

d=$(kit shutdown_timeout)
sed -i 's|^    EBWORKER_SHUTDOWN_TIMEOUT: .*|    EBWORKER_SHUTDOWN_TIMEOUT: "30"|' "$d/$env_config"
expect "shutdown timeout not below Docker's stop grace" "$d" "^EBWORKER_SHUTDOWN_TIMEOUT 30 s is not below Docker's 10 s stop grace"

d=$(kit timeouts_raised_together)
sed -i 's|^    InactivityTimeout: .*|    InactivityTimeout: 3600|; s|^    VisibilityTimeout: .*|    VisibilityTimeout: 3660|' "$d/$sqsd_config"
sed -i 's|^    EBWORKER_JOB_TIME_BUDGET: .*|    EBWORKER_JOB_TIME_BUDGET: "2400"|' "$d/$env_config"
sed -i -E 's/^(proxy_read_timeout|proxy_send_timeout|send_timeout)( +).*/\1\23605s;/' "$d/.platform/nginx/conf.d/ebworker.conf"
out=$(bash "$check" "$d" 2>/dev/null) && echo "ok: InactivityTimeout raised with everything that follows it passes" ||
  fail "timeouts raised together: $out"

d=$(kit connections)
sed -i 's|^    HttpConnections: .*|    HttpConnections: 20|' "$d/.ebextensions/01-sqsd.config"
expect "HttpConnections above job threads" "$d" '^HttpConnections 20 differs from EBWORKER_JOB_THREADS 10'

d=$(kit threads_default)
sed -i '/^    EBWORKER_JOB_THREADS:/d' "$d/.ebextensions/02-environment.config"
expect "job threads left at the worker's default" "$d" '^HttpConnections 10 differs from EBWORKER_JOB_THREADS 50'

# Secrets: built at run time, so that this file holds none for eb_check to find.
key=$(printf 'k%.0s' $(seq 1 40))
d=$(kit secret_env)
printf '    SECRET_%s: "%s"\n' KEY_BASE "$key" >>"$d/.ebextensions/02-environment.config"
expect "SECRET_KEY_BASE in .ebextensions" "$d" '^secret in \.ebextensions/02-environment\.config:[0-9]+:'

d=$(kit secret_dockerfile)
printf 'ENV SECRET_KEY_BASE_%s=%s\n' PREVIOUS "$key" >>"$d/Dockerfile"
expect "SECRET_KEY_BASE_PREVIOUS in the Dockerfile" "$d" '^secret in Dockerfile:[0-9]+:'

d=$(kit secret_build_file)
printf 'export SECRET_KEY_%s=%s\n' BASE "$key" >"$d/build.sh"
mkdir -p "$d/build-local" && printf 'SECRET_KEY_%s=%s\n' BASE "$key" >"$d/build-local/env"
expect "a file named build* is scanned, a build* directory is not" "$d" '^secret in build\.sh:1:'

d=$(kit secret_aws)
mkdir -p "$d/config"
printf '[default]\naws_access_key_id = %s\naws_secret_%s = %s\n' "AKIA$(printf 'Q%.0s' $(seq 1 16))" access_key \
  "$(printf 'a/B+%.0s' $(seq 1 10))" >"$d/config/credentials"
out=$(bash "$check" "$d" 2>/dev/null)
if [ "$(printf '%s\n' "$out" | grep -c '^secret in config/credentials:[23]:')" -eq 2 ] && [ "$(printf '%s\n' "$out" | grep -c .)" -eq 2 ]; then
  echo "ok: AWS keys in a file: both lines named"
else
  fail "AWS keys: $out"
fi

d=$(kit secret_reference)
printf 'eb create w --envvars SECRET_KEY_BASE="$secret"\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' >"$d/notes.txt"
out=$(bash "$check" "$d" 2>/dev/null) && echo "ok: references and AWS's example key are not secrets" ||
  fail "a reference or AWS's documented example key was taken for a secret: $out"

d=$(kit expose)
sed -i 's|^EXPOSE 5000|EXPOSE 8080|' "$d/Dockerfile"
out=$(bash "$check" "$d" 2>/dev/null)
printf '%s\n' "$out" | grep -q '^Dockerfile EXPOSE 8080 differs from its PORT 5000' &&
  echo "ok: EXPOSE differs from PORT" || fail "EXPOSE: $out"

d=$(kit env_port)
sed -i 's|^    PORT: "5000"|    PORT: "8080"|' "$d/.ebextensions/02-environment.config"
expect "PORT in .ebextensions differs from EXPOSE" "$d" '^PORT 8080 in \.ebextensions differs from the Dockerfile.s EXPOSE 5000'

d=$(kit bad_binary)
EBWORKER_BINARY="$tmp/no-such-binary" expect "EBWORKER_BINARY not executable" "$d" '^EBWORKER_BINARY .* is not an executable'

d=$(kit two_problems unset)
sed -i 's|^    HttpConnections: .*|    HttpConnections: 20|' "$d/.ebextensions/01-sqsd.config"
out=$(bash "$check" "$d" 2>/dev/null)
[ "$(printf '%s\n' "$out" | grep -c .)" -eq 2 ] && echo "ok: two problems, two lines" || fail "two problems: $out"

# ---- the prebuilt-image route: deploy/prebuilt/Dockerrun.aws.json -------------------------------
dockerrun="$src/deploy/prebuilt/Dockerrun.aws.json"
expose=$(sed -nE 's/^EXPOSE[[:space:]]+([0-9]+).*/\1/p' "$src/Dockerfile")
if port=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert str(d["AWSEBDockerrunVersion"]) == "1", "not version 1"
assert d["Image"]["Name"], "no image"
ports = d["Ports"]
assert len(ports) == 1, "one port"
print(int(ports[0]["ContainerPort"]))' "$dockerrun"); then
  [ "$port" = "$expose" ] && echo "ok: Dockerrun.aws.json parses, version 1, ContainerPort $port = EXPOSE" ||
    fail "Dockerrun.aws.json ContainerPort $port, Dockerfile EXPOSE $expose"
else
  fail "Dockerrun.aws.json does not parse as a version 1 file with one port"
fi

# A prebuilt bundle: Dockerrun.aws.json beside the kit, no Dockerfile. With the placeholder image
# that is its one problem; with an image named it passes.
d="$tmp/prebuilt"
mkdir -p "$d"
cp -r "$src/.ebextensions" "$src/.platform" "$src/cron.yaml" "$dockerrun" "$d/"
sed -i "s|^    # WorkerQueueURL: https://.*|    WorkerQueueURL: $queue_url|" "$d/.ebextensions/01-sqsd.config"
expect "prebuilt bundle with the placeholder image" "$d" '^Dockerrun.aws.json Image .* is the placeholder'
sed -i 's|ACCOUNT.dkr.ecr.REGION.amazonaws.com/ebworker:TAG|111122223333.dkr.ecr.eu-west-1.amazonaws.com/ebworker:1.0|' "$d/Dockerrun.aws.json"
out=$(bash "$check" "$d" 2>/dev/null) && echo "ok: prebuilt bundle with an image passes" || fail "prebuilt bundle: $out"
sed -i 's|"ContainerPort": "5000"|"ContainerPort": "8080"|' "$d/Dockerrun.aws.json"
expect "prebuilt bundle, ContainerPort differs from PORT" "$d" '^Dockerrun.aws.json ContainerPort 8080 differs from PORT 5000'

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all eb_check cases pass"
