/**
 * COGS per variant: effective-dated unit costs and the variant list the COGS page pages through.
 *
 * A variant's cost is a list of versions (validFrom, unitCost); the version in force at an order's
 * processedAt is the one the order is costed with, so a new cost never rewrites old orders. The
 * variant list (CostVariant) holds every variant seen on an order line or read from Shopify, with its
 * revenue and units as of the last full margin recompute, so the page can sort and page 10,000+
 * variants in SQL.
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { isGid } from "~/domain/ledger/gid";
import { chunk, insertRows } from "~/lib/chunks";
import { bumpCostVersion, type Tx } from "./settings.server";

export type CostSource = "manual" | "csv" | "shopify";

export interface VariantCostInput {
  variantId: string;
  unitCost: number;
  validFrom: Date;
  sku?: string | null;
  source: CostSource;
}

export class VariantCostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VariantCostError";
  }
}

function check(input: VariantCostInput): void {
  if (!isGid(input.variantId, "ProductVariant")) throw new VariantCostError(`Not a ProductVariant GID: ${input.variantId}`);
  if (!Number.isSafeInteger(input.unitCost) || input.unitCost < 0) throw new VariantCostError("Cost must be a whole, non-negative number of minor units");
  if (Number.isNaN(input.validFrom.getTime())) throw new VariantCostError("Valid-from is not a date");
}

/**
 * Writes cost versions inside the caller's transaction: a version at an existing (variant, validFrom)
 * replaces it. Variants not yet listed get a CostVariant row. Does not bump the cost version.
 */
export async function writeVariantCosts(tx: Tx, shopId: string, inputs: VariantCostInput[]): Promise<void> {
  if (!inputs.length) return;
  inputs.forEach(check);
  const now = new Date();
  // Last one wins within a batch for the same key.
  const byKey = new Map(inputs.map((input) => [`${input.variantId}@${input.validFrom.getTime()}`, input]));
  const variantIds = [...new Set(inputs.map((input) => input.variantId))];
  const listed = new Map<string, string | null>();
  for (const ids of chunk(variantIds, 900)) {
    for (const row of await tx.costVariant.findMany({ where: { shopId, variantId: { in: ids } }, select: { variantId: true, sku: true } })) listed.set(row.variantId, row.sku);
  }
  // A version without a SKU takes the variant's (the export then names both).
  const rows = [...byKey.values()].map((row) => (row.sku ? row : { ...row, sku: listed.get(row.variantId) ?? null }));
  for (const part of chunk(rows, 300)) {
    const keys = part.map((row) => Prisma.sql`("variantId" = ${row.variantId} AND "validFrom" = ${row.validFrom})`);
    await tx.$executeRaw(Prisma.sql`DELETE FROM "VariantCost" WHERE "shopId" = ${shopId} AND (${Prisma.join(keys, " OR ")})`);
  }
  await insertRows(tx, "VariantCost", rows.map((row) => ({
    shopId, variantId: row.variantId, validFrom: row.validFrom, sku: row.sku ?? null,
    unitCost: BigInt(row.unitCost), source: row.source, createdAt: now,
  })));
  const known = new Set(listed.keys());
  const skuOf = new Map(rows.map((row) => [row.variantId, row.sku ?? null]));
  await insertRows(tx, "CostVariant", variantIds.filter((id) => !known.has(id)).map((variantId) => ({
    shopId, variantId, productId: null, sku: skuOf.get(variantId) ?? null, title: skuOf.get(variantId) ?? variantId,
    price: null, revenue: 0n, units: 0, updatedAt: now,
  })));
}

/** Saves cost versions (inline edit, import) and bumps the cost version once. Returns the new version. */
export async function saveVariantCosts(db: Db, shopId: string, inputs: VariantCostInput[]): Promise<number> {
  inputs.forEach(check);
  return db.$transaction(async (tx) => {
    await writeVariantCosts(tx, shopId, inputs);
    return bumpCostVersion(tx, shopId);
  }, { timeout: 120_000 });
}

/** Removes one cost version of a variant. */
export async function deleteVariantCost(db: Db, shopId: string, variantId: string, validFrom: Date): Promise<number | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.variantCost.deleteMany({ where: { shopId, variantId, validFrom } });
    return count ? bumpCostVersion(tx, shopId) : null;
  });
}

