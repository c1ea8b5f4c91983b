#!/usr/bin/env bash
# High availability and scale-out of strato, on one machine:
#   - three `strato serve` replicas, each in its own network namespace with
#     its own address (veth pair to the host), behind haproxy with health
#     checks on /v2/health/ready;
#   - constant load from `strato perf` through haproxy, measured in short
#     back-to-back windows tagged with the phase they ran in;
#   - phases: before | kill (SIGKILL replica 1) | drain (SIGTERM replica 2,
#     which drains) | one-left (only replica 3 serves) | restart (both come
#     back) | after;
#   - a real Prometheus scrapes the three replicas; the test queries it for
#     each replica's nv_inference_request_success counter;
#   - throughput through haproxy with 1, 2 and 3 replicas (and one replica
#     without the proxy, for reference).
# Asserts: no failed request during the graceful drain, the restart or after;
# at most the in-flight requests (<= concurrency) lost to the SIGKILL; every
# replica UP again at the end; Prometheus has every replica's counter.
# Throughput is printed, never asserted (2 shared cores here).
#
# Usage: tests/deploy/ha_test.sh STRATO_BINARY
# Env:   HA_MODE=ci (default, ~1 min) | bench (longer phases, steadier numbers)
#        HA_RESULTS=FILE  also write the summary there
#        HA_MODEL=simple (default) | xgb_fraud | any demo model
# Needs root (ip netns), haproxy and prometheus (scripts/setup.sh).
set -euo pipefail

binary=$(readlink -f "${1:?usage: $0 STRATO_BINARY}")
mode=${HA_MODE:-ci}
case "$mode" in
  # CI may run other tests beside this one: a longer drain delay gives the
  # health checks more slack on a loaded machine.
  ci) window_ms=1000; phase_s=3; scale_trials=2; drain_delay_s=3 ;;
  bench) window_ms=2000; phase_s=12; scale_trials=5; drain_delay_s=2 ;;
  *) echo "HA_MODE must be ci or bench, not '$mode'" >&2; exit 2 ;;
esac
concurrency=8
model=${HA_MODEL:-simple}

if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root for network namespaces"; exit 77; fi
for tool in ip haproxy prometheus curl /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool missing; run scripts/setup.sh"; exit 77; }
done

tag=$$
# Namespaces left by a run that was SIGKILLed (no trap ran): its pid is gone.
for stale in $(ip netns list 2>/dev/null | awk '/^strato-ha-[0-9]+-[0-9]/ {print $1}'); do
  owner=$(cut -d- -f3 <<<"$stale")
  kill -0 "$owner" 2>/dev/null || ip netns del "$stale" 2>/dev/null || true
done
# Replicas at $net.<i>.2, host side $net.<i>.1: a 10.x range no interface uses.
for x in $(seq $(( 100 + $$ % 100 )) 254) $(seq 100 199); do
  net="10.$x"
  ip -4 -o addr show | grep -q " inet $net\." || break
done
work=$(mktemp -d /tmp/strato-ha-test.XXXXXX)
declare -A server_pid=()
pids=()
namespaces=()

