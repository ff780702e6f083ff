import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { loadCostConfig } from "~/costs/config.server";
import { getCostSettings } from "~/costs/settings.server";
import { refreshVariantsFromOrders } from "~/costs/variants.server";
import { recomputeMargins } from "~/margins/recompute.server";
import { waitForRecompute } from "~/margins/schedule.server";
import { action as componentAction, loader as componentLoader } from "~/routes/app.costs.$component";
import { action as cogsAction, loader as cogsLoader } from "~/routes/app.costs.cogs";
import { loader as hubLoader } from "~/routes/app.costs._index";
import { loader as exportLoader } from "~/routes/app.costs.export.$kind";
import { loader as orderLoader } from "~/routes/app.orders_.$orderId";
import { fakeAdminApi } from "../support/admin-api";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { AS_OF, order, seedCosts, seedStore, SHOP, V11, V12 } from "./fixture";
import { callAction, callLoader } from "./request";

const BASE = "https://margin-ltv.test";

beforeEach(async () => {
  await resetDb();
  await seedStore();
  await refreshVariantsFromOrders(db, SHOP);
});

describe("cost component pages", () => {
  it("saves a valid version and starts a recompute", async () => {
    const { status, body } = await callAction(componentAction, `${BASE}/app/costs/fulfilment`, SHOP, { intent: "save", perOrder: "2.00", perItem: "0.50", validFrom: "2025-01-01" }, { component: "fulfilment" });
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    await waitForRecompute(SHOP);
    expect((await loadCostConfig(db, SHOP)).fulfilment).toEqual([{ perOrder: 200, perItem: 50, validFrom: new Date("2025-01-01T00:00:00Z") }]);
    const { version } = await getCostSettings(db, SHOP);
    expect(await db.orderMargin.count({ where: { shopId: SHOP, costVersion: version } })).toBe(4);
  });

  it("answers a negative cost, a percentage above 100 and an impossible date with field errors and saves nothing", async () => {
    const returns = await callAction(componentAction, `${BASE}/app/costs/returns`, SHOP,
      { intent: "save", perReturn: "-5", perReturnedItem: "1.00", windowDays: "30", returnRate: "120", validFrom: "2026-02-30" }, { component: "returns" });
    expect(returns.status).toBe(400);
    expect(returns.body.errors).toEqual({
      perReturn: "Must not be negative: enter costs as positive amounts",
      returnRate: "Must be at most 100%",
      validFrom: "2026-02-30 is not a real date",
    });
    const fees = await callAction(componentAction, `${BASE}/app/costs/payments`, SHOP,
      { intent: "save", gw0_name: "paypal", gw0_percent: "3.49", gw0_fixed: "0.49", gw1_name: "PayPal", gw1_percent: "3", gw1_fixed: "0", fallback_percent: "2.9", fallback_fixed: "abc", validFrom: "2026-01-01" }, { component: "payments" });
    expect(fees.body.errors).toEqual({ gw1_name: "PayPal is listed twice", fallback_fixed: 'Must be an amount like 4.50 (at most 2 decimals), got "abc"' });
    const shipping = await callAction(componentAction, `${BASE}/app/costs/shipping`, SHOP,
      { intent: "save", method: "per_country", byCountry: "US 6.00\nUSA 7", fallback: "9.00", validFrom: "2026-01-01" }, { component: "shipping" });
    expect(shipping.body.errors).toEqual({ byCountry: 'Line 2: write a country code and an amount, like "US 6.00", got "USA 7"' });
    expect(await db.costComponentVersion.count()).toBe(0);
    expect((await getCostSettings(db, SHOP)).version).toBe(0);
  });

  it("imports marketing spend with line-numbered errors, and lists it", async () => {
    const bad = await callAction(componentAction, `${BASE}/app/costs/marketing`, SHOP,
      { intent: "import-marketing", file: new File(["month,channel,amount\n2026-01,Meta,100\n2026-1,Google,5\n"], "spend.csv", { type: "text/csv" }) }, { component: "marketing" });
    expect(bad).toMatchObject({ status: 400, body: { csvErrors: [{ line: 3, message: 'month: Must be a month as YYYY-MM, got "2026-1"' }] } });
    const good = await callAction(componentAction, `${BASE}/app/costs/marketing`, SHOP,
      { intent: "import-marketing", file: new File(["month,channel,amount\n2026-01,Meta,100\n"], "spend.csv") }, { component: "marketing" });
    expect(good.body).toEqual({ ok: true, message: "Imported 1 rows" });
    const page = await callLoader(componentLoader, `${BASE}/app/costs/marketing`, SHOP, { component: "marketing" });
    expect(page.marketing).toMatchObject([{ month: "2026-01", channel: "Meta", amount: 10000 }]);
  });

  it("refuses an unknown component", async () => {
    await expect(callLoader(componentLoader, `${BASE}/app/costs/nope`, SHOP, { component: "nope" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("COGS page", () => {
  it("lists, searches and filters variants, and saves an inline edit", async () => {
    const page = await callLoader(cogsLoader, `${BASE}/app/costs/cogs?q=SKU-11`, SHOP);
    expect(page.rows.map((row) => row.variantId)).toEqual([V11]);
    const bad = await callAction(cogsAction, `${BASE}/app/costs/cogs`, SHOP, { intent: "set-cost", variantId: V11, cost: "-1", validFrom: "2026-13-01" });
    expect(bad).toMatchObject({ status: 400, body: { variantId: V11, errors: { cost: "Must not be negative: enter costs as positive amounts", validFrom: "2026-13-01 is not a real date" } } });
    const good = await callAction(cogsAction, `${BASE}/app/costs/cogs`, SHOP, { intent: "set-cost", variantId: V11, cost: "10.00", validFrom: "2026-01-01" });
    expect(good.body.ok).toBe(true);
    await waitForRecompute(SHOP);
    const missing = await callLoader(cogsLoader, `${BASE}/app/costs/cogs?filter=missing`, SHOP);
    expect(missing.rows.map((row) => row.variantId)).toEqual([V12]);
    const withCost = await callLoader(cogsLoader, `${BASE}/app/costs/cogs`, SHOP);
    expect(withCost.rows.find((row) => row.variantId === V11)).toMatchObject({ unitCost: 1000, validFrom: "2026-01-01", source: "manual", revenue: 16000 + 4000, units: 5 });
    const csv = await exportLoader({ request: await adminRequest(`${BASE}/app/costs/export/variant-costs`, SHOP), params: { kind: "variant-costs" }, context: {} });
    expect(await csv.text()).toBe(`variant_id,sku,cost,valid_from\n${V11},SKU-11,10.00,2026-01-01\n`);
  });

  it("imports a CSV all or nothing, reporting line numbers", async () => {
    const bad = await callAction(cogsAction, `${BASE}/app/costs/cogs`, SHOP,
      { intent: "import-csv", file: new File([`variant_id,sku,cost,valid_from\n${V11},,1.00,2026-01-01\n,SKU-12,x,2026-01-01\n`], "costs.csv") });
    expect(bad).toMatchObject({ status: 400, body: { csvErrors: [{ line: 3 }] } });
    expect(await db.variantCost.count()).toBe(0);
  });

  it("imports Shopify's unitCost for every variant through the Admin API, paced by the throttle status", async () => {
    const calls = fakeAdminApi((call) => {
      const after = call.variables?.after;
      const throttle = { maximumAvailable: 2000, currentlyAvailable: after ? 1900 : 5, restoreRate: 100 };
      return after === "cursor-1"
        ? { data: { productVariants: { nodes: [
          { id: V12, sku: "SKU-12", title: "Default Title", price: "100.00", product: { id: "gid://shopify/Product/2", title: "Lamp" }, inventoryItem: { unitCost: null } },
          { id: "gid://shopify/ProductVariant/13", sku: "SKU-13", title: "Blue", price: "20.00", product: { id: "gid://shopify/Product/3", title: "Mug" }, inventoryItem: { unitCost: { amount: "7.25", currencyCode: "USD" } } },
        ], pageInfo: { hasNextPage: false, endCursor: null } } }, extensions: { cost: { requestedQueryCost: 52, actualQueryCost: 12, throttleStatus: throttle } } }
        : { data: { productVariants: { nodes: [
          { id: V11, sku: "SKU-11", title: "Large", price: "40.00", product: { id: "gid://shopify/Product/1", title: "Tee" }, inventoryItem: { unitCost: { amount: "11.50", currencyCode: "USD" } } },
        ], pageInfo: { hasNextPage: true, endCursor: "cursor-1" } } }, extensions: { cost: { requestedQueryCost: 52, actualQueryCost: 12, throttleStatus: throttle } } };
    });
    const { status, body } = await callAction(cogsAction, `${BASE}/app/costs/cogs`, SHOP, { intent: "import-shopify" });
    expect(status).toBe(200);
    expect(calls.map((call) => call.variables?.after ?? null)).toEqual([null, "cursor-1"]);
    expect(calls[0].query).toContain("inventoryItem { unitCost { amount currencyCode } }");
    expect(body.message).toBe("Read 3 variants from Shopify: 2 new costs, 0 changed (from today), 0 unchanged, 1 without a cost in Shopify");
    await waitForRecompute(SHOP);
    const config = await loadCostConfig(db, SHOP);
    // New costs cost the whole history: from the first order's day.
    expect(config.variantCosts.map((c) => [c.variantId, c.unitCost, c.validFrom.toISOString()]).sort()).toEqual([
      [V11, 1150, "2026-01-10T00:00:00.000Z"], ["gid://shopify/ProductVariant/13", 725, "2026-01-10T00:00:00.000Z"],
    ]);
    const page = await callLoader(cogsLoader, `${BASE}/app/costs/cogs?q=mug`, SHOP);
    expect(page.rows).toMatchObject([{ title: "Mug - Blue", price: 2000, unitCost: 725, source: "shopify" }]);
  });

  it("reports a refused Admin API query without saving", async () => {
    fakeAdminApi(() => ({ errors: [{ message: "Access denied for productVariants field." }] }));
    const { status, body } = await callAction(cogsAction, `${BASE}/app/costs/cogs`, SHOP, { intent: "import-shopify" });
    expect(status).toBe(502);
    expect(body.message).toBe("Shopify refused the variant query: Access denied for productVariants field.");
    expect(await db.variantCost.count()).toBe(0);
  });
});

describe("Costs hub and order breakdown", () => {
  it("shows each component in force with its history, coverage and the top variants without a cost", async () => {
    await seedCosts();
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    const { hub } = await callLoader(hubLoader, `${BASE}/app/costs`, SHOP);
    expect(hub.components.find((c) => c.key === "fulfilment")?.current).toEqual({ description: "$2.00 per order + $0.50 per item", validFrom: "2025-01-01" });
    expect(hub.components.find((c) => c.key === "paymentFees")?.current?.description).toBe("Shopify Payments 2.9% + $0.30; other gateways 3% + $0.30");
    expect(hub.coverage).toMatchObject({ known: 20000, estimated: 0, missing: 0 });
    expect(hub.topWithoutCost.map((v) => v.variantId)).toEqual([V12]);
    expect(hub.status.upToDate).toBe(true);
  });

  it("opens an order's margin, line by line, with the costs in force", async () => {
    await seedCosts();
    await recomputeMargins(db, SHOP);
    const { detail } = await callLoader(orderLoader, `${BASE}/app/orders/${encodeURIComponent(order(104))}`, SHOP, { orderId: order(104) });
    const amount = (key: string) => detail.lines.find((line) => line.key === key)?.amount;
    expect([amount("netRevenue"), amount("cogs"), amount("cogsRecovered"), amount("paymentFees"), amount("reverseLogistics"), amount("contributionMargin")])
      .toEqual([4000, -2000, 1000, -262, -600, 1238]);
    expect(detail.goods).toMatchObject([{ sku: "SKU-11", quantity: 2, kind: "known", unitCost: 1000, validFrom: "2026-01-01" }]);
    expect(detail.costsInForce.find((c) => c.key === "shipping")).toMatchObject({ description: "$6.00 flat per order", validFrom: "2025-01-01" });
    expect(detail.stored?.contributionMargin).toBe(1238);
    await expect(callLoader(orderLoader, `${BASE}/app/orders/x`, SHOP, { orderId: "x" })).rejects.toMatchObject({ status: 404 });
    await expect(callLoader(orderLoader, `${BASE}/app/orders/1`, SHOP, { orderId: "gid://shopify/Order/999" })).rejects.toMatchObject({ status: 404 });
  });
});
