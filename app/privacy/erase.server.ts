/**
 * Deleting a shop's or a customer's data (app/uninstalled, shop/redact, customers/redact).
 *
 * Rule for every table: it has a `shopId` column (Session has `shop`, Shop is the shop itself), so a
 * shop erase covers tables added later without anyone remembering to list them. Customer redaction
 * needs to know which tables are keyed by order or by customer: add new ones to the lists below.
 * A test counts the rows of every Prisma model after each erase.
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";
import { removeFromFlagLists } from "~/customers/flag-lists.server";

/** Tables whose rows belong to an order (column "orderId"). */
export const ORDER_KEYED_TABLES = [
  "ValueEvent",
  "OrderMargin",
  "OrderTransaction",
  "RefundLine",
  "Refund",
  "OrderLine",
  "PendingRefund",
  "OrderTombstone",
  "ServiceContact", // contacts given by order name carry the order's id
  "SyncPendingOrder",
  "SyncDrift",
];
/** Tables whose rows belong to a customer but not to an order (column "customerId"). */
export const CUSTOMER_KEYED_TABLES: string[] = ["CustomerMerge", "ServiceContact"];
/** Other columns naming a customer, as [table, column] (a merge names both customers). */
export const CUSTOMER_KEYED_COLUMNS: [string, string][] = [["CustomerMerge", "keptCustomerId"]];
/**
 * JSON text columns that may name an order or a customer (jobs, cached analytics views): rows whose
 * JSON holds one of the redacted ids as a string value are deleted.
 */
export const JSON_PAYLOAD_COLUMNS: [string, string][] = [
  ["Job", "payload"],
  ["AnalyticsSnapshot", "payload"], // cached views: one naming the customer is dropped and recomputed
];

/**
 * Tables holding every customer's data without naming them (the cohort base: anonymous indexes), so a
 * redacted customer cannot be picked out: a customer redaction deletes the shop's rows.
 */
export const SHOP_WIDE_DERIVED_TABLES: string[] = ["CohortBase"];

const SHOP_OWN_TABLES = new Set(["Session", "Shop"]);

/** Removes every row the app holds for a shop, its sessions included. Returns rows deleted per table. */
export async function deleteShopData(db: Db, shop: string): Promise<Record<string, number>> {
  return db.$transaction(async (tx) => {
    const counts: Record<string, number> = {};
    for (const model of Object.values(Prisma.ModelName)) {
      if (SHOP_OWN_TABLES.has(model)) continue;
      counts[model] = await tx.$executeRaw(Prisma.sql`DELETE FROM ${Prisma.raw(`"${model}"`)} WHERE "shopId" = ${shop}`);
    }
    counts.Session = (await tx.session.deleteMany({ where: { shop } })).count;
    counts.Shop = (await tx.shop.deleteMany({ where: { id: shop } })).count;
    return counts;
  });
}

/**
 * Removes a customer and the orders Shopify asks to redact (plus every order keyed to the customer),
 * with everything derived from them. Store totals lose those orders: the data is gone, not anonymised.
 */
export async function redactCustomer(
  db: Db,
  shop: string,
  customerId: string,
  orderIds: string[],
): Promise<Record<string, number>> {
  return db.$transaction(async (tx) => {
    const owned = await tx.order.findMany({ where: { shopId: shop, customerId }, select: { id: true } });
    const ids = [...new Set([...orderIds, ...owned.map((row) => row.id)])];
    const counts: Record<string, number> = {};
    for (const part of chunk(ids, IDS_PER_QUERY)) {
      for (const table of [...ORDER_KEYED_TABLES, "Order"]) {
        const column = table === "Order" ? "id" : "orderId";
        counts[table] = (counts[table] ?? 0) + (await tx.$executeRaw(
          Prisma.sql`DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "shopId" = ${shop} AND ${Prisma.raw(`"${column}"`)} IN (${Prisma.join(part)})`,
        ));
      }
    }
    const columns: [string, string][] = [
      ...[...CUSTOMER_KEYED_TABLES, "ValueEvent"].map((table): [string, string] => [table, "customerId"]),
      ...CUSTOMER_KEYED_COLUMNS,
    ];
    for (const [table, column] of columns) {
      counts[table] = (counts[table] ?? 0) + (await tx.$executeRaw(
        Prisma.sql`DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "shopId" = ${shop} AND ${Prisma.raw(`"${column}"`)} = ${customerId}`,
      ));
    }
    // The stored flagged lists (chunks of rows): the customer's rows taken out, the others kept in order.
    counts.FlaggedChunk = await removeFromFlagLists(tx, shop, customerId);
    // JSON payloads: an id appears quoted ("gid://shopify/Order/1"), so a longer id never matches.
    for (const [table, column] of JSON_PAYLOAD_COLUMNS) {
      for (const part of chunk([customerId, ...ids], 200)) {
        const matches = part.map((id) => Prisma.sql`${Prisma.raw(`"${column}"`)} LIKE ${`%${JSON.stringify(id)}%`}`);
        counts[table] = (counts[table] ?? 0) + (await tx.$executeRaw(
          Prisma.sql`DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "shopId" = ${shop} AND (${Prisma.join(matches, " OR ")})`,
        ));
      }
    }
    // Per-customer rows without ids (the stored cohort base): dropped whole, rebuilt by the next refresh.
    for (const table of SHOP_WIDE_DERIVED_TABLES) {
      counts[table] = (counts[table] ?? 0) + (await tx.$executeRaw(Prisma.sql`DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "shopId" = ${shop}`));
    }
    counts.Customer = (await tx.customer.deleteMany({ where: { shopId: shop, id: customerId } })).count;
    return counts;
  });
}
