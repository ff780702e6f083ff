/**
 * `npm run demo`: a local demo store on the embedded default (SQLite), served at http://localhost:3000/app.
 *
 * 1. migrates its own database file (.data/demo.sqlite, never the app's real database);
 * 2. generates the demo store's orders (deterministic) and ingests them through the same
 *    normalize-and-ingest path as the order webhooks — never straight into tables;
 * 3. builds the app if the build is missing or older than the sources;
 * 4. serves it on loopback in demo mode.
 *
 * Flags: --orders N --customers N --seed N --months N --port N --reseed --no-serve
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildIfStale, migrate } from "./app-build";

const started = performance.now();
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const { values: flags } = parseArgs({
  options: {
    orders: { type: "string" },
    customers: { type: "string" },
    seed: { type: "string", default: "1" },
    months: { type: "string" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    reseed: { type: "boolean", default: false },
    "no-serve": { type: "boolean", default: false },
  },
});

const dataDir = path.join(root, ".data");
mkdirSync(dataDir, { recursive: true });
process.env.DATABASE_URL ??= `file:${path.join(dataDir, "demo.sqlite")}`;
process.env.DEMO_MODE = "1";
process.env.NODE_ENV = "production";
// The Shopify library needs settings to start; in demo mode nothing is ever sent to Shopify.
process.env.SHOPIFY_API_KEY ??= "demo-api-key";
process.env.SHOPIFY_API_SECRET ??= "demo-api-secret";
process.env.SHOPIFY_APP_URL ??= `http://localhost:${flags.port}`;
process.env.SCOPES ??= "read_orders";

const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const step = (message: string) => console.log(`[demo ${seconds()}s] ${message}`);

function buildStep() {
  if (buildIfStale(root, () => step("building the app (vite build)..."))) step("build done");
  else step("build is up to date");
}

async function seed() {
  const { default: db } = await import("~/db.server");
  const { assertDemoDatabase } = await import("~/auth/demo-mode.server");
  const { DEMO_SHOP, generateOrders } = await import("~/demo/generator");
  const { seedDemoStore } = await import("~/demo/seed.server");

  await assertDemoDatabase(db);
  const options = {
    seed: Number(flags.seed),
    ...(flags.orders ? { orders: Number(flags.orders) } : {}),
    ...(flags.customers ? { customers: Number(flags.customers) } : {}),
    ...(flags.months ? { months: Number(flags.months) } : {}),
  };
  // What was generated into this database file, so a restart with the same flags skips the seed.
  const marker = `${process.env.DATABASE_URL!.replace(/^file:/, "")}.seed.json`;
  const signature = JSON.stringify(options);
  const previous = existsSync(marker) ? (JSON.parse(readFileSync(marker, "utf8")) as { signature?: string }) : {};
  const stored = await db.order.count({ where: { shopId: DEMO_SHOP.domain } });
  if (!flags.reseed && previous.signature === signature && stored > 0) {
    step(`demo store already generated (${stored} orders)`);
    // A database seeded before the cost stack existed gets it now.
    if ((await db.costSettings.count({ where: { shopId: DEMO_SHOP.domain } })) === 0) await seedCosts(Number(flags.seed));
    return;
  }
  step(`generating and ingesting the demo store ${signature}...`);
  const result = await seedDemoStore(db, generateOrders(options), {
    onProgress: (done) => process.stdout.write(`\r[demo ${seconds()}s] ingested ${done} orders`),
  });
  process.stdout.write("\n");
  step(
    `ingested ${result.orders} orders (${result.skippedTest} test orders skipped) in ${(result.ms / 1000).toFixed(1)}s: ` +
      `${Math.round(result.orders / (result.ms / 1000))} orders/s`,
  );
  await seedCosts(Number(flags.seed));
  writeFileSync(marker, JSON.stringify({ signature, seededAt: new Date().toISOString(), ...result }, null, 2));
}

/** The demo cost stack (app/costs/demo-costs.server.ts) and every order's margin computed with it. */
async function seedCosts(seedNumber: number) {
  const { default: db } = await import("~/db.server");
  const { DEMO_SHOP, buildCatalog } = await import("~/demo/generator");
  const { seedDemoCosts } = await import("~/costs/demo-costs.server");
  const { recomputeMargins } = await import("~/margins/recompute.server");
  const shop = await db.shop.findUnique({ where: { id: DEMO_SHOP.domain } });
  if (!shop) return;
  const costs = await seedDemoCosts(db, shop, buildCatalog(seedNumber, shop.currency));
  step(`cost stack: ${costs.variantsCosted} variants costed, ${costs.variantsWithoutCost} left to the default %, ${costs.contacts} service contacts, ${costs.marketingRows} marketing rows`);
  const margins = await recomputeMargins(db, shop.id, {
    onProgress: ({ done, total }) => process.stdout.write(`\r[demo ${seconds()}s] margins ${done}/${total}`),
  });
  process.stdout.write("\n");
  step(`margins recomputed for ${margins.orders} orders in ${(margins.ms / 1000).toFixed(1)}s`);
}

/**
 * Until the first release the schema has one migration, rewritten when the schema changes (see
 * scripts/db-schema.sh), so `migrate deploy` sees nothing pending on a demo database made from an
 * older version of it. Such a database (its applied migration's checksum differs) is recreated.
 */
async function dropOutdatedDemoDatabase(file: string): Promise<void> {
  if (!existsSync(file)) return;
  // The adapter's own SQLite library: two in one process break each other's file locks (see the module).
  const { SqliteDatabase } = await import("~/lib/sqlite-library.server");
  const applied = new Map<string, string>();
  const connection = new SqliteDatabase(file, { readonly: true });
  try {
    const rows = connection.prepare(`SELECT "migration_name" AS name, "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`).all() as
      { name: string; checksum: string }[];
    for (const row of rows) applied.set(row.name, row.checksum);
  } catch {
    return; // not migrated yet: migrate deploy sets it up
  } finally {
    connection.close();
  }
  const dir = path.join(root, "prisma/migrations");
  const outdated = readdirSync(dir).some((name) => {
    const sql = path.join(dir, name, "migration.sql");
    const checksum = applied.get(name);
    return existsSync(sql) && checksum !== undefined && checksum !== createHash("sha256").update(readFileSync(sql)).digest("hex");
  });
  if (!outdated) return;
  step("the schema changed since this demo database was made: recreating it");
  for (const suffix of ["", "-wal", "-shm", "-journal", ".seed.json"]) rmSync(`${file}${suffix}`, { force: true });
}

step(`database ${process.env.DATABASE_URL}`);
if (process.env.DATABASE_URL!.startsWith("file:")) await dropOutdatedDemoDatabase(process.env.DATABASE_URL!.replace(/^file:/, ""));
migrate(root);
step("migrations applied");
await seed();
buildStep();
if (!flags["no-serve"]) {
  const { startServer } = await import("../server.mjs");
  await startServer({ port: Number(flags.port), host: "127.0.0.1", demo: true });
  step(`demo ready: http://localhost:${flags.port}/app (Ctrl+C to stop)`);
}
