/**
 * Bulk ingest of a 1,000,000-order bulk-operation JSONL file (targets: under 100 s, memory under 500 MB).
 *
 * 1. Writes the file once from the demo generator (`.data/bench/bulk-<orders>.jsonl`, reused while its
 *    options match): GraphQL shape, each line item and shipping line its own record with `__parentId`,
 *    transactions with fees inline, refunds inline with their line items (so the ledger is complete).
 * 2. Ingests it through the backfill's streaming path (`streamIngest`: readLines -> BulkOrderAssembler ->
 *    mapGraphqlOrder -> ingestOrders in batches) into a fresh, migrated temporary SQLite database, as the
 *    command line does: the mapping worker reads the file itself, and the batches commit with relaxed
 *    durability (synced at the end; see withRelaxedDurability in app/db.server.ts), several batches to
 *    a transaction (RELAXED_ORDERS_PER_TRANSACTION in app/sync/stream-ingest.server.ts), as the
 *    backfill's do. (Until 2026-11-24 this benchmark left out `durability: "relaxed"`, so its figures
 *    before then are of fully synced commits, a transaction per batch.)
 * 3. Prints elapsed seconds, orders/s, peak RSS (sampled, and the process's maxRSS), and how the time
 *    splits between `ingestOrders` (the database) and reading + reassembling + mapping.
 *
 * BULK_BENCH_ORDERS=100000 runs a smaller file; BULK_BENCH_BATCH sets the batch size (default 2000);
 * BULK_BENCH_TX_ORDERS sets the orders per transaction (0: a transaction per batch);
 * BULK_BENCH_KEEP_DB=1 keeps the database (.data/bench/bulk-ingest-<pid>.sqlite) for inspection;
 * BULK_BENCH_WRITER=portable writes through Prisma raw SQL (the PostgreSQL path) instead of the SQLite
 * writer; BULK_BENCH_WORKER=off maps in the main thread instead of a worker thread.
 * (A database created with 16 KiB pages instead of SQLite's 4 KiB measured 66-94 µs/order at 100k
 * orders against 85, but 112 against 95 at 1M, where the 32 MiB cache holds a quarter as many pages of
 * the randomly inserted customer indexes: the default stays.)
 * CPU seconds (all threads) are printed next to the wall time: the machine is shared, and the ratio
 * tells how much of the wall time was spent waiting for a core.
 */
import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import type { StreamCounts } from "../app/sync/stream-ingest.server";
import { measureSteal } from "./steal";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const DIR = path.join(ROOT, ".data/bench");
const SHOP = "bench-bulk.myshopify.com";

