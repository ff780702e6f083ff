import { parse } from "csv-parse/sync";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { refreshAnalytics } from "~/analytics/snapshot.server";
import run from "../../scripts/cli/report";
import { resetDb } from "../support/db";
import { AS_OF, seedAnalyticsStore, SHOP } from "./fixture";

let out = "";
beforeAll(async () => {
  await resetDb();
  await seedAnalyticsStore();
  await refreshAnalytics(db, SHOP, { asOf: AS_OF });
});
afterEach(() => vi.restoreAllMocks());

async function cli(args: string[]): Promise<number> {
  out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(db, "$disconnect").mockResolvedValue(undefined);
  return run(args);
}

describe("npm run cli -- report", () => {
  it("prints the cohort table as CSV", async () => {
    expect(await cli(["cohorts", "--shop", SHOP, "--metric", "revenue"])).toBe(0);
    const rows = parse(out) as string[][];
    expect(rows[1].slice(0, 5)).toEqual(["2026-01", "2", "86.00", "86.00", "68.00"]);
  });

  it("prints segments and LTV:CAC as JSON", async () => {
    expect(await cli(["segments", "--shop", SHOP, "--format", "json"])).toBe(0);
    expect(JSON.parse(out)[0]).toMatchObject({ dimension: "all", customers: 4, revenue_USD: "346.00" });
    expect(await cli(["ltv-cac", "--shop", SHOP, "--format", "json", "--horizon", "3"])).toBe(0);
    expect(JSON.parse(out).ltv_cac[0]).toMatchObject({ channel: "all channels", band: "losing_money" });
  });

  it("computes the figures as of a past day with --as-of (months after it blank)", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      // As of 2026-02-28 (New York): January's cohort has ended month 0 only; month 1 (February) has not ended.
      expect(await cli(["cohorts", "--shop", SHOP, "--metric", "revenue", "--as-of", "2026-02-28"])).toBe(0);
      const jan = (parse(out) as string[][])[1];
      expect(jan.slice(0, 5)).toEqual(["2026-01", "2", "86.00", "", ""]);
      expect(await cli(["cohorts", "--shop", SHOP, "--as-of", "2026-02-30"])).toBe(2);
    } finally {
      await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    }
  });

  it("refuses bad arguments", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(await cli(["nope", "--shop", SHOP])).toBe(2);
    expect(await cli(["cohorts", "--shop", "unknown.myshopify.com"])).toBe(1);
  });
});
