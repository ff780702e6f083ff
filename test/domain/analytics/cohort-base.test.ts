/**
 * The stored cohort base (encodeCohortBase / decodeCohortBase): a table built from the decoded bytes
 * equals the table built from the prepared events, for every filter and combination of filters, on
 * the hand-built store (refunds, a guest, cancelled orders, a customer without facts) and on random
 * stores; bytes that are not a cohort base are refused with a clear error.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCohortTable, prepareAnalytics, type AcquisitionFilters } from "~/domain/analytics";
import { decodeCohortBase, encodeCohortBase } from "~/domain/analytics/cohort-base";
import { ACQUISITIONS, AS_OF, CANCELLED, EVENTS, TZ } from "./store";
import { asOfArb, customerArb, randomBase } from "./random-store";

const FILTERS: AcquisitionFilters[] = [
  {}, { channel: "web" }, { channel: "pos" }, { country: "us" }, { discountCode: "none" }, { discountCode: "any" },
  { discountCode: { code: "save10" } }, { firstProductId: "gid://shopify/Product/1" }, { tag: "VIP" },
  { channel: "web", tag: "vip" }, { channel: "pos", country: "DE", discountCode: "any" }, { tag: "staff", firstProductId: "gid://shopify/Product/2" },
];

describe("cohort base bytes", () => {
  it("give the same tables as the prepared events on the hand-built store", () => {
    const base = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
    const decoded = decodeCohortBase(encodeCohortBase(base));
    const channels = [...new Set(ACQUISITIONS.map((f) => f.channel))];
    expect(channels.length).toBeGreaterThan(1);
    for (const filters of [...FILTERS, ...channels.map((channel) => ({ channel }))]) {
      expect(buildCohortTable(decoded, { filters })).toEqual(buildCohortTable(base, { filters }));
    }
    // The guests' totals travel too, and a customer without facts stays without.
    expect(decoded.unattributed).toEqual(base.unattributed);
    expect(decoded.facts.filter((f) => f === null)).toHaveLength(base.facts.filter((f) => f === null).length);
  });

  it("give the same tables as the prepared events on random stores, for every filter combination", () => {
    fc.assert(fc.property(fc.array(customerArb, { minLength: 1, maxLength: 12 }), asOfArb, (specs, asOfMs) => {
      const base = randomBase(specs, asOfMs);
      const decoded = decodeCohortBase(encodeCohortBase(base));
      for (const filters of FILTERS) expect(buildCohortTable(decoded, { filters })).toEqual(buildCohortTable(base, { filters }));
    }), { numRuns: 100 });
  });

  it("decode rows stored before the events' months were, to the same base", () => {
    fc.assert(fc.property(fc.array(customerArb, { minLength: 1, maxLength: 12 }), asOfArb, (specs, asOfMs) => {
      const base = randomBase(specs, asOfMs);
      const older = decodeCohortBase(encodeCohortBase(base, { layout: "without-months" }));
      expect(older).toEqual(decodeCohortBase(encodeCohortBase(base)));
      expect(Array.from(older.eventMonth)).toEqual(Array.from(base.eventMonth));
    }), { numRuns: 50 });
    const base = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
    expect(encodeCohortBase(base, { layout: "without-months" }).length).toBeLessThan(encodeCohortBase(base).length);
  });

  it("give each customer their own tags (none, one or several), one shared list per distinct set", () => {
    fc.assert(fc.property(fc.array(customerArb, { minLength: 1, maxLength: 12 }), asOfArb, (specs, asOfMs) => {
      const base = randomBase(specs, asOfMs);
      const decoded = decodeCohortBase(encodeCohortBase(base));
      expect(decoded.facts.map((f) => f?.tags ?? null)).toEqual(base.facts.map((f) => f?.tags ?? null));
      const lists = new Map<string, Set<readonly string[]>>();
      for (const f of decoded.facts) if (f) lists.set(f.tags.join("|"), (lists.get(f.tags.join("|")) ?? new Set()).add(f.tags));
      for (const shared of lists.values()) expect(shared.size).toBe(1);
    }), { numRuns: 100 });
  });

  it("decode from a buffer that does not start on an aligned offset (a driver's pooled Buffer)", () => {
    const base = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
    const bytes = encodeCohortBase(base);
    const pooled = new Uint8Array(bytes.length + 3);
    pooled.set(bytes, 3);
    const decoded = decodeCohortBase(pooled.subarray(3));
    expect(buildCohortTable(decoded, { filters: { tag: "vip" } })).toEqual(buildCohortTable(base, { filters: { tag: "vip" } }));
  });

  it("refuse bytes that are not a cohort base, or are cut short", () => {
    const base = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
    const bytes = encodeCohortBase(base);
    expect(() => decodeCohortBase(new TextEncoder().encode("{\"not\": \"this\"}"))).toThrow("Not a stored cohort base: unknown format");
    expect(() => decodeCohortBase(bytes.subarray(0, bytes.length - 16))).toThrow(/Not a stored cohort base: truncated at \w+/);
    expect(() => decodeCohortBase(bytes.subarray(0, 12))).toThrow("Not a stored cohort base: truncated header");
  });
});
