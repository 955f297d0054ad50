#!/usr/bin/env bash
# Checks an Elastic Beanstalk worker bundle before it is uploaded (docs/deployment.md, "3a. Elastic
# Beanstalk"). Prints one line per problem on stdout and exits 1 if there is any, 0 if
# none; notes (a check that could not run) go to stderr and do not fail.
#
#   scripts/eb_check.sh [DIR]        DIR: the bundle's root (default: this repository's root)
#
# Checks:
#   - WorkerQueueURL is set (not commented out, not the example's placeholder) in .ebextensions.
#     The repository's own kit ships it commented out on purpose: every user must name their own
#     queue, so run on the unedited kit this reports exactly that one problem. Set it in the
#     bundle (the guide's steps do) and the check passes. (Set only in the console instead? Then this line is expected.)
#   - cron.yaml is valid, by `ebworker cron check` with the binary in $EBWORKER_BINARY or the
#     first build*/ebworker found under DIR or this repository; with no binary it is skipped
#     (a note). The binary must register the jobs cron.yaml names.
#   - nginx's proxy_read_timeout and proxy_send_timeout (.platform/nginx/conf.d/*.conf) are at
#     least InactivityTimeout (AWS's default 299 s when unset); nginx's own default is 60 s.
#   - The timeouts that follow InactivityTimeout (docs/deployment.md, "Timeouts from one setting")
#     agree with it: VisibilityTimeout (AWS's default 300 s) above it, EBWORKER_JOB_TIME_BUDGET
#     (the worker's default 600 s) below it, EBWORKER_CONNECTION_TIMEOUT (43200 s) above it; and
#     EBWORKER_SHUTDOWN_TIMEOUT (30 s) below Docker's 10 s stop grace on Beanstalk.
#   - HttpConnections (AWS's default 50) equals EBWORKER_JOB_THREADS (the worker's default 50).
#     Values set in the console override the bundle's and cannot be checked here.
#   - No secret in any file of the bundle (everything under DIR but .git, build*/ directories and
#     node_modules/, as .dockerignore leaves out): SECRET_KEY_BASE or SECRET_KEY_BASE_PREVIOUS
#     assigned a literal value (16 characters or more; "$secret" is a reference, not a value),
#     an AWS secret access key (40 characters after aws_secret_access_key or
#     AWS_SECRET_ACCESS_KEY or SecretAccessKey), an access key id (AKIA/ASIA + 16). AWS's
#     documentation examples (…EXAMPLE…) and lines marked "eb_check: not a secret" (test
#     fixtures) are allowed.
#   - Dockerrun.aws.json (the prebuilt-image route), when present, names an image other than
#     deploy/prebuilt's placeholder (ACCOUNT.dkr.ecr.REGION.amazonaws.com/ebworker:TAG).
#   - The Dockerfile's EXPOSE equals its ENV PORT (nginx proxies to the EXPOSEd port, the worker
#     listens on PORT), and equals PORT in .ebextensions and Dockerrun.aws.json's ContainerPort
#     when those are set.
#
# Reads the `Name: value` form of option_settings (the one this kit uses).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$here}
[ -d "$dir" ] || { echo "eb_check: no such directory: $dir" >&2; exit 2; }
dir=$(cd "$dir" && pwd)

problems=0
problem() { echo "$*"; problems=$((problems + 1)); }
note() { echo "note: $*" >&2; }

