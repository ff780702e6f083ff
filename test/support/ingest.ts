import db from "~/db.server";
import { normalizeOrder } from "~/domain/ledger/shopify-order";
import { ingestOrders } from "~/ingest/orders.server";
import { upsertShop } from "~/shops/shops.server";

/** Puts order bodies into the ledger through the same ingestion path as webhooks. */
export async function ingestBodies(shop: string, bodies: unknown[], settings: { currency?: string; ianaTimezone?: string } = {}) {
  await upsertShop(db, { id: shop, currency: settings.currency ?? "USD", ianaTimezone: settings.ianaTimezone ?? "UTC" });
  return ingestOrders(db, shop, bodies.map((body) => normalizeOrder(JSON.parse(JSON.stringify(body)))));
}
