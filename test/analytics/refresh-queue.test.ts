/**
 * Margin jobs ask for the analytics refresh through the durable queue: one job per shop and 5-second
 * window, due at the window's end (or later, while the shop rests after its last refresh), and running
 * it stores fresh snapshots.
 */
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { ANALYTICS_REFRESH_JOB, readView, REFRESH_REST_FACTOR, REFRESH_WINDOW_MS, scheduleAnalyticsRefresh } from "~/analytics/snapshot.server";
import { FULL_RECOMPUTE_JOB } from "~/margins/jobs.server";
import { enqueue, runDueJobs } from "~/queue/queue.server";
import { resetDb } from "../support/db";
import { seedAnalyticsStore, SHOP } from "./fixture";

const OTHER = "other-shop.myshopify.com";

beforeEach(async () => {
  await resetDb();
  await seedAnalyticsStore();
});

describe("scheduleAnalyticsRefresh", () => {
  it("coalesces changes of one window into one job due at its end, per shop", async () => {
    const t = 1_800_000_000_000 + 1_000; // 1 s into a window
    await scheduleAnalyticsRefresh(db, SHOP, t);
    await scheduleAnalyticsRefresh(db, SHOP, t + 3_000);
    await scheduleAnalyticsRefresh(db, OTHER, t + 3_000);
    await scheduleAnalyticsRefresh(db, SHOP, t + REFRESH_WINDOW_MS);
    const jobs = await db.job.findMany({ where: { kind: ANALYTICS_REFRESH_JOB } });
    expect(jobs.map((j) => `${j.shopId} ${j.runAt.getTime() - t}`).sort()).toEqual([
      `${OTHER} ${REFRESH_WINDOW_MS - 1_000}`, `${SHOP} ${2 * REFRESH_WINDOW_MS - 1_000}`, `${SHOP} ${REFRESH_WINDOW_MS - 1_000}`,
    ].sort());
    expect((await db.analyticsRefresh.findUnique({ where: { shopId: SHOP } }))?.requestedAt?.getTime()).toBe(t + REFRESH_WINDOW_MS);
  });

  it("waits REFRESH_REST_FACTOR times the last refresh's duration after it, with every change until then in one job", async () => {
    const t = 1_800_000_000_000 + 1_000;
    // The last refresh took 4 s and finished at t: the next may start at t + 12 s, in the window ending at t + 14 s.
    await db.analyticsSnapshot.create({ data: { shopId: SHOP, view: "cohorts", payload: "{}", asOf: new Date(t), computedAt: new Date(t),
      costVersion: 0, watermark: new Date(t), ms: 4_000 } });
    expect(REFRESH_REST_FACTOR * 4_000).toBe(12_000);
    await scheduleAnalyticsRefresh(db, SHOP, t + 1_000);
    await scheduleAnalyticsRefresh(db, SHOP, t + REFRESH_WINDOW_MS + 1_000); // a later window, still resting: the same job
    await scheduleAnalyticsRefresh(db, SHOP, t + 15_000); // after the rest: the next window as usual
    await scheduleAnalyticsRefresh(db, OTHER, t + 1_000); // another shop is not held back
    const jobs = await db.job.findMany({ where: { kind: ANALYTICS_REFRESH_JOB } });
    expect(jobs.map((j) => `${j.shopId} ${j.runAt.getTime() - t}`).sort()).toEqual([
      `${OTHER} ${REFRESH_WINDOW_MS - 1_000}`, `${SHOP} 14000`, `${SHOP} 19000`,
    ].sort());
  });

  it("runs after a full margin job and leaves the pages fresh", async () => {
    expect(await db.analyticsSnapshot.count({ where: { shopId: SHOP } })).toBe(0);
    await enqueue(db, { shopId: SHOP, kind: FULL_RECOMPUTE_JOB, payload: {} });
    await runDueJobs(db, { kinds: [FULL_RECOMPUTE_JOB] });
    const queued = await db.job.findMany({ where: { shopId: SHOP, kind: ANALYTICS_REFRESH_JOB } });
    expect(queued).toHaveLength(1);
    expect(queued[0].status).toBe("queued");
    // Not before the window ends ...
    expect(await runDueJobs(db, { kinds: [ANALYTICS_REFRESH_JOB], now: () => new Date(queued[0].runAt.getTime() - 1) })).toBe(0);
    // ... then it refreshes the shop.
    expect(await runDueJobs(db, { kinds: [ANALYTICS_REFRESH_JOB], now: () => new Date(queued[0].runAt.getTime() + 1) })).toBe(1);
    const { snapshot, freshness } = await readView(db, SHOP, "cohorts", new Date(queued[0].runAt.getTime() + 2));
    expect(snapshot?.payload.customers).toBe(4);
    expect(freshness).toMatchObject({ stale: false, recomputing: false, error: null });
  });
});
