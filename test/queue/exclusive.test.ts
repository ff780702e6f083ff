/**
 * Per-shop exclusive job kinds (full margin recompute, backfill): never two at once for one shop, across
 * workers on separate connections; other shops are not held up. Runs on SQLite and PostgreSQL.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import db, { createDb } from "~/db.server";
import { ANALYTICS_REFRESH_JOB } from "~/analytics/snapshot.server";
import { MARGIN_RECOMPUTE_JOB } from "~/ingest/margin-hook.server";
import { FULL_RECOMPUTE_JOB } from "~/margins/jobs.server";
import "~/queue/kinds.server";
import { enqueue, exclusiveGroupOf, registerJobHandler, runDueJobs, setExclusivePerShop, unregisterJobHandler } from "~/queue/queue.server";
import { BACKFILL_JOB } from "~/sync/jobs.server";
import { resetDb } from "../support/db";

const KIND = "test.exclusive";
const SHOP = "exclusive-a.myshopify.com";
const OTHER = "exclusive-b.myshopify.com";
const second = createDb(process.env.DATABASE_URL);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

setExclusivePerShop(KIND);
beforeEach(resetDb);
afterEach(() => unregisterJobHandler(KIND));
afterAll(() => second.$disconnect());

describe("per-shop exclusive jobs", () => {
  it("the app's margin recomputes, backfills and analytics refreshes each run one at a time per shop", () => {
    // Two refreshes of one shop at once collided on the snapshot rows' key on PostgreSQL (CI, two instances).
    expect([FULL_RECOMPUTE_JOB, MARGIN_RECOMPUTE_JOB, BACKFILL_JOB, ANALYTICS_REFRESH_JOB].map(exclusiveGroupOf))
      .toEqual(["margins", "margins", "backfill", "analytics"]);
  });

  it("a second worker skips the shop's next job while one runs, and takes another shop's", async () => {
    const ran: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    registerJobHandler(KIND, async (job) => {
      ran.push(`${job.shopId}:${(job.payload as { n: number }).n}`);
      if ((job.payload as { n: number }).n === 1) await released;
    });
    const past = (ms: number) => new Date(Date.now() - ms);
    await enqueue(db, { shopId: SHOP, kind: KIND, payload: { n: 1 }, runAt: past(3_000) });
    await enqueue(db, { shopId: SHOP, kind: KIND, payload: { n: 2 }, runAt: past(2_000) });
    await enqueue(db, { shopId: OTHER, kind: KIND, payload: { n: 3 }, runAt: past(1_000) });

    const first = runDueJobs(db, { workerId: "A", limit: 1 });
    while (!ran.length) await sleep(10);
    expect(await runDueJobs(second, { workerId: "B" })).toBe(1);
    expect(ran).toEqual([`${SHOP}:1`, `${OTHER}:3`]);
    release();
    expect(await first).toBe(1);
    // The shop's job 1 is done, so job 2 is claimable now.
    expect(await runDueJobs(second, { workerId: "B" })).toBe(1);
    expect(ran).toEqual([`${SHOP}:1`, `${OTHER}:3`, `${SHOP}:2`]);
  });

  it("two workers racing on one shop's jobs never run two at once", async () => {
    let running = 0;
    let most = 0;
    let count = 0;
    registerJobHandler(KIND, async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(40);
      running -= 1;
      count += 1;
    });
    for (let n = 0; n < 6; n += 1) await enqueue(db, { shopId: SHOP, kind: KIND, payload: { n }, runAt: new Date(Date.now() - 1_000 + n) });
    // Each worker keeps polling until all six ran; neither may overlap with the other on this shop.
    const drain = async (client: typeof db, id: string) => {
      for (let round = 0; round < 200 && count < 6; round += 1) if (!(await runDueJobs(client, { workerId: id }))) await sleep(5);
    };
    await Promise.all([drain(db, "A"), drain(second, "B")]);
    expect(count).toBe(6);
    expect(most).toBe(1);
    expect(await db.job.count({ where: { status: "done", attempts: 1 } })).toBe(6);
  });
});
