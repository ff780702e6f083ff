/**
 * A small store whose customers each earn one flag (at risk needs the predictive model, issue 6, and
 * is absent), plus a second shop. Dates are relative to the real clock because the card is computed
 * "as of now" (the new-customer flag depends on it); the amounts are chosen so the ranks are clear:
 *
 * Costs (USD, UTC): default COGS 40% of list price; variant 99 costs 395.00; fulfilment 2.00 per order;
 * service 5.00 per contact; returns 5.00 per return, no reserve. No payment fees configured.
 *
 * customer 1 whale:      3 x 500.00 (200, 150, 100 days ago)                       -> high value
 * customer 2 discounts:  3 x 50.00, two with 20.00 off                             -> discount-dependent
 * customer 3 returner:   2 x 100.00, the second refunded in full, not restocked    -> high-return
 * customer 4 support:    2 x 60.00, 3 service contacts                             -> service-heavy
 * customer 5 loss:       1 x 20.00 (300 days ago) refunded in full, not restocked  -> negative margin
 * customer 6 costly:     2 x 400.00 of variant 99 (cost 395.00): 2nd on revenue, low on margin
 *                                                                                   -> looks valuable but costly
 * customer 7 newcomer:   1 x 30.00, 10 days ago                                    -> new
 * guest order #1900; customer 8 with only a cancelled order (known, no data).
 * Other shop: customer 9 (and an order #1001 of its own).
 */
import db from "~/db.server";
import { saveComponentVersion } from "~/costs/components.server";
import { replaceServiceContacts } from "~/costs/service.server";
import { saveVariantCosts } from "~/costs/variants.server";
import { recomputeMargins } from "~/margins/recompute.server";
import { ingestBodies } from "../support/ingest";
import { orderBody, type OrderInput } from "../support/orders";

export const SHOP = "flags-shop.myshopify.com";
export const OTHER_SHOP = "other-shop.myshopify.com";
export const customer = (n: number) => `gid://shopify/Customer/${n}`;
export const orderGid = (n: number) => `gid://shopify/Order/${n}`;

const DAY = 86_400_000;
const started = Date.now();
export const daysAgo = (days: number) => new Date(started - days * DAY).toISOString();

type Input = Omit<OrderInput, "processedAt"> & { days: number };
const o = ({ days, ...input }: Input) => orderBody({ ...input, processedAt: daysAgo(days) });

export const BODIES = [
  o({ id: 101, name: "#1001", customerId: 1, days: 200, lines: [{ id: 1, price: "500.00" }] }),
  o({ id: 102, name: "#1002", customerId: 1, days: 150, lines: [{ id: 2, price: "500.00" }] }),
  o({ id: 103, name: "#1003", customerId: 1, days: 100, lines: [{ id: 3, price: "500.00" }] }),
  o({ id: 201, name: "#1101", customerId: 2, days: 190, discountCodes: ["SAVE20"], lines: [{ id: 11, price: "50.00", discount: "20.00" }] }),
  o({ id: 202, name: "#1102", customerId: 2, days: 140, lines: [{ id: 12, price: "50.00" }] }),
  o({ id: 203, name: "#1103", customerId: 2, days: 90, discountCodes: ["SAVE20"], lines: [{ id: 13, price: "50.00", discount: "20.00" }] }),
  o({ id: 301, name: "#1201", customerId: 3, days: 180, lines: [{ id: 21, price: "100.00" }] }),
  o({ id: 302, name: "#1202", customerId: 3, days: 120, lines: [{ id: 22, price: "100.00" }],
    refunds: [{ id: 9302, createdAt: daysAgo(110), lines: [{ id: 8302, lineItemId: 22, quantity: 1, subtotal: "100.00", restockType: "no_restock" }] }] }),
  o({ id: 401, name: "#1301", customerId: 4, days: 170, lines: [{ id: 31, price: "60.00" }] }),
  o({ id: 402, name: "#1302", customerId: 4, days: 80, lines: [{ id: 32, price: "60.00" }] }),
  o({ id: 501, name: "#1401", customerId: 5, days: 300, lines: [{ id: 41, price: "20.00" }],
    refunds: [{ id: 9501, createdAt: daysAgo(290), lines: [{ id: 8501, lineItemId: 41, quantity: 1, subtotal: "20.00", restockType: "no_restock" }] }] }),
  o({ id: 601, name: "#1501", customerId: 6, days: 160, lines: [{ id: 51, variantId: 99, price: "400.00" }] }),
  o({ id: 602, name: "#1502", customerId: 6, days: 60, lines: [{ id: 52, variantId: 99, price: "400.00" }] }),
  o({ id: 701, name: "#1601", customerId: 7, days: 10, lines: [{ id: 61, price: "30.00" }] }),
  o({ id: 801, name: "#1701", customerId: 8, days: 50, cancelledAt: daysAgo(50), lines: [{ id: 71, price: "45.00" }] }),
  o({ id: 900, name: "#1900", customerId: null, days: 40, lines: [{ id: 81, price: "70.00" }] }),
];

export const OTHER_BODIES = [
  orderBody({ id: 9001, name: "#1001", customerId: 9, currency: "EUR", processedAt: daysAgo(30), lines: [{ id: 91, price: "999.00" }] }),
];

export async function seedFlagStore(): Promise<void> {
  await ingestBodies(SHOP, BODIES, { currency: "USD", ianaTimezone: "UTC" });
  const from = new Date("2020-01-01T00:00:00Z");
  await saveVariantCosts(db, SHOP, [{ variantId: "gid://shopify/ProductVariant/99", unitCost: 39_500, validFrom: from, source: "manual" }]);
  await saveComponentVersion(db, SHOP, "USD", "defaultCogs", { percentOfPriceBps: 4000, validFrom: from });
  await saveComponentVersion(db, SHOP, "USD", "fulfilment", { perOrder: 200, perItem: 0, validFrom: from });
  await saveComponentVersion(db, SHOP, "USD", "service", { perContact: 500, validFrom: from });
  await saveComponentVersion(db, SHOP, "USD", "returns", { perReturn: 500, perReturnedItem: 0, windowDays: 30, expectedReturnRateBps: 0, validFrom: from });
  await replaceServiceContacts(db, SHOP, [75, 70, 65].map((days) => ({ customerId: customer(4), orderName: null, contactedAt: new Date(daysAgo(days)) })));
  await recomputeMargins(db, SHOP);

  await ingestBodies(OTHER_SHOP, OTHER_BODIES, { currency: "EUR", ianaTimezone: "Europe/Paris" });
  await recomputeMargins(db, OTHER_SHOP);
}

/** The flag each hand-built customer is built to earn. */
export const EXPECTED_FLAG: Record<number, string> = {
  1: "high_value",
  2: "discount_dependent",
  3: "high_return",
  4: "service_heavy",
  5: "negative_margin",
  6: "valuable_but_costly",
  7: "new",
};
