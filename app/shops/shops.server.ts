/**
 * The Shop row: currency and time zone every figure of a shop depends on.
 */
import { currencyDigits } from "~/domain/money/money";
import type { Db } from "~/db.server";

export interface ShopSettings {
  id: string;
  currency: string;
  currencyDigits: number;
  ianaTimezone: string;
  isDemo: boolean;
  lastWebhookAt: Date | null;
  lastOrderAt: Date | null;
}

type GraphqlClient = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;

const SHOP_QUERY = `#graphql
  query ShopSettings { shop { currencyCode ianaTimezone } }`;

/** Reads the shop's currency and time zone through the Admin API and stores them. */
export async function registerShopFromAdmin(db: Db, shop: string, graphql: GraphqlClient): Promise<ShopSettings> {
  const response = await graphql(SHOP_QUERY);
  const body = (await response.json()) as { data?: { shop?: { currencyCode?: string; ianaTimezone?: string } } };
  const currency = body.data?.shop?.currencyCode ?? "USD";
  const ianaTimezone = body.data?.shop?.ianaTimezone ?? "UTC";
  return upsertShop(db, { id: shop, currency, ianaTimezone });
}

export async function upsertShop(
  db: Db,
  input: { id: string; currency: string; ianaTimezone?: string; isDemo?: boolean },
): Promise<ShopSettings> {
  const digits = currencyDigits(input.currency);
  return db.shop.upsert({
    where: { id: input.id },
    create: {
      id: input.id,
      currency: input.currency,
      currencyDigits: digits,
      ianaTimezone: input.ianaTimezone ?? "UTC",
      isDemo: input.isDemo ?? false,
    },
    update: {
      currency: input.currency,
      currencyDigits: digits,
      ...(input.ianaTimezone ? { ianaTimezone: input.ianaTimezone } : {}),
    },
  });
}

/** The shop row, created from the first order's currency when a webhook arrives before install completes. */
export async function ensureShop(db: Db, shop: string, currency: string): Promise<ShopSettings> {
  const existing = await db.shop.findUnique({ where: { id: shop } });
  if (existing) return existing;
  return upsertShop(db, { id: shop, currency });
}

export async function getShop(db: Db, shop: string): Promise<ShopSettings | null> {
  return db.shop.findUnique({ where: { id: shop } });
}
