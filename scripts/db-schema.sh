#!/usr/bin/env bash
# After editing prisma/schema.prisma: regenerate the migration and the Prisma client.
# Until the app's first release the database has a single migration (init), rebuilt from the schema,
# so engineers changing the schema in parallel cannot produce overlapping migrations. After the first
# release, write new migrations with `prisma migrate diff --from-schema-datamodel <previous schema>`
# (see ../shared/GUIDE.md section 2) instead of running this.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-file:./prisma/dev.sqlite}"
dir=prisma/migrations/20261122000000_init
mkdir -p "$dir"
npx prisma migrate diff --from-empty --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql.tmp"
mv "$dir/migration.sql.tmp" "$dir/migration.sql"
npx prisma generate >/dev/null
echo "schema: migration $dir regenerated, client generated"
