// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen } from "@testing-library/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it } from "vitest";
import { computeModelReport, DEFAULT_MODEL_SETTINGS, type ModelReport } from "~/analytics/model.server";
import db from "~/db.server";
import { insertRows } from "~/lib/chunks";
import ModelPage, { verdict } from "~/routes/app.model";
import { upsertShop } from "~/shops/shops.server";
import { loadCdnowTransactions } from "../domain/clv/cdnow";
import { resetDb } from "../support/db";

let report: ModelReport;
const shopInfo = { currency: "USD", currencyDigits: 2, ianaTimezone: "UTC" };

beforeAll(async () => {
  await resetDb();
  const shop = await upsertShop(db, { id: "cdnow.myshopify.com", currency: "USD", ianaTimezone: "UTC" });
  await insertRows(db, "ValueEvent", loadCdnowTransactions().map((t, i) => {
    const cents = BigInt(Math.round(t.value * 100));
    return { shopId: shop.id, orderId: `o${i}`, seq: 0, kind: "order", customerId: `c${t.customerId}`, at: t.at,
      revenue: cents, grossMargin: cents, contributionMargin: cents, countsAsPurchase: true };
  }));
  report = await computeModelReport(db, shop, { ...DEFAULT_MODEL_SETTINGS, holdoutMonths: 9 }, new Date("1998-07-01T00:00:00Z"));
}, 120_000);

function renderPage(data: { report: ModelReport }) {
  const Stub = createRemixStub([
    { path: "/app/model", Component: () => <AppProvider i18n={en}><ModelPage /></AppProvider>,
      loader: () => ({ shop: shopInfo, report: data.report, computedAt: "1998-07-01T00:00:00.000Z" }) },
  ]);
  render(<Stub initialEntries={["/app/model"]} />);
}

describe("Model page", () => {
  it("shows the backtest, its verdict, the calibration chart and the cohort forecast", async () => {
    renderPage({ report });
    expect(await screen.findByText("Can you trust the forecast?")).toBeTruthy();
    expect(screen.getByText("1653 predicted · 1,882 actual")).toBeTruthy();
    expect(screen.getByText(/Error -12\.1%/)).toBeTruthy();
    expect(screen.getByText("0.63")).toBeTruthy();
    const top = report.backtest!.byFrequency[7];
    expect(screen.getByText(`7+ repeats (${top.customers})`)).toBeTruthy();
    expect(screen.getByText(`${top.meanPredicted.toFixed(2)} / ${top.meanActual.toFixed(2)}`)).toBeTruthy();
    expect(screen.getByText("1997-01")).toBeTruthy();
    expect(screen.getByText(/BG\/NBD r 0\.2426/)).toBeTruthy();
  });

  it("explains an empty history instead of showing empty charts", async () => {
    renderPage({ report: { ...report, backtest: null, forecast: null, backtestError: "No customer bought before the cut-off: choose a later cut-off", forecastError: "x" } });
    expect(await screen.findByText("Not enough history to fit the model yet")).toBeTruthy();
    expect(screen.getByText(/choose a later cut-off/)).toBeTruthy();
  });

  it("words the verdict from error and correlation", () => {
    const base = report.backtest!;
    expect(verdict(base).tone).toBe("success"); // -12% and 0.63
    expect(verdict({ ...base, purchases: { ...base.purchases, relativeError: 0.25 } }).tone).toBe("warning");
    expect(verdict({ ...base, purchases: { ...base.purchases, relativeError: 0.5 } }).tone).toBe("critical");
    expect(verdict({ ...base, purchases: { ...base.purchases, correlation: 0.2 } }).tone).toBe("critical");
  });
});
