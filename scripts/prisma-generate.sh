#!/usr/bin/env bash
# Generates the Prisma client offline. Prisma 7's `generate` needs no native engine, but the
# CLI insists that a schema-engine path exists; any existing file satisfies it (README "Migrations").
set -euo pipefail
cd "$(dirname "$0")/.."
export PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$(command -v node)}"
export PRISMA_HIDE_UPDATE_MESSAGE=1 CHECKPOINT_DISABLE=1
exec npx --no-install prisma generate
