// @vitest-environment jsdom
/**
 * The Customers page as rendered: the card with each figure, every flag with its reason, the orders
 * linked to their margin page, the disabled name/email search, and the flagged list.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it } from "vitest";
import { clearFlaggedCache } from "~/customers/flagged.server";
import Customers, { loader } from "~/routes/app.customers";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { customer, EXPECTED_FLAG, seedFlagStore, SHOP } from "./fixture";

beforeAll(async () => {
  await resetDb();
  clearFlaggedCache();
  await seedFlagStore();
});

async function show(search: string) {
  const data = await loader({ request: await adminRequest(`https://margin-ltv.test/app/customers${search}`, SHOP), params: {}, context: {} } as LoaderFunctionArgs);
  const Stub = createRemixStub([
    { path: "/app/customers", Component: () => <AppProvider i18n={en}><Customers /></AppProvider>, loader: () => data },
  ]);
  render(<Stub initialEntries={[`/app/customers${search}`]} />);
  await screen.findByText("Flagged customers");
  return data;
}

describe("Customers page", () => {
  it("shows each hand-built customer's flag with its reason, in the card and in the list", async () => {
    for (const [n, kind] of Object.entries(EXPECTED_FLAG)) {
      const data = await show(`?customer=${encodeURIComponent(customer(Number(n)))}&flag=${kind}`);
      const flag = data.selected!.card.flags[0];
      expect(flag.kind).toBe(kind);
      // once in the card, once in the flagged list's Reason column
      expect(screen.getAllByText(flag.reason)).toHaveLength(2);
      expect(screen.getAllByText(flag.label).length).toBeGreaterThan(0);
      document.body.innerHTML = "";
    }
  });

  it("shows the four figures, the orders linked to their margin page and the contacts", async () => {
    await show(`?customer=${encodeURIComponent(customer(4))}`);
    for (const label of ["CM-LTV", "Revenue LTV", "Orders", "Margin per order"]) expect(screen.getByRole("heading", { name: label })).toBeTruthy();
    expect(screen.getByText("$53.00")).toBeTruthy(); // CM-LTV: 2 x (60.00 - 24.00 - 2.00) - 3 x 5.00
    expect(screen.getByText("$120.00")).toBeTruthy();
    const link = screen.getByRole("link", { name: "#1302" });
    expect(link.getAttribute("href")).toBe(`/app/orders/${encodeURIComponent("gid://shopify/Order/402")}`);
    expect(screen.getByText("3 service contacts over 2 orders: 1.5 per order, above 1.0")).toBeTruthy();
    expect(screen.getAllByText(/· csv$/)).toHaveLength(3);
  });

  it("has the name/email search disabled, with the reason", async () => {
    await show("?q=jane%40example.com");
    const field = screen.getByLabelText("Name or email") as HTMLInputElement;
    expect(field.disabled).toBe(true);
    expect(screen.getByText("Protected customer data")).toBeTruthy();
    expect(screen.getAllByText(/has not granted to Margin LTV/).length).toBeGreaterThan(0);
  });

  it("lists the flagged customers of the chosen kind with counts per kind", async () => {
    await show("?flag=high_return");
    expect(screen.getAllByRole("tab", { name: "High-return (1)" }).length).toBeGreaterThan(0); // Polaris measures tabs with a hidden copy
    expect(screen.getAllByRole("tab", { name: "At risk (0)" }).length).toBeGreaterThan(0);
    const row = screen.getByRole("link", { name: "3" }).closest("tr") as HTMLElement;
    expect(within(row).getByText("Returned 1 of 2 orders; refunds took 50% of revenue ($100.00 of $200.00)")).toBeTruthy();
  });
});
