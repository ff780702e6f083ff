// Prisma 6.19 without engine binaries (see ../shared/GUIDE.md section 2): the JS engine with a driver
// adapter, so `prisma generate` and `prisma migrate deploy` run offline. DATABASE_URL chooses the
// provider: `file:` is SQLite (prisma/schema.prisma), `postgres(ql)://` is PostgreSQL
// (prisma/postgresql/schema.prisma, derived from the SQLite one by `npm run db:schema`).
import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// Without a DATABASE_URL the CLI cannot resolve the schema's datasource and falls back to downloading a
// query-engine binary (which fails offline, e.g. in `npm install`'s postinstall on a fresh clone).
process.env.DATABASE_URL ??= "file:./prisma/dev.sqlite";
const url = process.env.DATABASE_URL;
const postgres = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  schema: postgres ? path.join("prisma", "postgresql", "schema.prisma") : path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    if (postgres) {
      const { migrationAdapter } = await import("./scripts/pg/migrate-adapter");
      return migrationAdapter(url);
    }
    return new PrismaBetterSQLite3({ url });
  },
});
