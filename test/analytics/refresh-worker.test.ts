/**
 * The analytics refresh computes in a worker thread: the worker's result (from the TypeScript source
 * through tsx, and from the production build's bundle, scripts/build-workers.mjs) equals the same
 * compute on the calling thread, on a generated store large enough for the model to be fitted; a
 * failure in the worker reaches the caller as an error; refreshAnalytics stores the same rows either way.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyLedgerTotals, loadAnalyticsInput, type OrderScanReply, type OrderScanRequest } from "~/analytics/input.server";
import { orderScanFromAggregates } from "~/analytics/order-aggregates.server";
import { directSqliteFile } from "~/analytics/rows.server";
import { ModelFitError, purchaseHistories } from "~/domain/clv";
import { fitAhead } from "~/analytics/projections.server";
import { computeRefresh, type RefreshComputed, type RefreshComputeInput } from "~/analytics/refresh-compute";
import type { RefreshWorkerMessage } from "~/analytics/refresh.worker";
import { loadViewInputs, refreshAnalytics, runRefreshCompute } from "~/analytics/snapshot.server";
import { DEMO_SHOP_DOMAIN } from "~/auth/demo-mode.server";
import db, { dbProvider } from "~/db.server";
import { generateOrders } from "~/demo/generator";
import { seedDemoStore } from "~/demo/seed.server";
import { recomputeMargins } from "~/margins/recompute.server";
import { getShop } from "~/shops/shops.server";
import { buildWorkers } from "../../scripts/build-workers.mjs";
import { resetDb } from "../support/db";
import { valueEventList } from "~/domain/value-events";

const AS_OF = new Date("2026-06-30T12:00:00Z");
let input: RefreshComputeInput;
let here: RefreshComputed;
// Inside the project, so that the bundle's package imports resolve from its node_modules.
const bundleDir = mkdtempSync(path.join(mkdirSync(path.resolve(".data/test"), { recursive: true }) ?? path.resolve(".data/test"), "workers-"));

/** The result without its timings (which differ run to run). */
function figures(result: RefreshComputed) {
  const { parts: _parts, projections, ...rest } = result;
  return { ...rest, projections: { ...projections, ms: 0 } };
}

beforeAll(async () => {
  await resetDb();
  await seedDemoStore(db, generateOrders({ orders: 1500, seed: 3 }));
  await recomputeMargins(db, DEMO_SHOP_DOMAIN, { asOf: AS_OF });
  const shop = (await getShop(db, DEMO_SHOP_DOMAIN))!;
  const { input: analytics, orderTotals } = await loadAnalyticsInput(db, shop, { asOf: AS_OF, totals: emptyLedgerTotals() });
  input = { shopId: shop.id, input: analytics, orderTotals, inputs: await loadViewInputs(db, shop), asOf: AS_OF };
  here = await computeRefresh(input);
}, 120_000);

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

