/**
 * The Model page's report on a store whose value events are the CDNOW 1/10 sample (dollars as margin):
 * as of 1998-07-01 with a 9-month holdout the cut-off is 1997-09-30, the setup of Fader, Hardie & Lee
 * (2005), so the page's figures can be checked against the published ones.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { computeModelReport, DEFAULT_MODEL_SETTINGS, type ModelReport } from "~/analytics/model.server";
import db from "~/db.server";
import { insertRows } from "~/lib/chunks";
import { upsertShop, type ShopSettings } from "~/shops/shops.server";
import { loadCdnowTransactions } from "../domain/clv/cdnow";
import { resetDb } from "../support/db";

let shop: ShopSettings;
let report: ModelReport;

beforeAll(async () => {
  await resetDb();
  shop = await upsertShop(db, { id: "cdnow.myshopify.com", currency: "USD", ianaTimezone: "UTC" });
  const rows = loadCdnowTransactions().map((t, i) => {
    const cents = Math.round(t.value * 100);
    return {
      shopId: shop.id, orderId: `gid://shopify/Order/${i + 1}`, seq: 0, kind: "order", customerId: `gid://shopify/Customer/${t.customerId}`,
      at: t.at, revenue: BigInt(cents), grossMargin: BigInt(cents), contributionMargin: BigInt(cents), countsAsPurchase: true,
    };
  });
  await insertRows(db, "ValueEvent", rows);
  report = await computeModelReport(db, shop, { ...DEFAULT_MODEL_SETTINGS, holdoutMonths: 9 }, new Date("1998-07-01T00:00:00Z"));
}, 120_000);

describe("Model report", () => {
  it("backtests on the paper's calibration and holdout periods", () => {
    expect(report.backtestError).toBeNull();
    const backtest = report.backtest!;
    expect(backtest.calibrationEnd).toBe("1997-09-30");
    expect(backtest.holdoutEnd).toBe("1998-06-30");
    expect(backtest.customers).toBe(2357);
    expect(backtest.bgnbd.r).toBeCloseTo(0.2426, 3);
    expect(backtest.bgnbd.b).toBeCloseTo(2.4257, 2);
    expect(backtest.purchases.actual).toBe(1882);
    expect(backtest.purchases.predicted).toBeCloseTo(1653.4, 0);
    expect(backtest.purchases.correlation).toBeCloseTo(0.626, 2);
    expect(backtest.byFrequency[0].customers).toBe(1411);
  });

  it("forecasts each acquisition cohort with an interval around the estimate", () => {
    const forecast = report.forecast!;
    expect(report.forecastError).toBeNull();
    // CDNOW's customers all made their first purchase in 1997-Q1.
    expect(forecast.cohorts.map((row) => row.cohort)).toEqual(["1997-01", "1997-02", "1997-03"]);
    expect(forecast.cohorts.reduce((sum, row) => sum + row.customers, 0)).toBe(2357);
    for (const row of forecast.cohorts) {
      expect(row.estimate).toBeGreaterThan(0);
      expect(row.lower).not.toBeNull();
      expect(row.lower!).toBeLessThanOrEqual(row.estimate);
      expect(row.upper!).toBeGreaterThanOrEqual(row.estimate);
    }
  });

  it("says why when the history cannot identify the model", async () => {
    const empty = await upsertShop(db, { id: "empty.myshopify.com", currency: "USD" });
    const result = await computeModelReport(db, empty);
    expect(result.backtest).toBeNull();
    expect(result.backtestError).toMatch(/No customer bought before the cut-off/);
    expect(result.forecast).toBeNull();
    expect(result.forecastError).toMatch(/at least one customer/);
  });
});
