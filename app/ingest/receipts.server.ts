/**
 * Webhook receipts for every topic: the change a webhook makes and its receipt row commit in one
 * transaction, and the receipt's primary key (shopId, webhookId) turns a repeated or concurrent
 * delivery into a no-op (a unique violation rolls the whole transaction back). This holds across
 * processes and databases, with no in-process lock.
 */
import { transactionLock, type Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { isSqliteUniqueViolation } from "./ledger-sql.server";

export interface Receipt {
  webhookId: string;
  topic: string;
}

/**
 * A unique-constraint violation, from a Prisma model query (P2002), a raw statement (P2010) or the
 * ledger's SQLite writer (the driver's own error).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (isSqliteUniqueViolation(error)) return true;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  const cause = (error.meta as { driverAdapterError?: { cause?: { kind?: string } } } | undefined)?.driverAdapterError?.cause;
  return error.code === "P2010" && cause?.kind === "UniqueConstraintViolation";
}

/**
 * The lock every ledger write of one shop takes first. On PostgreSQL, two instances applying deliveries
 * of the same order at once would both read "not there yet" and race on the insert (or a delete on one
 * and a create on another would interleave); the advisory lock makes them take turns, per shop. SQLite
 * already serialises writers (BEGIN IMMEDIATE), so there it is a no-op.
 */
export function ledgerLockKey(shopId: string): string {
  return `ledger:${shopId}`;
}

/**
 * Runs `apply` and writes the receipt in the same transaction. `apply` returns the outcome recorded on
 * the receipt and any figures for the log line. A repeated webhook id returns `{ outcome: "duplicate" }`
 * with nothing written.
 */
export async function withReceipt<T extends Record<string, unknown>>(
  db: Db,
  shopId: string,
  receipt: Receipt,
  apply: (tx: Prisma.TransactionClient) => Promise<{ outcome: string } & T>,
): Promise<({ outcome: string } & T) | { outcome: "duplicate" }> {
  try {
    return await db.$transaction(
      async (tx) => {
        await transactionLock(tx, ledgerLockKey(shopId));
        const result = await apply(tx);
        await tx.webhookReceipt.create({ data: { shopId, webhookId: receipt.webhookId, topic: receipt.topic, outcome: result.outcome } });
        return result;
      },
      { timeout: 60_000 },
    );
  } catch (error) {
    if (await isDuplicateDelivery(db, shopId, receipt.webhookId, error)) return { outcome: "duplicate" };
    throw error;
  }
}

/**
 * Whether a failed transaction failed because this webhook id was already applied. A unique violation
 * from another table (two deliveries racing on the same refund, say) is not a duplicate: it is rethrown,
 * Shopify retries, and the retry applies cleanly.
 */
export async function isDuplicateDelivery(db: Db, shopId: string, webhookId: string, error: unknown): Promise<boolean> {
  if (!isUniqueViolation(error)) return false;
  const row = await db.webhookReceipt.findUnique({ where: { shopId_webhookId: { shopId, webhookId } }, select: { webhookId: true } });
  return row !== null;
}
