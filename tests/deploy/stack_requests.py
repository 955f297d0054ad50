#!/usr/bin/env python3
"""Writes the API requests a deployed ECS stack stands for, from its template and the stack itself.

  stack_requests.py TEMPLATE STACK_NAME OUTDIR

Reads the stack's resources and parameters (aws cloudformation describe-stack-resources and
describe-stacks, against whatever endpoint the AWS CLI is given) and resolves the template's
task definition, scalable target and scaling policy with them: Ref and GetAtt as AWS answers them
(names, ARNs), Sub, If on the template's conditions. Writes OUTDIR/task-definition.json,
scalable-target.json and scaling-policy.json, the --cli-input-json of `aws ecs
register-task-definition`, `aws application-autoscaling register-scalable-target` and
`put-scaling-policy`: the template's own resources, checked by the CLI's request validation and
registered where moto's CloudFormation ignores a property or skips the type.
"""
import json
import os
import re
import subprocess
import sys

import yaml

NO_VALUE = object()


def tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix: value}


class Loader(yaml.SafeLoader):
    pass


Loader.add_multi_constructor("!", tagged)


def aws(*args):
    # The AWS CLI 1 ignores AWS_ENDPOINT_URL for some services: pass it on (tests/deploy/local_aws.sh).
    endpoint = ["--endpoint-url", os.environ["AWS_ENDPOINT_URL"]] if os.environ.get("AWS_ENDPOINT_URL") else []
    return json.loads(subprocess.run(["aws", *endpoint, *args, "--output", "json"], check=True,
                                     capture_output=True, text=True).stdout)


class Stack:
    def __init__(self, template, name):
        self.template = template
        self.name = name
        # moto lists the types it skips without ids: those have none to offer.
        self.physical = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in
                         aws("cloudformation", "describe-stack-resources", "--stack-name", name)["StackResources"]
                         if "LogicalResourceId" in r}
        stack = aws("cloudformation", "describe-stacks", "--stack-name", name)["Stacks"][0]
        self.parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}
        self.region = os.environ["AWS_REGION"]
        self.account = aws("sts", "get-caller-identity")["Account"]

    def type_of(self, logical_id):
        return self.template["Resources"][logical_id]["Type"]

    def ref(self, name):
        pseudo = {"AWS::Region": self.region, "AWS::AccountId": self.account, "AWS::Partition": "aws",
                  "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": self.name, "AWS::NoValue": NO_VALUE}
        if name in pseudo:
            return pseudo[name]
        if name in self.template.get("Parameters", {}):
            value = self.parameters.get(name, self.template["Parameters"][name].get("Default"))
            if self.template["Parameters"][name]["Type"].startswith("List<"):
                return value.split(",")
            return str(value)
        if name not in self.physical:
            return name  # a type moto skips (the scalable target): the requests name it otherwise
        physical = self.physical[name]
        # An ECS cluster's Ref is its name; moto may keep its ARN as the physical id.
        if self.type_of(name) == "AWS::ECS::Cluster":
            return physical.rsplit("/", 1)[-1]
        return physical

    def get_att(self, logical_id, attribute):
        kind = self.type_of(logical_id)
        physical = self.physical[logical_id]
        if kind == "AWS::IAM::Role" and attribute == "Arn":
            return f"arn:aws:iam::{self.account}:role/{physical.rsplit('/', 1)[-1]}"
        if kind == "AWS::ECS::Service" and attribute == "Name":
            return physical.rsplit("/", 1)[-1]
        sys.exit(f"stack_requests: GetAtt {logical_id}.{attribute} is not one this script knows")

    def condition(self, node):
        (function, argument), = node.items()
        if function == "Fn::Equals":
            return self.resolve(argument[0]) == self.resolve(argument[1])
        if function == "Fn::Not":
            return not self.condition(argument[0])
        if function == "Condition":
            return self.condition(self.template["Conditions"][argument])
        sys.exit(f"stack_requests: a condition this script cannot evaluate: {node}")

    def resolve(self, node):
        if isinstance(node, dict) and len(node) == 1:
            (function, argument), = node.items()
            if function == "Ref":
                return self.ref(argument)
            if function == "Fn::Sub":
                return re.sub(r"\$\{([^}]+)\}", lambda m: str(
                    self.ref(m.group(1)) if "." not in m.group(1) or m.group(1).startswith("AWS::")
                    else self.get_att(*m.group(1).split(".", 1))), argument)
            if function == "Fn::GetAtt":
                return self.get_att(*(argument if isinstance(argument, list) else argument.split(".", 1)))
            if function == "Fn::FindInMap":
                # A number as text, as a Ref to a parameter gives it (the requests' types are fixed below).
                value = self.template["Mappings"][self.resolve(argument[0])][self.resolve(argument[1])][
                    self.resolve(argument[2])]
                return str(value) if isinstance(value, (int, float)) else value
            if function == "Fn::If":
                return self.resolve(argument[1] if self.condition(self.template["Conditions"][argument[0]])
                                    else argument[2])
            if function.startswith("Fn::"):
                sys.exit(f"stack_requests: {function} is not one this script resolves")
        if isinstance(node, dict):
            return {k: v for k, v in ((k, self.resolve(v)) for k, v in node.items()) if v is not NO_VALUE}
        if isinstance(node, list):
            return [v for v in (self.resolve(item) for item in node) if v is not NO_VALUE]
        return node

    def only(self, kind):
        ids = [k for k, r in self.template["Resources"].items() if r["Type"] == kind]
        if len(ids) != 1:
            sys.exit(f"stack_requests: the template has {len(ids)} resources of type {kind}, not one")
        return ids[0], self.resolve(self.template["Resources"][ids[0]]["Properties"])


