/**
 * The analytics views computed from one prepared base (cohorts with the formula view, segments, LTV:CAC
 * at each horizon, the store-wide context of the customer flags): what the refresh stores as snapshot
 * rows and the pages read. Pure: no database, no clock; the refresh runs it off the request thread
 * (app/analytics/refresh-compute.ts).
 */
import type {
  AnalyticsBase, CohortTable, CustomerFacts, CustomerSegmentKeys, FormulaView, LtvCacReport, MarketingSpend, OrderTotalsByCustomer, SegmentTable, SegmentThresholds,
} from "~/domain/analytics";
import {
  buildCohortTable, buildCohortTablesByGroup, buildCustomerFacts, buildFormulaView, buildLtvCacReports, buildSegmentTable,
  discountPresenceGroups, filterValueGroups, segmentKeysByCustomer, tagGroups,
} from "~/domain/analytics";
import { lifetimeColumns, shareCount } from "~/domain/analytics/behaviour";
import type { ShopSettings } from "~/shops/shops.server";
import { LTV_CAC_HORIZONS } from "./ltv-cac-options";

export type Jsonified<T> = T extends Date ? string : T extends (infer U)[] ? Jsonified<U>[] : T extends object ? { [K in keyof T]: Jsonified<T[K]> } : T;

export interface FilterOption {
  value: string;
  label: string;
  customers: number;
}

export interface FilterOptions {
  channels: FilterOption[];
  discountCodes: FilterOption[];
  countries: FilterOption[];
  products: FilterOption[];
  tags: FilterOption[];
}

export interface CohortsPayload {
  table: Jsonified<CohortTable>;
  formula: FormulaView;
  options: FilterOptions;
  customers: number;
}

export interface SegmentsPayload {
  table: SegmentTable;
}

export interface LtvCacPayload {
  reports: Record<string, LtvCacReport>;
  spendRows: number;
  vertical: string | null;
}

/** What a single customer's flags need from the whole store (see loadCustomerAnalytics). */
export interface CustomersPayload {
  thresholds: SegmentThresholds;
  customers: number;
  highValueCutoff: number | null;
  /** Lifetime revenue and contribution margin of every customer, ascending. */
  revenue: number[];
  contributionMargin: number[];
}

export interface ViewPayloads {
  cohorts: CohortsPayload;
  segments: SegmentsPayload;
  "ltv-cac": LtvCacPayload;
  customers: CustomersPayload;
}

export type ViewName = keyof ViewPayloads;

function filterOptions(base: AnalyticsBase): FilterOptions {
  const counters = {
    channels: new Map<string, FilterOption>(), discountCodes: new Map<string, FilterOption>(), countries: new Map<string, FilterOption>(),
    products: new Map<string, FilterOption>(), tags: new Map<string, FilterOption>(),
  };
  const add = (map: Map<string, FilterOption>, value: string, label: string) => {
    const entry = map.get(value);
    if (entry) entry.customers++;
    else map.set(value, { value, label, customers: 1 });
  };
  for (const f of base.facts) {
    if (!f) continue;
    add(counters.channels, f.channel, f.channel);
    if (f.firstDiscountCode) add(counters.discountCodes, f.firstDiscountCode.trim().toUpperCase(), f.firstDiscountCode.trim().toUpperCase());
    if (f.countryCode) add(counters.countries, f.countryCode.toUpperCase(), f.countryCode.toUpperCase());
    if (f.firstProductId) add(counters.products, f.firstProductId, f.firstProductTitle ?? f.firstProductId);
    for (const tag of new Set(f.tags.map((t) => t.toLowerCase()))) add(counters.tags, tag, tag);
  }
  const top = (map: Map<string, FilterOption>) =>
    [...map.values()].sort((a, b) => b.customers - a.customers || (a.label < b.label ? -1 : 1)).slice(0, 200);
  return {
    channels: top(counters.channels), discountCodes: top(counters.discountCodes), countries: top(counters.countries),
    products: top(counters.products), tags: top(counters.tags),
  };
}