async function writeFixture(file: string, orders: number): Promise<void> {
  const { generateOrders } = await import("../app/demo/generator");
  const { restOrderToBulkRecords } = await import("../app/domain/shopify-graphql/from-rest");
  const started = performance.now();
  const out = createWriteStream(`${file}.tmp`);
  let pending: string[] = [];
  let lines = 0;
  const flush = async () => {
    if (!out.write(pending.join(""))) await once(out, "drain");
    pending = [];
  };
  for (const body of generateOrders({ orders, seed: 1 })) {
    for (const record of restOrderToBulkRecords(body, { transactions: "synthetic" })) {
      pending.push(`${JSON.stringify(record)}\n`);
      lines += 1;
    }
    if (pending.length >= 2000) await flush();
  }
  await flush();
  out.end();
  await once(out, "finish");
  execFileSync("mv", [`${file}.tmp`, file]);
  console.log(`fixture: wrote ${orders.toLocaleString("en-US")} orders, ${lines.toLocaleString("en-US")} lines, ` +
    `${(statSync(file).size / 1e9).toFixed(2)} GB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The fixture for `orders` orders, written unless an up-to-date one is there; returns its path. */
export async function ensureFixture(orders: number): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, `bulk-${orders}.jsonl`);
  const meta = `${file}.meta.json`;
  const wanted = JSON.stringify({ orders, seed: 1, version: 1 });
  if (!existsSync(file) || !existsSync(meta) || readFileSync(meta, "utf8") !== wanted) {
    await writeFixture(file, orders);
    writeFileSync(meta, wanted);
  } else {
    console.log(`fixture: reusing ${path.relative(ROOT, file)} (${(statSync(file).size / 1e9).toFixed(2)} GB)`);
  }
  return file;
}

export type LedgerWriter = "sqlite" | "portable";

export interface IngestFigures {
  counts: StreamCounts;
  seconds: number;
  cpuSeconds: number;
  /** Sampled every 200 ms during the ingest. */
  peakRss: number;
  /** The process's maxRSS (includes its start). */
  maxRss: number;
  writeMs: number;
  /** Time the writing thread sat idle waiting for the mapping worker's next batch. */
  waitedMs: number;
  inWorker: boolean;
  stored: number;
  storedRefunds: number;
}

/**
 * Ingests the fixture `file` into the migrated, empty database at `url` through the backfill's
 * streaming path with the given ledger writer, and times it. DATABASE_URL must name the same
 * database's provider before the app's modules are imported.
 */
export async function ingestFixture(file: string, url: string, options: { writer: LedgerWriter; batchSize: number; inWorker: boolean; ordersPerTransaction?: number }): Promise<IngestFigures> {
  process.env.LOG_LEVEL ??= "silent";
  const { createDb } = await import("../app/db.server");
  const { upsertShop } = await import("../app/shops/shops.server");
  const { writeOrderBatch } = await import("../app/ingest/orders.server");
  const { streamIngest, mapWorkerAvailable } = await import("../app/sync/stream-ingest.server");
  const { forceLedgerSql } = await import("../app/ingest/ledger-sql.server");
  forceLedgerSql(options.writer);
  const inWorker = options.inWorker && mapWorkerAvailable();
  const db = createDb(url);
  try {
    await upsertShop(db, { id: SHOP, currency: "USD" });
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 200);
    let writeMs = 0;
    let lastReport = performance.now();
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const result = await streamIngest(db, SHOP, { file }, {
      format: "bulk",
      batchSize: options.batchSize,
      mapInWorker: inWorker,
      durability: "relaxed",
      ordersPerTransaction: options.ordersPerTransaction,
      write: async (tx, shopId, batch) => {
        const t = performance.now();
        const counts = await writeOrderBatch(db, tx, shopId, batch);
        writeMs += performance.now() - t;
        return counts;
      },
      onBatch: async ({ counts }) => {
        if (performance.now() - lastReport > 15_000) {
          lastReport = performance.now();
          const s = (lastReport - started) / 1000;
          console.log(`  ... ${counts.orders.toLocaleString("en-US")} orders in ${s.toFixed(0)} s (${Math.round(counts.orders / s)}/s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB)`);
        }
      },
    }).finally(() => clearInterval(sampler));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      counts: result.counts,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      writeMs,
      waitedMs: result.waitedForMappingMs,
      inWorker,
      stored: await db.order.count({ where: { shopId: SHOP } }),
      storedRefunds: await db.refund.count({ where: { shopId: SHOP } }),
    };
  } finally {
    await db.$disconnect();
  }
}

export default async function run(): Promise<void> {
  const orders = Number(process.env.BULK_BENCH_ORDERS ?? 1_000_000);
  const batchSize = Number(process.env.BULK_BENCH_BATCH ?? 2000);
  const file = await ensureFixture(orders);

  // A fresh database, migrated like production.
  // Own file per run: two runs at once must not share (or delete) each other's database.
  const dbFile = path.join(DIR, `bulk-ingest-${process.pid}.sqlite`);
  const removeDb = () => {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${dbFile}${suffix}`, { force: true });
  };
  removeDb();
  const url = `file:${dbFile}`;
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: "pipe",
  });
  process.env.DATABASE_URL ??= url;
  const writer: LedgerWriter = process.env.BULK_BENCH_WRITER === "portable" ? "portable" : "sqlite";
  let figures: IngestFigures;
  const steal = measureSteal();
  try {
    figures = await ingestFixture(file, url, {
      writer, batchSize, inWorker: process.env.BULK_BENCH_WORKER !== "off",
      ordersPerTransaction: process.env.BULK_BENCH_TX_ORDERS === undefined ? undefined : Number(process.env.BULK_BENCH_TX_ORDERS),
    });
  } finally {
    // A failed run leaves no database behind either.
    if (!process.env.BULK_BENCH_KEEP_DB) removeDb();
  }
  const { counts: c, seconds, cpuSeconds, peakRss, maxRss, writeMs, waitedMs, inWorker } = figures;
  console.log(`bulk ingest: ${c.orders.toLocaleString("en-US")} orders (${c.applied.toLocaleString("en-US")} written, ${c.skippedTest} test), ` +
    `${c.refunds.toLocaleString("en-US")} refunds, ${c.lines.toLocaleString("en-US")} lines, ${(c.bytes / 1e9).toFixed(2)} GB, ${c.bad} bad`);
  console.log(`  elapsed        ${seconds.toFixed(1)} s (target < 100 s); CPU ${cpuSeconds.toFixed(1)} s in all threads (${(cpuSeconds * 1e6 / c.orders).toFixed(0)} µs/order); load average at the end ${os.loadavg().map((n) => n.toFixed(2)).join(" ")}; ${steal()}`);
  console.log(`  pipeline       ${writer} writer, mapping ${inWorker ? "in a worker thread (overlapped with writing)" : "in the main thread"}`);
  console.log(`  throughput     ${Math.round(c.orders / seconds).toLocaleString("en-US")} orders/s`);
  console.log(`  peak RSS       ${(peakRss / 2 ** 20).toFixed(0)} MB sampled, maxRSS ${(maxRss / 2 ** 20).toFixed(0)} MB (target < 500 MB; maxRSS includes the process's start)`);
  console.log(`  ingestOrders   ${(writeMs / 1000).toFixed(1)} s (${((100 * writeMs) / (seconds * 1000)).toFixed(0)} %), ${(writeMs * 1000 / c.orders).toFixed(0)} µs/order, batches of ${batchSize}`);
  console.log(`  rest           ${(seconds - writeMs / 1000).toFixed(1)} s (${((seconds * 1000 - writeMs) * 1000 / c.orders).toFixed(0)} µs/order: ` +
    (inWorker ? `of which ${(waitedMs / 1000).toFixed(1)} s idle waiting for the worker's next batch; the rest decoding them` : "lines, JSON.parse, reassembly, mapping") + ")");
  console.log(`  ledger         ${figures.stored.toLocaleString("en-US")} orders, ${figures.storedRefunds.toLocaleString("en-US")} refunds stored`);
}
