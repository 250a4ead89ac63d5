#!/usr/bin/env bash
# Builds build/treff_<version>_amd64.deb with dpkg-deb: the compiled application under
# /opt/treff, its production node_modules and /usr/bin/treff. A Debian package because dpkg gives
# what a club admin needs around an installer: `dpkg -L treff` lists every file it installed,
# `dpkg -r treff` removes them again, and an upgrade is installing the next package. The package
# only places files; `treff setup` (run by the admin) does the work, so there are no maintainer
# scripts.
#
# The native modules (better-sqlite3, @node-rs/argon2, koffi) are the ones built on this machine:
# `npm prune --omit=dev` runs on a copy of node_modules and recompiles nothing. They run wherever
# Debian's nodejs has the same ABI as the Node that built them (Node 20: ABI 115; the test in
# test/e2e/setup.fresh-root.test.ts installs the package on a fresh Debian 13 and runs it there).
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p 'require("./package.json").version')
arch=amd64
out=build
stage="$out/stage"
package="$out/treff_${version}_${arch}.deb"

if [ ! -f dist/main.js ]; then
  echo "package-deb: dist/main.js is missing; run npm run build first" >&2
  exit 1
fi
for tool in dpkg-deb fakeroot; do
  command -v "$tool" > /dev/null || {
    echo "package-deb: $tool is missing (apt-get install dpkg-dev fakeroot)" >&2
    exit 1
  }
done

rm -rf "$stage"
mkdir -p "$stage/opt/treff" "$stage/usr/bin" "$stage/DEBIAN"

# The application: compiled JavaScript without source maps' sources, the files it reads at run
# time (integrations for Prosody, the example declaration).
cp -r dist "$stage/opt/treff/dist"
find "$stage/opt/treff/dist" -name '*.map' -delete
cp -r integrations examples "$stage/opt/treff/"
find "$stage/opt/treff/integrations" -name '*.test.ts' -delete
rm -rf "$stage"/opt/treff/examples/*/data
cp package.json package-lock.json "$stage/opt/treff/"

# Production dependencies only, pruned in the copy (node_modules may be a symlink: -L follows it).
cp -rL node_modules "$stage/opt/treff/node_modules"
(cd "$stage/opt/treff" && npm prune --omit=dev --offline --no-audit --no-fund --ignore-scripts --loglevel=error > /dev/null)
rm -f "$stage/opt/treff/package-lock.json"
# Build leftovers of better-sqlite3 that are never loaded (the object tree, the static library,
# the test extension) and the musl build of koffi.
rm -rf "$stage/opt/treff/node_modules/better-sqlite3/build/Release/obj" \
  "$stage/opt/treff/node_modules/better-sqlite3/build/Release/obj.target" \
  "$stage/opt/treff/node_modules/better-sqlite3/build/Release/test_extension.node" \
  "$stage/opt/treff/node_modules/better-sqlite3/deps" \
  "$stage/opt/treff/node_modules/better-sqlite3/src"
find "$stage/opt/treff/node_modules" -name '*.a' -delete
# npm prune leaves the emptied scope folders and dangling .bin links behind.
find "$stage/opt/treff/node_modules" -xtype l -delete
find "$stage/opt/treff/node_modules" -mindepth 1 -type d -empty -delete

# /usr/bin/treff: Debian's node with the server's flags (src/core/node-flags.ts).
# dist/ is one bundle (scripts/build.ts): the flags come from the source, through tsx.
flags=$(node --import tsx --input-type=module -e \
  'import("./src/core/node-flags.ts").then((m) => console.log(m.SERVER_NODE_FLAGS.join(" ")))')
cat > "$stage/usr/bin/treff" << EOF
#!/bin/sh
exec /usr/bin/node $flags /opt/treff/dist/main.js "\$@"
EOF
chmod 0755 "$stage/usr/bin/treff"

size=$(du -sk "$stage/opt" "$stage/usr" | awk '{ sum += $1 } END { print sum }')
cat > "$stage/DEBIAN/control" << EOF
Package: treff
Version: $version
Architecture: $arch
Maintainer: treff <treff@localhost>
Installed-Size: $size
Depends: nodejs (>= 20.19), ca-certificates, libc6 (>= 2.34), libstdc++6, libgcc-s1, libcrypt1
Recommends: nginx
Section: net
Priority: optional
Homepage: https://treff.invalid/
Description: privacy-first server for clubs and hackerspaces
 One declaration (treff.yaml) says which personal data each service processes, why, where
 and for how long; treff enforces it (member registry, accounts for mail, XMPP and shell,
 Web Key Directory, automatic deletion, generated daemon configurations) and renders the
 privacy policy from the same file. Run "treff setup" as root after installing.
EOF

find "$stage" -type d -exec chmod 0755 {} +
find "$stage/opt" -type f -exec chmod u+rw,go+r,go-w {} +
fakeroot dpkg-deb --build -Zxz -z6 "$stage" "$package" > /dev/null
rm -rf "$stage"
echo "$package"
