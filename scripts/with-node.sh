#!/usr/bin/env bash
# Runs a command with Node.js <major> first on PATH: Node's official Linux build as the npm registry's
# node-linux-<arch> package, fetched once into .cache/node/<major> (git-ignored).
#   scripts/with-node.sh 24 npx --yes pnpm@10.34.9 test
set -euo pipefail
if [ $# -lt 2 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/with-node.sh <major, e.g. 22> <command...>" >&2
  exit 2
fi
major="$1"
shift
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "with-node: no node-linux package for $(uname -m)" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.cache/node/$major"
bin="$dir/node_modules/node-linux-$arch/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$major" >&2
fi
installed="$("$bin/node" -p 'process.versions.node.split(".")[0]')"
if [ "$installed" != "$major" ]; then
  echo "with-node: $bin/node is Node $installed, not $major" >&2
  exit 1
fi
PATH="$bin:$PATH" exec "$@"
