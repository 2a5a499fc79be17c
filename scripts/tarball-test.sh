#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, the tarball installed into a
# temporary prefix with `npm install -g --prefix`, and from there, in an empty
# folder, the README's CI recipes run as written (one per stand-in: the
# ```sh blocks after <!-- ci-recipe:convex --> and <!-- ci-recipe:supabase -->),
# each ending with `convoy list --json` showing the task synced. Run by .ci/run.
#
# Offline apart from the npm registry: better-sqlite3 builds from source
# against the headers npm is configured with (npm config get nodedir).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/convoy-tarball-XXXXXX")
passed=0
failed=0
cleanup() {
  # Any stand-in a failed recipe left running is a child of this script.
  local pids
  pids=$(jobs -p || true)
  [ -n "$pids" ] && kill $pids 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
step() { echo "---- $1 ($(( $(date +%s) - START ))s)"; }
START=$(date +%s)

step "npm pack"
TARBALL="$WORK/$(npm pack --silent --pack-destination "$WORK" | tail -n 1)"
tar -tzf "$TARBALL" | sed 's#^package/##' | sort >"$WORK/contents"
for want in bin/convoy.cjs dist/main.cjs dist/dev-server.mjs dist/baseline.sql README.md package.json \
  docs/architecture.md docs/ci.md docs/convoy-sync.service docs/dev.convoy.sync.plist \
  convex/push.ts convex/_generated/api.js drizzle/meta/_journal.json; do
  if grep -qx "$want" "$WORK/contents"; then ok "tarball holds $want"; else fail "tarball lacks $want"; fi
done
for dir in supabase/migrations/ drizzle/; do
  if grep -q "^$dir.*\.sql$" "$WORK/contents"; then ok "tarball holds $dir*.sql"; else fail "tarball lacks $dir*.sql"; fi
done
if grep -E '^(test|src|bench|scripts|\.ci)/|\.map$|\.cache$' "$WORK/contents"; then fail "tarball carries files users do not need (above)"; else ok "nothing from test/, src/, scripts/, no source maps"; fi

step "npm install -g --prefix (builds better-sqlite3 from source)"
# Unoptimised (-O0, appended after node-gyp's -O3) and in parallel: the from-source build of
# SQLite is most of this test's time, and its speed is not what is tested here.
CFLAGS=-O0 CXXFLAGS=-O0 JOBS=max \
  npm install -g --prefix "$WORK/prefix" --no-audit --no-fund --prefer-offline "$TARBALL" >"$WORK/install.log" 2>&1 || {
  tail -n 40 "$WORK/install.log"
  fail "npm install -g --prefix <tarball>"
  echo "tarball: $passed passed, $failed failed"
  exit 1
}
ok "installed into a temporary prefix"
export PATH="$WORK/prefix/bin:$PATH"
[ "$(command -v convoy)" = "$WORK/prefix/bin/convoy" ] && ok "convoy on PATH from the prefix" || fail "convoy is not the installed one: $(command -v convoy)"
version=$(convoy --version)
[ "$version" = "$(node -p 'require("./package.json").version')" ] && ok "convoy --version: $version" || fail "convoy --version printed '$version'"

# Each recipe runs in a fresh folder and CONVOY_HOME, under bash -e, as a CI job would.
run_recipe() {
  local backend=$1 dir="$WORK/run-$1" script
  mkdir -p "$dir"
  script=$(awk -v marker="<!-- ci-recipe:$backend -->" '
    $0 == marker { found = 1; next }
    found && /^```sh$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$ROOT/README.md")
  if [ -z "$script" ]; then
    fail "README has no ci-recipe:$backend block"
    return
  fi
  step "README CI recipe: $backend"
  if (cd "$dir" && CONVOY_HOME="$dir/home" timeout 300 bash -euo pipefail -c "$script" >"$dir/out.log" 2>&1); then
    ok "the $backend recipe ran as written"
  else
    fail "the $backend recipe failed:"
    tail -n 30 "$dir/out.log"
    return
  fi
  # Its last command is `convoy list --json`: the task it added, synced.
  if node -e '
    const out = require("fs").readFileSync(process.argv[1], "utf8");
    const list = JSON.parse(out.slice(out.lastIndexOf("\n[") + 1));
    const task = list.find((t) => t.title === "smoke test task");
    if (!task || task.syncStatus !== "synced") { console.error(JSON.stringify(list)); process.exit(1); }' "$dir/out.log"; then
    ok "$backend: convoy list --json shows the task synced"
  else
    fail "$backend: the task is not listed as synced"
  fi
}
run_recipe convex
run_recipe supabase

step "done"
echo "tarball: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
