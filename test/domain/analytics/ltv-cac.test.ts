import { describe, expect, it } from "vitest";
import type { LtvCacOptions, MarketingSpend } from "~/domain/analytics";
import { buildLtvCacReport, buildLtvCacReports, compareToVertical, prepareAnalytics } from "~/domain/analytics";
import { ACQUISITIONS, AS_OF, CANCELLED, EVENTS, TZ } from "./store";

/**
 * The hand-built store's channels: web = A (Jan), C and D (Feb), H (Jul); instagram = B (Jan), F (Apr); I has no facts (Aug).
 * Cumulative CM by month since acquisition (cohorts.test.ts): A 4000, 4000, 2000 (refund), 2000, 2000, 4000, 4000;
 * B 2500, 2350...; C + D 4300, 4300, 5800...; F 2880...; H 1200. Revenue: A 10000, 10000, 7000, 7000, 7000, 12000; C + D 16000, 16000, 20000.
 */
const base = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });

const SPEND: MarketingSpend[] = [
  { month: "2025-01", channel: "web", amount: 3000 },
  { month: "2025-02", channel: "web", amount: 5000 },
  { month: "2025-07", channel: "web", amount: 2000 },
  { month: "2025-01", channel: "Meta Ads", amount: 6000 },
  { month: "2025-02", channel: "Meta Ads", amount: 2000 },
  { month: "2025-04", channel: "Meta Ads", amount: 2500 },
  { month: "2025-02", channel: "tiktok", amount: 700 },
];
const options: LtvCacOptions = { spend: SPEND, channelMapping: { "Meta Ads": "instagram" }, horizonMonths: 3, currency: "USD" };
const report = buildLtvCacReport(base, options);
const line = (channel: string | null) => report.rows.find((r) => r.channel === channel)!;

describe("CAC per month and channel", () => {
  it("divides mapped spend by new customers of the same local month", () => {
    expect(report.cac.map((r) => [r.month, r.channel, r.spend, r.newCustomers, r.cac])).toEqual([
      ["2025-01", null, 9000, 2, 4500], ["2025-01", "web", 3000, 1, 3000], ["2025-01", "instagram", 6000, 1, 6000],
      ["2025-02", null, 7700, 2, 3850], ["2025-02", "web", 5000, 2, 2500], ["2025-02", "instagram", 2000, 0, null], ["2025-02", "tiktok", 700, 0, null],
      ["2025-04", null, 2500, 1, 2500], ["2025-04", "instagram", 2500, 1, 2500],
      ["2025-07", null, 2000, 1, 2000], ["2025-07", "web", 2000, 1, 2000],
      ["2025-08", null, 0, 1, null], // I: no facts, blended only; no spend row names August: CAC unknown, not zero
    ]);
    expect(report.unmatchedSpendChannels).toEqual(["tiktok"]);
  });
});

