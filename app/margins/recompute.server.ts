/**
 * Margin recompute: runs the economics engine over the ledger and stores each order's contribution
 * margin (OrderMargin) and its dated value events (ValueEvent), tagged with the cost version used.
 *
 * - `recomputeMargins` (full): every order of a shop, page by page (keyset pagination), each page read,
 *   computed and written in one transaction, so an order's margin and events are always replaced
 *   together. Progress (done / total) is recorded in a MarginRun row for the pages' progress bar. The
 *   run also refreshes the variant list's revenue and units and records the COGS coverage.
 * - `recomputeOrders` (incremental): the given orders only, after ingestion.
 *
 * asOf is "now": refunds known by now count and the returns reserve is judged now. Cancelled orders
 * follow the engine (zero revenue, only real costs remain); their order event and every refund event
 * carry countsAsPurchase = false. Margins and events of orders no longer in the ledger are removed.
 *
 * Writes are multi-row inserts with literal values (literal-insert.server.ts) and range deletes; reads are plain selects
 * (ledger-reader.server.ts): no per-row Prisma model overhead.
 */
import { randomUUID } from "node:crypto";
import { loadCostConfigWithVersion } from "~/costs/config.server";
import { serviceContactsByOrder } from "~/costs/service.server";
import { refreshVariantsFromOrders } from "~/costs/variants.server";
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { CostConfig } from "~/domain/economics/cost-config";
import { addCoverage, cogsCoverage, type CogsCoverage } from "~/domain/economics/coverage";
import { orderValueEvents } from "~/domain/economics/events";
import { computeOrderMargin, type OrderMarginBreakdown } from "~/domain/economics/margin";
import type { LedgerOrder } from "~/domain/ledger/types";
import { chunk } from "~/lib/chunks";
import { actualPaymentFee, ledgerPages, readLedgerOrders } from "./ledger-reader.server";
import { insertLiteralRows } from "./literal-insert.server";
import { ledgerSqlFor } from "~/ingest/ledger-sql.server";

type Tx = Prisma.TransactionClient;

export interface RecomputeProgress {
  done: number;
  total: number;
}

export interface RecomputeOptions {
  onProgress?: (progress: RecomputeProgress) => void;
  /** Orders per page (default 2000). */
  pageSize?: number;
  /** The evaluation date (default now). */
  asOf?: Date;
  /** An existing MarginRun id to report progress on (the scheduler creates it); default a new run. */
  runId?: string;
  /** Stop early when the cost version moves on (the next run would redo the work); default true. */
  stopWhenSuperseded?: boolean;
}

export interface RecomputeResult {
  runId: string;
  costVersion: number;
  orders: number;
  valueEvents: number;
  /** Sum of the engine's results over the orders written (cancelled orders included, as the engine counts them). */
  totals: { netRevenue: number; grossMargin: number; contributionMargin: number };
  coverage: CogsCoverage;
  superseded: boolean;
  ms: number;
}

export interface StoredBreakdown {
  v: 1;
  status: OrderMarginBreakdown["status"];
  asOf: string;
  paymentFeeSource: OrderMarginBreakdown["paymentFeeSource"];
  missingCosts: string[];
  returnsReserveReleasesAt: string | null;
  serviceContacts: number;
  /** Non-zero amounts of the breakdown's statement lines (see marginLines). */
  amounts: Record<string, number>;
  refunds: { id: string; at: string; revenue: number; grossMargin: number; contributionMargin: number }[];
}

const AMOUNT_KEYS = [
  "grossSales", "discounts", "netSales", "shippingCharged", "refundedMerchandise", "refundedShipping", "refundAdjustments",
  "netRevenue", "cogs", "cogsEstimated", "cogsRecovered", "grossMargin", "paymentFees", "fulfilment", "shippingCost",
  "reverseLogistics", "cogsLostNotRestocked", "returnsReserve", "serviceCost", "contributionMargin",
] as const satisfies readonly (keyof OrderMarginBreakdown)[];

