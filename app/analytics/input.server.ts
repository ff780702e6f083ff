/**
 * Reads what the pure analytics (app/domain/analytics) need from the database, for one shop:
 *
 * - value events (ValueEvent rows written by the margin recompute), ordered by customer, then time,
 *   then order id and sequence: prepareAnalytics groups them fastest that way, and a tie between two
 *   first orders at the same instant goes to the smaller order id, as in the acquisition query below;
 * - cancelled orders: order events with countsAsPurchase = false (the margin recompute marks cancelled
 *   orders so), so no second query is needed;
 * - AcquisitionFacts: each customer's first non-cancelled order processed by asOf (processedAt, then
 *   id): its channel (sourceName), country, first discount code (the first code Shopify lists), first
 *   product (the merchandise line with the highest netSales, then the smallest line id; gift cards are
 *   not merchandise), and the customer's tags from their newest order snapshot (latest
 *   sourceUpdatedAt, then processedAt, then id) — Order.customerTags;
 * - each customer's order facts added up (CustomerOrderTotals, over the orders processed by asOf; guest
 *   orders are no customer's): gross sales, discounts, returned units (sum of Refund.returnedItems),
 *   service contacts attributed to the order (the cost module's attribution,
 *   app/costs/service.server.ts), cancelled orders counting for their contacts only. Added up as the
 *   rows stream by (an object and a Date per order measured ~5 s of CPU, garbage included, at 1M orders).
 *
 * How, from one consistent view (rows.server.ts: a read-only SQLite connection in one read
 * transaction, or `$queryRaw` in one REPEATABLE READ transaction elsewhere), every query filtered by shop:
 * - the value events in customer order, read as columns (RowSource.columns: on SQLite one JSON array
 *   per column, ~1.6 s at 1M orders against ~3.6 s stepping the rows);
 * - the order facts, two ways by the same rules: on the direct SQLite path for a whole shop, SQLite's
 *   own aggregates (order-aggregates.server.ts: bare columns, not portable SQL); elsewhere (PostgreSQL,
 *   and scoped loads of a few customers) the row scan below, portable SQL: every customer order in
 *   customer order, each customer's first order and newest tags picked in code, returned units per
 *   order (GROUP BY), the lines of the first orders only (IN lists). order-aggregates.test.ts compares them.
 * Dates come back as text or Date and amounts as number or bigint: both are accepted. On SQLite the big
 * reads walk covering indexes (ValueEvent_customer_scan_idx, Order_customer_scan_idx in prisma/schema.prisma).
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { serviceContactsByOrder } from "~/costs/service.server";
import type { AnalyticsInput, CustomerFacts, CustomerFlagSet, CustomerOrderTotals, CustomerSegmentKeys } from "~/domain/analytics";
import type { BgNbdParams, PurchaseHistories, SegmentRowsByHistory } from "~/domain/clv";
import type { ProjectionsPayload } from "./projections.server";
import { addOrderFacts, buildCustomerFacts, emptyOrderTotals, prepareAnalytics } from "~/domain/analytics";
import { EVENT_ORDER, EVENT_REFUND, type AcquisitionFacts, type ValueEventColumns } from "~/domain/value-events";
import type { ShopSettings } from "~/shops/shops.server";
import { num } from "~/lib/sql-values";
import type { Worker } from "node:worker_threads";
import { workerScript, type WorkerScript } from "~/lib/worker-threads.server";
import {
  aggregateOrdersInSqlite, firstDiscountCodeOf, orderScanFromAggregates, pickTopLine, tagsOf, type LedgerTotals, type OrderAggregateTexts, type TopLine,
} from "./order-aggregates.server";

export { emptyLedgerTotals, type LedgerTotals } from "./order-aggregates.server";
import { directSqliteFile, instantMs, isSqliteDirect, openSqliteSnapshot, type Reader, type RowSource, whileWritesWait, withRowSnapshot } from "./rows.server";

/** Restricts a read to some customers (drill-downs, one customer's card). */
export interface CustomerScope {
  /** Exactly these customers. */
  customerIds?: readonly string[];
  /** Customers whose first purchase event is within [from, to] (UTC instants; widen by a day for local months). */
  firstPurchaseBetween?: { from: Date; to: Date };
}

