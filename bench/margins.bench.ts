/**
 * Margin recompute: the demo store (15,000 orders, target < 5 s) and 1,000,000 orders from 250,000
 * customers, each in a temporary SQLite file with the demo cost stack. Only the recompute is timed
 * (the ingest is printed for reference). Prints orders/s and peak RSS.
 *
 * MARGINS_BENCH_ORDERS=200000 npm run bench -- margins   limits the large run (default 1,000,000).
 *
 * The large ledger is written straight into SQLite by the analytics benchmark's seeder (one line per
 * order, ~10% refunded, ~2% cancelled, ~5% guests), because ingesting 1M orders through the webhook path
 * takes tens of minutes on 2 cores; MARGINS_BENCH_INGEST=1 ingests it through the demo seeding instead.
 * With ANALYTICS_BENCH_KEEP=1 the seeded ledger is kept and reused (.data/bench, see analytics.bench.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

function migrate(url: string) {
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe",
  });
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
sampler.unref();
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

async function runSize(orders: number, customers: number, targetMs: number | null, ledger: "ingest" | "sql") {
  const dir = mkdtempSync(path.join(os.tmpdir(), "margins-bench-"));
  const file = path.join(dir, "bench.sqlite");
  const url = `file:${file}`;
  const previousUrl = process.env.DATABASE_URL;
  try {
    let shopId: string;
    let ingestMs = 0;
    let stored: number;
    if (ledger === "sql") {
      const { prepareStore, SHOP } = await import("./analytics.bench");
      const prepared = await prepareStore(file, orders, customers);
      ingestMs = prepared.seedMs;
      shopId = SHOP;
      stored = orders;
    } else migrate(url);
    // The recompute's direct reads open DATABASE_URL (see app/analytics/rows.server.ts).
    process.env.DATABASE_URL = url;
    const { createDb } = await import("~/db.server");
    const { generateOrders, buildCatalog, DEMO_SHOP } = await import("~/demo/generator");
    const { seedDemoStore } = await import("~/demo/seed.server");
    const { seedDemoCosts } = await import("~/costs/demo-costs.server");
    const { recomputeMargins } = await import("~/margins/recompute.server");
    const db = createDb(url);
    await db.$executeRawUnsafe("PRAGMA journal_mode = WAL");
    await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    if (ledger === "ingest") {
      const ingestStart = performance.now();
      const seeded = await seedDemoStore(db, generateOrders({ orders, customers }), {
        batchSize: 2000,
        onProgress: (n) => {
          if (n % 100_000 === 0) process.stdout.write(`\r  ingesting ${n.toLocaleString("en-US")} orders...`);
        },
      });
      ingestMs = performance.now() - ingestStart;
      process.stdout.write("\r");
      shopId = DEMO_SHOP.domain;
      stored = seeded.orders;
    }
    const shop = (await db.shop.findUnique({ where: { id: shopId! } }))!;
    await seedDemoCosts(db, shop, buildCatalog(1, shop.currency));
    peakRss = process.memoryUsage().rss;
    const cpu = process.cpuUsage();
    const result = await recomputeMargins(db, shop.id);
    const used = process.cpuUsage(cpu);
    const rate = Math.round(result.orders / (result.ms / 1000));
    const verdict = targetMs === null ? "" : result.ms < targetMs ? ` (target < ${targetMs / 1000} s) OK` : ` (target < ${targetMs / 1000} s) OVER TARGET`;
    console.log(`  ${result.orders.toLocaleString("en-US")} orders (${customers.toLocaleString("en-US")} customers; ledger ${ledger === "sql" ? "written by SQL" : "ingested"} in ${(ingestMs / 1000).toFixed(1)} s, ${stored!} stored):`);
    console.log(`    recompute ${(result.ms / 1000).toFixed(2)} s wall / ${((used.user + used.system) / 1e6).toFixed(2)} s cpu, ${rate.toLocaleString("en-US")} orders/s, ` +
      `${result.valueEvents.toLocaleString("en-US")} value events, peak RSS ${mib(peakRss)}${verdict}`);
    // A second run: what a cost change costs once everything is warm.
    const again = await recomputeMargins(db, shop.id);
    console.log(`    again after a cost change: ${(again.ms / 1000).toFixed(2)} s, ${Math.round(again.orders / (again.ms / 1000)).toLocaleString("en-US")} orders/s`);
    console.log(`    load average: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    await db.$disconnect();
  } finally {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  process.env.DATABASE_URL ??= "file:/dev/null";
  process.env.LOG_LEVEL ??= "silent";
  await runSize(15_000, 5_000, 5_000, "ingest");
  const large = Number(process.env.MARGINS_BENCH_ORDERS ?? 1_000_000);
  if (large > 0) await runSize(large, Math.round(large / 4), null, process.env.MARGINS_BENCH_INGEST ? "ingest" : "sql");
}
