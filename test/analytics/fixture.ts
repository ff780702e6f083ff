/**
 * A small store whose every cohort cell is computed by hand (shop time zone America/New_York, USD,
 * asOf 2026-09-15 12:00Z, so the last observed month is August 2026). Costs: default COGS 50% of the
 * list price, fulfilment 10.00 per order, nothing else; value events come from the real margin
 * recompute (app/margins).
 *
 * C1 web US   2026-01-10 100.00                        | 2026-06-05 50.00 (month 5: a repeat)
 *   order 1: revenue 100.00, gross margin 50.00, CM 40.00; order 2: 50.00 / 25.00 / 15.00
 * C2 web US   2026-02-01T03:00Z (Jan 31 in New York: January cohort) 80.00 - 8.00 code WELCOME10
 *   revenue 72.00, gross margin 72.00 - 40.00 = 32.00, CM 22.00; refund 2026-03-10 of 36.00 (not
 *   restocked: month 2): -36.00 / -36.00 / -36.00
 * C3 pos CA   2026-02-15 60.00: 60.00 / 30.00 / 20.00; a cancelled order 2026-02-20 (no purchase, zero)
 * C5 web GB   2026-03-05 2 x 100.00 - 100.00 code BIG50: 100.00 / 0.00 / -10.00
 * C4 only a cancelled order: not a customer. A guest order 2026-01-20 30.00: store totals only.
 *
 * January cohort (C1, C2), per customer: month 0-1 revenue 86.00 gm 41.00 cm 31.00; months 2-4
 * 68.00 / 23.00 / 13.00; months 5-7 93.00 / 35.50 / 20.50, retention 50% from month 5; month 8+ blank.
 * February cohort (C3): 60.00 / 30.00 / 20.00 months 0-6. March cohort (C5): 100.00 / 0.00 / -10.00 months 0-5.
 */
import db from "~/db.server";
import { saveComponentVersion } from "~/costs/components.server";
import { recomputeMargins } from "~/margins/recompute.server";
import { insertRows } from "~/lib/chunks";
import { ingestBodies } from "../support/ingest";
import { orderBody } from "../support/orders";

export const SHOP = "analytics-shop.myshopify.com";
export const AS_OF = new Date("2026-09-15T12:00:00Z");
export const customer = (n: number) => `gid://shopify/Customer/${n}`;

export const BODIES = [
  orderBody({ id: 1, name: "#1001", customerId: 1, processedAt: "2026-01-10T15:00:00Z", customerTags: "vip",
    lines: [{ id: 11, productId: 7, title: "Mug", price: "100.00" }] }),
  orderBody({ id: 2, name: "#1002", customerId: 1, processedAt: "2026-06-05T15:00:00Z", customerTags: "vip, wholesale",
    lines: [{ id: 21, productId: 8, title: "Tea", price: "50.00" }] }),
  orderBody({ id: 3, name: "#1003", customerId: 2, processedAt: "2026-02-01T03:00:00Z", discountCodes: ["WELCOME10"],
    lines: [{ id: 31, productId: 8, title: "Tea", price: "80.00", discount: "8.00" }],
    refunds: [{ id: 91, createdAt: "2026-03-10T15:00:00Z", lines: [{ id: 911, lineItemId: 31, quantity: 1, subtotal: "36.00" }] }] }),
  orderBody({ id: 4, name: "#1004", customerId: 3, processedAt: "2026-02-15T15:00:00Z", sourceName: "pos", country: "CA",
    lines: [{ id: 41, productId: 7, title: "Mug", price: "60.00" }] }),
  orderBody({ id: 5, name: "#1005", customerId: 3, processedAt: "2026-02-20T15:00:00Z", cancelledAt: "2026-02-20T18:00:00Z", sourceName: "pos", country: "CA",
    lines: [{ id: 51, productId: 7, title: "Mug", price: "40.00" }] }),
  orderBody({ id: 6, name: "#1006", customerId: 4, processedAt: "2026-03-01T15:00:00Z", cancelledAt: "2026-03-01T18:00:00Z",
    lines: [{ id: 61, price: "70.00" }] }),
  orderBody({ id: 7, name: "#1007", customerId: null, processedAt: "2026-01-20T15:00:00Z", lines: [{ id: 71, price: "30.00" }] }),
  orderBody({ id: 8, name: "#1008", customerId: 5, processedAt: "2026-03-05T15:00:00Z", country: "GB", discountCodes: ["BIG50"],
    lines: [{ id: 81, productId: 9, title: "Lamp", price: "100.00", quantity: 2, discount: "100.00" }] }),
];

export async function seedAnalyticsStore(shop = SHOP, options: { spend?: boolean } = {}): Promise<void> {
  await ingestBodies(shop, BODIES, { currency: "USD", ianaTimezone: "America/New_York" });
  const from = new Date("2025-01-01T00:00:00Z");
  await saveComponentVersion(db, shop, "USD", "defaultCogs", { percentOfPriceBps: 5000, validFrom: from });
  await saveComponentVersion(db, shop, "USD", "fulfilment", { perOrder: 1000, perItem: 0, validFrom: from });
  await recomputeMargins(db, shop, { asOf: AS_OF });
  if (options.spend ?? true) {
    await insertRows(db, "MarketingSpend", [
      { shopId: shop, month: "2026-01", channel: "web", amount: 1000n, source: "manual", updatedAt: AS_OF },
      { shopId: shop, month: "2026-02", channel: "pos", amount: 3000n, source: "manual", updatedAt: AS_OF },
    ]);
  }
}
