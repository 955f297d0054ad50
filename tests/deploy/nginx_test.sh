#!/usr/bin/env bash
# The deploy kit's nginx files pass `nginx -t` with Debian's nginx, included inside http {} the
# way the Beanstalk platforms' nginx.conf includes conf.d/*.conf, everything in a temporary prefix.
# The http and server blocks repeat directives the platform's own nginx.conf sets, so a conf.d
# file that sets one of them again fails here as it would on an instance.
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
