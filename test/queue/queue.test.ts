import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import db, { createDb } from "~/db.server";
import {
  enqueue,
  failedJobs,
  PermanentJobError,
  purgeJobs,
  queueStats,
  registerBatchJobHandler,
  registerJobHandler,
  retryDelayMs,
  retryJob,
  runDueJobs,
  startWorker,
  unregisterJobHandler,
  type QueuedJob,
} from "~/queue/queue.server";
import { resetDb } from "../support/db";

const SHOP = "queue-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A second client on the same database file: another "process" as far as the database can tell.
const second = createDb(process.env.DATABASE_URL);

beforeEach(resetDb);
afterEach(() => {
  for (const kind of ["test.record", "test.flaky", "test.slow", "test.permanent", "test.never", "test.batch"]) unregisterJobHandler(kind);
});
afterAll(() => second.$disconnect());

describe("enqueue", () => {
  it("stores a job with its JSON payload, due now", async () => {
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: { orderId: "gid://shopify/Order/1", n: 2 } });
    const job = await db.job.findFirstOrThrow({ where: { shopId: SHOP } });
    expect(job).toMatchObject({ kind: "test.record", status: "queued", attempts: 0, maxAttempts: 8, dedupeKey: null });
    expect(JSON.parse(job.payload)).toEqual({ orderId: "gid://shopify/Order/1", n: 2 });
    expect(job.runAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("is idempotent on (shopId, dedupeKey), and the key is per shop", async () => {
    for (let i = 0; i < 3; i += 1) {
      await enqueue(db, { shopId: SHOP, kind: "test.record", payload: i, dedupeKey: "bulk:1" });
    }
    await enqueue(db, { shopId: OTHER, kind: "test.record", payload: 9, dedupeKey: "bulk:1" });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 10 });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 11 });
    expect(await db.job.count({ where: { shopId: SHOP } })).toBe(3);
    expect(await db.job.count({ where: { shopId: OTHER } })).toBe(1);
    const deduped = await db.job.findFirstOrThrow({ where: { shopId: SHOP, dedupeKey: "bulk:1" } });
    expect(JSON.parse(deduped.payload)).toBe(0); // the first one wins
  });

  it("commits and rolls back with the transaction it is given", async () => {
    await expect(
      db.$transaction(async (tx) => {
        await enqueue(tx, { shopId: SHOP, kind: "test.record", payload: 1 });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await db.job.count()).toBe(0);
    await db.$transaction(async (tx) => {
      await enqueue(tx, { shopId: SHOP, kind: "test.record", payload: 1, dedupeKey: "k" });
      await enqueue(tx, { shopId: SHOP, kind: "test.record", payload: 2, dedupeKey: "k" }); // no abort
    });
    expect(await db.job.count()).toBe(1);
  });
});

