/**
 * PostgreSQL's claim (`FOR UPDATE SKIP LOCKED`): a worker passes over a job another connection has
 * locked and takes the next one without waiting. SQLite serialises writers instead (queue.test.ts
 * covers its conditional UPDATE), so this file runs on PostgreSQL only (`npm run test:pg`).
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import db, { createDb, dbProvider } from "~/db.server";
import { enqueue, registerJobHandler, runDueJobs, unregisterJobHandler } from "~/queue/queue.server";
import { resetDb } from "../support/db";

const SHOP = "skip-locked.myshopify.com";
const second = createDb(process.env.DATABASE_URL);

beforeEach(resetDb);
afterEach(() => unregisterJobHandler("test.skip"));
afterAll(() => second.$disconnect());

describe.runIf(dbProvider(db) === "postgresql")("queue claim on PostgreSQL", () => {
  it("skips a job whose row another connection holds locked, and claims the next one at once", async () => {
    const ran: string[] = [];
    registerJobHandler("test.skip", async (job) => void ran.push((job.payload as { n: string }).n));
    await enqueue(db, { shopId: SHOP, kind: "test.skip", payload: { n: "first" }, runAt: new Date(Date.now() - 2_000) });
    await enqueue(db, { shopId: SHOP, kind: "test.skip", payload: { n: "second" }, runAt: new Date(Date.now() - 1_000) });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another worker mid-claim on the oldest job: its row lock is held until this transaction ends.
    const holder = second.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT "id" FROM "Job" WHERE "payload" = ${JSON.stringify({ n: "first" })} FOR UPDATE`;
      locked();
      await released;
    }, { timeout: 20_000 });
    await isLocked;
    const started = performance.now();
    expect(await runDueJobs(db, { workerId: "A", limit: 1 })).toBe(1);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(ran).toEqual(["second"]);
    release();
    await holder;
    // Once the lock is gone the first job is claimable as usual.
    expect(await runDueJobs(db, { workerId: "A" })).toBe(1);
    expect(ran).toEqual(["second", "first"]);
    expect(await db.job.count({ where: { status: "done" } })).toBe(2);
  });
});
