import { describe, expect, it } from "vitest";
import { computeOrderMargin } from "~/domain/economics/margin";
import { marginLines } from "~/domain/economics/breakdown-lines";
import { parseCostConfig } from "~/domain/economics/cost-config";
import type { OrderSpec } from "./fixtures";
import { LATER, makeOrder, referenceCosts, V1, V2, V9 } from "./fixtures";

const costs = referenceCosts();
const FEB = "2026-02-10T12:00:00Z";

/** V1 x2 at 25.00 with 5.00 off, V2 x1 at 15.00, shipping 8.00, tax 4.00, tip 2.00: paid 74.00. */
const plainOrder: OrderSpec = {
  processedAt: FEB,
  lines: [
    { variantId: V1, quantity: 2, unitPrice: 2500, discount: 500, tax: 360 },
    { variantId: V2, quantity: 1, unitPrice: 1500 },
  ],
  shippingCharged: 800,
  shippingTax: 40,
  tips: 200,
};

describe("computeOrderMargin: the cost stack, line by line", () => {
  it("breaks a plain order into its components", () => {
    const order = makeOrder(plainOrder);
    expect(order.totalPrice).toBe(7400);
    const margin = computeOrderMargin(order, costs, LATER);
    expect(margin).toMatchObject({
      status: "counted",
      grossSales: 6500, // 2 x 2500 + 1500
      discounts: -500, // the discount load
      netSales: 6000,
      shippingCharged: 800,
      refundedMerchandise: 0, refundedShipping: 0, refundAdjustments: 0,
      netRevenue: 6800, // tax (400) and tip (200) are not revenue
      cogs: -2500, // 2 x 1000 (V1 before April) + 500 (V2)
      cogsEstimated: 0,
      cogsRecovered: 0,
      grossMargin: 4300,
      paymentFees: -245, // 7400 x 2.9% = 214.6 -> 215, + 30
      paymentFeeSource: "configured",
      fulfilment: -450, // 300 + 3 items x 50
      shippingCost: -600,
      reverseLogistics: 0,
      returnsReserve: 0, // asOf is long after the 30-day window
      serviceCost: 0,
      contributionMargin: 3005, // 4300 - 245 - 450 - 600
      contributionMarginBps: 4419, // 3005 / 6800 = 44.191%
      grossMarginBps: 6324, // 4300 / 6800 = 63.235%
      missingCosts: [],
    });
  });

  it("lists every component as its own statement line, adding up to the contribution margin", () => {
    const lines = marginLines(computeOrderMargin(makeOrder(plainOrder), costs, LATER));
    const components = lines.filter((line) => line.kind === "component");
    expect(components.map((line) => line.key)).toEqual([
      "grossSales", "discounts", "shippingCharged", "refundedMerchandise", "refundedShipping", "refundAdjustments",
      "cogs", "cogsRecovered", "paymentFees", "fulfilment", "shippingCost", "reverseLogistics", "returnsReserve",
      "serviceCost",
    ]);
    expect(components.reduce((total, line) => total + line.amount, 0)).toBe(3005);
    expect(lines.at(-1)).toMatchObject({ key: "contributionMargin", kind: "subtotal", amount: 3005 });
  });
});

describe("effective dating", () => {
  it("costs an order before a COGS change at the old cost and one after at the new cost", () => {
    const before = computeOrderMargin(makeOrder({ ...plainOrder, processedAt: "2026-03-31T23:59:59.999Z" }), costs, LATER);
    const atChange = computeOrderMargin(makeOrder({ ...plainOrder, processedAt: "2026-04-01T00:00:00Z" }), costs, LATER);
    const after = computeOrderMargin(makeOrder({ ...plainOrder, processedAt: "2026-04-15T12:00:00Z" }), costs, LATER);
    expect(before.cogs).toBe(-2500); // 2 x 10.00 + 5.00
    expect(atChange.cogs).toBe(-2900); // 2 x 12.00 + 5.00: in force from validFrom on
    expect(after.cogs).toBe(-2900);
    expect(after.contributionMargin).toBe(2605); // 3005 - 400
  });

  it("costs a refund with the return policy in force when the order was placed, not at the refund", () => {
    // Policy from 2026-03-01 charges 9.00 per return; the order is from February, the refund from March.
    const order = makeOrder({
      processedAt: FEB,
      lines: [{ variantId: V1, quantity: 2, unitPrice: 2500 }],
      refunds: [{ createdAt: "2026-03-05T00:00:00Z", lines: [{ line: 0, quantity: 1, restockType: "return", subtotal: 2500 }] }],
    });
    expect(computeOrderMargin(order, costs, LATER).reverseLogistics).toBe(-600); // 500 + 1 x 100
  });

  it("reports the components with no version in force instead of inventing a cost", () => {
    const margin = computeOrderMargin(makeOrder({ ...plainOrder, processedAt: "2025-12-15T00:00:00Z" }), costs, LATER);
    expect(margin.missingCosts).toEqual(["cogs", "fulfilment", "paymentFees", "shipping"]);
    expect(margin.contributionMargin).toBe(6800);
  });
});