cleanup() {
  touch "$work/stop-load" 2>/dev/null || true
  for pid in "${server_pid[@]}" "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
log() { echo "[$(date +%T)] $*"; }

# ---- network namespaces -------------------------------------------------------
for i in 1 2 3; do
  ns=strato-ha-$tag-$i
  if ! ip netns add "$ns" 2>/dev/null; then echo "SKIP: cannot create network namespaces here"; exit 77; fi
  namespaces+=("$ns")
  if ! ip link add "sh${tag}h$i" type veth peer name "sh${tag}n$i" 2>/dev/null; then
    echo "SKIP: cannot create veth pairs here"; exit 77
  fi
  ip link set "sh${tag}n$i" netns "$ns"
  ip addr add "$net.$i.1/24" dev "sh${tag}h$i"
  ip link set "sh${tag}h$i" up
  ip netns exec "$ns" ip addr add "$net.$i.2/24" dev "sh${tag}n$i"
  ip netns exec "$ns" ip link set "sh${tag}n$i" up
  ip netns exec "$ns" ip link set lo up
done

start_replica() { # I
  local i=$1
  OMP_WAIT_POLICY=PASSIVE ip netns exec "strato-ha-$tag-$i" "$binary" serve --demo \
    --demo-dir "$work/models-$i" --drain-delay-secs "$drain_delay_s" --exit-timeout-secs 10 \
    >>"$work/replica-$i.log" 2>&1 &
  server_pid[$i]=$!
}
wait_ready() { # I
  for _ in $(seq 1 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$net.$1.2:8000/v2/health/ready")" = 200 ] && return 0
    sleep 0.1
  done
  echo "FAIL: replica $1 never became ready" >&2; tail -5 "$work/replica-$1.log" >&2; exit 1
}
for i in 1 2 3; do start_replica "$i"; done

# ---- Prometheus ---------------------------------------------------------------
prom_port=$(free_port)
cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: strato
    static_configs:
      - targets: ['$net.1.2:8002', '$net.2.2:8002', '$net.3.2:8002']
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

# ---- haproxy ------------------------------------------------------------------
lb_port=$(free_port)
stats_port=$(free_port)
haproxy_pid=""
start_haproxy() { # N: balance over replicas 1..N
  [ -n "$haproxy_pid" ] && { kill "$haproxy_pid" 2>/dev/null || true; wait "$haproxy_pid" 2>/dev/null || true; }
  {
    cat <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 10s
  # A request that could not reach a replica (refused, reset before any
  # response) goes to another one.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response
frontend inference
  bind 127.0.0.1:$lb_port
  default_backend strato
backend strato
  balance roundrobin
  option httpchk GET /v2/health/ready
  http-check expect status 200
  default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2
CFG
    for i in $(seq 1 "$1"); do echo "  server replica$i $net.$i.2:8000 check"; done
    cat <<CFG
listen stats
  bind 127.0.0.1:$stats_port
  stats enable
  stats uri /stats
CFG
  } > "$work/haproxy.cfg"
  haproxy -f "$work/haproxy.cfg" -db >>"$work/haproxy.log" 2>&1 &
  haproxy_pid=$!
  pids+=("$haproxy_pid")
}
# Status (UP/DOWN/...) of replica I as haproxy sees it.
lb_status() { curl -s "http://127.0.0.1:$stats_port/stats;csv" | awk -F, -v s="replica$1" '$1=="strato" && $2==s {print $18}'; }
wait_lb() { # I STATUS
  for _ in $(seq 1 200); do [[ "$(lb_status "$1")" == "$2"* ]] && return 0; sleep 0.05; done
  echo "FAIL: haproxy never saw replica $1 as $2 (now: $(lb_status "$1"))" >&2; exit 1
}

for i in 1 2 3; do wait_ready "$i"; done
start_haproxy 3
for i in 1 2 3; do wait_lb "$i" UP; done
log "3 replicas in namespaces strato-ha-$tag-{1,2,3} at $net.{1,2,3}.2, haproxy on 127.0.0.1:$lb_port"

# ---- constant load, in windows tagged with the phase ----------------------------
echo before > "$work/phase"
load_loop() {
  while [ ! -e "$work/stop-load" ]; do
    local phase
    phase=$(cat "$work/phase")
    rm -f "$work/window.json"
    "$binary" perf -m "$model" -u "127.0.0.1:$lb_port" --concurrency-range "$concurrency" \
      -p "$window_ms" -r 1 --warmup-ms 0 -q --json "$work/window.json" >/dev/null 2>>"$work/perf.err" || true
    /usr/bin/python3 - "$phase" "$work/window.json" >>"$work/windows.tsv" <<'PY'
import json, sys
phase, path = sys.argv[1], sys.argv[2]
try:
    r = json.load(open(path))["results"][0]
    print(f'{phase}\t{r["requests"]}\t{r["errors"]}\t{r["measured_s"]:.3f}\t{r["first_error"]}')
except (OSError, ValueError, KeyError, IndexError):
    print(f'{phase}\t0\t1\t0\tperf could not run a window (see perf.err)')
PY
  done
}
load_loop &
pids+=($!)
load_pid=$!

set_phase() { echo "$1" > "$work/phase"; log "phase: $1"; }
sleep "$phase_s"

set_phase kill
t0=$(date +%s.%N)
kill -9 "${server_pid[1]}"
wait "${server_pid[1]}" 2>/dev/null || true
wait_lb 1 DOWN
log "haproxy marked replica 1 DOWN after $(/usr/bin/python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')")s"
sleep "$phase_s"

set_phase drain
t0=$(date +%s.%N)
kill -TERM "${server_pid[2]}"
wait_lb 2 DOWN
log "replica 2 draining: haproxy marked it DOWN after $(/usr/bin/python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')")s"
rc=0; wait "${server_pid[2]}" || rc=$?
log "replica 2 exited with code $rc after $(/usr/bin/python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')")s"
[ "$rc" = 0 ] || { echo "FAIL: replica 2 exited $rc after SIGTERM, expected a drained 0" >&2; exit 1; }
grep -q 'draining signal=SIGTERM' "$work/replica-2.log" || { echo "FAIL: replica 2 did not log its drain" >&2; exit 1; }

