#!/usr/bin/env bash
# Token endpoint benchmark: code exchange and refresh grants at concurrency 1, 16 and 64, plus micro-timings.
# Writes bench/results/tokens.md. Only 127.0.0.1 is used; each run is bounded (seconds per run, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/prerequisites.sh
require_dotnet
require_postgres_server
dotnet build src/BankLink.Server/BankLink.Server.csproj -c Release --nologo -v quiet >/dev/null
dotnet run --project bench/BankLink.Bench.Tokens -c Release -- "$PWD/src/BankLink.Server/bin/Release/net10.0/BankLink.Server.dll" "$PWD/bench/results/tokens.md" "${1:-10}"
