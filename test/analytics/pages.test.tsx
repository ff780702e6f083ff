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
import { loader as cohortsCsvLoader } from "~/routes/app.cohorts[.csv]";
import { readProjections } from "~/analytics/projections.server";
import { parse } from "csv-parse/sync";
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
    const month8 = jan.querySelectorAll("td")[9] as HTMLElement; // month 8: not ended, so blank or projected, never an observed figure
    expect(month8.querySelector("a")).toBeNull();
    expect(month8.textContent === "" || month8.dataset.projected === "true").toBe(true);
    expect(table.textContent).toContain("Weighted average");
    expect(screen.getByRole("figure", { name: /Cumulative CM-LTV/ })).toBeTruthy();
    expect(screen.getByText(/^Figures as of /)).toBeTruthy();
  });

  it("stores the model's projection with the refresh: projected cells or the reason there are none", async () => {
    const data = await load(cohortsLoader, "/app/cohorts");
    expect(data.projection).not.toBeNull();
    if (data.projection!.status === "unavailable") expect(data.projection!.message.length).toBeGreaterThan(10);
    else expect(data.projection!.status).toBe("ready");
    const filtered = await load(cohortsLoader, "/app/cohorts?channel=web");
    if (filtered.projection!.status !== "unavailable") expect(filtered.projection).toMatchObject({ status: "filtered", cohorts: [] });
  });

  it("draws projected cells beyond the observed months, italic with their 80% interval, and a legend", async () => {
    const data = await load(cohortsLoader, "/app/cohorts");
    const projection = {
      status: "ready", calibrationEnd: "2026-08-31", level: 0.8, intervalMessage: null, nonPositiveMarginCustomers: 2,
      cohorts: [{ cohort: "2026-01", cells: [{ month: 8, estimate: 3550, lower: 3300, upper: 3820 }, { month: 9, estimate: 3700, lower: null, upper: null }] }],
    };
    await renderPage("/app/cohorts", Cohorts, { ...data, projection });
    const jan = (await screen.findByRole("rowheader", { name: "2026-01" })).closest("tr")!;
    const cells = jan.querySelectorAll("td");
    expect(cells[1].textContent).toBe("$31.00"); // observed month 0 unchanged
    const projected = cells[9] as HTMLElement; // month 8
    expect(projected.dataset.projected).toBe("true");
    expect(projected.textContent).toBe("$35.50");
    expect(projected.style.fontStyle).toBe("italic");
    expect(projected.title).toBe("2026-01, month 8: projected $35.50 per customer (80% interval $33.00 – $38.20)");
    expect((cells[10] as HTMLElement).title).toContain("no interval");
    expect(jan.querySelectorAll("td[data-projected]").length).toBe(2);
    expect(screen.getByText(/are projected, 80% interval in each cell/)).toBeTruthy();
    expect(screen.getByText(/2 customers whose repeat orders lose money/)).toBeTruthy();
  });

  it("exports the projected cells in the CSV as separate rows marked projected, with the interval's ends", async () => {
    const response = (await load(cohortsCsvLoader, "/app/cohorts.csv")) as unknown as Response;
    const rows = parse(await response.text()) as string[][];
    const stored = await readProjections(db, SHOP);
    expect(stored?.status).toBe("ready");
    if (stored?.status !== "ready") return;
    const jan = stored.cohorts.find((c) => c.cohort === "2026-01")!;
    const estimate = rows.find((r) => r[0] === "2026-01 projected")!;
    const lower = rows.find((r) => r[0] === "2026-01 projected 80% lower")!;
    const upper = rows.find((r) => r[0] === "2026-01 projected 80% upper")!;
    const observed = rows.find((r) => r[0] === "2026-01")!;
    const first = jan.cells[0];
    expect(observed[2 + first.month]).toBe(""); // not observed yet
    expect(estimate[2 + first.month]).toBe((first.estimate / 100).toFixed(2));
    // The tiny fixture store may not pin the parameters down: then the interval's ends are blank.
    expect(lower[2 + first.month]).toBe(first.lower === null ? "" : (first.lower / 100).toFixed(2));
    expect(upper[2 + first.month]).toBe(first.upper === null ? "" : (first.upper / 100).toFixed(2));
    expect(estimate[2]).toBe(""); // observed months stay blank on projected rows
    expect(rows.indexOf(estimate)).toBeGreaterThan(rows.findIndex((r) => r[0] === "weighted average"));
  });

  it("shows no projected cell on other metrics, and says why", async () => {
    const data = await load(cohortsLoader, "/app/cohorts?metric=revenue");
    const projection = { status: "ready", calibrationEnd: "2026-08-31", level: 0.8, intervalMessage: null, nonPositiveMarginCustomers: 0,
      cohorts: [{ cohort: "2026-01", cells: [{ month: 8, estimate: 3550, lower: 3300, upper: 3820 }] }] };
    await renderPage("/app/cohorts?metric=revenue", Cohorts, { ...data, projection });
    await screen.findByRole("table", { name: "Cohort triangle" });
    expect(document.querySelectorAll("td[data-projected]").length).toBe(0);
    expect(screen.getByText("Projections are shown on the CM-LTV view.")).toBeTruthy();
  });

  it("renders the segments with the revenue-but-not-margin highlight", async () => {
    await renderPage("/app/segments", Segments, await load(segmentsLoader, "/app/segments"));
    expect((await screen.findAllByText(/Ranks 1st of 3 on revenue per customer but 3rd on margin/)).length).toBeGreaterThan(0);
    expect(screen.getByRole("heading", { name: "Country" })).toBeTruthy();
  });

  it("shows each segment's predicted CM-LTV with its interval, and a dash where the model has no row for a segment", async () => {
    const data = await load(segmentsLoader, "/app/segments");
    const row = { customers: 4, nonPositiveMarginCustomers: 0, observedToDate: 1275 };
    const predictions = {
      status: "ready", horizonEnd: "2027-07-31", level: 0.8, intervalMessage: null,
      rows: { all: { ...row, key: "all", estimate: 2140, lower: 1990, upper: 2305 }, "country:GB": { ...row, key: "country:GB", customers: 1, estimate: -1320, lower: null, upper: null } },
    };
    await renderPage("/app/segments", Segments, { ...data, predictions });
    const country = (await screen.findByRole("heading", { name: "Country" })).closest("div")!.parentElement!;
    expect(country.textContent).toContain("Predicted CM-LTV by Jul 2027");
    const gb = [...document.querySelectorAll("td[data-predicted]")].find((td) => td.getAttribute("title")?.startsWith("GB:")) as HTMLElement | undefined;
    expect(gb?.textContent).toBe("-$13.20");
    expect(gb?.title).toBe("GB: predicted -$13.20 per customer by the end of Jul 2027");
    const total = [...document.querySelectorAll("td[data-predicted]")].find((td) => td.getAttribute("title")?.startsWith("All customers:")) as HTMLElement;
    expect(total.textContent).toBe("$21.40$19.90 – $23.05");
    expect(total.title).toBe("All customers: predicted $21.40 per customer by the end of Jul 2027 (80% interval $19.90 – $23.05)");
    // Segments the model has no row for (none of its customers bought before the calibration end) show a dash.
    const us = screen.getAllByText("US")[0].closest("tr")!;
    expect(us.querySelectorAll("td")[5].textContent).toBe("–");
    expect(screen.getByText(/expects from them by 2027-07-31, undiscounted, with its 80% interval/)).toBeTruthy();
  });

  it("says why segments have no prediction when the model cannot be fitted", async () => {
    const data = await load(segmentsLoader, "/app/segments");
    await renderPage("/app/segments", Segments, { ...data, predictions: { status: "unavailable", message: "The history does not identify the purchase model yet." } });
    expect(await screen.findByText("No predicted CM-LTV yet: The history does not identify the purchase model yet.")).toBeTruthy();
    expect(document.querySelectorAll("td[data-predicted]").length).toBe(0);
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
