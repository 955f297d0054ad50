#!/usr/bin/env python3
"""Writes the Dockerfile's steps as one shell script that runs them here, without Docker.

  dockerfile_steps.py DOCKERFILE CONTEXT SANDBOX > steps.sh

Each stage gets a root directory, SANDBOX/STAGE, standing for the image's /: WORKDIR, COPY
(from the build context, .dockerignore applied, or --from another stage) and ENV act on it as
Docker would, and a RUN of the build stage runs here with its absolute paths moved under the
stage's root. So scripts/container_build.sh runs exactly as the build stage calls it, and the
runtime stage copies what it produced from where the Dockerfile says: a script that installs
elsewhere, or a Dockerfile that copies a file the script no longer writes, fails the test.

A RUN that needs root (the runtime stage's apt-get and useradd) is not run; a check stands in
for it, listed below with the reason. A rule that matches no RUN fails, and so does an
instruction this script does not know, so neither list outlives the Dockerfile.

The script ends with the final stage's state for the caller: image_workdir (its WORKDIR, mapped)
and image_cmd (its CMD, the program mapped); its ENV lines are exported.
"""
import fnmatch
import json
import re
import shlex
import subprocess
import sys

# (what a RUN contains, why it is not run here, what runs instead)
NOT_RUN = [
    ("apt-get install", "installs packages as root",
     "every package it names is a Debian package installed here"),
    ("useradd", "adds a system user as root",
     "its --uid is the user deploy/'s ECS task and Kubernetes pod run as"),
]


def instructions(text):
    """(keyword, arguments) per instruction, continuation lines joined, comments dropped."""
    out, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        keyword, _, args = current.strip().partition(" ")
        out.append((keyword.upper(), args.strip()))
        current = ""
    if current:
        sys.exit("dockerfile_steps: the Dockerfile ends inside a continued line")
    return out


def ignored(path, patterns):
    """Whether .dockerignore's patterns leave `path` (relative to the context) out: a pattern
    matches a path or a directory above it, segment by segment (Docker cleans "dir/" to "dir")."""
    parts = path.split("/")
    for pattern in patterns:
        pattern_parts = pattern.strip("/").split("/")
        n = len(pattern_parts)
        if n <= len(parts) and all(fnmatch.fnmatchcase(p, q) for p, q in zip(parts[:n], pattern_parts)):
            return True
    return False


def q(s):
    return shlex.quote(s)