describe("COGS estimated from the default percentage", () => {
  it("estimates lines without a cost and rounds the estimate once for the order", () => {
    // No variant: 1999 x 40% = 799.6; V9 (no cost) 2 x 502 = 1004 x 40% = 401.6; sum 1201.2 -> 1201
    // (rounding per line would give 800 + 402 = 1202). V2 has a real cost: 500.
    const order = makeOrder({
      processedAt: FEB,
      lines: [
        { variantId: null, quantity: 1, unitPrice: 1999 },
        { variantId: V9, quantity: 2, unitPrice: 502 },
        { variantId: V2, quantity: 1, unitPrice: 1500 },
      ],
    });
    const margin = computeOrderMargin(order, costs, LATER);
    expect(margin.cogs).toBe(-1701);
    expect(margin.cogsEstimated).toBe(-1201);
    expect(margin.missingCosts).toEqual([]);
  });

  it("recovers and loses estimated COGS per unit on refunds", () => {
    const order = makeOrder({
      processedAt: FEB,
      lines: [{ variantId: null, quantity: 1, unitPrice: 1999 }, { variantId: V9, quantity: 2, unitPrice: 502 }],
      refunds: [{
        createdAt: "2026-02-20T00:00:00Z",
        lines: [
          { line: 1, quantity: 1, restockType: "return", subtotal: 502 }, // 502 x 40% = 200.8 -> 201 back
          { line: 0, quantity: 1, restockType: "no_restock", subtotal: 1999 }, // 799.6 -> 800 lost
        ],
      }],
    });
    const margin = computeOrderMargin(order, costs, LATER);
    expect(margin.cogsRecovered).toBe(201);
    expect(margin.cogsLostNotRestocked).toBe(-800);
  });

  it("flags COGS as missing when neither a variant cost nor a default percentage is in force", () => {
    const order = makeOrder({ processedAt: FEB, lines: [{ variantId: null, quantity: 1, unitPrice: 1999 }] });
    const margin = computeOrderMargin(order, referenceCosts({ defaultCogs: [] }), LATER);
    expect(margin.cogs).toBe(0);
    expect(margin.missingCosts).toEqual(["cogs"]);
  });
});

describe("returns: restocked or not", () => {
  // V1 x2 at 25.00, no shipping: paid 50.00 -> fee 145 + 30 = 175; fulfilment 300 + 2 x 50 = 400;
  // shipping cost 600; COGS 2 x 1000. One unit refunded on 20 February.
  const returnOf = (restockType: "return" | "no_restock" | "cancel") => computeOrderMargin(makeOrder({
    processedAt: FEB,
    lines: [{ variantId: V1, quantity: 2, unitPrice: 2500 }],
    refunds: [{ createdAt: "2026-02-20T00:00:00Z", lines: [{ line: 0, quantity: 1, restockType, subtotal: 2500 }] }],
  }), costs, LATER);

  it("gives the COGS of a restocked unit back and charges reverse logistics", () => {
    const margin = returnOf("return");
    expect(margin).toMatchObject({
      netRevenue: 2500,
      cogs: -2000,
      cogsRecovered: 1000,
      grossMargin: 1500, // 2500 - 2000 + 1000
      reverseLogistics: -600, // 500 per return + 1 item x 100
      cogsLostNotRestocked: 0,
      contributionMargin: -275, // 1500 - 175 - 400 - 600 - 600
    });
  });

  it("loses the COGS of a unit that is not restocked", () => {
    const margin = returnOf("no_restock");
    expect(margin).toMatchObject({
      cogsRecovered: 0,
      cogsLostNotRestocked: -1000, // memo: already inside cogs
      grossMargin: 500,
      reverseLogistics: -600,
      contributionMargin: -1275, // 1000 less than restocked
    });
  });

  it("treats a cancelled (never shipped) unit as back in stock with no reverse logistics", () => {
    const margin = returnOf("cancel");
    expect(margin).toMatchObject({ cogsRecovered: 1000, reverseLogistics: 0, contributionMargin: 325 });
    expect(margin.refunds[0].returnedItems).toBe(0);
  });
});

