/**
 * The refresh's precomputed filter choices: every table of buildCohortTablesByGroup (one pass for all
 * the values of a filter; tags in layers, a customer in each of their tags' groups) equals
 * buildCohortTable with that one filter, on random stores whose facts differ only in case and spaces
 * where the filters fold them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcquisitionFacts } from "~/domain/value-events";
import {
  buildCohortTable, buildCohortTablesByGroup, discountPresenceGroups, filterValueGroups, prepareAnalytics, tagGroups, type AcquisitionFilters,
} from "~/domain/analytics";
import { cohortFilterKey } from "~/analytics/cohorts-query";
import { asOfArb, customerArb, randomBase, TO } from "./random-store";

describe("buildCohortTablesByGroup", () => {
  it("gives, for every value of a filter, the table buildCohortTable gives with that filter alone", () => {
    fc.assert(fc.property(fc.array(customerArb, { minLength: 1, maxLength: 12 }), asOfArb,
      (specs, asOfMs) => {
        const base = randomBase(specs, asOfMs);
        const groupings = [
          filterValueGroups(base, "channel", ["web", "pos", "shop", "none-such"]),
          filterValueGroups(base, "country", ["US", "de", "us"]), // "us" folds into the US group
          filterValueGroups(base, "discountCode", ["SAVE10", "WELCOME"]),
          filterValueGroups(base, "firstProductId", ["gid://shopify/Product/1", "gid://shopify/Product/2"]),
          discountPresenceGroups(base),
          tagGroups(base, ["vip", "wholesale", "staff", "Vip", "none-such"]), // "Vip" folds into the vip group
        ];
        expect(groupings[1].filters).toEqual([{ country: "US" }, { country: "de" }]);
        expect(groupings[5].filters).toEqual([{ tag: "vip" }, { tag: "wholesale" }, { tag: "staff" }, { tag: "none-such" }]);
        for (const { groupOf, filters } of groupings) {
          const tables = buildCohortTablesByGroup(base, groupOf, filters);
          expect(tables).toHaveLength(filters.length);
          tables.forEach((table, g) => expect(table).toEqual(buildCohortTable(base, { filters: filters[g] })));
        }
      }), { numRuns: 200 });
  });

  it("puts a customer in one layer per tag, and a customer without a listed tag in none", () => {
    const at = new Date(Date.UTC(2024, 2, 1));
    const facts = (customerId: string, tags: string[]): AcquisitionFacts => ({
      customerId, firstOrderId: `${customerId}-o`, firstOrderAt: at, channel: "web", countryCode: null, firstDiscountCode: null,
      firstProductId: null, firstProductTitle: null, tags,
    });
    const ids = ["gid://shopify/Customer/1", "gid://shopify/Customer/2", "gid://shopify/Customer/3"];
    const base = prepareAnalytics({
      events: ids.map((customerId, i) => ({ customerId, orderId: `${customerId}-o`, kind: "order", at, revenue: 1_000 * (i + 1), grossMargin: 0, contributionMargin: 0 })),
      acquisitions: [facts(ids[0], ["VIP", "staff", "vip"]), facts(ids[1], ["other"]), facts(ids[2], ["staff"])],
      timeZone: "UTC", asOf: new Date(Date.UTC(2024, 5, 1)), cancelledOrderIds: new Set(),
    });
    const { groupOf, filters } = tagGroups(base, ["vip", "staff"]);
    const c = (id: string) => base.customerIds.indexOf(id);
    expect(groupOf.map((layer) => [layer[c(ids[0])], layer[c(ids[1])], layer[c(ids[2])]])).toEqual([[0, -1, 1], [1, -1, -1]]);
    const [vip, staff] = buildCohortTablesByGroup(base, groupOf, filters);
    expect([vip.rows[0].size, vip.rows[0].cells[0]!.total.revenue]).toEqual([1, 1_000]);
    expect([staff.rows[0].size, staff.rows[0].cells[0]!.total.revenue]).toEqual([2, 4_000]);
  });

  it("returns no table for no filter", () => {
    const base = prepareAnalytics({ events: [], acquisitions: [], timeZone: "UTC", asOf: new Date(TO), cancelledOrderIds: new Set() });
    expect(buildCohortTablesByGroup(base, new Int32Array(0), [])).toEqual([]);
  });
});

describe("cohortFilterKey", () => {
  it("folds codes, countries and tags as the filters compare them, and keeps channels and products exact", () => {
    const key = (filters: AcquisitionFilters) => cohortFilterKey(filters);
    expect(key({ country: "US" })).toBe(key({ country: "us" }));
    expect(key({ discountCode: { code: " Save10" } })).toBe(key({ discountCode: { code: "SAVE10" } }));
    expect(key({ tag: "VIP" })).toBe(key({ tag: "vip" }));
    expect(key({ channel: "Web" })).not.toBe(key({ channel: "web" }));
    expect(key({ discountCode: "any" })).not.toBe(key({ discountCode: "none" }));
    expect(key({ channel: "web", country: "DE" })).toBe('cohorts?["web",null,"de",null,null]');
  });
});
