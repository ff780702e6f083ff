#!/usr/bin/env bash
# Generates both Prisma clients (npm's postinstall and `npm run db:schema`). prisma.config.ts picks the
# schema from DATABASE_URL; a placeholder PostgreSQL URL selects the PostgreSQL schema (generate does
# not connect). `--schema` alone is not enough: with the SQLite adapter configured, generating the
# PostgreSQL schema falls back to downloading a query engine.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATABASE_URL="file:./prisma/dev.sqlite" npx prisma generate
DATABASE_URL="postgresql://generate.invalid/none" npx prisma generate
