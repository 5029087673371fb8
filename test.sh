#!/usr/bin/env bash
# Runs every BankLink test: unit tests, real PostgreSQL (a throwaway cluster per test assembly, or the
# server in BANKLINK_TEST_DATABASE), the real HTTP pipeline and the real binary. Ends with one line
# "N passed, N failed, N skipped" and a non-zero exit code when any test failed.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh
require_dotnet
require_postgres_server
require_chromium
require_node

# The interop test's packages, exactly as locked (tests/interop-oauth4webapi/package-lock.json); it uses the
# system's Chromium, so no browser is downloaded.
npm ci --prefix tests/interop-oauth4webapi --no-audit --no-fund --loglevel=error

results="$PWD/TestResults"
rm -rf "$results"
dotnet build BankLink.sln --nologo -v quiet
status=0
dotnet test BankLink.sln --no-build --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

# Each test process stops its throwaway PostgreSQL when it exits, but may be ended before its folder is
# deleted: remove the folders nobody holds any more (the owner's lock is free, no server running).
for dir in /tmp/banklink-tests-*; do
    [ -d "$dir" ] || continue
    [ -e "$dir/data/postmaster.pid" ] && continue
    flock -n "$dir/owner.lock" rm -rf "$dir" 2>/dev/null || true
done

passed=0; failed=0; skipped=0; total=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    total=$((total + $(value total)))
    passed=$((passed + $(value passed)))
    failed=$((failed + $(value failed)))
    skipped=$((skipped + $(value total) - $(value executed)))
done

echo "$passed passed, $failed failed, $skipped skipped"
if [ "$total" -eq 0 ]; then
    echo "error: no test ran" >&2
    exit 1
fi
exit "$status"