export async function variantCostHistory(db: Db, shopId: string, variantId: string) {
  const rows = await db.variantCost.findMany({ where: { shopId, variantId }, orderBy: { validFrom: "asc" } });
  return rows.map((row) => ({ validFrom: row.validFrom, unitCost: Number(row.unitCost), source: row.source as CostSource, createdAt: row.createdAt }));
}

/**
 * Lists every variant seen on an order line that the variant list does not hold yet (title and SKU
 * from its newest line). Gift cards are not goods: they are left out.
 */
export async function refreshVariantsFromOrders(db: Db | Tx, shopId: string, orderIds?: string[]): Promise<number> {
  const now = new Date();
  const scopes = orderIds ? chunk(orderIds, 900).map((ids) => Prisma.sql`AND l."orderId" IN (${Prisma.join(ids)})`) : [Prisma.empty];
  let inserted = 0;
  for (const scope of scopes) {
    inserted += await db.$executeRaw(Prisma.sql`
      INSERT INTO "CostVariant" ("shopId", "variantId", "productId", "sku", "title", "price", "revenue", "units", "updatedAt")
      SELECT l."shopId", l."variantId", MAX(l."productId"), MAX(l."sku"), MAX(l."title"), NULL, 0, 0, ${now}
      FROM "OrderLine" l
      WHERE l."shopId" = ${shopId} AND l."variantId" IS NOT NULL AND l."giftCard" = ${false} ${scope}
        AND NOT EXISTS (SELECT 1 FROM "CostVariant" v WHERE v."shopId" = l."shopId" AND v."variantId" = l."variantId")
      GROUP BY l."shopId", l."variantId"`);
  }
  return inserted;
}

/** Catalogue facts read from Shopify (title, SKU, price) for variants, inserted or updated. */
export async function upsertCatalogVariants(tx: Tx, shopId: string,
  variants: { variantId: string; productId: string | null; sku: string | null; title: string; price: number | null }[]): Promise<void> {
  const now = new Date();
  for (const part of chunk(variants, 900)) {
    const ids = part.map((variant) => variant.variantId);
    const stats = new Map((await tx.costVariant.findMany({ where: { shopId, variantId: { in: ids } }, select: { variantId: true, revenue: true, units: true } }))
      .map((row) => [row.variantId, row]));
    await tx.costVariant.deleteMany({ where: { shopId, variantId: { in: ids } } });
    await insertRows(tx, "CostVariant", part.map((variant) => ({
      shopId, variantId: variant.variantId, productId: variant.productId, sku: variant.sku, title: variant.title,
      price: variant.price === null ? null : BigInt(variant.price),
      revenue: stats.get(variant.variantId)?.revenue ?? 0n, units: stats.get(variant.variantId)?.units ?? 0, updatedAt: now,
    })));
  }
}

/** Resolves SKUs to variant GIDs through the variant list: each SKU to its variants (more than one is ambiguous). */
export async function variantsBySku(db: Db | Tx, shopId: string, skus: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const part of chunk([...new Set(skus)], 900)) {
    const rows = await db.costVariant.findMany({ where: { shopId, sku: { in: part } }, select: { sku: true, variantId: true } });
    for (const row of rows) {
      if (!row.sku) continue;
      out.set(row.sku, [...(out.get(row.sku) ?? []), row.variantId]);
    }
  }
  return out;
}

export type VariantFilter = "all" | "missing" | "recent";

export interface VariantListQuery {
  search?: string;
  filter?: VariantFilter;
  offset: number;
  limit: number;
  /** "Now": which version is in force, and what "changed recently" counts from (default now). */
  asOf?: Date;
  /** Days counted as "recently" (default 30). */
  recentDays?: number;
}

