/**
 * The admin block's data states (extensions/customer-margin-block/src/view-model.ts), without Preact
 * or the admin: loading, unknown customer, no data yet, errors (HTTP, network, bad body) and flags.
 */
import { describe, expect, it, vi } from "vitest";
import type { CustomerCard } from "~/customers/contract";
import { appLink, blockView, customerApiPath, loadBlockState, stateFromResponse } from "../../extensions/customer-margin-block/src/view-model";

const card = (over: Partial<CustomerCard> = {}): CustomerCard => ({
  version: 1,
  customerId: "gid://shopify/Customer/42",
  customerNumber: "42",
  currency: "USD",
  currencyDigits: 2,
  status: "ready",
  figures: { contributionMarginLtv: 89_400, revenueLtv: 150_000, grossMarginLtv: 90_000, orders: 3, marginPerOrder: 29_800, contributionMarginBps: 5960,
    firstOrderAt: "2026-05-06T12:00:00.000Z" },
  flags: [
    { kind: "high_value", label: "High value", reason: "Top 10% by contribution margin: $894.00 over 3 orders, 1st of 7 customers (cut-off $894.00)",
      numbers: { contributionMargin: 89_400 } },
    { kind: "discount_dependent", label: "Discount-dependent", reason: "2 of 3 orders used a discount; discounts took 27% of list price", numbers: {} },
  ],
  appPath: "/app/customers?customer=gid%3A%2F%2Fshopify%2FCustomer%2F42",
  protectedData: { granted: false, fields: [] },
  ...over,
});

const response = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });

describe("blockView", () => {
  it("loading: a spinner text", () => {
    expect(blockView({ status: "loading" })).toEqual({ kind: "loading", text: "Loading margin figures…" });
  });

  it("flags: the four figures, each flag with its reason and tone, and a link into the app", () => {
    const view = blockView({ status: "loaded", card: card() });
    expect(view).toEqual({
      kind: "card",
      summary: "Contribution margin is 59.6% of revenue (lifetime, after every variable cost).",
      metrics: [
        { key: "cmLtv", label: "CM-LTV", value: "$894.00" },
        { key: "revenueLtv", label: "Revenue LTV", value: "$1,500.00" },
        { key: "orders", label: "Orders", value: "3" },
        { key: "marginPerOrder", label: "Margin per order", value: "$298.00" },
      ],
      flags: [
        { label: "High value", reason: "Top 10% by contribution margin: $894.00 over 3 orders, 1st of 7 customers (cut-off $894.00)", tone: "success" },
        { label: "Discount-dependent", reason: "2 of 3 orders used a discount; discounts took 27% of list price", tone: "warning" },
      ],
      noFlags: null,
      link: { href: "app:app/customers?customer=gid%3A%2F%2Fshopify%2FCustomer%2F42", label: "View in Margin LTV" },
    });
  });

  it("a loss-making customer: negative figures in the critical tone", () => {
    const view = blockView({ status: "loaded", card: card({
      figures: { contributionMarginLtv: -1500, revenueLtv: 0, grossMarginLtv: -800, orders: 1, marginPerOrder: -1500, contributionMarginBps: null, firstOrderAt: "" },
      flags: [{ kind: "negative_margin", label: "Negative margin", reason: "Lifetime contribution margin is -$15.00 on $0.00 of revenue over 1 order", numbers: {} }],
    }) });
    if (view.kind !== "card") throw new Error(view.kind);
    expect(view.metrics.filter((m) => m.tone === "critical").map((m) => [m.label, m.value])).toEqual([["CM-LTV", "-$15.00"], ["Margin per order", "-$15.00"]]);
    expect(view.flags).toEqual([{ label: "Negative margin", reason: "Lifetime contribution margin is -$15.00 on $0.00 of revenue over 1 order", tone: "critical" }]);
    expect(view.summary).toBe("No revenue yet, so no margin share.");
  });

  it("no flag: says so instead of an empty list", () => {
    const view = blockView({ status: "loaded", card: card({ flags: [] }) });
    expect(view).toMatchObject({ kind: "card", flags: [], noFlags: "No flag applies to this customer." });
  });

  it("no data yet (known customer, margins not computed or only cancelled orders): a message with retry and the link", () => {
    expect(blockView({ status: "loaded", card: card({ status: "no_data", figures: null, flags: [] }) })).toEqual({
      kind: "message", tone: "info", title: "No data yet", retry: true,
      text: "No counted order with a computed margin yet: the figures appear once this customer's orders have their margins.",
      link: { href: "app:app/customers?customer=gid%3A%2F%2Fshopify%2FCustomer%2F42", label: "View in Margin LTV" },
    });
  });

  it("unknown customer (the app has no order of them): no data yet, link to the Customers page", () => {
    expect(blockView({ status: "unknown_customer" })).toMatchObject({
      kind: "message", tone: "info", title: "No data yet", retry: false, link: { href: "app:app/customers" },
    });
  });

  it("error: the message and a retry", () => {
    expect(blockView({ status: "error", httpStatus: 500, message: "The app answered 500." })).toEqual({
      kind: "message", tone: "critical", title: "Margin figures unavailable", text: "The app answered 500.", retry: true, link: null,
    });
  });
});