describe("runDueJobs", () => {
  it("runs due jobs once, in runAt order, and leaves future ones", async () => {
    const seen: unknown[] = [];
    registerJobHandler("test.record", async (job) => {
      seen.push(job.payload);
    });
    const now = Date.now();
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: "b", runAt: new Date(now - 1_000) });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: "a", runAt: new Date(now - 2_000) });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: "later", runAt: new Date(now + 60_000) });
    expect(await runDueJobs(db)).toBe(2);
    expect(seen).toEqual(["a", "b"]);
    expect(await runDueJobs(db)).toBe(0);
    expect(await db.job.count({ where: { status: "done" } })).toBe(2);
    expect(await queueStats(db, SHOP)).toMatchObject({ queued: 1, running: 0, failed: 0 });
  });

  it("does not claim kinds this process has no handler for", async () => {
    await enqueue(db, { shopId: SHOP, kind: "test.never", payload: null });
    expect(await runDueJobs(db)).toBe(0);
    expect((await db.job.findFirstOrThrow()).status).toBe("queued");
  });

  it("honours the limit", async () => {
    registerJobHandler("test.record", async () => undefined);
    for (let i = 0; i < 5; i += 1) await enqueue(db, { shopId: SHOP, kind: "test.record", payload: i });
    expect(await runDueJobs(db, { limit: 3 })).toBe(3);
    expect(await runDueJobs(db, { limit: 3 })).toBe(2);
  });

  it("runs each job exactly once when workers on two connections race", async () => {
    const runs = new Map<string, string[]>();
    registerJobHandler("test.record", async (job) => {
      await sleep(Math.random() * 3);
      runs.set(String(job.payload), [...(runs.get(String(job.payload)) ?? []), job.id]);
    });
    const jobs = 120;
    for (let i = 0; i < jobs; i += 1) await enqueue(db, { shopId: i % 2 ? SHOP : OTHER, kind: "test.record", payload: i });
    const workers = [
      { client: db, id: "w1" },
      { client: second, id: "w2" },
      { client: db, id: "w3" },
      { client: second, id: "w4" },
    ];
    const counts = await Promise.all(
      workers.map(async ({ client, id }) => {
        let total = 0;
        for (;;) {
          const ran = await runDueJobs(client, { workerId: id, limit: 7 });
          if (!ran) return total;
          total += ran;
        }
      }),
    );
    expect(counts.reduce((a, b) => a + b, 0)).toBe(jobs);
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1); // they really raced
    expect(runs.size).toBe(jobs);
    for (const ids of runs.values()) expect(ids).toHaveLength(1);
    expect(await db.job.count({ where: { status: "done", attempts: 1 } })).toBe(jobs);
  });

  it("claims a job again when its worker died and the lease expired", async () => {
    registerJobHandler("test.record", async () => undefined);
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 1 });
    // Worker A claims it and dies: simulated by the claim without the run.
    const job = await db.job.findFirstOrThrow();
    const t0 = new Date();
    await db.job.update({
      where: { id: job.id },
      data: { status: "running", lockedBy: "dead-worker:token", lockedUntil: new Date(t0.getTime() + 30_000), attempts: 1 },
    });
    expect(await queueStats(db)).toMatchObject({ running: 1, queued: 0 });
    // While the lease holds, nobody else takes it.
    expect(await runDueJobs(second, { workerId: "B" })).toBe(0);
    // After the lease, worker B does.
    const later = () => new Date(t0.getTime() + 31_000);
    expect(await queueStats(db)).toMatchObject({ running: 1 });
    expect(await runDueJobs(second, { workerId: "B", now: later })).toBe(1);
    const done = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(done).toMatchObject({ status: "done", attempts: 2, lockedBy: null, lockedUntil: null });
  });

  it("fails a job whose worker died on its last attempt, without running it again", async () => {
    let ran = 0;
    registerJobHandler("test.record", async () => {
      ran += 1;
    });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 1, maxAttempts: 2 });
    const job = await db.job.findFirstOrThrow();
    await db.job.update({ where: { id: job.id }, data: { status: "running", lockedBy: "x", lockedUntil: new Date(Date.now() - 1), attempts: 2 } });
    expect(await runDueJobs(db)).toBe(0);
    expect(ran).toBe(0);
    const failed = await db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(failed.status).toBe("failed");
    expect(failed.lastError).toMatch(/lease expired/);
  });

  it("renews the lease while a slow handler runs, so nobody steals it", async () => {
    let runs = 0;
    registerJobHandler("test.slow", async () => {
      runs += 1;
      await sleep(250);
    });
    await enqueue(db, { shopId: SHOP, kind: "test.slow", payload: null });
    const first = runDueJobs(db, { workerId: "A", leaseMs: 90 });
    await sleep(150); // past the first lease end, but renewed every 30 ms
    expect(await runDueJobs(second, { workerId: "B", leaseMs: 90 })).toBe(0);
    expect(await first).toBe(1);
    expect(runs).toBe(1);
  });

  it("a worker that lost its lease cannot overwrite the new holder's outcome", async () => {
    let calls = 0;
    registerJobHandler("test.slow", async () => {
      calls += 1;
      if (calls === 1) {
        // The first holder stalls (e.g. a long GC pause) while its lease is taken over.
        const job = await db.job.findFirstOrThrow();
        await db.job.update({ where: { id: job.id }, data: { lockedBy: "B:other", lockedUntil: new Date(Date.now() + 60_000) } });
        throw new Error("boom after losing the lease");
      }
    });
    await enqueue(db, { shopId: SHOP, kind: "test.slow", payload: null });
    expect(await runDueJobs(db, { workerId: "A" })).toBe(1);
    const job = await db.job.findFirstOrThrow();
    expect(job).toMatchObject({ status: "running", lockedBy: "B:other", lastError: null });
  });
});

