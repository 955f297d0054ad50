#!/usr/bin/env bash
# The CloudFormation templates under deploy/cloudformation/:
#   1. cfn-lint passes on each (AWS's own resource schemas);
#   2. each is deployed into a local moto_server with `aws cloudformation deploy`, base.yaml first,
#      the route stacks with what they take from it; every role a stack makes has its policies,
#      and the ones it finds by name in the base stack exist (a renamed policy fails here);
#   3. the worker and `ebworker sqsd` run a signed job through the queue the base stack created,
#      with the secret from Secrets Manager and the leader lease in the stack's table.
# What moto does not emulate, and so is not checked here beyond cfn-lint:
#   - AWS::SecretsManager::Secret, AWS::ElasticBeanstalk::*, AWS::ApplicationAutoScaling::*,
#     AWS::EKS::*: moto's CloudFormation skips these types; the test makes the secret itself
#     (secretsmanager create-secret, the template's name) as the template would;
#   - the table's TimeToLiveSpecification, a role's ManagedPolicyArns, a task definition's
#     NetworkMode and a service's LaunchType (moto's CloudFormation ignores them): the policies a
#     route stack attaches are checked by name against base.yaml's and the deployed base stack's;
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

# ---- 2. deploy into moto ---------------------------------------------------------------------
local_aws_start "$tmp" || exit 1

deploy() {  # deploy STACK TEMPLATE [KEY=VALUE...]
  local stack=$1 template=$2
  shift 2
  if aws cloudformation deploy --stack-name "$stack" --template-file "$src/deploy/cloudformation/$template" \
       --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset \
       ${1:+--parameter-overrides "$@"} >"$tmp/deploy-$stack.log" 2>&1; then
    echo "ok: $template deployed as $stack"
  else
    fail "$template: $(cat "$tmp/deploy-$stack.log")"
    return 1
  fi
}

