import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersUpdated } from "~/routes/webhooks.orders.updated";
import { action as ordersCancelled } from "~/routes/webhooks.orders.cancelled";
import { fixtureText } from "../support/fixtures";
import { resetDb, rowCounts } from "../support/db";
import { orderBody } from "../support/orders";
import { callAction, signedWebhook, TEST_SHOP } from "../support/webhooks";

const order = (overrides: Partial<Parameters<typeof orderBody>[0]> = {}) =>
  orderBody({
    id: 1001,
    customerId: 501,
    processedAt: "2026-03-05T10:00:00-05:00",
    updatedAt: "2026-03-05T10:00:00-05:00",
    lines: [
      { id: 11, variantId: 7, price: "40.00", quantity: 2, discount: "8.00", tax: "5.76" },
      { id: 12, variantId: 8, price: "25.50", quantity: 1 },
    ],
    shipping: "6.00",
    tax: "5.76",
    totalPrice: "115.26",
    ...overrides,
  });

const deliver = (topic: string, body: unknown, options: Parameters<typeof signedWebhook>[2] = {}) =>
  callAction(
    topic === "orders/create" ? ordersCreate : topic === "orders/updated" ? ordersUpdated : ordersCancelled,
    signedWebhook(topic, typeof body === "string" ? body : JSON.stringify(body), options),
  );

beforeEach(resetDb);

