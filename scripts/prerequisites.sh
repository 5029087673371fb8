# Shared by run.sh and test.sh: checks the system packages BankLink needs and, when run as root,
# installs the missing ones with apt-get; otherwise stops with a message naming what to install.
# shellcheck shell=bash

die() { echo "error: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" = "0" ]; }

apt_ready=""
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get is not available; install these packages with your system's package manager: $*"
    if [ -z "$apt_ready" ]; then
        echo "Updating the package lists (apt-get update)..." >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        apt_ready=1
    fi
    echo "Installing $* (apt-get install)..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

require_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
        die "the .NET 10 SDK is required (dotnet --list-sdks shows none). Install it: https://learn.microsoft.com/dotnet/core/install/linux (Debian/Ubuntu: the dotnet-sdk-10.0 package from Microsoft's package feed)."
    fi
}

postgres_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
    fi
    if command -v initdb >/dev/null 2>&1; then
        dir=$(dirname "$(readlink -f "$(command -v initdb)")")
        [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -rn); do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
    done
    return 1
}

require_postgres_server() {
    postgres_bindir >/dev/null && return 0
    is_root || die "the PostgreSQL server binaries (initdb, pg_ctl, postgres) are missing. Install them: sudo apt-get install postgresql (any PostgreSQL 14 or newer), or set ConnectionStrings__BankLink to an existing server."
    # Debian's package would also create and start a system-wide cluster on port 5432; BankLink runs its own.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
    apt_install postgresql
    postgres_bindir >/dev/null || die "apt-get installed postgresql but initdb, pg_ctl and postgres are still not found."
}

require_chromium() {
    # Chromium, and a Japanese font so pages render (and screenshot) as customers see them.
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    { command -v fc-list >/dev/null 2>&1 && fc-list :lang=ja 2>/dev/null | grep -q .; } || missing+=(fonts-noto-cjk)
    [ "${#missing[@]}" -eq 0 ] && return 0
    is_root || die "the browser tests need: ${missing[*]}. Install: sudo apt-get install ${missing[*]}"
    apt_install "${missing[@]}"
}

require_node() {
    # Node.js 20 or newer with npm, for the interop test that drives BankLink with oauth4webapi and Playwright
    # (tests/interop-oauth4webapi; both packages need Node 20). Debian 12's own nodejs is 18, so nothing is
    # installed here: the message names where to get it.
    local major=""
    command -v node >/dev/null 2>&1 && major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)
    if [ -z "$major" ] || [ "$major" -lt 20 ] || ! command -v npm >/dev/null 2>&1; then
        die "the interop test needs Node.js 20 or newer with npm (found: ${major:+Node $major}${major:-no node}). Install it: https://nodejs.org/en/download (Debian: the nodejs package from NodeSource)."
    fi
}
