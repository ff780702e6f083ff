// @vitest-environment jsdom
import { createRemixStub } from "@remix-run/testing";
import { render, screen } from "@testing-library/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import type { ComponentType } from "react";
import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { saveAnalyticsSettings } from "~/analytics/settings.server";
import { ltvCacCsv } from "~/analytics/ltv-cac.server";
import { refreshAnalytics } from "~/analytics/snapshot.server";
import { insertRows } from "~/lib/chunks";
import { DEFAULT_SEGMENT_THRESHOLDS } from "~/domain/analytics";
import Cohorts, { loader as cohortsLoader } from "~/routes/app.cohorts";
import LtvCac, { loader as ltvCacLoader } from "~/routes/app.ltv-cac";
import Segments, { loader as segmentsLoader } from "~/routes/app.segments";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { AS_OF, seedAnalyticsStore, SHOP } from "./fixture";

async function renderPage(path: string, Component: ComponentType, data: object) {
  const Stub = createRemixStub([{ path: path.split("?")[0], Component: () => <AppProvider i18n={en}><Component /></AppProvider>, loader: () => data }]);
  render(<Stub initialEntries={[path]} />);
}
const load = async <T,>(loader: (args: never) => Promise<T>, path: string) =>
  (loader as unknown as (a: object) => Promise<T>)({ request: await adminRequest(`https://margin-ltv.test${path}`, SHOP), params: {}, context: {} });

beforeAll(async () => {
  await resetDb();
  await seedAnalyticsStore();
  await saveAnalyticsSettings(db, SHOP, { thresholds: { ...DEFAULT_SEGMENT_THRESHOLDS, minSegmentCustomers: 1 } });
  await refreshAnalytics(db, SHOP, { asOf: AS_OF });
});

describe("analytics pages", () => {
  it("renders the cohort heatmap with blank future cells, the average row and the chart placeholder", async () => {
    await renderPage("/app/cohorts", Cohorts, await load(cohortsLoader, "/app/cohorts"));
    const table = await screen.findByRole("table", { name: "Cohort triangle" });
    const jan = screen.getByRole("rowheader", { name: "2026-01" }).closest("tr")!;
    expect(jan.querySelectorAll("td")[1].textContent).toBe("$31.00");
    expect(jan.querySelectorAll("td")[9].textContent).toBe(""); // month 8: not ended
    expect(table.textContent).toContain("Weighted average");
    expect(screen.getByRole("figure", { name: /Cumulative CM-LTV/ })).toBeTruthy();
    expect(screen.getByText(/^Figures as of /)).toBeTruthy();
  });

  it("renders the segments with the revenue-but-not-margin highlight", async () => {
    await renderPage("/app/segments", Segments, await load(segmentsLoader, "/app/segments"));
    expect((await screen.findAllByText(/Ranks 1st of 3 on revenue per customer but 3rd on margin/)).length).toBeGreaterThan(0);
    expect(screen.getByRole("heading", { name: "Country" })).toBeTruthy();
  });

  it("renders LTV:CAC bands", async () => {
    await renderPage("/app/ltv-cac?horizon=3", LtvCac, await load(ltvCacLoader, "/app/ltv-cac?horizon=3"));
    expect((await screen.findAllByText("Fragile")).length).toBeGreaterThan(0);
    expect(screen.getAllByText("Losing money").length).toBeGreaterThan(0);
  });

  it("shows an unknown CAC as – with a pointer to the mapping, never as a free channel", async () => {
    // Without its spend row, pos (C3: $60.00 revenue, $20.00 CM) has a customer and no CAC: "–" for spend, CAC, ratios and payback, here and in the CSV.
    const pos = await db.marketingSpend.findMany({ where: { shopId: SHOP, channel: "pos" } });
    await db.marketingSpend.deleteMany({ where: { shopId: SHOP, channel: "pos" } });
    try {
      await refreshAnalytics(db, SHOP, { asOf: AS_OF });
      const data = await load(ltvCacLoader, "/app/ltv-cac?horizon=3");
      await renderPage("/app/ltv-cac?horizon=3", LtvCac, data);
      const table = await screen.findByRole("table", { name: "LTV:CAC by channel" });
      const row = [...table.querySelectorAll("tbody tr")].find((tr) => tr.querySelector("td")?.textContent === "Point of Sale")!;
      expect([...row.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["Point of Sale", "1", "–", "–", "$20.00", "–", "$60.00", "–", "–"]);
      expect(screen.getByText(/No marketing spend is mapped to Point of Sale, so its CAC/)).toBeTruthy();
      expect(screen.getByRole("link", { name: "Map your marketing channels in Settings" }).getAttribute("href")).toBe("/app/settings");
      const csv = ltvCacCsv(data.report!, { currency: "USD", currencyDigits: 2 }).ltv.rows.find((r) => r[0] === "pos")!;
      expect(csv.slice(4, 12)).toEqual(["", "", "20.00", "60.00", "", "", "", ""]);
    } finally {
      await insertRows(db, "MarketingSpend", pos);
      await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    }
  });

  it("shows the empty states: no spend, and figures not computed yet", async () => {
    const data = await load(ltvCacLoader, "/app/ltv-cac");
    await renderPage("/app/ltv-cac", LtvCac, { ...data, spendRows: 0 });
    expect(await screen.findByText("Add your marketing spend to see CAC")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Enter marketing spend" }).getAttribute("href")).toBe("/app/costs/marketing");
  });

  it("says the figures are being computed when there is no snapshot yet", async () => {
    const data = await load(segmentsLoader, "/app/segments");
    await renderPage("/app/segments", Segments, { ...data, table: null, freshness: { computedAt: null, stale: true, recomputing: true, error: null } });
    expect(await screen.findByText("Your segments are being computed")).toBeTruthy();
    expect(screen.getByText("Computing your figures for the first time…")).toBeTruthy();
  });
});
