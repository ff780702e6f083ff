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
 * How (1M orders, 250k customers in ~5 s on SQLite): four plain streaming selects from one consistent
 * view (rows.server.ts: a read-only SQLite connection in one read transaction, or `$queryRaw`
 * elsewhere): the value events in customer order; every customer order in customer order, from which
 * each customer's first order and newest tags are picked in code (the same rules as the SQL of a
 * window function, without a 1M-row sort and 750k correlated subqueries); returned units per order
 * (GROUP BY); the lines of the first orders only (IN lists). Every query filters by shop and is plain
 * SQL that PostgreSQL also runs (quoted identifiers, no SQLite-only functions). Dates come back as
 * text or Date and amounts as number or bigint: both are accepted.
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { serviceContactsByOrder } from "~/costs/service.server";
import type { AnalyticsInput, CustomerFacts, CustomerFlagSet, CustomerOrderTotals } from "~/domain/analytics";
import { addOrderFacts, buildCustomerFacts, emptyOrderTotals, prepareAnalytics } from "~/domain/analytics";
import type { AcquisitionFacts, ValueEvent } from "~/domain/value-events";
import type { ShopSettings } from "~/shops/shops.server";
import { bool, num } from "~/lib/sql-values";
import { instantMs, type Reader, type RowSource, withRowSnapshot } from "./rows.server";

const firstOf = (list: unknown): string | null => {
  if (typeof list !== "string" || list === "") return null;
  const code = list.split(",")[0].trim();
  return code === "" ? null : code;
};
const tagsOf = (value: unknown): string[] =>
  typeof value === "string" && value !== "" ? value.split(",").map((tag) => tag.trim()).filter((tag) => tag !== "") : [];

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

async function valueEventsFrom(rows: RowSource, shopId: string, scope?: CustomerScope):
  Promise<{ events: ValueEvent[]; cancelledOrderIds: Set<string> }> {
  const events: ValueEvent[] = [];
  const cancelledOrderIds = new Set<string>();
  await rows.each(Prisma.sql`
    SELECT "customerId", "orderId", "kind", "at", "revenue", "grossMargin", "contributionMargin", "countsAsPurchase"
    FROM "ValueEvent"
    WHERE "shopId" = ${shopId} ${customerCondition(Prisma.sql`"customerId"`, shopId, scope)}
    ORDER BY "customerId", "at", "orderId", "seq"`, (row) => {
    const kind = row[2] === "refund" ? "refund" : "order";
    const orderId = row[1] as string;
    if (kind === "order" && !bool(row[7])) cancelledOrderIds.add(orderId);
    events.push({
      customerId: (row[0] as string | null) ?? null, orderId, kind, at: new Date(instantMs(row[3])),
      revenue: num(row[4]), grossMargin: num(row[5]), contributionMargin: num(row[6]),
    });
  });
  // SQL sorts NULL customer ids first on SQLite and last on PostgreSQL: either is fine for prepareAnalytics.
  return { events, cancelledOrderIds };
}

