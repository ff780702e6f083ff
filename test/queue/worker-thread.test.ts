/**
 * The web process's job worker in a worker thread (app/queue/worker.thread.ts): it runs the app's real
 * handlers on its own database connection, against the same database, is woken by the web thread,
 * and stops after the job in hand.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { ANALYTICS_REFRESH_JOB } from "~/analytics/snapshot.server";
import { enqueue } from "~/queue/queue.server";
import { startWorkerThread, type WorkerHandle } from "~/queue/worker.server";
import { resetDb } from "../support/db";
import { seedAnalyticsStore, SHOP } from "../analytics/fixture";

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("job worker thread", () => {
  let worker: WorkerHandle | null = null;
  beforeEach(resetDb);
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await resetDb();
  });

  it("runs a queued analytics refresh with the app's handler and stores its snapshots", async () => {
    await seedAnalyticsStore();
    // A long poll interval: the job runs because the thread is woken, not because it polled.
    worker = startWorkerThread({ intervalMs: 60_000 });
    expect(worker).not.toBeNull();
    await enqueue(db, { shopId: SHOP, kind: ANALYTICS_REFRESH_JOB, payload: {}, dedupeKey: "thread-test", maxAttempts: 1 });
    worker!.wake();
    const job = await until(() => db.job.findFirst({ where: { shopId: SHOP, kind: ANALYTICS_REFRESH_JOB, dedupeKey: "thread-test" } }),
      (row) => row?.status === "done" || row?.status === "failed", 60_000);
    expect(job?.lastError ?? null).toBeNull();
    expect(job?.status).toBe("done");
    const views = (await db.analyticsSnapshot.findMany({ where: { shopId: SHOP }, select: { view: true } })).map((row) => row.view);
    expect(views).toEqual(expect.arrayContaining(["cohorts", "segments", "customers"]));
  }, 90_000);

  it("is not started with JOB_WORKER_THREAD=off", () => {
    process.env.JOB_WORKER_THREAD = "off";
    try {
      expect(startWorkerThread({ intervalMs: 1_000 })).toBeNull();
    } finally {
      delete process.env.JOB_WORKER_THREAD;
    }
  });
});
