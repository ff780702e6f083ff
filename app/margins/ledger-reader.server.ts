/**
 * Reads ledger orders back as the engine's LedgerOrder (lines, refunds with their lines, and payment
 * transactions), a page at a time, with plain SQL selects: no per-row Prisma model overhead. The SQL
 * is portable (quoted identifiers, no SQLite-only functions) and every query is scoped to one shop.
 *
 * Pages are keyset-paginated on the Order primary key ("shopId", "id"); the child rows of a page are
 * read by the same id range ("orderId" > previous cursor AND "orderId" <= last id of the page), which
 * the ("shopId", "orderId") indexes answer with three bound values whatever the page size.
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { LedgerLine, LedgerOrder, LedgerRefund, LedgerTransaction, RestockType } from "~/domain/ledger/types";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";
import { bool, date, num } from "~/lib/sql-values";
import { openRowSource } from "~/analytics/rows.server";

type Row = Record<string, unknown>;
/** A client or transaction, or the ledger's prepared statements on one (ledgerSqlFor): raw reads only. */
type Executor = { $queryRaw<T>(query: Prisma.Sql): PromiseLike<T> };

const list = (value: unknown): string[] => (typeof value === "string" && value !== "" ? value.split(",") : []);

const ORDER_COLUMNS = Prisma.raw(`"id", "name", "customerId", "customerTags", "createdAt", "processedAt", "sourceUpdatedAt",
  "cancelledAt", "currency", "sourceName", "countryCode", "financialStatus", "taxesIncluded", "gateways", "tags",
  "discountCodes", "grossSales", "discounts", "netSales", "shippingCharged", "taxes", "duties", "tips", "giftCardsSold",
  "totalPrice", "itemCount"`);
const LINE_COLUMNS = Prisma.raw(`"id", "orderId", "productId", "variantId", "sku", "title", "quantity", "currentQuantity",
  "requiresShipping", "unitPrice", "discount", "tax", "giftCard", "netSales"`);
const REFUND_COLUMNS = Prisma.raw(`"id", "orderId", "createdAt", "merchandise", "shipping", "adjustments", "taxes", "restockedItems", "returnedItems"`);
const REFUND_LINE_COLUMNS = Prisma.raw(`"id", "refundId", "orderId", "lineItemId", "quantity", "restockType", "subtotal", "tax"`);
const TRANSACTION_COLUMNS = Prisma.raw(`"id", "orderId", "kind", "status", "gateway", "amount", "fee", "processedAt"`);

function orderOf(row: Row): LedgerOrder {
  return {
    id: String(row.id),
    name: String(row.name),
    customerId: (row.customerId as string | null) ?? null,
    customerTags: (row.customerTags as string | null) ?? null,
    createdAt: date(row.createdAt),
    processedAt: date(row.processedAt),
    sourceUpdatedAt: date(row.sourceUpdatedAt),
    cancelledAt: row.cancelledAt === null || row.cancelledAt === undefined ? null : date(row.cancelledAt),
    test: false, // test orders are never stored
    currency: String(row.currency),
    sourceName: String(row.sourceName),
    countryCode: (row.countryCode as string | null) ?? null,
    financialStatus: (row.financialStatus as string | null) ?? null,
    taxesIncluded: bool(row.taxesIncluded),
    gateways: list(row.gateways),
    tags: list(row.tags),
    discountCodes: list(row.discountCodes),
    grossSales: num(row.grossSales),
    discounts: num(row.discounts),
    netSales: num(row.netSales),
    shippingCharged: num(row.shippingCharged),
    taxes: num(row.taxes),
    duties: num(row.duties),
    tips: num(row.tips),
    giftCardsSold: num(row.giftCardsSold),
    totalPrice: num(row.totalPrice),
    itemCount: num(row.itemCount),
    lines: [],
    refunds: [],
    transactions: [],
  };
}

function lineOf(row: Row): LedgerLine {
  return {
    id: String(row.id),
    productId: (row.productId as string | null) ?? null,
    variantId: (row.variantId as string | null) ?? null,
    sku: (row.sku as string | null) ?? null,
    title: String(row.title),
    quantity: num(row.quantity),
    currentQuantity: num(row.currentQuantity),
    requiresShipping: bool(row.requiresShipping),
    unitPrice: num(row.unitPrice),
    discount: num(row.discount),
    tax: num(row.tax),
    giftCard: bool(row.giftCard),
    netSales: num(row.netSales),
  };
}

function refundOf(row: Row): LedgerRefund {
  return {
    id: String(row.id),
    orderId: String(row.orderId),
    createdAt: date(row.createdAt),
    merchandise: num(row.merchandise),
    shipping: num(row.shipping),
    adjustments: num(row.adjustments),
    taxes: num(row.taxes),
    restockedItems: num(row.restockedItems),
    returnedItems: num(row.returnedItems),
    lines: [],
  };
}

function transactionOf(row: Row): LedgerTransaction {
  return {
    id: String(row.id),
    kind: String(row.kind),
    status: String(row.status),
    gateway: String(row.gateway),
    amount: num(row.amount),
    fee: row.fee === null || row.fee === undefined ? null : num(row.fee),
    processedAt: date(row.processedAt),
  };
}