set_phase one-left
sleep "$phase_s"

set_phase restart
start_replica 2
start_replica 1
wait_lb 2 UP
wait_lb 1 UP
log "replicas 1 and 2 back UP"

set_phase after
sleep "$phase_s"
touch "$work/stop-load"
wait "$load_pid" || true

# ---- per-phase summary -----------------------------------------------------------
summary=$(/usr/bin/python3 - "$work/windows.tsv" "$concurrency" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
order = ["before", "kill", "drain", "one-left", "restart", "after"]
stats = {p: [0, 0, 0.0, 0, ""] for p in order}
for phase, ok, err, secs, first in rows:
    s = stats[phase]
    s[0] += int(ok); s[1] += int(err); s[2] += float(secs); s[3] += 1
    if first and not s[4]: s[4] = first
print("phase     windows  requests_ok  failed  req/s    first_error")
for p in order:
    ok, err, secs, n, first = stats[p]
    rate = ok / secs if secs else 0
    print(f"{p:<9} {n:>7}  {ok:>11}  {err:>6}  {rate:>7.0f}  {first[:60]}")
PY
)
echo "$summary"
failed_in() { awk -v p="$1" '$1==p {print $4}' <<<"$summary"; }

# ---- Prometheus: every replica's request counter ---------------------------------
found=""
for _ in $(seq 1 50); do
  found=$(curl -s "http://127.0.0.1:$prom_port/api/v1/query" \
      --data-urlencode "query=nv_inference_request_success{model=\"$model\"} > 0" |
    /usr/bin/python3 -c 'import json,sys; print(" ".join(sorted(r["metric"]["instance"] for r in json.load(sys.stdin)["data"]["result"])))' 2>/dev/null || true)
  [ "$(wc -w <<<"$found")" = 3 ] && break
  sleep 0.2
done
log "Prometheus has nv_inference_request_success{model=\"$model\"} > 0 for: $found"
for i in 1 2 3; do
  grep -q "$net.$i.2:8002" <<<"$found" || { echo "FAIL: Prometheus has no request counter for replica $i" >&2; exit 1; }
done

# ---- throughput with 1, 2, 3 replicas --------------------------------------------
scale_line="replicas  infer/s (through haproxy, concurrency 16, model $model)"
measure() { # URL -> infer/s
  "$binary" perf -m "$model" -u "$1" --concurrency-range 16 -p "$window_ms" -r "$scale_trials" \
    --warmup-ms 300 -q --json "$work/scale.json" >/dev/null 2>>"$work/perf.err"
  /usr/bin/python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["results"][0]["throughput_infer_s"]))' "$work/scale.json"
}
direct=$(measure "$net.1.2:8000")
for n in 1 2 3; do
  start_haproxy "$n"
  for i in $(seq 1 "$n"); do wait_lb "$i" UP; done
  scale_line+=$'\n'"$n         $(measure "127.0.0.1:$lb_port")"
done
scale_line+=$'\n'"1 direct  $direct   (no proxy, for reference)"
echo "$scale_line"
echo "machine: $(nproc) cores; everything (load generator, haproxy, replicas, Prometheus) shares them"

if [ -n "${HA_RESULTS:-}" ]; then
  { echo "# strato HA run, mode $mode, $(date -u +%FT%TZ), $(nproc) cores"; echo "$summary"; echo; echo "$scale_line"; } > "$HA_RESULTS"
fi

# ---- assertions --------------------------------------------------------------------
status=0
for p in drain one-left restart after before; do
  f=$(failed_in "$p")
  if [ "$f" != 0 ]; then echo "FAIL: $f failed requests in phase '$p' (expected none)" >&2; status=1; fi
done
f=$(failed_in kill)
if [ "$f" -gt "$concurrency" ]; then
  echo "FAIL: $f failed requests after SIGKILL: more than the $concurrency that can be in flight" >&2; status=1
fi
for p in before after; do
  [ "$(awk -v p="$p" '$1==p {print $3}' <<<"$summary")" -gt 0 ] || { echo "FAIL: no successful requests in '$p'" >&2; status=1; }
done
[ "$status" = 0 ] && echo "PASS: HA (no failures in the graceful drain; $(failed_in kill) lost to SIGKILL)"
exit "$status"