describe("retries and failure", () => {
  it("retries with exponential backoff, then succeeds", async () => {
    const attempts: number[] = [];
    registerJobHandler("test.flaky", async (job: QueuedJob) => {
      attempts.push(job.attempts);
      if (job.attempts < 3) throw new Error(`flaky ${job.attempts}`);
    });
    await enqueue(db, { shopId: SHOP, kind: "test.flaky", payload: null });
    let clock = Date.now();
    const now = () => new Date(clock);
    expect(await runDueJobs(db, { now })).toBe(1);
    let job = await db.job.findFirstOrThrow();
    expect(job).toMatchObject({ status: "queued", attempts: 1, lockedBy: null });
    expect(job.lastError).toMatch(/flaky 1/);
    expect(job.runAt.getTime() - clock).toBe(retryDelayMs(1));
    expect(await runDueJobs(db, { now })).toBe(0); // not due yet
    clock += retryDelayMs(1);
    expect(await runDueJobs(db, { now })).toBe(1);
    job = await db.job.findFirstOrThrow();
    expect(job.runAt.getTime() - clock).toBe(retryDelayMs(2));
    clock += retryDelayMs(2);
    expect(await runDueJobs(db, { now })).toBe(1);
    job = await db.job.findFirstOrThrow();
    // Done on the third attempt; the second attempt's error stays on record (why it took three).
    expect(job).toMatchObject({ status: "done", attempts: 3 });
    expect(job.lastError).toMatch(/^Error: flaky 2/);
    expect(attempts).toEqual([1, 2, 3]);
    expect([1, 2, 3, 4, 20].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 3_600_000]);
  });

  it("fails after maxAttempts keeping the error, and can be retried by hand", async () => {
    registerJobHandler("test.flaky", async () => {
      throw new Error("always broken");
    });
    await enqueue(db, { shopId: SHOP, kind: "test.flaky", payload: null, maxAttempts: 3 });
    let clock = Date.now();
    for (let i = 0; i < 3; i += 1) {
      expect(await runDueJobs(db, { now: () => new Date(clock) })).toBe(1);
      clock += retryDelayMs(i + 1);
    }
    expect(await runDueJobs(db, { now: () => new Date(clock + 10 * 3_600_000) })).toBe(0);
    const job = await db.job.findFirstOrThrow();
    expect(job).toMatchObject({ status: "failed", attempts: 3 });
    expect(job.lastError).toMatch(/always broken/);
    expect(job.finishedAt).not.toBeNull();
    expect(await queueStats(db, SHOP)).toMatchObject({ failed: 1, queued: 0, running: 0 });
    expect((await failedJobs(db, SHOP)).map((row) => row.id)).toEqual([job.id]);
    expect(await failedJobs(db, OTHER)).toEqual([]);

    expect(await retryJob(db, OTHER, job.id)).toBe(false); // shop-scoped
    expect(await retryJob(db, SHOP, job.id)).toBe(true);
    expect(await db.job.findFirstOrThrow()).toMatchObject({ status: "queued", attempts: 0 });
  });

  it("fails at once on a PermanentJobError", async () => {
    registerJobHandler("test.permanent", async () => {
      throw new PermanentJobError("payload names no order");
    });
    await enqueue(db, { shopId: SHOP, kind: "test.permanent", payload: null });
    expect(await runDueJobs(db)).toBe(1);
    expect(await db.job.findFirstOrThrow()).toMatchObject({ status: "failed", attempts: 1 });
  });
});

