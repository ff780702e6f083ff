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
import { generateOrders } from "~/demo/generator";
import { writeOrderBatch } from "~/ingest/orders.server";
import { upsertShop } from "~/shops/shops.server";
import { streamIngest, type ResumePoint } from "~/sync/stream-ingest.server";
import { resetDb } from "../support/db";
import { ledgerDump } from "../sync/backfill/ledger-dump";

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
      write: async (tx, shopId, orders) => {
        written.push(await synchronousIn(tx));
        return writeOrderBatch(db, tx, shopId, orders);
      },
      onBatch: async (_progress, tx) => {
        reported.push(await synchronousIn(tx));
      },
    });
    expect(result.counts.applied).toBe(4);
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(new Set(written)).toEqual(new Set([NORMAL]));
    expect(new Set(reported)).toEqual(new Set([NORMAL]));
    expect(await synchronousInTransaction()).toBe(FULL);
  });

  it("an ingest with the default durability keeps FULL, a transaction per batch", async () => {
    await upsertShop(db, { id: "bulk.myshopify.com", currency: "USD" });
    const written: number[] = [];
    const transactions = new Set<unknown>();
    await streamIngest(db, "bulk.myshopify.com", Readable.from([readFileSync(BULK_FILE)]), {
      format: "bulk", batchSize: 1, window: 3, mapInWorker: false,
      write: async (tx, shopId, orders) => {
        written.push(await synchronousIn(tx));
        transactions.add(tx);
        return writeOrderBatch(db, tx, shopId, orders);
      },
    });
    expect(new Set(written)).toEqual(new Set([FULL]));
    expect(transactions.size).toBe(written.length);
  });

  it("relaxed batches share a transaction until it holds ordersPerTransaction orders", async () => {
    await upsertShop(db, { id: SHOP, currency: "USD" });
    const transactionOfBatch: unknown[] = [];
    const result = await streamIngest(db, SHOP, webhookLines(), {
      ...GROUPED,
      write: async (tx, shopId, orders) => {
        transactionOfBatch.push(tx);
        return writeOrderBatch(db, tx, shopId, orders);
      },
    });
    // Six one-order batches: three transactions of two (compared by identity: a client is not printable).
    expect(result.counts.applied).toBe(6);
    const same = (i: number, j: number) => transactionOfBatch[i] === transactionOfBatch[j];
    expect([same(0, 1), same(1, 2), same(2, 3), same(3, 4), same(4, 5)]).toEqual([true, false, true, false, true]);
    expect(await db.order.count({ where: { shopId: SHOP } })).toBe(6);
  });

  it("a batch that fails rolls back its open transaction only; resuming from the last committed resume point completes the ledger", async () => {
    // The ledger of an uninterrupted run, to compare with.
    await upsertShop(db, { id: SHOP, currency: "USD" });
    await streamIngest(db, SHOP, webhookLines(), GROUPED);
    const whole = await ledgerDump(SHOP);
    expect(whole.orders).toHaveLength(6);
    await resetDb();

    await upsertShop(db, { id: SHOP, currency: "USD" });
    const resumePoints: ResumePoint[] = [];
    let batches = 0;
    await expect(streamIngest(db, SHOP, webhookLines(), {
      ...GROUPED,
      write: async (tx, shopId, orders) => {
        if (++batches === 4) throw new Error("disk full");
        return writeOrderBatch(db, tx, shopId, orders);
      },
      onBatch: async (progress) => void resumePoints.push(progress.resume),
    })).rejects.toThrow("disk full");
    // Batches 1-2 committed together; batch 3 ran in the transaction that batch 4 rolled back.
    expect(resumePoints).toHaveLength(3);
    expect((await ledgerDump(SHOP)).orders.map((order) => order.id)).toEqual(whole.orders.slice(0, 2).map((order) => order.id).sort());

    const resumed = await streamIngest(db, SHOP, webhookLines(), { ...GROUPED, from: resumePoints[1] });
    expect(resumed.counts.applied).toBe(4);
    expect(await ledgerDump(SHOP)).toEqual(whole);
  });
});

const SHOP = "bulk.myshopify.com";
/** One order per batch, two orders per transaction, no commit for lack of a next batch. */
const GROUPED = { format: "webhook" as const, batchSize: 1, mapInWorker: false, durability: "relaxed" as const, ordersPerTransaction: 2, idleCommitMs: 60_000 };

/** Six demo orders, one webhook body per line. */
function webhookLines(): Readable {
  return Readable.from([[...generateOrders({ orders: 6, seed: 7 })].map((body) => `${JSON.stringify(body)}\n`).join("")]);
}

async function synchronousIn(tx: Pick<typeof db, "$queryRawUnsafe">): Promise<number> {
  const [row] = await tx.$queryRawUnsafe<{ synchronous: bigint | number }[]>("PRAGMA synchronous");
  return Number(row.synchronous);
}
