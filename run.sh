#!/usr/bin/env bash
# Runs BankLink with its embedded defaults: its own PostgreSQL in ./.banklink/postgres (created on the
# first start, kept across restarts, stopped on Ctrl+C), the sandbox bank loaded, served on
# http://127.0.0.1:5080. Extra arguments go to the server (for example --urls http://127.0.0.1:6000).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh
require_dotnet
# Only the embedded default needs the server binaries; with a configured server BankLink starts nothing.
[ -n "${ConnectionStrings__BankLink:-}" ] || require_postgres_server

build_log=$(mktemp)
echo "Building BankLink..." >&2
dotnet build src/BankLink.Server/BankLink.Server.csproj -c Release --nologo -v quiet >"$build_log" 2>&1 || { cat "$build_log" >&2; rm -f "$build_log"; exit 1; }
rm -f "$build_log"
bin="$PWD/src/BankLink.Server/bin/Release/net10.0"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet "$bin/BankLink.Server.dll" --contentRoot "$bin" "$@"