/**
 * Values per filter whose cohort tables the refresh stores beside the unfiltered one, the most common
 * first (the order of the filter menus), so choosing one of them reads a row (~5 ms at 1M orders).
 * Other values and combinations of filters are tabulated on request from the refresh's stored cohort
 * base (cohort-base.server.ts: 170 ms the first time in a process, 20-50 ms after) and cached until
 * the next refresh.
 */
export const PRECOMPUTED_FILTER_VALUES = 25;

/** The cohort tables of the precomputed filter choices (see PRECOMPUTED_FILTER_VALUES), one pass over the events per filter. */
export function precomputedCohortTables(base: AnalyticsBase, options: FilterOptions): CohortTable[] {
  const take = (list: FilterOption[]) => list.slice(0, PRECOMPUTED_FILTER_VALUES).map((o) => o.value);
  const groupings = [
    filterValueGroups(base, "channel", take(options.channels)),
    filterValueGroups(base, "country", take(options.countries)),
    filterValueGroups(base, "discountCode", take(options.discountCodes)),
    filterValueGroups(base, "firstProductId", take(options.products)),
    discountPresenceGroups(base),
    tagGroups(base, take(options.tags)),
  ];
  return groupings.flatMap(({ groupOf, filters }) => buildCohortTablesByGroup(base, groupOf, filters));
}

export function jsonCohortTable(table: CohortTable): Jsonified<CohortTable> {
  return JSON.parse(JSON.stringify(table)) as Jsonified<CohortTable>;
}

export interface ViewInputs {
  shop: ShopSettings;
  thresholds: SegmentThresholds;
  vertical: string | null;
  channelMapping: Record<string, string>;
  spend: MarketingSpend[];
}

/**
 * The customers' facts and each customer's segment rows (for the per-segment projection, which the
 * refresh starts on them before the other views: not stored, the projection consumes them).
 */
export function customerSegments(base: AnalyticsBase, orderTotals: OrderTotalsByCustomer, inputs: Pick<ViewInputs, "thresholds">):
  { customers: CustomerFacts[]; segmentKeys: CustomerSegmentKeys } {
  const customers = buildCustomerFacts(base, orderTotals);
  return { customers, segmentKeys: segmentKeysByCustomer(customers, { thresholds: inputs.thresholds }) };
}

/**
 * Every view from one prepared base and its customers' facts (customerSegments; pure apart from the
 * clock-free inputs given), and the cohort tables of the common filter choices.
 */
export function computeViews(base: AnalyticsBase, customers: readonly CustomerFacts[], inputs: ViewInputs):
  { views: ViewPayloads; filteredCohorts: CohortTable[] } {
  const currency = inputs.shop.currency;
  const table = buildCohortTable(base);
  const segments = buildSegmentTable(customers, { thresholds: inputs.thresholds });
  const reports: Record<string, LtvCacReport> = {};
  const byHorizon = buildLtvCacReports(base, {
    spend: inputs.spend, channelMapping: inputs.channelMapping, currency, vertical: inputs.vertical ?? undefined,
  }, LTV_CAC_HORIZONS);
  LTV_CAC_HORIZONS.forEach((horizon, i) => (reports[horizon] = byHorizon[i]));
  const n = customers.length;
  const { revenue, margin } = lifetimeColumns(customers);
  revenue.sort();
  margin.sort();
  const top = shareCount(n, inputs.thresholds.highValueTopShareBps);
  const options = filterOptions(base);
  const views: ViewPayloads = {
    cohorts: { table: jsonCohortTable(table), formula: buildFormulaView(base, { currency }), options, customers: n },
    segments: { table: segments },
    "ltv-cac": { reports, spendRows: inputs.spend.length, vertical: inputs.vertical },
    customers: {
      thresholds: inputs.thresholds, customers: n, highValueCutoff: top > 0 ? margin[n - top] : null,
      revenue: Array.from(revenue), contributionMargin: Array.from(margin),
    },
  };
  return { views, filteredCohorts: precomputedCohortTables(base, options) };
}