function customerCondition(column: Prisma.Sql, shopId: string, scope: CustomerScope | undefined): Prisma.Sql {
  if (!scope) return Prisma.empty;
  const parts: Prisma.Sql[] = [];
  if (scope.customerIds) {
    parts.push(scope.customerIds.length
      ? Prisma.sql`AND ${column} IN (${Prisma.join(scope.customerIds)})`
      : Prisma.sql`AND 1 = 0`);
  }
  if (scope.firstPurchaseBetween) {
    const { from, to } = scope.firstPurchaseBetween;
    parts.push(Prisma.sql`AND ${column} IN (
      SELECT fp."customerId" FROM "ValueEvent" fp
      WHERE fp."shopId" = ${shopId} AND fp."customerId" IS NOT NULL AND fp."kind" = 'order' AND fp."countsAsPurchase" = TRUE
      GROUP BY fp."customerId" HAVING MIN(fp."at") >= ${from} AND MIN(fp."at") <= ${to})`);
  }
  return parts.length ? Prisma.join(parts, " ") : Prisma.empty;
}

export async function valueEventsFrom(rows: RowSource, shopId: string, scope?: CustomerScope):
  Promise<{ events: ValueEventColumns; cancelledOrderIds: Set<string> }> {
  // As columns (RowSource.columns: at 1M orders ~1.6 s against ~3.6 s stepping the rows one by one),
  // kept as columns (ValueEventColumns: no object or Date per event). seq 0 is the order's event, 1..
  // its refunds' (the margin recompute writes them so); the kind is read as one small number.
  const [customers, orders, kinds, ats, revenue, grossMargin, contributionMargin] = await rows.columns(Prisma.sql`
    SELECT "customerId", "orderId",
      CASE WHEN "seq" <> 0 THEN 1 WHEN "countsAsPurchase" THEN 0 ELSE 2 END AS "kind",
      "at", "revenue", "grossMargin", "contributionMargin"
    FROM "ValueEvent"
    WHERE "shopId" = ${shopId} ${customerCondition(Prisma.sql`"customerId"`, shopId, scope)}
    ORDER BY "customerId", "at", "orderId", "seq"`, 7);
  const n = customers.length;
  const events = {
    length: n, customerId: new Array<string | null>(n), orderId: orders as string[], kind: new Uint8Array(n), atMs: new Float64Array(n),
    revenue: new Float64Array(n), grossMargin: new Float64Array(n), contributionMargin: new Float64Array(n),
  };
  const cancelledOrderIds = new Set<string>();
  let inOrder = true;
  let customer: string | null = null;
  for (let i = 0; i < n; i++) {
    // One string per customer (the parsed column holds a copy per event).
    const id = customers[i] as string | null;
    if (id !== customer) customer = id;
    events.customerId[i] = customer;
    const kind = num(kinds[i]);
    events.kind[i] = kind === KIND_REFUND_ROW ? EVENT_REFUND : EVENT_ORDER;
    if (kind === KIND_CANCELLED_ROW) cancelledOrderIds.add(orders[i] as string);
    events.atMs[i] = instantMs(ats[i]);
    events.revenue[i] = num(revenue[i]);
    events.grossMargin[i] = num(grossMargin[i]);
    events.contributionMargin[i] = num(contributionMargin[i]);
    if (i > 0 && inOrder && compareEventRows(events, i - 1, i) > 0) inOrder = false;
  }
  // The order is the query's; were it ever lost on the way (json_group_array takes the subquery's rows as
  // they come), sorting here restores it. SQL sorts NULL customer ids first on SQLite and last on
  // PostgreSQL: either is fine for prepareAnalytics.
  return { events: inOrder ? events : sortedEvents(events), cancelledOrderIds };
}

/** The kind column of the event read (its CASE): 0 a counted order's event, 1 a refund's, 2 a cancelled order's. */
const KIND_REFUND_ROW = 1;
const KIND_CANCELLED_ROW = 2;

/**
 * The event read's order: customer, time, order id (a null customer, first or last, ties with any).
 * Two events of one order at one instant (an order and its refund) may come either way: nothing
 * downstream tells them apart by position.
 */