/** The breakdown as stored in OrderMargin.breakdown: compact (zeros left out), enough to redraw the statement. */
export function storedBreakdown(breakdown: OrderMarginBreakdown, serviceContacts: number): StoredBreakdown {
  const amounts: Record<string, number> = {};
  for (const key of AMOUNT_KEYS) if (breakdown[key] !== 0) amounts[key] = breakdown[key];
  return {
    v: 1, status: breakdown.status, asOf: breakdown.asOf.toISOString(), paymentFeeSource: breakdown.paymentFeeSource,
    missingCosts: breakdown.missingCosts, returnsReserveReleasesAt: breakdown.returnsReserveReleasesAt?.toISOString() ?? null,
    serviceContacts, amounts,
    refunds: breakdown.refunds.map((refund) => ({
      id: refund.refundId, at: refund.createdAt.toISOString(), revenue: refund.revenue,
      grossMargin: refund.grossMargin, contributionMargin: refund.contributionMargin,
    })),
  };
}

interface Computed {
  margins: Record<string, string | number | bigint | boolean | Date | null>[];
  events: Record<string, string | number | bigint | boolean | Date | null>[];
  totals: RecomputeResult["totals"];
  coverage: CogsCoverage;
}

/** Runs the engine over orders: the rows to write, the totals and the COGS coverage. */
export function computeRows(shopId: string, orders: LedgerOrder[], config: CostConfig, costVersion: number, asOf: Date,
  contacts: Map<string, number>, variantStats?: Map<string, { revenue: number; units: number }>): Computed {
  const now = new Date();
  const out: Computed = { margins: [], events: [], totals: { netRevenue: 0, grossMargin: 0, contributionMargin: 0 }, coverage: { known: 0, estimated: 0, missing: 0 } };
  for (const order of orders) {
    const serviceContacts = contacts.get(order.id) ?? 0;
    const breakdown = computeOrderMargin(order, config, { asOf, serviceContacts, actualPaymentFee: actualPaymentFee(order) });
    out.margins.push({
      shopId, orderId: order.id, customerId: order.customerId, processedAt: order.processedAt, costVersion,
      netRevenue: BigInt(breakdown.netRevenue), grossMargin: BigInt(breakdown.grossMargin),
      contributionMargin: BigInt(breakdown.contributionMargin), cogs: BigInt(breakdown.cogs),
      cogsEstimated: BigInt(breakdown.cogsEstimated), discounts: BigInt(breakdown.discounts),
      breakdown: JSON.stringify(storedBreakdown(breakdown, serviceContacts)), computedAt: now,
    });
    const counted = breakdown.status === "counted";
    orderValueEvents(order, breakdown).forEach((event, seq) => {
      out.events.push({
        shopId, orderId: order.id, seq, kind: event.kind, customerId: event.customerId, at: event.at,
        revenue: BigInt(event.revenue), grossMargin: BigInt(event.grossMargin), contributionMargin: BigInt(event.contributionMargin),
        countsAsPurchase: counted && event.kind === "order",
      });
    });
    out.totals.netRevenue += breakdown.netRevenue;
    out.totals.grossMargin += breakdown.grossMargin;
    out.totals.contributionMargin += breakdown.contributionMargin;
    addCoverage(out.coverage, cogsCoverage(order, config));
    if (variantStats && counted) {
      for (const line of order.lines) {
        if (!line.variantId || line.giftCard) continue;
        const stats = variantStats.get(line.variantId) ?? { revenue: 0, units: 0 };
        stats.revenue += line.netSales;
        stats.units += line.quantity;
        variantStats.set(line.variantId, stats);
      }
    }
  }
  return out;
}

async function writeRange(tx: Tx, shopId: string, after: string, last: string | null, computed: Computed): Promise<void> {
  const upper = last === null ? Prisma.empty : Prisma.sql`AND "orderId" <= ${last}`;
  await tx.$executeRaw(Prisma.sql`DELETE FROM "ValueEvent" WHERE "shopId" = ${shopId} AND "orderId" > ${after} ${upper}`);
  await tx.$executeRaw(Prisma.sql`DELETE FROM "OrderMargin" WHERE "shopId" = ${shopId} AND "orderId" > ${after} ${upper}`);
  await insertLiteralRows(tx, "OrderMargin", computed.margins);
  await insertLiteralRows(tx, "ValueEvent", computed.events);
}

