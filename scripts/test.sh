#!/usr/bin/env bash
# Runs every check and test gongkai has: on SQLite and on a private
# PostgreSQL cluster, the pages in headless Chromium, and the exported files
# read back by LibreOffice and pdftotext. Installs what is missing (Debian's
# postgresql, chromium, chromium-driver, fonts-noto-cjk, libreoffice-calc-nogui,
# poppler-utils), starts the cluster and stops it at the end.
# Usage: scripts/test.sh   (run from anywhere; needs root or sudo for apt-get)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
{ [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ]; } || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
tools=()
command -v soffice >/dev/null || tools+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null || tools+=(poppler-utils)
if [ $(( ${#missing[@]} + ${#tools[@]} )) -gt 0 ]; then
  log "installing ${missing[*]} ${tools[*]}"
  as_root apt-get update -qq
  [ ${#missing[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  # LibreOffice's recommendations are a desktop's worth; the converter needs none.
  [ ${#tools[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
fi
# A one-shot build gains nothing from incremental artefacts, which double the
# target folder; CI machines have run out of disk on them.
[ -z "${CI:-}" ] || export CARGO_INCREMENTAL=0
free_kb=$(df -Pk . | awk 'NR==2 {print $4}')
[ "${free_kb:-0}" -gt 8000000 ] || log "warning: only $(( ${free_kb:-0} / 1024 )) MiB free here; the build needs about 8 GiB"
export GONGKAI_TEST_CHROMEDRIVER=$(command -v chromedriver)
export GONGKAI_REQUIRE_BROWSER=1
export GONGKAI_REQUIRE_DOCUMENT_TOOLS=1
PG_BIN=$(pg_bin)

log "starting a private PostgreSQL cluster"
PG_DIR=$(mktemp -d /tmp/gongkai-pg.XXXXXX)
PG_PORT=${GONGKAI_TEST_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
run_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
stop_pg() {
  run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_pg EXIT
run_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
export GONGKAI_TEST_PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export GONGKAI_REQUIRE_PG=1

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "cargo test (SQLite, and PostgreSQL at port $PG_PORT)"
# Into a file, not a pipe: a stray child process holding the pipe open must
# not keep this script waiting.
status=0
cargo test --workspace --locked >"$PG_DIR/test.log" 2>&1 || status=$?
cat "$PG_DIR/test.log"

passed=$(grep -Eo '^test result: ok\. [0-9]+ passed' "$PG_DIR/test.log" | awk '{s += $4} END {print s + 0}')
failed=$(grep -Eo '[0-9]+ failed' "$PG_DIR/test.log" | awk '{s += $1} END {print s + 0}')
echo
echo "$passed passed, $failed failed"
exit "$status"