describe("refunds", () => {
  // V2 x3 at 15.00 + 5.00 shipping: paid 50.00 -> fee 175; COGS 1500; fulfilment 300 + 150; shipping cost 600.
  const base: OrderSpec = { processedAt: FEB, lines: [{ variantId: V2, quantity: 3, unitPrice: 1500 }], shippingCharged: 500 };
  const insideWindow = { asOf: new Date("2026-02-20T00:00:00Z") };

  it("counts a partial refund without returned goods as revenue given back and keeps the reserve", () => {
    const order = makeOrder({ ...base, refunds: [{ createdAt: "2026-02-15T00:00:00Z", shipping: 500, adjustments: 300 }] });
    const margin = computeOrderMargin(order, costs, insideWindow);
    expect(margin).toMatchObject({
      refundedMerchandise: 0,
      refundedShipping: -500,
      refundAdjustments: -300,
      netRevenue: 4200, // 4500 + 500 - 500 - 300
      grossMargin: 2700,
      // Still inside the window and nothing came back: 10% x (4500 refundable + 500 + 3 x 100) = 530.
      returnsReserve: -530,
      returnsReserveReleasesAt: new Date("2026-03-12T12:00:00Z"),
      contributionMargin: 945, // 2700 - 175 - 450 - 600 - 530
    });
  });

  it("replaces the reserve with the real return when one unit of three comes back", () => {
    const order = makeOrder({
      ...base,
      refunds: [{ createdAt: "2026-02-15T00:00:00Z", lines: [{ line: 0, quantity: 1, restockType: "return", subtotal: 1500 }] }],
    });
    const margin = computeOrderMargin(order, costs, insideWindow);
    expect(margin).toMatchObject({
      refundedMerchandise: -1500,
      netRevenue: 3500,
      cogsRecovered: 500,
      grossMargin: 2500, // 3500 - 1500 + 500
      reverseLogistics: -600,
      returnsReserve: 0,
      returnsReserveReleasesAt: null,
      contributionMargin: 675, // 2500 - 175 - 450 - 600 - 600
    });
  });

  it("ignores refunds made after the evaluation date", () => {
    const order = makeOrder({
      ...base,
      refunds: [{ createdAt: "2026-03-01T00:00:00Z", lines: [{ line: 0, quantity: 1, restockType: "return", subtotal: 1500 }] }],
    });
    const margin = computeOrderMargin(order, costs, insideWindow);
    expect(margin.refunds).toEqual([]);
    expect(margin.netRevenue).toBe(5000);
  });
});

