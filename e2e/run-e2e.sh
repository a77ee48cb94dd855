#!/usr/bin/env bash
# One end-to-end run against a packaged extension: fresh profile and workspace, install the .vsix
# into code-server, start it, drive it with playwright-core + Debian chromium (driver/drive.js),
# stop it. Exit code 0 = every UI check passed. Runs setup.sh first when something is missing.
# Usage: e2e/run-e2e.sh path/to/nginx-mtls.vsix     (env: PORT, E2E_FILE, DRIVE_JS)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
VSIX=$(realpath "${1:?usage: run-e2e.sh path/to/extension.vsix}")
if [ ! -x "$HERE/cs/bin/code-server" ] || [ ! -d "$HERE/driver/node_modules/playwright-core" ] || ! command -v chromium >/dev/null; then
  bash "$HERE/setup.sh"
fi
. "$HERE/env.sh"
# A port the kernel says is free (not a fixed one another run or another user may hold).
PORT=${PORT:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')}
# Unix socket paths (in $RUN/tmp) are limited to ~107 characters: keep the run dir name short.
RUN=$E2E/runs/$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN/data/User" "$RUN/exts" "$RUN/shots" "$RUN/tmp"
export TMPDIR="$RUN/tmp"   # code-server puts vscode-ipc-*.sock and vscode-git-*.sock in os.tmpdir()
cp "$E2E/settings.json" "$RUN/data/User/settings.json"
# Fresh workspace per run (quick fixes edit it): the project's examples/ (configs and generated PKI)
# copied in, not duplicated in the repository, then the e2e scenario files laid over them
# (e2e/workspace/examples/... adds files to the examples' configuration tree).
mkdir -p "$RUN/workspace"
# The example PKI (examples/etc/nginx/ssl/*) is generated, not committed: make it once if missing.
if [ -f "$ROOT/scripts/generate-example-pki.mjs" ] && ! ls "$ROOT"/examples/etc/nginx/ssl/*.crt >/dev/null 2>&1; then
  (cd "$ROOT" && node scripts/generate-example-pki.mjs)
fi
if [ -d "$ROOT/examples" ]; then cp -r "$ROOT/examples" "$RUN/workspace/examples"; fi
cp -r "$E2E/workspace/." "$RUN/workspace/"

T_START=$(date +%s%3N)
code-server --user-data-dir "$RUN/data" --extensions-dir "$RUN/exts" --install-extension "$VSIX" >"$RUN/install-ext.log" 2>&1 \
  || { cat "$RUN/install-ext.log"; exit 1; }
T_INSTALLED=$(date +%s%3N)
T0=$(date +%s%3N)
# setsid: code-server gets its own process group, so stop() ends the whole tree (file watchers too).
setsid code-server --bind-addr 127.0.0.1:$PORT --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override --ignore-last-opened \
  --user-data-dir "$RUN/data" --extensions-dir "$RUN/exts" "$RUN/workspace" >"$RUN/code-server.log" 2>&1 &
CS_PID=$!
echo "$CS_PID" > "$RUN/code-server.pid"
stop() {
  kill -TERM -- "-$CS_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 -- "-$CS_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$CS_PID" 2>/dev/null || true
}
trap stop EXIT
# /healthz answers before the workbench can load; drive.js waits for the workbench itself.
for _ in $(seq 1 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1
done
T_LISTEN=$(date +%s%3N)
echo "vsix install: $((T_INSTALLED-T_START)) ms; code-server listening after $((T_LISTEN-T0)) ms"
set +e
CS_URL="http://127.0.0.1:$PORT" CS_PID=$CS_PID WS="$RUN/workspace" DATA="$RUN/data" SHOTS="$RUN/shots" T0_MS=$T0 \
  timeout 300 node "${DRIVE_JS:-$E2E/driver/drive.js}" 2>&1 | tee "$RUN/drive.log"
RC=${PIPESTATUS[0]}
set -e
echo "run dir: $RUN  (screenshots in $RUN/shots)  whole run: $(( $(date +%s%3N)-T_START )) ms  rc=$RC"
exit $RC