function compareEventRows(events: ValueEventColumns, a: number, b: number): number {
  const ca = events.customerId[a];
  const cb = events.customerId[b];
  if (ca !== cb) {
    if (ca === null || cb === null) return 0; // either end is fine
    return ca < cb ? -1 : 1;
  }
  const oa = events.orderId[a];
  const ob = events.orderId[b];
  return events.atMs[a] - events.atMs[b] || (oa < ob ? -1 : oa > ob ? 1 : 0);
}

/** The columns reordered by compareEventRows (null customers first), a stable sort. */
function sortedEvents(events: ValueEventColumns): ValueEventColumns {
  const nullsFirst = (a: number, b: number) => (events.customerId[a] === null ? 0 : 1) - (events.customerId[b] === null ? 0 : 1);
  const order = Array.from({ length: events.length }, (_, i) => i).sort((a, b) => nullsFirst(a, b) || compareEventRows(events, a, b) || a - b);
  const pick = <T extends Float64Array | Uint8Array>(column: T): T => {
    const out = new (column.constructor as new (n: number) => T)(order.length);
    order.forEach((from, to) => (out[to] = column[from]));
    return out;
  };
  return {
    length: events.length, customerId: order.map((i) => events.customerId[i]), orderId: order.map((i) => events.orderId[i]),
    kind: pick(events.kind), atMs: pick(events.atMs), revenue: pick(events.revenue), grossMargin: pick(events.grossMargin),
    contributionMargin: pick(events.contributionMargin),
  };
}

/** Value events by asOf? No: all events (prepareAnalytics drops later ones and counts them). */
export async function readValueEvents(db: Reader, shopId: string, scope?: CustomerScope):
  Promise<{ events: ValueEventColumns; cancelledOrderIds: Set<string> }> {
  return withRowSnapshot(db, (rows) => valueEventsFrom(rows, shopId, scope));
}

interface FirstOrder {
  customerId: string;
  id: string;
  at: number;
  channel: string;
  countryCode: string | null;
  discountCodes: unknown;
}

/** Lines fetched per IN list: well under SQLite's 32,766 and PostgreSQL's 65,535 bound values. */
const IDS_PER_IN_LIST = 900;

/**
 * Every customer order (guest orders are in no customer's facts) and, from the same rows, each
 * customer's acquisition facts:
 * - first order: the earliest non-cancelled order processed by asOf, by processedAt then id;
 * - tags: from the customer's newest snapshot over all their orders, by sourceUpdatedAt, then
 *   processedAt, then id (Order.customerTags);
 * - first product: the first order's merchandise line (not a gift card) with the highest netSales,
 *   then the smallest line id;
 * - order totals of each customer (orders processed by asOf): returned units of an order are the sum of
 *   Refund.returnedItems; service contacts come from the cost module's attribution.
 */
