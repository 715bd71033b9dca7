#!/usr/bin/env bash
# Render a PlatformEnvironment with the real crossplane CLI and our function running locally.
# Usage: scripts/render.sh CROSSPLANE FUNCTION_BIN EXAMPLE [OBSERVED] [ADDRESS]
#   OBSERVED empty: nothing observed yet (the first reconcile). ADDRESS default: a free loopback port.
# The function runs with the Development runtime (no Docker): we start it with --insecure, crossplane
# render dials it, and we stop it afterwards.
set -euo pipefail

crossplane=$1 fn=$2 example=$3 observed=${4:-} address=${5:-}
root=$(cd "$(dirname "$0")/.." && pwd)

if [[ -z $address ]]; then
  # A random loopback port that nothing answers on, so renders may run side by side.
  while :; do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  address=127.0.0.1:$port
fi

tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT

cat >"$tmp/functions.yaml" <<YAML
apiVersion: pkg.crossplane.io/v1beta1
kind: Function
metadata:
  name: function-platform-environment
  annotations:
    render.crossplane.io/runtime: Development
    render.crossplane.io/runtime-development-target: $address
spec:
  package: xpkg.crossplane.io/cloudpartner/function-platform-environment:v0.1.0
YAML

"$fn" --insecure --address="$address" --metrics-address= >"$tmp/function.log" 2>&1 &
pid=$!
# Wait until the function listens (it starts in milliseconds; give it 10 s on a loaded machine).
host=${address%:*} p=${address##*:}
for _ in $(seq 1 200); do
  if (exec 3<>"/dev/tcp/$host/$p") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/function.log" >&2; exit 1; fi
  sleep 0.05
done

args=("$example" "$root/compositions/platform-environment.yaml" "$tmp/functions.yaml" --xrd="$root/apis/definition.yaml")
if [[ -n $observed ]]; then
  args+=(--observed-resources="$observed")
fi
"$crossplane" render "${args[@]}"