def api_keys(node, keep=False):
    """CloudFormation's property names as the ECS API's (NetworkMode → networkMode); the keys of a
    log configuration's Options are the driver's own and stay as they are."""
    if isinstance(node, dict):
        return {(k if keep else k[0].lower() + k[1:]): api_keys(v, keep=(k == "Options")) for k, v in node.items()}
    if isinstance(node, list):
        return [api_keys(item) for item in node]
    return node


def main():
    template_path, name, outdir = sys.argv[1:4]
    template = yaml.load(open(template_path, encoding="utf-8"), Loader=Loader)
    stack = Stack(template, name)

    _, task = stack.only("AWS::ECS::TaskDefinition")
    task = api_keys(task)
    for container in task["containerDefinitions"]:
        for key in ("memory", "cpu", "stopTimeout"):
            if key in container:
                container[key] = int(container[key])
        for limit in container.get("ulimits", []):
            limit["softLimit"], limit["hardLimit"] = int(limit["softLimit"]), int(limit["hardLimit"])
        for key in ("interval", "timeout", "retries", "startPeriod"):
            if key in container.get("healthCheck", {}):
                container["healthCheck"][key] = int(container["healthCheck"][key])

    _, target = stack.only("AWS::ApplicationAutoScaling::ScalableTarget")
    for key in ("MinCapacity", "MaxCapacity"):
        target[key] = int(target[key])

    _, policy = stack.only("AWS::ApplicationAutoScaling::ScalingPolicy")
    # ScalingTargetId names the target; the API takes its three parts instead.
    policy.pop("ScalingTargetId")
    for key in ("ServiceNamespace", "ResourceId", "ScalableDimension"):
        policy[key] = target[key]
    config = policy["TargetTrackingScalingPolicyConfiguration"]
    config["TargetValue"] = float(config["TargetValue"])
    for key in ("ScaleOutCooldown", "ScaleInCooldown"):
        config[key] = int(config[key])
    for metric in config["CustomizedMetricSpecification"]["Metrics"]:
        metric["ReturnData"] = metric["ReturnData"] in (True, "true")

    for file, request in (("task-definition.json", task), ("scalable-target.json", target),
                          ("scaling-policy.json", policy)):
        with open(os.path.join(outdir, file), "w", encoding="utf-8") as out:
            json.dump(request, out, indent=2)


if __name__ == "__main__":
    main()
