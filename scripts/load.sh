#!/usr/bin/env bash
# Load test at province scale: builds the release binary, generates the
# province (gongkai demo-data) unless the database exists, serves it, and
# measures with wrk the office dashboard, a handler's 我的任务, the overdue
# list API, the public progress page, and report submission with a 200 KB
# attachment: requests per second, p50/p99 latency, the server's peak memory,
# and the time from start to the first answered request. Prints a Markdown
# table for BENCHMARKS.md, then checks that every report answered 201 is
# stored.
#
# Usage: scripts/load.sh [sqlite | postgres | DB_URL]
#   sqlite (default)  target/load/province.db
#   postgres          a private PostgreSQL cluster under target/load/pg
#                     (default settings: fsync on), started and stopped here
#   DB_URL            any sqlite:// or postgres:// database
# Environment: DISTRICTS, UNITS, VILLAGES, YEARS set the scale (default 100,
#   100, 30000, 2); CONNECTIONS (16) and DURATION (20s) the read load;
#   SUBMISSIONS (10000) how many distinct reports are posted.
# The submission scenario changes the database; copy it first to measure again.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${1:-sqlite}
DISTRICTS=${DISTRICTS:-100}
UNITS=${UNITS:-100}
VILLAGES=${VILLAGES:-30000}
YEARS=${YEARS:-2}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-20s}
SUBMISSIONS=${SUBMISSIONS:-10000}
WORK=$PWD/target/load
PORT=18080
mkdir -p "$WORK"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v jq >/dev/null || need+=(jq)
command -v curl >/dev/null || need+=(curl)
command -v bc >/dev/null || need+=(bc)
case "$TARGET" in postgres*) ;; *) command -v sqlite3 >/dev/null || need+=(sqlite3) ;; esac
if [ ${#need[@]} -gt 0 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

cleanup=()
on_exit() { for step in "${cleanup[@]}"; do eval "$step" || true; done; }
trap on_exit EXIT

case "$TARGET" in
  sqlite) DB="sqlite://$WORK/province.db" ;;
  postgres)
    source scripts/private-postgres.sh
    [ -n "$(pg_bin_dir)" ] || as_root apt-get install -y -qq postgresql >/dev/null
    start_private_postgres "$WORK/pg" 15433 -c shared_buffers=1GB -c max_connections=200
    DB=$PG_URL
    ;;
  *) DB=$TARGET ;;
esac

cargo build --release --locked -p gongkai >/dev/null
BIN=$PWD/target/release/gongkai
g() { "$BIN" --db "$DB" "$@"; }

generated() {
  case "$DB" in
    sqlite://*) [ -f "${DB#sqlite://}" ] ;;
    *) g obligations --limit 1 --json 2>/dev/null | grep -q '"id"' ;;
  esac
}
if ! generated; then
  echo "== generating the province ($DISTRICTS districts × $UNITS units, $VILLAGES villages, $YEARS years)"
  /usr/bin/time -f "generated in %e s, peak memory %M KB" "$BIN" --db "$DB" demo-data --districts "$DISTRICTS" \
    --units-per-district "$UNITS" --villages "$VILLAGES" --years "$YEARS"
  # Statistics for the planner now, not when autovacuum gets to it.
  case "$DB" in postgres*) psql "$DB" -qc "VACUUM ANALYZE" ;; esac
fi

password="负载测试专用密码 2026"
add_account() { # login role [unit]
  g user add --login "$1" --role "$2" ${3:+--unit "$3"} --password-stdin <<<"$password" >/dev/null 2>&1 || true
}
add_account load-office office
add_account load-town handler 示范省第1区温泉镇人民政府
OFFICE_TOKEN=$(g token create --login load-office | tail -n 1 | awk '{print $NF}')
LAST_YEAR=$((2020 + YEARS - 1))
TODAY="$LAST_YEAR-12-25"

serve() {
  "$BIN" --db "$DB" serve --bind 127.0.0.1:$PORT --now "$TODAY" --remind-every-seconds 0 \
    --files "$WORK/files" >>"$WORK/serve.log" 2>&1 &
  SERVER=$!
  cleanup+=("kill $SERVER 2>/dev/null")
  local start
  start=$(date +%s.%N)
  until curl -sf -o /dev/null http://127.0.0.1:$PORT/login; do sleep 0.01; done
  echo "first answered request $(echo "$(date +%s.%N) - $start" | bc) s after start"
}
echo "== serving $DB as of $TODAY"
serve

