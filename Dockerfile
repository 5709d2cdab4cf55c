# One image for every process of the service; the command picks the process:
#   node <flags> dist/apps/api/src/main.js      HTTP API on PORT (3000)                 (default CMD)
#   node <flags> dist/apps/worker/src/main.js   validation worker, /healthz /readyz /metrics on WORKER_HTTP_PORT (3001)
#   node dist/apps/cli/src/main.js migrate   applies prisma/migrations to DATABASE_URL, then exits
# docker-compose.yml wires them together. Configuration is environment variables only
# (libs/config/src/app-config.ts); nothing secret is baked into the image.

# The one supported Node major, as in package.json engines, CI and the README.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# build: install all dependencies, generate the Prisma client, compile, drop dev dependencies
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Prisma 7 generates the client without any native engine, but its CLI (and the postinstall
# of @prisma/engines) want a schema-engine binary and would download one from
# binaries.prisma.sh. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips the
# download, so the build never depends on that host (same trick as scripts/prisma-generate.sh).
# Migrations do not use the engine either: `migrate` runs our own SQL migrator (libs/db).
ENV PRISMA_SCHEMA_ENGINE_BINARY=/usr/local/bin/node \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

COPY package.json package-lock.json ./
RUN npm ci --loglevel=error

COPY . .
# `npm run build` = prisma generate (into libs/db/src/generated/prisma) + nest build api, worker, cli.
# The generated client is TypeScript and is compiled into dist/libs/db/src/generated/prisma;
# fail here rather than at runtime if any entry point or the client is missing.
RUN npm run build \
 && test -f dist/apps/api/src/main.js \
 && test -f dist/apps/worker/src/main.js \
 && test -f dist/apps/cli/src/main.js \
 && test -f dist/libs/db/src/generated/prisma/client.js \
 && npm prune --omit=dev --loglevel=error \
 && npm cache clean --force

# ---------------------------------------------------------------------------------------------
# runtime: compiled code, production node_modules, package.json (npm run scripts) and
# prisma/ (the migrator finds prisma/migrations by walking up from dist/apps/cli/src)
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Files stay owned by root (read-only for the service user). DATA_DIR (default /app/.data) is
# only written in development mode (generated dev keys); make it writable for `node` anyway so
# trying the image with NODE_ENV=development does not fail on permissions.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000 3001

# The API's readiness (Postgres + Redis). The worker overrides this in docker-compose.yml
# (its health server listens on WORKER_HTTP_PORT). Slim images have no curl: use node's fetch.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# The node flags (the same in docker-compose.yml, scripts/start.sh and the npm start scripts) trade
# a little speed for memory, measured against none in the same benchmark rounds (README "Memory"):
# a smaller young generation, an old generation V8 sizes as memory-constrained (it then collects
# at ~1.4x the live heap instead of up to 4x); the worker's also keeps WebAssembly (Prisma's
# query compiler, undici's HTTP parser) on V8's baseline compiler.
CMD ["node", "--max-semi-space-size=8", "--max-old-space-size=512", "dist/apps/api/src/main.js"]
