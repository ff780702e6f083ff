/**
 * Customer identity in the ledger: merges (customers/merge) and the rule that a Customer row exists
 * exactly while some order names it, so the rows do not depend on the order deliveries arrived in.
 */
import { Prisma } from "~/generated/prisma/client";
import { chunk, IDS_PER_QUERY, insertRows } from "~/lib/chunks";
import { requestMarginRecompute } from "./margin-hook.server";
import { selectByIds, type RawQuerier } from "./sql.server";

type Tx = Prisma.TransactionClient;

/** merged id -> kept id for the given customer ids that were merged away (chains are stored flat). */
export async function customerMapping(tx: RawQuerier, shopId: string, customerIds: string[]): Promise<Map<string, string>> {
  const rows = await selectByIds<{ customerId: string; keptCustomerId: string }>(
    tx, "CustomerMerge", ["customerId", "keptCustomerId"], shopId, "customerId", customerIds);
  return new Map(rows.map((row) => [row.customerId, row.keptCustomerId]));
}

/** Deletes the Customer rows of these ids that no order of the shop names any more. */
export async function pruneCustomers(tx: RawQuerier & { $executeRaw(query: Prisma.Sql): PromiseLike<number> }, shopId: string,
  customerIds: string[]): Promise<number> {
  let removed = 0;
  for (const ids of chunk([...new Set(customerIds)], IDS_PER_QUERY)) {
    const used = new Set(
      (await tx.$queryRaw<{ customerId: string }[]>(
        Prisma.sql`SELECT DISTINCT "customerId" FROM "Order" WHERE "shopId" = ${shopId} AND "customerId" IN (${Prisma.join(ids)})`))
        .map((row) => row.customerId),
    );
    const unused = ids.filter((id) => !used.has(id));
    if (unused.length) {
      removed += await tx.$executeRaw(Prisma.sql`DELETE FROM "Customer" WHERE "shopId" = ${shopId} AND "id" IN (${Prisma.join(unused)})`);
    }
  }
  return removed;
}

export interface MergeResult {
  merged: string;
  kept: string;
  orders: number;
  valueEvents: number;
}

/**
 * `mergedId` was merged into `keptId`: records the merge (flattening chains both ways), re-keys orders,
 * margins and value events, and moves the Customer row. Idempotent; order-independent with respect to
 * order snapshots (which are mapped on write) and to other merges.
 */
export async function applyCustomerMerge(tx: Tx, shopId: string, mergedId: string, keptIdRaw: string, mergedAt: Date): Promise<MergeResult> {
  // If the kept customer was itself merged away already (a later merge delivered first), follow it.
  const keptId = (await customerMapping(tx, shopId, [keptIdRaw])).get(keptIdRaw) ?? keptIdRaw;
  if (keptId === mergedId) return { merged: mergedId, kept: keptId, orders: 0, valueEvents: 0 };
  await tx.$executeRaw`
    INSERT INTO "CustomerMerge" ("shopId", "customerId", "keptCustomerId", "mergedAt")
    VALUES (${shopId}, ${mergedId}, ${keptId}, ${mergedAt})
    ON CONFLICT ("shopId", "customerId") DO NOTHING`;
  // Earlier merges into the merged customer now point at the kept one (A->B, then B->C: A->C).
  await tx.customerMerge.updateMany({ where: { shopId, keptCustomerId: mergedId }, data: { keptCustomerId: keptId } });

  const affected = await tx.order.findMany({ where: { shopId, customerId: mergedId }, select: { id: true } });
  const orders = (await tx.order.updateMany({ where: { shopId, customerId: mergedId }, data: { customerId: keptId } })).count;
  await tx.orderMargin.updateMany({ where: { shopId, customerId: mergedId }, data: { customerId: keptId } });
  const valueEvents = (await tx.valueEvent.updateMany({ where: { shopId, customerId: mergedId }, data: { customerId: keptId } })).count;

  const hadRow = (await tx.customer.deleteMany({ where: { shopId, id: mergedId } })).count > 0;
  if (hadRow || orders > 0) {
    const exists = await tx.customer.findUnique({ where: { shopId_id: { shopId, id: keptId } }, select: { id: true } });
    if (!exists) await insertRows(tx, "Customer", [{ shopId, id: keptId, firstSeen: new Date() }]);
  }
  await pruneCustomers(tx, shopId, [keptId]);
  await requestMarginRecompute(tx, shopId, affected.map((row) => row.id));
  return { merged: mergedId, kept: keptId, orders, valueEvents };
}
