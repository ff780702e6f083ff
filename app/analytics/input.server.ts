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
 * - OrderFacts per customer order (guest orders are in no customer's facts): gross sales, discounts,
 *   returned units (sum of Refund.returnedItems), service contacts attributed to the order (the cost
 *   module's attribution, app/costs/service.server.ts), cancelled.
 *
 * Every query filters by shop and is plain SQL that PostgreSQL also runs (quoted identifiers, window
 * functions, no SQLite-only functions). Dates come back from the SQLite adapter as text or Date and
 * amounts as number or bigint: both are accepted.
 */
import Database from "better-sqlite3";
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { serviceContactsByOrder } from "~/costs/service.server";
import type { AnalyticsInput, CustomerFacts, CustomerFlagSet, OrderFacts } from "~/domain/analytics";
import { buildCustomerFacts, prepareAnalytics } from "~/domain/analytics";
import type { AcquisitionFacts, ValueEvent } from "~/domain/value-events";
import type { ShopSettings } from "~/shops/shops.server";
import { bool, date, num } from "~/lib/sql-values";

type Row = Record<string, unknown>;
type Reader = Pick<Db, "$queryRaw">;

/**
 * Reads of hundreds of thousands of rows through Prisma's driver adapter cost ~50-80 us a row here;
 * on SQLite the same statement (Prisma.Sql renders `?` placeholders) runs on a read-only
 * better-sqlite3 connection to the DATABASE_URL file instead, ~50x faster. Other databases (and
 * ANALYTICS_DIRECT_SQLITE=off) go through Prisma. The caller's client must point at DATABASE_URL.
 */
const direct = new Map<string, Database.Database>();
function directSqlite(): Database.Database | null {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith("file:") || process.env.ANALYTICS_DIRECT_SQLITE === "off") return null;
  const file = url.slice("file:".length).split("?")[0];
  let handle = direct.get(file);
  if (!handle) {
    handle = new Database(file, { readonly: true, fileMustExist: true });
    handle.pragma("busy_timeout = 5000");
    direct.set(file, handle);
  }
  return handle;
}

const bind = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString().replace(/Z$/, "+00:00") : typeof value === "boolean" ? (value ? 1 : 0) : value;

async function queryRows(db: Reader, query: Prisma.Sql): Promise<Row[]> {
  const handle = directSqlite();
  if (!handle) return db.$queryRaw<Row[]>(query);
  return handle.prepare(query.sql).all(...query.values.map(bind)) as Row[];
}

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

/** Value events by asOf? No: all events (prepareAnalytics drops later ones and counts them). */
export async function readValueEvents(db: Reader, shopId: string, scope?: CustomerScope):
  Promise<{ events: ValueEvent[]; cancelledOrderIds: Set<string> }> {
  const rows = await queryRows(db, Prisma.sql`
    SELECT "customerId", "orderId", "kind", "at", "revenue", "grossMargin", "contributionMargin", "countsAsPurchase"
    FROM "ValueEvent"
    WHERE "shopId" = ${shopId} ${customerCondition(Prisma.sql`"customerId"`, shopId, scope)}
    ORDER BY "customerId", "at", "orderId", "seq"`);
  const events: ValueEvent[] = new Array(rows.length);
  const cancelledOrderIds = new Set<string>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const kind = row.kind === "refund" ? "refund" : "order";
    const orderId = row.orderId as string;
    if (kind === "order" && !bool(row.countsAsPurchase)) cancelledOrderIds.add(orderId);
    events[i] = {
      customerId: (row.customerId as string | null) ?? null,
      orderId,
      kind,
      at: date(row.at),
      revenue: num(row.revenue),
      grossMargin: num(row.grossMargin),
      contributionMargin: num(row.contributionMargin),
    };
  }
  // SQL sorts NULL customer ids first on SQLite and last on PostgreSQL: either is fine for prepareAnalytics.
  return { events, cancelledOrderIds };
}

