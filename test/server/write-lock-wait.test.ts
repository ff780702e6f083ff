/**
 * Waiting for another connection's write lock (db.server.ts beginImmediate): the wait happens on the
 * event loop, not in SQLite's busy handler, so the thread keeps serving while a worker process or the
 * job thread holds the lock; it gives up with SQLITE_BUSY after its limit; and every transaction of the
 * app's client goes through it. SQLite only.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db, { beginImmediate, createDb } from "~/db.server";
import { SqliteDatabase } from "~/lib/sqlite-library.server";
import { upsertShop } from "~/shops/shops.server";
import { resetDb } from "../support/db";

const file = () => process.env.DATABASE_URL!.slice("file:".length).split("?")[0];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts event-loop turns (1 ms timers) until stopped. */
function tickCounter() {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  return { stop: () => (clearInterval(timer), ticks) };
}

describe.skipIf(!process.env.DATABASE_URL?.startsWith("file:"))("waiting for the SQLite write lock", () => {
  beforeEach(resetDb);
  afterEach(resetDb);

  it("waits on the event loop while another connection holds the lock, then holds it itself", async () => {
    const holder = new SqliteDatabase(file());
    const waiter = new SqliteDatabase(file());
    try {
      holder.exec("BEGIN IMMEDIATE");
      const counter = tickCounter();
      const begun = beginImmediate((sql) => waiter.exec(sql), (sql) => waiter.pragma(sql), 2_000);
      await sleep(120);
      expect(waiter.inTransaction).toBe(false);
      holder.exec("COMMIT");
      await begun;
      const ticks = counter.stop();
      expect(waiter.inTransaction).toBe(true);
      // A busy handler would have blocked the thread: no timer could fire while it slept.
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(waiter.pragma("busy_timeout", { simple: true })).toBe(5_000);
      waiter.exec("ROLLBACK");
    } finally {
      holder.close();
      waiter.close();
    }
  });

  it("fails with SQLITE_BUSY when the lock stays taken past the limit, and restores the busy timeout", async () => {
    const holder = new SqliteDatabase(file());
    const waiter = new SqliteDatabase(file());
    try {
      holder.exec("BEGIN IMMEDIATE");
      const started = Date.now();
      await expect(beginImmediate((sql) => waiter.exec(sql), (sql) => waiter.pragma(sql), 60)).rejects.toMatchObject({ code: "SQLITE_BUSY" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(60);
      expect(waiter.inTransaction).toBe(false);
      expect(waiter.pragma("busy_timeout", { simple: true })).toBe(5_000);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
      waiter.close();
    }
  });

  it("an app transaction queued behind another client's keeps the event loop turning and commits after it", async () => {
    const other = createDb(process.env.DATABASE_URL);
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let otherIn!: () => void;
      const otherHolds = new Promise<void>((resolve) => (otherIn = resolve));
      const order: string[] = [];
      const first = other.$transaction(async (tx) => {
        await upsertShop(tx as never, { id: "first.myshopify.com", currency: "USD", ianaTimezone: "UTC" });
        otherIn();
        await held;
        order.push("first");
      });
      await otherHolds;
      const counter = tickCounter();
      const second = db.$transaction(async (tx) => {
        order.push("second");
        await upsertShop(tx as never, { id: "second.myshopify.com", currency: "USD", ianaTimezone: "UTC" });
      });
      await sleep(100);
      release();
      await Promise.all([first, second]);
      expect(counter.stop()).toBeGreaterThanOrEqual(10);
      expect(order).toEqual(["first", "second"]);
      expect((await db.shop.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id))
        .toEqual(["first.myshopify.com", "second.myshopify.com"]);
    } finally {
      await other.$disconnect();
    }
  });
});