export async function scanOrders(rows: RowSource, shopId: string, asOf: Date, contacts: ReadonlyMap<string, number>, scope?: CustomerScope,
  totals?: LedgerTotals): Promise<OrderScan> {
  const asOfMs = asOf.getTime();
  const only = customerCondition(Prisma.sql`o."customerId"`, shopId, scope);
  const returned = new Map<string, number>();
  const refunded = new Map<string, number>();
  await rows.each(Prisma.sql`
    SELECT r."orderId", SUM(r."returnedItems") AS "returnedItems", SUM(r."merchandise" + r."shipping" + r."adjustments") AS "refunded" FROM "Refund" r
    WHERE r."shopId" = ${shopId}
      ${scope ? Prisma.sql`AND r."orderId" IN (SELECT o."id" FROM "Order" o WHERE o."shopId" = ${shopId} AND o."customerId" IS NOT NULL ${only})` : Prisma.empty}
    GROUP BY r."orderId"`, (row) => {
    const units = num(row[1]);
    if (units !== 0) returned.set(row[0] as string, units);
    refunded.set(row[0] as string, num(row[2]));
  });

  const orderTotals = new Map<string, CustomerOrderTotals>();
  const firsts: FirstOrder[] = [];
  const tags: unknown[] = [];
  let customer: string | null = null;
  let mine: CustomerOrderTotals | null = null; // the current customer's order totals, once one is by asOf
  let counted = 0; // the current customer's non-cancelled orders (ledger totals)
  let first: FirstOrder | null = null;
  let tagKey: [number, number, string] | null = null;
  let tagValue: unknown = null;
  const flush = () => {
    if (totals && customer !== null) {
      if (counted >= 1) totals.customers++;
      if (counted >= 2) totals.repeatCustomers++;
    }
    counted = 0;
    if (first) {
      firsts.push(first);
      tags.push(tagValue);
    }
  };
  // Ordered by customer only, which the ("shopId", "customerId") index gives without a sort.
  await rows.each(Prisma.sql`
    SELECT o."id", o."customerId", o."processedAt", o."grossSales", o."discounts", o."cancelledAt", o."sourceName",
      o."countryCode", o."discountCodes", o."customerTags", o."sourceUpdatedAt", o."netSales", o."shippingCharged"
    FROM "Order" o
    WHERE o."shopId" = ${shopId} ${totals ? Prisma.empty : Prisma.sql`AND o."customerId" IS NOT NULL`} ${only}
    ORDER BY o."customerId"`, (row) => {
    const id = row[0] as string;
    const customerId = row[1] as string | null;
    const at = instantMs(row[2]);
    const cancelled = row[5] !== null && row[5] !== undefined;
    if (customerId !== customer) {
      flush();
      customer = customerId;
      mine = null;
      first = null;
      tagKey = null;
      tagValue = null;
    }
    if (totals) {
      if (cancelled) totals.cancelledOrders++;
      else {
        totals.orders++;
        if (customerId === null) totals.guestOrders++;
        else counted++;
        totals.grossSales += num(row[3]);
        totals.discounts += num(row[4]);
        totals.netSales += num(row[11]);
        totals.shippingCharged += num(row[12]);
        totals.refunds += refunded.get(id) ?? 0;
        totals.firstOrderAt = Math.min(totals.firstOrderAt ?? at, at);
        totals.lastOrderAt = Math.max(totals.lastOrderAt ?? at, at);
      }
    }
    if (customerId === null) return; // guest orders: in the store totals only
    if (at <= asOfMs) {
      if (mine === null) orderTotals.set(customerId, (mine = emptyOrderTotals()));
      addOrderFacts(mine, {
        grossSales: num(row[3]), discounts: num(row[4]), returnedItems: returned.get(id) ?? 0, serviceContacts: contacts.get(id) ?? 0, cancelled,
      });
    }
    if (!cancelled && at <= asOfMs && (first === null || at < first.at || (at === first.at && id < first.id))) {
      first = { customerId, id, at, channel: String(row[6]), countryCode: (row[7] as string | null) ?? null, discountCodes: row[8] };
    }
    const updated = instantMs(row[10]);
    if (tagKey === null || updated > tagKey[0] || (updated === tagKey[0] && (at > tagKey[1] || (at === tagKey[1] && id > tagKey[2])))) {
      tagKey = [updated, at, id];
      tagValue = row[9];
    }
  });
  flush();

  // The first orders' top merchandise line.
  const product = new Map<string, TopLine>();
  const firstIds = firsts.map((f) => f.id);
  for (let start = 0; start < firstIds.length; start += IDS_PER_IN_LIST) {
    const ids = firstIds.slice(start, start + IDS_PER_IN_LIST);
    await rows.each(Prisma.sql`
      SELECT l."orderId", l."id", l."productId", l."title", l."netSales" FROM "OrderLine" l
      WHERE l."shopId" = ${shopId} AND l."giftCard" = FALSE AND l."orderId" IN (${Prisma.join(ids)})`, (row) => {
      pickTopLine(product, row[0] as string, {
        productId: (row[2] as string | null) ?? null, title: (row[3] as string | null) ?? null, netSales: num(row[4]), lineId: row[1] as string,
      });
    });
  }
  const acquisitions = firsts.map((f, i): AcquisitionFacts => {
    const line = product.get(f.id);
    return {
      customerId: f.customerId, firstOrderId: f.id, firstOrderAt: new Date(f.at), channel: f.channel, countryCode: f.countryCode,
      firstDiscountCode: firstDiscountCodeOf(f.discountCodes), firstProductId: line?.productId ?? null, firstProductTitle: line?.title ?? null,
      tags: tagsOf(tags[i]),
    };
  });
  return { orderTotals, acquisitions };
}

/**
 * The order facts of a load: SQLite's aggregates for a whole shop on the direct path (aggregateOrdersInSqlite,
 * ~4x less CPU at 1M orders), else the row scan (PostgreSQL, and scoped loads, which read a few customers).
 */
