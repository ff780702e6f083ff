/**
 * The shop's cost configuration version. Every change to something that enters an order's margin
 * (a variant cost, a cost component version, service contacts, the actual-fees switch) is written in
 * a transaction that also increments the version; OrderMargin rows record the version they were
 * computed with, so "stored margins match the configuration" is `costVersion = version`.
 */
import type { Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";

export type Tx = Prisma.TransactionClient;

export interface CostSettingsRow {
  shopId: string;
  version: number;
  useActualPaymentFees: boolean;
  updatedAt: Date;
  marketingUpdatedAt: Date | null;
}

export async function getCostSettings(db: Db | Tx, shopId: string): Promise<CostSettingsRow> {
  const row = await db.costSettings.findUnique({ where: { shopId } });
  return row ?? { shopId, version: 0, useActualPaymentFees: true, updatedAt: new Date(0), marketingUpdatedAt: null };
}

/** Increments the shop's cost version inside the caller's transaction; returns the new version. */
export async function bumpCostVersion(tx: Tx, shopId: string, data: { useActualPaymentFees?: boolean } = {}): Promise<number> {
  const now = new Date();
  const row = await tx.costSettings.upsert({
    where: { shopId },
    create: { shopId, version: 1, updatedAt: now, ...data },
    update: { version: { increment: 1 }, updatedAt: now, ...data },
  });
  return row.version;
}

/** Whether the configured fees or the processor's real fees (Shopify Payments transactions) are used. */
export async function setUseActualPaymentFees(db: Db, shopId: string, value: boolean): Promise<number> {
  return db.$transaction((tx) => bumpCostVersion(tx, shopId, { useActualPaymentFees: value }));
}
