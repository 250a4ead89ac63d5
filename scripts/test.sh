#!/bin/sh
# The test command (`npm test`, also run by .ci/run): one node:test run over every test file,
# under c8 for coverage. Node 20's --test does not expand globs, so the files are listed here.
# TEST_DIALECTS=sqlite,postgres runs every database-backed test on both databases.
# TREFF_TEST_SET=unit leaves out the tests that drive daemons, a browser or the fuzzers
# (test/integration, test/e2e, test/fuzz): the set scripts/test-node-versions.sh runs.
set -eu
cd "$(dirname "$0")/.."
files=$(find src test integrations -name '*.test.ts' -o -name '*.test.tsx' | sort)
if [ "${TREFF_TEST_SET:-all}" = unit ]; then
  files=$(printf '%s\n' $files | grep -Ev '^test/(integration|e2e|fuzz)/')
fi
uses_postgres() { case ",${TEST_DIALECTS:-sqlite}," in *,postgres,*) return 0 ;; *) return 1 ;; esac; }
drop_schemas() { if uses_postgres; then node --import tsx test/support/drop-test-schemas.ts; fi; }
drop_schemas
status=0
# Under TREFF_REQUIRE_INTEGRATION=1 (set by .ci/run) a skipped test fails the run: a second TAP
# report goes to a file, and any "# SKIP" in it is named and turns the status red.
report=$(mktemp)
trap 'rm -f "$report"' EXIT
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" \
  --test-reporter=tap --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$report" \
  "$@" $files || status=$?
drop_schemas
if [ "${TREFF_REQUIRE_INTEGRATION:-}" = 1 ] && grep -q '# SKIP' "$report"; then
  echo "TREFF_REQUIRE_INTEGRATION=1, but tests were skipped:" >&2
  grep '# SKIP' "$report" | sed 's/^ */  /' >&2
  status=1
fi
exit $status
