#!/usr/bin/env python3
"""Writes the shell blocks of a guide marked as steps (```sh step) as one script, in order.

  guide_steps.py GUIDE.md... > steps.sh

A command (continuation lines joined) that this machine cannot run against a local AWS is
replaced by a line saying so and why; a stand-in runs before a command whose resource the local
AWS does not make; a command that the local AWS mishandles as written gets arguments added. The
lists are below, and a rule that matches no command fails, so a list never outlives the guide.
"""
import re
import sys

# (what a command contains, why it is not run here)
NOT_RUN = [
    ("docker ", "no Docker daemon or registry here; deploy.container_build builds the image's steps"),
    ("kubectl ", "no Kubernetes cluster here; the manifests the steps write are checked against the stacks below"),
    ("aws eks update-kubeconfig", "moto's CloudFormation makes no EKS cluster to describe"),
    ("aws elasticbeanstalk restart-app-server",
     "moto's CloudFormation skips AWS::ElasticBeanstalk::*: there is no environment to restart"),
]
# (what a command contains, what runs before it, why)
STAND_INS = [
    ("describe-secret --secret-id ebworker/SECRET_KEY_BASE --query",
     'aws secretsmanager create-secret --name ebworker/SECRET_KEY_BASE '
     '--secret-string "$(od -An -N32 -tx1 /dev/urandom | tr -d \' \\n\')" >/dev/null',
     "moto's CloudFormation skips AWS::SecretsManager::Secret; made as GenerateSecretString would"),
]


# (what a command contains, the arguments added at its end, why)
ADDED = [
    ("ecs.yaml --capabilities CAPABILITY_IAM --parameter-overrides PreviousSecretArn=",
     'SecretArn="$secret_arn" Image="$image" VpcId="$vpc" Subnets="$subnets"',
     "moto 5.2 loses a List parameter's previous value on a stack update (500): all are given again"),
]


def commands(block):
    """The block's commands, continued lines joined (a trailing backslash, pipe or &&), each
    with its physical lines."""
    out, current = [], []
    for line in block.splitlines():
        current.append(line)
        if not line.rstrip().endswith(("\\", "|", "&&")):
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def main():
    script = ["set -euo pipefail", "trap 'echo \"guide step failed: $BASH_COMMAND\" >&2' ERR"]
    used = set()
    count = 0
    for path in sys.argv[1:]:
        text = open(path, encoding="utf-8").read()
        for match in re.finditer(r"^```sh step\n(.*?)^```", text, re.S | re.M):
            count += 1
            script.append(f"echo '== {path}, step block {count}'")
            for lines in commands(match.group(1)):
                joined = " ".join(l.rstrip("\\").strip() for l in lines)
                skipped = next(((p, why) for p, why in NOT_RUN if p in joined), None)
                if skipped:
                    used.add(skipped[0])
                    shown = joined if len(joined) <= 70 else joined[:67] + "..."
                    script.append("echo " + shlex_quote(f"not run here ({skipped[1]}): {shown}"))
                    continue
                for pattern, before, why in STAND_INS:
                    if pattern in joined:
                        used.add(pattern)
                        script.append("echo " + shlex_quote(f"stand-in: {why}"))
                        script.append(before)
                added = next(((p, args, why) for p, args, why in ADDED if p in joined), None)
                if added:
                    used.add(added[0])
                    script.append("echo " + shlex_quote(f"added here: {added[1]} ({added[2]})"))
                    lines = lines[:-1] + [lines[-1] + " " + added[1]]
                script.extend(lines)
    if count == 0:
        sys.exit("guide_steps: no ```sh step block in " + " ".join(sys.argv[1:]))
    stale = [p for p, _ in NOT_RUN if p not in used] + [p for p, _, _ in STAND_INS + ADDED if p not in used]
    if stale:
        sys.exit("guide_steps: rules that match no command of the guide: " + ", ".join(stale))
    print("\n".join(script))


def shlex_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


if __name__ == "__main__":
    main()
