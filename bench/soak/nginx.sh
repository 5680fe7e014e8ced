# Sourced by bench/soak/run.sh and bench/slowloris/run.sh: start_nginx runs Debian's nginx in
# front of rootzone on $rz_port, listening on $nginx_port, files under $out; sets nginx_pid.
# worker_connections 4096: the slowloris run holds 1,000 client connections at once.
# nginx with the shipped site file: only the upstream, listen and access-log lines replaced (as
# tests/api/test_nginx.cpp does), in a main configuration of its own under $out.
start_nginx() {
  local d=$out/nginx-$rz_port
  rm -rf "$d" && mkdir -p "$d"
  sed -e "s|^\( *\)server 127.0.0.1:8080;.*|\1server 127.0.0.1:$rz_port;|" \
    -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$nginx_port;|" -e '/listen \[::\]:80;/d' \
    -e "s|^\( *\)access_log .*|\1access_log $d/access.log rootzone_json;|" \
    "$root/deploy/nginx/rootzone.conf" >"$d/site.conf"
  cat >"$d/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
worker_rlimit_nofile 20000;
$( ((EUID == 0)) && echo "user root;")
pid $d/nginx.pid;
error_log $d/error.log notice;
events { worker_connections 4096; }
http {
  client_body_temp_path $d/body; proxy_temp_path $d/proxy; fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi; scgi_temp_path $d/scgi;
  default_type application/octet-stream;
  include $d/site.conf;
}
EOF
  /usr/sbin/nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" &
  nginx_pid=$!
  for _ in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/health" && return; sleep 0.2; done
  echo "nginx did not start: $(cat "$d/error.log")" >&2
  exit 1
}

