import { describe, expect, it } from "vitest";
import { CostConfigError, costConfigSchema, costInForce, emptyCostConfig, parseCostConfig } from "~/domain/economics/cost-config";
import { referenceCostInput, V1 } from "./fixtures";

/** The issues zod reports for a config with `patch` applied to the reference input. */
function issuesOf(patch: Record<string, unknown>): Array<{ path: string; message: string }> {
  try {
    parseCostConfig({ ...referenceCostInput(), ...patch });
  } catch (error) {
    if (error instanceof CostConfigError) return error.issues;
    throw error;
  }
  throw new Error("expected the config to be refused");
}

describe("parseCostConfig", () => {
  it("reads dates as instants and fills absent components", () => {
    const config = parseCostConfig({
      currency: "EUR",
      fulfilment: [{ perOrder: 400, perItem: 0, validFrom: "2026-03-01" }],
      service: [{ perContact: 300, validFrom: "2026-03-01T00:00:00+01:00" }],
    });
    expect(config.fulfilment[0].validFrom).toEqual(new Date("2026-03-01T00:00:00Z"));
    expect(config.service[0].validFrom).toEqual(new Date("2026-02-28T23:00:00Z"));
    expect(config).toMatchObject({ variantCosts: [], shipping: [], paymentFees: [], returns: [], useActualPaymentFees: true });
    expect(emptyCostConfig("EUR")).toEqual({ ...config, fulfilment: [], service: [] });
  });

  it("accepts the reference stack", () => {
    expect(costConfigSchema.safeParse(referenceCostInput()).success).toBe(true);
  });

  it("refuses a negative cost, naming the field", () => {
    expect(issuesOf({ fulfilment: [{ perOrder: -300, perItem: 50, validFrom: "2026-01-01" }] })).toEqual([
      { path: "fulfilment.0.perOrder", message: "must not be negative: enter costs as positive amounts" },
    ]);
  });

  it("refuses a percentage above 100%", () => {
    const fees = {
      gateways: [{ gateway: "paypal", percentBps: 10_001, fixedPerOrder: 0 }],
      fallback: { percentBps: 300, fixedPerOrder: 0 },
      validFrom: "2026-01-01",
    };
    expect(issuesOf({ paymentFees: [fees] })).toEqual([
      { path: "paymentFees.0.gateways.0.percentBps", message: "must be at most 10000 basis points (100%)" },
    ]);
    const returns = [{ perReturn: 0, perReturnedItem: 0, windowDays: 30, expectedReturnRateBps: 12_000, validFrom: "2026-01-01" }];
    expect(issuesOf({ returns })[0].path).toBe("returns.0.expectedReturnRateBps");
  });

  it("refuses dates that are not real dates", () => {
    for (const bad of ["2026-02-30", "yesterday", "2026-13-01", "2026-03-01T10:00:00"]) {
      const issues = issuesOf({ service: [{ perContact: 250, validFrom: bad }] });
      expect(issues).toHaveLength(1);
      expect(issues[0].path).toBe("service.0.validFrom");
      expect(issues[0].message).toMatch(/must be a real date/);
    }
    expect(issuesOf({ service: [{ perContact: 250, validFrom: new Date("nope") }] })[0].path).toBe("service.0.validFrom");
  });

  it("refuses decimal money, two versions starting together, unknown methods, keys and codes", () => {
    expect(issuesOf({ service: [{ perContact: 2.5, validFrom: "2026-01-01" }] })[0]).toEqual({
      path: "service.0.perContact", message: "must be a whole number of minor units (cents, not decimals)",
    });
    expect(issuesOf({ service: [{ perContact: 1, validFrom: "2026-01-01" }, { perContact: 2, validFrom: "2026-01-01" }] })[0])
      .toMatchObject({ path: "service.1.validFrom" });
    expect(issuesOf({ variantCosts: [{ variantId: V1, unitCost: 1, validFrom: "2026-01-01" }, { variantId: V1, unitCost: 2, validFrom: "2026-01-01T00:00:00Z" }] })[0])
      .toMatchObject({ path: "variantCosts.1.validFrom" });
    expect(issuesOf({ shipping: [{ method: "by_weight", validFrom: "2026-01-01" }] })[0]).toEqual({
      path: "shipping.0.method", message: "method must be flat_per_order, per_country or percent_of_shipping_charged",
    });
    expect(issuesOf({ shipping: [{ method: "per_country", byCountry: { fr: 500 }, fallback: 600, validFrom: "2026-01-01" }] })[0].path)
      .toBe("shipping.0.byCountry.fr");
    expect(issuesOf({ currency: "usd" })[0].path).toBe("currency");
    const gateways = (names: unknown[]) => [{
      gateways: names.map((gateway) => ({ gateway, percentBps: 290, fixedPerOrder: 30 })),
      fallback: { percentBps: 300, fixedPerOrder: 0 }, validFrom: "2026-01-01",
    }];
    expect(issuesOf({ paymentFees: gateways(["paypal", "PayPal"]) })[0]).toEqual({
      path: "paymentFees.0.gateways.1.gateway", message: "PayPal is listed twice",
    });
    expect(issuesOf({ paymentFees: gateways([5, "paypal"]) })[0].path).toBe("paymentFees.0.gateways.0.gateway");
    expect(issuesOf({ fulfilment: [{ perorder: 1, perItem: 0, validFrom: "2026-01-01" }] }).map((issue) => issue.path))
      .toEqual(["fulfilment.0.perOrder", "fulfilment.0"]);
  });

  it("reports every problem at once", () => {
    const error = (() => {
      try {
        parseCostConfig({ currency: "USD", fulfilment: [{ perOrder: -1, perItem: -1, validFrom: "never" }] });
      } catch (caught) {
        return caught as CostConfigError;
      }
    })();
    expect(error?.issues.map((issue) => issue.path)).toEqual(["fulfilment.0.perOrder", "fulfilment.0.perItem", "fulfilment.0.validFrom"]);
    expect(error?.message).toMatch(/^Invalid cost configuration: fulfilment\.0\.perOrder: must not be negative/);
  });
});

describe("costInForce", () => {
  const versions = [
    { validFrom: new Date("2026-04-01T00:00:00Z"), cost: 2 },
    { validFrom: new Date("2026-01-01T00:00:00Z"), cost: 1 },
  ];
  it("returns the latest version whose validFrom is not after the date, in any order", () => {
    expect(costInForce(versions, new Date("2025-12-31T23:59:59Z"))).toBeUndefined();
    expect(costInForce(versions, new Date("2026-01-01T00:00:00Z"))?.cost).toBe(1);
    expect(costInForce(versions, new Date("2026-03-31T23:59:59Z"))?.cost).toBe(1);
    expect(costInForce(versions, new Date("2026-04-01T00:00:00Z"))?.cost).toBe(2);
  });
});