shopt -s nullglob
configs=("$dir"/.ebextensions/*.config)
nginx_confs=("$dir"/.platform/nginx/conf.d/*.conf)

# The value of option NAME in .ebextensions (uncommented `NAME: value`, quotes dropped), or empty.
option() {
  local name=$1
  [ ${#configs[@]} -gt 0 ] || return 0
  sed -nE "s/^[[:space:]]*${name}:[[:space:]]*[\"']?([^\"'#]*[^\"'#[:space:]])[\"']?[[:space:]]*(#.*)?$/\1/p" \
    "${configs[@]}" | tail -n 1
}

# Seconds in an nginx time ("905s", "15m", "905"), or empty if not one.
nginx_seconds() {
  local v=$1
  [[ $v =~ ^([0-9]+)(ms|s|m|h|d)?$ ]] || return 0
  local n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]}
  case $unit in
    ms) echo $((n / 1000)) ;;
    m) echo $((n * 60)) ;;
    h) echo $((n * 3600)) ;;
    d) echo $((n * 86400)) ;;
    *) echo "$n" ;;
  esac
}

# ---- WorkerQueueURL ---------------------------------------------------------------------------
if [ ${#configs[@]} -eq 0 ]; then
  problem ".ebextensions: no *.config files (the worker's sqsd options and environment)"
fi
queue_url=$(option WorkerQueueURL)
if [ -z "$queue_url" ]; then
  problem "WorkerQueueURL is not set in .ebextensions (01-sqsd.config ships it commented out): set it to your queue's URL in the bundle before upload, or Beanstalk makes a queue of its own"
elif [[ ! $queue_url =~ ^https://sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[0-9]{12}/[A-Za-z0-9_-]+$ ]]; then
  problem "WorkerQueueURL \"$queue_url\" is not an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"
elif [[ $queue_url == */123456789012/* ]]; then
  problem "WorkerQueueURL \"$queue_url\" is the example's placeholder account 123456789012: use your queue's URL"
fi

# ---- cron.yaml --------------------------------------------------------------------------------
if [ -f "$dir/cron.yaml" ]; then
  binary=${EBWORKER_BINARY:-}
  if [ -z "$binary" ]; then
    for candidate in "$dir"/build*/ebworker "$here"/build*/ebworker; do
      if [ -x "$candidate" ] && [ -f "$candidate" ]; then binary=$candidate; break; fi
    done
  fi
  if [ -z "$binary" ]; then
    note "cron.yaml not checked: no ebworker binary (set EBWORKER_BINARY, or build one)"
  elif [ ! -x "$binary" ]; then
    problem "EBWORKER_BINARY $binary is not an executable"
  elif ! out=$("$binary" cron check "$dir/cron.yaml" 2>&1); then
    problem "cron.yaml is invalid: $(printf '%s' "$out" | head -n 1)"
  else
    note "cron.yaml checked with $binary"
  fi
fi

# ---- nginx timeouts >= InactivityTimeout -------------------------------------------------------
inactivity=$(option InactivityTimeout)
inactivity=${inactivity:-299}
if [[ ! $inactivity =~ ^[0-9]+$ ]]; then
  problem "InactivityTimeout \"$inactivity\" is not a number of seconds"
  inactivity=0
fi
for directive in proxy_read_timeout proxy_send_timeout; do
  value=""
  if [ ${#nginx_confs[@]} -gt 0 ]; then
    value=$(sed -nE "s/^[[:space:]]*${directive}[[:space:]]+([^;[:space:]]+)[[:space:]]*;.*/\1/p" \
      "${nginx_confs[@]}" | tail -n 1)
  fi
  if [ -z "$value" ]; then
    problem "nginx: $directive is not set in .platform/nginx/conf.d/*.conf (nginx's 60 s default cuts jobs longer than that with 504; InactivityTimeout is ${inactivity} s)"
    continue
  fi
  seconds=$(nginx_seconds "$value")
  if [ -z "$seconds" ]; then
    problem "nginx: $directive \"$value\" is not an nginx time"
  elif [ "$seconds" -lt "$inactivity" ]; then
    problem "nginx: $directive ${value} is less than InactivityTimeout ${inactivity} s: longer jobs get 504 and are retried while running"
  fi
done

# ---- the timeouts that follow InactivityTimeout -----------------------------------------------
# Option NAME's seconds in $seconds (DEFAULT when unset); false, with a problem, if not a number.
seconds_of() {
  seconds=$(option "$1")
  seconds=${seconds:-$2}
  [[ $seconds =~ ^[0-9]+$ ]] && return 0
  problem "$1 \"$seconds\" is not a number of seconds"
  return 1
}
if [ "$inactivity" -gt 0 ]; then
  if seconds_of VisibilityTimeout 300 && [ "$seconds" -le "$inactivity" ]; then
    problem "VisibilityTimeout ${seconds} s is not above InactivityTimeout ${inactivity} s: a second instance gets the message while the first still runs it (the kit's: InactivityTimeout + 60)"
  fi
  if seconds_of EBWORKER_JOB_TIME_BUDGET 600 && [ "$seconds" -ge "$inactivity" ]; then
    problem "EBWORKER_JOB_TIME_BUDGET ${seconds} s is not below InactivityTimeout ${inactivity} s: a continuable job hands itself on after aws-sqsd stopped waiting, and runs again (the kit's: InactivityTimeout x 2/3)"
  fi
  if seconds_of EBWORKER_CONNECTION_TIMEOUT 43200 && [ "$seconds" -le "$inactivity" ]; then
    problem "EBWORKER_CONNECTION_TIMEOUT ${seconds} s is not above InactivityTimeout ${inactivity} s: the worker closes a job's connection before aws-sqsd stops waiting"
  fi
fi
if seconds_of EBWORKER_SHUTDOWN_TIMEOUT 30 && [ "$seconds" -ge 10 ]; then
  problem "EBWORKER_SHUTDOWN_TIMEOUT ${seconds} s is not below Docker's 10 s stop grace on Beanstalk: running jobs are killed before they finish or hand on"
fi

# ---- HttpConnections = EBWORKER_JOB_THREADS -----------------------------------------------------
connections=$(option HttpConnections)
connections=${connections:-50}
threads=$(option EBWORKER_JOB_THREADS)
threads=${threads:-50}
if [ "$connections" != "$threads" ]; then
  problem "HttpConnections ${connections} differs from EBWORKER_JOB_THREADS ${threads}: make them equal (more connections than job threads get 503s, each a receive toward MaxRetries)"
fi

# ---- no secret in any file ----------------------------------------------------------------------
secret_patterns=(
  "SECRET_KEY_BASE(_PREVIOUS)?[\"']?[[:space:]]*[:=][[:space:]]*[\"']?[A-Za-z0-9+/_=-]{16,}"
  "(aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)[\"']?[[:space:]]*[:=][[:space:]]*[\"']?[A-Za-z0-9/+]{40}"
  "(AKIA|ASIA)[0-9A-Z]{16}"
)
grep_args=()
for p in "${secret_patterns[@]}"; do grep_args+=(-e "$p"); done
while IFS= read -r hit; do
  [ -n "$hit" ] || continue
  file=${hit%%:*}
  rest=${hit#*:}
  line=${rest%%:*}
  text=${rest#*:}
  case $text in *EXAMPLE*|*"eb_check: not a secret"*) continue ;; esac
  problem "secret in ${file#"$dir"/}:${line}: a literal key belongs in the environment properties (or Secrets Manager / SSM), never in the bundle"
done < <(find "$dir" \( -name .git -o \( -type d \( -name 'build*' -o -name node_modules \) \) \) -prune -o -type f -print0 |
           xargs -0 -r grep -nIE "${grep_args[@]}" -- 2>/dev/null)

# ---- EXPOSE = PORT --------------------------------------------------------------------------------
env_port=$(option PORT)
dockerrun_port=""
if [ -f "$dir/Dockerrun.aws.json" ]; then
  dockerrun_port=$(sed -nE 's/.*"ContainerPort"[[:space:]]*:[[:space:]]*"?([0-9]+)"?.*/\1/p' "$dir/Dockerrun.aws.json" | head -n 1)
  [ -n "$dockerrun_port" ] || problem "Dockerrun.aws.json names no ContainerPort"
  image=$(sed -nE 's/.*"Name"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p' "$dir/Dockerrun.aws.json" | head -n 1)
  if [ -z "$image" ]; then
    problem "Dockerrun.aws.json names no Image"
  elif [[ $image == ACCOUNT.* || $image == *.REGION.* || $image == *:TAG ]]; then
    problem "Dockerrun.aws.json Image \"$image\" is the placeholder: name your pushed image"
  fi
fi
if [ -f "$dir/Dockerfile" ]; then
  expose=$(sed -nE 's/^EXPOSE[[:space:]]+([0-9]+).*/\1/p' "$dir/Dockerfile" | tail -n 1)
  port=$(sed -nE 's/^ENV[[:space:]]+PORT=([0-9]+).*/\1/p' "$dir/Dockerfile" | tail -n 1)
  port=${port:-5000}
  if [ -z "$expose" ]; then
    problem "Dockerfile has no EXPOSE: nginx proxies to the EXPOSEd port"
  else
    [ "$expose" = "$port" ] ||
      problem "Dockerfile EXPOSE $expose differs from its PORT $port: nginx proxies to $expose, the worker listens on $port (502)"
    [ -z "$env_port" ] || [ "$env_port" = "$expose" ] ||
      problem "PORT $env_port in .ebextensions differs from the Dockerfile's EXPOSE $expose: the worker would listen where nginx does not proxy (502)"
    [ -z "$dockerrun_port" ] || [ "$dockerrun_port" = "$expose" ] ||
      problem "Dockerrun.aws.json ContainerPort $dockerrun_port differs from the Dockerfile's EXPOSE $expose"
  fi
elif [ -n "$dockerrun_port" ] && [ -n "$env_port" ] && [ "$dockerrun_port" != "$env_port" ]; then
  problem "Dockerrun.aws.json ContainerPort $dockerrun_port differs from PORT $env_port in .ebextensions"
elif [ ! -f "$dir/Dockerrun.aws.json" ]; then
  problem "no Dockerfile and no Dockerrun.aws.json: the Docker platform has nothing to run"
fi

if [ "$problems" -gt 0 ]; then
  echo "$problems problem(s) in $dir" >&2
  exit 1
fi
echo "ok: $dir" >&2
exit 0
