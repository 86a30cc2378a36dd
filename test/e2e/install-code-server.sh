#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 with a Node extension host) from the npm registry into a cache
# folder, on machines whose only network is the npm registry and Debian's mirror.
# Usage: install-code-server.sh <target-dir>
# Reuses <target-dir> when it already holds an install made from the same package.json/lockfile.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TARGET=${1:?target dir}
SPEC_DIR="$HERE/code-server"
stamp() { cat "$SPEC_DIR/package.json" "$SPEC_DIR"/package-lock.json 2>/dev/null | sha256sum | cut -c1-16 || true; }
STAMP=$(stamp)
ENTRY="$TARGET/node_modules/code-server/out/node/entry.js"
if [ -f "$TARGET/.stamp" ] && [ "$(cat "$TARGET/.stamp")" = "$STAMP" ] && [ -f "$ENTRY" ]; then
  exit 0
fi
rm -rf "$TARGET"
mkdir -p "$TARGET"
cp "$SPEC_DIR/package.json" "$TARGET/"
[ -f "$SPEC_DIR/package-lock.json" ] && cp "$SPEC_DIR/package-lock.json" "$TARGET/"
cd "$TARGET"

# Temporary files (and the ripgrep download cache) stay inside the target folder.
export TMPDIR="$TARGET/.tmp"
mkdir -p "$TMPDIR"

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the archive:
# seed the cache with the rg binary that the registry package @vscode/ripgrep-linux-x64 ships.
RG=$(mktemp -d)
(cd "$RG" && npm pack --silent @vscode/ripgrep-linux-x64@1.18.0 >/dev/null && tar xzf ./*.tgz && mkdir bin && cp package/bin/rg bin/rg)
for v in 1.15.9 1.15.10 1.15.11 1.15.12 1.15.13 1.15.14; do
  mkdir -p "$TMPDIR/vscode-ripgrep-cache-$v"
  tar czf "$TMPDIR/vscode-ripgrep-cache-$v/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$RG/bin" rg
done
rm -rf "$RG"

# unsafe_perm: code-server's postinstall refuses to run as root otherwise.
# yes: node-pty's postinstall runs `npx node-gyp`, which must not stop to ask.
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_audit=false npm_config_fund=false
if [ -f package-lock.json ]; then
  npm ci --foreground-scripts
else
  npm install --foreground-scripts
  cp package-lock.json "$SPEC_DIR/package-lock.json"
fi
rm -rf "$TMPDIR"
[ -f "$ENTRY" ] || { echo "install-code-server: $ENTRY is missing after install" >&2; exit 1; }
stamp > .stamp
