/**
 * Unit cost history of inventory items (inventory_items/update; the backfill writes through here too).
 * One row per (item, changedAt): a repeat is a no-op, and two different costs reported for the same
 * instant resolve by a commutative rule (a known cost beats a cleared one, the larger cost wins), so
 * deliveries in any order give the same history. The cost in effect at time T is the row with the latest changedAt <= T.
 */
import type { Prisma } from "~/generated/prisma/client";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";

type Tx = Prisma.TransactionClient;

export interface InventoryCostRow {
  inventoryItemId: string;
  /** The variant of the item when known (backfill); a webhook row inherits it from the item's history. */
  variantId: string | null;
  /** Minor units of the shop currency; null when the cost was cleared. */
  unitCost: number | null;
  changedAt: Date;
  source: "webhook" | "backfill";
}

export async function recordInventoryCosts(tx: Tx, shopId: string, rows: InventoryCostRow[]): Promise<number> {
  if (!rows.length) return 0;
  const unknownVariant = [...new Set(rows.filter((row) => !row.variantId).map((row) => row.inventoryItemId))];
  const variantOf = new Map<string, string>();
  for (const ids of chunk(unknownVariant, IDS_PER_QUERY)) {
    const known = await tx.inventoryCostHistory.findMany({
      where: { shopId, inventoryItemId: { in: ids }, variantId: { not: null } },
      select: { inventoryItemId: true, variantId: true },
      distinct: ["inventoryItemId"],
    });
    for (const row of known) variantOf.set(row.inventoryItemId, row.variantId!);
  }
  let inserted = 0;
  for (const row of rows) {
    const variantId = row.variantId ?? variantOf.get(row.inventoryItemId) ?? null;
    inserted += await tx.$executeRaw`
      INSERT INTO "InventoryCostHistory" ("shopId", "inventoryItemId", "variantId", "unitCost", "changedAt", "source", "recordedAt")
      VALUES (${shopId}, ${row.inventoryItemId}, ${variantId}, ${row.unitCost === null ? null : BigInt(row.unitCost)}, ${row.changedAt},
              ${row.source}, ${new Date()})
      ON CONFLICT ("shopId", "inventoryItemId", "changedAt") DO UPDATE SET
        "unitCost" = excluded."unitCost", "source" = excluded."source"
      WHERE "InventoryCostHistory"."unitCost" IS NULL AND excluded."unitCost" IS NOT NULL
         OR excluded."unitCost" > "InventoryCostHistory"."unitCost"`;
    if (row.variantId) {
      // The variant became known: rows recorded without it (from webhooks) get it too.
      await tx.inventoryCostHistory.updateMany({
        where: { shopId, inventoryItemId: row.inventoryItemId, variantId: null },
        data: { variantId: row.variantId },
      });
    }
  }
  return inserted;
}