session() { # a page session for a login: the session cookie's value
  local jar="$WORK/$1.cookies"
  rm -f "$jar"
  local csrf
  csrf=$(curl -s -c "$jar" http://127.0.0.1:$PORT/login | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "login=$1" --data-urlencode "password=$password" \
    --data-urlencode "csrf=$csrf" http://127.0.0.1:$PORT/login
  local value
  value=$(awk '$6 == "gongkai_session" {print $7}' "$jar")
  [ -n "$value" ] || { echo "signing in as $1 failed" >&2; exit 1; }
  echo "$value"
}
OFFICE_SESSION=$(session load-office)
TOWN_SESSION=$(session load-town)

row() { # name, then wrk arguments; prints a table row
  local name=$1; shift
  if [ "$1" != "-s" ]; then # the same headers and address through curl: a page, not a redirect to sign-in
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' "$@")
    [ "$code" = 200 ] || { echo "$name answered $code, not 200" >&2; exit 1; }
  fi
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '| %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99"
  if grep -q "Non-2xx" <<<"$out"; then grep "Non-2xx" <<<"$out" >&2; fi
}

echo
echo "| scenario ($DB, $CONNECTIONS connections, $DURATION) | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
row "office dashboard /" -H "Cookie: gongkai_session=$OFFICE_SESSION" http://127.0.0.1:$PORT/
row "handler 我的任务 /my" -H "Cookie: gongkai_session=$TOWN_SESSION" http://127.0.0.1:$PORT/my
row "overdue list API (100 rows)" -H "Authorization: Bearer $OFFICE_TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/obligations?light=red&limit=100"
row "public progress /public/plans/1" http://127.0.0.1:$PORT/public/plans/1

# Submissions: $SUBMISSIONS distinct pending obligations of this year, whole
# units at a time, an account and a token per unit, a different 200 KB PDF each.
echo "== preparing $SUBMISSIONS reports" >&2
: >"$WORK/pending.tsv"
offset=0
while [ "$(wc -l <"$WORK/pending.tsv")" -lt "$SUBMISSIONS" ]; do
  page=$(curl -sf -H "Authorization: Bearer $OFFICE_TOKEN" \
    "http://127.0.0.1:$PORT/api/v1/obligations?status=pending&from=$LAST_YEAR-01-01&sort=unit&limit=10000&offset=$offset")
  [ "$(jq length <<<"$page")" -gt 0 ] || break
  jq -r '.[] | [.unit, .id] | @tsv' <<<"$page" >>"$WORK/pending.tsv"
  offset=$((offset + 10000))
done
head -n "$SUBMISSIONS" "$WORK/pending.tsv" >"$WORK/chosen.tsv"
: >"$WORK/reports.txt"
n=0
while IFS= read -r unit; do
  n=$((n + 1))
  login="load-$(printf '%s' "$unit" | md5sum | cut -c1-16)" # one account per unit, across runs
  add_account "$login" handler "$unit"
  token=$(g token create --login "$login" | tail -n 1 | awk '{print $NF}')
  awk -F'\t' -v u="$unit" -v t="$token" '$1 == u {print t, $2}' "$WORK/chosen.tsv" >>"$WORK/reports.txt"
done < <(cut -f1 "$WORK/chosen.tsv" | uniq)
echo "== $(wc -l <"$WORK/reports.txt") reports from $n units" >&2

cat >"$WORK/submit.lua" <<'LUA'
-- Each thread posts its share of the reports once; when its share is all
-- sent its connections wait (delay) until every report has its answer, and
-- it stops: the latencies are the reports' only.
local threads, counter = {}, 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  reports = {}
  local i = 0
  for line in io.lines(os.getenv("REPORTS")) do
    if i % 2 == tid then
      local token, id = line:match("(%S+) (%S+)")
      reports[#reports + 1] = { token = token, id = id }
    end
    i = i + 1
  end
  sent, answered, created = 0, 0, 0
end
local boundary = "gongkaiLoadBoundary"
local filler = string.rep("0", 200 * 1024)
delay = function()
  if sent >= #reports then return 600000 end
  return 0
end
request = function()
  sent = sent + 1
  local r = reports[math.min(sent, #reports)]
  local body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n负载测试报送\r\n"
    .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"report.pdf\"\r\n"
    .. "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n% obligation " .. r.id .. "\n" .. filler
    .. "\r\n--" .. boundary .. "--\r\n"
  return wrk.format("POST", "/api/v1/obligations/" .. r.id .. "/submissions", {
    ["Authorization"] = "Bearer " .. r.token,
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  }, body)
end
response = function(status)
  answered = answered + 1
  if status == 201 then created = created + 1 end
  if answered >= #reports then wrk.thread:stop() end
end
done = function()
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("created") end
  local f = io.open(os.getenv("CREATED"), "w")
  f:write(total)
  f:close()
end
LUA
sql() { # one query, one value
  case "$DB" in
    sqlite://*) sqlite3 "${DB#sqlite://}" "$1" ;;
    *) psql "$DB" -Atc "$1" ;;
  esac
}
case "$DB" in
  sqlite://*) span="round((julianday(max(submitted_at)) - julianday(min(submitted_at))) * 86400, 1)" ;;
  *) span="round(extract(epoch FROM max(submitted_at) - min(submitted_at))::numeric, 1)" ;;
esac
# wrk keeps its clock running for the whole -d (twice the target's 60 s);
# the database's times say how long the reports took, first to last.
REPORTS=$WORK/reports.txt CREATED=$WORK/created.txt DURATION=120s \
  row "report with a 200 KB PDF ($(wc -l <"$WORK/reports.txt") distinct reports; rate from the database below)" \
  -s "$WORK/submit.lua" http://127.0.0.1:$PORT/
echo
echo "peak memory (VmHWM) of the server: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER/status)"

# Zero lost: every report answered 201 is stored, its obligation waits for review.
created=$(cat "$WORK/created.txt")
# This run's reports: their obligations are in reports.txt (earlier runs' are not).
ids=$(awk '{print $2}' "$WORK/reports.txt" | paste -sd, -)
mine="text = '负载测试报送' AND obligation_id IN ($ids)"
stored=$(sql "SELECT COUNT(*) FROM submissions WHERE $mine")
seconds=$(sql "SELECT $span FROM submissions WHERE $mine")
echo "reports answered 201: $created; stored: $stored, the first to the last in $seconds s ($(echo "$stored / $seconds" | bc) reports/s)"
# More stored than answered is a report whose answer wrk did not wait for.
[ "$stored" -ge "$created" ] || { echo "LOST: $created answered 201, only $stored stored" >&2; exit 1; }

# Cold start on the province database, after the load.
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
echo "== restart"
serve
