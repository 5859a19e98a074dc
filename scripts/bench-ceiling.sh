#!/usr/bin/env bash
# gongkai beside the bare-stack ceiling (../shared/ceiling): the same work —
# a bearer token, one unit's list of 50 obligations joined with task and
# unit, as JSON — on databases of the same size (the ceiling's 100,000
# obligations; gongkai's demo province of 116,090), measured in one run on
# the same cores, the two servers taking turns under wrk. Prints requests/s
# for every round and the ratios to the ceiling's rusqlite route in the same
# round; the targets (issue 11) are the API list ≥ 0.5 and 我的任务 ≥ 0.4.
# Then the office's overdue list (100 rows of all units) on the same data in
# SQLite and in a private PostgreSQL cluster, and their ratio per round (the
# target: PostgreSQL within 2× of SQLite).
#
# Usage: scripts/bench-ceiling.sh
# Environment: ROUNDS (3), DURATION (10s) and CONNECTIONS (16) per run;
#   CEILING (../shared/ceiling) where the ceiling's sources are.
# The databases and the ceiling's build stay in target/bench-ceiling; delete
# that folder to start from nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
CEILING=${CEILING:-../shared/ceiling}
WORK=$PWD/target/bench-ceiling
CEILING_PORT=18090
GONGKAI_PORT=18091
PG_GONGKAI_PORT=18092
PG_PORT=15434
mkdir -p "$WORK"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
for tool in wrk curl jq psql; do command -v $tool >/dev/null || need+=("$tool"); done
source scripts/private-postgres.sh
[ -n "$(pg_bin_dir)" ] || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

cleanup=()
on_exit() { for step in "${cleanup[@]}"; do eval "$step" || true; done; }
trap on_exit EXIT

# The ceiling is built outside its folder (shared/ is read-only in CI).
echo "== building the ceiling and gongkai (release)" >&2
CARGO_TARGET_DIR=$WORK/ceiling-target cargo build --release --quiet --manifest-path "$CEILING/Cargo.toml"
cargo build --release --locked --quiet -p gongkai
BIN=$PWD/target/release/gongkai
DB="sqlite://$WORK/gongkai.db"
g() { "$BIN" --db "$DB" "$@"; }

DEMO=(demo-data --districts 5 --units-per-district 100 --villages 1500 --years 2)
if [ ! -f "$WORK/gongkai.db" ]; then
  echo "== generating gongkai's data (5 districts, 2 years)" >&2
  g "${DEMO[@]}" | tail -n 1 >&2
fi

# The same data in a private PostgreSQL cluster (default settings).
start_private_postgres "$WORK/pg" "$PG_PORT"
PG_DB=$PG_URL
gp() { "$BIN" --db "$PG_DB" --key-file "$WORK/pg/secret.key" "$@"; }
if ! gp obligations --limit 1 --json 2>/dev/null | grep -q '"id"'; then
  echo "== generating the same data in PostgreSQL" >&2
  gp "${DEMO[@]}" | tail -n 1 >&2
  psql "$PG_DB" -qc "VACUUM ANALYZE"
fi
# A village: 68 obligations over the two years, so that 50 is a page of them.
UNIT=示范省第1区温泉镇第1村
password="基准测试专用密码 2026"
add_account() { # login role [unit]
  g user add --login "$1" --role "$2" ${3:+--unit "$3"} --password-stdin <<<"$password" >/dev/null 2>&1 || true
}
add_account bench-village handler "$UNIT"
add_account bench-office office
TOKEN=$(g token create --login bench-village | tail -n 1 | awk '{print $NF}')
OFFICE_TOKEN=$(g token create --login bench-office | tail -n 1 | awk '{print $NF}')
gp user add --login bench-office --role office --password-stdin <<<"$password" >/dev/null 2>&1 || true
PG_OFFICE_TOKEN=$(gp token create --login bench-office | tail -n 1 | awk '{print $NF}')

"$WORK/ceiling-target/release/ceiling" "$WORK/ceiling.db" 127.0.0.1:$CEILING_PORT >"$WORK/ceiling.log" 2>&1 &
cleanup+=("kill $! 2>/dev/null")
"$BIN" --db "$DB" serve --bind 127.0.0.1:$GONGKAI_PORT --now 2021-12-25 --remind-every-seconds 0 \
  --files "$WORK/files" >"$WORK/gongkai.log" 2>&1 &
cleanup+=("kill $! 2>/dev/null")
"$BIN" --db "$PG_DB" --key-file "$WORK/pg/secret.key" serve --bind 127.0.0.1:$PG_GONGKAI_PORT --now 2021-12-25 \
  --remind-every-seconds 0 --files "$WORK/files" >"$WORK/gongkai-pg.log" 2>&1 &
cleanup+=("kill $! 2>/dev/null")
# The ceiling builds its database on first start: wait for it.
until curl -sf -o /dev/null http://127.0.0.1:$CEILING_PORT/; do sleep 0.2; done
until curl -sf -o /dev/null http://127.0.0.1:$GONGKAI_PORT/login; do sleep 0.05; done
until curl -sf -o /dev/null http://127.0.0.1:$PG_GONGKAI_PORT/login; do sleep 0.05; done

