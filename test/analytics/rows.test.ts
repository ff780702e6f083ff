/**
 * The analytics' streaming reads: the fast date reader against Date.parse, and the direct SQLite path
 * against the portable Prisma path on the same store (same SQL, same expectations).
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { loadAnalyticsInput } from "~/analytics/input.server";
import { instantMs, openRowSource, whileWritesWait, withRowSnapshot } from "~/analytics/rows.server";
import { Prisma } from "~/generated/prisma/client";
import { getShop } from "~/shops/shops.server";
import { resetDb } from "../support/db";
import { AS_OF, seedAnalyticsStore, SHOP } from "./fixture";
import { valueEventList } from "~/domain/value-events";

describe("instantMs", () => {
  it("reads the stored ISO form exactly, across years, leap days and milliseconds", () => {
    for (const text of ["2026-01-05T12:00:00.000+00:00", "2024-02-29T23:59:59.999+00:00", "1970-01-01T00:00:00.000+00:00",
      "1969-12-31T23:59:59.001+00:00", "2000-03-01T00:00:00.000+00:00", "2100-12-31T01:02:03.456+00:00"]) {
      expect(instantMs(text)).toBe(Date.parse(text));
    }
  });

  it("falls back to Date.parse for other forms and accepts Dates and epoch numbers", () => {
    expect(instantMs("2026-01-05T12:00:00Z")).toBe(Date.UTC(2026, 0, 5, 12));
    expect(instantMs("2026-01-05T12:00:00.000-05:00")).toBe(Date.UTC(2026, 0, 5, 17));
    expect(instantMs(new Date(Date.UTC(2026, 0, 5)))).toBe(Date.UTC(2026, 0, 5));
    expect(instantMs(1_767_571_200_000)).toBe(1_767_571_200_000);
  });

  it("refuses values that are no date", () => {
    expect(() => instantMs("2026-13-45T99:00:00.000+00:00")).toThrow(RangeError);
    expect(() => instantMs("yesterday")).toThrow(RangeError);
    expect(() => instantMs(null)).toThrow(RangeError);
    expect(() => instantMs(new Date(NaN))).toThrow(RangeError);
  });
});

// The direct path exists on SQLite only; on PostgreSQL runs (TEST_DATABASE=postgres) both loads are the Prisma path.
describe.skipIf(!process.env.DATABASE_URL?.startsWith("file:"))("row sources", () => {
  const previous = process.env.ANALYTICS_DIRECT_SQLITE;
  beforeAll(async () => {
    await resetDb();
    await seedAnalyticsStore();
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.ANALYTICS_DIRECT_SQLITE;
    else process.env.ANALYTICS_DIRECT_SQLITE = previous;
  });

  it("serve the same load through the direct SQLite path and through Prisma", async () => {
    const shop = (await getShop(db, SHOP))!;
    delete process.env.ANALYTICS_DIRECT_SQLITE;
    const timings = {};
    const direct = await loadAnalyticsInput(db, shop, { asOf: AS_OF, timings });
    expect(timings).toMatchObject({ path: "sqlite-direct" });
    process.env.ANALYTICS_DIRECT_SQLITE = "off";
    const portableTimings = {};
    const portable = await loadAnalyticsInput(db, shop, { asOf: AS_OF, timings: portableTimings });
    expect(portableTimings).toMatchObject({ path: "prisma" });
    expect(direct.input.events.length).toBeGreaterThan(5);
    expect(direct.input.acquisitions.length).toBe(4);
    // Guest events sort first on SQLite either way; compare as sets keyed by order and kind.
    const key = (e: { orderId: string; kind: string; at: Date }) => `${e.orderId}/${e.kind}/${e.at.toISOString()}`;
    expect(valueEventList(direct.input.events).map(key).sort()).toEqual(valueEventList(portable.input.events).map(key).sort());
    expect(direct.input.events).toEqual(portable.input.events);
    expect(direct.input.acquisitions).toEqual(portable.input.acquisitions);
    expect(direct.orderTotals).toEqual(portable.orderTotals);
    expect(direct.orderTotals.size).toBe(5); // C4's only order was cancelled: zeros, but a row
    expect([...direct.input.cancelledOrderIds].sort()).toEqual([...portable.input.cancelledOrderIds].sort());
  });

  it("keeps one snapshot for all the reads of a load", async () => {
    const rows = openRowSource(db);
    try {
      const count = Prisma.sql`SELECT COUNT(*) FROM "ValueEvent" WHERE "shopId" = ${SHOP}`;
      let before = -1;
      await rows.each(count, (row) => (before = Number(row[0])));
      await db.valueEvent.deleteMany({ where: { shopId: SHOP, kind: "refund" } });
      let after = -1;
      await rows.each(count, (row) => (after = Number(row[0])));
      expect(rows.kind).toBe("sqlite-direct");
      expect(after).toBe(before);
      expect(await db.valueEvent.count({ where: { shopId: SHOP } })).toBeLessThan(before);
    } finally {
      rows.close();
    }
  });

  it("holds this process's writes back while snapshots are pinned, without blocking its event loop", async () => {
    const order: string[] = [];
    let write: Promise<unknown> = Promise.resolve();
    const started = performance.now();
    await whileWritesWait(db, async () => {
      write = db.$executeRaw`UPDATE "Shop" SET "lastWebhookAt" = ${new Date()} WHERE "id" = ${SHOP}`.then(() => order.push("write"));
      await new Promise((resolve) => setTimeout(resolve, 50)); // timers still run: the thread is not stuck in SQLite
      order.push("pinned");
    });
    await write;
    expect(order).toEqual(["pinned", "write"]);
    expect(performance.now() - started).toBeLessThan(2_000); // SQLite's busy timeout is 5 s
  });
});

// PostgreSQL: the Prisma path reads inside one REPEATABLE READ transaction (a refresh racing webhooks
// must not see an order's events without its row).
describe.skipIf(!process.env.DATABASE_URL?.startsWith("postgres"))("row snapshot on PostgreSQL", () => {
  beforeAll(async () => {
    await resetDb();
    await seedAnalyticsStore();
  });

  it("keeps one snapshot for all the reads of a load, rows and other queries alike", async () => {
    const count = Prisma.sql`SELECT COUNT(*) AS "n" FROM "ValueEvent" WHERE "shopId" = ${SHOP}`;
    const seen = await withRowSnapshot(db, async (rows, reader) => {
      let before = -1;
      await rows.each(count, (row) => (before = Number(row[0])));
      // Committed by another connection of the pool while the load is under way.
      await db.valueEvent.deleteMany({ where: { shopId: SHOP, kind: "refund" } });
      let after = -1;
      await rows.each(count, (row) => (after = Number(row[0])));
      const [other] = await reader.$queryRaw<{ n: unknown }[]>(count);
      return { kind: rows.kind, before, after, other: Number(other.n) };
    });
    expect(seen.kind).toBe("prisma");
    expect(seen.before).toBeGreaterThan(5);
    expect([seen.after, seen.other]).toEqual([seen.before, seen.before]);
    expect(await db.valueEvent.count({ where: { shopId: SHOP } })).toBeLessThan(seen.before);
  });

  it("refuses writes inside the snapshot (read only)", async () => {
    await expect(withRowSnapshot(db, (_rows, reader) =>
      (reader as typeof db).$executeRaw`DELETE FROM "ValueEvent" WHERE "shopId" = ${SHOP}`)).rejects.toThrow(/read-only/);
  });
});
