/**
 * orders/delete: the order no longer exists in Shopify. The order and everything derived from it (the
 * order-keyed tables of the privacy module) are removed, and a tombstone keeps a late create/updated/
 * refund delivery from bringing it back, so any delivery order ends in the same ledger.
 */
import { Prisma } from "~/generated/prisma/client";
import { ORDER_KEYED_TABLES } from "~/privacy/erase.server";
import { pruneCustomers } from "./customers.server";
import { portableLedgerSql, type LedgerSql } from "./ledger-sql.server";
import { requestMarginRecompute } from "./margin-hook.server";

type Tx = Prisma.TransactionClient;

/** Order-keyed tables cleared by orders/delete: every one but the tombstone itself. */
const DELETED_WITH_ORDER = [...new Set([...ORDER_KEYED_TABLES, "PendingRefund"])].filter((table) => table !== "OrderTombstone");

/**
 * Tombstones an order and removes it with everything derived from it. `reason` "test" is used for test
 * orders (never stored): refunds that arrived before the test order's snapshot are removed the same way.
 */
export async function deleteOrder(tx: Tx, shopId: string, orderId: string, deletedAt: Date,
  reason: "deleted" | "test" = "deleted", sql: LedgerSql = portableLedgerSql(tx)): Promise<Record<string, number>> {
  // A deletion wins over "test" whichever came first, so the row does not depend on delivery order.
  if (reason === "deleted") {
    await sql.$executeRaw(Prisma.sql`
      INSERT INTO "OrderTombstone" ("shopId", "orderId", "reason", "deletedAt") VALUES (${shopId}, ${orderId}, 'deleted', ${deletedAt})
      ON CONFLICT ("shopId", "orderId") DO UPDATE SET "reason" = 'deleted'`);
  } else {
    await sql.$executeRaw(Prisma.sql`
      INSERT INTO "OrderTombstone" ("shopId", "orderId", "reason", "deletedAt") VALUES (${shopId}, ${orderId}, 'test', ${deletedAt})
      ON CONFLICT ("shopId", "orderId") DO NOTHING`);
  }
  const order = (await sql.$queryRaw<{ customerId: string | null }[]>(
    Prisma.sql`SELECT "customerId" FROM "Order" WHERE "shopId" = ${shopId} AND "id" = ${orderId}`))[0];
  const counts: Record<string, number> = {};
  for (const table of DELETED_WITH_ORDER) {
    counts[table] = await sql.$executeRaw(
      Prisma.sql`DELETE FROM ${Prisma.raw(`"${table}"`)} WHERE "shopId" = ${shopId} AND "orderId" = ${orderId}`,
    );
  }
  counts.Order = await sql.$executeRaw(Prisma.sql`DELETE FROM "Order" WHERE "shopId" = ${shopId} AND "id" = ${orderId}`);
  if (order?.customerId) counts.Customer = await pruneCustomers(sql, shopId, [order.customerId]);
  // Derived figures of the order are gone with it; a recompute lets aggregates that cache it refresh.
  if (counts.Order) await requestMarginRecompute(tx, shopId, [orderId]);
  return counts;
}
