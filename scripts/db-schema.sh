#!/usr/bin/env bash
# After editing prisma/schema.prisma: derive the PostgreSQL schema from it, regenerate both providers'
# migrations and both Prisma clients.
# Until the app's first release each provider has a single migration (init), rebuilt from the schema,
# so engineers changing the schema in parallel cannot produce overlapping migrations. After the first
# release, write new migrations with `prisma migrate diff --from-schema-datamodel <previous schema>`
# (see ../shared/GUIDE.md section 2) for both schemas instead of running this.
set -euo pipefail
cd "$(dirname "$0")/.."
unset DATABASE_URL # the SQLite default of prisma.config.ts; `migrate diff --from-empty` needs no database

npx tsx scripts/pg/schema.ts

migration() { # schema, migrations folder
  local dir="$2/20261122000000_init"
  mkdir -p "$dir"
  npx prisma migrate diff --from-empty --to-schema-datamodel "$1" --script > "$dir/migration.sql.tmp"
  mv "$dir/migration.sql.tmp" "$dir/migration.sql"
}
migration prisma/schema.prisma prisma/migrations
migration prisma/postgresql/schema.prisma prisma/postgresql/migrations
echo 'provider = "postgresql"' > prisma/postgresql/migrations/migration_lock.toml

bash scripts/pg/generate.sh >/dev/null
echo "schema: migrations regenerated (SQLite, PostgreSQL), clients generated (app/generated/prisma, prisma-pg)"
