/**
 * The whole-shop order scan of the analytics load (scanOrders in input.server.ts) done by SQLite's own
 * aggregates, for the direct SQLite path: the same OrderScan and ledger totals, by the same rules,
 * with the 1M order rows added up in SQLite instead of stepped one by one into JavaScript. Measured
 * at 1M orders / 250k customers on 2 cores: the queries ~1.7 s (alone; 2-3 s beside the event read) and
 * reading their results ~0.7 s, against 7.4-7.6 s for the row scan. The order-scan worker runs the queries (queryOrderAggregates) and
 * the calling thread reads them (orderScanFromAggregates).
 *
 * - Each customer's order totals and first order in one GROUP BY pass over Order_customer_scan_idx.
 *   The first order's columns are SQLite "bare columns" of the one MIN() aggregate: they come from
 *   the row holding the minimum (documented SQLite behaviour, not portable SQL: PostgreSQL loads use
 *   the row scan). The minimum is taken over processedAt || id, so ties on processedAt go to the
 *   smaller id as in the row scan.
 * - The newest tag snapshot likewise, by MAX(sourceUpdatedAt || processedAt || id).
 * - Returned units and refunds per order, joined to their order; service contacts' orders by id.
 * - The first orders' lines, picked in code by the row scan's rule.
 *
 * The keys compare dates as text: every date is stored in one fixed-width form
 * ("2026-01-05T12:00:00.000+00:00", what the adapter and ledgerSqlFor write), so text order is time
 * order. order-aggregates.test.ts compares this with the row scan on a store of ties and edge cases.
 * Each result column is one JavaScript string: V8 caps one at ~512 MB, some 10M customers.
 */
import { Prisma } from "~/generated/prisma/client";
import type { CustomerOrderTotals } from "~/domain/analytics";
import type { AcquisitionFacts } from "~/domain/value-events";
import { bool, num } from "~/lib/sql-values";
import { instantMs, isSqliteDirect, type RowSource } from "./rows.server";
import type { OrderScan } from "./input.server";

/** The first of a comma-separated list of discount codes, or null. */
export const firstDiscountCodeOf = (list: unknown): string | null => {
  if (typeof list !== "string" || list === "") return null;
  const code = list.split(",")[0].trim();
  return code === "" ? null : code;
};

/** A customer's tags from Order.customerTags (comma-separated). */
export const tagsOf = (value: unknown): string[] =>
  typeof value === "string" && value !== "" ? value.split(",").map((tag) => tag.trim()).filter((tag) => tag !== "") : [];

/**
 * Store totals of the ledger, gathered with the order facts when asked for (whole-shop loads), by either scan:
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

export interface TopLine {
  productId: string | null;
  title: string | null;
  netSales: number;
  lineId: string;
}

/** The first product's rule: the merchandise line with the highest netSales, then the smallest line id. */
const outranks = (netSales: number, lineId: string, bestNetSales: number, bestLineId: string) =>
  netSales > bestNetSales || (netSales === bestNetSales && lineId < bestLineId);

/** Keeps each order's top line (`outranks`). */
export function pickTopLine(best: Map<string, TopLine>, orderId: string, line: TopLine): void {
  const current = best.get(orderId);
  if (!current || outranks(line.netSales, line.lineId, current.netSales, current.lineId)) best.set(orderId, line);
}

/** Per customer (guests as the null customer), the orders of one side of asOf: counts and sums. */
const SIDE_SUMS = Prisma.sql`
  COUNT(*) AS "orders",
  SUM(o."cancelledAt" IS NULL) AS "counted",
  SUM(CASE WHEN o."cancelledAt" IS NULL THEN o."grossSales" ELSE 0 END) AS "grossSales",
  SUM(CASE WHEN o."cancelledAt" IS NULL THEN o."discounts" ELSE 0 END) AS "discounts",
  SUM(o."cancelledAt" IS NULL AND o."discounts" > 0) AS "discountedOrders",
  SUM(CASE WHEN o."cancelledAt" IS NULL THEN o."netSales" ELSE 0 END) AS "netSales",
  SUM(CASE WHEN o."cancelledAt" IS NULL THEN o."shippingCharged" ELSE 0 END) AS "shippingCharged"`;

/**
 * The results of the order aggregates' queries as SQLite gave them, one JSON array text per column
 * (SqliteRowSource.columnTexts): what the order-scan worker sends back (a string is copied once, where
 * parsed arrays of 250k strings would be cloned one by one), read by orderScanFromAggregates.
 */