export function orderFacts(rows: RowSource, shopId: string, asOf: Date, contacts: ReadonlyMap<string, number>, scope?: CustomerScope,
  totals?: LedgerTotals): Promise<OrderScan> {
  return isSqliteDirect(rows) && !scope
    ? aggregateOrdersInSqlite(rows, shopId, asOf, contacts, totals)
    : scanOrders(rows, shopId, asOf, contacts, scope, totals);
}

export async function readAcquisitionFacts(db: Reader, shopId: string, asOf: Date, scope?: CustomerScope): Promise<AcquisitionFacts[]> {
  return (await withRowSnapshot(db, async (rows, reader) =>
    orderFacts(rows, shopId, asOf, await serviceContactsByOrder(reader, shopId), scope))).acquisitions;
}

/** What scanOrders gives: each customer's order totals and acquisition facts. */
export interface OrderScan {
  orderTotals: Map<string, CustomerOrderTotals>;
  acquisitions: AcquisitionFacts[];
}

/** How long each read of a load took (ms), for the benchmark. */
export interface LoadTimings {
  events: number;
  orders: number;
  path: RowSource["kind"];
  /** Where the order scan ran: beside the event read in a worker thread, or after it on this thread. */
  ordersThread: "worker" | "main";
}

export interface LoadOptions {
  asOf?: Date;
  scope?: CustomerScope;
  timings?: Partial<LoadTimings>;
  totals?: LedgerTotals;
  /** "main": scan the orders on this thread even where a worker could (tests compare the two). */
  orderThread?: "worker" | "main";
  /** Tests: runs once the worker path's snapshots are taken, before any read (a write here must not show). */
  afterPin?: () => Promise<void>;
  /**
   * Work on the value events alone, run as soon as they are read: while the worker scans the orders
   * (the refresh builds the purchase histories there), else before the order scan. `model` is the
   * order-scan worker kept for the model (keepWorkerForModel, worker path only): the refresh sends it
   * the histories to fit once its scan is done.
   */
  withEvents?: (events: ValueEventColumns, cancelledOrderIds: ReadonlySet<string>, model?: ModelWorker) => void;
  /**
   * Keep the order-scan worker after the load to fit and project the purchase model there (ModelWorker).
   * Only on the worker path: the load's `model` is set then, and the caller must close it.
   */
  keepWorkerForModel?: boolean;
}

/**
 * The order-scan worker kept after the load (LoadOptions.keepWorkerForModel) to fit the purchase model
 * once its scan is done, and to compute the model's projections while this thread computes the views.
 * Measured at 1M orders / 250k customers: the projections, 2.3 s that had been on this thread after the
 * load with the worker idle; the fit, ~2.7 s of this thread's load, where the worker (its scan now
 * SQLite's aggregates) was done first and waited. (Fitting there while the scan was a 7 s row scan was
 * slower: the fit then waited for the scan.)
 */
export interface ModelWorker {
  /** Sends the histories: the worker fits the model on them after its scan (project() waits for it). */
  fit(request: { histories: PurchaseHistories; timeZone: string }): void;
  /**
   * Asks for the projections of the model fitted on the histories sent, for these segment rows
   * (computeProjections). `fitted`: the purchase model's parameters, which the worker says as soon as
   * it has fitted (null when it could not), so the caller can value the at-risk activity while the
   * worker projects; `projected`: the projections payload.
   */
  project(segments: CustomerSegmentKeys): {
    fitted: Promise<BgNbdParams | null>;
    projected: Promise<{ payload: ProjectionsPayload; projectMs: number; fitMs: number }>;
  };
  close(): Promise<void>;
}

/**
 * Everything the views need, for the whole shop (or the customers in `scope`).
 *
 * A whole-shop load on the direct SQLite path scans the orders in a worker thread (order-scan.worker.ts)
 * on its own read-only connection while this thread reads the value events (and runs `withEvents`).
 * Both snapshots are taken while writes wait (whileWritesWait), so they see one state of the ledger,
 * as the single snapshot of the other paths. Measured at 1M orders on 2 cores, when the worker stepped
 * the order rows: the load 14.5-14.9 s -> 10.4-14.2 s, and the refresh builds the model's histories in
 * the wait; the cost is memory (two heaps at once: the refresh's peak RSS ~3.7 GB now, sampled from a
 * thread that the refresh does not block).
 */