/** Puts child rows on their orders; refunds in date order (then id), as value-event seq numbers need. */
function assemble(orderRows: Row[], lines: Row[], refunds: Row[], refundLines: Row[], transactions: Row[]): LedgerOrder[] {
  const orders = orderRows.map(orderOf);
  const byId = new Map(orders.map((order) => [order.id, order]));
  for (const row of lines) byId.get(String(row.orderId))?.lines.push(lineOf(row));
  const refundById = new Map<string, LedgerRefund>();
  for (const row of refunds) {
    const order = byId.get(String(row.orderId));
    if (!order) continue; // a refund that arrived before its order
    const refund = refundOf(row);
    refundById.set(refund.id, refund);
    order.refunds.push(refund);
  }
  for (const row of refundLines) {
    refundById.get(String(row.refundId))?.lines.push({
      id: String(row.id),
      lineItemId: String(row.lineItemId),
      quantity: num(row.quantity),
      restockType: String(row.restockType) as RestockType,
      subtotal: num(row.subtotal),
      tax: num(row.tax),
    });
  }
  for (const row of transactions) byId.get(String(row.orderId))?.transactions!.push(transactionOf(row));
  for (const order of orders) {
    order.lines.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    order.refunds.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return orders;
}

export interface LedgerPage {
  orders: LedgerOrder[];
  /** Exclusive lower bound of the page's id range ("" for the first page). */
  after: string;
  /** Inclusive upper bound: the last order id of the page. */
  last: string;
}

/**
 * Every order of the shop with its children, `pageSize` orders at a time, in id order. On SQLite the
 * pages are read on a private read-only connection (app/analytics/rows.server.ts: ~1 us a row against
 * ~50 us through the driver adapter), each statement on its own, so no read transaction is held for
 * the whole run; elsewhere through `$queryRaw`. Same SQL on both paths.
 */
export async function* ledgerPages(db: Pick<Db, "$queryRaw">, shopId: string, pageSize = 2000): AsyncGenerator<LedgerPage> {
  const source = openRowSource(db, { snapshot: false });
  try {
    let after = "";
    for (;;) {
      const orderRows = await source.all(Prisma.sql`SELECT ${ORDER_COLUMNS} FROM "Order"
        WHERE "shopId" = ${shopId} AND "id" > ${after} ORDER BY "id" LIMIT ${pageSize}`);
      if (!orderRows.length) return;
      const last = String(orderRows[orderRows.length - 1].id);
      const range = (table: string, columns: Prisma.Sql) => source.all(Prisma.sql`SELECT ${columns} FROM ${Prisma.raw(`"${table}"`)}
        WHERE "shopId" = ${shopId} AND "orderId" > ${after} AND "orderId" <= ${last}`);
      const [lines, refunds, refundLines, transactions] = [
        await range("OrderLine", LINE_COLUMNS),
        await range("Refund", REFUND_COLUMNS),
        await range("RefundLine", REFUND_LINE_COLUMNS),
        await range("OrderTransaction", TRANSACTION_COLUMNS),
      ];
      yield { orders: assemble(orderRows, lines, refunds, refundLines, transactions), after, last };
      if (orderRows.length < pageSize) return;
      after = last;
    }
  } finally {
    source.close();
  }
}

/** The given orders (those in the ledger) with their children. */
export async function readLedgerOrders(db: Executor, shopId: string, orderIds: string[]): Promise<LedgerOrder[]> {
  const out: LedgerOrder[] = [];
  for (const ids of chunk([...new Set(orderIds)], IDS_PER_QUERY)) {
    const inIds = Prisma.join(ids);
    const orderRows = await db.$queryRaw<Row[]>(Prisma.sql`SELECT ${ORDER_COLUMNS} FROM "Order" WHERE "shopId" = ${shopId} AND "id" IN (${inIds}) ORDER BY "id"`);
    if (!orderRows.length) continue;
    const children = (table: string, columns: Prisma.Sql) => db.$queryRaw<Row[]>(Prisma.sql`SELECT ${columns} FROM ${Prisma.raw(`"${table}"`)}
      WHERE "shopId" = ${shopId} AND "orderId" IN (${inIds})`);
    out.push(...assemble(orderRows, await children("OrderLine", LINE_COLUMNS), await children("Refund", REFUND_COLUMNS),
      await children("RefundLine", REFUND_LINE_COLUMNS), await children("OrderTransaction", TRANSACTION_COLUMNS)));
  }
  return out;
}

/**
 * The processor's real fee of an order: the sum of `fee` over its successful transactions, when at
 * least one of them reports a fee (Shopify Payments); undefined otherwise (use the configured rate).
 */
export function actualPaymentFee(order: LedgerOrder): number | undefined {
  let total = 0;
  let known = false;
  for (const transaction of order.transactions ?? []) {
    if (transaction.status !== "success" || transaction.fee === null) continue;
    known = true;
    total += transaction.fee;
  }
  return known ? total : undefined;
}