export interface OrderAggregateTexts {
  /** Per customer by asOf (guests as the null customer, first), in customer order: customerId, SIDE_SUMS, hasFirst, firstId, firstAt, channel, countryCode, discountCodes. */
  byAsOf: string[];
  /** Per customer after asOf: customerId, SIDE_SUMS. */
  later: string[];
  /** Per customer, in customer order: customerId, tags. */
  tags: string[];
  /** Per refunded order, in customer order (guests first): customerId, processedAt, cancelled, units, refunded. */
  refunds: string[];
  /** Per order with service contacts: id, customerId, processedAt. */
  contacts: string[];
  /** Lines of the first orders: orderId, id, productId, title, netSales. */
  lines: string[];
  /** The first and last counted order's processedAt (null when none). */
  span: { first: unknown; last: unknown };
}

/** Runs the order aggregates' queries (see the header) on one snapshot; orderScanFromAggregates reads them. */
export async function queryOrderAggregates(rows: RowSource, shopId: string, asOf: Date, contacts: ReadonlyMap<string, number>): Promise<OrderAggregateTexts> {
  if (!isSqliteDirect(rows)) throw new Error("The order aggregates need the direct SQLite path (bare columns)");
  // The orders processed by asOf, per customer, guests included (the null customer, first): one
  // comparison per row in the WHERE, where a CASE per sum measured ~0.8 s more at 1M orders.
  // The MIN key itself is not sent (a 55-character text per customer): whether there is one is.
  const byAsOf = await rows.columnTexts(Prisma.sql`
    SELECT "customerId", "orders", "counted", "grossSales", "discounts", "discountedOrders", "netSales", "shippingCharged",
      "firstKey" IS NOT NULL AS "hasFirst", "firstId", "firstAt", "channel", "countryCode", "discountCodes"
    FROM (SELECT o."customerId" AS "customerId", ${SIDE_SUMS},
        MIN(CASE WHEN o."cancelledAt" IS NULL THEN o."processedAt" || o."id" END) AS "firstKey",
        o."id" AS "firstId", o."processedAt" AS "firstAt", o."sourceName" AS "channel", o."countryCode" AS "countryCode",
        o."discountCodes" AS "discountCodes"
      FROM "Order" o WHERE o."shopId" = ${shopId} AND o."processedAt" <= ${asOf}
      GROUP BY o."customerId" ORDER BY o."customerId")`, 14);
  // The orders processed after asOf (none, unless asOf is in the past): in the ledger totals and the
  // customer counts only. Through the processedAt index (the planner would scan the covering one).
  const later = await rows.columnTexts(Prisma.sql`
    SELECT o."customerId" AS "customerId", ${SIDE_SUMS} FROM "Order" o INDEXED BY "Order_shopId_processedAt_idx"
    WHERE o."shopId" = ${shopId} AND o."processedAt" > ${asOf}
    GROUP BY o."customerId"`, 8);
  // In customer order, as byAsOf, so the reader pairs them in one walk; the MAX key is not sent.
  const tags = await rows.columnTexts(Prisma.sql`
    SELECT "customerId", "tags" FROM (
      SELECT o."customerId" AS "customerId", MAX(o."sourceUpdatedAt" || o."processedAt" || o."id") AS "tagKey", o."customerTags" AS "tags"
      FROM "Order" o WHERE o."shopId" = ${shopId} AND o."customerId" IS NOT NULL
      GROUP BY o."customerId" ORDER BY o."customerId")`, 2);
  // Returned units and refunds per order, with the order's customer (guests' too: the ledger's refunds).
  // CROSS JOIN keeps the refunds as the outer loop (SQLite's planner would scan every order: 1.3 s
  // against 0.3 s at 1M orders / 98k refunded orders). In customer order, as byAsOf (guests first).
  const refunds = await rows.columnTexts(Prisma.sql`
    SELECT o."customerId" AS "customerId", o."processedAt" AS "processedAt", o."cancelledAt" IS NOT NULL AS "cancelled",
      r."units" AS "units", r."refunded" AS "refunded"
    FROM (SELECT r."orderId" AS "orderId", SUM(r."returnedItems") AS "units", SUM(r."merchandise" + r."shipping" + r."adjustments") AS "refunded"
      FROM "Refund" r WHERE r."shopId" = ${shopId} GROUP BY r."orderId") r
    CROSS JOIN "Order" o ON o."shopId" = ${shopId} AND o."id" = r."orderId"
    ORDER BY o."customerId"`, 5);
  const contactOrders = await rows.columnTexts(Prisma.sql`
    SELECT o."id" AS "id", o."customerId" AS "customerId", o."processedAt" AS "processedAt" FROM "Order" o
    WHERE o."shopId" = ${shopId} AND o."customerId" IS NOT NULL AND o."id" IN (SELECT "value" FROM json_each(${JSON.stringify([...contacts.keys()])}))`, 3);
  // The first orders' lines: the firstId column's text is itself a JSON array of ids. (Where a
  // customer has no first order, its firstId is some order of theirs: lines read and not used.)
  const lines = await rows.columnTexts(Prisma.sql`
    SELECT l."orderId" AS "orderId", l."id" AS "id", l."productId" AS "productId", l."title" AS "title", l."netSales" AS "netSales"
    FROM "OrderLine" l
    WHERE l."shopId" = ${shopId} AND l."giftCard" = FALSE AND l."orderId" IN (SELECT "value" FROM json_each(${byAsOf[9]}))`, 5);
  const [span] = await rows.all(Prisma.sql`
    SELECT (SELECT o."processedAt" FROM "Order" o WHERE o."shopId" = ${shopId} AND o."cancelledAt" IS NULL ORDER BY o."processedAt" LIMIT 1) AS "first",
      (SELECT o."processedAt" FROM "Order" o WHERE o."shopId" = ${shopId} AND o."cancelledAt" IS NULL ORDER BY o."processedAt" DESC LIMIT 1) AS "last"`);
  return { byAsOf, later, tags, refunds, contacts: contactOrders, lines, span: { first: span.first, last: span.last } };
}

