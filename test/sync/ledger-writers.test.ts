/**
 * The ledger's two statement runners (app/ingest/ledger-sql.server.ts) against the same expectations:
 * the SQLite writer (prepared statements on the adapter's connection) and the portable one (Prisma
 * raw SQL, the PostgreSQL path) must leave identical ledgers for the same deliveries, in order or
 * shuffled and duplicated; and the streamed ingest must give the same batches, resume points and
 * ledger whether it maps in this thread or in a worker thread.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { forceLedgerSql, ledgerSqlFor, sqliteTimestamp, type LedgerSqlKind } from "~/ingest/ledger-sql.server";
import { ingestOrders } from "~/ingest/orders.server";
import { normalizeOrder } from "~/domain/ledger/shopify-order";
import { upsertShop } from "~/shops/shops.server";
import { fileStream } from "~/sync/lines.server";
import { streamIngest, type BatchProgress } from "~/sync/stream-ingest.server";
import { restOrderToBulkRecords } from "~/domain/shopify-graphql/from-rest";
import { generateOrders } from "~/demo/generator";
import { resetDb } from "../support/db";
import { TEST_SHOP } from "../support/webhooks";
import { ledgerDump as ledgerRows } from "./backfill/ledger-dump";
import { storeEvents, storeSpec, type Delivery } from "./webhooks/store";
import { deliverAll, ledgerDump } from "./webhooks/support";

const KINDS: LedgerSqlKind[] = ["sqlite", "portable"];
// On PostgreSQL there is no SQLite connection: every runner is the portable one, so the SQLite-only cases skip.
const onPostgres = process.env.TEST_DATABASE === "postgres";
const BULK_FILE = "test/fixtures/bulk/orders-out-of-order.jsonl";

beforeEach(resetDb);
afterEach(() => forceLedgerSql(null));

async function ledgerWith(kind: LedgerSqlKind, deliveries: Delivery[]) {
  forceLedgerSql(kind);
  await resetDb();
  await deliverAll(deliveries);
  return ledgerDump(TEST_SHOP);
}

describe("sqliteTimestamp", () => {
  it("writes every instant as the adapter does (toISOString with +00:00), before 1970 and past year 9999 too", () => {
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => {
      const date = new Date(ms);
      expect(sqliteTimestamp(date)).toBe(date.toISOString().replace("Z", "+00:00"));
    }), { numRuns: 5000 });
    expect(sqliteTimestamp(new Date(-1))).toBe("1969-12-31T23:59:59.999+00:00");
    expect(sqliteTimestamp(new Date("2024-11-01T04:06:53.120Z"))).toBe("2024-11-01T04:06:53.120+00:00");
  });

  it("refuses an invalid Date as toISOString does", () => {
    expect(() => sqliteTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("the ledger's statement runners", () => {
  it.skipIf(onPostgres)("uses the SQLite connection inside a transaction by default, and the portable runner when asked", async () => {
    const kinds: string[] = [];
    for (const kind of [null, "portable", "sqlite"] as const) {
      forceLedgerSql(kind);
      await db.$transaction(async (tx) => {
        kinds.push(ledgerSqlFor(db, tx).kind);
      });
    }
    expect(kinds).toEqual(["sqlite", "portable", "sqlite"]);
  });

  it.skipIf(onPostgres)("the SQLite runner refuses to write outside a transaction", async () => {
    const sql = await db.$transaction(async (tx) => ledgerSqlFor(db, tx));
    expect(sql.kind).toBe("sqlite");
    await expect(sql.insertRows("Customer", [{ shopId: "x.myshopify.com", id: "gid://shopify/Customer/1", firstSeen: new Date() }]))
      .rejects.toThrow(/only inside a transaction/);
    expect(await db.customer.count()).toBe(0);
  });

  it("rows written by either runner read back identically (dates, booleans, money, nulls)", async () => {
    const bodies = [...generateOrders({ orders: 60, customers: 20, seed: 11 })];
    const dumps = [];
    for (const kind of KINDS) {
      forceLedgerSql(kind);
      await resetDb();
      await upsertShop(db, { id: "writers.myshopify.com", currency: "USD" });
      const counts = await ingestOrders(db, "writers.myshopify.com", bodies.map((body) => normalizeOrder(JSON.parse(JSON.stringify(body)))));
      expect(counts.applied + counts.skippedTest).toBe(60);
      dumps.push(await ledgerRows("writers.myshopify.com"));
      if (!onPostgres) {
        // Money columns are stored as integers by both runners (the SQLite one binds plain numbers).
        const [types] = await db.$queryRawUnsafe<{ orders: string; lines: string; refunds: string }[]>(`SELECT
          (SELECT group_concat(DISTINCT typeof("totalPrice") || typeof("taxes")) FROM "Order") AS "orders",
          (SELECT group_concat(DISTINCT typeof("unitPrice") || typeof("netSales")) FROM "OrderLine") AS "lines",
          (SELECT group_concat(DISTINCT typeof("merchandise") || typeof("taxes")) FROM "Refund") AS "refunds"`);
        expect(types).toEqual({ orders: "integerinteger", lines: "integerinteger", refunds: "integerinteger" });
      }
    }
    expect(dumps[0].orders.length).toBeGreaterThan(50);
    expect(dumps[0].transactions.length + dumps[0].refunds.length).toBeGreaterThan(0);
    expect(dumps[0]).toEqual(dumps[1]);
  });

  it.skipIf(onPostgres)("a rolled-back transaction takes the SQLite runner's rows with it", async () => {
    await upsertShop(db, { id: "rollback.myshopify.com", currency: "USD" });
    const order = normalizeOrder(JSON.parse(JSON.stringify([...generateOrders({ orders: 1, seed: 3 })][0])));
    await expect(db.$transaction(async (tx) => {
      const sql = ledgerSqlFor(db, tx);
      expect(sql.kind).toBe("sqlite");
      await sql.insertRows("Customer", [{ shopId: "rollback.myshopify.com", id: "gid://shopify/Customer/9", firstSeen: new Date() }]);
      throw new Error("boom");
    })).rejects.toThrow("boom");
    expect(await db.customer.count()).toBe(0);
    // A repeated webhook id is a duplicate on the SQLite runner too (its own unique-violation error).
    const receipt = { webhookId: "same-id", topic: "orders/create" };
    expect((await ingestOrders(db, "rollback.myshopify.com", [order], receipt)).applied).toBe(order.test ? 0 : 1);
    expect((await ingestOrders(db, "rollback.myshopify.com", [order], receipt)).duplicate).toBe(1);
  });

  it("any delivery order gives the same ledger, and the same one under both runners", async () => {
    await fc.assert(
      fc.asyncProperty(storeSpec, fc.nat(), async (spec, seed) => {
        const events = storeEvents(spec);
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), { numRuns: 1, seed })[0];
        const sqlite = await ledgerWith("sqlite", events);
        expect(await ledgerWith("portable", events)).toEqual(sqlite);
        expect(await ledgerWith("portable", [...shuffled, shuffled[0]])).toEqual(sqlite);
        expect(await ledgerWith("sqlite", [...shuffled, shuffled[shuffled.length - 1]])).toEqual(sqlite);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS || 8), endOnFailure: true },
    );
  }, 300_000);
});

describe("mapping in a worker thread", () => {
  it("gives the same batches, resume points, errors and ledger as mapping in this thread, whether it reads the file or is sent its bytes", async () => {
    const runs = [];
    for (const [mapInWorker, workerReadsFile] of [[false, false], [true, false], [true, true]]) {
      await resetDb();
      await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
      const progress: BatchProgress[] = [];
      const source = workerReadsFile ? { file: BULK_FILE } : fileStream(BULK_FILE);
      const result = await streamIngest(db, "bulk.myshopify.com", source, {
        format: "bulk", batchSize: 2, window: 2, mapInWorker, onBatch: async (batch) => void progress.push(batch),
      });
      // Time spent waiting for the worker is the one figure that differs.
      runs.push({ result: { ...result, waitedForMappingMs: 0 }, progress, ledger: await ledgerRows("bulk.myshopify.com") });
    }
    const [here, worker, workerReading] = runs;
    expect(here.result.counts).toMatchObject({ lines: 12, orders: 4, applied: 4, bad: 1 });
    expect(here.result.errors).toEqual([{ line: 10, message: expect.stringMatching(/Order\/6999 came without/) }]);
    expect(worker).toEqual(here);
    expect(workerReading).toEqual(here);
  }, 60_000);

  it("takes a download of many small chunks (forwarded by bytes, not by count) and gives the same ledger", async () => {
    const text = [...generateOrders({ orders: 60, customers: 20, seed: 4 })]
      .flatMap((body) => restOrderToBulkRecords(body, { transactions: "synthetic" }).map((record) => `${JSON.stringify(record)}\n`)).join("");
    const bytes = Buffer.from(text);
    // 97-byte pieces, as a network stream delivers them: lines and UTF-8 sequences cut anywhere.
    async function* download(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < bytes.length; at += 97) yield bytes.subarray(at, at + 97);
    }
    const ledgers = [];
    for (const mapInWorker of [false, true]) {
      await resetDb();
      await upsertShop(db, { id: "chunks.myshopify.com", currency: "USD" });
      const result = await streamIngest(db, "chunks.myshopify.com", download(), { format: "bulk", batchSize: 9, mapInWorker });
      expect(result.errors).toEqual([]);
      expect(result.counts).toMatchObject({ orders: 60, bytes: bytes.length, bad: 0 });
      ledgers.push(await ledgerRows("chunks.myshopify.com"));
    }
    expect(ledgers[0].orders).toHaveLength(60);
    expect(ledgers[1]).toEqual(ledgers[0]);
  }, 60_000);

  it("stops after a batch with a resume point, and resuming there completes the same ledger", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "writers-"));
    const file = path.join(dir, "bulk.jsonl");
    const lines = [...generateOrders({ orders: 40, customers: 15, seed: 9 })]
      .flatMap((body) => restOrderToBulkRecords(body, { transactions: "synthetic" }).map((record) => JSON.stringify(record)));
    writeFileSync(file, `${lines.join("\n")}\n`);
    try {
      await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
      let batches = 0;
      const first = await streamIngest(db, "bulk.myshopify.com", fileStream(file), {
        format: "bulk", batchSize: 7, window: 3, mapInWorker: true, shouldStop: () => ++batches === 2,
      });
      expect(first.stopped).toBe(true);
      expect(first.counts.orders).toBe(14);
      expect(first.resume.line).toBeGreaterThan(0);
      // The worker opens the file itself at the resume point's byte.
      const rest = await streamIngest(db, "bulk.myshopify.com", { file }, {
        format: "bulk", batchSize: 7, window: 3, mapInWorker: true, from: first.resume,
      });
      expect(rest.stopped).toBe(false);
      expect(rest.errors).toEqual([]);
      // It read from the resume point on: line numbers and bytes end where the file does.
      expect(rest.counts.lines).toBe(lines.length);
      expect(rest.counts.bytes).toBe(Buffer.byteLength(`${lines.join("\n")}\n`));
      expect(rest.counts.orders).toBeLessThan(40);
      const resumed = await ledgerRows("bulk.myshopify.com");
      await resetDb();
      await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
      await streamIngest(db, "bulk.myshopify.com", fileStream(file), { format: "bulk", batchSize: 7, window: 3, mapInWorker: false });
      const whole = await ledgerRows("bulk.myshopify.com");
      expect(whole.orders.length).toBeGreaterThan(35);
      expect(resumed).toEqual(whole);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("reports a bad line by number from the worker, and the rest of the file goes on", async () => {
    await upsertShop(db, { id: "bad.myshopify.com", currency: "USD" });
    const lines = readFileSync(BULK_FILE, "utf8").trim().split("\n");
    const text = [lines[0], "{not json", ...lines.slice(1)].join("\n");
    const result = await streamIngest(db, "bad.myshopify.com", Readable.from([Buffer.from(text)]), { format: "bulk", window: 2, mapInWorker: true });
    expect(result.errors[0]).toEqual({ line: 2, message: expect.any(String) });
    expect(result.counts.applied).toBe(4);
  }, 60_000);
});
