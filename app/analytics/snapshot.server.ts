/**
 * Precomputed analytics: `refreshAnalytics(db, shopId)` loads the shop's value events and facts once,
 * builds every view (cohorts with the formula view, segments, LTV:CAC at each horizon, the flag context
 * of the customers, the flagged customers' lists) and writes them as AnalyticsSnapshot rows (and
 * the flagged lists, FlaggedChunk rows) in one transaction. Pages read a row.
 *
 * Freshness. A snapshot records the *stamp* its inputs had when the refresh began: the latest of the
 * ledger change time (Shop.lastOrderAt), the end of the latest margin recompute (a full MarginRun or an
 * incremental margins.* job), the cost and marketing-spend change times and the analytics settings'.
 * A page whose snapshot stamp is older than the current stamp shows the old figures with
 * "recomputing…" and asks for a refresh (`requestAnalyticsRefresh`): a durable job (app/queue) where
 * this process runs the queue worker, else an in-process run, coalesced per shop. A change made during
 * a refresh leaves a newer stamp, so the next read asks again. The refresh is a full recompute
 * (see bench/analytics.bench.ts for its cost at 1M orders).
 */
import { isMainThread } from "node:worker_threads";
import type { Db } from "~/db.server";
import type { CustomerFacts, CustomerFlagSet, FlagContext } from "~/domain/analytics";
import { customerFlags } from "~/domain/analytics";
import { ranker } from "~/domain/analytics/behaviour";
import { moneyFormatter } from "~/domain/analytics/text";
import { BGNBD_PARAM_NAMES, purchaseHistories, type PurchaseHistories } from "~/domain/clv";
import { activityUnderParams } from "~/customers/activity.server";
import type { ValueEventColumns } from "~/domain/value-events";
import { log } from "~/lib/log.server";
import { Prisma } from "~/generated/prisma/client";
import { enqueue, registerJobHandler } from "~/queue/queue.server";
import type { ShopSettings } from "~/shops/shops.server";
import { emptyLedgerTotals, loadAnalyticsInput, type LoadTimings, type ModelWorker } from "./input.server";
import { OVERVIEW_VIEW, overviewFromTotals, overviewPayload } from "./overview.server";
import { instantMs } from "./rows.server";
import { getAnalyticsSettings } from "./settings.server";
import { computeProjections, fitAhead, PROJECTIONS_VIEW, type EarlyFit } from "./projections.server";
import { cohortFilterKey } from "./cohorts-query";
import { ledgerSqlFor } from "~/ingest/ledger-sql.server";
import { primeCohortBase, writeCohortBase } from "./cohort-base.server";
import { FLAGGED_VIEW, writeFlagLists, type FlaggedPayload } from "~/customers/flag-lists.server";
import { workerScript } from "~/lib/worker-threads.server";
import { computeRefresh, type Projector, type RefreshComputed, type RefreshComputeInput } from "./refresh-compute";
import type { RefreshWorkerMessage } from "./refresh.worker";
import type { CustomersPayload, ViewInputs, ViewName, ViewPayloads } from "./views";

export const ANALYTICS_REFRESH_JOB = "analytics.refresh";
// Shared with the page component, so they live in a module without server code.
export { DEFAULT_LTV_CAC_HORIZON, LTV_CAC_HORIZONS } from "./ltv-cac-options";
/** A running refresh whose heartbeat is older than this is taken as dead. */
export const STALE_REFRESH_MS = 5 * 60_000;

export interface Snapshot<T> {
  payload: T;
  asOf: Date;
  computedAt: Date;
  costVersion: number;
  watermark: Date;
  ms: number;
}

// ------------------------------------------------------------------------------------------------
// Stamp, reads and writes

/**
 * The latest change to anything the views depend on (see the header). One statement of scalar
 * subqueries (portable SQL): every page load asks for it, and six round trips through the driver
 * adapter cost more than the reads themselves.
 */
