import { beforeEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { action as appUninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "~/routes/webhooks.app.scopes_update";
import { fixtureText } from "../support/fixtures";
import { resetDb, rowCounts } from "../support/db";
import { orderBody } from "../support/orders";
import { callAction, signedWebhook, TEST_SHOP } from "../support/webhooks";

const OTHER_SHOP = "other-shop.myshopify.com";

async function seedShop(shop: string) {
  const orders = [
    orderBody({
      id: 1, customerId: 501, processedAt: "2026-01-05T10:00:00Z", lines: [{ id: 11, price: "10.00" }],
      refunds: [{ id: 91, createdAt: "2026-01-09T10:00:00Z", lines: [{ id: 911, lineItemId: 11, quantity: 1, subtotal: "10.00" }] }],
    }),
    orderBody({ id: 2, customerId: 501, processedAt: "2026-02-05T10:00:00Z", lines: [{ id: 21, price: "20.00" }] }),
    orderBody({ id: 3, customerId: 502, processedAt: "2026-02-06T10:00:00Z", lines: [{ id: 31, price: "30.00" }] }),
    orderBody({ id: 4, customerId: null, processedAt: "2026-02-07T10:00:00Z", lines: [{ id: 41, price: "40.00" }] }),
  ];
  for (const body of orders) {
    const response = await callAction(ordersCreate, signedWebhook("orders/create", JSON.stringify(body), { shop }));
    expect(response.status).toBe(200);
  }
  await db.session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "token", isOnline: false } });
}

beforeEach(async () => {
  await resetDb();
  await seedShop(TEST_SHOP);
  await seedShop(OTHER_SHOP);
});

const shopBody = (shop: string) => JSON.stringify({ shop_id: 954889, shop_domain: shop });

describe("shop/redact and app/uninstalled", () => {
  it("shop/redact removes every row of the shop in every table, and nothing of other shops", async () => {
    const before = await rowCounts(TEST_SHOP);
    expect(before).toMatchObject({ Order: 4, OrderLine: 4, Refund: 1, RefundLine: 1, Customer: 2, Session: 1, Shop: 1 });
    const response = await callAction(shopRedact, signedWebhook("shop/redact", shopBody(TEST_SHOP)));
    expect(response.status).toBe(200);
    const after = await rowCounts(TEST_SHOP);
    expect(Object.values(after).every((count) => count === 0)).toBe(true);
    expect(await rowCounts(OTHER_SHOP)).toMatchObject({ Order: 4, Customer: 2, Session: 1, Shop: 1 });
  });

  it("app/uninstalled removes the shop's data too", async () => {
    const body = fixtureText("app-uninstalled.shop.shopify-rest-2026-07.json");
    const response = await callAction(appUninstalled, signedWebhook("app/uninstalled", body));
    expect(response.status).toBe(200);
    expect(Object.values(await rowCounts(TEST_SHOP)).every((count) => count === 0)).toBe(true);
    expect((await rowCounts(OTHER_SHOP)).Order).toBe(4);
  });

  it("answers 401 to a compliance webhook with a bad HMAC and deletes nothing", async () => {
    const response = await callAction(shopRedact, signedWebhook("shop/redact", shopBody(TEST_SHOP), { secret: "forged" }));
    expect(response.status).toBe(401);
    expect((await rowCounts(TEST_SHOP)).Order).toBe(4);
  });
});

describe("customers/redact", () => {
  it("removes the customer, their orders, lines and refunds, and the orders Shopify lists", async () => {
    const body = JSON.stringify({
      shop_id: 954889,
      shop_domain: TEST_SHOP,
      customer: { id: 501, email: "john@example.com", phone: "555-625-1199" },
      orders_to_redact: [1, 2, 4],
    });
    const response = await callAction(customersRedact, signedWebhook("customers/redact", body));
    expect(response.status).toBe(200);
    const orders = await db.order.findMany({ where: { shopId: TEST_SHOP }, select: { id: true } });
    expect(orders.map((order) => order.id)).toEqual(["gid://shopify/Order/3"]);
    expect(await rowCounts(TEST_SHOP)).toMatchObject({ Order: 1, OrderLine: 1, Refund: 0, RefundLine: 0, Customer: 1 });
    expect(await db.customer.findFirst({ where: { shopId: TEST_SHOP, id: "gid://shopify/Customer/501" } })).toBeNull();
    expect((await rowCounts(OTHER_SHOP)).Order).toBe(4);
  });

  it("parses Shopify's sample body", async () => {
    const response = await callAction(customersRedact, signedWebhook("customers/redact", fixtureText("customers-redact.json")));
    expect(response.status).toBe(200);
  });

  it("refuses a body without a customer id", async () => {
    const response = await callAction(customersRedact, signedWebhook("customers/redact", JSON.stringify({ shop_domain: TEST_SHOP })));
    expect(response.status).toBe(422);
    expect((await rowCounts(TEST_SHOP)).Order).toBe(4);
  });
});

describe("customers/data_request", () => {
  it("answers 200 and logs what the app holds for the customer", async () => {
    process.env.LOG_LEVEL = "info";
    const spy = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const body = JSON.stringify({
        shop_id: 954889, shop_domain: TEST_SHOP, orders_requested: [1, 2],
        customer: { id: 501, email: "john@example.com", phone: "555-625-1199" }, data_request: { id: 9999 },
      });
      const response = await callAction(dataRequest, signedWebhook("customers/data_request", body));
      expect(response.status).toBe(200);
      const lines = spy.mock.calls.map(([line]) => JSON.parse(String(line)));
      expect(lines).toContainEqual(expect.objectContaining({
        event: "compliance.data_request", customer: "gid://shopify/Customer/501", ordersHeld: 2, request: 9999,
      }));
    } finally {
      spy.mockRestore();
      process.env.LOG_LEVEL = "silent";
    }
    expect((await rowCounts(TEST_SHOP)).Order).toBe(4);
  });

  it("parses Shopify's sample body", async () => {
    const response = await callAction(dataRequest, signedWebhook("customers/data_request", fixtureText("customers-data_request.json")));
    expect(response.status).toBe(200);
  });
});

describe("app/scopes_update", () => {
  it("stores the granted scopes on the shop's sessions", async () => {
    const body = JSON.stringify({ previous: ["read_orders"], current: ["read_orders", "read_customers"] });
    const response = await callAction(scopesUpdate, signedWebhook("app/scopes_update", body));
    expect(response.status).toBe(200);
    const session = await db.session.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(session.scope).toBe("read_orders,read_customers");
  });
});
