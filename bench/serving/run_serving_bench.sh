#!/usr/bin/env bash
# Serving benchmarks for strato (see docs/performance.md):
#   (a) identity_fp32, small tensor, HTTP at concurrency 1, 8, 64: strato vs a
#       static nginx answer of the same size, both driven by wrk; strato perf
#       for strato's latency percentiles.
#   (b) the same over gRPC at concurrency 1 with strato perf: strato vs
#       grpc_echo_server (the grpc++ ceiling).
#   (c) xgb_fraud at concurrency 64 with dynamic batching: strato rows/s vs
#       in-process XGBoost predict at the batch size the server formed; and the
#       same model without dynamic batching (the batching gain).
#   (d) idle RSS of `strato serve` with an empty repository and with xgb_fraud.
#
# usage: bench/serving/run_serving_bench.sh [BUILD_DIR]   (default: build)
# Needs targets strato, grpc_echo_server, xgb_inprocess_bench in BUILD_DIR,
# and nginx, wrk, curl. Loopback only; about 4 minutes. BENCH_SECONDS sets
# the length of each wrk run (default 5).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-build}
[[ $BUILD = /* ]] || BUILD="$ROOT/$BUILD"
STRATO="$BUILD/src/cli/strato"
ECHO_SERVER="$BUILD/bench/serving/grpc_echo_server"
XGB_BENCH="$BUILD/bench/serving/xgb_inprocess_bench"
SECS=${BENCH_SECONDS:-5}
PERF_FLAGS=(--measurement-interval 2000 --max-trials 4 --warmup-ms 300 --quiet)

die() { echo "run_serving_bench: $*" >&2; exit 1; }
warn() { echo "run_serving_bench: warning: $*" >&2; WARNINGS+=("$*"); }
WARNINGS=()
for f in "$STRATO" "$ECHO_SERVER" "$XGB_BENCH"; do [[ -x $f ]] || die "missing $f (build it first)"; done
for c in nginx wrk curl; do command -v "$c" >/dev/null || die "missing $c"; done

TMP=$(mktemp -d /tmp/strato-serving-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL SECONDS: polls until URL answers 200.
wait_http() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.2
  done
  return 1
}

# start_strato REPO: starts `strato serve`, sets SPID HP GP.
start_strato() {
  HP=$(free_port); GP=$(free_port); MP=$(free_port)
  "$STRATO" serve --model-repository "$1" --http-address 127.0.0.1 --http-port "$HP" --grpc-port "$GP" \
    --metrics-port "$MP" >"$TMP/strato-$HP.log" 2>&1 &
  SPID=$!
  PIDS+=("$SPID")
  wait_http "http://127.0.0.1:$HP/v2/health/live" 60 || { tail -20 "$TMP/strato-$HP.log" >&2; die "strato did not start"; }
}
wait_model() { wait_http "http://127.0.0.1:$HP/v2/models/$1/ready" 60 || die "model $1 not ready"; }
# ensure_strato REPO MODEL: restarts strato if it died (a crash is recorded).
ensure_strato() {
  kill -0 "$SPID" 2>/dev/null && return 0
  warn "strato serve died (see its log tail below); restarting"
  tail -3 "$TMP/strato-$HP.log" >&2
  start_strato "$1"; wait_model "$2"
}
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# wrk_run CONNS URL [LUA]: prints "<req/s> <p50 us> <non-2xx>".
wrk_run() {
  local threads=2; (($1 < 2)) && threads=1
  local out
  out=$(wrk -t"$threads" -c"$1" -d"${SECS}s" --latency ${3:+-s "$3"} "$2" 2>&1)
  local rps p50 bad
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" { v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
          m = (u=="ms") ? 1000 : (u=="s") ? 1000000 : 1; printf "%.0f", v*m }' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "${rps:-0} ${p50:-0} ${bad:-0}"
}

# csv_col FILE ROW COLUMN_NAME: a value from strato perf's CSV (row 1 = first level).
csv_col() {
  [[ -f $1 ]] || return 0
  awk -F, -v row="$2" -v name="$3" 'NR==1 { for (i=1;i<=NF;i++) if ($i==name) c=i; next }
       NR==row+1 { print $c }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }

mkdir -p "$ROOT/bench/results"
RESULTS="$ROOT/bench/results/serving-$(date +%Y%m%d-%H%M%S).md"
REPO="$TMP/repo"
"$STRATO" demo-repo "$REPO" >/dev/null || die "strato demo-repo failed"
{
  echo "# strato serving benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Host: $(nproc) cores, $(uname -r); $("$STRATO" version 2>/dev/null); wrk ${SECS}s runs."
  echo
} >"$RESULTS"

# ---------------------------------------------------------------- (a) HTTP
echo "== (a) identity_fp32 over HTTP: strato vs nginx" >&2
start_strato "$REPO"; wait_model identity_fp32
DATA=$(awk 'BEGIN { for (i = 1; i <= 16; i++) printf "%s%d.5", (i > 1 ? "," : ""), i }')
BODY="{\"inputs\":[{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[1,16],\"data\":[$DATA]}]}"
printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$BODY" >"$TMP/post.lua"
for attempt in 1 2 3; do
  curl -sf -o "$TMP/response.json" -H 'Content-Type: application/json' -d "$BODY" \
    "http://127.0.0.1:$HP/v2/models/identity_fp32/infer" && break
  ((attempt == 3)) && die "identity_fp32 infer failed"
  sleep 0.5
done
RESP_BYTES=$(stat -c %s "$TMP/response.json")
NP=$(free_port)
mkdir -p "$TMP/nginx/www"
cp "$TMP/response.json" "$TMP/nginx/www/infer"
# nginx workers run as an unprivileged user: let them read the answer.
chmod 755 "$TMP"
chmod -R a+rX "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $TMP/nginx/body;
  server {
    listen 127.0.0.1:$NP;
    root $TMP/nginx/www;
    default_type application/json;
  }
}
CONF
nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" 2>"$TMP/nginx/stderr.log" &
NPID=$!
PIDS+=("$NPID")
wait_http "http://127.0.0.1:$NP/infer" 10 || { cat "$TMP/nginx/stderr.log" "$TMP/nginx/error.log" >&2; die "nginx did not start"; }


{
  echo "## (a) identity_fp32, FP32 [1,16], HTTP/1.1 keep-alive (response $RESP_BYTES bytes)"
  echo
  echo "| conc | strato req/s (wrk) | nginx req/s (wrk) | strato/nginx | strato p50 us (wrk) | nginx p50 us (wrk) | strato p50/p99 us (strato perf) |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
} >>"$RESULTS"
row=0
for c in 1 8 64; do
  row=$((row + 1))
  ensure_strato "$REPO" identity_fp32
  read -r s_rps s_p50 s_bad < <(wrk_run "$c" "http://127.0.0.1:$HP/v2/models/identity_fp32/infer" "$TMP/post.lua")
  read -r n_rps n_p50 _ < <(wrk_run "$c" "http://127.0.0.1:$NP/infer")
  [[ $s_bad != 0 ]] && echo "warning: strato answered $s_bad non-2xx at c=$c" >&2
  ensure_strato "$REPO" identity_fp32
  "$STRATO" perf -m identity_fp32 -u "127.0.0.1:$HP" --shape INPUT0:16 --concurrency-range "$c" \
    "${PERF_FLAGS[@]}" -f "$TMP/perf_http_$c.csv" >/dev/null || warn "strato perf (http, c=$c) failed"
  pp50=$(csv_col "$TMP/perf_http_$c.csv" 1 p50_us); pp99=$(csv_col "$TMP/perf_http_$c.csv" 1 p99_us)
  r=$(ratio "$s_rps" "$n_rps")
  echo "(a) c=$c strato ${s_rps} req/s, nginx ${n_rps} req/s, ratio $r; p50 strato ${s_p50}us nginx ${n_p50}us" >&2
  echo "| $c | $s_rps | $n_rps | $r | $s_p50 | $n_p50 | $pp50 / $pp99 |" >>"$RESULTS"
done
stop_pid "$NPID"

# ---------------------------------------------------------------- (b) gRPC
echo "== (b) identity_fp32 over gRPC: strato vs grpc_echo_server" >&2
EP=$(free_port)
"$ECHO_SERVER" --port "$EP" --elements 16 2>"$TMP/echo.log" &
EPID=$!
PIDS+=("$EPID")
sleep 0.5
ensure_strato "$REPO" identity_fp32
# Concurrency 1 (latency) and 64 (throughput against the grpc++ ceiling): rows 1 and 2 of the CSV.
"$STRATO" perf -m identity_fp32 -i grpc -u "127.0.0.1:$GP" --shape INPUT0:16 --concurrency-range 1:64:x64 \
  "${PERF_FLAGS[@]}" -f "$TMP/perf_grpc.csv" >/dev/null || warn "strato perf (grpc, strato) failed"
"$STRATO" perf -m identity_fp32 -i grpc -u "127.0.0.1:$EP" --concurrency-range 1:64:x64 \
  "${PERF_FLAGS[@]}" -f "$TMP/perf_echo.csv" >/dev/null || warn "strato perf (grpc, echo) failed"
stop_pid "$EPID"
{
  echo
  echo "## (b) identity_fp32 over gRPC (strato perf), strato vs grpc_echo_server"
  echo
  echo "| conc | strato infer/s | echo infer/s | strato/echo | strato p50 us | echo p50 us |"
  echo "|---:|---:|---:|---:|---:|---:|"
} >>"$RESULTS"
for row in 1 2; do
  conc=$(csv_col "$TMP/perf_grpc.csv" "$row" level)
  g_s=$(csv_col "$TMP/perf_grpc.csv" "$row" throughput_infer_s); g_e=$(csv_col "$TMP/perf_echo.csv" "$row" throughput_infer_s)
  g_sp=$(csv_col "$TMP/perf_grpc.csv" "$row" p50_us); g_ep=$(csv_col "$TMP/perf_echo.csv" "$row" p50_us)
  gr=$(ratio "$g_s" "$g_e")
  echo "(b) c=${conc} strato ${g_s}/s, echo ${g_e}/s, ratio $gr; p50 strato ${g_sp}us echo ${g_ep}us" >&2
  echo "| $conc | $g_s | $g_e | $gr | $g_sp | $g_ep |" >>"$RESULTS"
done
stop_pid "$SPID"

# ---------------------------------------------------------------- (c) XGBoost
echo "== (c) xgb_fraud at concurrency 64: dynamic batching vs in-process and vs no batching" >&2
XREPO="$TMP/xgb_repo"; NREPO="$TMP/xgb_nobatch"
mkdir -p "$XREPO" "$NREPO"
cp -r "$REPO/xgb_fraud" "$XREPO/"
cp -r "$REPO/xgb_fraud" "$NREPO/"
# Drop the dynamic_batching block (it is the last block of the demo config).
awk '/^dynamic_batching/ {skip=1} !skip {print} skip && /^}/ {skip=0}' "$REPO/xgb_fraud/config.pbtxt" \
  >"$NREPO/xgb_fraud/config.pbtxt"
grep -q dynamic_batching "$NREPO/xgb_fraud/config.pbtxt" && die "could not strip dynamic_batching"

xgb_perf() {  # REPO OUT.csv [ROWS_PER_REQUEST]
  start_strato "$1"; wait_model xgb_fraud
  "$STRATO" perf -m xgb_fraud -i grpc -u "127.0.0.1:$GP" --concurrency-range 64 -b "${3:-1}" "${PERF_FLAGS[@]}" \
    -f "$2" >/dev/null || warn "strato perf (xgb, $1, b=${3:-1}) failed"
  stop_pid "$SPID"
}
xgb_perf "$XREPO" "$TMP/xgb_dyn.csv"
xgb_perf "$NREPO" "$TMP/xgb_nodyn.csv"
# Clients that send several rows per request (a page of transactions) amortise
# the per-request cost; the batcher still merges requests.
XROWS=16
xgb_perf "$XREPO" "$TMP/xgb_dyn16.csv" "$XROWS"
x_dyn=$(csv_col "$TMP/xgb_dyn.csv" 1 throughput_infer_s); x_nodyn=$(csv_col "$TMP/xgb_nodyn.csv" 1 throughput_infer_s)
x_batch=$(csv_col "$TMP/xgb_dyn.csv" 1 server_avg_batch)
x_p50=$(csv_col "$TMP/xgb_dyn.csv" 1 p50_us); x_np50=$(csv_col "$TMP/xgb_nodyn.csv" 1 p50_us)
b=$(awk -v b="${x_batch:-1}" 'BEGIN { v = int(b + 0.5); print (v < 1) ? 1 : v }')
# The demo config runs 2 instances with nthread 1: 2 callers x nthread 1.
x_in=$("$XGB_BENCH" "$XREPO/xgb_fraud/1/xgboost.json" --batch "$b" --nthread 1 --callers 2 --seconds 3 |
  sed -n 's/.*rows_per_s=\([0-9.]*\).*/\1/p')
x_in1=$("$XGB_BENCH" "$XREPO/xgb_fraud/1/xgboost.json" --batch 1 --nthread 1 --callers 2 --seconds 2 |
  sed -n 's/.*rows_per_s=\([0-9.]*\).*/\1/p')
x_dyn16=$(csv_col "$TMP/xgb_dyn16.csv" 1 throughput_infer_s)
x_batch16=$(csv_col "$TMP/xgb_dyn16.csv" 1 server_avg_batch)
x_p5016=$(csv_col "$TMP/xgb_dyn16.csv" 1 p50_us)
b16=$(awk -v b="${x_batch16:-1}" 'BEGIN { v = int(b + 0.5); print (v < 1) ? 1 : v }')
x_in16=$("$XGB_BENCH" "$XREPO/xgb_fraud/1/xgboost.json" --batch "$b16" --nthread 1 --callers 2 --seconds 3 |
  sed -n 's/.*rows_per_s=\([0-9.]*\).*/\1/p')
xr16=$(ratio "$x_dyn16" "$x_in16")
xr=$(ratio "$x_dyn" "$x_in"); xg=$(ratio "$x_dyn" "$x_nodyn"); xr1=$(ratio "$x_nodyn" "$x_in1")
echo "(c) dyn ${x_dyn} rows/s (avg batch ${x_batch}), in-process@${b} ${x_in} rows/s, ratio $xr; no batching ${x_nodyn} rows/s (in-process@1 ${x_in1}, ratio $xr1); batching gain $xg" >&2
{
  echo
  echo "## (c) xgb_fraud (30 features, 300 trees, 2 instances x nthread 1), gRPC, concurrency 64, 1 row per request"
  echo
  echo "| config | strato rows/s | p50 us | server avg batch | in-process rows/s (same batch) | strato/in-process |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| dynamic batching | $x_dyn | $x_p50 | $x_batch | $x_in (batch $b) | $xr |"
  echo "| no dynamic batching | $x_nodyn | $x_np50 | 1 | $x_in1 (batch 1) | $xr1 |"
  echo "| dynamic batching, $XROWS rows per request | $x_dyn16 | $x_p5016 | $x_batch16 | $x_in16 (batch $b16) | $xr16 |"
  echo
  echo "Batching gain (dynamic / none): **$xg**"
} >>"$RESULTS"

# ---------------------------------------------------------------- (d) RSS
echo "== (d) idle RSS" >&2
mkdir -p "$TMP/empty"
start_strato "$TMP/empty"; sleep 1
rss_empty=$(ps -o rss= -p "$SPID" | tr -d ' ')
stop_pid "$SPID"
start_strato "$XREPO"; wait_model xgb_fraud; sleep 1
rss_xgb=$(ps -o rss= -p "$SPID" | tr -d ' ')
stop_pid "$SPID"
echo "(d) idle RSS: empty ${rss_empty} KiB, with xgb_fraud ${rss_xgb} KiB" >&2
{
  echo
  echo "## (d) idle RSS of strato serve"
  echo
  echo "| repository | RSS KiB |"
  echo "|---|---:|"
  echo "| empty | $rss_empty |"
  echo "| xgb_fraud | $rss_xgb |"
} >>"$RESULTS"

if ((${#WARNINGS[@]})); then
  { echo; echo "## Warnings"; echo; for w in "${WARNINGS[@]}"; do echo "- $w"; done; } >>"$RESULTS"
fi
echo
echo "Ratios: xgb strato/in-process $xr (1 row/request), $xr16 ($XROWS rows/request); batching gain $xg"
# Per-concurrency rows of the (a) HTTP and (b) gRPC tables.
awk -F'|' '/^## \(a\)/ { sec = "a" } /^## \(b\)/ { sec = "b" } /^## \(c\)/ { sec = "" }
  sec != "" && $2 ~ /^ *(1|8|64) *$/ {
    for (i = 2; i <= 7; i++) gsub(/ /, "", $i)
    if (sec == "a") printf "  (a) HTTP c=%s strato/nginx %s, p50 strato %s us, nginx %s us\n", $2, $5, $6, $7
    else printf "  (b) gRPC c=%s strato/echo %s, p50 strato %s us, echo %s us\n", $2, $5, $6, $7
  }' "$RESULTS"
echo "Results written to $RESULTS"
