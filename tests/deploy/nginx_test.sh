#!/usr/bin/env bash
# The deploy kit's nginx files pass `nginx -t` with Debian's nginx, included inside http {} the
# way the Beanstalk platforms' nginx.conf includes conf.d/*.conf, everything in a temporary prefix.
# The http and server blocks repeat directives the platform's own nginx.conf sets, so a conf.d
# file that sets one of them again fails here as it would on an instance.
# Then nginx runs with the kit's files on a free port and shows that it answers only loopback
# clients: a client in a network namespace of the test's own (a veth pair, 10.x addresses) gets
# 403 from nginx while a loopback client reaches the upstream. That part needs root and
# iproute2; without them the test says so and exits 77 (ctest: skipped).
#   nginx_test.sh SOURCE_DIR
set -euo pipefail
src=$1
nginx=$(command -v nginx || true)
[ -z "$nginx" ] && [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx
[ -n "$nginx" ] || { echo "nginx is not installed: run scripts/setup.sh" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/conf.d" "$tmp/logs"
shopt -s nullglob
confs=("$src"/.platform/nginx/conf.d/*.conf)
[ ${#confs[@]} -gt 0 ] || { echo "no .platform/nginx/conf.d/*.conf" >&2; exit 1; }
cp "${confs[@]}" "$tmp/conf.d/"

cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
worker_processes 1;
events { worker_connections 64; }
http {
  server_tokens off;
  default_type application/octet-stream;
  access_log $tmp/logs/access.log;
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;

  include $tmp/conf.d/*.conf;

  server {
    listen 127.0.0.1:8080 default_server;
    client_header_timeout 60;
    client_body_timeout 60;
    keepalive_timeout 60;
    location / {
      proxy_pass http://127.0.0.1:5000;
      proxy_http_version 1.1;
      proxy_set_header Host \$host;
    }
  }
}
CONF

"$nginx" -t -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf"
# The values nginx will use, as it parsed them.
"$nginx" -T -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf" 2>/dev/null |
  grep -E '^\s*(proxy_read_timeout|proxy_send_timeout|client_max_body_size)' | sort -u

# The kit's nginx accepts loopback clients only (aws-sqsd is local): the directives are there.
for directive in 'allow 127.0.0.1;' 'allow ::1;' 'deny all;'; do
  "$nginx" -T -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf" 2>/dev/null |
    sed -E 's/[[:space:]]+/ /g; s/^ //' | grep -qxF "$directive" ||
    { echo "the kit's nginx files lack '$directive'" >&2; exit 1; }
done

# Running: nginx with the kit's files in front of a stand-in upstream (nginx itself), listening
# on loopback and on the host end of a veth pair whose other end is in a namespace of our own.
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v curl >/dev/null; then
  echo "SKIPPED the running check: it needs root, iproute2 and curl to make a non-loopback client" >&2
  exit 77
fi
ns="ebw-nginx-$$"
host_if="ebwn$$h"; ns_if="ebwn$$n"
host_if=${host_if:0:15}; ns_if=${ns_if:0:15}
octet=$(( $$ % 200 + 20 ))
host_ip="10.213.$octet.1"; ns_ip="10.213.$octet.2"
cleanup() {
  [ -f "$tmp/run.pid" ] && kill "$(cat "$tmp/run.pid")" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip link del "$host_if" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
if ! ip netns add "$ns" 2>/dev/null; then
  echo "SKIPPED the running check: cannot create a network namespace here" >&2
  exit 77
fi
ip link add "$host_if" type veth peer name "$ns_if"
ip link set "$ns_if" netns "$ns"
ip addr add "$host_ip/30" dev "$host_if"
ip link set "$host_if" up
ip netns exec "$ns" ip addr add "$ns_ip/30" dev "$ns_if"
ip netns exec "$ns" ip link set "$ns_if" up
ip netns exec "$ns" ip link set lo up

started=""
for attempt in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 30000 )); upstream=$(( port + 1 ))
  cat >"$tmp/run.conf" <<CONF
pid $tmp/run.pid;
error_log $tmp/logs/run-error.log warn;
worker_processes 1;
daemon on;
events { worker_connections 64; }
http {
  access_log $tmp/logs/run-access.log;
  client_body_temp_path $tmp/body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;

  include $tmp/conf.d/*.conf;

  server {
    listen 127.0.0.1:$port;
    listen $host_ip:$port;
    location / {
      proxy_pass http://127.0.0.1:$upstream;
      proxy_http_version 1.1;
    }
  }
  # Stands in for the worker.
  server {
    listen 127.0.0.1:$upstream;
    location / { return 200 "from the upstream\n"; }
  }
}
CONF
  if "$nginx" -p "$tmp" -e "$tmp/logs/run-error.log" -c "$tmp/run.conf" 2>>"$tmp/logs/start.log"; then
    started=yes; break
  fi
done
[ -n "$started" ] || { echo "nginx did not start:" >&2; cat "$tmp/logs/start.log" >&2; exit 1; }

# Wait (bounded) until nginx answers on loopback.
loopback=""
for _ in $(seq 50); do
  loopback=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/" || true)
  [ "$loopback" = 200 ] && break
  sleep 0.1
done
[ "$loopback" = 200 ] || { echo "a loopback client got '$loopback', not 200 from the upstream" >&2; exit 1; }
echo "loopback client 127.0.0.1 -> $loopback"

outside=$(ip netns exec "$ns" curl -s -o "$tmp/outside.body" -w '%{http_code}' --max-time 5 \
            "http://$host_ip:$port/_ebworker/status" || true)
echo "non-loopback client $ns_ip -> $outside"
[ "$outside" = 403 ] || { echo "a client at $ns_ip got '$outside' from nginx, not 403" >&2; exit 1; }
if grep -q "from the upstream" "$tmp/outside.body"; then
  echo "the non-loopback client's request reached the upstream" >&2; exit 1
fi
grep -q "access forbidden by rule, client: $ns_ip" "$tmp/logs/run-error.log" ||
  { echo "nginx's error log does not say it refused $ns_ip" >&2; cat "$tmp/logs/run-error.log" >&2; exit 1; }
