#!/usr/bin/env bash
# `npm start`: the whole service on this machine for development. Installs what is missing,
# starts Postgres and Redis on loopback with data under .data/, applies migrations, starts
# (unless NODE_ENV=production) a demo registry with sample images (demo/), starts the API and
# the worker, and prints how to try it. Ctrl-C stops everything; a second run reuses the data.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

PG_PORT="${PG_PORT:-54329}"
REDIS_PORT="${REDIS_PORT:-63799}"
export PORT="${PORT:-3000}"
export WORKER_HTTP_PORT="${WORKER_HTTP_PORT:-3001}"
export DATA_DIR="${DATA_DIR:-$root/.data}"
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/templates"
  # Its own Postgres, no pooler in between: the hot reads may be named statements.
  export DATABASE_PREPARED_STATEMENTS="${DATABASE_PREPARED_STATEMENTS:-true}"
fi
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
export NODE_ENV="${NODE_ENV:-development}"
DEMO_REGISTRY_PORT="${DEMO_REGISTRY_PORT:-5443}"
# The demo registry is a development convenience: nothing of it exists in production.
demo=0
[ "$NODE_ENV" != production ] && demo=1

if [ "$demo" = 1 ]; then bash scripts/ensure-deps.sh --with-registry; else bash scripts/ensure-deps.sh; fi

bash scripts/build-if-stale.sh
if [ "$demo" = 1 ]; then
  # A dev-only tool with its own tsconfig (like bench/): the product build never includes it.
  stamp=demo/.build/out/.stamp
  sources=(demo test/support libs/oci/src/testing libs/oci/src/signatures tsconfig.json)
  if [ ! -f "$stamp" ] || [ -n "$(find "${sources[@]}" \( -name '*.ts' -o -name 'tsconfig.json' \) -newer "$stamp" -not -path 'demo/.build/*' 2>/dev/null | head -1)" ]; then
    echo "Compiling the demo registry…"
    rm -rf demo/.build/out
    npx --no-install tsc -p demo/tsconfig.json
    touch "$stamp"
  fi
fi

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

if [ "$demo" = 1 ]; then
  demo_dir="$DATA_DIR/demo-registry"
  rm -f "$demo_dir/ready"
  node demo/.build/out/demo/main.js --dir "$demo_dir" --port "$DEMO_REGISTRY_PORT" & demo_pid=$!; pids+=($demo_pid)
  until [ -f "$demo_dir/ready" ]; do
    kill -0 "$demo_pid" 2>/dev/null || { echo "The demo registry did not start; see the output above and $demo_dir/registry/registry.log."; exit 1; }
    sleep 0.2
  done
  # The worker allows this loopback registry and trusts $demo_dir/ca.crt (development mode only).
  export DEMO_REGISTRY="127.0.0.1:$DEMO_REGISTRY_PORT"
fi

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
if [ "$demo" = 1 ]; then
  cat <<DEMO
  The demo registry (development only) on $DEMO_REGISTRY holds images npm start built:
  demo/jupyter-ssh:1.0 (linux/amd64, Jupyter and SSH), demo/arm64-only:1.0 (linux/arm64 only),
  demo/signed:1.0 (signed with the key $demo_dir/cosign.pub). Paste into a shell here:

    TOKEN=\$(npm run --silent token -- --org demo --org demo-signed)
    API=http://localhost:$PORT/api/v1beta1/orgs
    auth=(-H "Authorization: Bearer \$TOKEN" -H 'content-type: application/json')
    create() { curl -s "\${auth[@]}" -X POST "\$API/\$1/airuntime-templates" -d "{\"name\":\"\$2-\$RANDOM\",\"description\":\"demo\",\"category\":\"Demo\",\"image\":\"$DEMO_REGISTRY/\$3\"}" | grep -o '"id":"[^"]*' | cut -d'"' -f4; }
    result() { until curl -s "\${auth[@]}" "\$API/\$1/airuntime-templates/\$2" | grep -qE '"state":"(passed|failed)"'; do sleep 0.2; done
      curl -s "\${auth[@]}" "\$API/\$1/airuntime-templates/\$2" | grep -oE '"(status|state|code|key_name)":"[^"]*"' | tr '\n' ' '; echo; }

    # linux/amd64 with Jupyter and SSH: ends "status":"Active" "state":"passed"
    result demo \$(create demo jupyter demo/jupyter-ssh:1.0)
    # arm64 only: ends "state":"failed" "code":"platform_unsupported"
    result demo \$(create demo arm64 demo/arm64-only:1.0)
    # require a signature by the demo key in org demo-signed (image-policy.json names cosign.pub)
    curl -s "\${auth[@]}" -X PUT "\$API/demo-signed/image-policy" --data @$demo_dir/image-policy.json; echo
    # the signed image passes it: "status":"Active" "state":"passed" "key_name":"demo"
    result demo-signed \$(create demo-signed signed demo/signed:1.0)
    # an unsigned one does not: "state":"failed" "code":"signature_missing"
    result demo-signed \$(create demo-signed unsigned demo/jupyter-ssh:1.0)

DEMO
fi
wait -n "${pids[@]}"
