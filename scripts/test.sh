#!/bin/sh
# The test command (`npm test`, also run by .ci/run): one node:test run over every test file,
# under c8 for coverage. Node 20's --test does not expand globs, so the files are listed here.
# TEST_DIALECTS=sqlite,postgres runs every database-backed test on both databases.
set -eu
cd "$(dirname "$0")/.."
files=$(find src test integrations -name '*.test.ts' -o -name '*.test.tsx' | sort)
uses_postgres() { case ",${TEST_DIALECTS:-sqlite}," in *,postgres,*) return 0 ;; *) return 1 ;; esac; }
drop_schemas() { if uses_postgres; then node --import tsx test/support/drop-test-schemas.ts; fi; }
drop_schemas
status=0
node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" "$@" $files || status=$?
drop_schemas
exit $status
