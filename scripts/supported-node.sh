#!/usr/bin/env bash
# Runs a command on a supported Node.js LTS: the Node on PATH when it is 22 or newer, else Node 24 fetched by
# scripts/with-node.sh (Node 20 reached end of life in April 2026; oidc-provider, the sample issuer, warns on it).
# The root scripts that start the sample apps (demo, dev, rollout, chaos) go through it.
#   scripts/supported-node.sh node apps/demo/dist/main.js
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: scripts/supported-node.sh <command...>" >&2
  exit 2
fi
current="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$current" -ge 22 ]; then
  exec "$@"
fi
echo "Node $(node -v) is past its end of life: running on Node 24 LTS (the npm registry's node-linux package, kept in .cache/node)" >&2
exec "$(dirname "$0")/with-node.sh" 24 "$@"