describe("LTV:CAC at a horizon, side by side, with payback", () => {
  it("web: months Jan..May reached month 2; payback in month 1", () => {
    // spend 3000 + 5000 = 8000 for A, C, D: CAC 2666.67 -> 2667. CM by month 2: 2000 + 5800 = 7800 -> 2600 per customer;
    // revenue 7000 + 20000 = 27000 -> 9000. CM ratio 7800 / 8000 = 0.975 -> 98 hundredths, "1.0x", losing money;
    // revenue 3.375 -> 338, "3.4x". Payback: month 0 (Jan..Jul): 4000 + 4300 + 1200 = 9500 < 10000 spend;
    // month 1 (Jan..Jun): 4000 + 4300 = 8300 >= 8000 -> month 1.
    expect(line("web")).toEqual({
      channel: "web", cohortMonths: 5, customers: 3, spendKnown: true, spend: 8000, cac: 2667, cmLtv: 2600, revenueLtv: 9000,
      cmLtvToCac: { x100: 98, display: "1.0x", band: "losing_money" }, revenueLtvToCac: { x100: 338, display: "3.4x" }, paybackMonth: 1,
    });
  });

  it("instagram never pays back within the data; tiktok has spend and no customers", () => {
    // spend 6000 + 2000 + 2500 = 10500 for B, F; CM by month 2: 2350 + 2880 = 5230 -> 0.498 -> "0.5x"
    expect(line("instagram")).toMatchObject({ customers: 2, spend: 10500, cac: 5250, cmLtv: 2615, cmLtvToCac: { x100: 50, display: "0.5x", band: "losing_money" }, paybackMonth: null });
    expect(line("tiktok")).toMatchObject({ customers: 0, spend: 700, cac: null, cmLtv: null, cmLtvToCac: null, paybackMonth: null });
  });

  it("the blended row takes all spend and all new customers", () => {
    // Jan..May: spend 9000 + 7700 + 2500 = 19200 for 5 customers -> CAC 3840; CM 4350 + 5800 + 2880 = 13030 -> 2606;
    // revenue 15000 + 20000 + 7000 = 42000 -> 8400. 13030 / 19200 = 0.679 -> "0.7x"; 42000 / 19200 = 2.1875 -> 219, "2.2x"
    expect(line(null)).toEqual({
      channel: null, cohortMonths: 5, customers: 5, spendKnown: true, spend: 19200, cac: 3840, cmLtv: 2606, revenueLtv: 8400,
      cmLtvToCac: { x100: 68, display: "0.7x", band: "losing_money" }, revenueLtvToCac: { x100: 219, display: "2.2x" }, paybackMonth: null,
    });
  });

  it("bands the ratio exactly at the boundaries", () => {
    // web at 6 months: only Jan and Feb reached month 5; CM 4000 + 5800 = 9800. Spend only in January.
    const band = (amount: number) => buildLtvCacReport(base, { spend: [{ month: "2025-01", channel: "web", amount }], horizonMonths: 6, currency: "USD" })
      .rows.find((r) => r.channel === "web")!.cmLtvToCac;
    expect(band(3920)).toMatchObject({ x100: 250, band: "healthy" }); // 2.5 exactly
    expect(band(3921)).toMatchObject({ x100: 250, band: "below_target" }); // 2.4994
    expect(band(2450)).toMatchObject({ x100: 400, band: "strong" }); // 4.0 exactly
    expect(band(2449)).toMatchObject({ x100: 400, band: "under_investing" }); // 4.0016
    expect(band(9800)).toMatchObject({ x100: 100, band: "fragile" }); // 1.0 exactly
    expect(band(9801)).toMatchObject({ x100: 100, band: "losing_money" });
  });

  it("keeps to the chosen acquisition months", () => {
    const feb = buildLtvCacReport(base, { ...options, from: "2025-02", to: "2025-02" });
    expect(feb.rows.find((r) => r.channel === "web")).toMatchObject({ cohortMonths: 1, customers: 2, spend: 5000, cmLtv: 2900, paybackMonth: 2 });
    // Feb alone: month 0 4300 < 5000, month 1 4300, month 2 5800 >= 5000
  });

  it("matches channels exactly without a mapping", () => {
    const unmapped = buildLtvCacReport(base, { ...options, channelMapping: undefined });
    expect(unmapped.unmatchedSpendChannels).toEqual(["Meta Ads", "tiktok"]);
    // No spend row names instagram: its CAC is unknown ("–"), not free, so no ratio or payback either.
    expect(unmapped.rows.find((r) => r.channel === "instagram")).toMatchObject({
      customers: 2, spendKnown: false, spend: 0, cac: null, cmLtv: 2615, cmLtvToCac: null, revenueLtvToCac: null, paybackMonth: null,
    });
    expect(unmapped.cac.filter((r) => r.channel === "instagram").map((r) => [r.month, r.spendKnown, r.newCustomers, r.cac]))
      .toEqual([["2025-01", false, 1, null], ["2025-04", false, 1, null]]);
    // A spend row of zero is a known, free channel: CAC 0.
    const free = buildLtvCacReport(base, { spend: [{ month: "2025-01", channel: "instagram", amount: 0 }], horizonMonths: 3, currency: "USD" });
    expect(free.rows.find((r) => r.channel === "instagram")).toMatchObject({ spendKnown: true, cac: 0, cmLtvToCac: null });
    expect(free.rows.find((r) => r.channel === "web")).toMatchObject({ spendKnown: false, cac: null });
  });
});

describe("reports at several horizons", () => {
  it("equal the one-horizon reports at each horizon, in the order given", () => {
    const { horizonMonths: _, ...shared } = options;
    const horizons = [3, 6, 12, 24, 36, 1];
    const reports = buildLtvCacReports(base, shared, horizons);
    expect(reports).toEqual(horizons.map((horizonMonths) => buildLtvCacReport(base, { ...shared, horizonMonths })));
    expect(reports.map((r) => r.horizonMonths)).toEqual(horizons);
    // Different horizons, different figures: the sharing did not make them one report.
    expect(reports[0].rows[0]).not.toEqual(reports[3].rows[0]);
  });
});

describe("the store against the vertical benchmarks", () => {
  it("reports the store's CM % (guests included) and CM-LTV with a verdict", () => {
    // revenue 53000 + guest 9000 = 62000; CM 16430 + 3000 = 19430 -> 31.34%: within apparel's 30-40%
    const eur = buildLtvCacReport(base, { ...options, vertical: "apparel", currency: "EUR" });
    expect(eur.storeContributionMarginBps).toBe(3134);
    expect(eur.benchmark?.contributionMargin.verdict).toBe("within");
    expect(eur.benchmark?.cmLtv).toMatchObject({ store: 2606, verdict: "below", note: null }); // €26.06 against €90-160
    const usd = buildLtvCacReport(base, { ...options, vertical: "apparel" });
    expect(usd.benchmark?.cmLtv).toMatchObject({ verdict: null, note: "The benchmark is in EUR; convert the store's USD CM-LTV to compare." });
  });

  it("gives below / within / above with inclusive ends", () => {
    const cm = (bps: number) => compareToVertical("beauty", { contributionMarginBps: bps, cmLtv: null, currency: "EUR" }).contributionMargin.verdict;
    expect([cm(4499), cm(4500), cm(6000), cm(6001)]).toEqual(["below", "within", "within", "above"]); // beauty 45-60%
    const ltv = (minor: number) => compareToVertical("beauty", { contributionMarginBps: null, cmLtv: minor, currency: "EUR" }).cmLtv.verdict;
    expect([ltv(13999), ltv(14000), ltv(28000), ltv(28001)]).toEqual(["below", "within", "within", "above"]); // €140-280
    expect(() => compareToVertical("pets", { contributionMarginBps: 1, cmLtv: 1, currency: "EUR" })).toThrow(/unknown vertical/);
  });
});
