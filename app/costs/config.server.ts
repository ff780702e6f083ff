/**
 * Assembles the engine's CostConfig for a shop from the stored versions, validated with the engine's
 * schema (parseCostConfig): the single place where stored costs become the engine's input.
 */
import type { Db } from "~/db.server";
import type { CostConfig } from "~/domain/economics/cost-config";
import { parseCostConfig } from "~/domain/economics/cost-config";
import { allComponentVersions } from "./components.server";
import { getCostSettings } from "./settings.server";

export interface LoadedCostConfig {
  config: CostConfig;
  /** The cost version the config corresponds to. */
  version: number;
}

/** The shop's cost configuration and its version, read consistently. */
export async function loadCostConfigWithVersion(db: Db, shopId: string): Promise<LoadedCostConfig> {
  for (let attempt = 0; ; attempt++) {
    const before = await getCostSettings(db, shopId);
    const config = await readConfig(db, shopId, before.useActualPaymentFees);
    const after = await getCostSettings(db, shopId);
    // A change committed while reading would mix versions: read again (bounded).
    if (after.version === before.version || attempt >= 4) return { config, version: before.version };
  }
}

/** The engine's cost configuration for a shop (every version of every component). */
export async function loadCostConfig(db: Db, shopId: string): Promise<CostConfig> {
  return (await loadCostConfigWithVersion(db, shopId)).config;
}

async function readConfig(db: Db, shopId: string, useActualPaymentFees: boolean): Promise<CostConfig> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  if (!shop) throw new Error(`Unknown shop ${shopId}`);
  const [variantCosts, components] = await Promise.all([
    db.variantCost.findMany({ where: { shopId }, select: { variantId: true, unitCost: true, validFrom: true } }),
    allComponentVersions(db, shopId),
  ]);
  return parseCostConfig({
    currency: shop.currency,
    variantCosts: variantCosts.map((row) => ({ variantId: row.variantId, unitCost: Number(row.unitCost), validFrom: row.validFrom })),
    ...components,
    useActualPaymentFees,
  });
}