const parse = (texts: string[]) => texts.map((text) => JSON.parse(text) as unknown[]);

/** Throws unless `ids` ascend (null first; `strictly`: no repeats), as the queries' ORDER BY gives them. */
function checkCustomerOrder(ids: readonly unknown[], strictly: boolean): void {
  for (let i = 1; i < ids.length; i++) {
    const [before, id] = [ids[i - 1], ids[i]];
    if (before === null) continue;
    if (id === null || (id as string) < (before as string) || (strictly && id === before)) throw new Error("The order aggregates are not in customer order");
  }
}

/**
 * For each id of `ids`, its row in `customerIds` (-1 where it has none, and for null): both ascend
 * (checkCustomerOrder), so one walk pairs them. SQLite orders text by its bytes, JavaScript by UTF-16
 * units: the same order for the ids Shopify gives (ASCII GIDs); any other order is refused, not misread.
 */
function rowsOf(customerIds: readonly unknown[], ids: readonly unknown[], strictly: boolean): Int32Array {
  checkCustomerOrder(ids, strictly);
  const rows = new Int32Array(ids.length).fill(-1);
  let c = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === null) continue;
    while (c < customerIds.length && (customerIds[c] === null || (customerIds[c] as string) < (id as string))) c++;
    if (c < customerIds.length && customerIds[c] === id) rows[i] = c;
  }
  return rows;
}

