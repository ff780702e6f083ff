// Prisma 6.19 without engine binaries (see ../shared/GUIDE.md section 2): the JS engine with the
// better-sqlite3 driver adapter, so `prisma generate` and `prisma migrate deploy` run offline.
import "dotenv/config";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// Without a DATABASE_URL the CLI cannot resolve the schema's datasource and falls back to downloading a
// query-engine binary (which fails offline, e.g. in `npm install`'s postinstall on a fresh clone).
process.env.DATABASE_URL ??= "file:./prisma/dev.sqlite";

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL! });
  },
});
