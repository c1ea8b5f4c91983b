# Sourced by the shell end-to-end tests that start a `strato serve` child:
# a scratch folder $WORK, the child's pid in $SERVER_PID (stopped on exit),
# fail() that prints the server log's tail, and free_port().
WORK=$(mktemp -d)
SERVER_PID=""
PY=/usr/bin/python3
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  [ -f "$WORK/server.log" ] && { echo "--- server log (tail) ---" >&2; tail -n 30 "$WORK/server.log" >&2; }
  exit 1
}
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