def main():
    dockerfile, context, sandbox = sys.argv[1:4]
    text = open(dockerfile, encoding="utf-8").read()
    try:
        patterns = [l.strip() for l in open(f"{context}/.dockerignore", encoding="utf-8")
                    if l.strip() and not l.strip().startswith("#")]
    except FileNotFoundError:
        patterns = []

    script = ["set -euo pipefail", "trap 'echo \"Dockerfile step failed: $BASH_COMMAND\" >&2' ERR"]
    stages = {}  # name or index → root
    root = workdir = None
    stage_env = {}
    cmd = None
    used = set()

    def mapped(path):
        return root + (path if path.startswith("/") else workdir + "/" + path)

    for keyword, args in instructions(text):
        script.append("echo " + q(f"== {keyword} {args}"))
        if keyword == "FROM":
            words = args.split()
            image = words[0]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            root = f"{sandbox}/{name}"
            stages[name] = root
            workdir, stage_env, cmd = "/", {}, None
            # The steps run on this machine: its Debian release must be the image's.
            m = re.fullmatch(r"(?:.*/)?debian:(\d+)(?:-slim)?", image)
            if not m:
                sys.exit(f"dockerfile_steps: FROM {image}: the test runs the steps on Debian; teach it this image")
            script.append(f". /etc/os-release; [ \"$ID $VERSION_ID\" = {q('debian ' + m.group(1))} ] || "
                          f"{{ echo \"FROM {image}, but the steps run on $PRETTY_NAME\" >&2; exit 1; }}")
            script.append(f"mkdir -p {q(root)}")
        elif keyword == "WORKDIR":
            workdir = args if args.startswith("/") else workdir.rstrip("/") + "/" + args
            script.append(f"mkdir -p {q(root + workdir)}")
        elif keyword == "COPY":
            words = shlex.split(args)
            source_stage = None
            if words[0].startswith("--from="):
                source_stage = words.pop(0)[len("--from="):]
            if any(w.startswith("--") for w in words) or len(words) != 2:
                sys.exit(f"dockerfile_steps: COPY {args}: one source and one destination, --from only")
            source, dest = words
            target = mapped(dest)
            if source_stage is None:
                # From the build context: the tree's files, less what .dockerignore leaves out.
                listing = f"{sandbox}/context-{len(stages)}.list"
                files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z", "--", source],
                                       cwd=context, check=True, capture_output=True).stdout.decode().split("\0")
                with open(listing, "w", encoding="utf-8") as out:
                    out.write("".join(f + "\0" for f in files if f and not ignored(f, patterns)))
                script.append(f"mkdir -p {q(target)}")
                script.append(f"(cd {q(context)} && tar -c --null -T {q(listing)}) | tar -x -C {q(target)}")
            else:
                if source_stage not in stages:
                    sys.exit(f"dockerfile_steps: COPY --from={source_stage}: no such stage before it")
                origin = stages[source_stage] + source
                script.append(f"[ -e {q(origin)} ] || {{ echo {q(f'COPY --from={source_stage}: {source} does not exist in that stage')} >&2; exit 1; }}")
                if dest.endswith("/"):
                    script.append(f"mkdir -p {q(target)}")
                else:
                    script.append(f"mkdir -p \"$(dirname {q(target)})\"")
                script.append(f"cp -a {q(origin)} {q(target)}")
        elif keyword == "RUN":
            rule = next((r for r in NOT_RUN if r[0] in args), None)
            if rule:
                used.add(rule[0])
                script.append("echo " + q(f"not run here ({rule[1]}); instead: {rule[2]}"))
                if rule[0] == "apt-get install":
                    script.extend(apt_get_check(args, mapped))
                if rule[0] == "useradd":
                    script.extend(uid_check(args, context))
                continue
            words = shlex.split(args)
            if any(w in ("&&", "||", "|", ";") or "$" in w for w in words):
                sys.exit(f"dockerfile_steps: RUN {args}: a RUN run here is one simple command")
            words = [mapped(w) if w.startswith("/") else w for w in words]
            env = " ".join(f"{k}={q(v)}" for k, v in stage_env.items())
            script.append(f"(cd {q(root + workdir)} && {('env ' + env + ' ') if env else ''}{shlex.join(words)})")
        elif keyword == "ENV":
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(\S*)", args)
            if not m:
                sys.exit(f"dockerfile_steps: ENV {args}: one NAME=value without spaces")
            stage_env[m.group(1)] = m.group(2)
        elif keyword == "CMD":
            cmd = json.loads(args)
        elif keyword in ("USER", "EXPOSE"):
            pass  # the user is this one; eb_check compares EXPOSE with PORT
        else:
            sys.exit(f"dockerfile_steps: {keyword} is not an instruction this test knows; teach it")

    stale = [r[0] for r in NOT_RUN if r[0] not in used]
    if stale:
        sys.exit("dockerfile_steps: rules that match no RUN of the Dockerfile: " + ", ".join(stale))
    if not cmd or not cmd[0].startswith("/"):
        sys.exit("dockerfile_steps: the final stage has no CMD in exec form with an absolute program")
    for k, v in stage_env.items():
        script.append(f"export {k}={q(v)}")
    script.append(f"image_workdir={q(root + workdir)}")
    script.append("image_cmd=(" + " ".join(q(w) for w in [root + cmd[0]] + cmd[1:]) + ")")
    print("\n".join(script))


def apt_get_check(args, mapped):
    """Every package the apt-get install names (words, or a file's lines through $(cat FILE))."""
    install = args[args.index("apt-get install"):].split("&&")[0]
    lines = []
    for file in re.findall(r"\$\(cat (\S+)\)", install):
        lines.append(f"packages=$(cat {q(mapped(file))})")
        lines.append(f"[ -n \"$packages\" ] || {{ echo {q(file + ' lists no package')} >&2; exit 1; }}")
    words = [w for w in re.sub(r"\$\(cat \S+\)", "", install).split()[2:] if not w.startswith("-")]
    lines.append("for p in " + " ".join(q(w) for w in words) + " ${packages:-}; do")
    lines.append("  dpkg-query -W -f='${Status}' \"$p\" 2>/dev/null | grep -q 'install ok installed' ||")
    lines.append("    { echo \"the runtime stage installs $p, which is not a Debian package installed here\" >&2; exit 1; }")
    lines.append("done")
    lines.append("echo \"runtime packages: $(echo " + " ".join(q(w) for w in words) + " ${packages:-})\"")
    return lines


def uid_check(args, context):
    m = re.search(r"--uid (\d+)", args)
    if not m:
        sys.exit(f"dockerfile_steps: RUN {args}: the image's user has no fixed --uid")
    uid = m.group(1)
    checks = [(f"{context}/deploy/cloudformation/ecs.yaml", f'User: "{uid}"'),
              (f"{context}/deploy/kubernetes/deployment.yaml", f"runAsUser: {uid}")]
    return [f"grep -qF {q(text)} {q(path)} || {{ echo {q(f'the image user has uid {uid}; {path} does not run as it ({text})')} >&2; exit 1; }}"
            for path, text in checks]


if __name__ == "__main__":
    main()