describe("orders/create and orders/updated webhooks", () => {
  it("stores a valid order with its lines in minor units", async () => {
    const response = await deliver("orders/create", order());
    expect(response.status).toBe(200);
    const stored = await db.order.findUniqueOrThrow({
      where: { shopId_id: { shopId: TEST_SHOP, id: "gid://shopify/Order/1001" } },
    });
    expect(stored.customerId).toBe("gid://shopify/Customer/501");
    expect(stored.grossSales).toBe(10550n); // 2 x 40.00 + 25.50
    expect(stored.discounts).toBe(800n);
    expect(stored.netSales).toBe(9750n);
    expect(stored.shippingCharged).toBe(600n);
    expect(stored.taxes).toBe(576n);
    expect(stored.totalPrice).toBe(11526n);
    expect(stored.processedAt.toISOString()).toBe("2026-03-05T15:00:00.000Z");
    const lines = await db.orderLine.findMany({ where: { shopId: TEST_SHOP }, orderBy: { id: "asc" } });
    expect(lines.map((line) => [line.id, line.quantity, line.netSales])).toEqual([
      ["gid://shopify/LineItem/11", 2, 7200n],
      ["gid://shopify/LineItem/12", 1, 2550n],
    ]);
    const shop = await db.shop.findUniqueOrThrow({ where: { id: TEST_SHOP } });
    expect(shop.currency).toBe("USD");
    expect(shop.lastWebhookAt).not.toBeNull();
  });

  it("stores Shopify's own 2026-07 order example", async () => {
    const response = await deliver("orders/updated", fixtureText("orders-updated.shopify-rest-2026-07.json"));
    expect(response.status).toBe(200);
    const counts = await rowCounts(TEST_SHOP);
    expect(counts).toMatchObject({ Order: 1, OrderLine: 3, Refund: 1, RefundLine: 2, Customer: 1, WebhookReceipt: 1 });
  });

  it("answers 401 to a bad HMAC and writes nothing", async () => {
    const response = await deliver("orders/create", order(), { secret: "not-the-app-secret" });
    expect(response.status).toBe(401);
    expect(await rowCounts()).toMatchObject({ Order: 0, Shop: 0, WebhookReceipt: 0 });
  });

  it("answers 400 when Shopify's headers are missing", async () => {
    const response = await deliver("orders/create", order(), { headers: { "X-Shopify-Topic": undefined } });
    expect(response.status).toBe(400);
    const noShop = await deliver("orders/create", order(), { headers: { "X-Shopify-Shop-Domain": undefined } });
    expect(noShop.status).toBe(400);
    expect((await rowCounts()).Order).toBe(0);
  });

  it("answers 405 to anything but POST", async () => {
    const response = await deliver("orders/create", "", { method: "GET" });
    expect(response.status).toBe(405);
  });

  it("refuses a signed body that is not JSON, writing nothing", async () => {
    const response = await deliver("orders/create", '{"id": 1001, "name": ');
    expect(response.status).toBe(400);
    expect(await rowCounts()).toMatchObject({ Order: 0, Shop: 0, WebhookReceipt: 0 });
  });

  it("refuses a body that fails validation without a partial write", async () => {
    const body = order();
    const badLine = { ...(body.line_items as object[])[1], price_set: { shop_money: { amount: "2O.00", currency_code: "USD" } } };
    const response = await deliver("orders/create", { ...body, line_items: [(body.line_items as object[])[0], badLine] });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/2O\.00/);
    expect(await rowCounts()).toMatchObject({ Order: 0, OrderLine: 0, Customer: 0, WebhookReceipt: 0 });
  });

  it("stores a delivery repeated with the same webhook id once", async () => {
    const webhookId = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043";
    expect((await deliver("orders/create", order(), { webhookId })).status).toBe(200);
    // The retry carries the original payload; even a changed body under the same id is not re-applied.
    const changed = order({ updatedAt: "2026-03-06T10:00:00-05:00", lines: [{ id: 11, price: "1.00" }] });
    expect((await deliver("orders/create", changed, { webhookId })).status).toBe(200);
    const counts = await rowCounts(TEST_SHOP);
    expect(counts).toMatchObject({ Order: 1, OrderLine: 2, WebhookReceipt: 1 });
  });

  it("never lets an older updated_at overwrite a newer snapshot", async () => {
    const newer = order({
      updatedAt: "2026-03-07T09:00:00-05:00",
      lines: [{ id: 11, variantId: 7, price: "40.00", quantity: 1 }],
    });
    const older = order({ updatedAt: "2026-03-05T10:00:00-05:00" });
    expect((await deliver("orders/updated", newer)).status).toBe(200);
    expect((await deliver("orders/updated", older)).status).toBe(200);
    const stored = await db.order.findFirstOrThrow({ where: { shopId: TEST_SHOP } });
    expect(stored.sourceUpdatedAt.toISOString()).toBe("2026-03-07T14:00:00.000Z");
    expect(stored.grossSales).toBe(4000n);
    expect(await db.orderLine.count({ where: { shopId: TEST_SHOP } })).toBe(1);
    const receipts = await db.webhookReceipt.findMany({ where: { shopId: TEST_SHOP }, orderBy: { receivedAt: "asc" } });
    expect(receipts.map((receipt) => receipt.outcome).sort()).toEqual(["applied", "stale"]);
  });

  it("keeps refunds from any snapshot: refunds are append-only", async () => {
    const refunded = order({
      updatedAt: "2026-03-20T10:00:00-04:00",
      refunds: [{ id: 90, createdAt: "2026-03-20T10:00:00-04:00", lines: [{ id: 91, lineItemId: 12, quantity: 1, subtotal: "25.50" }] }],
    });
    // The refunded snapshot arrives first, the original (older, no refunds) second.
    await deliver("orders/updated", refunded);
    await deliver("orders/create", order());
    const refunds = await db.refund.findMany({ where: { shopId: TEST_SHOP } });
    expect(refunds.map((refund) => [refund.id, refund.merchandise])).toEqual([["gid://shopify/Refund/90", 2550n]]);
  });

  it("does not store test orders, and keeps guest orders unattributed", async () => {
    await deliver("orders/create", order({ id: 2001, test: true }));
    await deliver("orders/create", order({ id: 2002, customerId: null }));
    const stored = await db.order.findMany({ where: { shopId: TEST_SHOP } });
    expect(stored.map((row) => [row.id, row.customerId])).toEqual([["gid://shopify/Order/2002", null]]);
    expect(await db.customer.count()).toBe(0);
  });

  it("records a cancellation from orders/cancelled", async () => {
    await deliver("orders/create", order());
    await deliver("orders/cancelled", order({ updatedAt: "2026-03-06T10:00:00-05:00", cancelledAt: "2026-03-06T10:00:00-05:00" }));
    const stored = await db.order.findFirstOrThrow({ where: { shopId: TEST_SHOP } });
    expect(stored.cancelledAt?.toISOString()).toBe("2026-03-06T15:00:00.000Z");
  });

  it("isolates shops: the same order id in two shops is two rows", async () => {
    await deliver("orders/create", order());
    await deliver("orders/create", order(), { shop: "other-shop.myshopify.com" });
    expect(await db.order.count({ where: { shopId: TEST_SHOP } })).toBe(1);
    expect(await db.order.count({ where: { shopId: "other-shop.myshopify.com" } })).toBe(1);
  });
});
