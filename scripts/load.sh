#!/usr/bin/env bash
# Load test at province scale: builds the release binary, generates the
# province (gongkai demo-data) unless the database exists, serves it, and
# measures with wrk the office dashboard, a handler's 我的任务, the overdue
# list API, the public progress page, and report submission with a 200 KB
# attachment: requests per second, p50/p99 latency, and the server's peak
# memory. Prints a Markdown table for BENCHMARKS.md.
#
# Usage: scripts/load.sh [DB_URL]
#   DB_URL defaults to sqlite://target/load/province.db
#   DISTRICTS, UNITS, VILLAGES, YEARS set the scale (default 100, 100, 30000, 2)
#   CONNECTIONS (16), DURATION (20s), SUBMISSIONS (10000) set the load
set -euo pipefail
cd "$(dirname "$0")/.."

DB=${1:-sqlite://target/load/province.db}
DISTRICTS=${DISTRICTS:-100}
UNITS=${UNITS:-100}
VILLAGES=${VILLAGES:-30000}
YEARS=${YEARS:-2}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-20s}
SUBMISSIONS=${SUBMISSIONS:-10000}
WORK=target/load
mkdir -p "$WORK"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
command -v wrk >/dev/null || { as_root apt-get update -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk curl >/dev/null; }

cargo build --release --locked -p gongkai >/dev/null
BIN=target/release/gongkai
g() { "$BIN" --db "$DB" "$@"; }

if [ "${DB#sqlite://}" != "$DB" ] && [ ! -f "${DB#sqlite://}" ]; then
  echo "== generating the province ($DISTRICTS districts, $VILLAGES villages, $YEARS years)"
  /usr/bin/time -v "$BIN" --db "$DB" demo-data --districts "$DISTRICTS" --units-per-district "$UNITS" \
    --villages "$VILLAGES" --years "$YEARS" 2> >(grep -E "Elapsed|Maximum resident" >&2)
fi

password="负载测试专用密码 2026"
for account in "load-office office" "load-town handler 示范省第1区温泉镇"; do
  set -- $account
  g user add --login "$1" --role "$2" ${3:+--unit "$3"} --password-stdin <<<"$password" >/dev/null 2>&1 || true
done
OFFICE_TOKEN=$(g token create --login load-office | awk '{print $NF}')
TOWN_TOKEN=$(g token create --login load-town | awk '{print $NF}')
LAST_YEAR=$((2020 + YEARS - 1))

"$BIN" --db "$DB" serve --bind 127.0.0.1:18080 --now "$LAST_YEAR-12-25" --remind-every-seconds 0 \
  --files "$WORK/files" >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
start=$(date +%s.%N)
until curl -sf -o /dev/null http://127.0.0.1:18080/login; do sleep 0.05; done
echo "== first answered request $(echo "$(date +%s.%N) - $start" | bc) s after start"

session() { # a page session for a login: the session cookie's value
  local jar="$WORK/$1.cookies"
  rm -f "$jar"
  local csrf
  csrf=$(curl -s -c "$jar" http://127.0.0.1:18080/login | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{64\}')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "login=$1" --data-urlencode "password=$password" \
    --data-urlencode "csrf=$csrf" http://127.0.0.1:18080/login
  awk '$6 == "gongkai_session" {print $7}' "$jar"
}
OFFICE_SESSION=$(session load-office)
TOWN_SESSION=$(session load-town)

row() { # name, then wrk arguments; prints a table row
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '| %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99"
  grep -q "Non-2xx" <<<"$out" && grep "Non-2xx" <<<"$out" >&2 || true
}

echo
echo "| scenario ($DB, $CONNECTIONS connections, $DURATION) | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
row "office dashboard /" -H "Cookie: gongkai_session=$OFFICE_SESSION" http://127.0.0.1:18080/
row "handler 我的任务 /my" -H "Cookie: gongkai_session=$TOWN_SESSION" http://127.0.0.1:18080/my
row "overdue list API" -H "Authorization: Bearer $OFFICE_TOKEN" "http://127.0.0.1:18080/api/v1/obligations?light=red&limit=100"
row "public progress /public/plans/1" http://127.0.0.1:18080/public/plans/1

# Submissions: each to a different pending obligation of the town, a 200 KB PDF each.
g obligations --unit 示范省第1区温泉镇 --json | grep -o '"id": [0-9]*' | awk '{print $2}' >"$WORK/ids.txt" || true
cat >"$WORK/submit.lua" <<'LUA'
local ids = {}
for line in io.lines("target/load/ids.txt") do ids[#ids + 1] = line end
local boundary = "gongkaiLoadBoundary"
local pdf = "%PDF-1.4\n" .. string.rep("0", 200 * 1024)
local body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n已完成\r\n"
  .. "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"report.pdf\"\r\n"
  .. "Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n--" .. boundary .. "--\r\n"
local n = 0
request = function()
  n = n + 1
  local id = ids[(n - 1) % #ids + 1]
  return wrk.format("POST", "/api/v1/obligations/" .. id .. "/submissions", {
    ["Authorization"] = "Bearer " .. os.getenv("TOWN_TOKEN"),
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
  }, body)
end
LUA
TOWN_TOKEN=$TOWN_TOKEN row "report with 200 KB file (first per obligation 201, then 400)" -s "$WORK/submit.lua" http://127.0.0.1:18080/

echo
echo "peak memory (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER/status)"
