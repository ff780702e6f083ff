/**
 * GET /api/customers/:customerId, the admin block's route: real session tokens (signed with the app
 * secret), two shops, forged and unknown ids, CORS, and the flags passed through as the domain gives them.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { loadCustomerAnalytics } from "~/analytics/input.server";
import type { CustomerCard } from "~/customers/contract";
import db from "~/db.server";
import { action, loader } from "~/routes/api.customers.$customerId";
import { getShop } from "~/shops/shops.server";
import { bearerRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { customer, EXPECTED_FLAG, OTHER_SHOP, seedFlagStore, SHOP } from "./fixture";

const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
const url = (id: string) => `https://margin-ltv.test/api/customers/${encodeURIComponent(id)}`;

/** Runs the loader; a thrown Response (authenticate.admin's way of answering) is returned instead. */
async function run(request: Request, customerId: string): Promise<Response> {
  try {
    return await loader({ request, params: { customerId }, context: {} } as LoaderFunctionArgs);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function get(id: string, shop = SHOP, headers: Record<string, string> = {}) {
  const response = await run(await bearerRequest(url(id), shop, { headers }), id);
  return { response, body: (await response.json()) as CustomerCard & { error?: string; message?: string } };
}

beforeAll(async () => {
  await resetDb();
  await seedFlagStore();
});

describe("GET /api/customers/:customerId with a valid session token", () => {
  it("returns the customer's figures and every flag with its reason and numbers, exactly as the domain computes them", async () => {
    const shop = (await getShop(db, SHOP))!;
    for (const [n, kind] of Object.entries(EXPECTED_FLAG)) {
      const { response, body } = await get(customer(Number(n)));
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toMatch(/application\/json/);
      const domain = await loadCustomerAnalytics(db, shop, customer(Number(n)));
      expect(body.flags).toEqual(domain.flags!.flags.map(({ kind, label, reason, numbers }) => ({ kind, label, reason, numbers })));
      expect(body.flags.map((flag) => flag.kind)).toEqual([kind]);
      expect(body.figures).toMatchObject({
        contributionMarginLtv: domain.facts!.contributionMargin,
        revenueLtv: domain.facts!.revenue,
        grossMarginLtv: domain.facts!.grossMargin,
        orders: domain.facts!.orders,
      });
      expect(body).toMatchObject({ version: 1, status: "ready", customerId: customer(Number(n)), customerNumber: n, currency: "USD", currencyDigits: 2 });
      expect(body.appPath).toBe(`/app/customers?customer=${encodeURIComponent(customer(Number(n)))}`);
    }
  });

  it("gives the card's numbers: CM-LTV, revenue LTV, orders and margin per order (rounded to the cent)", async () => {
    const { body } = await get(customer(2));
    // 3 orders of 50.00 list, two with 20.00 off: revenue 110.00; COGS 40% of list 60.00; fulfilment 3 x 2.00.
    expect(body.figures).toEqual({
      contributionMarginLtv: 4400, revenueLtv: 11000, grossMarginLtv: 5000, orders: 3, marginPerOrder: 1467, contributionMarginBps: 4000,
      firstOrderAt: expect.any(String),
    });
    expect(body.flags[0].reason).toBe("2 of 3 orders used a discount; discounts took 27% of list price");
    expect(body.flags[0].numbers).toMatchObject({ discountedOrders: 2, orders: 3, discounts: 4000, grossSales: 15000 });
  });

  it("accepts the numeric id and the percent-encoded GID as Remix hands it over", async () => {
    const numeric = await get("6");
    expect(numeric.response.status).toBe(200);
    expect(numeric.body.customerId).toBe(customer(6));
    const encoded = await run(await bearerRequest(url(customer(6)), SHOP), "gid:%2F%2Fshopify%2FCustomer%2F6");
    expect(((await encoded.json()) as CustomerCard).flags[0].kind).toBe("valuable_but_costly");
  });

  it("answers no_data for a customer the store knows whose only order was cancelled", async () => {
    const { response, body } = await get(customer(8));
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status: "no_data", figures: null, flags: [] });
  });

  it("returns no protected customer field (name, email, phone, address)", async () => {
    const { body } = await get(customer(1));
    const keys: string[] = [];
    const walk = (value: unknown) => {
      if (!value || typeof value !== "object") return;
      for (const [key, inner] of Object.entries(value)) {
        keys.push(key.toLowerCase());
        walk(inner);
      }
    };
    walk(body);
    for (const field of ["name", "firstname", "lastname", "email", "phone", "address", "address1", "city", "zip"]) expect(keys).not.toContain(field);
    expect(body.protectedData).toEqual({ granted: false, fields: [] });
  });
});

describe("access", () => {
  it("answers 401 without a session token (not the login redirect a page would get), with CORS headers", async () => {
    const response = await run(new Request(url(customer(1)), { headers: { Origin: EXTENSION_ORIGIN } }), customer(1));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "unauthorized" });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers 401 to a token that is not signed with the app's secret", async () => {
    const request = new Request(url(customer(1)), { headers: { Authorization: "Bearer not.a.token", Origin: EXTENSION_ORIGIN } });
    const response = await run(request, customer(1));
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain("contributionMargin");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("answers another shop's customer exactly as an unknown one: 404, same body, no data", async () => {
    const forged = await get(customer(9)); // customer 9 is other-shop's
    const unknown = await get(customer(424242));
    expect(forged.response.status).toBe(404);
    expect(unknown.response.status).toBe(404);
    expect(forged.body).toEqual(unknown.body);
    expect(forged.body).toEqual({ error: "not_found", message: "No such customer in this store's data." });
    // The other shop's own token does see its customer, in its currency.
    const own = await get(customer(9), OTHER_SHOP);
    expect(own.response.status).toBe(200);
    expect(own.body).toMatchObject({ customerId: customer(9), currency: "EUR" });
    // ... and not the first shop's customers.
    expect((await get(customer(1), OTHER_SHOP)).response.status).toBe(404);
  });

  it("answers 404 to a malformed id", async () => {
    for (const id of ["gid://shopify/Order/101", "abc", "", "1 OR 1=1"]) {
      expect((await get(id)).response.status).toBe(404);
    }
  });

  it("refuses writes with 405", async () => {
    const response = await action({ request: new Request(url(customer(1)), { method: "POST" }), params: {}, context: {} });
    expect(response.status).toBe(405);
  });
});

describe("CORS (the block calls from Shopify's extension origin)", () => {
  it("answers the preflight OPTIONS with 204 and the headers that let the token through", async () => {
    const request = new Request(url(customer(1)), {
      method: "OPTIONS",
      headers: { Origin: EXTENSION_ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
    });
    const response = await run(request, customer(1));
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
    expect(response.headers.get("Access-Control-Max-Age")).toBe("7200");
  });

  it("adds the CORS headers to the data and to the 404", async () => {
    const ok = await get(customer(1), SHOP, { Origin: EXTENSION_ORIGIN });
    expect(ok.response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(ok.response.headers.get("Cache-Control")).toBe("private, no-store");
    const missing = await get(customer(9), SHOP, { Origin: EXTENSION_ORIGIN });
    expect(missing.response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});
