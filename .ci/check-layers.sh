#!/usr/bin/env bash
# The layering of cql-core (a layer imports only from the layers below it):
#   frame < types < message < graph < connection < cluster, policies < session < mapper
# with runtime and sync beside the bottom. Fails, naming the lines, when a layer names a
# layer above it through `crate::...` (tests inside the layer included).
set -euo pipefail
cd "$(dirname "$0")/../core/src"
status=0
check() {
  local layer=$1 above=$2 hits
  hits=$(grep -rnE "crate::($above)\b" "$layer" "$layer.rs" 2>/dev/null | grep -vE '^[^:]+:[0-9]+:\s*//' || true)
  if [ -n "$hits" ]; then
    echo "layer '$layer' imports from a layer above it ($above):" >&2
    echo "$hits" >&2
    status=1
  fi
}
check frame      'types|message|graph|connection|cluster|policies|session|mapper'
check types      'message|graph|connection|cluster|policies|session|mapper'
check message    'graph|connection|cluster|policies|session|mapper'
check graph      'connection|cluster|policies|session|mapper'
check connection 'cluster|policies|session|mapper'
check cluster    'policies|session|mapper'
check policies   'session|mapper'
check session    'mapper'
check runtime    'types|message|graph|connection|cluster|policies|session|mapper'
check sync       'types|message|graph|connection|cluster|policies|session|mapper'
[ "$status" -eq 0 ] && echo "layers: every import in cql-core points down"
exit "$status"