describe("stateFromResponse", () => {
  it("maps the route's answers to states", () => {
    expect(stateFromResponse(200, card())).toEqual({ status: "loaded", card: card() });
    expect(stateFromResponse(404, { error: "not_found", message: "No such customer in this store's data." })).toEqual({ status: "unknown_customer" });
    expect(stateFromResponse(401, null)).toMatchObject({ status: "error", httpStatus: 401, message: expect.stringMatching(/session/) });
    expect(stateFromResponse(503, { error: "unavailable", message: "Down for maintenance" })).toEqual({ status: "error", httpStatus: 503, message: "Down for maintenance" });
    expect(stateFromResponse(502, null)).toEqual({ status: "error", httpStatus: 502, message: "The app answered 502." });
  });

  it("refuses a 200 whose body is not the contract (another version, HTML from a proxy)", () => {
    expect(stateFromResponse(200, { ...card(), version: 2 })).toMatchObject({ status: "error", httpStatus: 200 });
    expect(stateFromResponse(200, null)).toMatchObject({ status: "error" });
  });
});

describe("loadBlockState", () => {
  it("calls the app's route with the customer's encoded GID (relative: the admin resolves it to the app URL)", async () => {
    const fetchFn = vi.fn(async () => response(200, card()));
    const state = await loadBlockState(fetchFn as unknown as typeof fetch, "gid://shopify/Customer/42");
    expect(fetchFn).toHaveBeenCalledWith("/api/customers/gid%3A%2F%2Fshopify%2FCustomer%2F42", { headers: { Accept: "application/json" } });
    expect(state.status).toBe("loaded");
    expect(customerApiPath("gid://shopify/Customer/42")).toBe("/api/customers/gid%3A%2F%2Fshopify%2FCustomer%2F42");
  });

  it("turns a network failure, a non-JSON body and a missing selection into error states", async () => {
    const offline = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(await loadBlockState(offline as unknown as typeof fetch, "gid://shopify/Customer/1")).toEqual({
      status: "error", httpStatus: null, message: "The app could not be reached (Failed to fetch).",
    });
    const html = vi.fn(async () => new Response("<html>Bad gateway</html>", { status: 502 }));
    expect(await loadBlockState(html as unknown as typeof fetch, "gid://shopify/Customer/1")).toEqual({
      status: "error", httpStatus: 502, message: "The app answered 502.",
    });
    expect(await loadBlockState(vi.fn() as unknown as typeof fetch, undefined)).toMatchObject({ status: "error", message: "No customer is selected." });
  });

  it("links into the app with the app: protocol", () => {
    expect(appLink("/app/customers?customer=1")).toBe("app:app/customers?customer=1");
  });
});