export interface VariantRow {
  variantId: string;
  sku: string | null;
  title: string;
  price: number | null;
  revenue: number;
  units: number;
  /** The cost in force now; null when none (the default COGS % estimates it). */
  unitCost: number | null;
  validFrom: string | null;
  source: CostSource | null;
  /** A later version already scheduled. */
  nextValidFrom: string | null;
  versions: number;
  lastChangedAt: string | null;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** One page of the variant list with each variant's cost in force, sorted by revenue (highest first). */
export async function listVariants(db: Db, shopId: string, query: VariantListQuery): Promise<{ rows: VariantRow[]; total: number }> {
  const asOf = query.asOf ?? new Date();
  const recentSince = new Date(asOf.getTime() - (query.recentDays ?? 30) * 86_400_000);
  const conditions: Prisma.Sql[] = [Prisma.sql`v."shopId" = ${shopId}`];
  const search = query.search?.trim().toLowerCase();
  if (search) {
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(Prisma.sql`(LOWER(v."title") LIKE ${like} ESCAPE '\\' OR LOWER(COALESCE(v."sku", '')) LIKE ${like} ESCAPE '\\' OR LOWER(v."variantId") LIKE ${like} ESCAPE '\\')`);
  }
  if (query.filter === "missing") {
    conditions.push(Prisma.sql`NOT EXISTS (SELECT 1 FROM "VariantCost" c WHERE c."shopId" = v."shopId" AND c."variantId" = v."variantId" AND c."validFrom" <= ${asOf})`);
  } else if (query.filter === "recent") {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM "VariantCost" c WHERE c."shopId" = v."shopId" AND c."variantId" = v."variantId" AND c."createdAt" >= ${recentSince})`);
  }
  const where = Prisma.join(conditions, " AND ");
  const current = (column: string) => Prisma.raw(`(SELECT c."${column}" FROM "VariantCost" c WHERE c."shopId" = v."shopId" AND c."variantId" = v."variantId" AND c."validFrom" <= `);
  const [rows, totals] = await Promise.all([
    db.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
      SELECT v."variantId", v."sku", v."title", v."price", v."revenue", v."units",
        ${current("unitCost")}${asOf} ORDER BY c."validFrom" DESC LIMIT 1) AS "unitCost",
        ${current("validFrom")}${asOf} ORDER BY c."validFrom" DESC LIMIT 1) AS "validFrom",
        ${current("source")}${asOf} ORDER BY c."validFrom" DESC LIMIT 1) AS "source",
        (SELECT MIN(c."validFrom") FROM "VariantCost" c WHERE c."shopId" = v."shopId" AND c."variantId" = v."variantId" AND c."validFrom" > ${asOf}) AS "nextValidFrom",
        (SELECT COUNT(*) FROM "VariantCost" c WHERE c."shopId" = v."shopId" AND c."variantId" = v."variantId") AS "versions",
        (SELECT MAX(c."createdAt") FROM "VariantCost" c WHERE c."shopId" = v."shopId" AND c."variantId" = v."variantId") AS "lastChangedAt"
      FROM "CostVariant" v
      WHERE ${where}
      ORDER BY v."revenue" DESC, v."variantId" ASC
      LIMIT ${query.limit} OFFSET ${query.offset}`),
    db.$queryRaw<{ total: bigint | number }[]>(Prisma.sql`SELECT COUNT(*) AS "total" FROM "CostVariant" v WHERE ${where}`),
  ]);
  return {
    total: num(totals[0]?.total),
    rows: rows.map((row) => ({
      variantId: String(row.variantId),
      sku: (row.sku as string | null) ?? null,
      title: String(row.title),
      price: row.price === null || row.price === undefined ? null : num(row.price),
      revenue: num(row.revenue),
      units: num(row.units),
      unitCost: row.unitCost === null || row.unitCost === undefined ? null : num(row.unitCost),
      validFrom: iso(row.validFrom),
      source: (row.source as CostSource | null) ?? null,
      nextValidFrom: iso(row.nextValidFrom),
      versions: num(row.versions),
      lastChangedAt: iso(row.lastChangedAt),
    })),
  };
}

/** Every cost version of the shop, for export, ordered by variant and date. */
export async function* allVariantCosts(db: Db, shopId: string, pageSize = 5000) {
  let after: { variantId: string; validFrom: Date } | null = null;
  for (;;) {
    const rows: { variantId: string; validFrom: Date; sku: string | null; unitCost: bigint; source: string }[] = await db.variantCost.findMany({
      where: {
        shopId,
        ...(after ? { OR: [{ variantId: { gt: after.variantId } }, { variantId: after.variantId, validFrom: { gt: after.validFrom } }] } : {}),
      },
      orderBy: [{ variantId: "asc" }, { validFrom: "asc" }],
      take: pageSize,
      select: { variantId: true, validFrom: true, sku: true, unitCost: true, source: true },
    });
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1];
  }
}