session() { # a page session for a login: the session cookie's value
  local jar="$WORK/$1.cookies" csrf
  rm -f "$jar"
  csrf=$(curl -s -c "$jar" http://127.0.0.1:$GONGKAI_PORT/login | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "login=$1" --data-urlencode "password=$password" \
    --data-urlencode "csrf=$csrf" http://127.0.0.1:$GONGKAI_PORT/login
  awk '$6 == "gongkai_session" {print $7}' "$jar"
}
VILLAGE_SESSION=$(session bench-village)
OFFICE_SESSION=$(session bench-office)

API="http://127.0.0.1:$GONGKAI_PORT/api/v1/obligations?unit=$(jq -rn --arg u "$UNIT" '$u|@uri')&limit=50"
# 我的任务 narrowed to the same 50 rows: due on or before the 50th row's day.
LAST_DUE=$(curl -sf -H "Authorization: Bearer $TOKEN" "$API" | jq -r '.[-1].due')
MY="http://127.0.0.1:$GONGKAI_PORT/my?to=$LAST_DUE"

# name | what the answer must hold | curl/wrk arguments
scenarios=(
  "ceiling rusqlite|50|-H|Authorization: Bearer token-7|http://127.0.0.1:$CEILING_PORT/rusqlite/obligations?limit=50"
  "ceiling sqlx|50|-H|Authorization: Bearer token-7|http://127.0.0.1:$CEILING_PORT/api/v1/obligations?limit=50"
  "gongkai API list|50|-H|Authorization: Bearer $TOKEN|$API"
  "gongkai 我的任务|page|-H|Cookie: gongkai_session=$VILLAGE_SESSION|$MY"
  "gongkai dashboard|page|-H|Cookie: gongkai_session=$OFFICE_SESSION|http://127.0.0.1:$GONGKAI_PORT/"
  "overdue list, SQLite|100|-H|Authorization: Bearer $OFFICE_TOKEN|http://127.0.0.1:$GONGKAI_PORT/api/v1/obligations?light=red&limit=100"
  "overdue list, PostgreSQL|100|-H|Authorization: Bearer $PG_OFFICE_TOKEN|http://127.0.0.1:$PG_GONGKAI_PORT/api/v1/obligations?light=red&limit=100"
)

# Each answer checked once before it is measured: the rows, or a page (not a
# redirect to sign-in).
for s in "${scenarios[@]}"; do
  IFS='|' read -r name want h1 h2 url <<<"$s"
  body=$(curl -sf "$h1" "$h2" "$url") || { echo "$name: $url failed" >&2; exit 1; }
  if [ "$want" = page ]; then
    grep -q '</html>' <<<"$body" || { echo "$name did not answer a page" >&2; exit 1; }
    [ "$name" = "gongkai 我的任务" ] && echo "我的任务 shows $(grep -o '共 [0-9]* 条' <<<"$body") (due to $LAST_DUE)" >&2
  else
    rows=$(jq length <<<"$body")
    [ "$rows" = "$want" ] || { echo "$name answered $rows rows, not $want" >&2; exit 1; }
  fi
done

# A first pass unmeasured: the files into the page cache, the statements
# prepared, the threads started.
for s in "${scenarios[@]}"; do
  IFS='|' read -r name want h1 h2 url <<<"$s"
  wrk -t2 -c"$CONNECTIONS" -d3s "$h1" "$h2" "$url" >/dev/null
done

declare -A rps
for round in $(seq 1 "$ROUNDS"); do
  for s in "${scenarios[@]}"; do
    IFS='|' read -r name want h1 h2 url <<<"$s"
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "$h1" "$h2" "$url")
    if grep -q "Non-2xx" <<<"$out"; then echo "$name: $(grep 'Non-2xx' <<<"$out")" >&2; exit 1; fi
    rps[$name,$round]=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    echo "round $round: $name ${rps[$name,$round]} req/s" >&2
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo
printf '| request (%s connections, %s each, %s rounds interleaved) |' "$CONNECTIONS" "$DURATION" "$ROUNDS"
for round in $(seq 1 "$ROUNDS"); do printf ' round %s req/s |' "$round"; done
echo ' ÷ ceiling rusqlite, per round |'
printf '|---|'; for _ in $(seq 1 "$ROUNDS"); do printf -- '---|'; done; echo '---|'
for s in "${scenarios[@]}"; do
  IFS='|' read -r name _ <<<"$s"
  printf '| %s |' "$name"
  ratios=()
  for round in $(seq 1 "$ROUNDS"); do
    printf ' %s |' "${rps[$name,$round]}"
    ratios+=("$(ratio "${rps[$name,$round]}" "${rps[ceiling rusqlite,$round]}")")
  done
  echo " ${ratios[*]} |"
done
printf '| overdue list: SQLite ÷ PostgreSQL |'
for round in $(seq 1 "$ROUNDS"); do
  printf ' %s |' "$(ratio "${rps[overdue list, SQLite,$round]}" "${rps[overdue list, PostgreSQL,$round]}")"
done
echo ' (target ≤ 2) |'
