import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import db from "~/db.server";
import { componentVersions, deleteComponentVersion, saveComponentVersion } from "~/costs/components.server";
import { loadCostConfig } from "~/costs/config.server";
import { exportMarketingSpendCsv, exportServiceContactCsv, exportVariantCostCsv, importMarketingSpendCsv, importServiceContactCsv, importVariantCostCsv } from "~/costs/csv.server";
import { parseAmount, parseDay, parsePercent } from "~/costs/input";
import { getCostSettings } from "~/costs/settings.server";
import { listVariants, refreshVariantsFromOrders } from "~/costs/variants.server";
import { CostConfigError } from "~/domain/economics/cost-config";
import { getShop } from "~/shops/shops.server";
import run from "../../scripts/cli/costs";
import { resetDb } from "../support/db";
import { seedCosts, seedStore, SHOP, V11, V12 } from "./fixture";

const shop = async () => (await getShop(db, SHOP))!;

beforeEach(async () => {
  await resetDb();
  await seedStore();
  await refreshVariantsFromOrders(db, SHOP);
});

describe("form inputs", () => {
  it("parses amounts exactly and refuses negatives, percentages above 100 and impossible dates", () => {
    expect(parseAmount("4.50", 2)).toEqual({ ok: true, value: 450 });
    expect(parseAmount("1500", 0)).toEqual({ ok: true, value: 1500 });
    expect(parseAmount("-1.00", 2)).toMatchObject({ ok: false, error: expect.stringMatching(/negative/) });
    expect(parseAmount("4.505", 2)).toMatchObject({ ok: false });
    expect(parsePercent("2.9")).toEqual({ ok: true, value: 290 });
    expect(parsePercent("3.49%")).toEqual({ ok: true, value: 349 });
    expect(parsePercent("100.01")).toMatchObject({ ok: false, error: "Must be at most 100%" });
    expect(parseDay("2026-02-30", "UTC")).toMatchObject({ ok: false, error: "2026-02-30 is not a real date" });
    expect(parseDay("03/01/2026", "UTC")).toMatchObject({ ok: false });
    expect(parseDay("2026-03-01", "America/New_York")).toEqual({ ok: true, value: new Date("2026-03-01T05:00:00Z") });
  });
});