describe("batch handlers", () => {
  it("hands due jobs of one kind and shop to one run, at most `max` at a time", async () => {
    const batches: { shop: string; payloads: unknown[] }[] = [];
    registerBatchJobHandler("test.batch", async (jobs) => {
      batches.push({ shop: jobs[0].shopId, payloads: jobs.map((job) => job.payload) });
    }, { max: 3 });
    for (let i = 0; i < 5; i += 1) await enqueue(db, { shopId: SHOP, kind: "test.batch", payload: i, runAt: new Date(Date.now() - 10_000 + i) });
    await enqueue(db, { shopId: OTHER, kind: "test.batch", payload: "other" });
    await enqueue(db, { shopId: SHOP, kind: "test.batch", payload: "later", runAt: new Date(Date.now() + 60_000) });
    expect(await runDueJobs(db)).toBe(6);
    expect(batches).toEqual([
      { shop: SHOP, payloads: [0, 1, 2] },
      { shop: SHOP, payloads: [3, 4] },
      { shop: OTHER, payloads: ["other"] },
    ]);
    expect(await db.job.count({ where: { status: "done" } })).toBe(6);
  });

  it("retries every job of a failed batch on its own attempt count", async () => {
    let calls = 0;
    registerBatchJobHandler("test.batch", async () => {
      calls += 1;
      if (calls === 1) throw new Error("batch broke");
    });
    await enqueue(db, { shopId: SHOP, kind: "test.batch", payload: 1 });
    await enqueue(db, { shopId: SHOP, kind: "test.batch", payload: 2, maxAttempts: 1 });
    expect(await runDueJobs(db)).toBe(2);
    const jobs = await db.job.findMany({ orderBy: { maxAttempts: "asc" } });
    expect(jobs.map((job) => [job.status, job.attempts])).toEqual([["failed", 1], ["queued", 1]]);
    expect(await runDueJobs(db, { now: () => new Date(Date.now() + 5_000) })).toBe(1);
    expect((await db.job.findFirstOrThrow({ where: { maxAttempts: 8 } })).status).toBe("done");
  });

  it("two workers racing on batches still run each job once", async () => {
    const seen: unknown[] = [];
    registerBatchJobHandler("test.batch", async (jobs) => {
      await sleep(Math.random() * 3);
      seen.push(...jobs.map((job) => job.payload));
    }, { max: 7 });
    for (let i = 0; i < 60; i += 1) await enqueue(db, { shopId: i % 3 ? SHOP : OTHER, kind: "test.batch", payload: i });
    const drain = async (client: typeof db, id: string) => {
      while (await runDueJobs(client, { workerId: id, limit: 10 }));
    };
    await Promise.all([drain(db, "a"), drain(second, "b"), drain(db, "c")]);
    expect(seen.length).toBe(60);
    expect(new Set(seen).size).toBe(60);
  });
});

describe("queueStats, purge and the worker", () => {
  it("counts per shop and reports the oldest queued job", async () => {
    const old = new Date(Date.now() - 3_600_000);
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 1, runAt: old });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 2 });
    await enqueue(db, { shopId: OTHER, kind: "test.record", payload: 3, runAt: new Date(old.getTime() - 1000) });
    expect(await queueStats(db, SHOP)).toEqual({ queued: 2, running: 0, failed: 0, oldestQueuedAt: old });
    expect((await queueStats(db)).queued).toBe(3);
    expect(await queueStats(db, "none.myshopify.com")).toEqual({ queued: 0, running: 0, failed: 0, oldestQueuedAt: null });
  });

  it("purges finished jobs older than the cutoff", async () => {
    registerJobHandler("test.record", async () => undefined);
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 1, dedupeKey: "once" });
    await runDueJobs(db);
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 1, dedupeKey: "once" });
    expect(await db.job.count()).toBe(1); // still deduplicated while the done row exists
    expect(await purgeJobs(db, new Date(Date.now() + 1000))).toBe(1);
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 1, dedupeKey: "once" });
    expect(await db.job.count({ where: { status: "queued" } })).toBe(1);
  });

  it("startWorker runs jobs in the background until stopped", async () => {
    const seen: number[] = [];
    registerJobHandler("test.record", async (job) => {
      seen.push(job.payload as number);
    });
    const worker = startWorker(db, { intervalMs: 20 });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 1 });
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 2 });
    for (let i = 0; i < 100 && seen.length < 2; i += 1) await sleep(10);
    await worker.stop();
    expect(seen.sort()).toEqual([1, 2]);
    await enqueue(db, { shopId: SHOP, kind: "test.record", payload: 3 });
    await sleep(60);
    expect(seen).toHaveLength(2);
  });
});