export async function currentStamp(db: Db, shopId: string): Promise<Date> {
  const [row] = await db.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
    SELECT
      (SELECT s."lastOrderAt" FROM "Shop" s WHERE s."id" = ${shopId}) AS "ledger",
      (SELECT c."updatedAt" FROM "CostSettings" c WHERE c."shopId" = ${shopId}) AS "costs",
      (SELECT c."marketingUpdatedAt" FROM "CostSettings" c WHERE c."shopId" = ${shopId}) AS "marketing",
      (SELECT a."updatedAt" FROM "AnalyticsSettings" a WHERE a."shopId" = ${shopId}) AS "settings",
      (SELECT MAX(r."finishedAt") FROM "MarginRun" r WHERE r."shopId" = ${shopId}) AS "run",
      (SELECT MAX(j."finishedAt") FROM "Job" j WHERE j."shopId" = ${shopId} AND j."kind" LIKE 'margins.%') AS "job"`);
  let latest = 0;
  for (const value of Object.values(row ?? {})) if (value !== null && value !== undefined) latest = Math.max(latest, instantMs(value));
  return new Date(latest);
}

export async function readSnapshot<V extends ViewName>(db: Db, shopId: string, view: V): Promise<Snapshot<ViewPayloads[V]> | null> {
  return readSnapshotRow<ViewPayloads[V]>(db, shopId, view);
}

export async function readSnapshotRow<T>(db: Db, shopId: string, view: string): Promise<Snapshot<T> | null> {
  const row = await db.analyticsSnapshot.findUnique({ where: { shopId_view: { shopId, view } } });
  if (!row) return null;
  return { payload: JSON.parse(row.payload) as T, asOf: row.asOf, computedAt: row.computedAt, costVersion: row.costVersion, watermark: row.watermark, ms: row.ms };
}

export async function writeSnapshotRow(db: Db, shopId: string, view: string, snapshot: Snapshot<unknown>): Promise<void> {
  const data = {
    payload: JSON.stringify(snapshot.payload), asOf: snapshot.asOf, computedAt: snapshot.computedAt,
    costVersion: snapshot.costVersion, watermark: snapshot.watermark, ms: Math.round(snapshot.ms),
  };
  await db.analyticsSnapshot.upsert({ where: { shopId_view: { shopId, view } }, create: { shopId, view, ...data }, update: data });
}

export async function loadViewInputs(db: Db, shop: ShopSettings): Promise<ViewInputs> {
  const [settings, spendRows] = await Promise.all([
    getAnalyticsSettings(db, shop.id),
    db.marketingSpend.findMany({ where: { shopId: shop.id }, orderBy: [{ month: "asc" }, { channel: "asc" }] }),
  ]);
  return {
    shop, thresholds: settings.thresholds, vertical: settings.vertical, channelMapping: settings.channelMapping,
    spend: spendRows.map((r) => ({ month: r.month, channel: r.channel, amount: Number(r.amount) })),
  };
}

export interface RefreshResult {
  ms: number;
  loadMs: number;
  /** Parts of loadMs (the reads) and of computeMs (prepare: grouping the events; views: the tables). */
  loadParts: Record<string, number>;
  computeParts: Record<string, number>;
  /** Which read path served the load ("sqlite-direct" or "prisma"), and whether the orders were scanned in a worker thread. */
  readPath: string;
  /**
   * Where the compute ran: "worker" (a worker thread; computeParts.handoff is its start and the copies
   * of the input and the result) or "main".
   */
  computeThread: RefreshThread;
  /** With the projections in the order-scan worker: their time (ms) there, beside the views here. */
  workerParts?: Record<string, number>;
  computeMs: number;
  writeMs: number;
  events: number;
  customers: number;
}

export type RefreshThread = "worker" | "main";

const REFRESH_WORKER = new URL("./refresh.worker.ts", import.meta.url);

/**
 * Where refreshes compute: ANALYTICS_REFRESH_THREAD=worker|main, "main" by default. A worker thread
 * keeps the event loop free during the compute (a small store's refresh blocked it ~400 ms), but its
 * input and result are copied (structured clone): measured at 1M orders / 250k customers, the copies
 * and the second heap cost 25 s and +650 MiB on a 55 s refresh, more than the compute they move.
 */
function refreshThread(): RefreshThread {
  const wanted = process.env.ANALYTICS_REFRESH_THREAD;
  if (wanted === "worker" || wanted === "main") return wanted;
  if (wanted) throw new Error(`ANALYTICS_REFRESH_THREAD must be "worker" or "main", got ${wanted}`);
  return "main";
}

/**
 * Computes a refresh here, or with `thread` "worker" in a worker thread of its own (its memory goes
 * with it), the input copied in and the result copied back (structured clone); where no worker can
 * start (a build without its worker bundle) it computes here.
 */
export async function runRefreshCompute(input: RefreshComputeInput, thread = refreshThread(), project?: Projector):
  Promise<{ result: RefreshComputed; thread: RefreshThread }> {
  const script = thread === "worker" ? workerScript(REFRESH_WORKER, "refresh") : null;
  if (!script) return { result: await computeRefresh(input, project), thread: "main" };
  // Without the early fit: its error, if any, would arrive as a plain Error (the worker fits again).
  const worker = script.start({ workerData: { ...input, fit: undefined } });
  try {
    const message = await new Promise<RefreshWorkerMessage>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`The analytics refresh worker stopped (exit code ${code}) before answering`)));
    });
    if (!message.ok) throw Object.assign(new Error(message.message), { stack: message.stack });
    return { result: message.result, thread: "worker" };
  } finally {
    await worker.terminate();
  }
}

/**
 * Recomputes and stores every view of the shop now (the caller waits). `keepDecodedBase` (default
 * true): leave the cohort base just written decoded in this thread's cache (primeCohortBase), for
 * the pages this thread serves; false where it serves none.
 */
export async function refreshAnalytics(db: Db, shopId: string, options: { asOf?: Date; keepDecodedBase?: boolean } = {}): Promise<RefreshResult> {
  const started = performance.now();
  const shop = await db.shop.findUnique({ where: { id: shopId } });
  if (!shop) throw new Error(`Unknown shop ${shopId}`);
  const now = new Date();
  await db.analyticsRefresh.upsert({
    where: { shopId },
    create: { shopId, status: "running", startedAt: now, heartbeatAt: now, error: null },
    update: { status: "running", startedAt: now, heartbeatAt: now, error: null },
  });
  try {
    const watermark = await currentStamp(db, shopId);
    const costVersion = (await db.costSettings.findUnique({ where: { shopId }, select: { version: true } }))?.version ?? 0;
    const asOf = options.asOf ?? new Date();
    const timings: Partial<LoadTimings> = {};
    const totals = emptyLedgerTotals();
    // The model's purchase histories need the events alone: built while the orders are still loading.
    let histories: PurchaseHistories | undefined;
    let historiesMs = 0;
    // And the model's fit, on the histories alone: in the order-scan worker after its scan when it is
    // kept for the model (its projections follow there, beside the views), else here, now.
    let fit: EarlyFit | undefined;
    let fitMs: number | undefined;
    const withEvents = (events: ValueEventColumns, cancelledOrderIds: ReadonlySet<string>, model?: ModelWorker) => {
      const t = performance.now();
      histories = purchaseHistories(events, cancelledOrderIds, shop.ianaTimezone);
      historiesMs = performance.now() - t;
      if (model) model.fit({ histories, timeZone: shop.ianaTimezone });
      else fit = fitAhead({ events, cancelledOrderIds, timeZone: shop.ianaTimezone, asOf }, histories);
    };
    const thread = refreshThread();
    const [{ input, orderTotals, model }, inputs] = await Promise.all([
      loadAnalyticsInput(db, shop, { asOf, timings, totals, withEvents, keepWorkerForModel: thread === "main" }), loadViewInputs(db, shop),
    ]);
    const loaded = performance.now();
    let workerProjectMs: number | undefined;
    const built = histories; // as built during the load (a const, for the closure below)
    const project: Projector | undefined = model && built ? async (segments) => {
      try {
        const { fitted, projected } = model.project(segments);
        // The at-risk activity under the worker's fit, valued here while the worker projects (this
        // thread would wait for the projections otherwise).
        const params = await fitted;
        const activity = params ? activityUnderParams(params, "weeks", shop.ianaTimezone, asOf, built) : undefined;
        const { payload, projectMs, fitMs: workerFitMs } = await projected;
        workerProjectMs = projectMs;
        fitMs = workerFitMs;
        // Kept when the stored projections' model is that fit (the worker projects its fit), else valued again.
        const same = payload.status === "ready" && payload.model.timeUnit === "weeks" && params !== null &&
          BGNBD_PARAM_NAMES.every((name) => payload.model.bgnbd.params[name] === params[name]);
        return { projections: payload, activity: same ? activity : undefined };
      } catch (error) {
        // The worker is an optimisation: the model is fitted and projected here instead.
        log("warn", "analytics.projection_worker_failed", { shopId, error: error instanceof Error ? error.message : String(error) });
        return { projections: computeProjections(input, shopId, segments, built) };
      }
    } : undefined;
    const { result: { views, filteredCohorts, projections, flagLists, cohortBase, customers, parts }, thread: computeThread } =
      await runRefreshCompute({ shopId, input, orderTotals, inputs, asOf, histories, fit }, thread, project).finally(() => model?.close());
    const flagged: FlaggedPayload = { customers };
    const overviewStart = performance.now();
    // The Overview's ledger figures, gathered during the load's order scan (its SQL aggregates take
    // seconds at 1M orders: too slow for a page load, and a second pass over the ledger here).
    const overview = overviewPayload(overviewFromTotals(totals, shop));
    const computed = performance.now();
    const computedAt = new Date();
    const ms = computed - started;
    const rows = [
      ...Object.entries(views), [PROJECTIONS_VIEW, projections] as const, [OVERVIEW_VIEW, overview] as const, [FLAGGED_VIEW, flagged] as const,
      // The common filter choices' tables, where getCohortsView looks for a filtered table first.
      ...filteredCohorts.map((table) => [cohortFilterKey(table.filters), table] as const),
    ].map(([view, payload]) => ({
      shopId, view, payload: JSON.stringify(payload), asOf, computedAt, costVersion, watermark, ms: Math.round(ms),
    }));
    // Prepared statements on SQLite (ledgerSqlFor): this transaction holds the write lock, which the
    // webhooks of every process wait for, and Prisma's createMany of the payloads (megabytes of JSON)
    // held it 100-180 ms on a 6,000-order store (measured in the web + worker webhook benchmark).
    await db.$transaction(async (tx) => {
      const sql = ledgerSqlFor(db, tx);
      // Other filtered cohort tables are recomputed on demand.
      await sql.$executeRaw(Prisma.sql`DELETE FROM "AnalyticsSnapshot" WHERE "shopId" = ${shopId}`);
      await sql.insertRows("AnalyticsSnapshot", rows);
      await writeCohortBase(sql, shopId, { asOf, watermark, computedAt, data: cohortBase });
      await writeFlagLists(db, tx, shopId, flagLists);
      await tx.analyticsRefresh.update({ where: { shopId }, data: { status: "idle", finishedAt: new Date(), heartbeatAt: new Date() } });
    }, { timeout: 120_000 });
    // The pages of this thread read the base just written without decoding it again.
    if (options.keepDecodedBase !== false) primeCohortBase(shopId, { asOf, watermark, computedAt, data: cohortBase });
    const written = performance.now();
    return {
      ms: written - started, loadMs: loaded - started, computeMs: computed - loaded, writeMs: written - computed,
      // A fit in the worker is in workerParts: it runs after the worker's scan, mostly beside the compute here.
      loadParts: { events: timings.events ?? 0, orders: timings.orders ?? 0, histories: historiesMs, "model fit": fit?.ms ?? 0 },
      readPath: `${timings.path ?? ""}${timings.ordersThread === "worker" ? ", orders scanned in a worker thread beside the events" : ""}${workerProjectMs === undefined ? "" : ", then the model fitted and projected there"}`,
      computeParts: { ...parts, overview: computed - overviewStart, handoff: overviewStart - loaded - Object.values(parts).reduce((sum, ms) => sum + ms, 0) },
      ...(workerProjectMs === undefined ? {} : { workerParts: { "model fit": fitMs ?? 0, projections: workerProjectMs } }),
      computeThread,
      events: input.events.length, customers,
    };
  } catch (error) {
    await db.analyticsRefresh.update({
      where: { shopId },
      data: { status: "failed", finishedAt: new Date(), error: error instanceof Error ? error.message.slice(0, 2000) : String(error) },
    }).catch(() => undefined);
    throw error;
  }
}

// ------------------------------------------------------------------------------------------------
// Background refresh

registerJobHandler(ANALYTICS_REFRESH_JOB, async (job) => {
  // The queue worker's own thread (worker.thread.ts, the default) serves no page: its cache would only hold memory.
  await refreshAnalytics((await import("~/db.server")).default, job.shopId, { keepDecodedBase: isMainThread });
});

/** Changes within one window share one refresh, which runs when the window ends. */
export const REFRESH_WINDOW_MS = 5_000;

/**
 * A shop's margin-driven refreshes start at least this many times the last refresh's duration after it
 * finished, so under a steady stream of webhooks refreshing takes at most 1 / (1 + 3) of the time: at
 * 1M orders a refresh takes 8-10 s on 2 cores, and one per 5-second window would never stop.
 */
export const REFRESH_REST_FACTOR = 3;

/**
 * Queues a durable refresh of the shop's analytics after its margins changed (called by the margin
 * jobs when they finish: a full recompute after a cost change, an incremental one after ingestion).
 * Coalescing without any process memory: every change in the same 5-second window maps to one job
 * (dedupe key = the window), due when the window ends, so it starts after every change of the window
 * has committed; a change in a later window gets the next job. The window is pushed back until the
 * rest after the last refresh is over (REFRESH_REST_FACTOR), and every change until then shares that
 * job. Pages show "recomputing" meanwhile. Safe inside the caller's transaction (the job commits with it).
 */
export async function scheduleAnalyticsRefresh(db: Pick<Db, "$executeRaw" | "$queryRaw">, shopId: string, now = Date.now()): Promise<void> {
  const [last] = await db.$queryRaw<{ computedAt: unknown; ms: unknown }[]>(Prisma.sql`
    SELECT "computedAt", "ms" FROM "AnalyticsSnapshot" WHERE "shopId" = ${shopId} AND "view" = 'cohorts'`);
  const restedAt = last ? instantMs(last.computedAt) + REFRESH_REST_FACTOR * Number(last.ms) : 0;
  // The job is due at the end of window `slot - 1`: this change's window, or the one the rest ends in.
  const slot = Math.max(Math.floor(now / REFRESH_WINDOW_MS) + 1, Math.ceil(restedAt / REFRESH_WINDOW_MS));
  await enqueue(db, {
    shopId, kind: ANALYTICS_REFRESH_JOB, payload: { reason: "margins" }, dedupeKey: `${ANALYTICS_REFRESH_JOB}:w${slot - 1}`,
    runAt: new Date(slot * REFRESH_WINDOW_MS), maxAttempts: 3,
  });
  const requestedAt = new Date(now);
  await db.$executeRaw(Prisma.sql`INSERT INTO "AnalyticsRefresh" ("shopId", "status", "requestedAt") VALUES (${shopId}, 'idle', ${requestedAt})
    ON CONFLICT ("shopId") DO UPDATE SET "requestedAt" = ${requestedAt}`);
}

const running = new Map<string, Promise<void>>();
const pending = new Set<string>();

/** Asks for a refresh without waiting: a queued job where this process runs the worker, else in-process. Never throws. */
export async function requestAnalyticsRefresh(db: Db, shopId: string): Promise<void> {
  try {
    const now = new Date();
    await db.analyticsRefresh.upsert({ where: { shopId }, create: { shopId, status: "idle", requestedAt: now }, update: { requestedAt: now } });
  } catch (error) {
    log("warn", "analytics.request_failed", { shopId, error: error instanceof Error ? error.message : String(error) });
  }
  // The worker module pulls in the Shopify configuration: import it only where a worker may run.
  const mayRunWorker = process.env.JOB_WORKER !== "off" && process.env.NODE_ENV !== "test" && !process.env.VITEST;
  if (mayRunWorker) {
    try {
      const { wakeWorker, workerEnabled } = await import("~/queue/worker.server");
      if (!workerEnabled()) throw new Error("worker disabled");
      const stamp = await currentStamp(db, shopId);
      await enqueue(db, { shopId, kind: ANALYTICS_REFRESH_JOB, payload: {}, dedupeKey: `${ANALYTICS_REFRESH_JOB}:${stamp.getTime()}`, maxAttempts: 3 });
      wakeWorker();
      return;
    } catch (error) {
      log("warn", "analytics.enqueue_failed", { shopId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  refreshInProcess(db, shopId);
}

export function refreshInProcess(db: Db, shopId: string): void {
  if (running.has(shopId)) {
    pending.add(shopId);
    return;
  }
  const job = (async () => {
    try {
      for (let rounds = 0; rounds < 5; rounds++) {
        pending.delete(shopId);
        await refreshAnalytics(db, shopId);
        if (!pending.has(shopId)) break;
      }
    } catch (error) {
      log("error", "analytics.refresh_failed", { shopId, error: error instanceof Error ? error.message : String(error) });
    } finally {
      running.delete(shopId);
    }
  })();
  running.set(shopId, job);
}

/** Resolves when this process has no refresh running for the shop (tests, CLI). */
export async function waitForAnalyticsRefresh(shopId: string): Promise<void> {
  while (running.has(shopId)) await running.get(shopId);
}

export interface Freshness {
  /** When the figures shown were computed (ISO), null when never. */
  computedAt: string | null;
  /** The figures predate a change to the data, costs or settings. */
  stale: boolean;
  /** A refresh is running or queued. */
  recomputing: boolean;
  error: string | null;
}

/**
 * A page's view and its freshness; asks for a refresh when the view is missing or stale (and none is
 * running). Missing views give `snapshot: null` (the page says the figures are being computed).
 */
export async function readView<V extends ViewName>(db: Db, shopId: string, view: V, now = new Date()):
  Promise<{ snapshot: Snapshot<ViewPayloads[V]> | null; freshness: Freshness }> {
  const [snapshot, stamp, refresh] = await Promise.all([
    readSnapshot(db, shopId, view), currentStamp(db, shopId), db.analyticsRefresh.findUnique({ where: { shopId } }),
  ]);
  const stale = !snapshot || snapshot.watermark.getTime() < stamp.getTime();
  const alive = refresh?.status === "running" && !!refresh.heartbeatAt && now.getTime() - refresh.heartbeatAt.getTime() < STALE_REFRESH_MS;
  const requestedRecently = !!refresh?.requestedAt && now.getTime() - refresh.requestedAt.getTime() < 60_000 &&
    (!refresh.finishedAt || refresh.finishedAt < refresh.requestedAt);
  if (stale && !alive && !requestedRecently) await requestAnalyticsRefresh(db, shopId);
  return {
    snapshot,
    freshness: {
      computedAt: snapshot?.computedAt.toISOString() ?? null, stale, recomputing: stale || alive,
      error: refresh?.status === "failed" ? refresh.error : null,
    },
  };
}

// ------------------------------------------------------------------------------------------------
// One customer's flags against the stored store-wide context

function contextFromPayload(payload: CustomersPayload, shop: ShopSettings): FlagContext {
  return {
    thresholds: payload.thresholds, customers: payload.customers, highValueCutoff: payload.highValueCutoff,
    revenueRank: ranker(Float64Array.from(payload.revenue)), marginRank: ranker(Float64Array.from(payload.contributionMargin)),
    money: moneyFormatter(shop.currency),
  };
}

/** Flags of one customer using the latest snapshot's store-wide ranks and cut-off (computed now when there is no snapshot). */
export async function customerFlagsFromSnapshot(db: Db, shop: ShopSettings, facts: CustomerFacts): Promise<CustomerFlagSet> {
  let payload = (await readSnapshot(db, shop.id, "customers"))?.payload ?? null;
  if (!payload) {
    await refreshAnalytics(db, shop.id);
    payload = (await readSnapshot(db, shop.id, "customers"))!.payload;
  }
  return { customerId: facts.customerId, flags: customerFlags(facts, contextFromPayload(payload, shop)) };
}
