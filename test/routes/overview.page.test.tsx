// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen, within } from "@testing-library/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import Overview, { loader } from "~/routes/app._index";
import { upsertShop } from "~/shops/shops.server";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { ingestBodies } from "../support/ingest";
import { SHOP, STORE } from "./overview.fixture";

type LoaderData = Awaited<ReturnType<typeof loader>>;
const load = async (shop: string) =>
  loader({ request: await adminRequest("https://margin-ltv.test/app", shop), params: {}, context: {} });

beforeAll(async () => {
  await resetDb();
  await ingestBodies(SHOP, STORE, { ianaTimezone: "America/New_York" });
  await upsertShop(db, { id: "empty-shop.myshopify.com", currency: "USD" });
});

function renderPage(loaderData: LoaderData) {
  const Stub = createRemixStub([
    { path: "/app", Component: () => <AppProvider i18n={en}><Overview /></AppProvider>, loader: () => loaderData },
    { path: "/app/orders", Component: () => null },
  ]);
  render(<Stub initialEntries={["/app"]} />);
}

describe("Overview page", () => {
  it("renders the figures in the shop currency and time zone", async () => {
    renderPage(await load(SHOP));
    await screen.findByText("Net revenue", { selector: "h3" });
    const card = (label: string) => screen.getByText(label, { selector: "h3" }).closest(".Polaris-ShadowBevel") as HTMLElement;
    expect(within(card("Customers")).getByText("2")).toBeTruthy();
    expect(within(card("Orders")).getByText("4")).toBeTruthy();
    expect(within(card("Net revenue")).getByText("$217.50")).toBeTruthy();
    expect(within(card("Average order value")).getByText("$54.38")).toBeTruthy();
    expect(within(card("Repeat-purchase rate")).getByText("50.0%")).toBeTruthy();
    // The first order was placed at 02:00 UTC on Jan 10: Jan 9 in the shop's time zone.
    expect(within(card("Order history")).getByText("Jan 9, 2026 – Mar 1, 2026")).toBeTruthy();
    expect(screen.getByText("See the orders behind these figures").getAttribute("href")).toBe("/app/orders");
  });

  it("shows an empty state before any order exists", async () => {
    const empty = await load("empty-shop.myshopify.com");
    renderPage(empty);
    expect(await screen.findByText("No orders yet")).toBeTruthy();
  });
});
