/**
 * Marketing spend per calendar month (YYYY-MM in the shop's time zone) and channel: the CAC input of
 * the LTV:CAC page. It enters no order's margin, so a change records `marketingUpdatedAt` instead of
 * bumping the cost version (no margin recompute is needed).
 */
import type { Db } from "~/db.server";
import { insertRows } from "~/lib/chunks";

export interface MarketingSpendInput {
  month: string; // YYYY-MM
  channel: string;
  amount: number; // minor units
}

export interface MarketingSpendRow extends MarketingSpendInput {
  source: string;
  updatedAt: Date;
}

/** Sets the spend of each (month, channel) given, replacing what was stored for that pair. */
export async function saveMarketingSpend(db: Db, shopId: string, rows: MarketingSpendInput[], source: "csv" | "manual"): Promise<void> {
  const now = new Date();
  const byKey = new Map(rows.map((row) => [`${row.month}|${row.channel}`, row]));
  await db.$transaction(async (tx) => {
    for (const row of byKey.values()) {
      await tx.marketingSpend.deleteMany({ where: { shopId, month: row.month, channel: row.channel } });
    }
    await insertRows(tx, "MarketingSpend", [...byKey.values()].map((row) => ({
      shopId, month: row.month, channel: row.channel, amount: BigInt(row.amount), source, updatedAt: now,
    })));
    await tx.costSettings.upsert({
      where: { shopId },
      create: { shopId, version: 0, updatedAt: now, marketingUpdatedAt: now },
      update: { marketingUpdatedAt: now },
    });
  }, { timeout: 60_000 });
}

export async function deleteMarketingSpend(db: Db, shopId: string, month: string, channel: string): Promise<boolean> {
  const { count } = await db.marketingSpend.deleteMany({ where: { shopId, month, channel } });
  return count > 0;
}

export async function listMarketingSpend(db: Db, shopId: string): Promise<MarketingSpendRow[]> {
  const rows = await db.marketingSpend.findMany({ where: { shopId }, orderBy: [{ month: "asc" }, { channel: "asc" }] });
  return rows.map((row) => ({ month: row.month, channel: row.channel, amount: Number(row.amount), source: row.source, updatedAt: row.updatedAt }));
}