describe("returns reserve", () => {
  // V2 x2 at 15.00 on 1 Feb 10:00 UTC; 30-day window ends 3 March 10:00 UTC.
  // Without reserve: 3000 - 1000 COGS - 117 fee (87 + 30) - 400 fulfilment - 600 shipping = 883.
  const spec: OrderSpec = { processedAt: "2026-02-01T10:00:00Z", lines: [{ variantId: V2, quantity: 2, unitPrice: 1500 }] };
  const at = (iso: string) => ({ asOf: new Date(iso) });

  it("holds rate x (refundable revenue + reverse logistics) inside the window", () => {
    const margin = computeOrderMargin(makeOrder(spec), costs, at("2026-02-10T00:00:00Z"));
    expect(margin.returnsReserve).toBe(-370); // 10% x (3000 + 500 + 2 x 100)
    expect(margin.returnsReserveReleasesAt).toEqual(new Date("2026-03-03T10:00:00Z"));
    expect(margin.contributionMargin).toBe(513);
  });

  it("still holds it at the last instant of the window and drops it when the window closes", () => {
    expect(computeOrderMargin(makeOrder(spec), costs, at("2026-03-03T09:59:59.999Z")).returnsReserve).toBe(-370);
    const closed = computeOrderMargin(makeOrder(spec), costs, at("2026-03-03T10:00:00Z"));
    expect(closed).toMatchObject({ returnsReserve: 0, returnsReserveReleasesAt: null, contributionMargin: 883 });
  });

  it("leaves cancelled units out of the exposure", () => {
    const order = makeOrder({
      ...spec,
      refunds: [{ createdAt: "2026-02-02T00:00:00Z", lines: [{ line: 0, quantity: 1, restockType: "cancel", subtotal: 1500 }] }],
    });
    // 10% x (1500 still refundable + 500 + 1 x 100) = 210
    expect(computeOrderMargin(order, costs, at("2026-02-10T00:00:00Z")).returnsReserve).toBe(-210);
  });

  it("rounds the reserve once, half away from zero", () => {
    const order = makeOrder({ ...spec, lines: [{ variantId: null, quantity: 1, unitPrice: 3005 }] });
    // 10% x (3005 + 500 + 100) = 360.5 -> 361
    expect(computeOrderMargin(order, costs, at("2026-02-10T00:00:00Z")).returnsReserve).toBe(-361);
  });
});

describe("discounts, taxes and currencies", () => {
  it("handles a 100% discount order: no revenue, no fee, real goods and fulfilment costs", () => {
    const order = makeOrder({ processedAt: FEB, lines: [{ variantId: V1, quantity: 1, unitPrice: 2500, discount: 2500 }] });
    expect(order.totalPrice).toBe(0);
    const margin = computeOrderMargin(order, costs, LATER);
    expect(margin).toMatchObject({
      grossSales: 2500,
      discounts: -2500,
      netSales: 0,
      netRevenue: 0,
      cogs: -1000,
      paymentFees: 0,
      paymentFeeSource: "none",
      fulfilment: -350,
      shippingCost: -600,
      contributionMargin: -1950,
      contributionMarginBps: null, // no revenue to take a share of
    });
  });

  it("uses the ledger's tax-exclusive figures in a tax-inclusive store", () => {
    // 20% VAT inside prices: 12.00 -> 10.00 + 2.00 tax; shipping 6.00 -> 5.00 + 1.00. Paid 30.00.
    const order = makeOrder({
      processedAt: FEB,
      taxesIncluded: true,
      lines: [
        { variantId: V2, quantity: 1, unitPrice: 1200, tax: 200 },
        { variantId: null, quantity: 1, unitPrice: 1200, tax: 200 },
      ],
      shippingCharged: 500,
      shippingTax: 100,
    });
    expect(order.totalPrice).toBe(3000);
    const margin = computeOrderMargin(order, costs, LATER);
    expect(margin).toMatchObject({
      grossSales: 2000,
      netSales: 2000,
      netRevenue: 2500,
      cogs: -900, // V2 500 + 40% of the custom line's 10.00 excluding tax = 400
      cogsEstimated: -400,
      paymentFees: -117, // charged on the 30.00 paid: 87 + 30
      fulfilment: -400,
      shippingCost: -600,
      contributionMargin: 483, // 2500 - 900 - 117 - 400 - 600
    });
  });

  it("works in a zero-decimal currency (JPY) with per-country shipping costs", () => {
    const yen = parseCostConfig({
      currency: "JPY",
      variantCosts: [{ variantId: V1, unitCost: 1200, validFrom: "2026-01-01" }],
      fulfilment: [{ perOrder: 300, perItem: 0, validFrom: "2026-01-01" }],
      shipping: [{ method: "per_country", byCountry: { JP: 800, US: 2500 }, fallback: 3000, validFrom: "2026-01-01" }],
      paymentFees: [{
        gateways: [{ gateway: "shopify_payments", percentBps: 325, fixedPerOrder: 0 }],
        fallback: { percentBps: 360, fixedPerOrder: 0 },
        validFrom: "2026-01-01",
      }],
    });
    const spec: OrderSpec = {
      processedAt: FEB, currency: "JPY", countryCode: "JP",
      lines: [{ variantId: V1, quantity: 1, unitPrice: 4980, tax: 498 }], shippingCharged: 500,
    };
    // Paid ¥5978: fee 5978 x 3.25% = 194.285 -> ¥194. Revenue 4980 + 500 = 5480.
    const japan = computeOrderMargin(makeOrder(spec), yen, LATER);
    expect(japan).toMatchObject({ netRevenue: 5480, cogs: -1200, paymentFees: -194, fulfilment: -300, shippingCost: -800 });
    expect(japan.contributionMargin).toBe(2986); // 5480 - 1200 - 194 - 300 - 800
    expect(computeOrderMargin(makeOrder({ ...spec, countryCode: "FR" }), yen, LATER).shippingCost).toBe(-3000);
    expect(computeOrderMargin(makeOrder({ ...spec, countryCode: null }), yen, LATER).shippingCost).toBe(-3000);
    expect(() => computeOrderMargin(makeOrder(spec), costs, LATER)).toThrow(/Cost config is in USD/);
  });

  it("never counts gift cards, taxes, duties or tips as revenue or margin", () => {
    const plain = makeOrder({ processedAt: FEB, lines: [{ variantId: V2, quantity: 1, unitPrice: 1500 }] });
    const loaded = makeOrder({
      processedAt: FEB,
      lines: [{ variantId: V2, quantity: 1, unitPrice: 1500, tax: 150 }, { variantId: null, quantity: 1, unitPrice: 5000, giftCard: true }],
      tips: 300,
      duties: 200,
    });
    const context = { ...LATER, actualPaymentFee: 50 }; // pin the fee, which does grow with the amount charged
    const a = computeOrderMargin(plain, costs, context);
    const b = computeOrderMargin(loaded, costs, context);
    expect(b.netRevenue).toBe(a.netRevenue);
    expect(b.cogs).toBe(a.cogs); // the gift card line has no goods
    expect(b.fulfilment).toBe(a.fulfilment);
    expect(b.contributionMargin).toBe(a.contributionMargin);
  });
});

