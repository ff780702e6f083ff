/**
 * The figures of the Sync page: how complete and fresh a shop's ledger is. Every query is scoped to
 * the shop.
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { queueStats } from "~/queue/queue.server";

export interface BackfillView {
  id: string;
  status: string;
  step: string;
  /** 0..100, for the progress bar. */
  progress: number;
  ordersSeen: number;
  ordersApplied: number;
  ordersSkipped: number;
  badRecords: number;
  objectCount: number;
  bytesDone: number;
  fileSize: number | null;
  refundOrders: number;
  refundOrdersDone: number;
  refundsApplied: number;
  lastError: string | null;
  failedAt: string | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface SyncStatus {
  backfill: BackfillView | null;
  lastWebhookAt: string | null;
  lastReconciliation: {
    startedAt: string;
    finishedAt: string | null;
    status: string;
    checked: number;
    missing: number;
    stale: number;
    repaired: number;
    error: string | null;
  } | null;
  ordersStored: number;
  ordersWithRefunds: number;
  /** Orders whose COGS is (partly) estimated because a variant has no known cost; null without margins. */
  ordersMissingCosts: number | null;
  driftRepaired: number;
  recentDrift: { orderId: string; kind: string; repairedAt: string }[];
  queue: { queued: number; running: number; failed: number } | null;
}

/** Overall progress: the bulk operation 0-10 %, the download 10-90 %, the refund pass 90-100 %. */
export function backfillProgress(row: {
  status: string; step: string; objectCount: number; bytesDone: bigint; fileSize: bigint | null; refundOrders: number; refundOrdersDone: number;
}): number {
  if (row.step === "done") return 100;
  if (row.step === "bulk") return row.objectCount > 0 ? 5 : 0;
  if (row.step === "download") {
    const size = Number(row.fileSize ?? 0n);
    return size > 0 ? 10 + Math.min(80, (80 * Number(row.bytesDone)) / size) : 10;
  }
  return row.refundOrders > 0 ? 90 + Math.min(10, (10 * row.refundOrdersDone) / row.refundOrders) : 90;
}

export async function syncStatus(db: Db, shopId: string): Promise<SyncStatus> {
  const [backfill, shop, reconciliation, state, ordersStored, refunded, drift] = await Promise.all([
    db.syncBackfill.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } }),
    db.shop.findUnique({ where: { id: shopId }, select: { lastWebhookAt: true } }),
    db.syncReconciliation.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } }),
    db.syncState.findUnique({ where: { shopId } }),
    db.order.count({ where: { shopId } }),
    db.$queryRaw<{ n: number | bigint }[]>(Prisma.sql`SELECT COUNT(DISTINCT "orderId") AS "n" FROM "Refund" WHERE "shopId" = ${shopId}`),
    db.syncDrift.findMany({ where: { shopId }, orderBy: { repairedAt: "desc" }, take: 10 }),
  ]);
  let ordersMissingCosts: number | null = null;
  try {
    ordersMissingCosts = await db.orderMargin.count({ where: { shopId, cogsEstimated: { gt: 0n } } });
  } catch {
    ordersMissingCosts = null;
  }
  let queue: SyncStatus["queue"] = null;
  try {
    const stats = await queueStats(db, shopId);
    queue = { queued: stats.queued, running: stats.running, failed: stats.failed };
  } catch {
    queue = null;
  }
  return {
    backfill: backfill && {
      id: backfill.id,
      status: backfill.status,
      step: backfill.step,
      progress: Math.round(backfillProgress(backfill)),
      ordersSeen: backfill.ordersSeen,
      ordersApplied: backfill.ordersApplied,
      ordersSkipped: backfill.ordersSkipped,
      badRecords: backfill.badRecords,
      objectCount: backfill.objectCount,
      bytesDone: Number(backfill.bytesDone),
      fileSize: backfill.fileSize === null ? null : Number(backfill.fileSize),
      refundOrders: backfill.refundOrders,
      refundOrdersDone: backfill.refundOrdersDone,
      refundsApplied: backfill.refundsApplied,
      lastError: backfill.lastError,
      failedAt: backfill.failedAt?.toISOString() ?? null,
      startedAt: backfill.startedAt.toISOString(),
      updatedAt: backfill.updatedAt.toISOString(),
      finishedAt: backfill.finishedAt?.toISOString() ?? null,
    },
    lastWebhookAt: shop?.lastWebhookAt?.toISOString() ?? null,
    lastReconciliation: reconciliation && {
      startedAt: reconciliation.startedAt.toISOString(),
      finishedAt: reconciliation.finishedAt?.toISOString() ?? null,
      status: reconciliation.status,
      checked: reconciliation.checked,
      missing: reconciliation.missing,
      stale: reconciliation.stale,
      repaired: reconciliation.repaired,
      error: reconciliation.error,
    },
    ordersStored,
    ordersWithRefunds: Number(refunded[0]?.n ?? 0),
    ordersMissingCosts,
    driftRepaired: state?.driftRepaired ?? 0,
    recentDrift: drift.map((row) => ({ orderId: row.orderId, kind: row.kind, repairedAt: row.repairedAt.toISOString() })),
    queue,
  };
}