/** The OrderScan (and, given `totals`, the ledger totals) of the aggregates' results; `asOf` and `contacts` as they were queried with. */
export function orderScanFromAggregates(texts: OrderAggregateTexts, asOf: Date, contacts: ReadonlyMap<string, number>, totals?: LedgerTotals): OrderScan {
  const asOfMs = asOf.getTime();
  const [customerIds, orders, counted, grossSales, discounts, discountedOrders, netSales, shippingCharged,
    hasFirst, firstId, firstAt, channel, countryCode, discountCodes] = parse(texts.byAsOf);
  const n = customerIds.length;
  checkCustomerOrder(customerIds, true);
  // The other results are in customer order too: each is paired with byAsOf's rows in one walk (no map of 250k ids).
  const [tagCustomerIds, tagTexts] = parse(texts.tags);
  const tags = new Array<unknown>(n).fill(null);
  const tagRow = rowsOf(customerIds, tagCustomerIds, true);
  for (let i = 0; i < tagRow.length; i++) if (tagRow[i] >= 0) tags[tagRow[i]] = tagTexts[i];

  // Returned units of each customer's counted orders by asOf; refunds of every counted order (the ledger's).
  const returnedOrders = new Float64Array(n);
  const returnedItems = new Float64Array(n);
  let refunds = 0;
  const [refundCustomer, refundAt, refundCancelled, refundUnits, refundAmount] = parse(texts.refunds);
  const refundRow = rowsOf(customerIds, refundCustomer, false);
  for (let i = 0; i < refundCustomer.length; i++) {
    if (bool(refundCancelled[i])) continue;
    refunds += num(refundAmount[i]);
    const c = refundRow[i];
    if (c < 0 || refundCustomer[i] === null || instantMs(refundAt[i]) > asOfMs) continue;
    const units = num(refundUnits[i]);
    if (units > 0) returnedOrders[c]++;
    returnedItems[c] += units;
  }

  // Service contacts of the orders processed by asOf, cancelled ones included (addOrderFacts): few
  // orders, looked up by id.
  const serviceContacts = new Float64Array(n);
  const [orderIds, contactCustomer, contactAt] = parse(texts.contacts);
  const index = new Map<string, number>();
  if (orderIds.length > 0) for (let c = 0; c < n; c++) if (customerIds[c] !== null) index.set(customerIds[c] as string, c);
  for (let i = 0; i < orderIds.length; i++) {
    const c = index.get(contactCustomer[i] as string);
    if (c !== undefined && instantMs(contactAt[i]) <= asOfMs) serviceContacts[c] += contacts.get(orderIds[i] as string) ?? 0;
  }

  const orderTotals = new Map<string, CustomerOrderTotals>();
  const firsts: number[] = [];
  for (let c = 0; c < n; c++) {
    if (customerIds[c] === null) continue;
    orderTotals.set(customerIds[c] as string, {
      ordersWithFacts: num(counted[c]), grossSales: num(grossSales[c]), discounts: num(discounts[c]), discountedOrders: num(discountedOrders[c]),
      returnedOrders: returnedOrders[c], returnedItems: returnedItems[c], serviceContacts: serviceContacts[c],
    });
    if (bool(hasFirst[c])) firsts.push(c);
  }

  // The first orders' top merchandise line (`outranks`), kept as its row: no object per line.
  const topLine = new Map<string, number>();
  const [lineOrder, lineId, lineProduct, lineTitle, lineNet] = parse(texts.lines);
  for (let i = 0; i < lineOrder.length; i++) {
    const order = lineOrder[i] as string;
    const best = topLine.get(order);
    if (best === undefined || outranks(num(lineNet[i]), lineId[i] as string, num(lineNet[best]), lineId[best] as string)) topLine.set(order, i);
  }
  // Customers share tag lists ("", "vip"...): each distinct text is split once (the lists are only read).
  const tagLists = new Map<unknown, string[]>();
  const tagsFor = (text: unknown) => {
    let list = tagLists.get(text);
    if (list === undefined) tagLists.set(text, (list = tagsOf(text)));
    return list;
  };
  const acquisitions = firsts.map((c): AcquisitionFacts => {
    const id = firstId[c] as string;
    const line = topLine.get(id);
    return {
      customerId: customerIds[c] as string, firstOrderId: id, firstOrderAt: new Date(instantMs(firstAt[c])), channel: String(channel[c]),
      countryCode: (countryCode[c] as string | null) ?? null, firstDiscountCode: firstDiscountCodeOf(discountCodes[c]),
      firstProductId: line === undefined ? null : ((lineProduct[line] as string | null) ?? null),
      firstProductTitle: line === undefined ? null : ((lineTitle[line] as string | null) ?? null), tags: tagsFor(tags[c]),
    };
  });

  if (totals) {
    // All time: the orders by asOf and after, guests included.
    const ledger = { ...emptyLedgerTotals(), refunds };
    const countedBefore = new Float64Array(n);
    // Customers with orders after asOf (none, unless asOf is in the past): their counts, by id.
    const countedAfter = new Map<string, number>();
    for (const [side, [ids, all, kept, gross, disc, , net, shipping]] of [[0, [customerIds, orders, counted, grossSales, discounts, discountedOrders, netSales, shippingCharged]], [1, parse(texts.later)]] as const) {
      for (let i = 0; i < ids.length; i++) {
        const k = num(kept[i]);
        ledger.orders += k;
        ledger.cancelledOrders += num(all[i]) - k;
        ledger.grossSales += num(gross[i]);
        ledger.discounts += num(disc[i]);
        ledger.netSales += num(net[i]);
        ledger.shippingCharged += num(shipping[i]);
        if (ids[i] === null) ledger.guestOrders += k;
        else if (side === 0) countedBefore[i] = k;
        else countedAfter.set(ids[i] as string, k);
      }
    }
    const countCustomer = (k: number) => {
      if (k >= 1) ledger.customers++;
      if (k >= 2) ledger.repeatCustomers++;
    };
    for (let c = 0; c < n; c++) {
      if (customerIds[c] === null) continue;
      const id = customerIds[c] as string;
      const after = countedAfter.get(id);
      if (after !== undefined) countedAfter.delete(id);
      countCustomer(countedBefore[c] + (after ?? 0));
    }
    for (const k of countedAfter.values()) countCustomer(k);
    const { first, last } = texts.span;
    Object.assign(totals, ledger, {
      firstOrderAt: first === null || first === undefined ? null : instantMs(first),
      lastOrderAt: last === null || last === undefined ? null : instantMs(last),
    });
  }
  return { orderTotals, acquisitions };
}

/** Both halves on this thread (the one-thread load). */
export async function aggregateOrdersInSqlite(rows: RowSource, shopId: string, asOf: Date, contacts: ReadonlyMap<string, number>,
  totals?: LedgerTotals): Promise<OrderScan> {
  return orderScanFromAggregates(await queryOrderAggregates(rows, shopId, asOf, contacts), asOf, contacts, totals);
}