describe("shipping charged against shipping cost", () => {
  const withShipping = (shippingCharged: number, overrides: Record<string, unknown> = {}) => computeOrderMargin(
    makeOrder({ processedAt: FEB, lines: [{ variantId: V2, quantity: 1, unitPrice: 1500 }], shippingCharged }),
    referenceCosts(overrides), LATER);

  it("makes money on shipping charged above its cost and subsidises it below", () => {
    const above = withShipping(1000);
    expect(above.shippingCharged + above.shippingCost).toBe(400); // 10.00 charged, 6.00 paid
    const free = withShipping(0);
    expect(free.shippingCharged + free.shippingCost).toBe(-600); // free shipping: a 6.00 subsidy
    expect(above.contributionMargin - free.contributionMargin).toBe(1000 - 29); // fee on the extra 10.00: 29
  });

  it("costs shipping as a share of what was charged", () => {
    const share = [{ method: "percent_of_shipping_charged", percentBps: 8000, validFrom: "2026-01-01" }];
    expect(withShipping(1000, { shipping: share }).shippingCost).toBe(-800);
  });
});

describe("payment fees", () => {
  const order = makeOrder(plainOrder); // paid 74.00
  it("uses the actual transaction fee when the caller has it", () => {
    const margin = computeOrderMargin(order, costs, { ...LATER, actualPaymentFee: 231 });
    expect(margin).toMatchObject({ paymentFees: -231, paymentFeeSource: "actual", contributionMargin: 3005 + 245 - 231 });
  });

  it("uses the configured fee when actual fees are switched off or absent", () => {
    const off = referenceCosts({ useActualPaymentFees: false });
    expect(computeOrderMargin(order, off, { ...LATER, actualPaymentFee: 231 })).toMatchObject({
      paymentFees: -245, paymentFeeSource: "configured",
    });
  });

  it("picks the rate of the order's gateway, skipping gift cards, else the fallback", () => {
    const fee = (gateways: string[]) => computeOrderMargin(makeOrder({ ...plainOrder, gateways }), costs, LATER).paymentFees;
    expect(fee(["paypal"])).toBe(-307); // 7400 x 3.49% = 258.26 -> 258, + 49
    expect(fee(["gift_card", "paypal"])).toBe(-307);
    expect(fee(["manual"])).toBe(-222); // fallback 3%
  });

  it("rounds the percentage half away from zero", () => {
    const small = makeOrder({ processedAt: FEB, lines: [{ variantId: V2, quantity: 1, unitPrice: 500 }] });
    expect(computeOrderMargin(small, costs, LATER).paymentFees).toBe(-45); // 500 x 2.9% = 14.5 -> 15, + 30
  });

  it("reports missing fee configuration unless an actual fee is known", () => {
    const none = referenceCosts({ paymentFees: [] });
    expect(computeOrderMargin(order, none, LATER).missingCosts).toEqual(["paymentFees"]);
    expect(computeOrderMargin(order, none, { ...LATER, actualPaymentFee: 200 }).missingCosts).toEqual([]);
  });
});

