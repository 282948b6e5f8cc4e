#!/usr/bin/env bash
# Installs what the VS Code tests need, offline but for the npm registry and Debian:
# Debian's chromium/ripgrep/git and the -dev packages code-server's native modules build
# against (only the missing ones), then code-server@4.100.3 (VS Code 1.100.3, Node 20)
# into a cache folder outside the repo. Idempotent: a second run does nothing.
# See shared/TESTING-IN-VSCODE.md for why each step is there.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${PA_CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parallel-agents/code-server-$CODE_SERVER_VERSION}"
MARKER="$CACHE/.installed"

log() { printf 'install-code-server: %s\n' "$*" >&2; }
fail() {
  printf '\ninstall-code-server: FAILED: %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf 'install-code-server: what to do: %s\n' "$2" >&2
  exit 1
}
step="checking Debian packages"
trap 'fail "$step (exit code $?)" "read the output above; fix the cause and run the same command again (the install resumes: it only adds what is missing)"' ERR

# 1. Debian packages, only when something is missing.
command -v node >/dev/null || fail "node is not on PATH" "install Node.js 20 (Debian: apt-get install nodejs npm), then run this again"
need=()
for pkg in git chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
  step="apt-get install ${need[*]}"
  log "$step"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2. code-server into the cache.
if [ -f "$MARKER" ] && [ -f "$CACHE/node_modules/code-server/lib/vscode/out/server-main.js" ]; then
  log "code-server $CODE_SERVER_VERSION already in $CACHE"
  echo "$CACHE"
  exit 0
fi

step="preparing the ripgrep cache"
# @vscode/ripgrep downloads ripgrep from GitHub unless its cache holds the tarball:
# put Debian's rg there under the name it looks for.
RG_CACHE="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-1.15.11"
RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RG_TAR" ]; then
  mkdir -p "$RG_CACHE"
  tmp="$(mktemp -d)"
  cp "$(command -v rg)" "$tmp/rg"
  tar -C "$tmp" -czf "$RG_TAR" rg
  rm -rf "$tmp"
fi

# Native modules (argon2, kerberos, …) are built by node-gyp. By default node-gyp downloads
# Node's headers and node-pre-gyp tries to download prebuilt binaries, both from the internet,
# which this install must never need. Point node-gyp at the running Node's own headers
# (Debian's nodejs ships them in /usr/include/node; official tarballs and nvm in
# <prefix>/include/node) and build from source, whatever the user's npm config says.
NODE_PREFIX="$(node -p "require('path').resolve(process.execPath, '..', '..')")"
[ -f "$NODE_PREFIX/include/node/node_api.h" ] || fail \
  "the headers of this Node ($(node --version), $(command -v node)) are not in $NODE_PREFIX/include/node" \
  "use a Node.js 20 that ships its headers (Debian's nodejs package, an official tarball or nvm), or install them there"
export npm_config_nodedir="$NODE_PREFIX"
export npm_config_build_from_source=true
export npm_config_update_notifier=false

step="creating $CACHE"
mkdir -p "$CACHE"
[ -f "$CACHE/package.json" ] || echo '{"name":"pa-code-server-cache","private":true}' >"$CACHE/package.json"
step="npm install code-server@$CODE_SERVER_VERSION into $CACHE (native modules built against $NODE_PREFIX/include/node)"
log "npm install code-server@$CODE_SERVER_VERSION into $CACHE (a minute or two)"
(
  cd "$CACHE"
  # npm_config_yes: a nested `npx node-gyp` must not prompt; --unsafe-perm: its postinstall
  # insists on it when run as root.
  npm_config_yes=true npm install --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION" --unsafe-perm=true >&2
)
[ -f "$CACHE/node_modules/code-server/lib/vscode/out/server-main.js" ] || fail \
  "npm finished but $CACHE/node_modules/code-server/lib/vscode/out/server-main.js is missing" \
  "remove $CACHE and run this again"
date -u +%FT%TZ >"$MARKER"
log "done"
echo "$CACHE"
