/**
 * "Import costs from Shopify": reads every variant's InventoryItem.unitCost through the Admin GraphQL
 * API (paginated productVariants, pacing itself on extensions.cost.throttleStatus) and records it.
 *
 * Shopify keeps only the current cost, so dating is a choice:
 * - a variant with no cost yet gets it from the start of the order history (its first version costs
 *   the past too, instead of leaving the default-% estimate on old orders);
 * - a variant whose cost in force today differs gets a new version from today (midnight, shop time):
 *   older orders keep the cost that was in force when they were placed;
 * - an unchanged cost writes nothing.
 * Variants without a unitCost, or with a cost in another currency than the shop's, are skipped and
 * counted. Titles, SKUs and prices are stored in the variant list either way.
 */
import type { Db } from "~/db.server";
import { parseMoney } from "~/domain/money/money";
import type { ShopSettings } from "~/shops/shops.server";
import { dayInZone, parseDay } from "./input";
import { bumpCostVersion } from "./settings.server";
import { upsertCatalogVariants, writeVariantCosts, type VariantCostInput } from "./variants.server";

export type GraphqlClient = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

export const VARIANT_COSTS_QUERY = `#graphql
  query VariantUnitCosts($first: Int!, $after: String) {
    productVariants(first: $first, after: $after) {
      nodes {
        id
        sku
        title
        price
        product { id title }
        inventoryItem { unitCost { amount currencyCode } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }`;

