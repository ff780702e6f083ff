import { describe, expect, it } from "vitest";
import { cogsCoverage, lineCostKind } from "~/domain/economics/coverage";
import { parseCostConfig } from "~/domain/economics/cost-config";
import type { LedgerOrder } from "~/domain/ledger/types";

const V1 = "gid://shopify/ProductVariant/1";
const V2 = "gid://shopify/ProductVariant/2";

const line = (id: number, variantId: string | null, netSales: number, giftCard = false) => ({
  id: `gid://shopify/LineItem/${id}`, productId: null, variantId, sku: null, title: "x", quantity: 1, currentQuantity: 1,
  requiresShipping: true, unitPrice: netSales, discount: 0, tax: 0, giftCard, netSales: giftCard ? 0 : netSales,
});

const order = (processedAt: string, cancelled = false) => ({
  id: "gid://shopify/Order/1", processedAt: new Date(processedAt), cancelledAt: cancelled ? new Date(processedAt) : null, test: false,
  lines: [line(1, V1, 3000), line(2, V2, 2000), line(3, null, 500), line(4, V1, 2500, true)],
}) as unknown as LedgerOrder;

describe("COGS coverage", () => {
  const config = parseCostConfig({
    currency: "USD",
    variantCosts: [{ variantId: V1, unitCost: 1000, validFrom: "2026-03-01" }],
    defaultCogs: [{ percentOfPriceBps: 4000, validFrom: "2026-02-01" }],
  });

  it("splits merchandise revenue by how its COGS is known, at the order's date", () => {
    expect(cogsCoverage(order("2026-03-05T00:00:00Z"), config)).toEqual({ known: 3000, estimated: 2500, missing: 0 });
    expect(cogsCoverage(order("2026-02-05T00:00:00Z"), config)).toEqual({ known: 0, estimated: 5500, missing: 0 });
    expect(cogsCoverage(order("2026-01-05T00:00:00Z"), config)).toEqual({ known: 0, estimated: 0, missing: 5500 });
    expect(cogsCoverage(order("2026-03-05T00:00:00Z", true), config)).toEqual({ known: 0, estimated: 0, missing: 0 });
    expect(lineCostKind(V1, config, new Date("2026-03-01T00:00:00Z"))).toBe("known");
  });
});
