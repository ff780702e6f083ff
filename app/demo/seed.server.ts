/**
 * Fills the demo shop from generated order bodies through the webhook path's own steps: the body is
 * serialized and parsed exactly as a delivery would be, validated by normalizeOrder, and written by
 * ingestOrders — never inserted into tables directly.
 */
import { DEMO_SHOP_DOMAIN } from "~/auth/demo-mode.server";
import type { Db } from "~/db.server";
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeOrder } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { ingestOrders } from "~/ingest/orders.server";
import { deleteShopData } from "~/privacy/erase.server";
import { upsertShop } from "~/shops/shops.server";

export interface SeedResult {
  orders: number;
  skippedTest: number;
  ms: number;
}

export async function seedDemoStore(
  db: Db,
  bodies: Iterable<unknown>,
  options: { currency?: string; ianaTimezone?: string; batchSize?: number; onProgress?: (orders: number) => void } = {},
): Promise<SeedResult> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 1000;
  await deleteShopData(db, DEMO_SHOP_DOMAIN);
  await upsertShop(db, {
    id: DEMO_SHOP_DOMAIN,
    currency: options.currency ?? "USD",
    ianaTimezone: options.ianaTimezone ?? "America/New_York",
    isDemo: true,
  });
  let orders = 0;
  let skippedTest = 0;
  let batch: LedgerOrder[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const counts = await ingestOrders(db, DEMO_SHOP_DOMAIN, batch);
    orders += counts.applied;
    skippedTest += counts.skippedTest;
    batch = [];
    options.onProgress?.(orders);
  };
  for (const body of bodies) {
    batch.push(normalizeOrder(parseJsonExact(JSON.stringify(body))));
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { orders, skippedTest, ms: performance.now() - started };
}
