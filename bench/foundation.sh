#!/usr/bin/env bash
# Foundation benchmark, rerunnable by anyone: writes bench/results/foundation.md.
#   1. seed-demo --customers N (default 100,000) into a fresh embedded PostgreSQL: wall time, peak
#      memory, rows, database size.
#   2. Start-up time to ready (first 200 from /health/ready), median of 3:
#      - embedded, first start ever (initdb, migrations, sandbox bank),
#      - embedded, restart on the N-customer database,
#      - external database (a configured connection string; BankLink starts nothing).
# Only 127.0.0.1 is used. Usage: bench/foundation.sh [--customers N]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prerequisites.sh
require_dotnet
require_postgres_server
command -v curl >/dev/null || { is_root && apt_install curl; } || die "curl is required: apt-get install curl"
command -v psql >/dev/null || { is_root && apt_install postgresql-client; } || die "psql is required: apt-get install postgresql-client"

customers=100000
[ "${1:-}" = "--customers" ] && customers="$2"

dotnet build src/BankLink.Server/BankLink.Server.csproj -c Release --nologo -v quiet >/dev/null
bin="$PWD/src/BankLink.Server/bin/Release/net10.0"
work=$(mktemp -d /tmp/banklink-bench-XXXXXX)
chmod 755 "$work" # when run as root, PostgreSQL runs as 'postgres' and must reach the folder
pids=()
cleanup() {
    for pid in "${pids[@]}"; do stop "$pid"; done
    rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }

# Starts the server in $1 (extra args after), waits for ready; prints "ms pid port".
start_and_time() {
    local dir="$1"; shift
    local port; port=$(free_port)
    local t0; t0=$(now_ms)
    # The subshell execs into dotnet, so $! is the server itself: the signal in stop() reaches it.
    (cd "$dir" && exec dotnet "$bin/BankLink.Server.dll" --contentRoot "$bin" --urls "http://127.0.0.1:$port" "$@") >"$dir/server-$port.log" 2>&1 &
    local pid=$!
    until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || { cat "$dir/server-$port.log" >&2; die "BankLink exited during start-up"; }
        sleep 0.05
    done
    echo "$(( $(now_ms) - t0 )) $pid $port"
}

stop() {
    kill -TERM "$1" 2>/dev/null || true
    # wait only works for this shell's own children; poll so a server started in a subshell is waited for too.
    for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    die "BankLink (pid $1) did not stop within 30 s"
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

echo "Seeding $customers synthetic customers..." >&2
mkdir -p "$work/big"
t0=$(now_ms)
/usr/bin/time -f "%M" -o "$work/seed.rss" bash -c "cd '$work/big' && exec dotnet '$bin/BankLink.Server.dll' --contentRoot '$bin' seed-demo --customers $customers" >"$work/seed.log" 2>&1 \
    || { cat "$work/seed.log" >&2; die "seed-demo failed"; }
seed_ms=$(( $(now_ms) - t0 ))
seed_rss_mb=$(( $(cat "$work/seed.rss") / 1024 ))

echo "Embedded restart on the big database (3 runs)..." >&2
restart=()
for _ in 1 2 3; do
    read -r ms pid port < <(start_and_time "$work/big")
    restart+=("$ms")
    last_pid=$pid
    [ "${#restart[@]}" -lt 3 ] && stop "$pid"
done
pids+=("$last_pid")

pgdir="$work/big/.banklink/postgres"
export PGPASSWORD; PGPASSWORD=$(cat "$pgdir/superuser.password")
pgport=$(cat "$pgdir/port")
q() { psql -h 127.0.0.1 -p "$pgport" -U banklink -d banklink -Atqc "$1"; }
rows_customers=$(q "SELECT count(*) FROM customers")
rows_accounts=$(q "SELECT count(*) FROM ledger.accounts")
rows_transactions=$(q "SELECT count(*) FROM ledger.transactions")
db_size=$(q "SELECT pg_size_pretty(pg_database_size('banklink'))")
tx_size=$(q "SELECT pg_size_pretty(pg_total_relation_size('ledger.transactions'))")
pg_version=$(q "SHOW server_version")

echo "External database (3 runs)..." >&2
mkdir -p "$work/external"
external=()
for _ in 1 2 3; do
    read -r ms pid port < <(ConnectionStrings__BankLink="Host=127.0.0.1;Port=$pgport;Username=banklink;Password=$PGPASSWORD;Database=banklink" start_and_time "$work/external")
    external+=("$ms")
    stop "$pid"
done
stop "$last_pid"
pids=()

echo "Embedded first start (3 runs, each in a new folder)..." >&2
first=()
for i in 1 2 3; do
    mkdir -p "$work/fresh$i"
    read -r ms pid port < <(start_and_time "$work/fresh$i")
    first+=("$ms")
    stop "$pid"
done

bulk_s=$(sed -n 's/^Synthetic customers: .* in \([0-9.]*\) s\.$/\1/p' "$work/seed.log")
transactions_per_s=$(awk "BEGIN{printf \"%d\", $rows_transactions/$bulk_s}")
cat > bench/results/foundation.md <<MD
# Foundation benchmark

Rerun with \`bench/foundation.sh\` (options: \`--customers N\`). Figures from the last run.

- Date: $(date -u +%Y-%m-%dT%H:%MZ)
- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GiB memory
- PostgreSQL $pg_version (embedded, durable settings: fsync on), .NET $(dotnet --version), Release build

## seed-demo --customers $customers

| what | figure |
|---|---|
| wall time (embedded PostgreSQL start, migrations, sandbox bank, synthetic customers, ANALYZE, stop) | $(awk "BEGIN{printf \"%.1f\", $seed_ms/1000}") s |
| customers | $rows_customers |
| ledger accounts | $rows_accounts |
| ledger transactions | $rows_transactions |
| of which the bulk load itself (generate + COPY, 2 workers) | $bulk_s s |
| load rate of the bulk load | $transactions_per_s transactions/s |
| peak memory of the seeding process (max RSS) | $seed_rss_mb MiB |
| database size | $db_size |
| of which ledger.transactions with its index | $tx_size |

## Start-up time to ready

From process start to the first 200 from \`/health/ready\`; median of 3 runs (all runs in brackets).

| start | median | runs (ms) |
|---|---|---|
| embedded, first start ever (initdb, migrations, sandbox bank) | $(median "${first[@]}") ms | ${first[*]} |
| embedded, restart on the $customers-customer database | $(median "${restart[@]}") ms | ${restart[*]} |
| external database (connection string; nothing started) | $(median "${external[@]}") ms | ${external[*]} |
MD
cat bench/results/foundation.md