/** Value events by asOf? No: all events (prepareAnalytics drops later ones and counts them). */
export async function readValueEvents(db: Reader, shopId: string, scope?: CustomerScope):
  Promise<{ events: ValueEvent[]; cancelledOrderIds: Set<string> }> {
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
async function ordersAndAcquisitionsFrom(rows: RowSource, db: Reader, shopId: string, asOf: Date, scope?: CustomerScope, totals?: LedgerTotals):
  Promise<{ orderTotals: Map<string, CustomerOrderTotals>; acquisitions: AcquisitionFacts[] }> {
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
  const contacts = await serviceContactsByOrder(db as Db, shopId);

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
  const product = new Map<string, { productId: string | null; title: string | null; netSales: number; lineId: string }>();
  const firstIds = firsts.map((f) => f.id);
  for (let start = 0; start < firstIds.length; start += IDS_PER_IN_LIST) {
    const ids = firstIds.slice(start, start + IDS_PER_IN_LIST);
    await rows.each(Prisma.sql`
      SELECT l."orderId", l."id", l."productId", l."title", l."netSales" FROM "OrderLine" l
      WHERE l."shopId" = ${shopId} AND l."giftCard" = FALSE AND l."orderId" IN (${Prisma.join(ids)})`, (row) => {
      const orderId = row[0] as string;
      const lineId = row[1] as string;
      const netSales = num(row[4]);
      const best = product.get(orderId);
      if (!best || netSales > best.netSales || (netSales === best.netSales && lineId < best.lineId)) {
        product.set(orderId, { productId: (row[2] as string | null) ?? null, title: (row[3] as string | null) ?? null, netSales, lineId });
      }
    });
  }
  const acquisitions = firsts.map((f, i): AcquisitionFacts => {
    const line = product.get(f.id);
    return {
      customerId: f.customerId, firstOrderId: f.id, firstOrderAt: new Date(f.at), channel: f.channel, countryCode: f.countryCode,
      firstDiscountCode: firstOf(f.discountCodes), firstProductId: line?.productId ?? null, firstProductTitle: line?.title ?? null,
      tags: tagsOf(tags[i]),
    };
  });
  return { orderTotals, acquisitions };
}

export async function readAcquisitionFacts(db: Reader, shopId: string, asOf: Date, scope?: CustomerScope): Promise<AcquisitionFacts[]> {
  return (await withRowSnapshot(db, (rows, reader) => ordersAndAcquisitionsFrom(rows, reader, shopId, asOf, scope))).acquisitions;
}

/**
 * Store totals of the ledger, gathered from the same order scan when asked for (whole-shop loads):
 * the Overview's figures, with its definitions (app/analytics/overview.server.ts): counted orders are
 * the non-cancelled ones, guests included; refunds are those of counted orders; customers have at
 * least one counted order, repeat customers two.
 */
export interface LedgerTotals {
  orders: number;
  cancelledOrders: number;
  guestOrders: number;
  customers: number;
  repeatCustomers: number;
  grossSales: number;
  discounts: number;
  netSales: number;
  shippingCharged: number;
  refunds: number;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
}

export const emptyLedgerTotals = (): LedgerTotals => ({
  orders: 0, cancelledOrders: 0, guestOrders: 0, customers: 0, repeatCustomers: 0, grossSales: 0, discounts: 0, netSales: 0,
  shippingCharged: 0, refunds: 0, firstOrderAt: null, lastOrderAt: null,
});

/** How long each read of a load took (ms), for the benchmark. */
export interface LoadTimings {
  events: number;
  orders: number;
  path: RowSource["kind"];
}

/** Everything the views need, for the whole shop (or the customers in `scope`). */
export async function loadAnalyticsInput(db: Db, shop: ShopSettings,
  options: { asOf?: Date; scope?: CustomerScope; timings?: Partial<LoadTimings>; totals?: LedgerTotals } = {}):
  Promise<{ input: AnalyticsInput; orderTotals: Map<string, CustomerOrderTotals> }> {
  const asOf = options.asOf ?? new Date();
  return withRowSnapshot(db, async (rows, reader) => {
    const t0 = performance.now();
    const { events, cancelledOrderIds } = await valueEventsFrom(rows, shop.id, options.scope);
    const t1 = performance.now();
    if (options.totals && options.scope) throw new Error("Ledger totals are for whole-shop loads");
    const { orderTotals, acquisitions } = await ordersAndAcquisitionsFrom(rows, reader, shop.id, asOf, options.scope, options.totals);
    if (options.timings) Object.assign(options.timings, { events: t1 - t0, orders: performance.now() - t1, path: rows.kind });
    return { input: { events, acquisitions, timeZone: shop.ianaTimezone, asOf, cancelledOrderIds }, orderTotals };
  });
}

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