# The route stacks find base.yaml's policies by name (policy/${BaseStack}-NAME): each name one of
# them uses must be a ManagedPolicyName of base.yaml, and exist in the deployed base stack.
policy_names=$(grep -ho 'policy/${BaseStack}-[a-z-]*' "$src"/deploy/cloudformation/*.yaml | sed 's|.*}-||' | sort -u)
[ -n "$policy_names" ] || fail "no route stack names a policy of base.yaml"

deploy ebworker base.yaml || exit 1
queue_url=$(stack_resource ebworker Queue)
dead_letter_url=$(stack_resource ebworker DeadLetterQueue)
table=$(stack_resource ebworker LeaseTable)
for name in $policy_names; do
  grep -q "ManagedPolicyName: !Sub \${AWS::StackName}-$name\$" "$src/deploy/cloudformation/base.yaml" ||
    fail "a route stack uses policy/\${BaseStack}-$name, which base.yaml does not name"
  aws iam get-policy --policy-arn "arn:aws:iam::123456789012:policy/ebworker-$name" >/dev/null ||
    fail "the base stack made no policy ebworker-$name"
done
echo "base stack: queue $queue_url, dead letters $dead_letter_url, table $table"

redrive=$(aws sqs get-queue-attributes --queue-url "$queue_url" --attribute-names RedrivePolicy \
            --query Attributes.RedrivePolicy --output text)
dead_letter_arn=$(aws sqs get-queue-attributes --queue-url "$dead_letter_url" --attribute-names QueueArn \
                    --query Attributes.QueueArn --output text)
case $redrive in
  *"$dead_letter_arn"*'"maxReceiveCount": 10'*) echo "ok: the queue's redrive: $redrive" ;;
  *) fail "the queue's redrive policy is \"$redrive\", expected $dead_letter_arn after 10 receives" ;;
esac

# Not made by moto (above): made as the template's GenerateSecretString would.
secret_value=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
secret_arn=$(aws secretsmanager create-secret --name ebworker/SECRET_KEY_BASE --secret-string "$secret_value" \
               --query ARN --output text) || { fail "create-secret"; exit 1; }

vpc=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
subnets=$(aws ec2 describe-subnets --filters "Name=vpc-id,Values=$vpc" --query 'Subnets[:2].SubnetId' --output text | tr '\t' ,)
image=123456789012.dkr.ecr.us-east-1.amazonaws.com/ebworker:1.0

if deploy ebworker-ecs ecs.yaml SecretArn="$secret_arn" Image="$image" VpcId="$vpc" Subnets="$subnets"; then
  aws ecs describe-task-definition --task-definition ebworker-ecs --query taskDefinition >"$tmp/task.json"
  python3 - "$tmp/task.json" "$queue_url" "$secret_arn" "$table" <<'PY' || fail "ecs.yaml's task definition"
import json, sys
task, queue_url, secret_arn, table = json.load(open(sys.argv[1])), *sys.argv[2:]
containers = {c["name"]: c for c in task["containerDefinitions"]}
env = {c: {e["name"]: e["value"] for e in containers[c].get("environment", [])} for c in containers}
problems = []
for name, got, want in [
    ("worker EBWORKER_QUEUE_URL", env["worker"].get("EBWORKER_QUEUE_URL"), queue_url),
    ("sqsd EBWORKER_SQSD_QUEUE_URL", env["sqsd"].get("EBWORKER_SQSD_QUEUE_URL"), queue_url),
    ("worker EBWORKER_LOCK_TABLE", env["worker"].get("EBWORKER_LOCK_TABLE"), table),
    ("sqsd --leader", containers["sqsd"]["command"][-1], "dynamodb:" + table),
    ("worker SECRET_KEY_BASE", [s["valueFrom"] for s in containers["worker"].get("secrets", [])], [secret_arn]),
]:
    if got != want:
        problems.append(f"{name}: {got!r}, expected {want!r}")
print("\n".join(problems) or "ok: the ECS task names the base stack's queue, table and secret")
sys.exit(1 if problems else 0)
PY
  cluster=$(stack_resource ebworker-ecs Cluster)
  aws logs describe-log-groups --log-group-name-prefix /ecs/ebworker-ecs --query 'logGroups[0].logGroupName' \
    --output text | grep -qx /ecs/ebworker-ecs || fail "ecs.yaml: no log group /ecs/ebworker-ecs"
  service=$(aws ecs describe-services --cluster "$cluster" --services ebworker-ecs --query 'services[0].status' --output text)
  [ "$service" = ACTIVE ] || fail "ecs.yaml's service: $service"
fi

if deploy ebworker-beanstalk beanstalk.yaml SecretArn="$secret_arn" \
     SolutionStackName="$(aws elasticbeanstalk list-available-solution-stacks --output text \
       --query "SolutionStacks[?contains(@, 'Amazon Linux 2023') && ends_with(@, 'running Docker')] | [0]")" \
     BundleBucket=ebworker-bundles WorkerBundleKey=worker.zip; then
  role=$(stack_resource ebworker-beanstalk WorkerInstanceRole)
  profile=$(stack_resource ebworker-beanstalk WorkerInstanceProfile)
  aws iam get-instance-profile --instance-profile-name "$profile" --query 'InstanceProfile.Roles[].RoleName' \
    --output text | grep -qx "$role" || fail "beanstalk.yaml: $profile does not hold $role"
fi

if deploy ebworker-eks eks.yaml ClusterName=ebworker; then
  stack_resource ebworker-eks WorkerRole >/dev/null && stack_resource ebworker-eks KedaRole >/dev/null ||
    fail "eks.yaml made no worker or KEDA role"
fi

# ---- 3. a signed job through the stack's queue -------------------------------------------------
secret=$(aws secretsmanager get-secret-value --secret-id "$secret_arn" --query SecretString --output text)
queue_roundtrip "$binary" "$queue_url" "$table" "$secret" "$tmp" || fail "the job through the stack's queue"

if [ "$failures" -ne 0 ]; then
  echo "--- moto_server:"; tail -40 "$tmp/moto.log"
  echo "cloudformation: $failures failure(s)"
  exit 1
fi
echo "cloudformation: every template linted, deployed, and a job ran through the stack's queue"
