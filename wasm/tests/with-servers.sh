#!/usr/bin/env bash
# Starts cql-sim and the bridge on 127.0.0.1 (free ports), exports their addresses for the
# wasm tests and examples, runs "$@", then stops both servers by PID.
#
#   CQL_WASM_NODE    host:port of cql-sim (as the bridge reaches it)
#   CQL_WASM_BRIDGE  ws://127.0.0.1:PORT/cql
#   CQL_WASM_TOKEN   the bridge's bearer token
#   CQL_WASM_CLUSTER a node of a second cql-sim, a 3-node cluster (--nodes 3, on
#                    127.0.0.1/.2/.3, one port), for the discovery tests; the bridge's
#                    allow-list covers its three nodes too (empty with websockify)
#   CQL_WASM_AUTH_NODE a third cql-sim that wants credentials wasm:wasm-password, for the
#                    authentication tests (empty with websockify)
#   CQL_WASM_DSE_NODE  a cql-sim in DSE mode (--dse), for the graph and DSE type tests
#                    (empty with websockify)
#
# The single node stays what the existing tests assume (a cluster of one); the
# cluster is separate so that they see one host and the discovery test sees three.
# The wasm tests read these at compile time (option_env!), the JS tests at run time.
# CQL_WASM_BRIDGE_KIND=websockify uses python websockify as a stand-in bridge (one target).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for "$2" (a regex with one capture group) in log file "$1"; prints the capture.
wait_for() {
  local log=$1 pattern=$2 i
  for i in $(seq 1 300); do
    if grep -Eq "$pattern" "$log" 2>/dev/null; then
      grep -Eo "$pattern" "$log" | head -1 | sed -E "s#$pattern#\\1#"
      return 0
    fi
    sleep 0.1
  done
  echo "timed out waiting for /$pattern/ in $log:" >&2
  cat "$log" >&2
  return 1
}

kind="${CQL_WASM_BRIDGE_KIND:-cql-bridge}"
# CQL_WASM_PROFILE=release for benchmarks (debug servers would be the bottleneck).
profile="${CQL_WASM_PROFILE:-debug}"
release=()
[ "$profile" = release ] && release=(--release)
cargo build -q --locked "${release[@]}" -p cql-testkit --bin cql-sim
if [ "$kind" = cql-bridge ]; then
  cargo build -q --locked "${release[@]}" -p cql-transport-websocket --bin cql-bridge
fi
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/$profile

"$target_dir/cql-sim" --listen 127.0.0.1:0 >"$work/sim.log" 2>&1 &
pids+=($!)
node_addr=$(wait_for "$work/sim.log" 'listening on ([0-9.]+:[0-9]+)')

# The cluster: one port on 127.0.0.1, .2 and .3.
cluster=()
if [ "$kind" = cql-bridge ]; then
  "$target_dir/cql-sim" --listen 127.0.0.1:0 --nodes 3 >"$work/cluster.log" 2>&1 &
  pids+=($!)
  wait_for "$work/cluster.log" '(cluster ready)' >/dev/null
  mapfile -t cluster < <(grep -Eo 'listening on [0-9.]+:[0-9]+' "$work/cluster.log" | awk '{print $3}')
  [ "${#cluster[@]}" -eq 3 ] || { echo "expected 3 cluster nodes:" >&2; cat "$work/cluster.log" >&2; exit 1; }
fi

# A node that wants credentials.
auth_node=""
if [ "$kind" = cql-bridge ]; then
  "$target_dir/cql-sim" --listen 127.0.0.1:0 --user wasm:wasm-password >"$work/auth.log" 2>&1 &
  pids+=($!)
  auth_node=$(wait_for "$work/auth.log" 'listening on ([0-9.]+:[0-9]+)')
fi

# A DSE-mode node (graph requests, geometry and date-range types).
dse_node=""
if [ "$kind" = cql-bridge ]; then
  "$target_dir/cql-sim" --listen 127.0.0.1:0 --dse >"$work/dse.log" 2>&1 &
  pids+=($!)
  dse_node=$(wait_for "$work/dse.log" 'listening on ([0-9.]+:[0-9]+)')
fi

cluster_targets=()
for a in "${cluster[@]}"; do cluster_targets+=(--target "$a"); done
[ -z "$auth_node" ] || cluster_targets+=(--target "$auth_node")
[ -z "$dse_node" ] || cluster_targets+=(--target "$dse_node")

token="wasm-test-token-$$"
case "$kind" in
  cql-bridge)
    "$target_dir/cql-bridge" --listen 127.0.0.1:0 --target "$node_addr" \
      "${cluster_targets[@]}" --token "wasm-tests:$token" \
      >"$work/bridge.log" 2>&1 &
    pids+=($!)
    bridge_url=$(wait_for "$work/bridge.log" 'listening on (ws://[^ ]+)')
    ;;
  websockify)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "${WEBSOCKIFY:-websockify}" "127.0.0.1:$port" "$node_addr" >"$work/bridge.log" 2>&1 &
    pids+=($!)
    wait_for "$work/bridge.log" '(proxying|Listen)' >/dev/null || true
    bridge_url="ws://127.0.0.1:$port/cql"
    token=""
    ;;
  *) echo "unknown CQL_WASM_BRIDGE_KIND=$kind" >&2; exit 2 ;;
esac

export CQL_WASM_NODE="$node_addr"
export CQL_WASM_BRIDGE="$bridge_url"
export CQL_WASM_TOKEN="$token"
export CQL_WASM_CLUSTER="${cluster[0]:-}"
export CQL_WASM_AUTH_NODE="$auth_node"
export CQL_WASM_DSE_NODE="$dse_node"
echo "cql-sim on $CQL_WASM_NODE, cluster on ${cluster[*]:-(none)}, $kind on $CQL_WASM_BRIDGE"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "--- bridge log (last 40 lines) ---" >&2
  tail -40 "$work/bridge.log" >&2 || true
fi
exit "$status"