async function currentVersion(db: Db | Tx, shopId: string): Promise<number> {
  return (await db.costSettings.findUnique({ where: { shopId }, select: { version: true } }))?.version ?? 0;
}

/** Writes per-variant revenue and units (full runs), many variants per statement. */
async function writeVariantStats(db: Db, shopId: string, stats: Map<string, { revenue: number; units: number }>): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw(Prisma.sql`UPDATE "CostVariant" SET "revenue" = 0, "units" = 0 WHERE "shopId" = ${shopId}`);
    for (const part of chunk([...stats.entries()], 150)) {
      const ids = part.map(([id]) => id);
      // Typed parameters: PostgreSQL reads an untyped CASE result as text and refuses it for a number column.
      const revenue = Prisma.join(part.map(([id, s]) => Prisma.sql`WHEN ${id} THEN CAST(${BigInt(s.revenue)} AS BIGINT)`), " ");
      const units = Prisma.join(part.map(([id, s]) => Prisma.sql`WHEN ${id} THEN CAST(${s.units} AS INTEGER)`), " ");
      await tx.$executeRaw(Prisma.sql`UPDATE "CostVariant" SET "revenue" = CASE "variantId" ${revenue} END,
        "units" = CASE "variantId" ${units} END WHERE "shopId" = ${shopId} AND "variantId" IN (${Prisma.join(ids)})`);
    }
  }, { timeout: 120_000 });
}

/**
 * Recomputes every order of the shop with the current cost configuration. Resolves when done (or when
 * the configuration changed under it and `stopWhenSuperseded`: the result says `superseded`, the
 * caller runs again). Progress goes to `onProgress` and to the MarginRun row.
 */
export async function recomputeMargins(db: Db, shopId: string, options: RecomputeOptions = {}): Promise<RecomputeResult> {
  const started = performance.now();
  const asOf = options.asOf ?? new Date();
  const pageSize = options.pageSize ?? 2000;
  await refreshVariantsFromOrders(db, shopId);
  const { config, version } = await loadCostConfigWithVersion(db, shopId);
  const contacts = await serviceContactsByOrder(db, shopId);
  const total = await db.order.count({ where: { shopId } });
  const runId = options.runId ?? randomUUID();
  const now = new Date();
  await db.marginRun.upsert({
    where: { shopId_id: { shopId, id: runId } },
    create: { shopId, id: runId, kind: "full", costVersion: version, status: "running", total, done: 0, startedAt: now, heartbeatAt: now },
    update: { costVersion: version, status: "running", total, done: 0, heartbeatAt: now, error: null },
  });
  const result: RecomputeResult = {
    runId, costVersion: version, orders: 0, valueEvents: 0, superseded: false, ms: 0,
    totals: { netRevenue: 0, grossMargin: 0, contributionMargin: 0 }, coverage: { known: 0, estimated: 0, missing: 0 },
  };
  const variantStats = new Map<string, { revenue: number; units: number }>();
  options.onProgress?.({ done: 0, total });
  try {
    let after = "";
    for await (const page of ledgerPages(db, shopId, pageSize)) {
      const computed = computeRows(shopId, page.orders, config, version, asOf, contacts, variantStats);
      await db.$transaction((tx) => writeRange(tx, shopId, page.after, page.last, computed), { timeout: 120_000 });
      after = page.last;
      result.orders += page.orders.length;
      result.valueEvents += computed.events.length;
      for (const key of ["netRevenue", "grossMargin", "contributionMargin"] as const) result.totals[key] += computed.totals[key];
      addCoverage(result.coverage, computed.coverage);
      await db.marginRun.update({ where: { shopId_id: { shopId, id: runId } }, data: { done: result.orders, heartbeatAt: new Date() } });
      options.onProgress?.({ done: result.orders, total: Math.max(total, result.orders) });
      if ((options.stopWhenSuperseded ?? true) && (await currentVersion(db, shopId)) !== version) {
        result.superseded = true;
        break;
      }
    }
    if (!result.superseded) {
      // Orders past the last page (or every order, for an empty ledger) are gone from the ledger.
      await db.$transaction((tx) => writeRange(tx, shopId, after, null, { margins: [], events: [], totals: result.totals, coverage: result.coverage }));
      await writeVariantStats(db, shopId, variantStats);
    }
    result.ms = performance.now() - started;
    await db.marginRun.update({
      where: { shopId_id: { shopId, id: runId } },
      data: {
        status: result.superseded ? "superseded" : "done", done: result.orders, finishedAt: new Date(), heartbeatAt: new Date(),
        coverage: result.superseded ? null : JSON.stringify(result.coverage),
      },
    });
    return result;
  } catch (error) {
    await db.marginRun.update({
      where: { shopId_id: { shopId, id: runId } },
      data: { status: "failed", finishedAt: new Date(), error: error instanceof Error ? error.message.slice(0, 2000) : String(error) },
    }).catch(() => undefined);
    throw error;
  }
}

