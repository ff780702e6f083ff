// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it } from "vitest";
import Orders, { loader } from "~/routes/app.orders";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { ingestBodies } from "../support/ingest";
import { SHOP, STORE } from "./overview.fixture";

beforeAll(async () => {
  await resetDb();
  await ingestBodies(SHOP, STORE, { ianaTimezone: "America/New_York" });
});

describe("Orders page", () => {
  it("renders each order's amounts and status", async () => {
    const data = await loader({ request: await adminRequest("https://margin-ltv.test/app/orders", SHOP), params: {}, context: {} });
    const Stub = createRemixStub([
      { path: "/app/orders", Component: () => <AppProvider i18n={en}><Orders /></AppProvider>, loader: () => data },
    ]);
    render(<Stub initialEntries={["/app/orders"]} />);
    const row = (await screen.findByText("#1001")).closest("tr") as HTMLElement;
    expect(within(row).getByText("Jan 9, 2026")).toBeTruthy();
    expect(within(row).getByText("$72.00")).toBeTruthy();
    expect(within(row).getByText("-$36.00")).toBeTruthy();
    expect(within(row).getByText("$42.00")).toBeTruthy();
    expect(within(row).getByText("partially refunded")).toBeTruthy();
    const guest = (screen.getByText("#1004")).closest("tr") as HTMLElement;
    expect(within(guest).getByText("Guest")).toBeTruthy();
    expect(screen.getByText("4 orders, newest first · USD")).toBeTruthy();
    expect(screen.getAllByRole("button", { name: "Export CSV" }).length).toBeGreaterThan(0);
  });
});
