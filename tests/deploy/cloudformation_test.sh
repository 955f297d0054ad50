#!/usr/bin/env bash
# The CloudFormation templates under deploy/cloudformation/:
#   1. cfn-lint passes on each (AWS's own resource schemas);
#   2. docs/deployment.md's blocks marked as steps (```sh step) run in order, in one shell, in a
#      snapshot of this tree (a git repository, as a user's checkout), against a local moto_server:
#      they deploy every template with `aws cloudformation deploy`, enqueue the first job (with
#      credentials from a profile's credential_process, as on a developer's machine) and rotate
#      the secret (the old key becomes SECRET_KEY_BASE_PREVIOUS, a new one is put); what
#      cannot run here is named with its reason as it is passed over (tests/deploy/guide_steps.py
#      lists it). Then what the stacks made is read back: the queue's redrive, the ECS task's
#      queue, table and secret, the log group, the service, the instance profile, the EKS roles,
#      the Kubernetes manifests the steps wrote; the policies the route stacks attach by name are
#      base.yaml's and exist;
#   3. the worker and `ebworker sqsd` run the guide's job (signed before the rotation, so with the
#      previous key) and a signed job of the test's own (the new key) through the queue the base
#      stack created, with both keys from Secrets Manager and the leader lease in the stack's table.
# What moto does not emulate, and so is not checked here beyond cfn-lint:
#   - AWS::SecretsManager::Secret, AWS::ElasticBeanstalk::*, AWS::ApplicationAutoScaling::*,
#     AWS::EKS::*: moto's CloudFormation skips these types; the test makes the secret itself
#     (secretsmanager create-secret, the template's name) as the template would;
#     ecs.yaml's task definition, scalable target and scaling policy, resolved with the deployed
#     stack's names (stack_requests.py), are registered through the CLI instead, the policy on the
#     stack's service;
#   - the table's TimeToLiveSpecification, a role's ManagedPolicyArns, a task definition's
#     NetworkMode and a service's LaunchType (moto's CloudFormation ignores them): the policies a
#     route stack attaches are checked by name against base.yaml's and the deployed base stack's
#     (deploy.DeployRecipes.Iam* checks who holds which), the task as registered through the CLI;
#   - running the ECS service's tasks, the Beanstalk environments and the EKS pods (no
#     containers here): the job runs on the test's own worker and daemon instead.
# The tools (cfn-lint, aws, moto_server) are on the developers' and CI's machines; where one is
# missing the test says so in one line and skips only the part that needs it (77: all skipped).
#   cloudformation_test.sh SOURCE_DIR EBWORKER_BINARY
set -uo pipefail
src=$1
binary=$2
templates=("$src"/deploy/cloudformation/*.yaml)
tmp=$(mktemp -d)
# shellcheck source=local_aws.sh
. "$(dirname "$0")/local_aws.sh"
trap 'local_aws_stop; rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ran=0

# ---- 1. cfn-lint -----------------------------------------------------------------------------
if command -v cfn-lint >/dev/null 2>&1; then
  ran=1
  if cfn-lint "${templates[@]}"; then
    echo "ok: cfn-lint $(cfn-lint --version 2>&1) on ${#templates[@]} templates"
  else
    fail "cfn-lint"
  fi
else
  echo "skipped: cfn-lint is not installed, the templates are not linted"
fi

if ! command -v aws >/dev/null 2>&1 || ! command -v moto_server >/dev/null 2>&1; then
  echo "skipped: aws or moto_server is not installed, the templates are not deployed"
  [ "$ran" -eq 1 ] || exit 77
  [ "$failures" -eq 0 ] || exit 1
  exit 0
fi

# ---- 2. the guide's steps against moto -------------------------------------------------------
local_aws_start "$tmp" || exit 1

# The route stacks find base.yaml's policies by name (policy/${BaseStack}-NAME): each name one of
# them uses must be a ManagedPolicyName of base.yaml, and exist in the deployed base stack.
policy_names=$(grep -ho 'policy/${BaseStack}-[a-z-]*' "$src"/deploy/cloudformation/*.yaml | sed 's|.*}-||' | sort -u)
[ -n "$policy_names" ] || fail "no route stack names a policy of base.yaml"

# A snapshot of the tree as a git repository: the steps use `git archive HEAD`, and write files.
repo="$tmp/repo"
mkdir -p "$repo/build"
(cd "$src" && git ls-files -co --exclude-standard -z | tar -c --null -T - 2>/dev/null) | tar -x -C "$repo" ||
  { fail "could not copy the tree"; exit 1; }
ln -s "$binary" "$repo/build/ebworker"
(cd "$repo" && git init -q && git add -A && git -c user.name=test -c user.email=test@localhost commit -qm snapshot) ||
  { fail "could not snapshot the tree"; exit 1; }

python3 "$(dirname "$0")/guide_steps.py" "$src/docs/deployment.md" >"$tmp/steps.sh" || { fail "guide_steps.py"; exit 1; }
cat >>"$tmp/steps.sh" <<'STATE'
declare -p AWS_DEFAULT_REGION queue_url secret_arn previous_arn image >"$STEPS_STATE"
STATE
# The steps run as from a developer's machine: no keys in the environment, a profile whose
# credential_process prints them, for the AWS CLI and for `ebworker enqueue` alike.
cat >>"$AWS_CONFIG_FILE" <<'PROFILE'
[profile laptop]
credential_process = printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}' AKIDLOCALTEST local-test-key
PROFILE
if (cd "$repo" && unset AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY &&
    AWS_PROFILE=laptop STEPS_STATE="$tmp/state" EBWORKER_BINARY="$binary" bash "$tmp/steps.sh") \
     >"$tmp/steps.log" 2>&1; then
  cat "$tmp/steps.log"
  echo "ok: the guide's steps ran"
else
  cat "$tmp/steps.log"
  fail "the guide's steps"
  exit 1
fi
# shellcheck disable=SC1091
. "$tmp/state"
export AWS_REGION=$AWS_DEFAULT_REGION

queue_url_of_stack=$(stack_resource ebworker Queue)
[ "$queue_url_of_stack" = "$queue_url" ] || fail "the guide's queue_url $queue_url is not the stack's $queue_url_of_stack"
dead_letter_url=$(stack_resource ebworker DeadLetterQueue)
table=$(stack_resource ebworker LeaseTable)
echo "base stack: queue $queue_url, dead letters $dead_letter_url, table $table"
for name in $policy_names; do
  grep -q "ManagedPolicyName: !Sub \${AWS::StackName}-$name\$" "$src/deploy/cloudformation/base.yaml" ||
    fail "a route stack uses policy/\${BaseStack}-$name, which base.yaml does not name"
  aws iam get-policy --policy-arn "arn:aws:iam::$LOCAL_AWS_ACCOUNT:policy/ebworker-$name" >/dev/null ||
    fail "the base stack made no policy ebworker-$name"
done

redrive=$(aws sqs get-queue-attributes --queue-url "$queue_url" --attribute-names RedrivePolicy \
            --query Attributes.RedrivePolicy --output text)
dead_letter_arn=$(aws sqs get-queue-attributes --queue-url "$dead_letter_url" --attribute-names QueueArn \
                    --query Attributes.QueueArn --output text)
case $redrive in
  *"$dead_letter_arn"*'"maxReceiveCount": 10'*) echo "ok: the queue's redrive: $redrive" ;;
  *) fail "the queue's redrive policy is \"$redrive\", expected $dead_letter_arn after 10 receives" ;;
esac

# ecs.yaml's task definition and scaling, resolved with the deployed stack's parameters, names
# and ARNs (tests/deploy/stack_requests.py), go through the CLI's request validation and into
# moto: its CloudFormation ignores some of the task's properties, loses them on an update and
# skips Application Auto Scaling. The task must name the base stack's queue, table and secret
# (and, after the guide's rotation steps, the previous key's), the scaling policy target the
# stack's own service.
if stack_resource ebworker-ecs TaskDefinition >/dev/null; then
  mkdir -p "$tmp/ecs"
  if python3 "$(dirname "$0")/stack_requests.py" "$src/deploy/cloudformation/ecs.yaml" ebworker-ecs "$tmp/ecs" &&
     aws ecs register-task-definition --cli-input-json "file://$tmp/ecs/task-definition.json" >"$tmp/ecs/registered.json" &&
     aws application-autoscaling register-scalable-target --cli-input-json "file://$tmp/ecs/scalable-target.json" >/dev/null &&
     aws application-autoscaling put-scaling-policy --cli-input-json "file://$tmp/ecs/scaling-policy.json" >/dev/null; then
    python3 - "$tmp/ecs/registered.json" "$queue_url" "$secret_arn" "$previous_arn" "$table" <<'PY' ||
import json, sys
task = json.load(open(sys.argv[1]))["taskDefinition"]
queue_url, secret_arn, previous_arn, table = sys.argv[2:]
containers = {c["name"]: c for c in task["containerDefinitions"]}
env = {c: {e["name"]: e["value"] for e in containers[c].get("environment", [])} for c in containers}
secrets = {s["name"]: s["valueFrom"] for s in containers["worker"].get("secrets", [])}
problems = []
for name, got, want in [
    ("networkMode", task.get("networkMode"), "awsvpc"),
    ("requiresCompatibilities", task.get("requiresCompatibilities"), ["FARGATE"]),
    ("containers", sorted(containers), ["worker"]),
    ("worker EBWORKER_QUEUE_URL", env["worker"].get("EBWORKER_QUEUE_URL"), queue_url),
    ("worker EBWORKER_SQSD_QUEUE_URL", env["worker"].get("EBWORKER_SQSD_QUEUE_URL"), queue_url),
    ("worker EBWORKER_LOCK_TABLE", env["worker"].get("EBWORKER_LOCK_TABLE"), table),
    ("worker --leader", containers["worker"]["command"][-1], "dynamodb:" + table),
    ("worker secrets", secrets, {"SECRET_KEY_BASE": secret_arn, "SECRET_KEY_BASE_PREVIOUS": previous_arn}),
]:
    if got != want:
        problems.append(f"{name}: {got!r}, expected {want!r}")
print("\n".join(problems) or "ok: the ECS task (awsvpc, Fargate) names the base stack's queue, table, secret and the previous key")
sys.exit(1 if problems else 0)
PY
      fail "ecs.yaml's task definition"
    resource=$(aws application-autoscaling describe-scaling-policies --service-namespace ecs \
                 --query "ScalingPolicies[?PolicyName=='ebworker-ecs-backlog-per-task'].ResourceId | [0]" --output text)
    service_name=${resource##*/} cluster_name=${resource#service/}; cluster_name=${cluster_name%%/*}
    status=$(aws ecs describe-services --cluster "$cluster_name" --services "$service_name" \
               --query 'services[0].status' --output text 2>&1)
    if [ "$status" = ACTIVE ]; then
      echo "ok: ecs.yaml's scaling registered on $resource, the stack's service"
    else
      fail "ecs.yaml's scaling policy targets $resource, which is not the stack's service ($status)"
    fi
  else
    fail "ecs.yaml's task definition or scaling did not register"
    cat "$tmp"/ecs/*.json
  fi
  aws logs describe-log-groups --log-group-name-prefix /ecs/ebworker-ecs --query 'logGroups[0].logGroupName' \
    --output text | grep -qx /ecs/ebworker-ecs || fail "ecs.yaml: no log group /ecs/ebworker-ecs"
fi


if stack_resource ebworker-beanstalk WorkerInstanceRole >/dev/null; then
  role=$(stack_resource ebworker-beanstalk WorkerInstanceRole)
  profile=$(stack_resource ebworker-beanstalk WorkerInstanceProfile)
  aws iam get-instance-profile --instance-profile-name "$profile" --query 'InstanceProfile.Roles[].RoleName' \
    --output text | grep -qx "$role" || fail "beanstalk.yaml: $profile does not hold $role"
fi

stack_resource ebworker-eks WorkerRole >/dev/null && stack_resource ebworker-eks KedaRole >/dev/null ||
  fail "eks.yaml made no worker or KEDA role"

# The manifests the steps wrote: no placeholder left, the base stack's queue, table and region.
for f in deployment keda; do
  if grep -v '^ *#' "$repo/$f.yaml" | grep -nwE 'ACCOUNT|REGION|TAG'; then
    fail "the guide's $f.yaml keeps a placeholder (above)"
  fi
  grep -qF "$queue_url" "$repo/$f.yaml" || fail "the guide's $f.yaml does not name $queue_url"
done
grep -qF "dynamodb:$table" "$repo/deployment.yaml" || fail "deployment.yaml's leader table is not $table"
grep -qF "$image" "$repo/deployment.yaml" || fail "deployment.yaml does not run $image"


# ---- 3. jobs through the stack's queue ---------------------------------------------------------
# The worker as the ECS task has it after the guide's rotation steps: the new key, and the old
# one, with which the guide's first job was signed, as SECRET_KEY_BASE_PREVIOUS.
secret=$(aws secretsmanager get-secret-value --secret-id "$secret_arn" --query SecretString --output text)
SECRET_KEY_BASE_PREVIOUS=$(aws secretsmanager get-secret-value --secret-id "$previous_arn" --query SecretString --output text)
export SECRET_KEY_BASE_PREVIOUS
queue_roundtrip "$binary" "$queue_url" "$table" "$secret" "$tmp" || fail "the job through the stack's queue"
grep -qxF '["hello"]' "$tmp/echo.out" ||
  fail "the guide's first job (EchoJob [\"hello\"]), signed with the key before the rotation, did not run"

if [ "$failures" -ne 0 ]; then
  echo "--- moto_server:"; tail -40 "$tmp/moto.log"
  echo "cloudformation: $failures failure(s)"
  exit 1
fi
echo "cloudformation: every template linted, the guide's steps deployed them, and its job and ours ran through the stack's queue"
