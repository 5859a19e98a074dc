# Sourced by the benchmark scripts: a private PostgreSQL cluster kept in a
# folder of target/ (created once, data kept between runs), started on a
# port of its own and stopped when the script exits (via its `cleanup`
# array). Usage: start_private_postgres DIR PORT [server options…]; sets
# PG_URL.
pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_private_postgres() {
  local dir=$1 port=$2 bin
  shift 2
  bin=$(pg_bin_dir)
  if [ ! -d "$dir/data" ]; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    run_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  run_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $*" start >/dev/null
  cleanup+=("run_pg $bin/pg_ctl -D $dir/data -m fast stop >/dev/null")
  PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}