export async function loadAnalyticsInput(db: Db, shop: ShopSettings, options: LoadOptions = {}):
  Promise<{ input: AnalyticsInput; orderTotals: Map<string, CustomerOrderTotals>; model?: ModelWorker }> {
  const asOf = options.asOf ?? new Date();
  if (options.totals && options.scope) throw new Error("Ledger totals are for whole-shop loads");
  const file = options.scope || options.orderThread === "main" ? null : directSqliteFile();
  const script = file ? workerScript(ORDER_SCAN_WORKER, "order-scan") : null;
  const loaded = file && script
    ? await loadWithOrderWorker(db, shop.id, asOf, file, script, options)
    : await withRowSnapshot(db, async (rows, reader) => {
      const t0 = performance.now();
      const { events, cancelledOrderIds } = await valueEventsFrom(rows, shop.id, options.scope);
      const t1 = performance.now();
      options.withEvents?.(events, cancelledOrderIds);
      const t2 = performance.now();
      const scan = await orderFacts(rows, shop.id, asOf, await serviceContactsByOrder(reader, shop.id), options.scope, options.totals);
      if (options.timings) Object.assign(options.timings, { events: t1 - t0, orders: performance.now() - t2, path: rows.kind, ordersThread: "main" });
      return { events, cancelledOrderIds, ...scan };
    });
  const { events, cancelledOrderIds, acquisitions, orderTotals } = loaded;
  const { model } = loaded as { model?: ModelWorker };
  return { input: { events, acquisitions, timeZone: shop.ianaTimezone, asOf, cancelledOrderIds }, orderTotals, model };
}

const ORDER_SCAN_WORKER = new URL("./order-scan.worker.ts", import.meta.url);

