/**
 * A small store whose every margin is computed by hand in the tests (USD, UTC, asOf 2026-06-01, so no
 * returns reserve is held):
 *
 * #1001 2026-01-10 customer 1: 2 x variant 11 at 40.00, shipping 5.00, total 85.00
 * #1002 2026-03-10 customer 1: 1 x variant 11 at 40.00, total 40.00
 * #1003 2026-03-12 customer 2: 1 x variant 12 at 100.00, cancelled the same day
 * #1004 2026-02-01 guest:      2 x variant 11 at 40.00, total 80.00; refund 2026-02-10 of 1 unit (40.00, restocked)
 *
 * Costs: variant 11 costs 10.00 from 2026-01-01 (12.00 from 2026-03-01 where a test adds it); default
 * COGS 50%; fulfilment 2.00 per order + 0.50 per item; shipping 6.00 flat; Shopify Payments 2.9% + 0.30;
 * returns 5.00 per return + 1.00 per item, 30-day window, 10% expected.
 */
import db from "~/db.server";
import { saveComponentVersion } from "~/costs/components.server";
import { saveVariantCosts } from "~/costs/variants.server";
import { ingestBodies } from "../support/ingest";
import { orderBody } from "../support/orders";

export const SHOP = "costs-shop.myshopify.com";
export const V11 = "gid://shopify/ProductVariant/11";
export const V12 = "gid://shopify/ProductVariant/12";
export const AS_OF = new Date("2026-06-01T00:00:00Z");
export const order = (n: number) => `gid://shopify/Order/${n}`;

export const BODIES = [
  orderBody({ id: 101, name: "#1001", customerId: 1, processedAt: "2026-01-10T12:00:00Z", shipping: "5.00", totalPrice: "85.00",
    lines: [{ id: 1001, variantId: 11, price: "40.00", quantity: 2 }] }),
  orderBody({ id: 102, name: "#1002", customerId: 1, processedAt: "2026-03-10T12:00:00Z", totalPrice: "40.00",
    lines: [{ id: 1002, variantId: 11, price: "40.00", quantity: 1 }] }),
  orderBody({ id: 103, name: "#1003", customerId: 2, processedAt: "2026-03-12T12:00:00Z", cancelledAt: "2026-03-12T15:00:00Z", totalPrice: "100.00",
    lines: [{ id: 1003, variantId: 12, price: "100.00", quantity: 1 }] }),
  orderBody({ id: 104, name: "#1004", customerId: null, processedAt: "2026-02-01T12:00:00Z", totalPrice: "80.00",
    lines: [{ id: 1004, variantId: 11, price: "40.00", quantity: 2 }],
    refunds: [{ id: 9001, createdAt: "2026-02-10T12:00:00Z", lines: [{ id: 8001, lineItemId: 1004, quantity: 1, subtotal: "40.00", restockType: "return" }] }] }),
];

export async function seedStore(shop = SHOP): Promise<void> {
  await ingestBodies(shop, BODIES, { currency: "USD", ianaTimezone: "UTC" });
}

export async function seedCosts(shop = SHOP): Promise<void> {
  const from = new Date("2025-01-01T00:00:00Z");
  await saveVariantCosts(db, shop, [{ variantId: V11, unitCost: 1000, validFrom: new Date("2026-01-01T00:00:00Z"), source: "manual" }]);
  await saveComponentVersion(db, shop, "USD", "defaultCogs", { percentOfPriceBps: 5000, validFrom: from });
  await saveComponentVersion(db, shop, "USD", "fulfilment", { perOrder: 200, perItem: 50, validFrom: from });
  await saveComponentVersion(db, shop, "USD", "shipping", { method: "flat_per_order", perOrder: 600, validFrom: from });
  await saveComponentVersion(db, shop, "USD", "paymentFees", {
    gateways: [{ gateway: "shopify_payments", percentBps: 290, fixedPerOrder: 30 }], fallback: { percentBps: 300, fixedPerOrder: 30 }, validFrom: from,
  });
  await saveComponentVersion(db, shop, "USD", "returns", { perReturn: 500, perReturnedItem: 100, windowDays: 30, expectedReturnRateBps: 1000, validFrom: from });
  await saveComponentVersion(db, shop, "USD", "service", { perContact: 400, validFrom: from });
}