export async function readAcquisitionFacts(db: Reader, shopId: string, asOf: Date, scope?: CustomerScope): Promise<AcquisitionFacts[]> {
  const only = customerCondition(Prisma.sql`"customerId"`, shopId, scope);
  // Correlated subqueries per first order / customer use the ("shopId", "orderId") and ("shopId",
  // "customerId") indexes; joining window-function subqueries instead made SQLite rescan them per row.
  const rows = await queryRows(db, Prisma.sql`
    SELECT f."customerId", f."id", f."processedAt", f."sourceName", f."countryCode", f."discountCodes",
      (SELECT l."productId" FROM "OrderLine" l WHERE l."shopId" = ${shopId} AND l."orderId" = f."id" AND l."giftCard" = FALSE
        ORDER BY l."netSales" DESC, l."id" LIMIT 1) AS "productId",
      (SELECT l."title" FROM "OrderLine" l WHERE l."shopId" = ${shopId} AND l."orderId" = f."id" AND l."giftCard" = FALSE
        ORDER BY l."netSales" DESC, l."id" LIMIT 1) AS "title",
      (SELECT t."customerTags" FROM "Order" t WHERE t."shopId" = ${shopId} AND t."customerId" = f."customerId"
        ORDER BY t."sourceUpdatedAt" DESC, t."processedAt" DESC, t."id" DESC LIMIT 1) AS "customerTags"
    FROM (
      SELECT "customerId", "id", "processedAt", "sourceName", "countryCode", "discountCodes",
        ROW_NUMBER() OVER (PARTITION BY "customerId" ORDER BY "processedAt", "id") AS "rn"
      FROM "Order"
      WHERE "shopId" = ${shopId} AND "customerId" IS NOT NULL AND "cancelledAt" IS NULL AND "processedAt" <= ${asOf} ${only}
    ) AS f
    WHERE f."rn" = 1
    ORDER BY f."customerId"`);
  return rows.map((row): AcquisitionFacts => ({
    customerId: row.customerId as string,
    firstOrderId: row.id as string,
    firstOrderAt: date(row.processedAt),
    channel: String(row.sourceName),
    countryCode: (row.countryCode as string | null) ?? null,
    firstDiscountCode: firstOf(row.discountCodes),
    firstProductId: (row.productId as string | null) ?? null,
    firstProductTitle: (row.title as string | null) ?? null,
    tags: tagsOf(row.customerTags),
  }));
}

export async function readOrderFacts(db: Reader, shopId: string, scope?: CustomerScope): Promise<OrderFacts[]> {
  const [rows, contacts] = await Promise.all([
    queryRows(db, Prisma.sql`
      SELECT o."id", o."customerId", o."processedAt", o."grossSales", o."discounts", o."cancelledAt",
        (SELECT SUM(r."returnedItems") FROM "Refund" r WHERE r."shopId" = o."shopId" AND r."orderId" = o."id") AS "returnedItems"
      FROM "Order" o
      WHERE o."shopId" = ${shopId} AND o."customerId" IS NOT NULL ${customerCondition(Prisma.sql`o."customerId"`, shopId, scope)}
      ORDER BY o."customerId", o."processedAt", o."id"`),
    serviceContactsByOrder(db, shopId),
  ]);
  return rows.map((row): OrderFacts => ({
    orderId: row.id as string,
    customerId: row.customerId as string,
    processedAt: date(row.processedAt),
    grossSales: num(row.grossSales),
    discounts: num(row.discounts),
    returnedItems: num(row.returnedItems),
    serviceContacts: contacts.get(row.id as string) ?? 0,
    cancelled: row.cancelledAt !== null && row.cancelledAt !== undefined,
  }));
}

/** Everything the views need, for the whole shop (or the customers in `scope`). */
export async function loadAnalyticsInput(db: Db, shop: ShopSettings, options: { asOf?: Date; scope?: CustomerScope } = {}):
  Promise<{ input: AnalyticsInput; orders: OrderFacts[] }> {
  const asOf = options.asOf ?? new Date();
  const [{ events, cancelledOrderIds }, acquisitions, orders] = await Promise.all([
    readValueEvents(db, shop.id, options.scope),
    readAcquisitionFacts(db, shop.id, asOf, options.scope),
    readOrderFacts(db, shop.id, options.scope),
  ]);
  return { input: { events, acquisitions, timeZone: shop.ianaTimezone, asOf, cancelledOrderIds }, orders };
}

/**
 * One customer's lifetime facts and flags, with their orders' facts. The store-wide context of the
 * flags (how many customers, the top-10% cut-off, revenue and margin ranks) comes from the latest
 * analytics snapshot (snapshot.server.ts) when there is one, else it is computed from the whole shop.
 * `facts` and `flags` are null when the customer has no purchase.
 */
export async function loadCustomerAnalytics(db: Db, shop: ShopSettings, customerId: string):
  Promise<{ facts: CustomerFacts | null; flags: CustomerFlagSet | null; orders: OrderFacts[] }> {
  const { customerFlagsFromSnapshot } = await import("./snapshot.server");
  const asOf = new Date();
  const { input, orders } = await loadAnalyticsInput(db, shop, { asOf, scope: { customerIds: [customerId] } });
  const base = prepareAnalytics(input);
  const facts = buildCustomerFacts(base, orders).find((c) => c.customerId === customerId) ?? null;
  if (!facts) return { facts: null, flags: null, orders };
  const flags = await customerFlagsFromSnapshot(db, shop, facts);
  return { facts, flags, orders };
}