describe("cost components", () => {
  it("saves effective-dated versions, bumps the cost version each time and assembles the engine's config", async () => {
    await seedCosts();
    const settings = await getCostSettings(db, SHOP);
    expect(settings.version).toBe(7);
    const config = await loadCostConfig(db, SHOP);
    expect(config.currency).toBe("USD");
    expect(config.variantCosts).toEqual([{ variantId: V11, unitCost: 1000, validFrom: new Date("2026-01-01T00:00:00Z") }]);
    expect(config.fulfilment).toEqual([{ perOrder: 200, perItem: 50, validFrom: new Date("2025-01-01T00:00:00Z") }]);
    expect(config.paymentFees[0].gateways[0]).toEqual({ gateway: "shopify_payments", percentBps: 290, fixedPerOrder: 30 });
    await saveComponentVersion(db, SHOP, "USD", "fulfilment", { perOrder: 250, perItem: 50, validFrom: new Date("2026-04-01T00:00:00Z") });
    expect((await componentVersions(db, SHOP, "fulfilment")).map((v) => v.version.perOrder)).toEqual([200, 250]);
    // Same date again: a correction replaces that version.
    await saveComponentVersion(db, SHOP, "USD", "fulfilment", { perOrder: 260, perItem: 50, validFrom: new Date("2026-04-01T00:00:00Z") });
    expect((await componentVersions(db, SHOP, "fulfilment")).map((v) => v.version.perOrder)).toEqual([200, 260]);
    expect(await deleteComponentVersion(db, SHOP, "fulfilment", new Date("2026-04-01T00:00:00Z"))).toBe(10);
  });

  it("refuses what the engine refuses, with the field path, and saves nothing", async () => {
    const error = await saveComponentVersion(db, SHOP, "USD", "returns", {
      perReturn: -1, perReturnedItem: 0, windowDays: 30, expectedReturnRateBps: 12_000, validFrom: new Date("2026-01-01T00:00:00Z"),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(CostConfigError);
    expect((error as CostConfigError).issues.map((issue) => issue.path).sort()).toEqual(["expectedReturnRateBps", "perReturn"]);
    expect(await db.costComponentVersion.count({ where: { shopId: SHOP } })).toBe(0);
    expect((await getCostSettings(db, SHOP)).version).toBe(0);
  });
});

describe("variant cost CSV", () => {
  it("imports by GID and by SKU, and exports the same format", async () => {
    const result = await importVariantCostCsv(db, await shop(), [
      "variant_id,sku,cost,valid_from",
      `${V11},,10.00,2026-01-01`,
      ",SKU-12,55.5,2026-01-01",
      "11,,12.00,2026-03-01",
    ].join("\n"));
    expect(result).toEqual({ ok: true, rows: 3, version: 1 });
    const config = await loadCostConfig(db, SHOP);
    expect(config.variantCosts.map((c) => [c.variantId, c.unitCost, c.validFrom.toISOString()]).sort()).toEqual([
      [V11, 1000, "2026-01-01T00:00:00.000Z"], [V11, 1200, "2026-03-01T00:00:00.000Z"], [V12, 5550, "2026-01-01T00:00:00.000Z"],
    ]);
    const csv = await exportVariantCostCsv(db, await shop());
    expect(csv).toBe([
      "variant_id,sku,cost,valid_from",
      `${V11},SKU-11,10.00,2026-01-01`,
      `${V11},SKU-11,12.00,2026-03-01`,
      `${V12},SKU-12,55.50,2026-01-01`,
      "",
    ].join("\n"));
    // Re-importing the export changes nothing but the version.
    expect(await importVariantCostCsv(db, await shop(), csv)).toMatchObject({ ok: true, rows: 3 });
    expect((await loadCostConfig(db, SHOP)).variantCosts).toHaveLength(3);
  });

  it("reports each bad row with its line number and applies nothing from the file", async () => {
    const result = await importVariantCostCsv(db, await shop(), [
      "variant_id,sku,cost,valid_from",
      `${V11},,10.00,2026-01-01`,
      `${V12},,-3.00,2026-01-01`,
      ",NO-SUCH-SKU,1.00,2026-01-01",
      `${V11},,abc,2026-02-30`,
      `${V11},,11.00,2026-01-01`,
    ].join("\n"));
    expect(result).toEqual({ ok: false, errors: [
      { line: 3, message: "cost: Must not be negative: enter costs as positive amounts" },
      { line: 4, message: `sku: no known variant has SKU "NO-SUCH-SKU" (import Shopify's catalogue first, or give the variant_id)` },
      { line: 5, message: `cost: Must be an amount like 4.50 (at most 2 decimals), got "abc"` },
      { line: 5, message: "valid_from: 2026-02-30 is not a real date" },
      { line: 6, message: `duplicate: line 2 already sets ${V11} from 2026-01-01` },
    ] });
    expect(await db.variantCost.count({ where: { shopId: SHOP } })).toBe(0);
    expect((await getCostSettings(db, SHOP)).version).toBe(0);
  });

  it("refuses a file with a wrong header or a broken row", async () => {
    expect(await importVariantCostCsv(db, await shop(), "variant,cost\nx,1")).toMatchObject({ ok: false, errors: [{ line: 1 }, { line: 1 }, { line: 1 }] });
    const broken = await importVariantCostCsv(db, await shop(), `variant_id,sku,cost,valid_from\n${V11},,1.00,2026-01-01\n${V11},1.00\n`);
    expect(broken).toMatchObject({ ok: false, errors: [{ line: 3 }] });
  });
});

describe("service contacts and marketing spend CSV", () => {
  it("imports contacts by customer or order name, all or nothing", async () => {
    const bad = await importServiceContactCsv(db, await shop(), "customer_id,order_name,contacted_on\n1,,2026-01-05\n,,2026-01-06\nx,,2026-01-07\n");
    expect(bad).toMatchObject({ ok: false, errors: [{ line: 3 }, { line: 4 }] });
    expect(await db.serviceContact.count()).toBe(0);
    const good = await importServiceContactCsv(db, await shop(), "customer_id,order_name,contacted_on\n1,,2026-01-05\n,#1002,2026-03-11\n");
    expect(good).toEqual({ ok: true, rows: 2, version: 1 });
    const stored = await db.serviceContact.findMany({ where: { shopId: SHOP }, orderBy: { contactedAt: "asc" } });
    expect(stored.map((c) => [c.customerId, c.orderName, c.orderId])).toEqual([
      ["gid://shopify/Customer/1", null, null], ["gid://shopify/Customer/1", "#1002", "gid://shopify/Order/102"],
    ]);
    expect(await exportServiceContactCsv(db, await shop())).toBe("customer_id,order_name,contacted_on\ngid://shopify/Customer/1,,2026-01-05\n,#1002,2026-03-11\n");
  });

  it("imports marketing spend by month and channel without touching the cost version", async () => {
    const bad = await importMarketingSpendCsv(db, await shop(), "month,channel,amount\n2026-13,Meta,10\n2026-01,,5\n2026-01,Google,-1\n");
    expect(bad).toMatchObject({ ok: false, errors: [{ line: 2 }, { line: 3 }, { line: 4 }] });
    expect(await importMarketingSpendCsv(db, await shop(), "month,channel,amount\n2026-01,Meta,1200.50\n2026-01,Google,800\n")).toEqual({ ok: true, rows: 2 });
    expect(await exportMarketingSpendCsv(db, await shop())).toBe("month,channel,amount\n2026-01,Google,800.00\n2026-01,Meta,1200.50\n");
    expect((await getCostSettings(db, SHOP)).version).toBe(0);
  });
});

describe("variant list", () => {
  it("pages, searches and filters variants on the server", async () => {
    await importVariantCostCsv(db, await shop(), `variant_id,sku,cost,valid_from\n${V11},,10.00,2026-01-01\n`);
    const all = await listVariants(db, SHOP, { offset: 0, limit: 10 });
    expect(all.total).toBe(2);
    expect(all.rows.find((r) => r.variantId === V11)).toMatchObject({ unitCost: 1000, source: "csv", versions: 1 });
    expect((await listVariants(db, SHOP, { offset: 0, limit: 10, filter: "missing" })).rows.map((r) => r.variantId)).toEqual([V12]);
    expect((await listVariants(db, SHOP, { offset: 0, limit: 10, filter: "recent" })).rows.map((r) => r.variantId)).toEqual([V11]);
    expect((await listVariants(db, SHOP, { offset: 0, limit: 10, search: "sku-12" })).rows.map((r) => r.variantId)).toEqual([V12]);
    expect((await listVariants(db, SHOP, { offset: 1, limit: 1 })).rows).toHaveLength(1);
  });
});

describe("costs CLI", () => {
  it("imports a file, exports it back, and fails with line numbers and a non-zero exit code", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "costs-cli-"));
    const good = path.join(dir, "good.csv");
    const bad = path.join(dir, "bad.csv");
    writeFileSync(good, `variant_id,sku,cost,valid_from\n${V11},,10.00,2026-01-01\n`);
    writeFileSync(bad, `variant_id,sku,cost,valid_from\n${V11},,10.00,2026-01-01\n${V12},,ten,2026-01-01\n`);
    const errors: string[] = [];
    const out: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    try {
      expect(await run(["import", "--shop", SHOP, bad])).toBe(1);
      expect(errors[0]).toBe(`${bad}:3: cost: Must be an amount like 4.50 (at most 2 decimals), got "ten"`);
      expect(await db.variantCost.count()).toBe(0);
      expect(await run(["import", "--shop", SHOP, good])).toBe(0);
      expect(await db.orderMargin.count({ where: { shopId: SHOP } })).toBe(4);
      expect(await run(["export", "--shop", SHOP])).toBe(0);
      expect(out.join("")).toBe(`variant_id,sku,cost,valid_from\n${V11},SKU-11,10.00,2026-01-01\n`);
      expect(await run(["export", "--shop", "nope.myshopify.com"])).toBe(1);
      expect(await run(["import", "--shop", SHOP])).toBe(2);
    } finally {
      write.mockRestore();
      vi.restoreAllMocks();
    }
  });
});
