/**
 * Relaxed commits (db.server.ts withRelaxedDurability): transactions started inside the context commit
 * with synchronous = NORMAL and a larger auto-checkpoint threshold, every other transaction (a webhook answered at the same time) keeps FULL,
 * and a streamed ingest asked for relaxed durability runs its batches that way and syncs at the end.
 * SQLite only: PostgreSQL commits are never relaxed.
 */
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db, { withRelaxedDurability } from "~/db.server";
import { ingestOrders } from "~/ingest/orders.server";
import { upsertShop } from "~/shops/shops.server";
import { streamIngest } from "~/sync/stream-ingest.server";
import { resetDb } from "../support/db";

const BULK_FILE = "test/fixtures/bulk/orders-out-of-order.jsonl";
// PRAGMA synchronous reads 1 for NORMAL, 2 for FULL.
const NORMAL = 1;
const FULL = 2;

/** The connection's synchronous level and auto-checkpoint threshold, read inside a transaction. */
async function settingsInTransaction(): Promise<{ synchronous: number; checkpointPages: number }> {
  return db.$transaction(async (tx) => {
    const [sync] = await tx.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
    const [pages] = await tx.$queryRawUnsafe<{ wal_autocheckpoint: bigint | number }[]>("PRAGMA wal_autocheckpoint");
    return { synchronous: Number(sync.synchronous), checkpointPages: Number(pages.wal_autocheckpoint) };
  });
}

async function synchronousInTransaction(): Promise<number> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
    return Number(row.synchronous);
  });
}

describe.skipIf(!process.env.DATABASE_URL?.startsWith("file:"))("relaxed durability on SQLite", () => {
  beforeEach(resetDb);
  afterEach(resetDb);

  it("relaxes only the transactions started inside the context, and restores FULL after their commit", async () => {
    expect(await settingsInTransaction()).toEqual({ synchronous: FULL, checkpointPages: 1000 });
    // Batches checkpoint every 16,000 pages instead of each on its own.
    expect(await withRelaxedDurability(settingsInTransaction)).toEqual({ synchronous: NORMAL, checkpointPages: 16_000 });
    expect(await settingsInTransaction()).toEqual({ synchronous: FULL, checkpointPages: 1000 });
  });

  it("restores FULL after a relaxed transaction rolls back", async () => {
    await expect(withRelaxedDurability(() => db.$transaction(async () => {
      throw new Error("rolled back");
    }))).rejects.toThrow("rolled back");
    expect(await synchronousInTransaction()).toBe(FULL);
  });

  it("a transaction queued behind a relaxed one, from outside the context, commits with FULL", async () => {
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    const relaxed = withRelaxedDurability(() => db.$transaction(async (tx) => {
      await held;
      const [row] = await tx.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
      return Number(row.synchronous);
    }));
    // Waits for the relaxed transaction's connection lock, then must see the process's own setting.
    const webhook = synchronousInTransaction();
    letGo();
    expect(await relaxed).toBe(NORMAL);
    expect(await webhook).toBe(FULL);
  });

  it("a relaxed streamed ingest writes and reports each batch in relaxed transactions, then leaves FULL", async () => {
    await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
    const written: number[] = [];
    const reported: number[] = [];
    const result = await streamIngest(db, "bulk.myshopify.com", Readable.from([readFileSync(BULK_FILE)]), {
      format: "bulk", batchSize: 1, window: 3, mapInWorker: false, durability: "relaxed",
      write: async (database, shopId, orders) => {
        written.push(await synchronousInTransaction());
        return ingestOrders(database, shopId, orders);
      },
      onBatch: async () => {
        reported.push(await synchronousInTransaction());
      },
    });
    expect(result.counts.applied).toBe(4);
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(new Set(written)).toEqual(new Set([NORMAL]));
    expect(new Set(reported)).toEqual(new Set([NORMAL]));
    expect(await synchronousInTransaction()).toBe(FULL);
  });

  it("an ingest with the default durability keeps FULL", async () => {
    await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
    const written: number[] = [];
    await streamIngest(db, "bulk.myshopify.com", Readable.from([readFileSync(BULK_FILE)]), {
      format: "bulk", batchSize: 1, window: 3, mapInWorker: false,
      write: async (database, shopId, orders) => {
        written.push(await synchronousInTransaction());
        return ingestOrders(database, shopId, orders);
      },
    });
    expect(new Set(written)).toEqual(new Set([FULL]));
  });
});
