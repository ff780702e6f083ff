/**
 * A realistic cost stack for the demo store, written through the same persistence functions as the
 * pages (so it is validated the same way), deterministic for a catalogue:
 * - COGS per variant at 35-55% of its price from the start of the history, with a 6% supplier price
 *   rise on apparel from 2026-01-01 (effective dating shows); every 9th variant has no cost, so the
 *   default 45% estimate path shows;
 * - fulfilment 2.50 per order + 0.75 per item, 2.75 per order from 2026-01-01;
 * - shipping per country (US 6.50 ... AU 14.00, elsewhere 15.00);
 * - Shopify Payments 2.9% + 0.30, PayPal 3.49% + 0.49, cash and manual free, others 2.9% + 0.30;
 * - returns 6.00 per return + 1.00 per item, 30-day window, 8% expected;
 * - service 5.00 per contact, with contacts for a few dozen customers and orders;
 * - marketing spend per month and channel over the history, its channels mapped to the demo's sales
 *   channels (DEMO_CHANNEL_MAPPING) so LTV:CAC has ratios out of the box.
 */
import { saveAnalyticsSettings } from "~/analytics/settings.server";
import type { Db } from "~/db.server";
import type { DemoCatalog } from "~/demo/catalog";
import { saveComponentVersion } from "./components.server";
import { dayInZone, parseDay } from "./input";
import { saveMarketingSpend } from "./marketing.server";
import { replaceServiceContacts, type ServiceContactInput } from "./service.server";
import { saveVariantCosts, upsertCatalogVariants, type VariantCostInput } from "./variants.server";

/** A deterministic fraction in [0, 1) from a string (FNV-1a). */
function unit(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
}

/**
 * Marketing channel -> the demo's sales channel (Settings shows and edits it). Paid search, TikTok and
 * email send shoppers to the Online Store; Meta ads sell through the social sales-channel app ("2329312").
 * The other app, POS and draft orders have no spend: their CAC shows as unknown.
 */
export const DEMO_CHANNEL_MAPPING: Record<string, string> = { Google: "web", TikTok: "web", Email: "web", Meta: "2329312" };

export interface DemoCostsResult {
  variantsCosted: number;
  variantsWithoutCost: number;
  contacts: number;
  marketingRows: number;
}

