// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { saveMarketingSpend } from "~/costs/marketing.server";
import { refreshVariantsFromOrders } from "~/costs/variants.server";
import { recomputeMargins } from "~/margins/recompute.server";
import ComponentPage, { action as componentAction, loader as componentLoader } from "~/routes/app.costs.$component";
import { loader as exportLoader } from "~/routes/app.costs.export.$kind";
import CogsPage, { action as cogsAction, loader as cogsLoader } from "~/routes/app.costs.cogs";
import OrderPage, { loader as orderLoader } from "~/routes/app.orders_.$orderId";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { order, seedCosts, seedStore, SHOP, V11 } from "./fixture";
import { callAction, callLoader } from "./request";

const BASE = "https://margin-ltv.test";
const wrap = (Page: () => JSX.Element) => () => <AppProvider i18n={en}><Page /></AppProvider>;

beforeAll(async () => {
  // Form submissions build a URLSearchParams body for Node's Request, which refuses jsdom's class.
  globalThis.URLSearchParams = (await import("node:url")).URLSearchParams as unknown as typeof URLSearchParams;
  await resetDb();
  await seedStore();
  await refreshVariantsFromOrders(db, SHOP);
});

describe("cost pages", () => {
  it("shows the returns form's validation errors next to their fields", async () => {
    const data = await callLoader(componentLoader, `${BASE}/app/costs/returns`, SHOP, { component: "returns" });
    const result = await callAction(componentAction, `${BASE}/app/costs/returns`, SHOP,
      { intent: "save", perReturn: "-5", perReturnedItem: "1.00", windowDays: "30", returnRate: "120", validFrom: "2026-02-30" }, { component: "returns" });
    const Stub = createRemixStub([{ path: "/app/costs/:component", Component: wrap(ComponentPage), loader: () => data, action: () => result.body }]);
    render(<Stub initialEntries={["/app/costs/returns"]} />);
    fireEvent.click(await screen.findByRole("button", { name: "Save" }));
    expect(await screen.findByText("Nothing was saved: fix the fields marked below")).toBeTruthy();
    expect(screen.getByText("Must not be negative: enter costs as positive amounts")).toBeTruthy();
    expect(screen.getByText("Must be at most 100%")).toBeTruthy();
    expect(screen.getByText("2026-02-30 is not a real date")).toBeTruthy();
    const field = screen.getByLabelText("Per return (USD)");
    expect(field.getAttribute("aria-invalid")).toBe("true");
  });

  it("edits a cost inline on the COGS table and shows its error in the row", async () => {
    const data = await callLoader(cogsLoader, `${BASE}/app/costs/cogs`, SHOP);
    const result = await callAction(cogsAction, `${BASE}/app/costs/cogs`, SHOP, { intent: "set-cost", variantId: V11, cost: "-2", validFrom: "2026-01-01" });
    const Stub = createRemixStub([{ path: "/app/costs/cogs", Component: wrap(CogsPage), loader: () => data, action: () => result.body }]);
    render(<Stub initialEntries={["/app/costs/cogs"]} />);
    const row = (await screen.findByText("SKU-11")).closest("tr") as HTMLElement;
    expect(within(row).getByText("No cost")).toBeTruthy();
    fireEvent.click(within(row).getByRole("button", { name: /Edit cost of/ }));
    fireEvent.click(within(row).getByRole("button", { name: "Save" }));
    expect(await within(row).findByText("Must not be negative: enter costs as positive amounts")).toBeTruthy();
    expect(screen.getByText("2 variants · unit costs in USD, effective-dated")).toBeTruthy();
  });

  it("renders an order's margin breakdown with the costs in force", async () => {
    await seedCosts();
    await recomputeMargins(db, SHOP);
    const data = await callLoader(orderLoader, `${BASE}/app/orders/x`, SHOP, { orderId: order(101) });
    const Stub = createRemixStub([{ path: "/app/orders/:orderId", Component: wrap(OrderPage), loader: () => data }]);
    render(<Stub initialEntries={[`/app/orders/${encodeURIComponent(order(101))}`]} />);
    expect(await screen.findByText("Order #1001")).toBeTruthy();
    const line = (label: string) => (screen.getAllByText(label)[0].closest("div")?.parentElement as HTMLElement).textContent;
    expect(line("Net revenue")).toContain("$85.00");
    expect(line("Cost of goods")).toContain("-$20.00");
    expect(line("Payment fees")).toContain("-$2.77");
    expect(line("Contribution margin")).toContain("$53.23");
    expect(screen.getByText("$10.00 (from 2026-01-01)")).toBeTruthy();
    expect(screen.getByText("$2.00 per order + $0.50 per item")).toBeTruthy();
  });
  it("downloads the marketing spend CSV through an authenticated fetch, not a bare link", async () => {
    await saveMarketingSpend(db, SHOP, [{ month: "2026-01", channel: "Meta", amount: 12345 }], "manual");
    const data = await callLoader(componentLoader, `${BASE}/app/costs/marketing`, SHOP, { component: "marketing" });
    // Inside admin, App Bridge puts the session token on same-origin fetches; here the fetch reaches the real export
    // route with a signed request, and a failure shows inline.
    const fetched: string[] = [];
    const saved: { name: string; text: Promise<string> }[] = [];
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (url) => {
      fetched.push(String(url));
      if (fetched.length > 1) return new Response("no", { status: 500 });
      return exportLoader({ request: await adminRequest(`${BASE}${String(url)}`, SHOP), params: { kind: "marketing-spend" }, context: {} });
    });
    URL.createObjectURL = vi.fn((blob: Blob) => { saved.push({ name: "", text: blob.text() }); return "blob:x"; });
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) { saved[saved.length - 1].name = this.download; });
    try {
      const Stub = createRemixStub([{ path: "/app/costs/:component", Component: wrap(ComponentPage), loader: () => data }]);
      render(<Stub initialEntries={["/app/costs/marketing"]} />);
      expect(screen.queryByRole("link", { name: "Download CSV" })).toBeNull();
      fireEvent.click(await screen.findByRole("button", { name: "Download CSV: marketing-spend.csv" }));
      await waitFor(() => expect(saved[0]?.name).toBe("marketing-spend-costs-shop.csv"));
      expect(fetched).toEqual(["/app/costs/export/marketing-spend"]);
      expect(await saved[0].text).toBe("month,channel,amount\n2026-01,Meta,123.45\n");
      fireEvent.click(screen.getByRole("button", { name: "Download CSV: marketing-spend.csv" }));
      expect(await screen.findByRole("alert")).toHaveProperty("textContent", "The export failed (500)");
    } finally {
      fetchMock.mockRestore();
      click.mockRestore();
    }
  });
});