/** The event read here and the order scan in a worker, on snapshots of one state (see loadAnalyticsInput). */
async function loadWithOrderWorker(db: Db, shopId: string, asOf: Date, file: string, script: WorkerScript,
  options: Pick<LoadOptions, "timings" | "totals" | "afterPin" | "withEvents" | "keepWorkerForModel">):
  Promise<{ events: ValueEventColumns; cancelledOrderIds: Set<string>; model?: ModelWorker } & OrderScan> {
  // Attributed through Prisma, as on the one-thread SQLite path (the attribution is not part of the snapshot there either).
  const contacts = await serviceContactsByOrder(db, shopId);
  const request: OrderScanRequest = { file, shopId, asOfMs: asOf.getTime(), contacts };
  // A young generation of 96 MiB (V8's default is 16-32): measured when the worker stepped 1M order rows
  // (its scan 9.4-13.1 s -> 8.4-11.5 s); kept for the fit and projections it now runs, not measured again.
  const worker = script.start({ workerData: request, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
  const replies = messagesOf<OrderScanReply>(worker);
  const rows = openSqliteSnapshot(file);
  let kept = false; // the worker outlives the load as the ModelWorker
  try {
    await replies.next("ready");
    await whileWritesWait(db, async () => {
      rows.pin();
      worker.postMessage("pin" satisfies OrderScanCommand);
      await replies.next("pinned");
    });
    await options.afterPin?.();
    worker.postMessage("scan" satisfies OrderScanCommand);
    let sent: PurchaseHistories | null = null;
    const model: ModelWorker | undefined = options.keepWorkerForModel ? {
      fit({ histories, timeZone }) {
        sent = histories;
        worker.postMessage({ type: "fit", histories, timeZone } satisfies OrderScanCommand);
      },
      project(segments) {
        if (!sent) throw new Error("ModelWorker.project before fit");
        worker.postMessage({ type: "project", segments: segmentRowsToWire(segments, sent.customerIds) } satisfies OrderScanCommand);
        // The replies come in this order: "fitted" (sent right after the fit), then "projected".
        const fitted = replies.next("fitted").then(({ params }) => params);
        const projected = fitted.then(() => replies.next("projected")).then(({ payload, projectMs, fitMs }) => ({ payload, projectMs, fitMs }));
        projected.catch(() => undefined); // a caller that stops at a failed `fitted` leaves this one unobserved
        return { fitted, projected };
      },
      close: async () => void (await worker.terminate()),
    } : undefined;
    const t0 = performance.now();
    const { events, cancelledOrderIds } = await valueEventsFrom(rows, shopId);
    const t1 = performance.now();
    options.withEvents?.(events, cancelledOrderIds, model);
    const done = await replies.next("done");
    // The worker ran the queries; their results are read here, where the thread is otherwise waiting.
    const t2 = performance.now();
    const orders = orderScanFromAggregates(done.aggregates, asOf, contacts, options.totals);
    if (options.timings) Object.assign(options.timings, { events: t1 - t0, orders: done.ms + performance.now() - t2, path: rows.kind, ordersThread: "worker" });
    const scan = { events, cancelledOrderIds, ...orders };
    if (!model) return scan;
    kept = true;
    return { ...scan, model };
  } finally {
    rows.close();
    if (!kept) await worker.terminate();
  }
}

/**
 * Segment rows in the form the worker's projection takes them (SegmentRows by history index), aligned
 * to the histories' customers, which the worker has: no customer id is copied.
 */
export function segmentRowsToWire(segments: CustomerSegmentKeys, customerIds: readonly string[]): SegmentRowsByHistory {
  // Counted, then written into arrays of the right size (millions of row ids: no growing list to copy).
  const rowsOf = customerIds.map((id) => segments.byCustomer.get(id));
  const start = new Int32Array(customerIds.length + 1);
  for (let c = 0; c < customerIds.length; c++) start[c + 1] = start[c] + (rowsOf[c]?.length ?? 0);
  const ids = new Int32Array(start[customerIds.length]);
  for (let c = 0; c < customerIds.length; c++) {
    const rows = rowsOf[c];
    if (rows) ids.set(rows, start[c]);
  }
  return { keys: segments.keys, byHistory: { start, ids } };
}

/** The replies of a worker in order, awaited one kind at a time; a failure or an early exit rejects. */
function messagesOf<M extends { type: string }>(worker: Worker) {
  const queue: M[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on("message", (message: M) => {
    queue.push(message);
    notify();
  });
  worker.on("error", (error) => {
    failure ??= error;
    notify();
  });
  worker.on("exit", (code) => {
    failure ??= new Error(`The order scan worker stopped (exit code ${code})`);
    notify();
  });
  return {
    async next<T extends M["type"]>(type: T): Promise<Extract<M, { type: T }>> {
      for (;;) {
        const message = queue.shift();
        if (message) {
          if (message.type === "failed") throw new Error((message as unknown as { message: string }).message);
          if (message.type !== type) throw new Error(`The order scan worker said "${message.type}", expected "${type}"`);
          return message as Extract<M, { type: T }>;
        }
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** What the order scan worker is given (workerData) and says. */
export interface OrderScanRequest {
  file: string;
  shopId: string;
  asOfMs: number;
  contacts: Map<string, number>;
}
export type OrderScanCommand =
  | "pin"
  | "scan"
  | { type: "fit"; histories: PurchaseHistories; timeZone: string }
  | { type: "project"; segments: SegmentRowsByHistory };
export type OrderScanReply =
  | { type: "ready" }
  | { type: "pinned" }
  | { type: "done"; aggregates: OrderAggregateTexts; ms: number }
  | { type: "fitted"; params: BgNbdParams | null }
  | { type: "projected"; payload: ProjectionsPayload; projectMs: number; fitMs: number }
  | { type: "failed"; message: string };

/**
 * One customer's lifetime facts and flags. The store-wide context of the
 * flags (how many customers, the top-10% cut-off, revenue and margin ranks) comes from the latest
 * analytics snapshot (snapshot.server.ts) when there is one, else it is computed from the whole shop.
 * `facts` and `flags` are null when the customer has no purchase.
 */
export async function loadCustomerAnalytics(db: Db, shop: ShopSettings, customerId: string):
  Promise<{ facts: CustomerFacts | null; flags: CustomerFlagSet | null }> {
  const { customerFlagsFromSnapshot } = await import("./snapshot.server");
  const asOf = new Date();
  const { input, orderTotals } = await loadAnalyticsInput(db, shop, { asOf, scope: { customerIds: [customerId] } });
  const base = prepareAnalytics(input);
  const facts = buildCustomerFacts(base, orderTotals).find((c) => c.customerId === customerId) ?? null;
  if (!facts) return { facts: null, flags: null };
  const flags = await customerFlagsFromSnapshot(db, shop, facts);
  return { facts, flags };
}
