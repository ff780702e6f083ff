/**
 * Effective-dated versions of the cost components other than per-variant COGS: the default COGS %,
 * fulfilment, shipping, payment fees, returns and service cost. Each version is stored as the
 * engine's version object without `validFrom` (JSON) and validated with the engine's own schema
 * (parseCostConfig) on the way in, together with the versions already stored, so a version that the
 * engine would refuse is never saved. Saving a version at a date that already has one replaces it
 * (a correction); a later date starts a new version and earlier orders keep the old one.
 */
import type { Db } from "~/db.server";
import type { CostConfig } from "~/domain/economics/cost-config";
import type { ComponentKey, ComponentVersions } from "./component-keys";
import { CostConfigError, parseCostConfig } from "~/domain/economics/cost-config";
import { bumpCostVersion } from "./settings.server";

export { COMPONENT_KEYS, COMPONENT_LABELS, type ComponentKey, type ComponentVersions } from "./component-keys";

export interface StoredVersion<K extends ComponentKey> {
  version: ComponentVersions[K];
  createdAt: Date;
}

function revive<K extends ComponentKey>(value: string, validFrom: Date): ComponentVersions[K] {
  return { ...(JSON.parse(value) as object), validFrom } as ComponentVersions[K];
}

/** Every version of a component, oldest first. */
export async function componentVersions<K extends ComponentKey>(db: Db, shopId: string, component: K): Promise<StoredVersion<K>[]> {
  const rows = await db.costComponentVersion.findMany({ where: { shopId, component }, orderBy: { validFrom: "asc" } });
  return rows.map((row) => ({ version: revive<K>(row.value, row.validFrom), createdAt: row.createdAt }));
}

/** Every component's versions, oldest first, in the engine's shape. */
export async function allComponentVersions(db: Db, shopId: string): Promise<{ [K in ComponentKey]: ComponentVersions[K][] }> {
  const rows = await db.costComponentVersion.findMany({ where: { shopId }, orderBy: [{ component: "asc" }, { validFrom: "asc" }] });
  const out = { defaultCogs: [], fulfilment: [], shipping: [], paymentFees: [], returns: [], service: [] } as {
    [K in ComponentKey]: ComponentVersions[K][];
  };
  for (const row of rows) {
    const key = row.component as ComponentKey;
    if (!(key in out)) continue;
    (out[key] as unknown[]).push(revive(row.value, row.validFrom));
  }
  return out;
}

/**
 * Validates and saves a version of a component (replacing the one at the same validFrom), bumping
 * the cost version in the same transaction. Throws CostConfigError (paths relative to the version,
 * e.g. "perOrder") when the engine would refuse it; nothing is written then.
 */
export async function saveComponentVersion<K extends ComponentKey>(db: Db, shopId: string, currency: string, component: K,
  version: ComponentVersions[K]): Promise<number> {
  const existing = (await componentVersions(db, shopId, component))
    .map((stored) => stored.version)
    .filter((stored) => stored.validFrom.getTime() !== version.validFrom.getTime());
  const series = [...existing, version];
  const index = series.length - 1;
  let parsed: CostConfig;
  try {
    parsed = parseCostConfig({ currency, [component]: series });
  } catch (error) {
    if (error instanceof CostConfigError) {
      const prefix = `${component}.${index}.`;
      const own = error.issues.filter((issue) => issue.path.startsWith(prefix) || issue.path === `${component}.${index}`);
      throw new CostConfigError((own.length ? own : error.issues).map((issue) => ({
        path: issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path,
        message: issue.message,
      })));
    }
    throw error;
  }
  const { validFrom, ...value } = parsed[component][index] as ComponentVersions[K];
  return db.$transaction(async (tx) => {
    const data = { value: JSON.stringify(value), createdAt: new Date() };
    await tx.costComponentVersion.upsert({
      where: { shopId_component_validFrom: { shopId, component, validFrom } },
      create: { shopId, component, validFrom, ...data },
      update: data,
    });
    return bumpCostVersion(tx, shopId);
  });
}

/** Removes one version (the previous one, if any, then stays in force); returns the new cost version, or null if none matched. */
export async function deleteComponentVersion(db: Db, shopId: string, component: ComponentKey, validFrom: Date): Promise<number | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.costComponentVersion.deleteMany({ where: { shopId, component, validFrom } });
    return count ? bumpCostVersion(tx, shopId) : null;
  });
}
