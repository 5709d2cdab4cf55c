#!/usr/bin/env bash
# `npm start`: the whole service on this machine for development. Installs what is missing,
# starts Postgres and Redis on loopback with data under .data/, applies migrations, starts
# the API and the worker, and prints how to try it. Ctrl-C stops everything; a second run
# reuses the data.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

PG_PORT="${PG_PORT:-54329}"
REDIS_PORT="${REDIS_PORT:-63799}"
export PORT="${PORT:-3000}"
export WORKER_HTTP_PORT="${WORKER_HTTP_PORT:-3001}"
export DATA_DIR="${DATA_DIR:-$root/.data}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:$PG_PORT/templates}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
export NODE_ENV="${NODE_ENV:-development}"

bash scripts/ensure-deps.sh

bash scripts/build-if-stale.sh

mkdir -p "$DATA_DIR"
# The postgres user must be able to reach its data directory below this one.
[ "$(id -u)" -eq 0 ] && chmod o+x "$DATA_DIR"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then as_postgres=(runuser -u postgres --); fi
pg_data="$DATA_DIR/postgres"
pids=()

cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  echo "Stopped. Data kept in $DATA_DIR"
}
trap cleanup INT TERM EXIT

# Postgres (Debian's server binaries; it refuses to run as root, hence runuser).
if [ ! -f "$pg_data/PG_VERSION" ]; then
  echo "Initialising Postgres in $pg_data"
  mkdir -p "$pg_data"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$pg_data"
  "${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust >/dev/null
fi
[ "$(id -u)" -eq 0 ] && chown -R postgres "$pg_data"
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $pg_data" start >/dev/null
"$pg_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='templates'" | grep -q 1 ||
  "$pg_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE templates"

# Redis with an append-only file, like production.
mkdir -p "$DATA_DIR/redis"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA_DIR/redis" --appendonly yes \
  --maxmemory-policy noeviction --daemonize yes --logfile "$DATA_DIR/redis/redis.log" >/dev/null
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

npm run --silent db:migrate
# The same node flags as `npm run start:api` / `start:worker` (package.json; README "Memory").
node --max-semi-space-size=8 --max-old-space-size=512 dist/apps/api/src/main.js & pids+=($!)
node --max-semi-space-size=8 --max-old-space-size=512 --liftoff-only dist/apps/worker/src/main.js & pids+=($!)

until node -e "fetch('http://127.0.0.1:$PORT/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "A process exited during start-up; see the output above."; exit 1; }; done
  sleep 0.2
done

cat <<INFO

  Custom AIRuntime Templates is running.
    API     http://localhost:$PORT   (health: /healthz /readyz, metrics: /metrics)
    worker  http://localhost:$WORKER_HTTP_PORT (health and metrics)
    data    $DATA_DIR

  Get a development access token for an organization, then try it:

    TOKEN=\$(npm run --silent token -- --org my-org)
    curl -s http://localhost:$PORT/api/v1beta1/orgs/my-org/airuntime-templates \\
      -H "Authorization: Bearer \$TOKEN"

  More curl examples are in README.md. Ctrl-C stops everything.

INFO
wait -n "${pids[@]}"
