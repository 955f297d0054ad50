# ebworker on Elastic Beanstalk's Docker platform (Docker running on 64bit Amazon Linux 2023).
# Beanstalk builds this image on each instance, runs it, and its nginx proxies port 80 to the port
# EXPOSEd below; aws-sqsd posts jobs to that nginx. To ship your own app, replace jobs/ (or point
# the build at your own CMake project; see docs/deployment.md, "Use ebworker in your own CMake
# project").
#
# The build's real steps are in scripts/container_build.sh; this file only copies the tree, calls
# it, and copies what it installed. deploy.container_build runs this file's steps on Debian 12
# without a Docker engine (tests/deploy/dockerfile_steps.py interprets each instruction, and
# refuses one it does not know), so the two cannot drift apart.

# ---- build: compile the binary (Release, no tests) -------------------------------------------
# The base images come from Amazon ECR Public's mirror of Docker's Debian image: each instance
# pulls them, and ECR Public has no anonymous pull limit like Docker Hub's.
FROM public.ecr.aws/debian/debian:12 AS build
WORKDIR /src
COPY . .
# Through bash: a bundle zipped without execute bits still builds.
RUN bash ./scripts/container_build.sh /opt/ebworker /tmp/ebworker-build

# ---- runtime: the binary, its shared libraries, nothing else ---------------------------------
FROM public.ecr.aws/debian/debian:12-slim
# runtime-packages lists the Debian packages holding the libraries the binary links (written
# by the build stage); ca-certificates is for HTTPS to SQS (`ebworker enqueue`, `ebworker sqsd`).
COPY --from=build /opt/ebworker/share/ebworker/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages

# A user of its own: the worker never runs as root.
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin ebworker
WORKDIR /app
COPY --from=build /opt/ebworker/bin/ebworker /app/ebworker
# ./cron.yaml is found from the working directory (EBWORKER_CRON_FILE's default).
COPY --from=build /src/cron.yaml /app/cron.yaml
USER ebworker

# The port Beanstalk's nginx proxies to (it reads EXPOSE); keep PORT and EXPOSE equal.
ENV PORT=5000
# Inside a container the worker must listen on every interface: nginx runs on the host and
# reaches the container through the Docker bridge.
ENV EBWORKER_BIND=0.0.0.0
# The source check. Requests from nginx arrive from the Docker bridge gateway, not loopback, so
# the worker must trust that address or it answers 403 to every job. "gateway" means this
# container's default gateway: read from the kernel's routing table (/proc/net/route) at
# start-up, trusted as that one address only, and logged ("trusting the default gateway …").
# It is right whichever bridge Docker picked (172.17.0.1 usually, another one when the VPC
# overlaps 172.17.0.0/16). Explicit addresses or CIDR ranges can be set instead, or added
# ("gateway, 10.0.0.0/16"), in the environment's properties.
ENV EBWORKER_TRUSTED_SOURCES=gateway
# Job processing, the secret and the rest come from the environment properties
# (.ebextensions/02-environment.config, and SECRET_KEY_BASE from the console).
EXPOSE 5000

# Open files: a Dockerfile cannot set nofile; Docker gives a container a hard limit far above what
# the worker needs even where the soft one is 1024. The worker raises its soft limit to the hard
# one (at most 65536) and keeps EBWORKER_MAX_CONNECTIONS a quarter below it, logging a lowered
# cap at start-up (docs/configuration.md).

# serve answers SIGTERM by finishing running jobs (EBWORKER_SHUTDOWN_TIMEOUT) and exiting 0.
CMD ["/app/ebworker", "serve"]
