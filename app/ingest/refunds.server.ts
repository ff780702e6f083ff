/**
 * refunds/create. A refund's amounts depend on its order's taxes_included (refund subtotals follow the
 * line price, tax-inclusive in tax-inclusive stores), which the refund body does not carry.
 *
 * Rule (documented in the README's delivery semantics):
 * - order stored: the refund is derived with the stored order's taxes_included and appended;
 * - order not stored yet: the refund is kept anyway (revenue lost is not lost from the ledger) with a
 *   provisional reading that assumes taxes are excluded (a fixed assumption, not "the shop's usual
 *   setting", so the provisional row does not depend on what else happened to arrive first), and its
 *   exact body is kept in PendingRefund. When any snapshot of the order arrives (webhook, re-read,
 *   backfill) the refund is re-derived from that body with the order's own setting and the pending row
 *   removed, in the same transaction as the order (see applyOrders). The result is exactly what in-order
 *   delivery gives. A "refunds.resolve-pending" job re-checks later, covering an order that committed
 *   concurrently with the refund on a database that does not serialise writers;
 * - order deleted or a test order (tombstone): the refund is ignored;
 * - refund already stored (embedded in an order snapshot, or a repeat): nothing changes (append-only).
 */
import type { Prisma } from "~/generated/prisma/client";
import type { LedgerRefund } from "~/domain/ledger/types";
import { enqueue } from "~/queue/queue.server";
import { portableLedgerSql } from "./ledger-sql.server";
import { requestMarginRecompute } from "./margin-hook.server";
import { resolvePendingRefunds, writeRefunds } from "./orders.server";

type Tx = Prisma.TransactionClient;

export const RESOLVE_PENDING_REFUNDS_JOB = "refunds.resolve-pending";
const RESOLVE_AFTER_MS = 5 * 60_000;

export interface RefundInput {
  /** Derives the refund for a given taxes_included (the body was validated by the caller). */
  derive(taxesIncluded: boolean): LedgerRefund;
  /** The exact JSON text of the refund body, kept while the order is unknown. */
  bodyText: string;
}

export type RefundOutcome = "applied" | "pending" | "known" | "deleted";

export async function applyRefund(tx: Tx, shopId: string, input: RefundInput): Promise<{ outcome: RefundOutcome; refund: string; order: string }> {
  const probe = input.derive(false);
  const result = { refund: probe.id, order: probe.orderId };
  if (await tx.orderTombstone.findUnique({ where: { shopId_orderId: { shopId, orderId: probe.orderId } }, select: { orderId: true } })) {
    return { outcome: "deleted", ...result };
  }
  if (await tx.refund.findUnique({ where: { shopId_id: { shopId, id: probe.id } }, select: { id: true } })) {
    return { outcome: "known", ...result };
  }
  const order = await tx.order.findUnique({ where: { shopId_id: { shopId, id: probe.orderId } }, select: { taxesIncluded: true } });
  if (order) {
    await writeRefunds(portableLedgerSql(tx), shopId, [input.derive(order.taxesIncluded)]);
    await requestMarginRecompute(tx, shopId, [probe.orderId]);
    return { outcome: "applied", ...result };
  }
  await writeRefunds(portableLedgerSql(tx), shopId, [input.derive(false)]);
  await tx.$executeRaw`
    INSERT INTO "PendingRefund" ("shopId", "refundId", "orderId", "body", "receivedAt")
    VALUES (${shopId}, ${probe.id}, ${probe.orderId}, ${input.bodyText}, ${new Date()})
    ON CONFLICT ("shopId", "refundId") DO NOTHING`;
  await enqueue(tx, {
    shopId,
    kind: RESOLVE_PENDING_REFUNDS_JOB,
    payload: { orderId: probe.orderId },
    dedupeKey: `resolve-pending:${probe.id}`,
    runAt: new Date(Date.now() + RESOLVE_AFTER_MS),
  });
  return { outcome: "pending", ...result };
}

/** The job: re-derives pending refunds of an order that is stored by now (no-op otherwise). */
export async function resolvePendingForOrder(tx: Tx, shopId: string, orderId: string): Promise<number> {
  const order = await tx.order.findUnique({ where: { shopId_id: { shopId, id: orderId } }, select: { id: true, taxesIncluded: true, currency: true } });
  if (!order) return 0;
  const sql = portableLedgerSql(tx);
  const refunds = await resolvePendingRefunds(sql, shopId, [order]);
  await writeRefunds(sql, shopId, refunds);
  await requestMarginRecompute(tx, shopId, refunds.length ? [orderId] : []);
  return refunds.length;
}