describe("service cost", () => {
  const order = makeOrder(plainOrder);
  it("charges each support contact at the rate in force", () => {
    const margin = computeOrderMargin(order, costs, { ...LATER, serviceContacts: 3 });
    expect(margin.serviceCost).toBe(-750);
    expect(margin.contributionMargin).toBe(3005 - 750);
  });

  it("reports contacts without a configured rate and refuses impossible counts", () => {
    expect(computeOrderMargin(order, referenceCosts({ service: [] }), { ...LATER, serviceContacts: 2 }).missingCosts)
      .toEqual(["service"]);
    expect(() => computeOrderMargin(order, costs, { ...LATER, serviceContacts: -1 })).toThrow(/serviceContacts/);
    expect(() => computeOrderMargin(order, costs, { ...LATER, actualPaymentFee: 2.5 })).toThrow(/actualPaymentFee/);
  });
});

describe("cancelled and test orders", () => {
  const cancelled: OrderSpec = {
    processedAt: FEB,
    cancelledAt: "2026-02-11T09:00:00Z",
    lines: [{ variantId: V1, quantity: 2, unitPrice: 2500 }],
    refunds: [{ createdAt: "2026-02-11T09:00:00Z", lines: [{ line: 0, quantity: 2, restockType: "cancel", subtotal: 5000 }] }],
  };

  it("gives a cancelled order zero revenue and keeps only costs known to be real", () => {
    const margin = computeOrderMargin(makeOrder(cancelled), costs, { ...LATER, actualPaymentFee: 175, serviceContacts: 1 });
    expect(margin).toMatchObject({
      status: "cancelled",
      grossSales: 0, netRevenue: 0, cogs: 0, cogsRecovered: 0, fulfilment: 0, shippingCost: 0,
      reverseLogistics: 0, returnsReserve: 0,
      paymentFees: -175, // the processor kept its fee
      serviceCost: -250,
      contributionMargin: -425,
    });
    expect(margin.refunds).toHaveLength(1);
    expect(margin.refunds[0]).toMatchObject({ revenue: 0, grossMargin: 0, contributionMargin: 0 });
  });

  it("does not assume a configured fee on a cancelled order", () => {
    const margin = computeOrderMargin(makeOrder(cancelled), costs, LATER);
    expect(margin).toMatchObject({ paymentFees: 0, paymentFeeSource: "none", contributionMargin: 0, missingCosts: [] });
  });

  it("counts nothing for a test order", () => {
    const margin = computeOrderMargin(makeOrder({ ...plainOrder, test: true }), costs, { ...LATER, serviceContacts: 2, actualPaymentFee: 99 });
    expect(margin).toMatchObject({ status: "test", netRevenue: 0, contributionMargin: 0, paymentFees: 0, serviceCost: 0, refunds: [] });
  });
});

describe("input checks", () => {
  it("refuses a ledger order whose totals do not reconcile", () => {
    const order = { ...makeOrder(plainOrder), netSales: 1 };
    expect(() => computeOrderMargin(order, costs, LATER)).toThrow(/inconsistent/);
  });
});