export async function seedDemoCosts(db: Db, shop: { id: string; currency: string; ianaTimezone: string }, catalog: DemoCatalog): Promise<DemoCostsResult> {
  const first = await db.order.findFirst({ where: { shopId: shop.id }, orderBy: { processedAt: "asc" }, select: { processedAt: true } });
  const last = await db.order.findFirst({ where: { shopId: shop.id }, orderBy: { processedAt: "desc" }, select: { processedAt: true } });
  if (!first || !last) return { variantsCosted: 0, variantsWithoutCost: 0, contacts: 0, marketingRows: 0 };
  const day = (text: string) => {
    const parsed = parseDay(text, shop.ianaTimezone);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  };
  const startMonth = dayInZone(first.processedAt, shop.ianaTimezone).slice(0, 7);
  const start = day(`${startMonth}-01`);
  const rise = day("2026-01-01");

  await db.$transaction((tx) => upsertCatalogVariants(tx, shop.id, catalog.merchandise.flatMap((product) => product.variants.map((variant) => ({
    variantId: variant.admin_graphql_api_id, productId: product.admin_graphql_api_id, sku: variant.sku,
    title: variant.title ? `${product.title} - ${variant.title}` : product.title, price: variant.price,
  })))), { timeout: 60_000 });

  const costs: VariantCostInput[] = [];
  let index = 0;
  let withoutCost = 0;
  for (const product of catalog.merchandise) {
    for (const variant of product.variants) {
      index += 1;
      if (index % 9 === 0) {
        withoutCost += 1;
        continue;
      }
      const share = 0.35 + unit(variant.admin_graphql_api_id) * 0.2;
      const unitCost = Math.max(1, Math.round(variant.price * share));
      costs.push({ variantId: variant.admin_graphql_api_id, sku: variant.sku, unitCost, validFrom: start, source: "csv" });
      if (["tee", "fleece", "outer", "bottoms"].includes(product.category) && rise > start) {
        costs.push({ variantId: variant.admin_graphql_api_id, sku: variant.sku, unitCost: Math.round(unitCost * 1.06), validFrom: rise, source: "manual" });
      }
    }
  }
  await saveVariantCosts(db, shop.id, costs);

  const c = shop.currency;
  await saveComponentVersion(db, shop.id, c, "defaultCogs", { percentOfPriceBps: 4500, validFrom: start });
  await saveComponentVersion(db, shop.id, c, "fulfilment", { perOrder: 250, perItem: 75, validFrom: start });
  if (rise > start) await saveComponentVersion(db, shop.id, c, "fulfilment", { perOrder: 275, perItem: 75, validFrom: rise });
  await saveComponentVersion(db, shop.id, c, "shipping", {
    method: "per_country", byCountry: { US: 650, CA: 1100, GB: 1250, AU: 1400, DE: 1050, FR: 1050, NL: 1000 }, fallback: 1500, validFrom: start,
  });
  await saveComponentVersion(db, shop.id, c, "paymentFees", {
    gateways: [
      { gateway: "shopify_payments", percentBps: 290, fixedPerOrder: 30 },
      { gateway: "paypal", percentBps: 349, fixedPerOrder: 49 },
      { gateway: "cash", percentBps: 0, fixedPerOrder: 0 },
      { gateway: "manual", percentBps: 0, fixedPerOrder: 0 },
    ],
    fallback: { percentBps: 290, fixedPerOrder: 30 }, validFrom: start,
  });
  await saveComponentVersion(db, shop.id, c, "returns", { perReturn: 600, perReturnedItem: 100, windowDays: 30, expectedReturnRateBps: 800, validFrom: start });
  await saveComponentVersion(db, shop.id, c, "service", { perContact: 500, validFrom: start });

  // Service contacts: a few dozen customers and orders, a few days after an order.
  const orders = await db.order.findMany({
    where: { shopId: shop.id, customerId: { not: null }, cancelledAt: null }, orderBy: { id: "asc" }, take: 80,
    select: { name: true, customerId: true, processedAt: true },
  });
  const contacts: ServiceContactInput[] = orders.flatMap((order, i) => {
    const at = new Date(day(dayInZone(order.processedAt, shop.ianaTimezone)).getTime() + (2 + (i % 5)) * 86_400_000);
    const byName = i % 2 === 0;
    return Array.from({ length: 1 + (i % 3) }, () => ({ customerId: byName ? null : order.customerId, orderName: byName ? order.name : null, contactedAt: at }));
  });
  await replaceServiceContacts(db, shop.id, contacts, "csv");

  // Marketing spend: every month of the history, four channels, seasonal.
  const months: string[] = [];
  const lastMonth = dayInZone(last.processedAt, shop.ianaTimezone).slice(0, 7);
  for (let [y, m] = startMonth.split("-").map(Number); `${y}-${String(m).padStart(2, "0")}` <= lastMonth; m === 12 ? (y++, m = 1) : m++) {
    months.push(`${y}-${String(m).padStart(2, "0")}`);
  }
  // Monthly base budgets (minor units) sized to the customers each mapped sales channel brings, so the
  // demo shows a spread of bands: the Online Store near the healthy target, the social app fragile.
  const channels: [string, number][] = [["Google", 700_000], ["TikTok", 300_000], ["Email", 70_000], ["Meta", 65_000]];
  const spend = months.flatMap((month) => channels.map(([channel, base]) => {
    const m = Number(month.slice(5));
    const season = m === 11 || m === 12 ? 1.6 : m >= 6 && m <= 8 ? 0.8 : 1;
    return { month, channel, amount: Math.round(base * season * (0.85 + unit(month + channel) * 0.3)) };
  }));
  await saveMarketingSpend(db, shop.id, spend, "csv");
  await saveAnalyticsSettings(db, shop.id, { channelMapping: DEMO_CHANNEL_MAPPING });
  return { variantsCosted: new Set(costs.map((cost) => cost.variantId)).size, variantsWithoutCost: withoutCost, contacts: contacts.length, marketingRows: spend.length };
}