/** Orders per transaction of `recomputeOrders` (under ~/lib/chunks IDS_PER_QUERY: one IN list per statement). */
export const RECOMPUTE_ORDERS_PER_TRANSACTION = 200;

/**
 * Incremental recompute for the sync engineers: call it after ingesting orders (webhooks, backfill
 * batches, reconciliation) with the ids of the orders that changed. It recomputes those orders with
 * the current cost configuration and replaces their OrderMargin and ValueEvent rows, one transaction
 * per slice of RECOMPUTE_ORDERS_PER_TRANSACTION orders; ids no longer in the ledger (deleted,
 * redacted) lose their rows. New variants on their lines are added to the cost pages' variant list.
 * Cheap for a few orders (no shop-wide scan but the service-contact attribution); for a whole backfill
 * prefer one `recomputeMargins`.
 */
export async function recomputeOrders(db: Db, shopId: string, orderIds: string[], options: { asOf?: Date } = {}): Promise<RecomputeResult> {
  const started = performance.now();
  const ids = [...new Set(orderIds)];
  const result: RecomputeResult = {
    runId: "", costVersion: 0, orders: 0, valueEvents: 0, superseded: false, ms: 0,
    totals: { netRevenue: 0, grossMargin: 0, contributionMargin: 0 }, coverage: { known: 0, estimated: 0, missing: 0 },
  };
  if (!ids.length) return result;
  await refreshVariantsFromOrders(db, shopId, ids);
  const { config, version } = await loadCostConfigWithVersion(db, shopId);
  const contacts = await serviceContactsByOrder(db, shopId);
  result.costVersion = version;
  // One short transaction per slice: on SQLite a transaction holds the write lock (and, in-process, the
  // connection), so a burst's recompute of thousands of orders in one would stall every webhook behind
  // it. Each slice reads, computes and replaces its orders' rows atomically; a retry redoes them all.
  for (const part of chunk(ids, RECOMPUTE_ORDERS_PER_TRANSACTION)) {
    await db.$transaction(async (tx) => {
      // Prepared statements on SQLite: the slice holds the write lock the webhooks wait for, and read
      // through Prisma its five queries alone took 16-46 ms for 200 orders (webhook benchmark).
      const sql = ledgerSqlFor(db, tx);
      const orders = await readLedgerOrders(sql, shopId, part);
      const computed = computeRows(shopId, orders, config, version, options.asOf ?? new Date(), contacts);
      await sql.$executeRaw(Prisma.sql`DELETE FROM "ValueEvent" WHERE "shopId" = ${shopId} AND "orderId" IN (${Prisma.join(part)})`);
      await sql.$executeRaw(Prisma.sql`DELETE FROM "OrderMargin" WHERE "shopId" = ${shopId} AND "orderId" IN (${Prisma.join(part)})`);
      if (sql.kind === "sqlite") {
        await sql.insertRows("OrderMargin", computed.margins);
        await sql.insertRows("ValueEvent", computed.events);
      } else {
        await insertLiteralRows(tx, "OrderMargin", computed.margins);
        await insertLiteralRows(tx, "ValueEvent", computed.events);
      }
      result.orders += orders.length;
      result.valueEvents += computed.events.length;
      for (const key of ["netRevenue", "grossMargin", "contributionMargin"] as const) result.totals[key] += computed.totals[key];
      addCoverage(result.coverage, computed.coverage);
    }, { timeout: 120_000 });
  }
  result.ms = performance.now() - started;
  return result;
}
