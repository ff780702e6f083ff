// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import SyncPage, { loader } from "~/routes/app.sync";
import { adminRequest } from "../../support/auth";
import { resetDb } from "../../support/db";
import { ingestBodies } from "../../support/ingest";
import { orderBody } from "../../support/orders";

const SHOP = "sync-page.myshopify.com";
const URL = "https://margin-ltv.test/app/sync";
const at = (iso: string) => new Date(iso);

async function seed() {
  await ingestBodies(SHOP, [
    orderBody({ id: 1, customerId: 7, processedAt: "2026-03-01T10:00:00Z", lines: [{ id: 11, price: "10.00" }],
      refunds: [{ id: 101, createdAt: "2026-03-02T10:00:00Z", lines: [{ id: 102, lineItemId: 11, quantity: 1, subtotal: "10.00" }] }] }),
    orderBody({ id: 2, customerId: 8, processedAt: "2026-03-03T10:00:00Z", lines: [{ id: 21, price: "20.00" }] }),
    orderBody({ id: 3, processedAt: "2026-03-04T10:00:00Z", lines: [{ id: 31, price: "30.00" }] }),
  ], { ianaTimezone: "UTC" });
  await db.shop.update({ where: { id: SHOP }, data: { lastWebhookAt: at("2026-03-05T09:30:00Z") } });
  await db.syncBackfill.create({
    data: {
      shopId: SHOP, id: "b1", status: "running", step: "download", bulkOperationId: "gid://shopify/BulkOperation/1",
      fileSize: 1000n, bytesDone: 500n, linesDone: 40, ordersSeen: 12, ordersApplied: 11, ordersSkipped: 1, refundOrders: 3,
      startedAt: at("2026-03-05T08:00:00Z"), updatedAt: at("2026-03-05T08:10:00Z"),
    },
  });
  await db.syncReconciliation.create({
    data: { shopId: SHOP, id: "r1", status: "done", checked: 40, missing: 1, stale: 2, repaired: 3, startedAt: at("2026-03-05T09:00:00Z"), finishedAt: at("2026-03-05T09:01:00Z") },
  });
  await db.syncState.create({ data: { shopId: SHOP, watermark: at("2026-03-05T09:00:00Z"), lastReconcileAt: at("2026-03-05T09:01:00Z"), driftRepaired: 3 } });
  await db.syncDrift.create({ data: { shopId: SHOP, reconciliationId: "r1", orderId: "gid://shopify/Order/2", kind: "stale", shopifyUpdatedAt: at("2026-03-05T08:59:00Z"), repairedAt: at("2026-03-05T09:01:00Z") } });
}

beforeEach(resetDb);

describe("Sync page loader", () => {
  it("reports backfill progress, freshness and the ledger's completeness for the shop", async () => {
    await seed();
    const data = await loader({ request: await adminRequest(URL, SHOP), params: {}, context: {} });
    expect(data.demo).toBe(false);
    expect(data.status).toMatchObject({
      ordersStored: 3,
      ordersWithRefunds: 1,
      ordersMissingCosts: 0,
      driftRepaired: 3,
      lastWebhookAt: "2026-03-05T09:30:00.000Z",
      lastReconciliation: { status: "done", checked: 40, repaired: 3 },
      recentDrift: [{ orderId: "gid://shopify/Order/2", kind: "stale" }],
    });
    // The download is half done: 10 % + 80 % x 500/1000.
    expect(data.status.backfill).toMatchObject({ status: "running", step: "download", progress: 50, ordersApplied: 11, refundOrders: 3 });
    expect(data.status.queue).toMatchObject({ failed: 0 });
  });

  it("shows another shop nothing of this one", async () => {
    await seed();
    await ingestBodies("other.myshopify.com", []);
    const data = await loader({ request: await adminRequest(URL, "other.myshopify.com"), params: {}, context: {} });
    expect(data.status).toMatchObject({ backfill: null, ordersStored: 0, ordersWithRefunds: 0, driftRepaired: 0, lastReconciliation: null });
  });
});

describe("Sync page", () => {
  const renderPage = (data: Awaited<ReturnType<typeof loader>>) => {
    const Stub = createRemixStub([{ path: "/app/sync", Component: () => <AppProvider i18n={en}><SyncPage /></AppProvider>, loader: () => data }]);
    render(<Stub initialEntries={["/app/sync"]} />);
  };

  it("renders progress, counts and freshness", async () => {
    await seed();
    renderPage(await loader({ request: await adminRequest(URL, SHOP), params: {}, context: {} }));
    expect(await screen.findByText("History import")).toBeTruthy();
    expect(screen.getByText("Importing orders")).toBeTruthy();
    expect(screen.getByRole("progressbar")).toBeTruthy();
    expect(screen.getByText(/^50% · started/)).toBeTruthy();
    expect(screen.getByText("Orders imported").nextSibling?.textContent).toBe("11");
    expect(screen.getByText("Orders stored").nextSibling?.textContent).toBe("3");
    expect(screen.getByText("Orders with refunds").nextSibling?.textContent).toBe("1");
    expect(screen.getByText("Drift repaired").nextSibling?.textContent).toBe("3");
    expect(screen.getByText("40 orders checked, 3 repaired")).toBeTruthy();
    expect(screen.getByText(/Latest repairs: 2 \(stale\)/)).toBeTruthy();
  });

  it("offers to start the import when there is none, and explains the failure with a retry", async () => {
    await ingestBodies(SHOP, [], { ianaTimezone: "UTC" });
    const empty = await loader({ request: await adminRequest(URL, SHOP), params: {}, context: {} });
    renderPage(empty);
    expect(await screen.findByText("Import your order history")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Start import" })).toBeTruthy();
  });

  it("shows a failed import's error and a retry button", async () => {
    await seed();
    await db.syncBackfill.update({ where: { shopId_id: { shopId: SHOP, id: "b1" } }, data: { status: "failed", lastError: "Downloading the bulk result failed: HTTP 500" } });
    renderPage(await loader({ request: await adminRequest(URL, SHOP), params: {}, context: {} }));
    expect(await screen.findByText("The import stopped")).toBeTruthy();
    expect(screen.getByText("Downloading the bulk result failed: HTTP 500")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Retry" })).toBeTruthy();
  });

  it("in demo mode shows the figures and disables the Shopify actions with an explanation", async () => {
    await seed();
    const data = await loader({ request: await adminRequest(URL, SHOP), params: {}, context: {} });
    renderPage({ ...data, demo: true });
    expect(await screen.findByText("Demo data")).toBeTruthy();
    expect(screen.getByText(/importing and reconciling are disabled/)).toBeTruthy();
    const reconcile = screen.getByRole("button", { name: "Reconcile now" }) as HTMLButtonElement;
    expect(reconcile.disabled || reconcile.getAttribute("aria-disabled") === "true").toBe(true);
  });
});
