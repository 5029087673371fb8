#!/usr/bin/env bash
# Resource API benchmark: balance reads and transaction pages with DPoP-bound tokens at concurrency 1, 16 and 64,
# on the demo data and then on the 100,000-customer dataset; and a history page of an account with 100 lines
# against one with 100,000. Writes bench/results/resource.md. Only 127.0.0.1 is used; each run is bounded.
# Usage: bench/resource.sh [SECONDS_PER_RUN (default 10)] [CUSTOMERS (default 100000)]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prerequisites.sh
require_dotnet
require_postgres_server
dotnet build src/BankLink.Server/BankLink.Server.csproj -c Release --nologo -v quiet >/dev/null
dotnet run --project bench/BankLink.Bench.Resource -c Release -- "$PWD/src/BankLink.Server/bin/Release/net10.0/BankLink.Server.dll" "$PWD/bench/results/resource.md" "${1:-10}" "${2:-100000}"