interface VariantNode {
  id: string;
  sku: string | null;
  title: string | null;
  price: string | null;
  product: { id: string; title: string } | null;
  inventoryItem: { unitCost: { amount: string; currencyCode: string } | null } | null;
}

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphqlBody {
  data?: { productVariants?: { nodes: VariantNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

export interface ShopifyImportResult {
  variants: number;
  created: number;
  changed: number;
  unchanged: number;
  withoutCost: number;
  otherCurrency: number;
  version: number | null;
  /** Time spent waiting for the rate limit, ms. */
  throttledMs: number;
}

export class ShopifyImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShopifyImportError";
  }
}

const PAGE_SIZE = 250;
const MAX_THROTTLE_RETRIES = 8;

/** Milliseconds to wait before a request of `cost` points can run under the bucket's state. */
export function throttleWaitMs(status: ThrottleStatus | undefined, cost: number): number {
  if (!status || status.restoreRate <= 0 || status.currentlyAvailable >= cost) return 0;
  return Math.ceil(((cost - status.currentlyAvailable) / status.restoreRate) * 1000);
}

async function fetchAllVariants(graphql: GraphqlClient, sleep: (ms: number) => Promise<void>): Promise<{ nodes: VariantNode[]; throttledMs: number }> {
  const nodes: VariantNode[] = [];
  let after: string | null = null;
  let throttledMs = 0;
  let lastCost = 0;
  let lastStatus: ThrottleStatus | undefined;
  for (let retries = 0; ;) {
    const wait = throttleWaitMs(lastStatus, lastCost);
    if (wait > 0) {
      throttledMs += wait;
      await sleep(wait);
    }
    let body: GraphqlBody;
    try {
      const response = await graphql(VARIANT_COSTS_QUERY, { variables: { first: PAGE_SIZE, after } });
      body = (await response.json()) as GraphqlBody;
    } catch (error) {
      // The Admin API client throws on GraphQL errors; its body (when it has one) carries them.
      const thrown = (error as { body?: GraphqlBody; response?: { errors?: GraphqlBody["errors"] } });
      body = Array.isArray(thrown.body?.errors) && thrown.body.errors.length ? thrown.body : { errors: [{ message: error instanceof Error ? error.message : String(error),
        extensions: /throttled/i.test(String((error as Error)?.message)) ? { code: "THROTTLED" } : undefined }] };
    }
    lastStatus = body.extensions?.cost?.throttleStatus;
    lastCost = body.extensions?.cost?.requestedQueryCost ?? lastCost;
    if (body.errors?.length) {
      if (body.errors.some((error) => error.extensions?.code === "THROTTLED") && retries < MAX_THROTTLE_RETRIES) {
        retries += 1;
        const pause = Math.max(1000, throttleWaitMs(lastStatus, lastCost || 100));
        throttledMs += pause;
        await sleep(pause);
        continue;
      }
      throw new ShopifyImportError(`Shopify refused the variant query: ${body.errors.map((error) => error.message).join("; ")}`);
    }
    const page = body.data?.productVariants;
    if (!page) throw new ShopifyImportError("Shopify's answer had no productVariants");
    retries = 0;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { nodes, throttledMs };
    after = page.pageInfo.endCursor;
  }
}

export async function importShopifyUnitCosts(db: Db, shop: ShopSettings, graphql: GraphqlClient,
  options: { now?: Date; sleep?: (ms: number) => Promise<void> } = {}): Promise<ShopifyImportResult> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? new Date();
  const { nodes, throttledMs } = await fetchAllVariants(graphql, sleep);
  const result: ShopifyImportResult = { variants: nodes.length, created: 0, changed: 0, unchanged: 0, withoutCost: 0, otherCurrency: 0, version: null, throttledMs };

  const today = parseDay(dayInZone(now, shop.ianaTimezone), shop.ianaTimezone);
  if (!today.ok) throw new ShopifyImportError(today.error);
  const first = await db.order.findFirst({ where: { shopId: shop.id }, orderBy: { processedAt: "asc" }, select: { processedAt: true } });
  const historyStart = first ? parseDay(dayInZone(first.processedAt, shop.ianaTimezone), shop.ianaTimezone) : today;
  if (!historyStart.ok) throw new ShopifyImportError(historyStart.error);

  const existing = await db.variantCost.findMany({ where: { shopId: shop.id }, select: { variantId: true, validFrom: true, unitCost: true } });
  const inForce = new Map<string, { validFrom: Date; unitCost: number }>();
  const hasAny = new Set<string>();
  for (const row of existing) {
    hasAny.add(row.variantId);
    if (row.validFrom.getTime() > now.getTime()) continue;
    const current = inForce.get(row.variantId);
    if (!current || row.validFrom > current.validFrom) inForce.set(row.variantId, { validFrom: row.validFrom, unitCost: Number(row.unitCost) });
  }

  const costs: VariantCostInput[] = [];
  const catalog = nodes.map((node) => {
    let price: number | null = null;
    try {
      price = node.price === null ? null : parseMoney(node.price, shop.currencyDigits);
    } catch {
      price = null;
    }
    const productTitle = node.product?.title ?? "";
    const title = node.title && node.title !== "Default Title" ? `${productTitle} - ${node.title}` : productTitle || node.id;
    return { variantId: node.id, productId: node.product?.id ?? null, sku: node.sku || null, title, price };
  });
  for (const node of nodes) {
    const unitCost = node.inventoryItem?.unitCost;
    if (!unitCost) {
      result.withoutCost += 1;
      continue;
    }
    if (unitCost.currencyCode !== shop.currency) {
      result.otherCurrency += 1;
      continue;
    }
    let amount: number;
    try {
      amount = parseMoney(unitCost.amount, shop.currencyDigits);
    } catch {
      result.otherCurrency += 1;
      continue;
    }
    const current = inForce.get(node.id);
    if (current?.unitCost === amount) {
      result.unchanged += 1;
      continue;
    }
    const validFrom = hasAny.has(node.id) ? today.value : historyStart.value;
    if (hasAny.has(node.id)) result.changed += 1;
    else result.created += 1;
    costs.push({ variantId: node.id, unitCost: amount, validFrom, sku: node.sku || null, source: "shopify" });
  }

  await db.$transaction(async (tx) => {
    await upsertCatalogVariants(tx, shop.id, catalog);
    if (costs.length) {
      await writeVariantCosts(tx, shop.id, costs);
      result.version = await bumpCostVersion(tx, shop.id);
    }
  }, { timeout: 120_000 });
  return result;
}