describe("the refresh compute off the request thread", () => {
  it("fits the model on this store (so the comparison covers the projections)", () => {
    expect(here.projections.status).toBe("ready");
    expect(here.customers).toBeGreaterThan(400);
    expect(Object.values(here.flagLists).some((rows) => rows.length > 0)).toBe(true);
  });

  it("gives the same result in a worker thread from source as on this thread", async () => {
    const { result, thread } = await runRefreshCompute(input, "worker");
    expect(thread).toBe("worker");
    expect(figures(result)).toEqual(figures(here));
  }, 60_000);

  it("gives the same result from the production build's worker bundle", async () => {
    await buildWorkers(bundleDir);
    const worker = new Worker(path.join(bundleDir, "refresh.mjs"), { workerData: input });
    const message = await new Promise<RefreshWorkerMessage>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(message.ok).toBe(true);
    if (message.ok) expect(figures(message.result)).toEqual(figures(here));
  }, 60_000);

  it("gives the same result with the purchase histories built beforehand (as the refresh builds them during the load)", async () => {
    const histories = purchaseHistories(input.input.events, input.input.cancelledOrderIds, input.input.timeZone);
    const given = await computeRefresh({ ...input, histories });
    expect(given.parts.histories).toBeLessThan(1); // ms: nothing built
    expect(here.parts.histories).toBeGreaterThan(0);
    expect(figures(given)).toEqual(figures(here));
  });

  it("gives the same result with the model fitted beforehand (as the refresh fits it during the load), and the same refusal when it cannot be fitted", async () => {
    const histories = purchaseHistories(input.input.events, input.input.cancelledOrderIds, input.input.timeZone);
    const fit = fitAhead(input.input, histories);
    expect("fit" in fit).toBe(true);
    expect(figures(await computeRefresh({ ...input, histories, fit }))).toEqual(figures(here));
    // A fit that failed ahead: the projections say why, as when the fit fails in place.
    const one = valueEventList(input.input.events).filter((event) => event.customerId !== null).slice(0, 1);
    const refused = fitAhead({ ...input.input, events: one }, purchaseHistories(one, input.input.cancelledOrderIds, input.input.timeZone));
    expect("error" in refused && refused.error).toBeInstanceOf(ModelFitError);
    const withRefusal = await computeRefresh({ ...input, histories, fit: { error: new ModelFitError("not-identified", "too little history"), ms: 0 } });
    expect(withRefusal.projections).toEqual({ status: "unavailable", message: "too little history", ms: expect.any(Number) });
  });

  it.skipIf(!process.env.DATABASE_URL?.startsWith("file:"))("scans the orders in the production build's order-scan bundle as on this thread (SQLite)", async () => {
    await buildWorkers(bundleDir);
    const shop = (await getShop(db, DEMO_SHOP_DOMAIN))!;
    const { input: expected, orderTotals } = await loadAnalyticsInput(db, shop, { asOf: AS_OF, orderThread: "main" });
    const file = directSqliteFile()!;
    const request: OrderScanRequest = { file, shopId: shop.id, asOfMs: AS_OF.getTime(), contacts: new Map() };
    const worker = new Worker(path.join(bundleDir, "order-scan.mjs"), { workerData: request });
    const replies: OrderScanReply[] = [];
    const next = () => new Promise<OrderScanReply>((resolve, reject) => {
      if (replies.length) return resolve(replies.shift()!);
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    try {
      expect(await next()).toEqual({ type: "ready" });
      worker.postMessage("pin");
      expect(await next()).toEqual({ type: "pinned" });
      worker.postMessage("scan");
      const done = await next();
      if (done.type !== "done") throw new Error(`worker said ${JSON.stringify(done)}`);
      const scan = orderScanFromAggregates(done.aggregates, AS_OF, new Map());
      expect(scan.acquisitions).toEqual(expected.acquisitions);
      expect(scan.orderTotals).toEqual(orderTotals);
      expect(scan.acquisitions.length).toBeGreaterThan(400);
    } finally {
      await worker.terminate();
    }
  }, 60_000);

  it("passes a failure in the worker on to the caller", async () => {
    const broken = { ...input, inputs: { ...input.inputs, thresholds: undefined } } as unknown as RefreshComputeInput;
    await expect(runRefreshCompute(broken, "worker")).rejects.toThrow(/Cannot read properties of undefined/);
  }, 60_000);

  it("stores the same snapshot rows whichever thread computed them (and wherever the projections were: the order-scan worker, or the refresh worker itself)", async () => {
    const stored = async () => (await db.analyticsSnapshot.findMany({ where: { shopId: DEMO_SHOP_DOMAIN }, orderBy: { view: "asc" } }))
      .map((row) => ({ view: row.view, payload: row.view === "projections" ? { ...JSON.parse(row.payload), ms: 0 } : JSON.parse(row.payload) }));
    const flagged = () => db.flaggedChunk.findMany({ where: { shopId: DEMO_SHOP_DOMAIN }, orderBy: [{ kind: "asc" }, { chunk: "asc" }] });
    process.env.ANALYTICS_REFRESH_THREAD = "main";
    try {
      const onMain = await refreshAnalytics(db, DEMO_SHOP_DOMAIN, { asOf: AS_OF });
      expect(onMain.computeThread).toBe("main");
      // On SQLite the model was fitted and projected in the order-scan worker (PostgreSQL loads have
      // no order-scan worker: they fit and project here).
      if (dbProvider(db) === "sqlite") {
        expect(onMain.workerParts?.projections).toBeGreaterThan(0);
        expect(onMain.workerParts?.["model fit"]).toBeGreaterThan(0);
        expect(onMain.loadParts["model fit"]).toBe(0);
        expect(onMain.readPath).toContain("model fitted and projected there");
      } else {
        expect(onMain.workerParts).toBeUndefined();
      }
      const [mainRows, mainFlagged] = [await stored(), await flagged()];
      process.env.ANALYTICS_REFRESH_THREAD = "worker";
      const inWorker = await refreshAnalytics(db, DEMO_SHOP_DOMAIN, { asOf: AS_OF });
      expect([inWorker.computeThread, inWorker.workerParts]).toEqual(["worker", undefined]);
      expect(await stored()).toEqual(mainRows);
      // The at-risk list too: valued in the order-scan worker on SQLite, in place in the refresh worker.
      expect(await flagged()).toEqual(mainFlagged);
      expect(mainFlagged.length).toBeGreaterThan(0);
      expect(mainFlagged.filter((chunk) => chunk.kind === "at_risk").reduce((sum, chunk) => sum + chunk.rows, 0)).toBeGreaterThan(0);
    } finally {
      delete process.env.ANALYTICS_REFRESH_THREAD;
    }
  }, 60_000);
});
